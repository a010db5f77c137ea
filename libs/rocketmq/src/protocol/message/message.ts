/**
 * Message types shared by the client and the embedded broker.
 *
 * A Message keeps every property (user and system) in one record, `properties`; `tags`, `keys`, `delayLevel`,
 * `deliverAt`, `waitStoreMsgOK`, `transactionId` are views over it, like Java's `Message`.
 */
import { RocketMQClientError } from '../errors.js';
import { MessageConst, isSystemProperty } from './message-const.js';
import { createProperties, type MessageProperties } from './properties.js';

export type { MessageQueue } from './message-queue.js';
export {
  MessageQueueMap,
  compareMessageQueues,
  messageQueue,
  messageQueueFromKey,
  messageQueueKey,
  messageQueueToString,
  sameMessageQueue,
} from './message-queue.js';

export interface MessageOptions {
  tags?: string;
  /** Index keys; stored space-separated in `KEYS`. */
  keys?: string | readonly string[];
  flag?: number;
  /** Delay level 1..18 (`DELAY`). */
  delayLevel?: number;
  /** 5.x timer messages: absolute delivery time, ms since epoch (`TIMER_DELIVER_MS`). */
  deliverAt?: number;
  /** Default true, as every Java Message constructor sets `WAIT=true`. Ignored when `properties` has `WAIT`. */
  waitStoreMsgOK?: boolean;
  /** Initial properties (user and system); copied. */
  properties?: Readonly<Record<string, string>>;
}

const RAW = Symbol('raw');

export class Message {
  topic: string;
  body: Buffer;
  flag: number;
  /** All properties, user and system, in one record with a null prototype. */
  properties: MessageProperties;

  constructor(topic: string, body: Buffer, options?: MessageOptions);
  /** @internal used by MessageExt to adopt a decoded record without copying or defaults. */
  constructor(topic: string, body: Buffer, options: typeof RAW, properties: MessageProperties);
  constructor(topic: string, body: Buffer, options: MessageOptions | typeof RAW = {}, properties?: MessageProperties) {
    this.topic = topic;
    this.body = body;
    if (options === RAW) {
      this.flag = 0;
      this.properties = properties!;
      return;
    }
    this.flag = options.flag ?? 0;
    this.properties = options.properties ? Object.assign(createProperties(), options.properties) : createProperties();
    if (options.tags !== undefined) this.tags = options.tags;
    if (options.keys !== undefined) this.keys = typeof options.keys === 'string' ? [options.keys] : options.keys;
    if (options.delayLevel !== undefined) this.delayLevel = options.delayLevel;
    if (options.deliverAt !== undefined) this.deliverAt = options.deliverAt;
    if (options.waitStoreMsgOK !== undefined || this.properties[MessageConst.WAIT] === undefined) {
      this.waitStoreMsgOK = options.waitStoreMsgOK ?? true;
    }
  }

  getProperty(name: string): string | undefined {
    return this.properties[name];
  }

  /** Set any property, system ones included (library-internal use); `undefined` removes it. */
  putProperty(name: string, value: string | undefined): void {
    if (value === undefined) delete this.properties[name];
    else this.properties[name] = value;
  }

  clearProperty(name: string): void {
    delete this.properties[name];
  }

  /** Set a user property: rejects system names and blank names/values, like Java's `putUserProperty`. */
  putUserProperty(name: string, value: string): void {
    if (isSystemProperty(name)) {
      throw new RocketMQClientError(`The property name "${name}" is reserved by RocketMQ; choose another name`);
    }
    if (name.trim() === '' || value.trim() === '') {
      throw new RocketMQClientError('User property names and values must not be blank');
    }
    this.properties[name] = value;
  }

  /** Properties that are not system properties. */
  get userProperties(): Record<string, string> {
    const out = createProperties();
    for (const k in this.properties) if (!isSystemProperty(k)) out[k] = this.properties[k]!;
    return out;
  }

  get tags(): string | undefined {
    return this.properties[MessageConst.TAGS];
  }
  set tags(value: string | undefined) {
    this.putProperty(MessageConst.TAGS, value);
  }

