import fs from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { MessageConst, MessageSysFlag, createProperties, decodeStoredMessage, tagsCode, type MessageExt } from '@app/rocketmq/protocol';
import type { InternalMessage } from '../broker-context.js';
import { createDelayLevelHook } from './delay-hook.js';
import { DelayLevels, SCHEDULE_TOPIC, scheduleTagsCode } from './delay-levels.js';
import { delayOffsetPath } from './delay-offset-table.js';
import { ScheduleService } from './schedule-service.js';
import { createTestContext, removeTestDir, sleep, waitFor, type TestContext } from './test-context.js';
import { installDeliveryFeatures } from '../delivery-features.js';

const contexts: TestContext[] = [];
const services: ScheduleService[] = [];

async function open(dir?: string): Promise<TestContext> {
  const ctx = await createTestContext({ messageDelayLevel: '1s 2s' }, dir);
  contexts.push(ctx);
  installDeliveryFeatures(ctx);
  return ctx;
}

function service(ctx: TestContext): ScheduleService {
  const s = new ScheduleService(ctx, new DelayLevels(ctx.config.messageDelayLevel), { persistIntervalMs: 200 });
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

function message(topic: string, queueId: number, body: string, props: Record<string, string> = {}, sysFlag = 0): InternalMessage {
  return {
    topic,
    queueId,
    body: Buffer.from(body),
    properties: Object.assign(createProperties(), { TAGS: 'TagA', ...props }),
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

describe('delay-level put hook', () => {
  const hook = createDelayLevelHook(new DelayLevels('1s 2s 3s'));

  it('parks a DELAY message in SCHEDULE_TOPIC_XXXX queue level − 1 and keeps the real topic and queue', () => {
    const m = message('Orders', 3, 'x', { DELAY: '2' });
    m.tagsCode = 42;
    expect(hook(m)).toBeUndefined();
    expect(m.topic).toBe(SCHEDULE_TOPIC);
    expect(m.queueId).toBe(1);
    expect(m.properties[MessageConst.REAL_TOPIC]).toBe('Orders');
    expect(m.properties[MessageConst.REAL_QID]).toBe('3');
    expect(m.tagsCode).toBeUndefined();
  });

  it('clamps a level above the max to the max', () => {
    const m = message('Orders', 0, 'x', { DELAY: '99' });
    hook(m);
    expect(m.queueId).toBe(2);
    expect(m.properties[MessageConst.DELAY]).toBe('3');
  });

  it('leaves level 0, half messages and rolled-back messages alone', () => {
    for (const m of [
      message('Orders', 0, 'x', { DELAY: '0' }),
      message('Orders', 0, 'x', { DELAY: '1', TRAN_MSG: 'true' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE),
      message('Orders', 0, 'x', { DELAY: '1' }, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE),
    ]) {
      hook(m);
      expect(m.topic).toBe('Orders');
    }
  });

  it('delays committed transactional messages', () => {
    const m = message('Orders', 0, 'x', { DELAY: '1' }, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    hook(m);
    expect(m.topic).toBe(SCHEDULE_TOPIC);
  });

  it('gives the store the deliver time as the schedule queue tags code', () => {
    expect(scheduleTagsCode(SCHEDULE_TOPIC, 'DELAY\u00012\u0002', 1_000, new DelayLevels('1s 5s'))).toBe(6_000);
    expect(scheduleTagsCode('Orders', 'DELAY\u00012\u0002', 1_000)).toBeUndefined();
  });
});

describe('ScheduleService', () => {
  it('delivers each level when its delay has passed, restored to the real topic and queue', async () => {
    const ctx = await open();
    const s = service(ctx);
    s.start();
    const p1 = await ctx.putInternal(message('Orders', 1, 'one', { DELAY: '1', KEYS: 'k1' }));
    const p2 = await ctx.putInternal(message('Orders', 1, 'two', { DELAY: '2' }));
    expect(await ctx.store.lookup(SCHEDULE_TOPIC, 0, 0)).toMatchObject({ tagsCode: p1.storeTimestamp + 1000 });
    expect(ctx.store.maxOffset('Orders', 1)).toBe(0);

    await waitFor(() => ctx.store.maxOffset('Orders', 1) === 1, 3000);
    const firstAt = Date.now();
    expect(firstAt - p1.storeTimestamp).toBeGreaterThanOrEqual(1000);
    expect(firstAt - p1.storeTimestamp).toBeLessThan(1300);
    await waitFor(() => ctx.store.maxOffset('Orders', 1) === 2, 3000);
    const secondAt = Date.now();
    expect(secondAt - p2.storeTimestamp).toBeGreaterThanOrEqual(2000);
    expect(secondAt - p2.storeTimestamp).toBeLessThan(2300);

    const [one, two] = await messagesOf(ctx, 'Orders', 1);
    expect(one!.body.toString()).toBe('one');
    expect(two!.body.toString()).toBe('two');
    // as Apache 4.9.8 and 5.5.1 deliver them: DELAY, REAL_TOPIC and REAL_QID kept
    expect(one!.properties).toMatchObject({ [MessageConst.DELAY]: '1', [MessageConst.REAL_TOPIC]: 'Orders', [MessageConst.REAL_QID]: '1' });
    expect(one!.properties.KEYS).toBe('k1');
    expect(one!.bornHost).toBe('10.0.0.7:12345');
    expect((await ctx.store.lookup('Orders', 1, 0))!.tagsCode).toBe(tagsCode('TagA'));
    expect(s.offsets().get(1)).toBe(1);
    expect(s.offsets().get(2)).toBe(1);
  });

  it('keeps delay offsets across a restart: nothing lost, nothing delivered twice', async () => {
    const ctx = await open();
    const s = service(ctx);
    s.start();
    await ctx.putInternal(message('Orders', 0, 'a', { DELAY: '1' }));
    await ctx.putInternal(message('Orders', 0, 'b', { DELAY: '1' }));
    await waitFor(() => ctx.store.maxOffset('Orders', 0) === 2, 3000);
    await ctx.putInternal(message('Orders', 0, 'c', { DELAY: '2' }));
    await s.stop();
    const saved = fs.readFileSync(delayOffsetPath(ctx.dir), 'utf8');
    expect(saved).toContain('"offsetTable":{1:2,2:0}');
    await ctx.store.close();
    contexts.splice(contexts.indexOf(ctx), 1);

    const again = await open(ctx.dir);
    const s2 = service(again);
    s2.start();
    await waitFor(() => again.store.maxOffset('Orders', 0) === 3, 4000);
    await sleep(1300);
    const bodies = (await messagesOf(again, 'Orders', 0)).map((m) => m.body.toString());
    expect(bodies).toEqual(['a', 'b', 'c']);
  });

  it('discards a delayed message whose real topic is the half topic', async () => {
    const ctx = await open();
    const s = service(ctx);
    await ctx.putInternal(message(SCHEDULE_TOPIC, 0, 'x', { DELAY: '1', REAL_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC', REAL_QID: '0' }), { skipHooks: true });
    s.start();
    await waitFor(() => s.offsets().get(1) === 1, 3000);
    expect(ctx.store.maxOffset('RMQ_SYS_TRANS_HALF_TOPIC', 0)).toBe(0);
    expect(ctx.logger.has('error', 'RMQ_SYS_TRANS_HALF_TOPIC')).toBe(true);
  });
});
