/** LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (orderly consumption queue locks). */
import type { RequestHandler } from '@app/rocketmq/remoting';
import { RequestCode, ResponseCode, decodeLockBatchRequestBody, decodeUnlockBatchRequestBody, encodeLockBatchResponseBody } from '@app/rocketmq/protocol';
import type { RebalanceLockManager } from '../client/rebalance-lock-manager.js';
import { reply } from './processor-context.js';

export function lockProcessors(locks: RebalanceLockManager): Map<number, RequestHandler> {
  return new Map<number, RequestHandler>([
    [
      RequestCode.LOCK_BATCH_MQ,
      (request) => {
        const body = decodeLockBatchRequestBody(request.body ?? Buffer.from('{}'));
        const locked = locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
        return reply(request, ResponseCode.SUCCESS, undefined, undefined, encodeLockBatchResponseBody({ lockOKMQSet: locked }));
      },
    ],
    [
      RequestCode.UNLOCK_BATCH_MQ,
      (request) => {
        const body = decodeUnlockBatchRequestBody(request.body ?? Buffer.from('{}'));
        locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
        return reply(request, ResponseCode.SUCCESS);
      },
    ],
  ]);
}
