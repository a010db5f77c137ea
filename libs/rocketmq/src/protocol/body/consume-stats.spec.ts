import { describe, it, expect } from '@jest/globals';
import { MessageQueueMap } from '../message/message-queue.js';
import { consumeStatsTotalDiff, decodeConsumeStats, encodeConsumeStats } from './consume-stats.js';

describe('ConsumeStats', () => {
  const text =
    '{"consumeTps":1.5,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":9,"consumerOffset":4,"lastTimestamp":1700000000000,"pullOffset":5},' +
    '{"brokerName":"b","queueId":1,"topic":"T"}:{"brokerOffset":3,"consumerOffset":3,"lastTimestamp":0,"pullOffset":3}}}';

  it('reads MessageQueue object keys and writes them back identically', () => {
    const s = decodeConsumeStats(text);
    expect(s.consumeTps).toBe(1.5);
    expect(s.offsetTable.get({ topic: 'T', brokerName: 'b', queueId: 0 })).toEqual({ brokerOffset: 9, consumerOffset: 4, pullOffset: 5, lastTimestamp: 1700000000000 });
    expect(consumeStatsTotalDiff(s)).toBe(5);
    expect(encodeConsumeStats(s).toString()).toBe(text);
  });

  it('reads 4.9 output without pullOffset and an empty table', () => {
    const s = decodeConsumeStats('{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":1,"consumerOffset":0,"lastTimestamp":0}}}');
    expect([...s.offsetTable.values()][0]!.pullOffset).toBe(0);
    expect(decodeConsumeStats('{"consumeTps":0,"offsetTable":{}}').offsetTable.size).toBe(0);
    expect(encodeConsumeStats({ consumeTps: 0, offsetTable: new MessageQueueMap() }).toString()).toBe('{"consumeTps":0,"offsetTable":{}}');
  });
});
