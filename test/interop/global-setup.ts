/**
 * Starts the Apache RocketMQ cluster the interop suite runs against (version from ROCKETMQ_VERSION),
 * unless ROCKETMQ_NAMESRV already points at one.
 */
import type { RunningApacheCluster } from './support/apache-rocketmq.js';

declare global {
  // eslint-disable-next-line no-var
  var __ROCKETMQ_INTEROP_CLUSTER__: RunningApacheCluster | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.ROCKETMQ_NAMESRV) return;
  const version = process.env.ROCKETMQ_VERSION ?? '5.5.1';
  process.env.ROCKETMQ_VERSION = version;
  const started = Date.now();
  const { startApacheRocketMQ } = await import('./support/apache-rocketmq.js');
  const cluster = await startApacheRocketMQ({
    version,
    log: process.env.ROCKETMQ_INTEROP_VERBOSE ? (line) => process.stderr.write(`[rocketmq ${version}] ${line}\n`) : undefined,
  });
  process.stderr.write(`\nApache RocketMQ ${version} ready at ${cluster.namesrvAddr} in ${Date.now() - started} ms\n`);
  process.env.ROCKETMQ_NAMESRV = cluster.namesrvAddr;
  globalThis.__ROCKETMQ_INTEROP_CLUSTER__ = cluster;
}
