/**
 * Index queries (QUERY_MESSAGE): the time window of a lookup by unique id, and merging the answers of
 * several brokers. The broker's index is a hash index, so answers can hold messages whose key only
 * collides with the one asked for; they are filtered out here, as Java's `MQAdminImpl.queryMessage` does.
 */
import type { MessageExt } from '../../protocol/message/message.js';
import { decodeUniqueIdTimestamp } from '../../protocol/message/message-id.js';

export interface QueryWindow {
  /** Store time lower bound, ms. */
  begin: number;
  /** Store time upper bound, ms. */
  end: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Java passes Long.MAX_VALUE; the largest exact JS integer is as good as unbounded. */
export const UNBOUNDED_END = Number.MAX_SAFE_INTEGER;

/**
 * Window for a lookup by unique id (`UNIQ_KEY`): from a day before the time encoded in the id (the
 * producer's local month start may differ from ours by a time zone, and clocks drift) to unbounded.
 * Ids that do not carry a time get Java's default window: the last three days.
 */
export function uniqueKeyWindow(uniqueId: string, now: number = Date.now()): QueryWindow {
  let sent: number;
  try {
    sent = decodeUniqueIdTimestamp(uniqueId, now);
  } catch {
    return { begin: now - 3 * DAY_MS, end: UNBOUNDED_END };
  }
  return { begin: Math.max(0, Math.min(sent, now) - DAY_MS), end: UNBOUNDED_END };
}

/** True when a message carries `key` among its KEYS and belongs to `topic`. */
export function matchesKey(message: MessageExt, topic: string, key: string): boolean {
  return message.topic === topic && message.keys.includes(key);
}

/** True when a message's unique id (UNIQ_KEY, else its offset id) is `uniqueId`. */
export function matchesUniqueKey(message: MessageExt, uniqueId: string): boolean {
  return message.msgId === uniqueId;
}

/**
 * Messages from several brokers' answers that satisfy `accept`, each stored message once (by store
 * host and commit-log offset), oldest first, at most `maxNum`.
 */
export function mergeQueryResults(answers: readonly (readonly MessageExt[])[], accept: (m: MessageExt) => boolean, maxNum = Infinity): MessageExt[] {
  const seen = new Set<string>();
  const out: MessageExt[] = [];
  for (const answer of answers) {
    for (const m of answer) {
      if (!accept(m)) continue;
      const id = `${m.storeHost}/${m.commitLogOffset}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(m);
    }
  }
  out.sort((a, b) => a.storeTimestamp - b.storeTimestamp || a.commitLogOffset - b.commitLogOffset);
  return out.slice(0, maxNum);
}

const HEX_32 = /^[0-9A-Fa-f]{32}$/;

/** An id that could be an IPv4 offset msgId (the fallback of a failed unique-id lookup). */
export function couldBeOffsetMessageId(id: string): boolean {
  return HEX_32.test(id);
}
