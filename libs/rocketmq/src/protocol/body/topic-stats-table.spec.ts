import { describe, it, expect } from '@jest/globals';
import { decodeTopicStatsTable, encodeTopicStatsTable } from './topic-stats-table.js';

describe('TopicStatsTable', () => {
  it('round-trips object-keyed offset tables, with and without 5.x topicPutTps', () => {
    const text = '{"offsetTable":{{"brokerName":"b","queueId":2,"topic":"T"}:{"lastUpdateTimestamp":5,"maxOffset":10,"minOffset":1}},"topicPutTps":2.5}';
    const t = decodeTopicStatsTable(text);
    expect(t.offsetTable.get({ topic: 'T', brokerName: 'b', queueId: 2 })).toEqual({ minOffset: 1, maxOffset: 10, lastUpdateTimestamp: 5 });
    expect(encodeTopicStatsTable(t).toString()).toBe(text);
    expect(decodeTopicStatsTable('{"offsetTable":{}}').topicPutTps).toBeUndefined();
  });
});
