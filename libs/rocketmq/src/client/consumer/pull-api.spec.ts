import { describe, expect, it } from '@jest/globals';
import { buildSubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { PullSysFlag } from '../../protocol/header/pull-headers.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import { propertiesToString } from '../../protocol/message/properties.js';
import { encodeStoredMessage } from '../../protocol/message/stored-message-codec.js';
import { buildPullSysFlag, processPullBody } from './pull-api.js';

function stored(queueOffset: number, tags?: string): Buffer {
  const properties: Record<string, string> = { [MessageConst.UNIQ_KEY]: `ID${queueOffset}` };
  if (tags) properties[MessageConst.TAGS] = tags;
  return encodeStoredMessage({
    topic: 'T', queueId: 1, flag: 0, queueOffset, commitLogOffset: 1000 + queueOffset, sysFlag: 0, bornTimestamp: 1, bornHost: '127.0.0.1:1',
    storeTimestamp: 2, storeHost: '127.0.0.1:10911', reconsumeTimes: 0, preparedTransactionOffset: 0, body: Buffer.from(`b${queueOffset}`),
    properties: propertiesToString(properties),
  });
}

const mq = { topic: 'T', brokerName: 'broker-a', queueId: 1 };

describe('pull sysFlag', () => {
  it('sets commit-offset, suspend and subscription bits as PullSysFlag.buildSysFlag', () => {
    expect(buildPullSysFlag(true, true, false)).toBe(PullSysFlag.COMMIT_OFFSET | PullSysFlag.SUSPEND);
    expect(buildPullSysFlag(false, true, true)).toBe(PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION);
    expect(buildPullSysFlag(false, false, false)).toBe(0);
  });
});

describe('processing a FOUND pull body', () => {
  it('decodes the messages and adds MIN_OFFSET, MAX_OFFSET and the broker name', () => {
    const body = Buffer.concat([stored(4), stored(5)]);
    const messages = processPullBody(body, mq, buildSubscriptionData('T', '*'), { minOffset: 0, maxOffset: 9 });
    expect(messages.map((m) => m.queueOffset)).toEqual([4, 5]);
    expect(messages.map((m) => m.msgId)).toEqual(['ID4', 'ID5']);
    expect(messages[0]!.getProperty(MessageConst.MIN_OFFSET)).toBe('0');
    expect(messages[0]!.getProperty(MessageConst.MAX_OFFSET)).toBe('9');
    expect(messages[0]!.brokerName).toBe('broker-a');
  });

  it('drops messages whose tag is not subscribed (the broker filters by hash code only)', () => {
    const body = Buffer.concat([stored(1, 'TagA'), stored(2, 'TagB'), stored(3, 'TagC'), stored(4)]);
    const messages = processPullBody(body, mq, buildSubscriptionData('T', 'TagA || TagC'), { minOffset: 0, maxOffset: 5 });
    expect(messages.map((m) => m.tags)).toEqual(['TagA', 'TagC']);
  });

  it('keeps every message for SQL92 subscriptions (filtered by the broker)', () => {
    const body = Buffer.concat([stored(1, 'TagA'), stored(2)]);
    expect(processPullBody(body, mq, buildSubscriptionData('T', 'a > 1', 'SQL92'), { minOffset: 0, maxOffset: 5 })).toHaveLength(2);
  });

  it('shifts queue offsets by the 5.x offsetDelta of logical queues', () => {
    const messages = processPullBody(stored(3), mq, buildSubscriptionData('T', '*'), { minOffset: 0, maxOffset: 5, offsetDelta: 100 });
    expect(messages[0]!.queueOffset).toBe(103);
  });
});
