/**
 * The put hook of delay levels (`HookUtils.transformDelayLevelMessage`): a message with DELAY = n > 0 (clamped to
 * the max level) is parked in SCHEDULE_TOPIC_XXXX queue n − 1 with REAL_TOPIC / REAL_QID, for non-transactional and
 * committed messages only. The timer hook runs first and drops timer properties when a level is set.
 */
import { MessageConst, MessageSysFlag } from '@app/rocketmq/protocol';
import type { InternalMessage, PutHook } from '../broker-context.js';
import { isHalfMessage, TRANS_HALF_TOPIC } from '../transaction/transaction-topics.js';
import { TIMER_TOPIC } from '../timer/timer-topic.js';
import { SCHEDULE_TOPIC, queueIdOfLevel, type DelayLevels } from './delay-levels.js';
import { integerProperty } from './stored-copy.js';

/** NOT_TYPE and COMMIT messages may be delayed; prepared and rolled-back ones never are. */
export function isDeliverable(message: InternalMessage): boolean {
  const tx = message.sysFlag & MessageSysFlag.TRANSACTION_MASK;
  return (tx === MessageSysFlag.TRANSACTION_NOT_TYPE || tx === MessageSysFlag.TRANSACTION_COMMIT_TYPE) && !isHalfMessage(message);
}

/** Topics whose messages were already rerouted by a hook. */
export function isRerouted(topic: string): boolean {
  return topic === SCHEDULE_TOPIC || topic === TIMER_TOPIC || topic === TRANS_HALF_TOPIC;
}

/** DELAY as a level, 0 when absent or not a positive integer. */
export function delayLevelOf(message: InternalMessage): number {
  const level = integerProperty(message.properties[MessageConst.DELAY]);
  return level !== undefined && level > 0 ? level : 0;
}

export function createDelayLevelHook(levels: DelayLevels): PutHook {
  return (message) => {
    if (!isDeliverable(message) || isRerouted(message.topic)) return;
    let level = delayLevelOf(message);
    if (level === 0) return;
    if (level > levels.maxLevel) {
      level = levels.maxLevel;
      message.properties[MessageConst.DELAY] = String(level);
    }
    message.properties[MessageConst.REAL_TOPIC] = message.topic;
    message.properties[MessageConst.REAL_QID] = String(message.queueId);
    message.topic = SCHEDULE_TOPIC;
    message.queueId = queueIdOfLevel(level);
    // the store computes the deliver time (computeTagsCode) once it knows the store timestamp
    delete message.tagsCode;
  };
}
