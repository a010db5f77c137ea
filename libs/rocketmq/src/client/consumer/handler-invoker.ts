/**
 * Runs the user's handler on a batch and turns what it did (returned, returned a verdict, threw,
 * timed out) into the list of messages to retry.
 */
import { MessageConst } from '../../protocol/message/message-const.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { retryTopic, unwrapNamespace } from '../namespace.js';
import type { BatchMessageHandler, ConsumeContext, ConsumeOutcome, ConsumeResult, MessageHandler } from './consume-types.js';

export type Handler = { kind: 'single'; fn: MessageHandler } | { kind: 'batch'; fn: BatchMessageHandler };

/**
 * Messages pulled from the group's retry topic get their original topic back (`RETRY_TOPIC`),
 * and topics lose the namespace prefix (Java's resetRetryAndNamespace).
 */
export function resetRetryAndNamespace(messages: readonly MessageExt[], group: string, namespace: string | undefined): void {
  const groupRetryTopic = retryTopic(group);
  for (const msg of messages) {
    const original = msg.getProperty(MessageConst.RETRY_TOPIC);
    if (original && msg.topic === groupRetryTopic) msg.topic = original;
    if (namespace) msg.topic = unwrapNamespace(namespace, msg.topic);
  }
}

class ConsumeTimeoutError extends Error {
  constructor(ms: number) {
    super(`the handler did not finish within ${ms} ms`);
  }
}

async function withTimeout<T>(promise: Promise<T> | T, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined || !(promise instanceof Promise)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConsumeTimeoutError(timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isFailure(result: ConsumeResult | void): boolean {
  return result === 'RECONSUME_LATER' || result === 'SUSPEND';
}

/**
 * Invokes `handler`. Concurrent: every failed message is retried (a batch handler's failure
 * fails the messages after `context.ackIndex`). Orderly (`stopAtFirstFailure`): a single-message
 * handler stops at the first failure, which fails that message and all after it.
 */
export async function invokeHandler(
  handler: Handler,
  messages: MessageExt[],
  context: ConsumeContext,
  options: { timeoutMs?: number; stopAtFirstFailure: boolean },
): Promise<ConsumeOutcome> {
  const started = Date.now();
  const startTime = String(started);
  for (const msg of messages) msg.putProperty(MessageConst.CONSUME_START_TIME, startTime);
  let failed: MessageExt[] = [];
  let error: unknown;
  if (handler.kind === 'batch') {
    try {
      const result = await withTimeout(handler.fn(messages, context), options.timeoutMs);
      if (isFailure(result)) failed = messages;
      else if (!options.stopAtFirstFailure) failed = messages.slice(Math.max(0, Math.min(context.ackIndex + 1, messages.length)));
    } catch (e) {
      error = e;
      failed = messages;
    }
  } else {
    for (let i = 0; i < messages.length; i++) {
      let ok: boolean;
      try {
        ok = !isFailure(await withTimeout(handler.fn(messages[i]!, context), options.timeoutMs));
      } catch (e) {
        error ??= e;
        ok = false;
      }
      if (!ok) {
        if (options.stopAtFirstFailure) {
          failed = messages.slice(i);
          break;
        }
        failed.push(messages[i]!);
      }
    }
  }
  return { failed, context, error, elapsedMs: Date.now() - started };
}