  /** `KEYS` split on spaces (empty entries dropped). */
  get keys(): string[] {
    const k = this.properties[MessageConst.KEYS];
    return k ? k.split(MessageConst.KEY_SEPARATOR).filter((s) => s.length > 0) : [];
  }
  set keys(value: readonly string[] | undefined) {
    this.putProperty(MessageConst.KEYS, value && value.length > 0 ? value.join(MessageConst.KEY_SEPARATOR) : undefined);
  }

  get delayLevel(): number | undefined {
    const v = this.properties[MessageConst.DELAY];
    return v === undefined ? undefined : Number.parseInt(v, 10);
  }
  set delayLevel(level: number | undefined) {
    this.putProperty(MessageConst.DELAY, level === undefined ? undefined : String(level));
  }

  get deliverAt(): number | undefined {
    const v = this.properties[MessageConst.TIMER_DELIVER_MS];
    return v === undefined ? undefined : Number(v);
  }
  set deliverAt(ms: number | undefined) {
    this.putProperty(MessageConst.TIMER_DELIVER_MS, ms === undefined ? undefined : String(Math.trunc(ms)));
  }

  get waitStoreMsgOK(): boolean {
    return this.properties[MessageConst.WAIT] !== 'false';
  }
  set waitStoreMsgOK(wait: boolean) {
    this.properties[MessageConst.WAIT] = wait ? 'true' : 'false';
  }

  /** The client unique id (`UNIQ_KEY`), when assigned. */
  get uniqKey(): string | undefined {
    return this.properties[MessageConst.UNIQ_KEY];
  }

  get transactionId(): string | undefined {
    return this.properties[MessageConst.TRANSACTION_ID];
  }
  set transactionId(id: string | undefined) {
    this.putProperty(MessageConst.TRANSACTION_ID, id);
  }
}

/** Fields of a stored message besides topic/body/properties (see `MessageExt`). */
export interface MessageExtFields {
  topic: string;
  body: Buffer;
  properties: MessageProperties;
  flag: number;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  /** `ip:port` or `[ipv6]:port`. */
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** CRC32 & 0x7FFFFFFF of the stored (possibly compressed) body. */
  bodyCRC: number;
  /** Record size (TOTALSIZE). */
  storeSize: number;
  /** Broker-assigned id: hex of store host + commit-log offset. */
  offsetMsgId: string;
  brokerName?: string;
}

/**
 * A stored message as decoded from a PULL / QUERY / VIEW body. Offsets and timestamps are JS numbers
 * (exact below 2^53, which covers real offsets and ms timestamps).
 */
export class MessageExt extends Message {
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyCRC: number;
  storeSize: number;
  offsetMsgId: string;
  brokerName: string | undefined;

  /** Adopts `fields.properties` and `fields.body` as they are (no copy). */
  constructor(fields: MessageExtFields) {
    super(fields.topic, fields.body, RAW, fields.properties);
    this.flag = fields.flag;
    this.queueId = fields.queueId;
    this.queueOffset = fields.queueOffset;
    this.commitLogOffset = fields.commitLogOffset;
    this.sysFlag = fields.sysFlag;
    this.bornTimestamp = fields.bornTimestamp;
    this.bornHost = fields.bornHost;
    this.storeTimestamp = fields.storeTimestamp;
    this.storeHost = fields.storeHost;
    this.reconsumeTimes = fields.reconsumeTimes;
    this.preparedTransactionOffset = fields.preparedTransactionOffset;
    this.bodyCRC = fields.bodyCRC;
    this.storeSize = fields.storeSize;
    this.offsetMsgId = fields.offsetMsgId;
    this.brokerName = fields.brokerName;
  }

  /** The id users see: `UNIQ_KEY` when present, else the offset msgId. */
  get msgId(): string {
    return this.properties[MessageConst.UNIQ_KEY] ?? this.offsetMsgId;
  }

  /**
   * Transaction id: `__transactionId__` when set, else for half messages (`TRAN_MSG=true`) the `UNIQ_KEY`,
   * as the Java client assigns it.
   */
  override get transactionId(): string | undefined {
    const id = this.properties[MessageConst.TRANSACTION_ID];
    if (id !== undefined) return id;
    return this.properties[MessageConst.TRAN_MSG] === 'true' ? this.properties[MessageConst.UNIQ_KEY] : undefined;
  }
  override set transactionId(id: string | undefined) {
    this.putProperty(MessageConst.TRANSACTION_ID, id);
  }
}
