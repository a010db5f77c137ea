/** Shared helpers of the broker e2e tests: an embedded RocketMQ per file, quiet loggers, waits, cleanups. */
import { EmbeddedRocketMQ, type EmbeddedRocketMQOptions, type RunningEmbeddedRocketMQ } from '../../../libs/broker/src/index.js';
import type { RocketMQLogger } from '../../../libs/rocketmq/src/logger.js';

const write = (level: string) => (message: string, context?: string) => process.stderr.write(`${level} [${context ?? ''}] ${message}\n`);

/** Silent unless ROCKETMQ_TEST_DEBUG is set. */
export const quiet: RocketMQLogger = process.env.ROCKETMQ_TEST_DEBUG
  ? { log: write('LOG'), warn: write('WARN'), error: write('ERROR'), debug: write('DEBUG') }
  : { log() {}, warn() {}, error() {} };

export function startEmbedded(options: EmbeddedRocketMQOptions = {}): Promise<RunningEmbeddedRocketMQ> {
  return EmbeddedRocketMQ.start({ logger: quiet, ...options });
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}`;
}

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
