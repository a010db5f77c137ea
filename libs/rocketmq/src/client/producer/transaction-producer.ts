import { RocketMQClientError, RocketMQError } from '../../protocol/errors.js';
import { EndTransactionRequestHeader, EndTransactionType, type CheckTransactionStateRequestHeader } from '../../protocol/header/transaction-headers.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { Message, MessageExt } from '../../protocol/message/message.js';
import { decodeOffsetMessageId } from '../../protocol/message/message-id.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { Producer } from './producer.js';
import type { ProducerOptions } from './producer-options.js';
import type { SendResult } from './send-result.js';

export type LocalTransactionState = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';

/** Runs the local transaction of a half message and answers the broker's check-backs. */
export interface TransactionListener {
  /** Runs after the half message is stored; its answer commits or rolls the message back. */
  executeLocalTransaction(message: Message, arg: unknown): Promise<LocalTransactionState> | LocalTransactionState;
  /** Asked by the broker when a half message stays unresolved; answer from durable state. */
  checkLocalTransaction(message: MessageExt): Promise<LocalTransactionState> | LocalTransactionState;
}

export interface TransactionProducerOptions extends ProducerOptions {
  transactionListener: TransactionListener;
}

export interface TransactionSendResult extends SendResult {
  localTransactionState: LocalTransactionState;
}

/** The local transaction threw: the message was ended as UNKNOWN and will be resolved by a check-back. */
export class LocalTransactionError extends RocketMQError {
  override name = 'LocalTransactionError';
  constructor(
    readonly sendResult: TransactionSendResult,
    cause: unknown,
  ) {
    super(`The local transaction of message ${sendResult.msgId} failed: ${(cause as Error)?.message ?? cause}`, undefined, { cause });
  }
}

const TRANSACTION_TYPE: Record<LocalTransactionState, number> = {
  COMMIT: EndTransactionType.COMMIT,
  ROLLBACK: EndTransactionType.ROLLBACK,
  UNKNOWN: EndTransactionType.NOT_TYPE,
};

/**
 * Transactional messages: a half message is stored, the local transaction runs, and the message
 * is committed or rolled back with it; unresolved ones are settled by check-backs.
 */
export class TransactionProducer extends Producer {
  private readonly listener: TransactionListener;

  constructor(options: TransactionProducerOptions) {
    super(options);
    this.listener = options.transactionListener;
  }

  /**
   * Sends a half message, runs the local transaction (the producer's listener, or `execute` for
   * this call) and ends the message with its answer. If the local transaction throws, the message
   * is left UNKNOWN for the check-back to settle and the error is rethrown as LocalTransactionError.
   */
  async sendMessageInTransaction(
    message: Message,
    arg?: unknown,
    execute?: (message: Message, arg: unknown) => Promise<LocalTransactionState> | LocalTransactionState,
  ): Promise<TransactionSendResult> {
    this.assertRunning();
    if (message.delayLevel !== undefined && message.delayLevel > 0) {
      throw new RocketMQClientError('Transactional messages cannot be delayed');
    }
    message.clearProperty(MessageConst.DELAY);
    message.putProperty(MessageConst.TRAN_MSG, 'true');
    message.putProperty(MessageConst.PGROUP, this.group);
    const sendResult = await this.send(message);
    let state: LocalTransactionState = 'ROLLBACK';
    let localError: unknown;
    if (sendResult.status === 'SEND_OK') {
      if (sendResult.transactionId) message.transactionId = sendResult.transactionId;
      try {
        state = await (execute ?? this.listener.executeLocalTransaction.bind(this.listener))(message, arg);
      } catch (error) {
        localError = error;
        state = 'UNKNOWN';
      }
    }
    const result: TransactionSendResult = { ...sendResult, localTransactionState: state };
    try {
      await this.endTransaction(sendResult, state, undefined, localError);
    } catch (error) {
      // The broker will check back; the local outcome stands.
      this.instance.logger.warn(`END_TRANSACTION for ${sendResult.msgId} failed: ${(error as Error).message}; the broker will check back`, 'TransactionProducer');
    }
    if (localError) throw new LocalTransactionError(result, localError);
    return result;
  }

  private async endTransaction(sendResult: SendResult, state: LocalTransactionState, brokerAddr: string | undefined, localError: unknown): Promise<void> {
    const addr = brokerAddr ?? (await this.brokerAddr(sendResult.messageQueue.brokerName, sendResult.messageQueue.topic));
    const ext = EndTransactionRequestHeader.encode({
      topic: sendResult.messageQueue.topic,
      producerGroup: this.group,
      tranStateTableOffset: sendResult.queueOffset,
      commitLogOffset: decodeOffsetMessageId(sendResult.offsetMsgId).commitLogOffset,
      commitOrRollback: TRANSACTION_TYPE[state],
      fromTransactionCheck: false,
      msgId: sendResult.msgId,
      transactionId: sendResult.transactionId,
      bname: sendResult.messageQueue.brokerName,
    });
    const request = RemotingCommand.request(RequestCode.END_TRANSACTION, ext);
    if (localError) request.remark = `executeLocalTransaction exception: ${(localError as Error)?.message ?? localError}`;
    await this.instance.remoting.invokeOneway(addr, request);
  }

  /** Answers CHECK_TRANSACTION_STATE from the broker with the listener's verdict. */
  checkTransactionState(brokerAddr: string, message: MessageExt, header: CheckTransactionStateRequestHeader): void {
    void (async () => {
      let state: LocalTransactionState = 'UNKNOWN';
      let remark: string | undefined;
      try {
        state = await this.listener.checkLocalTransaction(message);
      } catch (error) {
        remark = `checkLocalTransaction exception: ${(error as Error).message}`;
        this.instance.logger.warn(`checkLocalTransaction for ${message.msgId} failed: ${(error as Error).message}`, 'TransactionProducer');
      }
      const ext = EndTransactionRequestHeader.encode({
        topic: header.topic ?? message.topic,
        producerGroup: this.group,
        tranStateTableOffset: header.tranStateTableOffset,
        commitLogOffset: header.commitLogOffset,
        commitOrRollback: TRANSACTION_TYPE[state],
        fromTransactionCheck: true,
        msgId: message.getProperty(MessageConst.UNIQ_KEY) ?? header.msgId ?? message.msgId,
        transactionId: header.transactionId,
        bname: header.bname,
      });
      const request = RemotingCommand.request(RequestCode.END_TRANSACTION, ext);
      if (remark) request.remark = remark;
      await this.instance.remoting.invokeOneway(brokerAddr, request);
    })().catch((error: Error) => this.instance.logger.warn(`answering a transaction check failed: ${error.message}`, 'TransactionProducer'));
  }
}
