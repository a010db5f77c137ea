/**
 * The transaction check-back (`TransactionalMessageCheckService` + `TransactionalMessageServiceImpl.check`). Every
 * `transactionCheckInterval` it walks the half queue from its cursor, skipping the messages resolved by op records;
 * a half message older than its immunity time (`transactionTimeOut`, or CHECK_IMMUNITY_TIME_IN_SECONDS) is appended
 * again with TRANSACTION_CHECK_TIMES + 1 and CHECK_TRANSACTION_STATE goes one-way to a live producer of its PGROUP,
 * which answers with END_TRANSACTION for the new copy. After `transactionCheckMax` checks the half message is moved
 * to TRANS_CHECK_MAX_TIME_TOPIC with a warning.
 *
 * Progress is kept as Apache keeps it, as offsets of group CID_RMQ_SYS_TRANS on the half and op queues
 * (consumerOffset.json). Lagging offsets after a crash only mean a few half messages are looked at again; a
 * transaction resolved by an op record is never checked or committed twice.
 */
import {
  CheckTransactionStateRequestHeader,
  MessageConst,
  RemotingCommand,
  RequestCode,
  decodeStoredMessage,
  encodeStoredMessage,
  propertiesToString,
  type MessageExt,
} from '@app/rocketmq/protocol';
import type { BrokerContext, BrokerService } from '../broker-context.js';
import { copyOfStored, integerProperty } from '../schedule/stored-copy.js';
import { immunityTimeMs } from './end-transaction-processor.js';
import type { TransactionState } from './transaction-state.js';
import { TRANS_CHECK_GROUP, TRANS_CHECK_MAX_TIME_TOPIC, TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC, originOf } from './transaction-topics.js';

export interface TransactionCheckOptions {
  /** A pass over the half queue stops after this long (`MAX_PROCESS_TIME_LIMIT`), default 60 s. */
  maxPassMs?: number;
  /** Half messages checked per pass at most, default 2000. */
  maxChecksPerPass?: number;
  now?: () => number;
}

/** What one pass did. */
export interface CheckPassResult {
  checked: number;
  discarded: number;
  skipped: number;
  halfOffset: number;
  opOffset: number;
}

interface OpRecord {
  opOffset: number;
  halfOffsets: number[];
}

