/**
 * Request headers of admin requests that the shared protocol package does not define (yet). Wire names are the
 * Java field names of the header classes in `remoting/protocol/header/`.
 */
import { defineHeader, f } from '@app/rocketmq/protocol';

/** GET_SUBSCRIPTIONGROUP_CONFIG (352). */
export const GetSubscriptionGroupConfigRequestHeader = defineHeader('GetSubscriptionGroupConfigRequestHeader', { group: f.string() });

/** QUERY_TOPICS_BY_CONSUMER (343). */
export const QueryTopicsByConsumerRequestHeader = defineHeader('QueryTopicsByConsumerRequestHeader', { group: f.string() });

/** QUERY_CONSUME_TIME_SPAN (303). */
export const QueryConsumeTimeSpanRequestHeader = defineHeader('QueryConsumeTimeSpanRequestHeader', {
  topic: f.string(),
  group: f.string(),
});

/** GET_BROKER_CONSUME_STATS (317): Java's field is `isOrder`, and so is the ext field. */
export const GetConsumeStatsInBrokerHeader = defineHeader('GetConsumeStatsInBrokerHeader', { isOrder: f.optBool() });

/** GET_PRODUCER_CONNECTION_LIST (204). */
export const GetProducerConnectionListRequestHeader = defineHeader('GetProducerConnectionListRequestHeader', {
  producerGroup: f.string(),
});

/** DELETE_SUBSCRIPTIONGROUP (207): 4.9.x reads `removeOffset`, 5.x `cleanOffset`; either one asks to drop the offsets. */
export const DeleteSubscriptionGroupAnyHeader = defineHeader('DeleteSubscriptionGroupRequestHeader', {
  groupName: f.string(),
  cleanOffset: f.optBool(),
  removeOffset: f.optBool(),
});

/** QUERY_MESSAGE's extra ext field: `true` looks the key up as a UNIQ_KEY (client message id). */
export const UNIQUE_KEY_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
