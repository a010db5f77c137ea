/**
 * Fault injection for the acceptance run and the e2e tests, accepted only when ORDER_FAULTS_ENABLED.
 * Each flag reproduces, for real, a failure the design must survive.
 */
import { z } from 'zod';

export const EFFECT_CONSUMERS = ['inventory', 'points', 'notification'] as const;
export type EffectConsumerName = (typeof EFFECT_CONSUMERS)[number];

export const orderFaultsSchema = z
  .object({
    /** The local transaction fails after writing: the DB rolls back, the message is rolled back. */
    failLocalTransaction: z.boolean().optional(),
    /**
     * The DB transaction commits, then the producer answers UNKNOWN: to the broker exactly a producer
     * that died before END_TRANSACTION (it ignores UNKNOWN and checks back).
     */
    commitThenUnknown: z.boolean().optional(),
    /** The process SIGKILLs itself right after the DB commit, before END_TRANSACTION. */
    killAfterCommit: z.boolean().optional(),
    /** The DB transaction rolls back and the producer answers UNKNOWN (died mid-transaction). */
    abandonBeforeCommit: z.boolean().optional(),
    /** These consumers throw after committing their effect, on the first delivery only (forces a redelivery). */
    failConsumerOnce: z.array(z.enum(EFFECT_CONSUMERS)).optional(),
  })
  .strict();

export type OrderFaults = z.infer<typeof orderFaultsSchema>;

export const statusChangeFaultsSchema = z
  .object({
    /** The process SIGKILLs itself right after the status change commits, before its ordered message is sent. */
    killAfterCommit: z.boolean().optional(),
  })
  .strict();

export type StatusChangeFaults = z.infer<typeof statusChangeFaultsSchema>;

/** Thrown inside the local transaction to roll it back on request. */
export class InjectedLocalTransactionFailure extends Error {
  override name = 'InjectedLocalTransactionFailure';
  constructor() {
    super('injected fault: the local transaction fails (faults.failLocalTransaction)');
  }
}

export class InjectedAbandonedTransaction extends Error {
  override name = 'InjectedAbandonedTransaction';
  constructor() {
    super('injected fault: the local transaction is abandoned before commit (faults.abandonBeforeCommit)');
  }
}

export class InjectedConsumerFailure extends Error {
  override name = 'InjectedConsumerFailure';
  constructor(consumer: string, orderId: string) {
    super(`injected fault: ${consumer} fails once after applying order ${orderId} (faults.failConsumerOnce)`);
  }
}
