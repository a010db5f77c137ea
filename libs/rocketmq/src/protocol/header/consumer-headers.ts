import { defineHeader, f } from './header-codec.js';

export const ConsumerSendMsgBackRequestHeader = defineHeader('ConsumerSendMsgBackRequestHeader', {
  offset: f.long(),
  group: f.string(),
  delayLevel: f.int(),
  originMsgId: f.optString(),
  originTopic: f.optString(),
  unitMode: f.optBool(),
  maxReconsumeTimes: f.optInt(),
  bname: f.optString(),
});
export type ConsumerSendMsgBackRequestHeader = ReturnType<typeof ConsumerSendMsgBackRequestHeader.decode>;

export const GetConsumerListByGroupRequestHeader = defineHeader('GetConsumerListByGroupRequestHeader', {
  consumerGroup: f.string(),
  bname: f.optString(),
});

export const NotifyConsumerIdsChangedRequestHeader = defineHeader('NotifyConsumerIdsChangedRequestHeader', {
  consumerGroup: f.string(),
});

export const UnregisterClientRequestHeader = defineHeader('UnregisterClientRequestHeader', {
  clientID: f.string(),
  producerGroup: f.optString(),
  consumerGroup: f.optString(),
});
export type UnregisterClientRequestHeader = ReturnType<typeof UnregisterClientRequestHeader.decode>;

export const GetConsumerRunningInfoRequestHeader = defineHeader('GetConsumerRunningInfoRequestHeader', {
  consumerGroup: f.string(),
  clientId: f.string(),
  jstackEnable: f.optBool(),
});

export const ConsumeMessageDirectlyResultRequestHeader = defineHeader('ConsumeMessageDirectlyResultRequestHeader', {
  consumerGroup: f.string(),
  clientId: f.optString(),
  msgId: f.optString(),
  brokerName: f.optString(),
  topic: f.optString(),
  topicSysFlag: f.optInt(),
  groupSysFlag: f.optInt(),
});

export const ResetOffsetRequestHeader = defineHeader('ResetOffsetRequestHeader', {
  topic: f.string(),
  group: f.string(),
  queueId: f.optInt(),
  offset: f.optLong(),
  timestamp: f.long(),
  isForce: f.bool(),
});
export type ResetOffsetRequestHeader = ReturnType<typeof ResetOffsetRequestHeader.decode>;

export const GetConsumerStatusRequestHeader = defineHeader('GetConsumerStatusRequestHeader', {
  topic: f.string(),
  group: f.string(),
  clientAddr: f.optString(),
});
