/**
 * Self-test of the Apache RocketMQ interop harness (test/interop/support/apache-rocketmq.ts, java-client.ts):
 * for each version, a real name server + broker from the Maven Central jars, driven by the official mqadmin tool
 * and the official Java client; plus ACL and a 2 masters + 2 slaves topology.
 *
 * Versions: ROCKETMQ_HARNESS_VERSIONS (comma separated), else ROCKETMQ_VERSION (set by the interop project's
 * global setup, so that `npm run test:interop` checks the version under test only), else 5.5.1 and 4.9.8.
 * The ACL and 2 masters + 2 slaves blocks (about a minute more per version) run when this file is run on its own
 * (test/interop/jest.harness.config.js), but not inside `npm run test:interop` (detected by the ROCKETMQ_NAMESRV its
 * global setup exports), unless ROCKETMQ_HARNESS_FULL=1; ROCKETMQ_HARNESS_SKIP_TOPOLOGY=1 always skips them.
 * ROCKETMQ_INTEROP_VERBOSE=1 logs the harness progress and the processes' output.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { startApacheRocketMQ, type RunningApacheCluster } from './support/apache-rocketmq.js';
import { javaSource, parseJsonLines, runJava, runJavaDetailed } from './support/java-client.js';

const VERSIONS = (process.env.ROCKETMQ_HARNESS_VERSIONS ?? process.env.ROCKETMQ_VERSION ?? '5.5.1,4.9.8')
  .split(',')
  .map((v) => v.trim())
  .filter(Boolean);
const FULL =
  process.env.ROCKETMQ_HARNESS_SKIP_TOPOLOGY !== '1' &&
  (process.env.ROCKETMQ_HARNESS_FULL === '1' || !process.env.ROCKETMQ_NAMESRV);
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
      const r = await cluster.mqadmin(['clusterList']);
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

  (FULL ? describe : describe.skip)('ACL', () => {
    let cluster: RunningApacheCluster;
    const user = { accessKey: 'harnessUser', secretKey: 'harnessUserSecret' };
    const adminAccount = { accessKey: 'harnessAdmin', secretKey: 'harnessAdminSecret', admin: true };

    beforeAll(async () => {
      cluster = await startApacheRocketMQ({ version, log, aclEnable: true, aclAccounts: [user, adminAccount] });
    }, START_TIMEOUT);

    afterAll(async () => {
      await cluster?.stop();
    }, STOP_TIMEOUT);

    it('mqadmin signs with the admin account (conf/tools.yml)', async () => {
      expect(cluster.adminCredentials).toEqual({ accessKey: 'harnessAdmin', secretKey: 'harnessAdminSecret' });
      const r = await cluster.mqadmin(['updateTopic', '-t', 'AclTopic', '-c', 'DefaultCluster']);
      expectOk(r);
      expect(r.stdout).toContain('success');
    }, 60_000);

    it('accepts requests signed by a normal account (PUB|SUB by default)', async () => {
      const out = await runJava(
        version,
        producerConsumer,
        [cluster.namesrvAddr, 'AclTopic', '--count', '3', '--ak', user.accessKey, '--sk', user.secretKey],
        { log },
      );
      expect(parseJsonLines<Line>(out).find((l) => l.type === 'done')).toMatchObject({ sent: 3, received: 3 });
    }, 120_000);

    it('refuses an unsigned request', async () => {
      const r = await runJavaDetailed(version, producerConsumer, [cluster.namesrvAddr, 'AclTopic', '--count', '1', '--no-consume'], {
        log,
        okExitCodes: [2],
      });
      expect(r.code).toBe(2);
      const err = parseJsonLines<Line>(r.stdout).find((l) => l.type === 'sendError');
      expect(String(err?.['error'])).toMatch(version.startsWith('4.') ? /No accessKey is configured/ : /username cannot be null/);
    }, 120_000);

    it('refuses a request signed with a wrong secret', async () => {
      const r = await runJavaDetailed(
        version,
        producerConsumer,
        [cluster.namesrvAddr, 'AclTopic', '--count', '1', '--no-consume', '--ak', user.accessKey, '--sk', 'wrongSecret123'],
        { log, okExitCodes: [2] },
      );
      expect(r.code).toBe(2);
      const err = parseJsonLines<Line>(r.stdout).find((l) => l.type === 'sendError');
      expect(String(err?.['error'])).toMatch(/[Ss]ignature failed|check signature/);
    }, 120_000);
  });

  (FULL ? describe : describe.skip)('2 masters + 2 slaves', () => {
    let cluster: RunningApacheCluster;

    beforeAll(async () => {
      cluster = await startApacheRocketMQ({
        version,
        log,
        brokers: [
          { brokerName: 'broker-a' },
          { brokerName: 'broker-a', brokerId: 1 },
          { brokerName: 'broker-b' },
          { brokerName: 'broker-b', brokerId: 1 },
        ],
      });
    }, START_TIMEOUT);

    afterAll(async () => {
      await cluster?.stop();
    }, STOP_TIMEOUT);

    it('registers all four brokers', async () => {
      const r = await cluster.mqadmin(['clusterList']);
      expect(r.code).toBe(0);
      for (const b of cluster.brokers) expect(r.stdout).toContain(b.addr);
      expect(r.stdout.match(/broker-a/g)).toHaveLength(2);
      expect(r.stdout.match(/broker-b/g)).toHaveLength(2);
    }, 60_000);

    it('slaves replicate the commit log of their master (HA)', async () => {
      await cluster.mqadmin(['updateTopic', '-t', 'HaTopic', '-c', 'DefaultCluster']);
      const out = await runJava(version, producerConsumer, [cluster.namesrvAddr, 'HaTopic', '--count', '16', '--no-consume'], { log });
      const sends = parseJsonLines<Line>(out).filter((l): l is Line & SendLine => l.type === 'send');
      expect(sends).toHaveLength(16); // 16 = both masters' 8 write queues: round-robin covers both brokers
      expect(new Set(sends.map((s) => s.brokerName))).toEqual(new Set(['broker-a', 'broker-b']));

      for (const name of ['broker-a', 'broker-b']) {
        const master = cluster.brokers.find((b) => b.brokerName === name && b.brokerId === 0)!;
        const slave = cluster.brokers.find((b) => b.brokerName === name && b.brokerId === 1)!;
        const masterStatus = await cluster.mqadmin(['brokerStatus', '-b', master.addr]);
        const masterOffset = brokerRuntimeValue(masterStatus.stdout, 'commitLogMaxOffset');
        expect(masterOffset).toBeGreaterThan(0);
        let slaveOffset = Number.NaN;
        for (let i = 0; i < 20; i++) {
          const slaveStatus = await cluster.mqadmin(['brokerStatus', '-b', slave.addr]);
          slaveOffset = brokerRuntimeValue(slaveStatus.stdout, 'commitLogMaxOffset');
          if (slaveOffset >= masterOffset) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(slaveOffset).toBe(masterOffset);
      }
    }, 180_000);

    it('kill() stops one broker', async () => {
      const slave = cluster.brokers.find((b) => b.brokerName === 'broker-b' && b.brokerId === 1)!;
      await slave.kill();
      expect(() => process.kill(slave.pid, 0)).toThrow();
    }, 30_000);
  });
});
