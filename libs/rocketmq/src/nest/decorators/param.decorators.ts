/**
 * Parameter decorators of listener methods. Declaring parameters this way is what makes pipes run
 * (Nest applies pipes to declared parameters only): `@Payload(new ValidationPipe())`.
 */
import { assignMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { ROCKETMQ_ARGS_METADATA } from '../rocketmq.constants.js';

export enum RocketMQParamType {
  PAYLOAD = 0,
  CONTEXT = 1,
  HEADERS = 2,
  MESSAGE = 3,
}

type Pipe = Type<PipeTransform> | PipeTransform;

function paramDecorator(type: RocketMQParamType, data: string | undefined, pipes: Pipe[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) return;
    const args = Reflect.getMetadata(ROCKETMQ_ARGS_METADATA, target.constructor, key) ?? {};
    Reflect.defineMetadata(ROCKETMQ_ARGS_METADATA, assignMetadata(args, type, index, { data, pipes }), target.constructor, key);
  };
}

function split(dataOrPipe: string | Pipe | undefined, pipes: Pipe[]): [string | undefined, Pipe[]] {
  if (dataOrPipe === undefined || typeof dataOrPipe === 'string') return [dataOrPipe, pipes];
  return [undefined, [dataOrPipe, ...pipes]];
}

/** The deserialized payload, or one property of it (`@Payload('id')`); pipes run on it. */
export function Payload(property?: string, ...pipes: Pipe[]): ParameterDecorator;
export function Payload(...pipes: Pipe[]): ParameterDecorator;
export function Payload(dataOrPipe?: string | Pipe, ...pipes: Pipe[]): ParameterDecorator {
  return paramDecorator(RocketMQParamType.PAYLOAD, ...split(dataOrPipe, pipes));
}

/** The `RocketMQListenerContext` (topic, tags, keys, msgId, reconsumeTimes, properties, raw message...). */
export function MessageContext(): ParameterDecorator {
  return paramDecorator(RocketMQParamType.CONTEXT, undefined, []);
}

/** Alias of `@MessageContext()`, as in `@nestjs/microservices`. */
export const Ctx = MessageContext;

/** User properties of the message, or one of them (`@Headers('region')`). */
export function Headers(name?: string, ...pipes: Pipe[]): ParameterDecorator {
  return paramDecorator(RocketMQParamType.HEADERS, name, pipes);
}

/** The raw client `MessageExt`. */
export function RawMessage(): ParameterDecorator {
  return paramDecorator(RocketMQParamType.MESSAGE, undefined, []);
}

/** Aliases that do not collide with `@nestjs/microservices`' Payload / Ctx or `@nestjs/common`'s Headers. */
export const RocketMQPayload = Payload;
export const RocketMQHeaders = Headers;
