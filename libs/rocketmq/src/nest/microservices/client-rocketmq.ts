/**
 * The RocketMQ client proxy:
 * `ClientsModule.register([{ name: 'ORDERS', customClass: ClientRocketMQ, options: { nameServer } }])`.
 *
 * `emit(pattern, data)` sends a message to the pattern's topic (and tag) and completes with the
 * broker's SendResult; `send(pattern, data)` sends a request-reply message and emits the
 * handler's reply, fails with the handler's error, or with `RocketMQReplyTimeoutError` when no
 * reply comes within `replyTimeoutMs`. Only a producer is needed: the broker pushes replies to it.
 */
import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { Producer } from '../../client/producer/producer.js';
import type { SendResult } from '../../client/producer/send-result.js';
import { RocketMQTimeoutError } from '../../protocol/errors.js';
import { Message, type MessageExt } from '../../protocol/message/message.js';
import { DEFAULT_CLIENT_PRODUCER_GROUP, DEFAULT_REPLY_TIMEOUT_MS, pickClientOptions, type RocketMQClientOptions, type RocketMQStatus } from './rocketmq-options.js';
import { patternToDestination, type Destination } from './rocketmq-pattern.js';
import { RocketMQReplyTimeoutError } from './rocketmq-transport.errors.js';
import { RocketMQResponseDeserializer } from './serializers/rocketmq.deserializer.js';
import { RocketMQRequestSerializer, type RocketMQOutgoingRecord } from './serializers/rocketmq.serializer.js';

/**
 * Status values are `RocketMQStatus` ('connected' | 'disconnected'); the class keeps ClientProxy's `string`
 * status type because `ClientsModule.register({ customClass })` only accepts `Type<ClientProxy<…, string>>`.
 */
export class ClientRocketMQ extends ClientProxy {
  protected readonly logger = new Logger(ClientRocketMQ.name);
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(protected readonly options: RocketMQClientOptions) {
    super();
    this.serializer = options.serializer ?? new RocketMQRequestSerializer();
    this.deserializer = options.deserializer ?? new RocketMQResponseDeserializer({ keepBinary: options.keepBinary });
  }

  /** Starts the producer (once; `send` and `emit` call it for you). */
  connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.startProducer();
    return this.connecting;
  }

  async close(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    this.connecting = undefined;
    if (!producer) return;
    await producer.shutdown();
    this._status$.next('disconnected' satisfies RocketMQStatus);
  }

  /** The producer. */
  unwrap<T = Producer>(): T {
    if (!this.producer) throw new Error('ClientRocketMQ is not connected: call connect() (or send/emit) first');
    return this.producer as T;
  }

  /** The topic and tag a pattern is sent to. */
  destinationOf(pattern: unknown): Destination {
    return patternToDestination(this.normalizePattern(pattern as never), this.options.topicNaming);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let unsubscribed = false;
    this.request(packet).then(
      (response) => {
        if (!unsubscribed) callback(response);
      },
      (err: unknown) => {
        if (!unsubscribed) callback({ err });
      },
    );
    // The producer keeps waiting for the reply until its timeout; the answer is then dropped.
    return () => {
      unsubscribed = true;
    };
  }

  protected async dispatchEvent<T = SendResult>(packet: ReadPacket): Promise<T> {
    const producer = await this.connect();
    const { message, record } = await this.toMessage(packet);
    const result = record.shardingKey !== undefined ? await producer.sendOrderly(message, record.shardingKey) : await producer.send(message);
    return result as T;
  }

  private async startProducer(): Promise<Producer> {
    const producer = new Producer({
      ...pickClientOptions(this.options),
      logger: this.options.logger ?? new Logger('RocketMQ'),
      ...this.options.producer,
      group: this.options.producerGroup ?? DEFAULT_CLIENT_PRODUCER_GROUP,
    });
    try {
      await producer.start();
    } catch (error) {
      this.connecting = undefined;
      throw error;
    }
    this.producer = producer;
    this._status$.next('connected' satisfies RocketMQStatus);
    return producer;
  }

  private async toMessage(packet: ReadPacket): Promise<{ message: Message; record: RocketMQOutgoingRecord; destination: Destination }> {
    const destination = this.destinationOf(packet.pattern);
    const record = (await this.serializer.serialize(packet)) as RocketMQOutgoingRecord;
    const message = new Message(destination.topic, record.body, {
      tags: record.tags ?? destination.tag,
      keys: record.keys,
      delayLevel: record.delayLevel,
      deliverAt: record.deliverAt,
      properties: record.properties,
    });
    return { message, record, destination };
  }

  private async request(packet: ReadPacket): Promise<WritePacket> {
    const producer = await this.connect();
    const { message, destination } = await this.toMessage(packet);
    const timeoutMs = this.options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    let reply: MessageExt;
    try {
      reply = await producer.request(message, timeoutMs);
    } catch (error) {
      if (error instanceof RocketMQTimeoutError && error.request.includes('no reply')) {
        throw new RocketMQReplyTimeoutError(this.normalizePattern(packet.pattern), destination.topic, timeoutMs, { cause: error });
      }
      throw error;
    }
    const { id: _id, ...response } = await this.deserializer.deserialize(reply);
    return response;
  }
}
