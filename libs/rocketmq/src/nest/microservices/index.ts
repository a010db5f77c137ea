/** The RocketMQ transport for @nestjs/microservices. */
export { ServerRocketMQ, ROCKETMQ_TRANSPORT, type RocketMQServerEvents, type RocketMQServerHandles } from './server-rocketmq.js';
export { ClientRocketMQ } from './client-rocketmq.js';
export { RocketMQContext } from './ctx-host/rocketmq.context.js';
export * from './rocketmq-options.js';
export { patternToDestination, mapTopic, parseTagExpression, formatTagExpression, type Destination } from './rocketmq-pattern.js';
export { planSubscriptions, findRoute, type GroupPlan, type TopicSubscription, type RouteSpec, type HandlerEntry } from './rocketmq-subscriptions.js';
export { RocketMQPatternError, RocketMQReplyTimeoutError, RocketMQDeserializationError } from './rocketmq-transport.errors.js';
export { RocketMQRecord, RocketMQRecordBuilder, type RocketMQRecordOptions } from './record-builders/rocketmq.record-builder.js';
export {
  ContentType,
  encodeBody,
  metadataToProperties,
  RocketMQRequestSerializer,
  RocketMQResponseSerializer,
  type EncodedBody,
  type RocketMQOutgoingRecord,
} from './serializers/rocketmq.serializer.js';
export {
  decodeBody,
  propertiesToMetadata,
  RocketMQRequestDeserializer,
  RocketMQResponseDeserializer,
  type DecodeOptions,
  type RequestDeserializeOptions,
} from './serializers/rocketmq.deserializer.js';
