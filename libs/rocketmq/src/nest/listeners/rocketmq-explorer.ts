/**
 * Finds `@RocketMQListener` methods and `@TransactionListener` classes among the providers and
 * controllers, wraps each handler once with Nest's ExternalContextCreator (guards, interceptors,
 * pipes, filters; context type 'rocketmq'), plans the consumers (validating everything before
 * anything connects), starts them at application bootstrap and drains them at module destroy.
 */
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { RocketMQConnections } from '../connection/connection-registry.js';
import type { RocketMQListenerContext } from '../context/rocketmq-listener-context.js';
import { RocketMQParamsFactory } from '../context/rocketmq-params.factory.js';
import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import type { RocketMQLocalTransactionListener, TransactionListenerOptions } from '../interfaces/transaction-listener.interface.js';
import {
  DEFAULT_CONNECTION,
  DEFAULT_TRANSACTION_FLOW,
  ROCKETMQ_ARGS_METADATA,
  ROCKETMQ_CONTEXT_TYPE,
  ROCKETMQ_LISTENER_CLASS_METADATA,
  ROCKETMQ_LISTENER_METADATA,
  ROCKETMQ_TRANSACTION_LISTENER_METADATA,
} from '../rocketmq.constants.js';
import { RocketMQConfigurationError } from '../rocketmq.errors.js';
import { connectionOf, planConsumers, type PlannedListener } from './consumer-plan.js';
import { ListenerContainer, type ListenerInvoker } from './listener-container.js';
import { isListenerEnabled } from './listener-enabled.js';
import { RocketMQListenerRegistry } from './listener-registry.js';

interface FoundListener {
  id: string;
  source: string;
  options: RocketMQListenerOptions;
  instance: object;
  methodName: string;
}

@Injectable()
export class RocketMQExplorer implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RocketMQ');
  private readonly paramsFactory = new RocketMQParamsFactory();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contextCreator: ExternalContextCreator,
    private readonly connections: RocketMQConnections,
    private readonly registry: RocketMQListenerRegistry,
  ) {}

  /** Transaction flows are wired before the producers start, so early check-backs find them. */
  onModuleInit(): void {
    const problems: string[] = [];
    for (const instance of this.instances()) {
      const options = Reflect.getMetadata(ROCKETMQ_TRANSACTION_LISTENER_METADATA, instance.constructor) as TransactionListenerOptions | undefined;
      if (!options) continue;
      const source = instance.constructor.name;
      const listener = instance as RocketMQLocalTransactionListener;
      if (typeof listener.executeLocalTransaction !== 'function' || typeof listener.checkLocalTransaction !== 'function') {
        problems.push(`@TransactionListener ${source} must implement executeLocalTransaction(payload, arg, ctx) and checkLocalTransaction(payload, ctx)`);
        continue;
      }
      const name = options.connection ?? DEFAULT_CONNECTION;
      const connection = this.connections.get(name);
      if (!connection) {
        problems.push(`@TransactionListener ${source}: no RocketMQModule.forRoot({ name: "${name}" }) is imported (known connections: ${this.connections.names().map((n) => `"${n}"`).join(', ') || 'none'})`);
        continue;
      }
      try {
        connection.flows.register({ flow: options.flow ?? DEFAULT_TRANSACTION_FLOW, listener, source });
      } catch (error) {
        problems.push(...((error as RocketMQConfigurationError).problems ?? [(error as Error).message]));
      }
    }
    if (problems.length > 0) throw new RocketMQConfigurationError(problems);
  }

  async onApplicationBootstrap(): Promise<void> {
    const found = this.findListeners();
    const enabled: PlannedListener<ListenerInvoker>[] = [];
    for (const l of found) {
      this.registry.addListener(l.id, l.source, l.options);
      const moduleOptions = this.connections.get(connectionOf(l.options))?.options ?? {};
      if (!isListenerEnabled(l.id, l.options, moduleOptions)) {
        this.logger.log(`listener ${l.id} (${l.options.consumerGroup} / ${l.options.topic}) is disabled`);
        continue;
      }
      enabled.push({ id: l.id, source: l.source, options: l.options, handler: this.wrap(l) });
    }
    const plans = planConsumers(enabled, new Set(this.connections.names()));
    const containers = plans.map((plan) => new ListenerContainer(plan, this.connections.get(plan.connection)!));
    for (const container of containers) this.registry.addContainer(container);
    await this.start(containers);
  }

  async onModuleDestroy(): Promise<void> {
    await this.registry.stopAll();
  }

  private async start(containers: ListenerContainer[]): Promise<void> {
    for (const connection of this.connections.all()) {
      if (connection.options.autoStartListeners === false) continue;
      const mine = containers.filter((c) => c.connection === connection);
      if (mine.length === 0) continue;
      await connection.options.beforeListenersStart?.();
      const results = await Promise.allSettled(mine.map((c) => c.start()));
      const failures = results
        .map((r, i) => (r.status === 'rejected' ? `consumer group "${mine[i]!.plan.group}" on connection "${connection.name}" did not start: ${(r.reason as Error).message}` : undefined))
        .filter((f): f is string => f !== undefined);
      if (failures.length > 0) {
        await this.registry.stopAll();
        throw new RocketMQConfigurationError(failures);
      }
      for (const c of mine) {
        this.logger.log(`consumer group ${c.plan.group} started: ${[...c.plan.topics.values()].map((t) => `${t.topic} [${t.expression}]`).join(', ')} → ${c.plan.listeners.map((l) => l.id).join(', ')}`);
      }
    }
  }

  private wrap(l: FoundListener): ListenerInvoker {
    const callback = (l.instance as Record<string, (...args: unknown[]) => unknown>)[l.methodName]!;
    const invoke = this.contextCreator.create(
      l.instance,
      callback,
      l.methodName,
      ROCKETMQ_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      undefined,
      ROCKETMQ_CONTEXT_TYPE,
    );
    return (payload: unknown, context: RocketMQListenerContext) => invoke(payload, context);
  }

  private findListeners(): FoundListener[] {
    const out: FoundListener[] = [];
    for (const instance of this.instances()) {
      if (!Reflect.getMetadata(ROCKETMQ_LISTENER_CLASS_METADATA, instance.constructor)) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        const options = typeof method === 'function' ? (Reflect.getMetadata(ROCKETMQ_LISTENER_METADATA, method) as RocketMQListenerOptions | undefined) : undefined;
        if (!options) continue;
        const source = `${instance.constructor.name}.${methodName}`;
        out.push({ id: options.id ?? source, source, options, instance, methodName });
      }
    }
    return out;
  }

  /** Provider and controller instances, each once (aliases and re-exports share instances). */
  private instances(): object[] {
    const seen = new Set<object>();
    const wrappers: InstanceWrapper[] = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      const marked =
        Reflect.getMetadata(ROCKETMQ_LISTENER_CLASS_METADATA, instance.constructor) || Reflect.getMetadata(ROCKETMQ_TRANSACTION_LISTENER_METADATA, instance.constructor);
      if (!marked) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`${instance.constructor.name} is request-scoped (or depends on a request-scoped provider); RocketMQ listeners must be singletons — skipped`);
        continue;
      }
      seen.add(instance);
    }
    return [...seen];
  }
}
