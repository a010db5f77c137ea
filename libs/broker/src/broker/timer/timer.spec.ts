import { afterEach, describe, expect, it } from '@jest/globals';
import { MessageConst, MessageSysFlag, ResponseCode, createProperties, decodeStoredMessage, type MessageExt } from '@app/rocketmq/protocol';
import type { InternalMessage } from '../broker-context.js';
import { defaultBrokerConfig } from '../broker-config.js';
import { installDeliveryFeatures } from '../delivery-features.js';
import { SCHEDULE_TOPIC } from '../schedule/delay-levels.js';
import { applyHooks, createTestContext, removeTestDir, sleep, waitFor, type TestContext } from '../schedule/test-context.js';
import { createTimerHook, timerOutMs } from './timer-hook.js';
import { TimerService } from './timer-service.js';
import { TIMER_TOPIC, timerDeleteKey } from './timer-topic.js';

const contexts: TestContext[] = [];
const services: TimerService[] = [];

async function open(dir?: string): Promise<TestContext> {
  const ctx = await createTestContext({ timerPrecisionMs: 100 }, dir);
  contexts.push(ctx);
  installDeliveryFeatures(ctx);
  return ctx;
}

function service(ctx: TestContext): TimerService {
  const s = new TimerService(ctx, { persistIntervalMs: 200 });
  services.push(s);
  return s;
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  const dirs = new Set<string>();
  for (const c of contexts.splice(0)) {
    await c.store.close();
    dirs.add(c.dir);
  }
  for (const d of dirs) removeTestDir(d);
});

function message(topic: string, body: string, props: Record<string, string> = {}, sysFlag = 0): InternalMessage {
  return {
    topic,
    queueId: 2,
    body: Buffer.from(body),
    properties: Object.assign(createProperties(), props),
    flag: 0,
    sysFlag,
    bornTimestamp: Date.now(),
    bornHost: '10.0.0.7:12345',
    reconsumeTimes: 0,
  };
}

async function messagesOf(ctx: TestContext, topic: string, queueId: number): Promise<MessageExt[]> {
  const got = await ctx.store.getMessages({ topic, queueId, offset: 0, maxCount: 100 });
  return got.records.map((r) => decodeStoredMessage(r));
}

