/**
 * The official Java client (rocketmq-client 5.5.x and 4.9.8, remoting) against EmbeddedRocketMQ, feature by feature:
 * sync / async / one-way / batch / ordered / delay (levels and a timer delay) / transactional sends; clustering push
 * consumption (queues split between two members, offsets resumed after a restart) and broadcasting; tag and SQL92
 * filters; retry then DLQ (concurrent and orderly listeners); request-reply. Each test runs one scenario of
 * test/interop/java/src/JavaFeatureScenarios.java in its own JVM and asserts exact outcomes from the JSON lines it
 * prints. The version under test is targetVersion() (the interop suite runs once per Apache version); the broker
 * runs short delay levels and a 1 s transaction check so that the whole file takes about a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { javaSource, parseJsonLines, runJava } from './support/java-client.js';
import { targetVersion, uniqueName } from './support/target.js';

/** Level 1 = 1 s, level 2 = 3 s; the levels retries use (3 + reconsumeTimes) are 1 s so retry-then-DLQ is quick. */
const DELAY_LEVELS = ['1s', '3s', ...Array.from({ length: 16 }, () => '1s')];
const DELAY_MS = [0, 1000, 3000];
const TIMER_PRECISION_MS = 1000;

interface Line {
  type: string;
  [field: string]: unknown;
}
interface SendLine extends Line {
  type: 'send';
  mode: string;
  i: number;
  msgId: string;
  status?: string;
  queueId?: number;
  queueOffset?: number;
}
interface RecvLine extends Line {
  type: 'recv' | 'attempt';
  consumer: string;
  msgId: string;
  topic: string;
  tags: string;
  body: string;
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  bornTs: number;
  recvTs: number;
  props: Record<string, string>;
}

class ScenarioOutput {
  constructor(readonly lines: Line[]) {}

  of<T extends Line>(type: T['type']): T[] {
    return this.lines.filter((l): l is T => l.type === type);
  }

  get sends(): SendLine[] {
    return this.of<SendLine>('send');
  }

  /** recv lines, optionally of one consumer, in the order the consumer(s) got them. */
  received(consumer?: string): RecvLine[] {
    return this.of<RecvLine>('recv').filter((r) => consumer === undefined || r.consumer === consumer);
  }

  get done(): Line | undefined {
    return this.lines.find((l) => l.type === 'done');
  }
}

const sorted = (ids: Iterable<string>): string[] => [...ids].sort();

