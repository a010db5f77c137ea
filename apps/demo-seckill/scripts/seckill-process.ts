/**
 * Runs the seckill app (src/main.ts) as a child process with a role, for the acceptance script and
 * the crash test: `ready` resolves with the HTTP URL (api/all) once the app says it is up; `kill9()`
 * is a real SIGKILL, no shutdown hook runs. SECKILL_NODE_ARGS adds Node flags to every child (for example
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where an acceptance run spends the API's time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface SeckillProcess {
  child: ChildProcess;
  /** Resolves with the HTTP URL (undefined for the consumer role) when the app is ready. */
  ready: Promise<string | undefined>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  kill9(): void;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** The last lines the process wrote (for error messages). */
  output(): string;
}

export function spawnSeckill(env: Record<string, string>, options: { startTimeoutMs?: number; echo?: (line: string) => void } = {}): SeckillProcess {
  const child = spawn(process.execPath, [...(process.env.SECKILL_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', '@swc-node/register/esm-register', mainScript], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 50) lines.shift();
      options.echo?.(line);
    }
  };
  child.stderr!.on('data', remember);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const ready = new Promise<string | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`seckill (${env['SECKILL_ROLE']}) not ready in ${options.startTimeoutMs ?? 60_000} ms:\n${lines.join('\n')}`)), options.startTimeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      remember(chunk);
      const readyLine = /^seckill ready: .*$/m.exec(chunk.toString());
      if (readyLine) {
        clearTimeout(timer);
        resolve(/HTTP (http:\/\/\S+)/.exec(readyLine[0])?.[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`seckill (${env['SECKILL_ROLE']}) exited (${code}) before it was ready:\n${lines.join('\n')}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    exited,
    kill9: () => child.kill('SIGKILL'),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    output: () => lines.join('\n'),
  };
}
