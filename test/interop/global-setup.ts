/**
 * Starts the Apache RocketMQ cluster the interop suite runs against (version from ROCKETMQ_VERSION),
 * unless ROCKETMQ_NAMESRV already points at one. With ROCKETMQ_TARGET=embedded it starts our
 * EmbeddedRocketMQ instead (same tests, our broker on the other side).
 */

declare global {
  // eslint-disable-next-line no-var
  var __ROCKETMQ_INTEROP_CLUSTER__: { stop(): Promise<void> } | undefined;
}

/**
 * Runs EmbeddedRocketMQ in a child process (libs/broker/src/embedded/embedded-child-main.ts, the process behind
 * `EmbeddedRocketMQ.start({ inWorker: true })`): jest loads this file as CommonJS, which cannot import our ESM sources.
 */
async function startEmbedded(): Promise<void> {
  const started = Date.now();
  const { fork } = await import('node:child_process');
  const path = await import('node:path');
  const script = path.resolve(process.cwd(), 'libs/broker/src/embedded/embedded-child-main.ts');
  const child = fork(script, [], {
    execArgv: ['--import', '@swc-node/register/esm-register', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const ready = await new Promise<{ nameServer: string; brokers: { addr: string }[] }>((resolve, reject) => {
    child.on('message', (m: { type: string; result?: { nameServer: string; brokers: { addr: string }[] }; message?: string }) => {
      if (m.type === 'ready') resolve(m.result!);
      else if (m.type === 'error') reject(new Error(m.message));
    });
    child.once('exit', (code) => reject(new Error(`the embedded RocketMQ process exited with ${code}`)));
    child.send({
      type: 'start',
      options: {
        verbose: Boolean(process.env.ROCKETMQ_INTEROP_VERBOSE),
        // short transaction check-back so the check-back tests are quick
        brokerConfig: { transactionCheckInterval: 1000, transactionTimeOut: 1000, mappedFileSizeCommitLog: 64 * 1024 * 1024 },
      },
    });
  });
  process.stderr.write(`\nEmbedded RocketMQ ready at ${ready.nameServer} (broker ${ready.brokers.map((b) => b.addr).join(', ')}) in ${Date.now() - started} ms\n`);
  process.env.ROCKETMQ_NAMESRV = ready.nameServer;
  process.env.ROCKETMQ_VERSION ??= '5.5.1';
  globalThis.__ROCKETMQ_INTEROP_CLUSTER__ = {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}

export default async function globalSetup(): Promise<void> {
  if (process.env.ROCKETMQ_NAMESRV) return;
  if (process.env.ROCKETMQ_TARGET === 'embedded') return startEmbedded();
  const version = process.env.ROCKETMQ_VERSION ?? '5.5.1';
  process.env.ROCKETMQ_VERSION = version;
  await startApache(version);
}

/** Runs the Apache cluster in a child process (see support/apache-cluster-main.ts for why). */
async function startApache(version: string): Promise<void> {
  const started = Date.now();
  const { fork } = await import('node:child_process');
  const path = await import('node:path');
  const script = path.resolve(process.cwd(), 'test/interop/support/apache-cluster-main.ts');
  const child = fork(script, [], {
    execArgv: ['--import', '@swc-node/register/esm-register', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const namesrvAddr = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type: string; namesrvAddr?: string; message?: string }) => {
      if (m.type === 'ready') resolve(m.namesrvAddr!);
      else if (m.type === 'error') reject(new Error(`starting Apache RocketMQ ${version} failed: ${m.message}`));
    });
    child.once('exit', (code) => reject(new Error(`the Apache RocketMQ ${version} process exited with ${code}`)));
    child.send({
      type: 'start',
      options: {
        version,
        // Quick transaction check-backs so those tests take seconds, not minutes.
        brokers: [{ brokerName: 'broker-a', extraConf: { transactionCheckInterval: '3000', transactionTimeOut: '3000' } }],
      },
    });
  });
  process.stderr.write(`\nApache RocketMQ ${version} ready at ${namesrvAddr} in ${Date.now() - started} ms\n`);
  process.env.ROCKETMQ_NAMESRV = namesrvAddr;
  globalThis.__ROCKETMQ_INTEROP_CLUSTER__ = {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}
