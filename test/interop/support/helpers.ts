/** Small helpers shared by the interop tests. */
import type { RocketMQLogger } from '../../../libs/rocketmq/src/logger.js';

const write = (level: string) => (message: string, context?: string) => process.stderr.write(`${level} [${context ?? ''}] ${message}\n`);

/** Silent unless ROCKETMQ_TEST_DEBUG is set. */
export const testLogger: RocketMQLogger = process.env.ROCKETMQ_TEST_DEBUG
  ? { log: write('LOG'), warn: write('WARN'), error: write('ERROR'), debug: write('DEBUG') }
  : { log() {}, warn() {}, error() {} };

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs registered cleanups in reverse order (afterEach). */
export class Cleanups {
  private readonly tasks: (() => Promise<unknown>)[] = [];
  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    while (this.tasks.length > 0) await this.tasks.pop()!().catch(() => undefined);
  }
}

/**
 * Runs an mqadmin command that reads broker runtime stats (clusterList) again while an Apache 4.9.x broker answers
 * GET_BROKER_RUNTIME_INFO with NoSuchElementException: its stats lists are empty until the first sample, seconds
 * after start-up (LinkedList.getLast in the Java broker). Any other failure is returned at once.
 */
export async function retryUntilStatsSampled<R extends { code: number; stdout: string; stderr: string }>(run: () => Promise<R>, timeoutMs = 30_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await run();
    if (result.code === 0 || !/NoSuchElementException/.test(result.stdout + result.stderr) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
