/**
 * Child-process entry that runs an Apache RocketMQ cluster for the interop suite's global setup
 * (jest loads global setup files as CommonJS, which cannot import these ESM TypeScript sources).
 * Messages: parent → { type: 'start', options } / { type: 'stop' }; child → { type: 'ready', namesrvAddr } / { type: 'error', message }.
 */
import { startApacheRocketMQ, type ApacheClusterOptions, type RunningApacheCluster } from './apache-rocketmq.js';

let cluster: RunningApacheCluster | undefined;

async function stop(code = 0): Promise<void> {
  const running = cluster;
  cluster = undefined;
  await running?.stop().catch(() => undefined);
  process.exit(code);
}

process.on('message', (message: { type: string; options?: ApacheClusterOptions }) => {
  if (message.type === 'start') {
    const options = message.options!;
    startApacheRocketMQ({ ...options, log: process.env.ROCKETMQ_INTEROP_VERBOSE ? (line) => process.stderr.write(`[rocketmq ${options.version}] ${line}\n`) : undefined })
      .then((started) => {
        cluster = started;
        process.send?.({ type: 'ready', namesrvAddr: started.namesrvAddr });
      })
      .catch((error: Error) => {
        process.send?.({ type: 'error', message: error.stack ?? error.message });
        void stop(1);
      });
  } else if (message.type === 'stop') {
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
