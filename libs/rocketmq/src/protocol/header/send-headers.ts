import { defineHeader, f, type HeaderOf } from './header-codec.js';

const sendSchema = {
  producerGroup: f.string('a'),
  topic: f.string('b'),
  defaultTopic: f.string('c'),
  defaultTopicQueueNums: f.int('d'),
  queueId: f.int('e'),
  sysFlag: f.int('f'),
  bornTimestamp: f.long('g'),
  flag: f.int('h'),
  properties: f.optString('i'),
  reconsumeTimes: f.optInt('j'),
  unitMode: f.optBool('k'),
  maxReconsumeTimes: f.optInt('l'),
  batch: f.optBool('m'),
  brokerName: f.optString('n'),
};

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2: one-letter keys, what Java sends by default. */
export const SendMessageRequestHeaderV2 = defineHeader('SendMessageRequestHeaderV2', sendSchema);

/** SEND_MESSAGE / SEND_REPLY_MESSAGE: the same fields under their long names. */
export const SendMessageRequestHeader = defineHeader(
  'SendMessageRequestHeader',
  Object.fromEntries(Object.entries(sendSchema).map(([k, spec]) => [k, { ...spec, wire: undefined }])) as {
    [K in keyof typeof sendSchema]: Omit<(typeof sendSchema)[K], 'wire'> & { wire?: string };
  },
);

export type SendMessageRequestHeader = HeaderOf<typeof sendSchema>;

export const SendMessageResponseHeader = defineHeader('SendMessageResponseHeader', {
  msgId: f.string(),
  queueId: f.int(),
  queueOffset: f.long(),
  transactionId: f.optString(),
  batchUniqId: f.optString(),
  /** Broker regionId and trace switch travel in the same extFields. */
  MSG_REGION: f.optString(),
  TRACE_ON: f.optString(),
});
export type SendMessageResponseHeader = ReturnType<typeof SendMessageResponseHeader.decode>;

/** PUSH_REPLY_MESSAGE_TO_CLIENT (broker → requester). */
export const ReplyMessageRequestHeader = defineHeader('ReplyMessageRequestHeader', {
  producerGroup: f.string(),
  topic: f.string(),
  defaultTopic: f.string(),
  defaultTopicQueueNums: f.int(),
  queueId: f.int(),
  sysFlag: f.int(),
  bornTimestamp: f.long(),
  flag: f.int(),
  properties: f.optString(),
  reconsumeTimes: f.optInt(),
  unitMode: f.optBool(),
  bornHost: f.string(),
  storeHost: f.string(),
  storeTimestamp: f.long(),
});
export type ReplyMessageRequestHeader = ReturnType<typeof ReplyMessageRequestHeader.decode>;
