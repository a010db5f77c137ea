import { RocketMQClientError, RocketMQConnectionError, RocketMQError, RocketMQResponseError, RocketMQTimeoutError } from '../../protocol/errors.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import { Message, type MessageExt } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { createUniqueId } from '../../protocol/message/message-id.js';
import { encodeBatch } from '../../protocol/message/batch-codec.js';
import { topicRouteToPublishQueues, type TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { validateGroup, validateSendTopic } from '../../protocol/topic-validator.js';
import { ClientInstance, type ProducerHandle } from '../client-instance.js';
import { RETRY_PREFIX, unwrapNamespace, wrapNamespace } from '../namespace.js';
import { LatencyFaultTolerance } from './latency-fault-tolerance.js';
import { selectByHash, type MessageQueueSelector } from './message-queue-selector.js';
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './producer-options.js';
import { buildSendRequest, processSendResponse } from './send-request.js';
import type { SendResult } from './send-result.js';
import { TopicPublishInfo } from './topic-publish-info.js';
import { createReplyMessage } from './reply.js';

export interface SendOptions {
  /** Time budget for this send including retries, ms (default: the producer's sendTimeoutMs). */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Requests with the same key go to the same queue (an orderly reply listener sees them in order). */
  shardingKey?: string | number;
}

/** Broker codes after which Java retries a send (DefaultMQProducer.retryResponseCodes). */
const RETRY_RESPONSE_CODES = new Set<number>([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
  ResponseCode.GO_AWAY,
]);

type Attempt = { queue: MessageQueue; addr: string };

/**
 * Sends messages: one at a time with retries and broker failover, one-way, in batches, to a
 * queue chosen by a sharding key (ordered messages), delayed or at a time (5.x timers).
 */
export class Producer implements ProducerHandle {
  protected readonly instance: ClientInstance;
  protected readonly config: ResolvedProducerOptions;
  private readonly publishInfo = new Map<string, TopicPublishInfo>();
  private readonly routeLookups = new Map<string, Promise<TopicPublishInfo>>();
  private readonly faults: LatencyFaultTolerance;
  private state: 'created' | 'running' | 'stopped' = 'created';
  protected readonly namespace: string | undefined;

  constructor(readonly options: ProducerOptions) {
    validateGroup(options.group);
    this.config = resolveProducerOptions(options);
    this.namespace = options.namespace || undefined;
    this.faults = new LatencyFaultTolerance(this.config.sendLatencyFaultEnable);
    this.instance = ClientInstance.acquire(options);
  }

  get group(): string {
    return wrapNamespace(this.namespace, this.config.group);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  get createTopicKey(): string {
    return this.config.createTopicKey;
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new RocketMQError('This producer was shut down; create a new one');
    this.instance.registerProducer(this);
    await this.instance.start();
    this.state = 'running';
    // Know the brokers before the first send (a restarted transactional producer must be found by check-backs).
    await this.instance.updateTopicRoute(this.config.createTopicKey).catch(() => undefined);
    await this.instance.sendHeartbeatToAllBrokers().catch(() => undefined);
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    await this.instance.unregisterProducer(this.group);
    await this.instance.release();
  }

  // ------------------------------------------------------------------------------------------
  // ProducerHandle

  publishTopics(): Iterable<string> {
    return this.publishInfo.keys();
  }

  onTopicRoute(topic: string, route: TopicRouteData): void {
    const { messageQueues, orderTopic } = topicRouteToPublishQueues(topic, route);
    if (messageQueues.length > 0) this.publishInfo.set(topic, new TopicPublishInfo(messageQueues, false, orderTopic));
  }

  // ------------------------------------------------------------------------------------------
  // sending

  /** Sends and waits for the broker's answer, retrying on another broker when the send fails. */
  async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    this.assertRunning();
    this.prepare(message);
    return this.sendWithRetries(message, options.timeoutMs ?? this.config.sendTimeoutMs, undefined);
  }

  /** Sends to the queue `selector` picks (ordered messages: same key, same queue). No retry on another queue. */
  async sendSelect<A>(message: Message, selector: MessageQueueSelector<A>, arg: A, options: SendOptions = {}): Promise<SendResult> {
    this.assertRunning();
    this.prepare(message);
    const timeoutMs = options.timeoutMs ?? this.config.sendTimeoutMs;
    const info = await this.publishInfoOf(message.topic);
    const queue = selector(info.queues, message, arg);
    if (!queue) throw new RocketMQClientError(`The queue selector returned no queue for topic ${message.topic}`);
    return this.sendToQueue(message, queue, timeoutMs);
  }

  /** Ordered send: every message with the same sharding key goes to the same queue (hash of the key). */
  sendOrderly(message: Message, shardingKey: string | number, options: SendOptions = {}): Promise<SendResult> {
    return this.sendSelect(message, selectByHash, shardingKey, options);
  }

  /** Sends to a given queue. */
  async sendToQueue(message: Message, queue: MessageQueue, timeoutMs = this.config.sendTimeoutMs): Promise<SendResult> {
    this.assertRunning();
    if (!message.uniqKey) this.prepare(message);
    const started = Date.now();
    const addr = await this.brokerAddr(queue.brokerName, message.topic);
    try {
      const result = await this.sendOnce(message, { queue, addr }, timeoutMs, undefined);
      this.faults.update(queue.brokerName, Date.now() - started, false);
      return result;
    } catch (error) {
      this.faults.update(queue.brokerName, Date.now() - started, true);
      throw error;
    }
  }

  /** Sends without waiting for any answer (fastest; no result, no retry). */
  async sendOneway(message: Message): Promise<void> {
    this.assertRunning();
    this.prepare(message);
    const info = await this.publishInfoOf(message.topic);
    const queue = info.select(undefined, this.faults);
    const addr = await this.brokerAddr(queue.brokerName, message.topic);
    await this.instance.remoting.invokeOneway(addr, this.buildRequest(message, queue));
  }

  /**
   * Sends several messages of one topic as one batch (one request, one queue). Each message keeps
   * its own msgId; the result's msgId lists them joined by `,`.
   */
  async sendBatch(messages: readonly Message[], options: SendOptions & { queue?: MessageQueue } = {}): Promise<SendResult> {
    this.assertRunning();
    if (messages.length === 0) throw new RocketMQClientError('A batch needs at least one message');
    const topic = messages[0]!.topic;
    for (const message of messages) {
      if (message.topic !== topic) throw new RocketMQClientError('All messages of a batch must have the same topic');
      if (message.delayLevel !== undefined && message.delayLevel > 0) throw new RocketMQClientError('Delayed messages cannot be sent in a batch');
      if (message.waitStoreMsgOK !== messages[0]!.waitStoreMsgOK) throw new RocketMQClientError('All messages of a batch must have the same waitStoreMsgOK');
      if (topic.startsWith(RETRY_PREFIX)) throw new RocketMQClientError('Retry-group messages cannot be sent in a batch');
      this.prepare(message);
    }
    const body = encodeBatch(messages);
    if (body.length > this.config.maxMessageSize) {
      throw new RocketMQClientError(
        `The batch is ${body.length} bytes; the maximum message size is ${this.config.maxMessageSize}. Split it into smaller batches`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    }
    // Like Java, the batch itself gets no UNIQ_KEY: 4.9 brokers copy the batch's properties onto
    // every inner message, which would replace each message's own id.
    const batch = new Message(messages[0]!.topic, body, { waitStoreMsgOK: messages[0]!.waitStoreMsgOK });
    const ids = messages.map((m) => m.uniqKey!).join(',');
    const timeoutMs = options.timeoutMs ?? this.config.sendTimeoutMs;
    return options.queue
      ? await this.sendOnce(batch, { queue: options.queue, addr: await this.brokerAddr(options.queue.brokerName, batch.topic) }, timeoutMs, body, ids)
      : await this.sendWithRetries(batch, timeoutMs, body, ids);
  }

  /**
   * Request-reply: sends the message and waits for the reply a consumer sends back with
   * {@link createReplyMessage} (the broker pushes it to this client).
   */
  async request(message: Message, timeoutMs = this.config.sendTimeoutMs, options: RequestOptions = {}): Promise<MessageExt> {
    this.assertRunning();
    this.prepare(message);
    const started = Date.now();
    const correlationId = this.instance.newCorrelationId();
    message.putProperty(MessageConst.CORRELATION_ID, correlationId);
    message.putProperty(MessageConst.REPLY_TO_CLIENT, this.instance.clientId);
    message.putProperty(MessageConst.TTL, String(timeoutMs));
    if (!this.instance.topicRoute(message.topic)) {
      // The broker finds the requester among its producers' channels: register before sending.
      await this.publishInfoOf(message.topic);
      await this.instance.sendHeartbeatToAllBrokers();
    }
    const waiter = this.instance.awaitReply(correlationId);
    const timer = setTimeout(
      () => waiter.cancel(new RocketMQTimeoutError(message.topic, `request ${correlationId} (no reply message)`, timeoutMs)),
      Math.max(1, timeoutMs - (Date.now() - started)),
    );
    try {
      const remaining = () => Math.max(1, timeoutMs - (Date.now() - started));
      if (options.shardingKey === undefined) await this.sendWithRetries(message, remaining(), undefined);
      else {
        const queue = selectByHash((await this.publishInfoOf(message.topic)).queues, message, options.shardingKey);
        if (!queue) throw new RocketMQClientError(`Topic ${message.topic} has no queue to send the request to`);
        await this.sendToQueue(message, queue, remaining());
      }
    } catch (error) {
      clearTimeout(timer);
      waiter.cancel(error as Error);
      throw error;
    }
    try {
      return await waiter.promise;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a reply to a request message received by a consumer. */
  reply(request: MessageExt, body: Buffer, options: SendOptions = {}): Promise<SendResult> {
    return this.send(createReplyMessage(request, body), options);
  }

  /** The queues a message to this topic can go to (for custom selection). */
  async publishQueues(topic: string): Promise<readonly MessageQueue[]> {
    return (await this.publishInfoOf(wrapNamespace(this.namespace, topic))).queues;
  }

  // ------------------------------------------------------------------------------------------
  // internals

  protected assertRunning(): void {
    if (this.state !== 'running') {
      throw new RocketMQError(this.state === 'created' ? 'Start the producer before sending' : 'The producer is shut down');
    }
  }

  /** Validates a message and gives it a client id and its namespace (once; retries reuse them). */
  protected prepare(message: Message): void {
    if (message.topic && this.namespace) message.topic = wrapNamespace(this.namespace, message.topic);
    validateSendTopic(unwrapNamespace(this.namespace, message.topic));
    if (!message.body || message.body.length === 0) {
      throw new RocketMQClientError('The message body is empty; RocketMQ does not accept empty messages', ResponseCode.MESSAGE_ILLEGAL);
    }
    if (message.body.length > this.config.maxMessageSize) {
      throw new RocketMQClientError(
        `The message body is ${message.body.length} bytes; the maximum message size is ${this.config.maxMessageSize}`,
        ResponseCode.MESSAGE_ILLEGAL,
      );
    }
    if (!message.uniqKey) message.putProperty(MessageConst.UNIQ_KEY, createUniqueId());
    if (this.namespace && !message.getProperty(MessageConst.INSTANCE_ID)) message.putProperty(MessageConst.INSTANCE_ID, this.namespace);
  }

  private async sendWithRetries(message: Message, timeoutMs: number, batchBody: Buffer | undefined, batchIds?: string): Promise<SendResult> {
    const started = Date.now();
    const info = await this.publishInfoOf(message.topic);
    const attempts = 1 + this.config.retryTimesWhenSendFailed;
    let lastBroker: string | undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) break;
      const queue = info.select(lastBroker, this.faults);
      lastBroker = queue.brokerName;
      const attemptStarted = Date.now();
      try {
        const addr = await this.brokerAddr(queue.brokerName, message.topic);
        const result = await this.sendOnce(message, { queue, addr }, remaining, batchBody, batchIds);
        this.faults.update(queue.brokerName, Date.now() - attemptStarted, false);
        if (result.status !== 'SEND_OK' && this.config.retryAnotherBrokerWhenNotStoreOK && attempt + 1 < attempts) continue;
        return result;
      } catch (error) {
        this.faults.update(queue.brokerName, Date.now() - attemptStarted, true);
        lastError = error;
        if (error instanceof RocketMQResponseError && !RETRY_RESPONSE_CODES.has(error.responseCode)) throw error;
        if (error instanceof RocketMQClientError) throw error;
        if (error instanceof RocketMQConnectionError) await this.instance.remoting.closeConnection(error.addr).catch(() => undefined);
      }
    }
    if (lastError instanceof RocketMQError) throw lastError;
    if (lastError) throw new RocketMQError(`Sending to ${message.topic} failed: ${(lastError as Error).message}`, undefined, { cause: lastError });
    throw new RocketMQTimeoutError(this.instance.nameServer.addresses.join(';'), `send to ${message.topic}`, timeoutMs);
  }

  private async sendOnce(message: Message, target: Attempt, timeoutMs: number, batchBody: Buffer | undefined, batchIds?: string): Promise<SendResult> {
    const request = this.buildRequest(message, target.queue, batchBody);
    const response = await this.instance.remoting.invoke(target.addr, request, timeoutMs);
    return processSendResponse(response, target.addr, request, target.queue, batchIds ?? message.uniqKey!);
  }

  private buildRequest(message: Message, queue: MessageQueue, batchBody?: Buffer) {
    return buildSendRequest({
      producerGroup: this.group,
      queue,
      message,
      batchBody,
      compressThreshold: this.config.compressMsgBodyOverHowmuch,
      createTopicKey: this.config.createTopicKey,
      defaultTopicQueueNums: this.config.defaultTopicQueueNums,
    });
  }

  protected async brokerAddr(brokerName: string, topic: string): Promise<string> {
    let addr = this.instance.masterAddr(brokerName);
    if (!addr) {
      await this.instance.updateTopicRoute(topic).catch(() => undefined);
      addr = this.instance.masterAddr(brokerName);
    }
    if (!addr) throw new RocketMQConnectionError(`The master of broker ${brokerName} is not known (is it down?)`, brokerName);
    return addr;
  }

  /** The topic's publish queues: cached, else from the name server, else from TBW102 (auto-create). */
  protected publishInfoOf(topic: string): Promise<TopicPublishInfo> {
    const cached = this.publishInfo.get(topic);
    if (cached?.ok) return Promise.resolve(cached);
    let lookup = this.routeLookups.get(topic);
    if (!lookup) {
      lookup = this.lookupPublishInfo(topic).finally(() => this.routeLookups.delete(topic));
      this.routeLookups.set(topic, lookup);
    }
    return lookup;
  }

  private async lookupPublishInfo(topic: string): Promise<TopicPublishInfo> {
    // Register interest first so the route update reaches onTopicRoute.
    this.publishInfo.set(topic, this.publishInfo.get(topic) ?? new TopicPublishInfo([]));
    const route = await this.instance.updateTopicRoute(topic);
    let info = this.publishInfo.get(topic);
    if (route && info?.ok) return info;
    const template = await this.instance.updateTopicRoute(this.config.createTopicKey);
    if (template) {
      const queueNums = this.config.defaultTopicQueueNums;
      const adapted: TopicRouteData = {
        ...template,
        queueDatas: template.queueDatas.map((q) => ({
          ...q,
          readQueueNums: Math.min(queueNums, q.readQueueNums),
          writeQueueNums: Math.min(queueNums, q.writeQueueNums),
        })),
      };
      const { messageQueues } = topicRouteToPublishQueues(topic, adapted);
      if (messageQueues.length > 0) {
        info = new TopicPublishInfo(messageQueues, true);
        this.publishInfo.set(topic, info);
        return info;
      }
    }
    this.publishInfo.delete(topic);
    throw new RocketMQClientError(
      `No route for topic ${topic}: it does not exist and the broker does not auto-create topics. Create it first (mqadmin updateTopic or the admin client)`,
      ResponseCode.TOPIC_NOT_EXIST,
    );
  }
}
