/**
 * The delivery features the broker adds on top of plain send and pull: delay levels, 5.x timer messages,
 * transactional messages and request-reply. `Broker` calls `installDeliveryFeatures(ctx)` once while it assembles
 * itself: the put hooks and processors are registered on the context, the services come back for the broker to
 * start after the store is open and stop before it closes.
 *
 * The store must compute SCHEDULE_TOPIC_XXXX tags codes as deliver times: open it with
 * `computeTagsCode: createScheduleTagsCode(config.messageDelayLevel)`.
 */
import { RequestCode } from '@app/rocketmq/protocol';
import type { BrokerContext, BrokerService } from './broker-context.js';
import { createReplyMessageProcessor } from './reply/reply-message-processor.js';
import { createDelayLevelHook } from './schedule/delay-hook.js';
import { DelayLevels } from './schedule/delay-levels.js';
import { ScheduleService } from './schedule/schedule-service.js';
import { createTimerHook } from './timer/timer-hook.js';
import { TimerService } from './timer/timer-service.js';
import { createEndTransactionProcessor } from './transaction/end-transaction-processor.js';
import { createHalfMessageHook } from './transaction/half-message-hook.js';
import { TransactionCheckService } from './transaction/transaction-check-service.js';
import { TransactionState } from './transaction/transaction-state.js';

export { createScheduleTagsCode, scheduleTagsCode, SCHEDULE_TOPIC } from './schedule/delay-levels.js';
export { TIMER_TOPIC } from './timer/timer-topic.js';
export { TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from './transaction/transaction-topics.js';

const installed = new WeakSet<BrokerContext>();

/** Registers the hooks and processors on `ctx` and returns the services; a second call for the same context does nothing. */
export function installDeliveryFeatures(ctx: BrokerContext): BrokerService[] {
  if (installed.has(ctx)) return [];
  installed.add(ctx);
  const levels = new DelayLevels(ctx.config.messageDelayLevel);
  // order matters: a timer message with a DELAY level becomes a delay-level message; half messages are left alone
  // by both and rerouted last
  ctx.addPutHook(createTimerHook(ctx.config));
  ctx.addPutHook(createDelayLevelHook(levels));
  ctx.addPutHook(createHalfMessageHook(ctx.config));

  const transactions = new TransactionState(ctx);
  ctx.registerProcessor(RequestCode.END_TRANSACTION, createEndTransactionProcessor(ctx, transactions));
  const reply = createReplyMessageProcessor(ctx);
  ctx.registerProcessor(RequestCode.SEND_REPLY_MESSAGE, reply);
  ctx.registerProcessor(RequestCode.SEND_REPLY_MESSAGE_V2, reply);

  const services: BrokerService[] = [new ScheduleService(ctx, levels)];
  if (ctx.config.timerWheelEnable) services.push(new TimerService(ctx));
  services.push(new TransactionCheckService(ctx, transactions));
  return services;
}
