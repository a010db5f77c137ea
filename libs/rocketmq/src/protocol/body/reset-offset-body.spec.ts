import { describe, it, expect } from '@jest/globals';
import { MessageQueueMap } from '../message/message-queue.js';
import { decodeResetOffsetBody, encodeResetOffsetBody } from './reset-offset-body.js';

describe('ResetOffsetBody', () => {
  it('reads and writes fastjson object keys in MessageQueue order', () => {
    const m = new MessageQueueMap<number>([
      [{ topic: 'T', brokerName: 'b', queueId: 1 }, 20],
      [{ topic: 'T', brokerName: 'a', queueId: 0 }, 10],
    ]);
    const text = encodeResetOffsetBody({ offsetTable: m }).toString();
    expect(text).toBe('{"offsetTable":{{"brokerName":"a","queueId":0,"topic":"T"}:10,{"brokerName":"b","queueId":1,"topic":"T"}:20}}');
    expect(decodeResetOffsetBody(text).offsetTable.get({ topic: 'T', brokerName: 'b', queueId: 1 })).toBe(20);
  });

  it('tolerates stringified MessageQueue keys', () => {
    const b = decodeResetOffsetBody('{"offsetTable":{"{\\"brokerName\\":\\"a\\",\\"queueId\\":3,\\"topic\\":\\"T\\"}":7}}');
    expect(b.offsetTable.get({ topic: 'T', brokerName: 'a', queueId: 3 })).toBe(7);
  });
});
