/**
 * `EmbeddedRocketMQ.start({ inWorker: true })`: the name server and brokers run in a child Node process (its own
 * event loop and heap); start and stop travel over the IPC channel. The child is killed if this process exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmbeddedRocketMQOptions, RunningEmbeddedRocketMQ } from './embedded-rocketmq.js';
import type { ChildReply } from './embedded-child-main.js';

function childEntry(): { script: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ts = self.endsWith('.ts');
  const script = self.replace(/embedded-child\.(ts|js)$/, `embedded-child-main.${ts ? 'ts' : 'js'}`);
  const execArgv = ts ? ['--import', '@swc-node/register/esm-register', '--disable-warning=ExperimentalWarning'] : [];
  return { script, execArgv };
}

function waitFor<T extends ChildReply['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<ChildReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the embedded RocketMQ child process did not answer "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ChildReply) => {
      if (message.type === 'error') finish(new Error(`embedded RocketMQ child process: ${message.message}`));
      else if (message.type === type) finish(undefined, message as Extract<ChildReply, { type: T }>);
    };
    const onExit = (code: number | null) => finish(new Error(`the embedded RocketMQ child process exited (code ${code}) before "${type}"`));
    const finish = (error?: Error, value?: Extract<ChildReply, { type: T }>) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export async function startInChildProcess(options: EmbeddedRocketMQOptions): Promise<RunningEmbeddedRocketMQ> {
  const started = performance.now();
  const { script, execArgv } = childEntry();
  const child = fork(script, [], {
    execArgv,
    stdio: ['ignore', options.verbose ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const { logger: _logger, features: _features, inWorker: _inWorker, ...plain } = options;
  try {
    const ready = waitFor(child, 'ready', 60_000);
    child.send({ type: 'start', options: plain });
    const { result } = await ready;
    let stopping: Promise<void> | undefined;
    return {
      ...result,
      pid: child.pid!,
      startupMs: Math.round(performance.now() - started),
      stop: () =>
        (stopping ??= (async () => {
          // A child killed by a signal has no exit code, only a signal code: it has exited either way.
          const hasExited = () => child.exitCode !== null || child.signalCode !== null;
          const exited = new Promise<void>((resolve) => (hasExited() ? resolve() : child.once('exit', () => resolve())));
          if (child.connected && !hasExited()) {
            const stopped = waitFor(child, 'stopped', 30_000).catch(() => undefined);
            child.send({ type: 'stop' });
            await stopped;
          }
          const timer = setTimeout(kill, 5_000);
          await exited;
          clearTimeout(timer);
          process.off('exit', kill);
        })()),
    };
  } catch (err) {
    kill();
    process.off('exit', kill);
    throw err;
  }
}
