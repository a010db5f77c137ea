/**
 * The Apache RocketMQ cluster the interop suite runs against. The interop jest config starts it
 * once (globalSetup) and passes its address in ROCKETMQ_NAMESRV; ROCKETMQ_VERSION says which.
 */
export function nameServer(): string {
  const addr = process.env.ROCKETMQ_NAMESRV;
  if (!addr) throw new Error('ROCKETMQ_NAMESRV is not set: run the interop suite with `npm run test:interop`');
  return addr;
}

export function targetVersion(): string {
  return process.env.ROCKETMQ_VERSION ?? '5.5.1';
}

/** 4.9.x brokers ignore timer properties and have no timer wheel. */
export function supportsTimerMessages(): boolean {
  return !targetVersion().startsWith('4.');
}

/** Names unique to one test run, so reruns against a long-lived broker never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}
