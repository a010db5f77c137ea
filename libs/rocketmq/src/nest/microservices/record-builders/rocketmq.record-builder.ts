/**
 * Send options for one `emit()` / `send()`: wrap the payload in a record to give the message a
 * tag, keys, a delay or an ordering key (`client.emit('orders', new RocketMQRecordBuilder(order).setKeys(order.id).build())`).
 */
export interface RocketMQRecordOptions {
  /** Message tag; overrides the pattern's `:tag`. */
  tags?: string;
  /** Index keys (`queryMessageByKey`). */
  keys?: string | readonly string[];
  /** Delay level 1..18. */
  delayLevel?: number;
  /** Deliver at this time, ms since epoch (5.x timer messages). */
  deliverAt?: number;
  /** Ordered messages: every message with the same key goes to the same queue. Events only. */
  shardingKey?: string | number;
  /** User properties (metadata of the packet). */
  properties?: Readonly<Record<string, string>>;
}

export class RocketMQRecord<TData = unknown> {
  constructor(
    readonly data: TData,
    readonly options: RocketMQRecordOptions = {},
  ) {}
}

export class RocketMQRecordBuilder<TData = unknown> {
  private options: RocketMQRecordOptions = {};

  constructor(private data?: TData) {}

  setData(data: TData): this {
    this.data = data;
    return this;
  }

  setTags(tags: string): this {
    this.options = { ...this.options, tags };
    return this;
  }

  setKeys(keys: string | readonly string[]): this {
    this.options = { ...this.options, keys };
    return this;
  }

  setDelayLevel(delayLevel: number): this {
    this.options = { ...this.options, delayLevel };
    return this;
  }

  setDeliverAt(deliverAt: number | Date): this {
    this.options = { ...this.options, deliverAt: deliverAt instanceof Date ? deliverAt.getTime() : deliverAt };
    return this;
  }

  setShardingKey(shardingKey: string | number): this {
    this.options = { ...this.options, shardingKey };
    return this;
  }

  setProperties(properties: Readonly<Record<string, string>>): this {
    this.options = { ...this.options, properties: { ...this.options.properties, ...properties } };
    return this;
  }

  build(): RocketMQRecord<TData> {
    return new RocketMQRecord(this.data as TData, this.options);
  }
}
