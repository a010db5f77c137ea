/** Topics, group and predicates of transactional messages (`TransactionalMessageUtil`, broker reference §8). */
import { MessageConst, MessageSysFlag, type MessageExt } from '@app/rocketmq/protocol';
import type { InternalMessage } from '../broker-context.js';

/** Half (prepared) messages, queue 0. */
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
/** One op record per resolved half message (tag `d`, body = the half queue offset). */
export const TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
/** Half messages checked `transactionCheckMax` times without an answer. */
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
/** The consumer group whose offsets on the half and op queues are the check progress. */
export const TRANS_CHECK_GROUP = 'CID_RMQ_SYS_TRANS';
/** Tag of op records ("delete"). */
export const OP_REMOVE_TAG = 'd';

/**
 * A message the send path must store as a half message: prepared transaction type, or `TRAN_MSG=true` without a
 * transaction type (Apache routes on the property).
 */
export function isHalfMessage(message: Pick<InternalMessage, 'sysFlag' | 'properties'>): boolean {
  const tx = message.sysFlag & MessageSysFlag.TRANSACTION_MASK;
  if (tx === MessageSysFlag.TRANSACTION_PREPARED_TYPE) return true;
  return tx === MessageSysFlag.TRANSACTION_NOT_TYPE && message.properties[MessageConst.TRAN_MSG] === 'true';
}

/**
 * The transaction a half-message copy belongs to: the queue offset of its first copy. Check-backs re-append the
 * half message and the copies carry TRAN_PREPARED_QUEUE_OFFSET, so END_TRANSACTION for any copy resolves them all.
 */
export function originOf(half: MessageExt): number {
  const origin = Number(half.properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET]);
  return Number.isSafeInteger(origin) && origin >= 0 ? origin : half.queueOffset;
}
