import { describe, expect, it } from '@jest/globals';
import { parseConsumeTimestamp, resolvePushConsumerOptions } from './consumer-options.js';

describe('push consumer options', () => {
  it('uses the Java defaults', () => {
    const o = resolvePushConsumerOptions({ nameServer: 'x:9876', group: 'g' });
    expect(o).toMatchObject({
      messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', consumeMode: 'CONCURRENTLY', consumeConcurrency: 20,
      consumeMessageBatchMaxSize: 1, pullBatchSize: 32, pullThresholdForQueue: 1000, pullThresholdSizeForQueue: 100,
      consumeConcurrentlyMaxSpan: 2000, maxReconsumeTimes: 16, suspendCurrentQueueTimeMillis: 1000, delayLevelWhenNextConsume: 0,
      brokerSuspendMaxTimeMs: 15_000, consumerTimeoutMsWhenSuspend: 30_000,
    });
    expect(o.allocateStrategy.name).toBe('AVG');
  });

  it('retries orderly consumers without limit by default', () => {
    expect(resolvePushConsumerOptions({ nameServer: 'x', group: 'g', consumeMode: 'ORDERLY' }).maxReconsumeTimes).toBe(-1);
  });

  it('rejects nonsense sizes', () => {
    expect(() => resolvePushConsumerOptions({ nameServer: 'x', group: 'g', pullBatchSize: 0 })).toThrow('pullBatchSize');
    expect(() => resolvePushConsumerOptions({ nameServer: 'x', group: 'g', consumeMessageBatchMaxSize: 5000 })).toThrow('1024');
  });

  it("parses Java's yyyyMMddHHmmss consume timestamp in local time", () => {
    expect(parseConsumeTimestamp('20240102030405')).toBe(new Date(2024, 0, 2, 3, 4, 5).getTime());
    expect(parseConsumeTimestamp(new Date(5))).toBe(5);
    expect(() => parseConsumeTimestamp('2024-01-02')).toThrow('yyyyMMddHHmmss');
  });
});
