/**
 * What END_TRANSACTION and the check service share: finding half messages, writing op records, and knowing which
 * transactions are resolved. A transaction is identified by the queue offset of its first half copy (`originOf`),
 * so an answer for any copy resolves it once: a second COMMIT (a late answer to an old check, a producer that
 * retries) is acknowledged without storing the message again.
 */
import { MessageConst, decodeStoredMessage, type MessageExt } from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import { OP_REMOVE_TAG, TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC, originOf } from './transaction-topics.js';

export class TransactionState {
  /** Half queue offsets that have an op record (pruned below the check cursor). */
  private readonly resolvedHalf = new Set<number>();
  /** Origins (first-copy offsets) resolved, most recent last, at most `rememberedOrigins`. */
  private readonly resolvedOrigins = new Set<number>();
  /** Origins whose END_TRANSACTION is being applied. */
  private readonly ending = new Set<number>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly rememberedOrigins = 200_000,
  ) {}

  private loading: Promise<void> = Promise.resolve();

  /**
   * Remembers the transactions resolved by the last `rememberedOrigins` op records, so that a late verdict after a
   * restart is recognised too. END_TRANSACTION waits for it (`ready`).
   */
  load(): Promise<void> {
    this.loading = (async () => {
      const store = this.ctx.store;
      const max = store.maxOffset(TRANS_OP_HALF_TOPIC, 0);
      let offset = Math.max(store.minOffset(TRANS_OP_HALF_TOPIC, 0), max - this.rememberedOrigins);
      while (offset < max) {
        const got = await store.getMessages({ topic: TRANS_OP_HALF_TOPIC, queueId: 0, offset, maxCount: 1024 });
        for (const record of got.records) {
          try {
            this.applyOp(decodeStoredMessage(record, 0, { decompress: false }));
          } catch {
            // unreadable op record: nothing to remember
          }
        }
        if (got.nextBeginOffset <= offset) break;
        offset = got.nextBeginOffset;
      }
    })().catch((err: Error) => this.ctx.logger.error(`Loading transaction op records failed: ${err.message}`, err.stack, 'TransactionState'));
    return this.loading;
  }

  ready(): Promise<void> {
    return this.loading;
  }

  /** The half message stored at `commitLogOffset`, or undefined when there is none there. */
  async findHalf(commitLogOffset: number): Promise<MessageExt | undefined> {
    if (!Number.isSafeInteger(commitLogOffset) || commitLogOffset < 0) return undefined;
    const record = await this.ctx.store.messageAt(commitLogOffset).catch(() => undefined);
    if (!record) return undefined;
    try {
      const msg = decodeStoredMessage(record, 0, { decompress: false });
      return msg.topic === TRANS_HALF_TOPIC ? msg : undefined;
    } catch {
      return undefined;
    }
  }

  isResolved(half: MessageExt): boolean {
    return this.resolvedHalf.has(half.queueOffset) || this.resolvedOrigins.has(originOf(half));
  }

  isResolvedOffset(halfQueueOffset: number): boolean {
    return this.resolvedHalf.has(halfQueueOffset);
  }

  /** Claims the transaction of `half` for an END_TRANSACTION; false when it is resolved or being resolved. */
  claim(half: MessageExt): boolean {
    const origin = originOf(half);
    if (this.isResolved(half) || this.ending.has(origin)) return false;
    this.ending.add(origin);
    return true;
  }

  release(half: MessageExt): void {
    this.ending.delete(originOf(half));
  }

  markResolved(halfQueueOffset: number, origin: number): void {
    this.resolvedHalf.add(halfQueueOffset);
    this.resolvedOrigins.delete(origin);
    this.resolvedOrigins.add(origin);
    if (this.resolvedOrigins.size > this.rememberedOrigins) {
      const oldest = this.resolvedOrigins.values().next().value;
      if (oldest !== undefined) this.resolvedOrigins.delete(oldest);
    }
  }

  /** Writes the op record of a resolved half message (`deletePrepareMessage`) and remembers it. */
  async writeOp(half: MessageExt): Promise<void> {
    const origin = originOf(half);
    // remembered first: once the verdict was applied, a failed op write must not let a second one through
    this.markResolved(half.queueOffset, origin);
    const properties: Record<string, string> = {
      [MessageConst.TAGS]: OP_REMOVE_TAG,
      [MessageConst.TRAN_PREPARED_QUEUE_OFFSET]: String(origin),
    };
    await this.ctx.putInternal(
      {
        topic: TRANS_OP_HALF_TOPIC,
        queueId: half.queueId,
        body: Buffer.from(String(half.queueOffset)),
        properties,
        flag: 0,
        sysFlag: 0,
        bornTimestamp: Date.now(),
        bornHost: this.ctx.brokerAddr,
        reconsumeTimes: 0,
      },
      { skipHooks: true },
    );
  }

  /** Remembers what an op record resolves; returns the half queue offsets it names. */
  applyOp(op: MessageExt): number[] {
    if (op.properties[MessageConst.TAGS] !== OP_REMOVE_TAG) return [];
    const offsets = op.body
      .toString('utf8')
      .split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isSafeInteger(n) && n >= 0);
    const origin = Number(op.properties[MessageConst.TRAN_PREPARED_QUEUE_OFFSET]);
    for (const offset of offsets) this.markResolved(offset, Number.isSafeInteger(origin) && offsets.length === 1 ? origin : offset);
    return offsets;
  }

  /** Forgets resolved half offsets below the check cursor (their origins stay remembered). */
  pruneBelow(halfQueueOffset: number): void {
    for (const offset of this.resolvedHalf) if (offset < halfQueueOffset) this.resolvedHalf.delete(offset);
  }
}
