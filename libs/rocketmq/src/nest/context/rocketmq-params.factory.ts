import type { ParamData } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core';
import { RocketMQParamType } from '../decorators/param.decorators.js';
import type { RocketMQListenerContext } from './rocketmq-listener-context.js';

/** Maps declared listener parameters to the raw handler arguments `(payload, context)`. */
export class RocketMQParamsFactory implements ParamsFactory {
  exchangeKeyForValue(type: number, data: ParamData, args: unknown[]): unknown {
    const [payload, context] = args as [unknown, RocketMQListenerContext];
    switch (type as RocketMQParamType) {
      case RocketMQParamType.PAYLOAD:
        return data !== undefined && payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[data as string] : payload;
      case RocketMQParamType.CONTEXT:
        return context;
      case RocketMQParamType.HEADERS:
        return data !== undefined ? context.properties[data as string] : context.properties;
      case RocketMQParamType.MESSAGE:
        return context.message;
      default:
        return undefined;
    }
  }
}
