import type { Message } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { javaStringHashCode } from '../../protocol/message/tag-hash.js';

/** Picks the queue of a message, e.g. by a sharding key so that one key's messages stay in order. */
export type MessageQueueSelector<A = unknown> = (queues: readonly MessageQueue[], message: Message, arg: A) => MessageQueue;

/** Java's `hashCode()` of the sharding key: String.hashCode for strings, Integer/Long.hashCode for integers. */
export function javaHashCode(arg: unknown): number {
  if (typeof arg === 'number' && Number.isSafeInteger(arg)) {
    if (arg >= -0x80000000 && arg <= 0x7fffffff) return arg;
    const big = BigInt.asUintN(64, BigInt(arg));
    return Number(BigInt.asIntN(32, big ^ (big >> 32n)));
  }
  if (typeof arg === 'bigint') {
    const big = BigInt.asUintN(64, arg);
    return Number(BigInt.asIntN(32, big ^ (big >> 32n)));
  }
  return javaStringHashCode(String(arg));
}

/** SelectMessageQueueByHash: |hashCode(key) mod n|, the queue a Java producer picks for the same key. */
export const selectByHash: MessageQueueSelector<unknown> = (queues, _message, arg) => {
  return queues[Math.abs(javaHashCode(arg) % queues.length)]!;
};

export const selectRandom: MessageQueueSelector<unknown> = (queues) => queues[Math.floor(Math.random() * queues.length)]!;
