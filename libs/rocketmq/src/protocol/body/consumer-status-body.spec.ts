import { describe, expect, it } from '@jest/globals';
import { MessageQueueMap } from '../message/message-queue.js';
import { decodeGetConsumerStatusBody, encodeGetConsumerStatusBody } from './consumer-status-body.js';

describe('GetConsumerStatusBody', () => {
  it("decodes a Java client's answer: fastjson object keys in messageQueueTable", () => {
    const java = '{"consumerTable":{},"messageQueueTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:12,{"brokerName":"broker-a","queueId":0,"topic":"T"}:7}}';
    const body = decodeGetConsumerStatusBody(Buffer.from(java));
    expect(body.consumerTable.size).toBe(0);
    expect(body.messageQueueTable.get({ topic: 'T', brokerName: 'broker-a', queueId: 0 })).toBe(7);
    expect(body.messageQueueTable.get({ topic: 'T', brokerName: 'broker-a', queueId: 1 })).toBe(12);
  });

  it("writes queues in Java's order with object keys, and reads a broker's consumerTable back", () => {
    const offsets = new MessageQueueMap<number>();
    offsets.set({ topic: 'T', brokerName: 'broker-a', queueId: 1 }, 3);
    offsets.set({ topic: 'T', brokerName: 'broker-a', queueId: 0 }, 5);
    expect(encodeGetConsumerStatusBody({ messageQueueTable: offsets }).toString()).toBe(
      '{"consumerTable":{},"messageQueueTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,{"brokerName":"broker-a","queueId":1,"topic":"T"}:3}}',
    );
    const fromBroker = decodeGetConsumerStatusBody(encodeGetConsumerStatusBody({ consumerTable: new Map([['10.0.0.1@123', offsets]]) }));
    expect([...fromBroker.consumerTable.keys()]).toEqual(['10.0.0.1@123']);
    expect(fromBroker.consumerTable.get('10.0.0.1@123')!.get({ topic: 'T', brokerName: 'broker-a', queueId: 0 })).toBe(5);
  });
});
