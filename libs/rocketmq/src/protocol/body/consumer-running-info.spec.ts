import { describe, it, expect } from '@jest/globals';
import { parseFastjson } from '../json/fastjson.js';
import { buildSubscriptionData } from './heartbeat-data.js';
import { createConsumerRunningInfo, createProcessQueueInfo, decodeConsumerRunningInfo, encodeConsumerRunningInfo } from './consumer-running-info.js';

describe('ConsumerRunningInfo', () => {
  it('writes mqTable with MessageQueue object keys and round-trips', () => {
    const info = createConsumerRunningInfo();
    info.properties = { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY', PROP_CONSUMEORDERLY: 'false' };
    info.subscriptionSet = [buildSubscriptionData('T', 'a', 'TAG', 1), buildSubscriptionData('A', '*', 'TAG', 2)];
    info.mqTable.set({ topic: 'T', brokerName: 'b', queueId: 0 }, createProcessQueueInfo({ commitOffset: 5, locked: true }));
    info.statusTable = { T: { pullRT: 1, pullTPS: 2, consumeRT: 3, consumeOKTPS: 4, consumeFailedTPS: 0, consumeFailedMsgs: 0 } };
    const text = encodeConsumerRunningInfo(info).toString();
    expect(text).toContain('"mqTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"cachedMsgCount":0');
    expect(text.indexOf('"topic":"A"')).toBeLessThan(text.indexOf('"subString":"a"'));
    const back = decodeConsumerRunningInfo(text);
    expect(back.mqTable.get({ topic: 'T', brokerName: 'b', queueId: 0 })).toMatchObject({ commitOffset: 5, locked: true, droped: false });
    expect(back.properties).toEqual(info.properties);
    expect(back.statusTable).toEqual(info.statusTable);
    expect(back.subscriptionSet.map((s) => s.topic)).toEqual(['A', 'T']);
    expect(parseFastjson(text)).toBeTruthy();
  });
});
