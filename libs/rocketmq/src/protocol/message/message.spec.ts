import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError } from '../errors.js';
import { Message, MessageExt, compareMessageQueues, MessageQueueMap, messageQueueKey, messageQueueFromKey } from './message.js';
import { MessageConst, SYSTEM_PROPERTY_NAMES, isSystemProperty, permToString, PermName, transactionTypeOf, resetTransactionValue, MessageSysFlag } from './message-const.js';
import { createProperties } from './properties.js';

describe('Message', () => {
  it('sets WAIT=true by default and keeps tags/keys as views over properties', () => {
    const m = new Message('T', Buffer.from('x'), { tags: 'A', keys: ['k1', 'k2'] });
    expect(m.properties).toMatchObject({ WAIT: 'true', TAGS: 'A', KEYS: 'k1 k2' });
    m.tags = 'B';
    m.keys = ['z'];
    expect(m.properties[MessageConst.TAGS]).toBe('B');
    expect(m.keys).toEqual(['z']);
    m.tags = undefined;
    expect('TAGS' in m.properties).toBe(false);
  });

  it('exposes delay level, deliverAt and waitStoreMsgOK as properties', () => {
    const m = new Message('T', Buffer.alloc(0), { delayLevel: 3, deliverAt: 1700000000000.7, waitStoreMsgOK: false });
    expect(m.properties).toMatchObject({ DELAY: '3', TIMER_DELIVER_MS: '1700000000000', WAIT: 'false' });
    expect(m.delayLevel).toBe(3);
    expect(m.deliverAt).toBe(1700000000000);
    expect(m.waitStoreMsgOK).toBe(false);
  });

  it('rejects system property names and blank values in putUserProperty', () => {
    const m = new Message('T', Buffer.alloc(0));
    expect(() => m.putUserProperty('TAGS', 'x')).toThrow(RocketMQClientError);
    expect(() => m.putUserProperty('a', ' ')).toThrow(RocketMQClientError);
    m.putUserProperty('color', 'red');
    expect(m.userProperties).toEqual({ color: 'red' });
  });

  it('lists Java system property names', () => {
    expect(SYSTEM_PROPERTY_NAMES.size).toBe(51);
    expect(isSystemProperty('UNIQ_KEY')).toBe(true);
    expect(isSystemProperty('__transactionId__')).toBe(false);
  });
});

describe('MessageExt', () => {
  const base = {
    topic: 'T', body: Buffer.alloc(0), flag: 0, queueId: 0, queueOffset: 0, commitLogOffset: 0, sysFlag: 0,
    bornTimestamp: 0, bornHost: '1.2.3.4:5', storeTimestamp: 0, storeHost: '1.2.3.4:6', reconsumeTimes: 0,
    preparedTransactionOffset: 0, bodyCRC: 0, storeSize: 0, offsetMsgId: 'OFFSET',
  };

  it('uses UNIQ_KEY as msgId when present, else the offset msgId', () => {
    expect(new MessageExt({ ...base, properties: createProperties() }).msgId).toBe('OFFSET');
    const p = createProperties();
    p['UNIQ_KEY'] = 'UNIQ';
    expect(new MessageExt({ ...base, properties: p }).msgId).toBe('UNIQ');
  });

  it('derives transactionId from UNIQ_KEY for half messages', () => {
    const p = Object.assign(createProperties(), { TRAN_MSG: 'true', UNIQ_KEY: 'U1' });
    const m = new MessageExt({ ...base, properties: p });
    expect(m.transactionId).toBe('U1');
    m.transactionId = 'X';
    expect(m.transactionId).toBe('X');
    expect(m.properties).not.toHaveProperty('WAIT');
  });
});

describe('MessageQueue', () => {
  it('orders by topic, brokerName, queueId in UTF-16 code-unit order', () => {
    const qs = [
      { topic: 'b', brokerName: 'x', queueId: 0 },
      { topic: 'a', brokerName: 'y', queueId: 1 },
      { topic: 'a', brokerName: 'y', queueId: 0 },
      { topic: 'a', brokerName: 'Z', queueId: 5 },
      { topic: '\uffff', brokerName: 'a', queueId: 0 },
      { topic: '\ud83d\ude00', brokerName: 'a', queueId: 0 },
    ];
    expect(qs.sort(compareMessageQueues).map((q) => `${q.topic}/${q.brokerName}/${q.queueId}`)).toEqual([
      'a/Z/5', 'a/y/0', 'a/y/1', 'b/x/0', '\ud83d\ude00/a/0', '\uffff/a/0',
    ]);
  });

  it('keys a map by value and round-trips the key', () => {
    const m = new MessageQueueMap<number>();
    m.set({ topic: 'T', brokerName: 'b@c', queueId: 1 }, 7);
    expect(m.get({ topic: 'T', brokerName: 'b@c', queueId: 1 })).toBe(7);
    expect(m.has({ topic: 'T', brokerName: 'b', queueId: 1 })).toBe(false);
    const k = messageQueueKey({ topic: 'T', brokerName: 'b@c', queueId: 1 });
    expect(messageQueueFromKey(k)).toEqual({ topic: 'T', brokerName: 'b@c', queueId: 1 });
  });
});

describe('sysFlag and perm helpers', () => {
  it('reads and resets transaction bits', () => {
    expect(transactionTypeOf(MessageSysFlag.TRANSACTION_PREPARED_TYPE | 1)).toBe('PREPARED');
    expect(resetTransactionValue(0x7, MessageSysFlag.TRANSACTION_COMMIT_TYPE)).toBe(0xb);
  });
  it('renders perm like Java', () => {
    expect(permToString(PermName.READ | PermName.WRITE)).toBe('RW-');
    expect(permToString(7)).toBe('RWX');
  });
});