export class TransactionCheckService implements BrokerService {
  private halfOffset = 0;
  private opOffset = 0;
  private opReadOffset = 0;
  private readonly opRecords: OpRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CheckPassResult> | undefined;
  private stopped = true;
  private roundRobin = 0;
  private readonly maxPassMs: number;
  private readonly maxChecksPerPass: number;
  private readonly now: () => number;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly state: TransactionState,
    options: TransactionCheckOptions = {},
  ) {
    this.maxPassMs = options.maxPassMs ?? 60_000;
    this.maxChecksPerPass = options.maxChecksPerPass ?? 2000;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.state.load();
    this.halfOffset = this.loadOffset(TRANS_HALF_TOPIC);
    this.opOffset = this.loadOffset(TRANS_OP_HALF_TOPIC);
    this.opReadOffset = this.opOffset;
    this.opRecords.length = 0;
    this.timer = setInterval(() => void this.check(), Math.max(10, this.ctx.config.transactionCheckInterval));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    this.saveOffsets();
  }

  private loadOffset(topic: string): number {
    const store = this.ctx.store;
    const saved = this.ctx.offsets.query(TRANS_CHECK_GROUP, topic, 0);
    const min = store.minOffset(topic, 0);
    const max = store.maxOffset(topic, 0);
    return Math.min(Math.max(saved ?? min, min), max);
  }

  private saveOffsets(): void {
    this.ctx.offsets.commit(TRANS_CHECK_GROUP, TRANS_HALF_TOPIC, 0, this.halfOffset);
    this.ctx.offsets.commit(TRANS_CHECK_GROUP, TRANS_OP_HALF_TOPIC, 0, this.opOffset);
  }

  /** One check pass (what the timer runs); concurrent calls share the running pass. */
  check(): Promise<CheckPassResult> {
    this.running ??= this.pass()
      .catch((err: Error) => {
        this.ctx.logger.error(`Transaction check failed: ${err.message}`, err.stack, 'TransactionCheckService');
        return { checked: 0, discarded: 0, skipped: 0, halfOffset: this.halfOffset, opOffset: this.opOffset };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Reads op records written since the last pass (`fillOpRemoveMap`). */
  private async readOps(): Promise<void> {
    const store = this.ctx.store;
    for (;;) {
      const got = await store.getMessages({ topic: TRANS_OP_HALF_TOPIC, queueId: 0, offset: this.opReadOffset, maxCount: 256 });
      if (got.status === 'OFFSET_TOO_SMALL' || got.status === 'OFFSET_OVERFLOW_BADLY') {
        this.opReadOffset = got.nextBeginOffset;
        continue;
      }
      got.records.forEach((record, i) => {
        try {
          const halfOffsets = this.state.applyOp(decodeStoredMessage(record, 0, { decompress: false }));
          this.opRecords.push({ opOffset: got.queueOffsets[i]!, halfOffsets });
        } catch (err) {
          this.ctx.logger.warn(`Unreadable op record skipped: ${(err as Error).message}`, 'TransactionCheckService');
        }
      });
      if (got.nextBeginOffset <= this.opReadOffset) return;
      this.opReadOffset = got.nextBeginOffset;
      if (got.status !== 'FOUND' || this.opReadOffset >= got.maxOffset) return;
    }
  }

  private async pass(): Promise<CheckPassResult> {
    const result: CheckPassResult = { checked: 0, discarded: 0, skipped: 0, halfOffset: 0, opOffset: 0 };
    const startTime = this.now();
    const config = this.ctx.config;
    const store = this.ctx.store;
    await this.readOps();

    let i = Math.max(this.halfOffset, store.minOffset(TRANS_HALF_TOPIC, 0));
    walk: while (!this.stopped && this.now() - startTime < this.maxPassMs && result.checked < this.maxChecksPerPass) {
      const got = await store.getMessages({ topic: TRANS_HALF_TOPIC, queueId: 0, offset: i, maxCount: 32 });
      if (got.status === 'OFFSET_TOO_SMALL') {
        i = got.nextBeginOffset;
        continue;
      }
      if (got.records.length === 0) {
        if (got.nextBeginOffset > i && got.status !== 'OFFSET_OVERFLOW_BADLY') {
          i = got.nextBeginOffset;
          continue;
        }
        break;
      }
      for (let k = 0; k < got.records.length; k++) {
        if (this.stopped || result.checked >= this.maxChecksPerPass) break walk;
        const queueOffset = got.queueOffsets[k]!;
        if (this.state.isResolvedOffset(queueOffset)) {
          i = queueOffset + 1;
          continue;
        }
        const half = decodeStoredMessage(got.records[k]!, 0, { decompress: false });
        if (this.state.isResolved(half)) {
          i = queueOffset + 1;
          continue;
        }
        const now = this.now();
        const checkTimes = integerProperty(half.properties[MessageConst.TRANSACTION_CHECK_TIMES]);
        if (checkTimes !== undefined && checkTimes >= config.transactionCheckMax) {
          await this.discard(half);
          result.discarded++;
          i = queueOffset + 1;
          continue;
        }
        if (now - half.bornTimestamp > config.fileReservedTime * 3_600_000) {
          this.ctx.logger.log(`Half message ${half.msgId} is older than the file reserved time; skipped`, 'TransactionCheckService');
          result.skipped++;
          i = queueOffset + 1;
          continue;
        }
        if (half.storeTimestamp >= startTime) break walk;
        const age = now - half.bornTimestamp;
        const immunity = immunityTimeMs(half, config.transactionTimeOut);
        if (immunity !== undefined) {
          if (age <= immunity) {
            // still immune: move it behind the messages to check (`renewImmunityHalfMessageInner`)
            await this.putBack(half, checkTimes);
            i = queueOffset + 1;
            continue;
          }
        } else if (age >= 0 && age <= config.transactionTimeOut) {
          break walk;
        }
        const renewed = await this.putBack(half, (checkTimes ?? 0) + 1);
        await this.sendCheck(renewed);
        result.checked++;
        i = queueOffset + 1;
      }
    }

    this.halfOffset = i;
    while (this.opRecords.length > 0 && this.opRecords[0]!.halfOffsets.every((o) => o < this.halfOffset)) {
      this.opOffset = this.opRecords.shift()!.opOffset + 1;
    }
    if (this.opRecords.length === 0) this.opOffset = this.opReadOffset;
    this.state.pruneBelow(this.halfOffset);
    this.saveOffsets();
    result.halfOffset = this.halfOffset;
    result.opOffset = this.opOffset;
    return result;
  }

  /** Appends a copy of the half message (`putBackHalfMsgQueue`); returns it with its new offsets. */
  private async putBack(half: MessageExt, checkTimes: number | undefined): Promise<MessageExt> {
    const copy = copyOfStored(half, TRANS_HALF_TOPIC, half.queueId);
    if (checkTimes !== undefined) copy.properties[MessageConst.TRANSACTION_CHECK_TIMES] = String(checkTimes);
    copy.properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET] = String(originOf(half));
    copy.properties[MessageConst.WAIT] = 'false';
    const put = await this.ctx.putInternal(copy, { skipHooks: true });
    const renewed = decodeStoredMessage(
      encodeStoredMessage({
        ...half,
        queueOffset: put.queueOffset,
        commitLogOffset: put.commitLogOffset,
        storeTimestamp: put.storeTimestamp,
        properties: propertiesToString(copy.properties),
      }),
      0,
      { decompress: false },
    );
    renewed.offsetMsgId = put.msgId;
    return renewed;
  }

  /** CHECK_TRANSACTION_STATE to one live producer of the group (`sendCheckMessage`). */
  private async sendCheck(half: MessageExt): Promise<void> {
    const group = half.properties[MessageConst.PGROUP];
    const realTopic = half.properties[MessageConst.REAL_TOPIC] ?? half.topic;
    const realQueueId = integerProperty(half.properties[MessageConst.REAL_QID]) ?? 0;
    const uniqKey = half.properties[MessageConst.UNIQ_KEY];
    const connections = group ? this.ctx.clients.producerConnections(group).filter((c) => !c.closed) : [];
    if (connections.length === 0) {
      this.ctx.logger.warn(`Check transaction failed, no live producer of group ${group}; transaction ${uniqKey} waits`, 'TransactionCheckService');
      return;
    }
    const connection = connections[this.roundRobin++ % connections.length]!;
    const header = CheckTransactionStateRequestHeader.encode({
      topic: realTopic,
      tranStateTableOffset: half.queueOffset,
      commitLogOffset: half.commitLogOffset,
      msgId: uniqKey,
      transactionId: uniqKey,
      offsetMsgId: half.offsetMsgId,
      bname: this.ctx.config.brokerName,
    });
    const body = encodeStoredMessage({ ...half, topic: realTopic, queueId: realQueueId, properties: propertiesToString(half.properties) });
    try {
      await connection.invokeOneway(RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE, header, body));
    } catch (err) {
      this.ctx.logger.warn(`Sending CHECK_TRANSACTION_STATE for ${uniqKey} to ${connection.addr} failed: ${(err as Error).message}`, 'TransactionCheckService');
    }
  }

  /** `resolveDiscardMsg`: checked too often, moved to TRANS_CHECK_MAX_TIME_TOPIC. */
  private async discard(half: MessageExt): Promise<void> {
    if (!this.ctx.topics.get(TRANS_CHECK_MAX_TIME_TOPIC)) this.ctx.topics.createSystemTopic(TRANS_CHECK_MAX_TIME_TOPIC, 1, 6);
    const copy = copyOfStored(half, TRANS_CHECK_MAX_TIME_TOPIC, 0);
    copy.properties[MessageConst.WAIT] = 'false';
    try {
      await this.ctx.putInternal(copy, { skipHooks: true });
      this.ctx.logger.warn(
        `Half message ${half.properties[MessageConst.UNIQ_KEY] ?? half.msgId} of ${half.properties[MessageConst.REAL_TOPIC]} (group ${half.properties[MessageConst.PGROUP]}) ` +
          `was checked ${this.ctx.config.transactionCheckMax} times without an answer; moved to ${TRANS_CHECK_MAX_TIME_TOPIC}`,
        'TransactionCheckService',
      );
    } catch (err) {
      this.ctx.logger.error(`Moving half message ${half.msgId} to ${TRANS_CHECK_MAX_TIME_TOPIC} failed: ${(err as Error).message}`, undefined, 'TransactionCheckService');
    }
  }
}