describe('timer put hook', () => {
  const config = { ...defaultBrokerConfig(), timerPrecisionMs: 1000, timerMaxDelaySec: 60 };
  const now = () => 1_000_000_500;
  const hook = createTimerHook(config, now);

  it('parks a future TIMER_DELIVER_MS message in rmq_sys_wheel_timer with TIMER_OUT_MS rounded down', () => {
    const m = message('Orders', 'x', { TIMER_DELIVER_MS: '1000010500' });
    expect(hook(m)).toBeUndefined();
    expect(m.topic).toBe(TIMER_TOPIC);
    expect(m.queueId).toBe(0);
    expect(m.properties).toMatchObject({ TIMER_OUT_MS: '1000010000', REAL_TOPIC: 'Orders', REAL_QID: '2' });
  });

  it('rounds like Apache: an exact multiple of the precision goes one step earlier', () => {
    expect(timerOutMs(5500, 1000)).toBe(5000);
    expect(timerOutMs(5000, 1000)).toBe(4000);
  });

  it('reads TIMER_DELAY_SEC and TIMER_DELAY_MS relative to now', () => {
    const sec = message('Orders', 'x', { TIMER_DELAY_SEC: '3' });
    hook(sec);
    expect(sec.properties[MessageConst.TIMER_OUT_MS]).toBe(String(timerOutMs(1_000_003_500, 1000)));
    const ms = message('Orders', 'x', { TIMER_DELAY_MS: '1700' });
    hook(ms);
    expect(ms.properties[MessageConst.TIMER_OUT_MS]).toBe('1000002000');
  });

  it('refuses a delay beyond timerMaxDelaySec, or a malformed one, with MESSAGE_ILLEGAL', () => {
    const far = hook(message('Orders', 'x', { TIMER_DELAY_SEC: '61' }));
    expect(far).toEqual({ code: ResponseCode.MESSAGE_ILLEGAL, remark: expect.stringContaining('the max delay 60000ms') });
    expect(hook(message('Orders', 'x', { TIMER_DELIVER_MS: 'soon' }))).toMatchObject({ code: ResponseCode.MESSAGE_ILLEGAL });
  });

  it('stores a past deliver time as a plain message, but refuses a past cancel', () => {
    const past = message('Orders', 'x', { TIMER_DELIVER_MS: '1000000000' });
    expect(hook(past)).toBeUndefined();
    expect(past.topic).toBe('Orders');
    expect(hook(message('Orders', 'x', { TIMER_DELIVER_MS: '1000000000', TIMER_DEL_UNIQKEY: 'Orders+U' }))).toMatchObject({
      code: ResponseCode.MESSAGE_ILLEGAL,
    });
  });

  it('refuses timer messages with SYSTEM_ERROR when the timer wheel is disabled', () => {
    const off = createTimerHook({ ...config, timerWheelEnable: false }, now);
    expect(off(message('Orders', 'x', { TIMER_DELAY_SEC: '3' }))).toEqual({
      code: ResponseCode.SYSTEM_ERROR,
      remark: 'accurate timer message is not enabled, timerWheelEnable is false',
    });
    const plain = message('Orders', 'x');
    expect(off(plain)).toBeUndefined();
  });

  it('lets a DELAY level win: timer properties are dropped and the level applies', async () => {
    const ctx = await open();
    const m = message('Orders', 'x', { DELAY: '1', TIMER_DELAY_SEC: '5' });
    expect(applyHooks(ctx, m)).toBeUndefined();
    expect(m.topic).toBe(SCHEDULE_TOPIC);
    expect(m.properties[MessageConst.TIMER_DELAY_SEC]).toBeUndefined();
  });

  it('leaves half messages to the transaction hook', () => {
    const m = message('Orders', 'x', { TIMER_DELAY_SEC: '3', TRAN_MSG: 'true' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE);
    hook(m);
    expect(m.properties[MessageConst.TIMER_OUT_MS]).toBeUndefined();
  });
});

describe('TimerService', () => {
  it('delivers at TIMER_OUT_MS + precision, restored to the real topic', async () => {
    const ctx = await open();
    const s = service(ctx);
    s.start();
    const sentAt = Date.now();
    await ctx.putInternal(message('Orders', 'late', { TIMER_DELAY_MS: '900', KEYS: 'k' }));
    await ctx.putInternal(message('Orders', 'early', { TIMER_DELAY_MS: '400' }));
    expect(ctx.store.maxOffset(TIMER_TOPIC, 0)).toBe(2);
    await waitFor(() => ctx.store.maxOffset('Orders', 2) === 1, 3000);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(400);
    await waitFor(() => ctx.store.maxOffset('Orders', 2) === 2, 3000);
    const elapsed = Date.now() - sentAt;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1300);
    const [early, late] = await messagesOf(ctx, 'Orders', 2);
    expect(early!.body.toString()).toBe('early');
    expect(late!.body.toString()).toBe('late');
    // as Apache 5.5.1 delivers it: REAL_TOPIC / REAL_QID kept
    expect(late!.properties[MessageConst.REAL_TOPIC]).toBe('Orders');
    expect(late!.properties[MessageConst.REAL_QID]).toBe('2');
    expect(late!.properties[MessageConst.TIMER_OUT_MS]).toBeDefined();
    expect(Number(late!.properties[MessageConst.TIMER_DEQUEUE_MS])).toBeGreaterThanOrEqual(Number(late!.properties[MessageConst.TIMER_OUT_MS]));
    expect(late!.properties.KEYS).toBe('k');
    expect(s.pendingCount).toBe(0);
  });

  it('cancels a timer message with TIMER_DEL_UNIQKEY for the same deliver time', async () => {
    const ctx = await open();
    const s = service(ctx);
    s.start();
    const deliverMs = String(Date.now() + 600);
    await ctx.putInternal(message('Orders', 'cancelled', { TIMER_DELIVER_MS: deliverMs, UNIQ_KEY: 'U1' }));
    await ctx.putInternal(message('Orders', 'kept', { TIMER_DELIVER_MS: deliverMs, UNIQ_KEY: 'U2' }));
    await ctx.putInternal(message('Orders', '', { TIMER_DELIVER_MS: deliverMs, TIMER_DEL_UNIQKEY: timerDeleteKey('Orders', 'U1') }));
    await waitFor(() => ctx.store.maxOffset('Orders', 2) === 1, 3000);
    await sleep(300);
    expect((await messagesOf(ctx, 'Orders', 2)).map((m) => m.body.toString())).toEqual(['kept']);
    expect(s.pendingCount).toBe(0);
  });

  it('survives a clean restart without losing or repeating a message', async () => {
    const ctx = await open();
    const s = service(ctx);
    s.start();
    await ctx.putInternal(message('Orders', 'soon', { TIMER_DELAY_MS: '200' }));
    await ctx.putInternal(message('Orders', 'later', { TIMER_DELAY_MS: '1500' }));
    await waitFor(() => ctx.store.maxOffset('Orders', 2) === 1, 3000);
    await s.stop();
    await ctx.store.close();
    contexts.splice(contexts.indexOf(ctx), 1);

    const again = await open(ctx.dir);
    const s2 = service(again);
    s2.start();
    await waitFor(() => again.store.maxOffset('Orders', 2) === 2, 4000);
    await sleep(400);
    expect((await messagesOf(again, 'Orders', 2)).map((m) => m.body.toString())).toEqual(['soon', 'later']);
  });

  it('delivers messages read late (behind later deliveries) once, also across a restart', async () => {
    const ctx = await open();
    const s = service(ctx);
    // both are due before the service reads them: key order puts "b" (earlier deliver time) first
    await ctx.putInternal(message('Orders', 'a', { TIMER_DELAY_MS: '300' }));
    await ctx.putInternal(message('Orders', 'b', { TIMER_DELAY_MS: '150' }));
    await sleep(500);
    s.start();
    await waitFor(() => ctx.store.maxOffset('Orders', 2) === 2, 3000);
    await s.stop();
    await ctx.store.close();
    contexts.splice(contexts.indexOf(ctx), 1);
    const again = await open(ctx.dir);
    service(again).start();
    await sleep(500);
    expect((await messagesOf(again, 'Orders', 2)).map((m) => m.body.toString())).toEqual(['b', 'a']);
  });
});
