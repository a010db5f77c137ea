/**
 * Self-test of the Apache RocketMQ interop harness (test/interop/support/apache-rocketmq.ts, java-client.ts):
 * for each version, a real name server + broker from the Maven Central jars, driven by the official mqadmin tool
 * and the official Java client. ACL and the 2 masters + 2 slaves topology are exercised with our client by
 * acl.interop-spec.ts and cluster-failover.interop-spec.ts.
 *
 * Versions: ROCKETMQ_HARNESS_VERSIONS (comma separated), else ROCKETMQ_VERSION (set by the interop project's
 * global setup, so that `npm run test:interop` checks the version under test only), else 5.5.1 and 4.9.8.
 * ROCKETMQ_INTEROP_VERBOSE=1 logs the harness progress and the processes' output.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startApacheRocketMQ, type RunningApacheCluster } from './support/apache-rocketmq.js';
import { javaSource, parseJsonLines, runJava, runJavaDetailed } from './support/java-client.js';
import { retryUntilStatsSampled } from './support/helpers.js';

const VERSIONS = (process.env.ROCKETMQ_HARNESS_VERSIONS ?? process.env.ROCKETMQ_VERSION ?? '5.5.1,4.9.8')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
const log = process.env.ROCKETMQ_INTEROP_VERBOSE
  ? (line: string): void => {
      process.stderr.write(`${line}\n`);
    }
  : undefined;

const START_TIMEOUT = 240_000;
const STOP_TIMEOUT = 60_000;
const producerConsumer = javaSource('JavaProducerConsumer.java');

interface SendLine {
  type: 'send';
  msgId: string;
  status: string;
  brokerName: string;
}
interface DoneLine {
  type: 'done';
  sent: number;
  received: number;
}
type Line = { type: string; [k: string]: unknown };

/** Asserts a successful mqadmin run, showing its output otherwise. */
function expectOk(r: { code: number; stdout: string; stderr: string }): void {
  if (r.code !== 0) throw new Error(`mqadmin exited with ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

function brokerRuntimeValue(stdout: string, key: string): number {
  // brokerStatus prints "key                 : value"
  const m = new RegExp(`^${key}\\s*:\\s*(-?\\d+)`, 'm').exec(stdout);
  return m ? Number(m[1]) : Number.NaN;
}

describe.each(VERSIONS)('Apache RocketMQ %s harness', (version) => {
  describe('one master', () => {
    let cluster: RunningApacheCluster;

    beforeAll(async () => {
      cluster = await startApacheRocketMQ({ version, log });
    }, START_TIMEOUT);

    afterAll(async () => {
      await cluster?.stop();
    }, STOP_TIMEOUT);

    it('runs on free loopback ports', () => {
      expect(cluster.namesrvAddr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(cluster.brokers).toHaveLength(1);
      expect(cluster.brokers[0]?.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(cluster.brokers[0]?.pid).toBeGreaterThan(0);
    });

    it('mqadmin clusterList shows the broker', async () => {
      const r = await retryUntilStatsSampled(() => cluster.mqadmin(['clusterList']));
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('DefaultCluster');
      expect(r.stdout).toContain('broker-a');
      expect(r.stdout).toContain(cluster.brokers[0]!.addr);
      // the broker reports the requested version (the version constant lives in rocketmq-common)
      expect(r.stdout).toContain(`V${version.replace(/\./g, '_')}`);
    }, 60_000);

    it('mqadmin updateTopic then topicRoute', async () => {
      const create = await cluster.mqadmin(['updateTopic', '-t', 'HarnessTopic', '-c', 'DefaultCluster', '-n', cluster.namesrvAddr]);
      expect(create.code).toBe(0);
      expect(create.stdout).toContain('success');
      const route = await cluster.mqadmin(['topicRoute', '-t', 'HarnessTopic']);
      expect(route.code).toBe(0);
      expect(route.stdout).toContain('"brokerName":"broker-a"');
      expect(route.stdout).toContain(cluster.brokers[0]!.addr);
      const missing = await cluster.mqadmin(['topicRoute', '-t', 'NoSuchHarnessTopic']);
      expect(missing.code).toBe(1);
    }, 60_000);

    it('the official Java client sends and consumes', async () => {
      const out = await runJava(version, producerConsumer, [cluster.namesrvAddr, 'HarnessTopic', '--count', '5'], { log });
      const lines = parseJsonLines<Line>(out);
      const sends = lines.filter((l): l is Line & SendLine => l.type === 'send');
      expect(sends).toHaveLength(5);
      for (const s of sends) {
        expect(s.status).toBe('SEND_OK');
        expect(s.brokerName).toBe('broker-a');
      }
      const done = lines.find((l): l is Line & DoneLine => l.type === 'done');
      expect(done).toMatchObject({ sent: 5, received: 5 });
      const received = new Set(lines.filter((l) => l.type === 'recv').map((l) => l['msgId']));
      for (const s of sends) expect(received.has(s.msgId)).toBe(true);
    }, 120_000);
  });
});
