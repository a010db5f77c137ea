import { defineHeader, f } from './header-codec.js';

/** END_TRANSACTION commitOrRollback values (MessageSysFlag transaction types). */
export const EndTransactionType = { NOT_TYPE: 0, PREPARED: 4, COMMIT: 8, ROLLBACK: 12 } as const;

export const EndTransactionRequestHeader = defineHeader('EndTransactionRequestHeader', {
  topic: f.optString(),
  producerGroup: f.string(),
  tranStateTableOffset: f.long(),
  commitLogOffset: f.long(),
  commitOrRollback: f.int(),
  fromTransactionCheck: f.optBool(),
  msgId: f.string(),
  transactionId: f.optString(),
  bname: f.optString(),
});
export type EndTransactionRequestHeader = ReturnType<typeof EndTransactionRequestHeader.decode>;

export const CheckTransactionStateRequestHeader = defineHeader('CheckTransactionStateRequestHeader', {
  topic: f.optString(),
  tranStateTableOffset: f.long(),
  commitLogOffset: f.long(),
  msgId: f.optString(),
  transactionId: f.optString(),
  offsetMsgId: f.optString(),
  bname: f.optString(),
});
export type CheckTransactionStateRequestHeader = ReturnType<typeof CheckTransactionStateRequestHeader.decode>;
