/**
 * END_TRANSACTION (37, `EndTransactionProcessor`): the producer's verdict on a half message. COMMIT stores the real
 * message (transaction type COMMIT, REAL_* removed, preparedTransactionOffset = the half offset; put
 * hooks apply, so a committed delay/timer message is scheduled) and writes an op record; ROLLBACK writes the op
 * record only; NOT_TYPE (unknown) is ignored without a response, the check-back will ask again.
 */
import {
  EndTransactionRequestHeader,
  EndTransactionType,
  MessageConst,
  MessageSysFlag,
  RemotingCommand,
  ResponseCode,
  RocketMQError,
  resetTransactionValue,
  type MessageExt,
} from '@app/rocketmq/protocol';
import type { RequestHandler } from '@app/rocketmq/remoting';
import type { BrokerContext, InternalMessage } from '../broker-context.js';
import { copyOfStored, integerProperty } from '../schedule/stored-copy.js';
import type { TransactionState } from './transaction-state.js';

/** `TransactionalMessageUtil.getImmunityTime`: CHECK_IMMUNITY_TIME_IN_SECONDS in ms, at least the transaction timeout. */
export function immunityTimeMs(half: MessageExt, transactionTimeOut: number): number | undefined {
  const text = half.properties[MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS];
  if (text === undefined || text === '') return undefined;
  const seconds = integerProperty(text);
  if (seconds === undefined || seconds === -1) return transactionTimeOut;
  return Math.max(seconds * 1000, transactionTimeOut);
}

/** `endMessageTransaction`: the message the producer sent, committed. */
export function committedMessage(half: MessageExt, commitLogOffset: number): InternalMessage | undefined {
  const realTopic = half.properties[MessageConst.REAL_TOPIC];
  const realQueueId = integerProperty(half.properties[MessageConst.REAL_QID]);
  if (!realTopic || realQueueId === undefined) return undefined;
  const msg = copyOfStored(half, realTopic, realQueueId);
  const props = msg.properties;
  delete props[MessageConst.REAL_TOPIC];
  delete props[MessageConst.REAL_QID];
  delete props[MessageConst.TRAN_PREPARED_QUEUE_OFFSET];
  // TRAN_MSG stays, as Apache 5.x delivers it: consumers take the transaction id from messages that carry it
  msg.sysFlag = resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
  msg.preparedTransactionOffset = commitLogOffset;
  return msg;
}

function problemWith(half: MessageExt, header: EndTransactionRequestHeader): string | undefined {
  if (half.properties[MessageConst.PGROUP] !== header.producerGroup) return 'The producer group wrong';
  if (half.queueOffset !== header.tranStateTableOffset) return 'The transaction state table offset wrong';
  if (half.commitLogOffset !== header.commitLogOffset) return 'The commit log offset wrong';
  return undefined;
}

export function createEndTransactionProcessor(ctx: BrokerContext, state: TransactionState): RequestHandler {
  const respond = (request: RemotingCommand, code: number, remark?: string) => RemotingCommand.response(request, code, remark);

  return async (request, connection) => {
    let header: EndTransactionRequestHeader;
    try {
      header = EndTransactionRequestHeader.decode(request.extFields);
    } catch (err) {
      return respond(request, ResponseCode.SYSTEM_ERROR, (err as Error).message);
    }
    const verdict = header.commitOrRollback;
    const who = `producer ${header.producerGroup} (${connection.addr})`;
    if (verdict !== EndTransactionType.COMMIT && verdict !== EndTransactionType.ROLLBACK) {
      // routine outcomes of a transactional send (Apache warns; at hundreds per second that buries real warnings)
      if (verdict === EndTransactionType.NOT_TYPE) {
        ctx.logger.log(
          `${who} ${header.fromTransactionCheck ? 'answered a check with' : 'ended'} transaction ${header.msgId} as unknown; it will be checked${request.remark ? `: ${request.remark}` : ''}`,
          'EndTransactionProcessor',
        );
      }
      return undefined;
    }
    if (!header.fromTransactionCheck && verdict === EndTransactionType.ROLLBACK) {
      ctx.logger.log(`${who} rolled back transaction ${header.msgId}${request.remark ? `: ${request.remark}` : ''}`, 'EndTransactionProcessor');
    }

    await state.ready();
    const half = await state.findHalf(header.commitLogOffset);
    if (!half) return respond(request, ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    const immunity = immunityTimeMs(half, ctx.config.transactionTimeOut);
    if (!header.fromTransactionCheck && immunity !== undefined && Date.now() - half.bornTimestamp > immunity) {
      ctx.logger.warn(`${who}: END_TRANSACTION for ${header.msgId} came after its check immunity time; the check-back decides`, 'EndTransactionProcessor');
      return respond(request, ResponseCode.ILLEGAL_OPERATION);
    }
    const problem = problemWith(half, header);
    if (problem) return respond(request, ResponseCode.SYSTEM_ERROR, problem);

    if (!state.claim(half)) {
      ctx.logger.log(`Transaction ${header.msgId} is already resolved; ${who}'s repeated verdict ignored`, 'EndTransactionProcessor');
      return respond(request, ResponseCode.SUCCESS);
    }
    try {
      if (verdict === EndTransactionType.COMMIT) {
        const message = committedMessage(half, header.commitLogOffset);
        if (!message) return respond(request, ResponseCode.SYSTEM_ERROR, 'The half message has no REAL_TOPIC / REAL_QID');
        try {
          await ctx.putInternal(message);
        } catch (err) {
          const code = err instanceof RocketMQError && err.code !== undefined ? err.code : ResponseCode.SYSTEM_ERROR;
          return respond(request, code, (err as Error).message);
        }
      }
      await state.writeOp(half);
      return respond(request, ResponseCode.SUCCESS);
    } catch (err) {
      ctx.logger.error(`Writing the op record of transaction ${header.msgId} failed: ${(err as Error).message}`, (err as Error).stack, 'EndTransactionProcessor');
      return respond(request, ResponseCode.SYSTEM_ERROR, (err as Error).message);
    } finally {
      state.release(half);
    }
  };
}
