/**
 * The put hook of 5.x timer messages (`HookUtils.checkIfTimerMessage` / `transformTimerMessage`): TIMER_DELIVER_MS,
 * TIMER_DELAY_SEC or TIMER_DELAY_MS on a non-transactional or committed message without a DELAY level. A deliver
 * time in the future (at most `timerMaxDelaySec` ahead) is rounded down to `timerPrecisionMs` and the message parked
 * in `rmq_sys_wheel_timer` queue 0 with TIMER_OUT_MS, REAL_TOPIC and REAL_QID; a past one is stored as is (delivered
 * now). With `timerWheelEnable` false, timer messages are refused with SYSTEM_ERROR as Apache does.
 */
import { MessageConst, ResponseCode } from '@app/rocketmq/protocol';
import type { BrokerConfig } from '../broker-config.js';
import type { PutHook } from '../broker-context.js';
import { delayLevelOf, isDeliverable } from '../schedule/delay-hook.js';
import { integerProperty } from '../schedule/stored-copy.js';
import { TIMER_TOPIC } from './timer-topic.js';

const TIMER_PROPERTIES = [MessageConst.TIMER_DELIVER_MS, MessageConst.TIMER_DELAY_SEC, MessageConst.TIMER_DELAY_MS] as const;

export function timerIllegalRemark(config: Pick<BrokerConfig, 'timerMaxDelaySec'>): string {
  return (
    `timer message illegal, the delay time should not be bigger than the max delay ${config.timerMaxDelaySec * 1000}ms; ` +
    'or if set del msg, the delay time should be bigger than the current time'
  );
}

/** TIMER_OUT_MS for a deliver time: rounded down to the precision, one step earlier on an exact multiple (Apache). */
export function timerOutMs(deliverMs: number, precisionMs: number): number {
  return deliverMs % precisionMs === 0 ? deliverMs - precisionMs : Math.floor(deliverMs / precisionMs) * precisionMs;
}

export function createTimerHook(
  config: Pick<BrokerConfig, 'timerWheelEnable' | 'timerMaxDelaySec' | 'timerPrecisionMs'>,
  now: () => number = Date.now,
): PutHook {
  return (message) => {
    if (!isDeliverable(message)) return;
    const props = message.properties;
    if (message.topic === TIMER_TOPIC || props[MessageConst.TIMER_OUT_MS] !== undefined) return;
    if (delayLevelOf(message) > 0) {
      // a delay level wins: the timer properties go
      for (const name of TIMER_PROPERTIES) delete props[name];
      return;
    }
    if (TIMER_PROPERTIES.every((name) => props[name] === undefined)) return;
    if (!config.timerWheelEnable) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: `accurate timer message is not enabled, timerWheelEnable is ${config.timerWheelEnable}` };
    }
    const illegal = { code: ResponseCode.MESSAGE_ILLEGAL, remark: timerIllegalRemark(config) };
    const current = now();
    let deliverMs: number | undefined;
    if (props[MessageConst.TIMER_DELAY_SEC] !== undefined) {
      const sec = integerProperty(props[MessageConst.TIMER_DELAY_SEC]);
      deliverMs = sec === undefined ? undefined : current + sec * 1000;
    } else if (props[MessageConst.TIMER_DELAY_MS] !== undefined) {
      const ms = integerProperty(props[MessageConst.TIMER_DELAY_MS]);
      deliverMs = ms === undefined ? undefined : current + ms;
    } else {
      deliverMs = integerProperty(props[MessageConst.TIMER_DELIVER_MS]);
    }
    if (deliverMs === undefined) return illegal;
    if (deliverMs > current) {
      if (deliverMs - current > config.timerMaxDelaySec * 1000) return illegal;
      props[MessageConst.TIMER_OUT_MS] = String(timerOutMs(deliverMs, config.timerPrecisionMs));
      props[MessageConst.REAL_TOPIC] = message.topic;
      props[MessageConst.REAL_QID] = String(message.queueId);
      message.topic = TIMER_TOPIC;
      message.queueId = 0;
    } else if (props[MessageConst.TIMER_DEL_UNIQKEY] !== undefined) {
      return illegal;
    }
  };
}