describe.each([targetVersion()])('official Java client %s against EmbeddedRocketMQ: features', (version) => {
  let mq: RunningEmbeddedRocketMQ;

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start({
      brokerConfig: {
        transactionCheckInterval: 1000,
        transactionTimeOut: 1000,
        messageDelayLevel: DELAY_LEVELS.join(' '),
        enablePropertyFilter: true,
      },
    });
  });
  afterAll(async () => {
    await mq?.stop();
  });

  async function scenario(name: string, topic: string, args: string[] = []): Promise<ScenarioOutput> {
    const stdout = await runJava(version, javaSource('JavaFeatureScenarios.java'), [mq.nameServer, name, topic, '--timeout', '60000', ...args], {
      timeoutMs: 100_000,
      // A consumer only picks up a topic that appeared after its start (the group's %RETRY% topic, created by its
      // first heartbeat) at its next rebalance: every 20 s by default, 1 s here.
      jvmArgs: ['-Drocketmq.client.rebalance.waitInterval=1000'],
    });
    const out = new ScenarioOutput(parseJsonLines<Line>(stdout));
    const errors = out.lines.filter((l) => /Error$/.test(l.type));
    expect(errors).toEqual([]);
    return out;
  }

  describe('send modes and clustering consumption', () => {
    it('delivers sync, async, one-way and batch messages exactly once each to a push consumer', async () => {
      const topic = uniqueName('JavaSendModes');
      const out = await scenario('send-modes', topic, ['--count', '5']);
      const sends = out.sends;
      for (const mode of ['sync', 'async', 'oneway', 'batch']) {
        expect(sends.filter((s) => s.mode === mode).map((s) => s.i).sort()).toEqual([0, 1, 2, 3, 4]);
      }
      expect(sends.filter((s) => s.mode !== 'oneway').every((s) => s.status === 'SEND_OK')).toBe(true);
      expect(new Set(sends.map((s) => s.msgId)).size).toBe(20);

      const recvs = out.received('c');
      expect(sorted(recvs.map((r) => r.msgId))).toEqual(sorted(sends.map((s) => s.msgId)));
      const byId = new Map(recvs.map((r) => [r.msgId, r]));
      for (const s of sends) {
        const r = byId.get(s.msgId)!;
        expect(r.body).toBe(`${s.mode}-${s.i}`);
        expect(r.topic).toBe(topic);
        expect(r.reconsumeTimes).toBe(0);
      }
      // a batch is stored as consecutive messages of one queue, each with its own msgId (= the id the client stamped)
      const batch = sends.filter((s) => s.mode === 'batch').sort((a, b) => a.i - b.i);
      for (const s of batch) {
        expect(s.uniqId).toBe(s.msgId);
        const r = byId.get(s.msgId)!;
        expect(r.tags).toBe('TagBatch');
        expect(r.queueId).toBe(batch[0]!.queueId);
        expect(r.queueOffset).toBe(batch[0]!.queueOffset! + s.i);
      }
      expect(out.done).toMatchObject({ expected: 20, received: 20 });
    }, 120_000);
  });

  describe('ordered messages', () => {
    it('keeps the send order per sharding key with a MessageQueueSelector and MessageListenerOrderly', async () => {
      const keys = 4;
      const perKey = 10;
      const out = await scenario('ordered', uniqueName('JavaOrdered'), ['--count', String(perKey), '--keys', String(keys)]);
      expect(out.sends).toHaveLength(keys * perKey);
      expect(out.sends.every((s) => s.status === 'SEND_OK')).toBe(true);
      const recvs = out.received('c');
      expect(sorted(recvs.map((r) => r.msgId))).toEqual(sorted(out.sends.map((s) => s.msgId)));
      for (let k = 0; k < keys; k++) {
        const key = `key-${k}`;
        const sent = out.sends.filter((s) => s.key === key);
        expect(new Set(sent.map((s) => s.queueId)).size).toBe(1);
        const consumed = recvs.filter((r) => r.props['orderKey'] === key);
        expect(consumed.map((r) => Number(r.props['seq']))).toEqual(Array.from({ length: perKey }, (_, i) => i));
        expect(consumed.every((r) => r.queueId === sent[0]!.queueId)).toBe(true);
      }
    }, 120_000);
  });

  describe('delayed messages', () => {
    it('delivers messages with delay levels 1 and 2 (and a timer delay) no earlier than their delay, others at once', async () => {
      const topic = uniqueName('JavaDelay');
      const timerMs = 2000;
      const out = await scenario('delay', topic, ['--count', '3', '--level', '1', '--level', '2', '--timer-ms', String(timerMs)]);
      expect(out.sends).toHaveLength(12);
      const recvs = out.received('c');
      expect(sorted(recvs.map((r) => r.msgId))).toEqual(sorted(out.sends.map((s) => s.msgId)));
      for (const r of recvs) {
        expect(r.topic).toBe(topic);
        // as Apache 4.9 and 5.x deliver it (delay.interop-spec checks both): the copy still carries its delay level,
        // serialised before ScheduleMessageService clears it
        const level = r.props['timerMs'] === undefined ? Number(r.props['level'] ?? 0) : 0;
        expect(r.props['DELAY']).toBe(level > 0 ? String(level) : undefined);
        if (r.props['timerMs'] !== undefined) {
          // like Apache's timer, the delivery time is rounded down to timerPrecisionMs (1 s by default)
          expect(r.recvTs - r.bornTs).toBeGreaterThanOrEqual(timerMs - TIMER_PRECISION_MS);
        } else {
          expect(r.recvTs - r.bornTs).toBeGreaterThanOrEqual(DELAY_MS[Number(r.props['level'])]!);
        }
      }
    }, 120_000);
  });

  describe('transactional messages', () => {
    it('delivers committed and checked-back-committed messages, never rolled-back or checked-back-rolled-back ones', async () => {
      const out = await scenario('transaction', uniqueName('JavaTx'), ['--count', '3']);
      const idsOf = (action: string): string[] => out.sends.filter((s) => s.action === action).map((s) => s.msgId);
      const localState: Record<string, string> = {
        COMMIT: 'COMMIT_MESSAGE',
        ROLLBACK: 'ROLLBACK_MESSAGE',
        UNKNOWN: 'UNKNOW',
        UNKNOWN_ROLLBACK: 'UNKNOW',
      };
      expect(out.sends).toHaveLength(12);
      expect(out.sends.every((s) => s.status === 'SEND_OK' && s.state === localState[s.action as string])).toBe(true);
      // the broker asks back about the undecided ones only (each at least once)
      const checked = new Set(out.of('check').map((c) => c.msgId as string));
      expect(sorted(checked)).toEqual(sorted([...idsOf('UNKNOWN'), ...idsOf('UNKNOWN_ROLLBACK')]));
      const recvs = out.received('c');
      expect(sorted(recvs.map((r) => r.msgId))).toEqual(sorted([...idsOf('COMMIT'), ...idsOf('UNKNOWN')]));
      expect(recvs.every((r) => /^tx-(COMMIT|UNKNOWN)-\d+$/.test(r.body))).toBe(true);
    }, 120_000);
  });

  describe('clustering consumption', () => {
    it('splits the queues between two consumers of one group; every message is consumed once in all', async () => {
      const out = await scenario('clustering', uniqueName('JavaClustering'), ['--count', '16']);
      const sent = sorted(out.sends.map((s) => s.msgId));
      expect(sent).toHaveLength(16);
      const c1 = out.received('c1');
      const c2 = out.received('c2');
      expect(sorted([...c1, ...c2].map((r) => r.msgId))).toEqual(sent);
      expect(c1.length).toBeGreaterThan(0);
      expect(c2.length).toBeGreaterThan(0);
      const queuesOf1 = new Set(c1.map((r) => r.queueId));
      expect(c2.some((r) => queuesOf1.has(r.queueId))).toBe(false);
    }, 120_000);

    it('resumes a restarted group from the offsets it committed: nothing consumed before is delivered again', async () => {
      const topic = uniqueName('JavaResume');
      const group = uniqueName('JavaResumeCG');
      const first = await scenario('resume', topic, ['--group', group, '--phase', 'first', '--count', '6']);
      expect(sorted(first.received('c').map((r) => r.msgId))).toEqual(sorted(first.sends.map((s) => s.msgId)));
      const second = await scenario('resume', topic, ['--group', group, '--phase', 'second', '--count', '6']);
      expect(second.sends).toHaveLength(6);
      expect(sorted(second.received('c').map((r) => r.msgId))).toEqual(sorted(second.sends.map((s) => s.msgId)));
    }, 180_000);
  });

  describe('broadcasting consumption', () => {
    it('gives every message to each of two consumers of one BROADCASTING group', async () => {
      const out = await scenario('broadcast', uniqueName('JavaBroadcast'), ['--count', '6']);
      const sent = sorted(out.sends.map((s) => s.msgId));
      expect(sent).toHaveLength(6);
      expect(sorted(out.received('c1').map((r) => r.msgId))).toEqual(sent);
      expect(sorted(out.received('c2').map((r) => r.msgId))).toEqual(sent);
    }, 120_000);
  });

  describe('filters', () => {
    it('delivers exactly the messages matching a tag expression "TagA || TagB"', async () => {
      const out = await scenario('tag-filter', uniqueName('JavaTagFilter'), ['--count', '9']);
      const matching = out.sends.filter((s) => s.tags !== 'TagC');
      expect(matching).toHaveLength(6);
      const recvs = out.received('c');
      expect(sorted(recvs.map((r) => r.msgId))).toEqual(sorted(matching.map((s) => s.msgId)));
      expect(recvs.every((r) => r.tags === 'TagA' || r.tags === 'TagB')).toBe(true);
    }, 120_000);

    it('delivers exactly the messages matching SQL92 expressions (MessageSelector.bySql)', async () => {
      // message i has a = i and color = red for even i, blue for odd i
      const expressions: [string, number[]][] = [
        ['a > 5', [6, 7, 8, 9]],
        ["color = 'red' AND a BETWEEN 2 AND 7", [2, 4, 6]],
        ["TAGS = 'TagS' AND (a < 2 OR (a = 5 AND color IN ('green', 'blue')))", [0, 1, 5]],
      ];
      const args = ['--count', '10', ...expressions.flatMap(([sql, want]) => ['--sql', sql, '--expect', String(want.length)])];
      const out = await scenario('sql-filter', uniqueName('JavaSqlFilter'), args);
      expect(out.sends).toHaveLength(10);
      const idOfA = new Map(out.sends.map((s) => [s.a as number, s.msgId]));
      expressions.forEach(([, want], k) => {
        const got = out.received(`sql${k}`);
        expect(sorted(got.map((r) => r.msgId))).toEqual(sorted(want.map((a) => idOfA.get(a)!)));
      });
    }, 120_000);
  });

  describe('retry then dead-letter queue', () => {
    it('redelivers with increasing reconsumeTimes after the retry delay, then moves the message to %DLQ%group', async () => {
      const maxReconsume = 2;
      const topic = uniqueName('JavaRetry');
      const out = await scenario('retry-dlq', topic, ['--count', '2', '--max-reconsume', String(maxReconsume)]);
      const group = out.done?.['group'] as string;
      const attempts = out.of<RecvLine>('attempt');
      expect(out.sends).toHaveLength(2);
      for (const s of out.sends) {
        const mine = attempts.filter((a) => a.msgId === s.msgId);
        expect(mine.map((a) => a.reconsumeTimes)).toEqual([0, 1, 2]);
        expect(mine.every((a) => a.topic === topic && a.body === `retry-${s.i}`)).toBe(true);
        // retries use delay level 3 + reconsumeTimes (1 s here), counted from the failed attempt
        for (let k = 1; k < mine.length; k++) expect(mine[k]!.recvTs - mine[k - 1]!.recvTs).toBeGreaterThanOrEqual(1000);
      }
      const dead = out.received('dlq');
      expect(sorted(dead.map((d) => d.msgId))).toEqual(sorted(out.sends.map((s) => s.msgId)));
      expect(dead.every((d) => d.topic === `%DLQ%${group}` && d.body.startsWith('retry-'))).toBe(true);
    }, 120_000);

    it('retries an orderly consumer in place, then sends the message to %DLQ%group without blocking the queue', async () => {
      const topic = uniqueName('JavaOrderedRetry');
      const out = await scenario('ordered-dlq', topic, ['--count', '2', '--max-reconsume', '2']);
      const group = out.done?.['group'] as string;
      const attempts = out.of<RecvLine>('attempt');
      const sends = [...out.sends].sort((a, b) => a.i - b.i);
      expect(sends).toHaveLength(2);
      // one queue, in order: every attempt at the first message comes before any attempt at the second
      expect(attempts.map((a) => [a.body, a.reconsumeTimes])).toEqual([
        ['ordered-retry-0', 0],
        ['ordered-retry-0', 1],
        ['ordered-retry-0', 2],
        ['ordered-retry-1', 0],
        ['ordered-retry-1', 1],
        ['ordered-retry-1', 2],
      ]);
      const dead = out.received('dlq');
      expect(sorted(dead.map((d) => d.msgId))).toEqual(sorted(sends.map((s) => s.msgId)));
      expect(dead.every((d) => d.topic === `%DLQ%${group}` && d.props['RETRY_TOPIC'] === topic)).toBe(true);
    }, 120_000);
  });

  describe('request-reply', () => {
    it('answers DefaultMQProducer.request (blocking and with a callback) through MessageUtil.createReplyMessage', async () => {
      const count = 3;
      const out = await scenario('request-reply', uniqueName('JavaRequest'), ['--count', String(count)]);
      const replies = out.of('reply');
      for (const mode of ['sync', 'callback']) {
        const mine = replies.filter((r) => r.mode === mode);
        expect(mine.map((r) => r.i).sort()).toEqual([0, 1, 2]);
        for (const r of mine) {
          expect(r.body).toBe(`reply-to-${r.requestBody as string}`);
          expect(r.correlationId).toBe(r.requestCorrelationId);
          expect(r.replyTopic).toBe('DefaultCluster_REPLY_TOPIC');
        }
      }
      const served = out.of('served');
      expect(served).toHaveLength(2 * count);
      expect(served.every((s) => s.status === 'SEND_OK')).toBe(true);
      expect(out.done).toMatchObject({ expected: 2 * count, answered: 2 * count });
    }, 120_000);
  });
});
