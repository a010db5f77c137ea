/**
 * Delay levels (`messageDelayLevel`, `ScheduleMessageService.parseDelayLevel`): level n (1-based) waits the n-th
 * duration, and is parked in queue n − 1 of SCHEDULE_TOPIC_XXXX. That queue's consume-queue tags code holds the
 * deliver time (store time + level delay), as Apache writes it, so the schedule service reads due times from the
 * consume queue alone.
 */
import { MessageConst } from '@app/rocketmq/protocol';
import { DEFAULT_MESSAGE_DELAY_LEVEL, parseDelayLevels } from '../broker-config.js';
import { findProperty } from '../../store/property-lookup.js';

import { SCHEDULE_TOPIC } from '../metadata/system-topics.js';

export { SCHEDULE_TOPIC };

/** The delay of each level, from a `messageDelayLevel` string. */
export class DelayLevels {
  /** Milliseconds per level; index 0 = level 1. */
  readonly delaysMs: readonly number[];

  constructor(messageDelayLevel: string = DEFAULT_MESSAGE_DELAY_LEVEL) {
    this.delaysMs = parseDelayLevels(messageDelayLevel);
  }

  get maxLevel(): number {
    return this.delaysMs.length;
  }

  /** Delay of a level (1-based); levels above the max are clamped to it. */
  delayOf(level: number): number {
    const clamped = Math.min(Math.max(level, 1), this.maxLevel);
    return this.delaysMs[clamped - 1]!;
  }

  /** `ScheduleMessageService.computeDeliverTimestamp`: store time + level delay (+1 s for an unknown level). */
  deliverTimestamp(level: number, storeTimestamp: number): number {
    if (!Number.isInteger(level) || level < 1 || level > this.maxLevel) return storeTimestamp + 1000;
    return storeTimestamp + this.delaysMs[level - 1]!;
  }
}

export function queueIdOfLevel(level: number): number {
  return level - 1;
}

export function levelOfQueueId(queueId: number): number {
  return queueId + 1;
}

const DEFAULT_LEVELS = new DelayLevels();

/**
 * Consume-queue tags code for the message store's `computeTagsCode` option: for SCHEDULE_TOPIC_XXXX the deliver
 * timestamp (store time + the delay of the message's DELAY level), for every other topic undefined (the default,
 * the hash of TAGS). `levels` defaults to Apache's 18 levels; use {@link createScheduleTagsCode} with the broker's
 * `messageDelayLevel`.
 */
export function scheduleTagsCode(topic: string, properties: string, storeTimestamp: number, levels: DelayLevels = DEFAULT_LEVELS): number | undefined {
  if (topic !== SCHEDULE_TOPIC) return undefined;
  const level = Number(findProperty(properties, MessageConst.DELAY));
  return levels.deliverTimestamp(level, storeTimestamp);
}

/** `computeTagsCode` for a broker's `messageDelayLevel` (what `Broker` passes to `MessageStore.open`). */
export function createScheduleTagsCode(
  messageDelayLevel: string | DelayLevels,
): (topic: string, properties: string, storeTimestamp: number) => number | undefined {
  const levels = typeof messageDelayLevel === 'string' ? new DelayLevels(messageDelayLevel) : messageDelayLevel;
  return (topic, properties, storeTimestamp) => scheduleTagsCode(topic, properties, storeTimestamp, levels);
}

/** Tags codes above this are deliver timestamps (ms since 1970 > 2^31); below, a TAGS hash left by an unwired store. */
export const MIN_TIMESTAMP_TAGS_CODE = 0x8000_0000;
