/**
 * Sending failed messages back for retry (Java's DefaultMQPushConsumerImpl.sendMessageBack and
 * ConsumeMessageOrderlyService.sendMessageBack). Concurrent consumers ask the broker with
 * CONSUMER_SEND_MSG_BACK and, when that fails, send a copy to `%RETRY%<group>` themselves;
 * orderly consumers send that copy once the maximum is reached, and the broker diverts it to the
 * group's DLQ. The copies go out through an internal producer created on first use.
 */
import type { RocketMQLogger } from '../../logger.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import { Message, type MessageExt } from '../../protocol/message/message.js';
import type { ClientOptions } from '../client-options.js';
import { retryTopic, wrapNamespace } from '../namespace.js';
import { Producer } from '../producer/producer.js';
import type { ConsumerApi } from './consumer-api.js';

export class MessageBack {
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(
    private readonly api: ConsumerApi,
    /** The group as sent on the wire (with namespace). */
    private readonly group: string,
    private readonly clientOptions: ClientOptions,
    private readonly logger: RocketMQLogger,
  ) {}

  /**
   * Concurrent retry. `message.topic` is the original topic without namespace (as the handler
   * saw it). Returns false when neither the broker nor the fallback send took the message.
   */
  async sendBack(message: MessageExt, delayLevel: number, maxReconsumeTimes: number, brokerName: string): Promise<boolean> {
    const userTopic = message.topic;
    message.topic = wrapNamespace(this.clientOptions.namespace, userTopic);
    try {
      await this.api.sendMessageBack(this.group, message, delayLevel, maxReconsumeTimes, brokerName);
      return true;
    } catch (error) {
      this.logger.warn(`sending message ${message.msgId} back to ${brokerName} failed (${(error as Error).message}); sending it to the retry topic instead`, 'MessageBack');
      return await this.sendToRetryTopic(message, maxReconsumeTimes);
    } finally {
      message.topic = userTopic;
    }
  }

  /**
   * A copy of the message into `%RETRY%<group>` with the retry properties: RECONSUME_TIME =
   * reconsumeTimes + 1, MAX_RECONSUME_TIMES, delay level 3 + reconsumeTimes. The broker sends it
   * to the DLQ when RECONSUME_TIME exceeds the maximum (or the group holds orderly locks).
   */
  async sendToRetryTopic(message: MessageExt, maxReconsumeTimes: number): Promise<boolean> {
    try {
      const originalTopic = wrapNamespace(this.clientOptions.namespace, message.topic);
      const copy = new Message(retryTopic(this.group), message.body, { properties: message.properties });
      copy.flag = message.flag;
      copy.putProperty(MessageConst.ORIGIN_MESSAGE_ID, message.getProperty(MessageConst.ORIGIN_MESSAGE_ID) || message.msgId);
      copy.putProperty(MessageConst.RETRY_TOPIC, originalTopic);
      copy.putProperty(MessageConst.RECONSUME_TIME, String(message.reconsumeTimes + 1));
      copy.putProperty(MessageConst.MAX_RECONSUME_TIMES, String(maxReconsumeTimes));
      copy.clearProperty(MessageConst.TRAN_MSG);
      copy.clearProperty(MessageConst.CONSUME_START_TIME);
      copy.delayLevel = 3 + message.reconsumeTimes;
      const producer = await this.innerProducer();
      await producer.send(copy);
      return true;
    } catch (error) {
      this.logger.warn(`sending message ${message.msgId} to ${retryTopic(this.group)} failed: ${(error as Error).message}`, 'MessageBack');
      return false;
    }
  }

  private innerProducer(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error('the consumer is shut down'));
    this.producer ??= (async () => {
      // One inner producer per consumer: its group must be unique within a shared instance.
      const { namespace: _ns, ...rest } = this.clientOptions;
      const producer = new Producer({ ...rest, group: `CLIENT_INNER_PRODUCER_${this.group.replace(/%/g, '_')}` });
      await producer.start();
      return producer;
    })();
    const pending = this.producer;
    pending.catch(() => {
      if (this.producer === pending) this.producer = undefined;
    });
    return pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.shutdown();
  }
}
