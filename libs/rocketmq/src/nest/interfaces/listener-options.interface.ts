import type { ConsumeFromWhere, ExpressionType, MessageModel } from '../../protocol/body/heartbeat-data.js';
import type { ConsumeMode } from '../../client/consumer/consumer-options.js';

/**
 * Options of `@RocketMQListener`, after rocketmq-spring's `@RocketMQMessageListener`. Methods of one
 * connection + consumer group share one push consumer: they must agree on the consumer settings
 * (model, mode, retries, ...), may serve different topics, and on one topic may serve different
 * tags (the subscription becomes `A || B`, each message goes to the method of its tag, a `*`
 * method takes the tags no other method names).
 */
export interface RocketMQListenerOptions {
  topic: string;
  consumerGroup: string;
  /** Default TAG. */
  selectorType?: ExpressionType;
  /** Tag expression (`*`, `A`, `A || B`) or SQL92 condition on user properties. Default `*`. */
  selectorExpression?: string;
  /** Default CLUSTERING. ORDERLY + BROADCASTING is rejected, as in rocketmq-spring. */
  messageModel?: MessageModel;
  /** Default CONCURRENTLY. */
  consumeMode?: ConsumeMode;
  /** Deliveries before the DLQ: default 16 (concurrent), unlimited (orderly). */
  maxReconsumeTimes?: number;
  /** Handlers running at once (rocketmq-spring's consumeThreadNumber). Default 20. */
  consumeThreadNumber?: number;
  /** Alias of consumeThreadNumber. */
  consumeConcurrency?: number;
  /** Minutes a handler may run before its message is retried (concurrent), as rocketmq-spring. Default 15. */
  consumeTimeout?: number;
  /** -1: failures go straight to the DLQ; 0: the broker's backoff; 1..18: retry at this delay level. */
  delayLevelWhenNextConsume?: number;
  /** Orderly: pause of the queue after a failure, ms. Default 1000. */
  suspendCurrentQueueTimeMillis?: number;
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP. */
  consumeTimestamp?: Date | number | string;
  /** Namespace of this listener's group and topic; default the connection's. */
  namespace?: string;
  /** Connection name (forRoot's `name`). Default "default". */
  connection?: string;
  /** Send the handler's return value back to the requester (request-reply). Requests are answered even without it. */
  reply?: boolean;
  /** Send timeout of replies, ms. Default 3000. */
  replyTimeout?: number;
  /** false, or a config key resolved by the module's `resolveConfig` (default: environment). Default true. */
  enabled?: boolean | string;
  /** Listener id for the registry and the module's `listeners` switch. Default `Class.method`. */
  id?: string;
  /** Client instance name of the consumer (distinct per process when you need to tell instances apart). */
  instanceName?: string;
  pullBatchSize?: number;
  /** How long shutdown waits for this group's running handlers, ms; default the module's shutdownDrainTimeoutMs. */
  awaitTerminationMillisWhenShutdown?: number;
}
