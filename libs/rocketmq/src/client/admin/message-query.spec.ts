import { describe, expect, it } from '@jest/globals';
import { MessageExt } from '../../protocol/message/message.js';
import { createProperties } from '../../protocol/message/properties.js';
import { UniqueIdGenerator } from '../../protocol/message/message-id.js';
import { couldBeOffsetMessageId, matchesKey, matchesUniqueKey, mergeQueryResults, uniqueKeyWindow, UNBOUNDED_END } from './message-query.js';

const DAY = 24 * 60 * 60 * 1000;

function stored(fields: { topic?: string; keys?: string; uniq?: string; storeHost?: string; commitLogOffset: number; storeTimestamp: number }): MessageExt {
  const properties = createProperties();
  if (fields.keys) properties['KEYS'] = fields.keys;
  if (fields.uniq) properties['UNIQ_KEY'] = fields.uniq;
  return new MessageExt({
    topic: fields.topic ?? 'T',
    body: Buffer.from('x'),
    properties,
    flag: 0,
    queueId: 0,
    queueOffset: 0,
    commitLogOffset: fields.commitLogOffset,
    sysFlag: 0,
    bornTimestamp: fields.storeTimestamp,
    bornHost: '10.0.0.9:5000',
    storeTimestamp: fields.storeTimestamp,
    storeHost: fields.storeHost ?? '10.0.0.1:10911',
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    bodyCRC: 0,
    storeSize: 0,
    offsetMsgId: `OFFSET${fields.commitLogOffset}`,
  });
}

describe('the time window of a unique-id lookup', () => {
  it('starts a day before the time the id encodes and is unbounded above', () => {
    const now = new Date(2026, 10, 20, 12, 0, 0).getTime();
    const sentAt = now - 5 * 60_000;
    const id = new UniqueIdGenerator({ ip: '10.0.0.9', pid: 1, seed: 2, now: () => sentAt }).next();
    expect(uniqueKeyWindow(id, now)).toEqual({ begin: sentAt - DAY, end: UNBOUNDED_END });
  });

  it('falls back to the last three days for ids that carry no time', () => {
    const now = 1_800_000_000_000;
    expect(uniqueKeyWindow('not-an-id', now)).toEqual({ begin: now - 3 * DAY, end: UNBOUNDED_END });
  });
});

describe('filtering index answers', () => {
  it('accepts a message whose KEYS hold the key in the same topic, not a hash collision', () => {
    expect(matchesKey(stored({ keys: 'order-1 k2', commitLogOffset: 1, storeTimestamp: 1 }), 'T', 'k2')).toBe(true);
    expect(matchesKey(stored({ keys: 'order-10', commitLogOffset: 1, storeTimestamp: 1 }), 'T', 'order-1')).toBe(false);
    expect(matchesKey(stored({ topic: 'Other', keys: 'k2', commitLogOffset: 1, storeTimestamp: 1 }), 'T', 'k2')).toBe(false);
  });

  it('accepts a message by its UNIQ_KEY', () => {
    const m = stored({ uniq: 'ABC', commitLogOffset: 1, storeTimestamp: 1 });
    expect(matchesUniqueKey(m, 'ABC')).toBe(true);
    expect(matchesUniqueKey(m, 'ABD')).toBe(false);
  });

  it('merges brokers, drops duplicates and collisions, sorts by store time and caps the count', () => {
    const a1 = stored({ keys: 'k', commitLogOffset: 100, storeTimestamp: 30 });
    const a2 = stored({ keys: 'k', commitLogOffset: 200, storeTimestamp: 10 });
    const collision = stored({ keys: 'kk', commitLogOffset: 300, storeTimestamp: 5 });
    const b1 = stored({ keys: 'k', storeHost: '10.0.0.2:10911', commitLogOffset: 100, storeTimestamp: 20 });
    const merged = mergeQueryResults([[a1, a2, collision], [b1, a1]], (m) => matchesKey(m, 'T', 'k'));
    expect(merged).toEqual([a2, b1, a1]);
    expect(mergeQueryResults([[a1, a2], [b1]], () => true, 2)).toEqual([a2, b1]);
  });
});

describe('offset msgId fallback', () => {
  it('applies to 32 hex characters only', () => {
    expect(couldBeOffsetMessageId('0A00000100002A9F000000000001E240')).toBe(true);
    expect(couldBeOffsetMessageId('0A00000100002A9F000000000001E24')).toBe(false);
    expect(couldBeOffsetMessageId('0A00000100002A9F000000000001E24G')).toBe(false);
  });
});
