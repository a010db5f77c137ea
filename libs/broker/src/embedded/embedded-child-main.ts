/** Entry of the child process behind `EmbeddedRocketMQ.start({ inWorker: true })`. */
import { EmbeddedRocketMQ, type EmbeddedRocketMQOptions, type RunningEmbeddedRocketMQ } from './embedded-rocketmq.js';

export type ChildRequest = { type: 'start'; options: EmbeddedRocketMQOptions } | { type: 'stop' };
export type ChildReply =
  | { type: 'ready'; result: Omit<RunningEmbeddedRocketMQ, 'stop' | 'instances'> }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

const stderr = (level: string) => (message: string, context?: string) => process.stderr.write(`[rocketmq-embedded] ${level} [${context ?? ''}] ${message}\n`);

if (process.send) {
  let running: RunningEmbeddedRocketMQ | undefined;
  const send = (reply: ChildReply) => process.send!(reply);
  process.on('message', (request: ChildRequest) => {
    void (async () => {
      try {
        if (request.type === 'start') {
          const verbose = request.options.verbose;
          running = await EmbeddedRocketMQ.start({
            ...request.options,
            inWorker: false,
            logger: verbose ? { log: stderr('LOG'), warn: stderr('WARN'), error: stderr('ERROR') } : { log() {}, warn: stderr('WARN'), error: stderr('ERROR') },
          });
          const { stop: _stop, instances: _instances, ...result } = running;
          send({ type: 'ready', result });
        } else if (request.type === 'stop') {
          await running?.stop();
          running = undefined;
          send({ type: 'stopped' });
          process.disconnect();
          setTimeout(() => process.exit(0), 50).unref();
        }
      } catch (err) {
        send({ type: 'error', message: (err as Error).stack ?? String(err) });
      }
    })();
  });
  // the parent went away: stop cleanly
  process.on('disconnect', () => {
    void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}
