import { Injectable } from '@nestjs/common';
import type { PushConsumer } from '../../client/consumer/push-consumer.js';
import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import { RocketMQError } from '../../protocol/errors.js';
import { connectionOf } from './consumer-plan.js';
import type { ListenerContainer, ListenerState, ListenerStats } from './listener-container.js';

export interface RocketMQListenerInfo {
  id: string;
  /** `Class.method`. */
  source: string;
  connection: string;
  consumerGroup: string;
  topic: string;
  selectorType: 'TAG' | 'SQL92';
  selectorExpression: string;
  /** The expression the group's consumer subscribes this topic with (tags of all its methods). */
  subscription: string | undefined;
  state: ListenerState;
  /** Other listeners sharing the consumer (pausing one pauses them all). */
  sharesConsumerWith: string[];
  stats: ListenerStats;
}

interface Entry {
  id: string;
  source: string;
  options: RocketMQListenerOptions;
  container: ListenerContainer | undefined;
}

/** Lists the application's listeners and pauses / resumes them at runtime. */
@Injectable()
export class RocketMQListenerRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly containers: ListenerContainer[] = [];

  /** @internal called by the explorer. */
  addListener(id: string, source: string, options: RocketMQListenerOptions): void {
    if (this.entries.has(id)) throw new RocketMQError(`Two RocketMQ listeners have the id "${id}"; give one of them another @RocketMQListener({ id })`);
    this.entries.set(id, { id, source, options, container: undefined });
  }

  /** @internal called by the explorer. */
  addContainer(container: ListenerContainer): void {
    this.containers.push(container);
    for (const l of container.plan.listeners) this.entries.get(l.id)!.container = container;
  }

  list(): RocketMQListenerInfo[] {
    return [...this.entries.keys()].map((id) => this.get(id));
  }

  get(id: string): RocketMQListenerInfo {
    const entry = this.entry(id);
    const { options, container } = entry;
    return {
      id,
      source: entry.source,
      connection: connectionOf(options),
      consumerGroup: options.consumerGroup,
      topic: options.topic,
      selectorType: options.selectorType ?? 'TAG',
      selectorExpression: options.selectorExpression ?? '*',
      subscription: container?.plan.topics.get(options.topic)?.expression,
      state: container?.state ?? 'disabled',
      sharesConsumerWith: container ? container.plan.listeners.map((l) => l.id).filter((other) => other !== id) : [],
      stats: { ...(container?.stats.get(id) ?? { handled: 0, failed: 0, replied: 0 }) },
    };
  }

  /** Stops fetching for the listener's consumer group; returns the ids of every listener paused with it. */
  pause(id: string): string[] {
    const container = this.containerOf(id);
    container.pause();
    return container.plan.listeners.map((l) => l.id);
  }

  resume(id: string): string[] {
    const container = this.containerOf(id);
    container.resume();
    return container.plan.listeners.map((l) => l.id);
  }

  /** The client push consumer behind a listener (escape hatch: queueStats, assignedQueues, ...). */
  consumer(id: string): PushConsumer {
    return this.containerOf(id).consumer;
  }

  /** @internal */
  allContainers(): readonly ListenerContainer[] {
    return this.containers;
  }

  /** Starts the listeners not started yet (with `autoStartListeners: false`). */
  async startAll(): Promise<void> {
    for (const container of this.containers) await container.start();
  }

  /** Stops every consumer: no more fetching, running handlers drain, offsets are committed. */
  async stopAll(): Promise<void> {
    await Promise.all(this.containers.map((c) => c.stop().catch(() => undefined)));
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new RocketMQError(`No RocketMQ listener has the id "${id}"; known: ${[...this.entries.keys()].join(', ') || 'none'}`);
    return entry;
  }

  private containerOf(id: string): ListenerContainer {
    const container = this.entry(id).container;
    if (!container) throw new RocketMQError(`The RocketMQ listener "${id}" is disabled; enable it in its decorator or the module's listeners option`);
    return container;
  }
}
