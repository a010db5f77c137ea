/** Turns (destination, payload, options) into a client `Message`. Pure: no I/O. */
import { RocketMQClientError } from '../../protocol/errors.js';
import { MessageConst, isSystemProperty } from '../../protocol/message/message-const.js';
import { Message } from '../../protocol/message/message.js';
import type { DelaySpec, RocketMQSendOptions } from '../interfaces/send-options.interface.js';
import { CONTENT_TYPE_PROPERTY, TRANSACTION_FLOW_PROPERTY } from '../rocketmq.constants.js';
import type { RocketMQSerializer } from '../serialization/serializer.js';
import { parseDestination } from './destination.js';

const DEDICATED_OPTION: Record<string, string> = {
  [MessageConst.KEYS]: 'the `keys` option',
  [MessageConst.TAGS]: 'the destination "topic:tag" or the `tags` option',
  [MessageConst.DELAY]: 'sendDelayed() or the `delayLevel` option',
  [MessageConst.TIMER_DELAY_MS]: 'sendDelayed(dest, payload, { delayMs })',
  [MessageConst.TIMER_DELIVER_MS]: 'sendDelayed(dest, payload, { deliverAt })',
};

/** Validates header names and values; throws naming the offending header and what to use instead. */
export function applyHeaders(message: Message, headers: RocketMQSendOptions['headers']): void {
  if (!headers) return;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined || raw === null) continue;
    if (isSystemProperty(name) || name === TRANSACTION_FLOW_PROPERTY) {
      const instead = DEDICATED_OPTION[name];
      throw new RocketMQClientError(
        `The header "${name}" is a property name reserved by RocketMQ${name === TRANSACTION_FLOW_PROPERTY ? ' transactions' : ''}; ${
          instead ? `use ${instead} instead` : 'choose another header name'
        }`,
      );
    }
    message.putUserProperty(name, String(raw));
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RocketMQClientError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** Applies a delay: a level (DELAY), or the 5.x timer properties TIMER_DELAY_MS / TIMER_DELIVER_MS. */
export function applyDelay(message: Message, delay: DelaySpec): void {
  if ('delayLevel' in delay) {
    message.delayLevel = positiveInteger('delayLevel', delay.delayLevel);
  } else if ('delayMs' in delay) {
    message.putProperty(MessageConst.TIMER_DELAY_MS, String(positiveInteger('delayMs', delay.delayMs)));
  } else if ('deliverAt' in delay) {
    const at = delay.deliverAt instanceof Date ? delay.deliverAt.getTime() : delay.deliverAt;
    if (!Number.isFinite(at) || at <= 0) throw new RocketMQClientError(`deliverAt must be a Date or ms since the epoch, got ${String(delay.deliverAt)}`);
    message.deliverAt = at;
  } else {
    throw new RocketMQClientError('A delay needs one of delayLevel, delayMs or deliverAt');
  }
}

export function buildMessage(destination: string, payload: unknown, serializer: RocketMQSerializer, options: RocketMQSendOptions = {}): Message {
  const { topic, tags } = parseDestination(destination);
  const { body, contentType } = serializer.serialize(payload);
  const message = new Message(topic, body);
  const tag = options.tags ?? tags;
  if (tag) message.tags = tag;
  if (options.keys !== undefined) message.keys = typeof options.keys === 'string' ? [options.keys] : options.keys;
  if (contentType) message.putUserProperty(CONTENT_TYPE_PROPERTY, contentType);
  applyHeaders(message, options.headers);
  if (options.delayLevel !== undefined) applyDelay(message, { delayLevel: options.delayLevel });
  return message;
}
