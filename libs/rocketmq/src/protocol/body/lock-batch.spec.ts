import { describe, it, expect } from '@jest/globals';
import {
  decodeLockBatchRequestBody, decodeLockBatchResponseBody, decodeUnlockBatchRequestBody,
  encodeLockBatchRequestBody, encodeLockBatchResponseBody, encodeUnlockBatchRequestBody,
} from './lock-batch.js';

describe('lock batch bodies', () => {
  const req = { consumerGroup: 'cg', clientId: 'c1', onlyThisBroker: false, mqSet: [{ topic: 'T1', brokerName: 'broker-a', queueId: 0 }] };

  it('writes the documented request', () => {
    expect(encodeLockBatchRequestBody(req).toString()).toBe(
      '{"clientId":"c1","consumerGroup":"cg","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T1"}],"onlyThisBroker":false}',
    );
    expect(decodeLockBatchRequestBody(encodeLockBatchRequestBody(req))).toEqual(req);
    expect(decodeUnlockBatchRequestBody(encodeUnlockBatchRequestBody(req))).toEqual(req);
  });

  it('round-trips the response', () => {
    const res = { lockOKMQSet: req.mqSet };
    expect(decodeLockBatchResponseBody(encodeLockBatchResponseBody(res))).toEqual(res);
    expect(decodeLockBatchResponseBody('{}')).toEqual({ lockOKMQSet: [] });
  });
});
