import { Injectable } from '@nestjs/common';
import type { TransactionListenerOptions } from '../interfaces/transaction-listener.interface.js';
import { ROCKETMQ_TRANSACTION_LISTENER_METADATA } from '../rocketmq.constants.js';

/**
 * Marks a provider class (implementing RocketMQLocalTransactionListener) as the local-transaction
 * side of a flow; `sendInTransaction(dest, payload, arg, flow)` runs it and check-backs reach it.
 */
export function RocketMQTransactionListener(options: TransactionListenerOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(ROCKETMQ_TRANSACTION_LISTENER_METADATA, options, target);
    Injectable()(target);
  };
}
