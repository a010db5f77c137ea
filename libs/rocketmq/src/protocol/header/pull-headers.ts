import { defineHeader, f } from './header-codec.js';

export const PullMessageRequestHeader = defineHeader('PullMessageRequestHeader', {
  consumerGroup: f.string(),
  topic: f.string(),
  queueId: f.int(),
  queueOffset: f.long(),
  maxMsgNums: f.int(),
  sysFlag: f.int(),
  commitOffset: f.long(),
  suspendTimeoutMillis: f.long(),
  subscription: f.optString(),
  subVersion: f.long(),
  expressionType: f.optString(),
  maxMsgBytes: f.optInt(),
  bname: f.optString(),
});
export type PullMessageRequestHeader = ReturnType<typeof PullMessageRequestHeader.decode>;

export const PullMessageResponseHeader = defineHeader('PullMessageResponseHeader', {
  suggestWhichBrokerId: f.long(),
  nextBeginOffset: f.long(),
  minOffset: f.long(),
  maxOffset: f.long(),
  offsetDelta: f.optLong(),
  topicSysFlag: f.optInt(),
  groupSysFlag: f.optInt(),
});
export type PullMessageResponseHeader = ReturnType<typeof PullMessageResponseHeader.decode>;

/** PullSysFlag bits. */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;
