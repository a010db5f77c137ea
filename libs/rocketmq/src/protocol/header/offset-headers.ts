import { defineHeader, f } from './header-codec.js';

export const QueryConsumerOffsetRequestHeader = defineHeader('QueryConsumerOffsetRequestHeader', {
  consumerGroup: f.string(),
  topic: f.string(),
  queueId: f.int(),
  setZeroIfNotFound: f.optBool(),
  bname: f.optString(),
});
export type QueryConsumerOffsetRequestHeader = ReturnType<typeof QueryConsumerOffsetRequestHeader.decode>;

export const UpdateConsumerOffsetRequestHeader = defineHeader('UpdateConsumerOffsetRequestHeader', {
  consumerGroup: f.string(),
  topic: f.string(),
  queueId: f.int(),
  commitOffset: f.long(),
  bname: f.optString(),
});
export type UpdateConsumerOffsetRequestHeader = ReturnType<typeof UpdateConsumerOffsetRequestHeader.decode>;

/** Response header of QUERY_CONSUMER_OFFSET, GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP. */
export const OffsetResponseHeader = defineHeader('OffsetResponseHeader', { offset: f.long() });

export const GetMaxOffsetRequestHeader = defineHeader('GetMaxOffsetRequestHeader', {
  topic: f.string(),
  queueId: f.int(),
  committed: f.optBool(),
  bname: f.optString(),
});
export type GetMaxOffsetRequestHeader = ReturnType<typeof GetMaxOffsetRequestHeader.decode>;

export const GetMinOffsetRequestHeader = defineHeader('GetMinOffsetRequestHeader', {
  topic: f.string(),
  queueId: f.int(),
  bname: f.optString(),
});
export type GetMinOffsetRequestHeader = ReturnType<typeof GetMinOffsetRequestHeader.decode>;

export const SearchOffsetRequestHeader = defineHeader('SearchOffsetRequestHeader', {
  topic: f.string(),
  queueId: f.int(),
  timestamp: f.long(),
  boundaryType: f.optString(),
  bname: f.optString(),
});
export type SearchOffsetRequestHeader = ReturnType<typeof SearchOffsetRequestHeader.decode>;

export const GetEarliestMsgStoretimeRequestHeader = defineHeader('GetEarliestMsgStoretimeRequestHeader', {
  topic: f.string(),
  queueId: f.int(),
  bname: f.optString(),
});
export const GetEarliestMsgStoretimeResponseHeader = defineHeader('GetEarliestMsgStoretimeResponseHeader', {
  timestamp: f.long(),
});
