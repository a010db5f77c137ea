/** The 5.x timer topic and its properties (`TimerMessageStore`). */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';

/** `TimerMessageStore.buildDeleteKey`: what TIMER_DEL_UNIQKEY holds to cancel a timer message. */
export function timerDeleteKey(realTopic: string, uniqKey: string): string {
  return `${realTopic}+${uniqKey}`;
}
