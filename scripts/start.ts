/**
 * `npm start`: the whole project on the embedded default, nothing else installed.
 *   1. the embedded RocketMQ (name server 9876 + broker 10911 when free; durable store in .data/rocketmq),
 *   2. the quick-start example against it (topic, ordered, batch and transactional sends, a push consumer),
 *   3. the web console (8080) and both demo apps, demo-seckill (3001) and demo-order (3002), on PGlite,
 * then serves until Ctrl-C, printing the broker's figures. Flags: --once (one request through each demo, then
 * exit), --namesrv host:port (use a running cluster), --apache [version] (Apache RocketMQ from Maven Central),
 * --no-apps (broker and example only).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AdminClient } from '../libs/rocketmq/src/client/admin/index.js';
import type { RocketMQLogger } from '../libs/rocketmq/src/logger.js';
import { EmbeddedRocketMQ } from '../libs/broker/src/index.js';
import { closeApps, smokeTest, startApps, type RunningApp } from './start/apps.js';
import { runQuickstart } from './start/quickstart.js';

const DATA_DIR = path.resolve(new URL('..', import.meta.url).pathname, '.data');
const say = (line: string) => process.stdout.write(`${line}\n`);
const logger: RocketMQLogger = {
  log() {},
  warn: (m, c) => say(`  warn [${c ?? ''}] ${m}`),
  error: (m, _t, c) => say(`  error [${c ?? ''}] ${m}`),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      namesrv: { type: 'string' },
      apache: { type: 'string' },
      once: { type: 'boolean', default: false },
      'no-apps': { type: 'boolean', default: false },
    },
  });
  let nameServer = values.namesrv;
  let stopCluster: (() => Promise<void>) | undefined;
  if (!nameServer && values.apache !== undefined) {
    const version = values.apache || '5.5.1';
    say(`Starting Apache RocketMQ ${version} (name server + broker) from Maven Central jars ...`);
    const { startApacheRocketMQ } = await import('../test/interop/support/apache-rocketmq.js');
    const cluster = await startApacheRocketMQ({ version, log: (line) => /fetch|download|start|ready/i.test(line) && say(`  ${line}`) });
    nameServer = cluster.namesrvAddr;
    stopCluster = () => cluster.stop();
  } else if (!nameServer) {
    say(`Starting the embedded RocketMQ (name server + broker, store in ${path.join(DATA_DIR, 'rocketmq')}) ...`);
    const embedded = await startEmbedded();
    nameServer = embedded.nameServer;
    say(`  ready in ${embedded.startupMs} ms: name server ${embedded.nameServer}, broker ${embedded.brokers.map((b) => `${b.name} ${b.addr}`).join(', ')}`);
    stopCluster = () => embedded.stop();
  }
  say(`Name server: ${nameServer}\n`);

  let apps: RunningApp[] = [];
  try {
    if (!(await runQuickstart(nameServer, say, logger))) process.exitCode = 1;
    if (!values['no-apps']) {
      say('');
      apps = await startApps(nameServer, DATA_DIR, say, logger);
      say('\nRunning:');
      say(`  RocketMQ name server  ${nameServer}   (any RocketMQ client, Java or Node)`);
      for (const app of apps) say(`  ${app.name.padEnd(20)}  ${app.links.join('   ')}`);
    }
    if (values.once) {
      if (apps.length > 0) {
        say('\nOne request through each app:');
        for (const line of await smokeTest(apps)) say(`  ${line}`);
      }
    } else if (process.exitCode !== 1) {
      say('\nCtrl-C stops everything.');
      await serveUntilSignal(nameServer);
    }
  } finally {
    await closeApps(apps);
    await stopCluster?.();
  }
}

/** The embedded broker on the standard ports when they are free, else on free ones. */
async function startEmbedded() {
  const storeDir = path.join(DATA_DIR, 'rocketmq');
  // demo-order's check-backs: a half message left UNKNOWN is checked after 3 s, every 5 s
  const brokerConfig = { transactionCheckInterval: 5000, transactionTimeOut: 3000 };
  try {
    return await EmbeddedRocketMQ.start({ storeDir, namesrvPort: 9876, brokerConfig: { ...brokerConfig, listenPort: 10911 } });
  } catch (error) {
    if (!/EADDRINUSE/.test(String((error as Error)?.message ?? error))) throw error;
    say('  ports 9876/10911 are taken: using free ports');
    return EmbeddedRocketMQ.start({ storeDir, brokerConfig });
  }
}

/** Prints the broker's figures every 10 s until SIGINT/SIGTERM. */
async function serveUntilSignal(nameServer: string): Promise<void> {
  const admin = new AdminClient({ nameServer, logger });
  await admin.start();
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      try {
        const info = await admin.clusterInfo();
        for (const broker of Object.values(info.brokers)) {
          const stats = await admin.brokerRuntimeInfo(broker.masterAddr!);
          say(`  ${broker.brokerName}: ${stats['msgPutTotalTodayNow'] ?? 0} messages in today, ${stats['msgGetTotalTodayNow'] ?? 0} out, commit log ${stats['commitLogMaxOffset'] ?? 0} bytes`);
        }
      } catch (error) {
        say(`  stats unavailable: ${(error as Error).message}`);
      }
    }, 10_000);
    const stop = () => {
      clearInterval(timer);
      say('\nStopping ...');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await admin.shutdown().catch(() => undefined);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
