/**
 * Crash safety of the embedded broker: under a send load the broker process is killed with SIGKILL;
 * after a restart on the same store every acknowledged message is consumable, none is stored twice,
 * and committed consumer offsets are back. SYNC_FLUSH acknowledges after fdatasync; ASYNC_FLUSH
 * acknowledges after the write to the OS, so a process crash loses nothing either (an OS crash or
 * power loss can lose up to flushIntervalCommitLog of acknowledged writes: `npm run bench:store`
 * measures that window).
 */
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/index.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { quiet, sleep, uniqueName, waitFor } from './support/embedded.js';

jest.setTimeout(120_000);

describe.each(['SYNC_FLUSH', 'ASYNC_FLUSH'] as const)('kill -9 of the broker process under %s', (flushDiskType) => {
  it('keeps every acknowledged message exactly once and restores committed offsets', async () => {
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'rmq-crash-'));
    const brokerConfig = { flushDiskType, flushConsumerOffsetInterval: 200 };
    const topic = uniqueName('CrashTopic');
    const group = uniqueName('crash_cg');
    try {
      const first = await EmbeddedRocketMQ.start({ inWorker: true, storeDir, brokerConfig });
      const producer = new Producer({ nameServer: first.nameServer, group: uniqueName('crash_pg'), logger: quiet, retryTimesWhenSendFailed: 0, sendTimeoutMs: 2000 });
      await producer.start();
      const acked: string[] = [];
      for (let i = 0; i < 20; i++) acked.push((await producer.send(new Message(topic, Buffer.from(`m${i}`)))).msgId);

      // A consumer commits its progress over the first 20 messages.
      const early = new Set<string>();
      const committer = new PushConsumer({ nameServer: first.nameServer, group, logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
        .subscribe(topic)
        .onMessage((m) => {
          early.add(m.msgId);
        });
      await committer.start();
      await waitFor(() => early.size === 20, 20_000, 'the first 20 messages');
      await committer.shutdown(); // commits its offsets to the broker
      await sleep(600); // longer than flushConsumerOffsetInterval: consumerOffset.json is written

      // Load: 16 senders that keep sending until the broker's death stops each of them.
      let failures = 0;
      const senders = Array.from({ length: 16 }, async (_, s) => {
        for (let i = 0; ; i++) {
          try {
            const result = await producer.send(new Message(topic, Buffer.from(`load-${s}-${i}`)));
            if (result.status === 'SEND_OK') acked.push(result.msgId);
          } catch {
            failures += 1;
            return;
          }
        }
      });
      await sleep(1500);
      process.kill(first.pid, 'SIGKILL');
      await Promise.all(senders);
      await producer.shutdown().catch(() => undefined);
      await first.stop().catch(() => undefined);
      if (process.env.ROCKETMQ_TEST_DEBUG) process.stderr.write(`crash test: ${acked.length} acknowledged, ${failures} senders cut off by the kill\n`);
      expect(acked.length).toBeGreaterThan(100);
      expect(failures).toBe(16); // every sender was sending when the broker died

      const second = await EmbeddedRocketMQ.start({ storeDir, brokerConfig, logger: quiet });
      try {
        const admin = new AdminClient({ nameServer: second.nameServer, logger: quiet });
        await admin.start();
        const progress = await admin.consumerProgress(group);
        expect(progress.totalConsumerOffset).toBe(20);
        await admin.shutdown();

        const counts = new Map<string, number>();
        const reader = new PushConsumer({ nameServer: second.nameServer, group: uniqueName('crash_reader'), logger: quiet, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
          .subscribe(topic)
          .onMessage((m) => {
            counts.set(m.msgId, (counts.get(m.msgId) ?? 0) + 1);
          });
        await reader.start();
        await waitFor(() => acked.every((id) => counts.has(id)), 30_000, `all ${acked.length} acknowledged messages after the restart`);
        await sleep(500);
        await reader.shutdown();
        const lost = acked.filter((id) => !counts.has(id));
        const duplicated = [...counts.values()].filter((n) => n > 1);
        expect(lost).toEqual([]);
        expect(duplicated).toEqual([]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
