import { defineHeader, f } from './header-codec.js';

export const CreateTopicRequestHeader = defineHeader('CreateTopicRequestHeader', {
  topic: f.string(),
  defaultTopic: f.string(),
  readQueueNums: f.int(),
  writeQueueNums: f.int(),
  perm: f.int(),
  topicFilterType: f.string(),
  topicSysFlag: f.optInt(),
  order: f.bool(),
  attributes: f.optString(),
  force: f.optBool(),
});
export type CreateTopicRequestHeader = ReturnType<typeof CreateTopicRequestHeader.decode>;

export const DeleteTopicRequestHeader = defineHeader('DeleteTopicRequestHeader', { topic: f.string() });

export const DeleteSubscriptionGroupRequestHeader = defineHeader('DeleteSubscriptionGroupRequestHeader', {
  groupName: f.string(),
  cleanOffset: f.optBool(),
});

export const GetTopicStatsInfoRequestHeader = defineHeader('GetTopicStatsInfoRequestHeader', { topic: f.string() });

export const GetConsumeStatsRequestHeader = defineHeader('GetConsumeStatsRequestHeader', {
  consumerGroup: f.string(),
  topic: f.optString(),
});

export const GetConsumerConnectionListRequestHeader = defineHeader('GetConsumerConnectionListRequestHeader', {
  consumerGroup: f.string(),
});

export const QueryTopicConsumeByWhoRequestHeader = defineHeader('QueryTopicConsumeByWhoRequestHeader', { topic: f.string() });

export const ResetOffsetByTimestampRequestHeader = defineHeader('ResetOffsetByTimestampRequestHeader', {
  topic: f.string(),
  group: f.string(),
  timestamp: f.long(),
  isForce: f.bool(),
  queueId: f.optInt(),
  offset: f.optLong(),
});

export const ViewMessageRequestHeader = defineHeader('ViewMessageRequestHeader', {
  offset: f.long(),
  topic: f.optString(),
});

export const QueryMessageRequestHeader = defineHeader('QueryMessageRequestHeader', {
  topic: f.string(),
  key: f.string(),
  maxNum: f.int(),
  beginTimestamp: f.long(),
  endTimestamp: f.long(),
  /** Extra extField: true = look up by UNIQ_KEY, false = by KEYS. */
  _UNIQUE_KEY_QUERY: f.optBool(),
});
export type QueryMessageRequestHeader = ReturnType<typeof QueryMessageRequestHeader.decode>;

export const QueryMessageResponseHeader = defineHeader('QueryMessageResponseHeader', {
  indexLastUpdateTimestamp: f.long(),
  indexLastUpdatePhyoffset: f.long(),
});

export const GetTopicConfigRequestHeader = defineHeader('GetTopicConfigRequestHeader', { topic: f.string() });
