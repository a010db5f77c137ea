import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import { ROCKETMQ_LISTENER_CLASS_METADATA, ROCKETMQ_LISTENER_METADATA } from '../rocketmq.constants.js';

/**
 * Marks a provider method as a RocketMQ message handler. Only writes metadata; the explorer
 * finds it at application bootstrap and runs it through guards, interceptors, pipes and filters.
 * Return normally to acknowledge; throw to have the message retried.
 */
export function RocketMQListener(options: RocketMQListenerOptions): MethodDecorator {
  return (target, key, descriptor) => {
    Reflect.defineMetadata(ROCKETMQ_LISTENER_METADATA, options, descriptor.value as object);
    Reflect.defineMetadata(ROCKETMQ_LISTENER_CLASS_METADATA, true, target.constructor);
    return descriptor;
  };
}
