/**
 * Live producers and consumers (`ProducerManager`, `ConsumerManager`, `ClientHousekeepingService`): groups learned
 * from HEART_BEAT, dropped on UNREGISTER_CLIENT, on connection close, or after channelExpiredTimeout without a
 * heartbeat. When the members or subscriptions of a clustering consumer group change, every member gets a one-way
 * NOTIFY_CONSUMER_IDS_CHANGED so it rebalances at once.
 */
import type { RemotingConnection } from '@app/rocketmq/remoting';
import {
  NotifyConsumerIdsChangedRequestHeader,
  RemotingCommand,
  RequestCode,
  type ConsumeFromWhere,
  type ConsumeType,
  type MessageModel,
  type SubscriptionData,
} from '@app/rocketmq/protocol';
import type { BrokerLogger, ClientRegistry, ConsumerGroupInfo } from '../broker-context.js';

interface ClientChannel {
  connection: RemotingConnection;
  lastUpdate: number;
  language: string;
  version: number;
}

export interface ConsumerRegistration {
  group: string;
  clientId: string;
  connection: RemotingConnection;
  language: string;
  version: number;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptions: SubscriptionData[];
  /** The group's notifyConsumerIdsChangedEnable. */
  notify: boolean;
}

export interface ClientRegistryOptions {
  channelExpiredTimeout: number;
  notifyConsumerIdsChangedEnable: boolean;
  logger: BrokerLogger;
  /** Whether the group wants change notifications (its subscription group config). */
  groupNotifies?: (group: string) => boolean;
  /** Scan period for expired channels (Apache: 10 s). */
  scanIntervalMs?: number;
}

function sameSubscription(a: SubscriptionData, b: SubscriptionData): boolean {
  return a.subString === b.subString && a.expressionType === b.expressionType && a.subVersion === b.subVersion;
}

export class BrokerClientRegistry implements ClientRegistry {
  private readonly consumers = new Map<string, ConsumerGroupInfo>();
  private readonly producers = new Map<string, Map<string, ClientChannel>>();
  private readonly watched = new WeakSet<RemotingConnection>();
  private timer: NodeJS.Timeout | undefined;
  /** Called after a consumer group's membership changed (filters, locks). */
  onConsumerGroupChanged: (group: string) => void = () => {};

  constructor(private readonly options: ClientRegistryOptions) {}

  start(): void {
    this.timer = setInterval(() => this.scanExpired(), this.options.scanIntervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  // ------------------------------------------------------------------------------------------- reads

  consumerGroup(group: string): ConsumerGroupInfo | undefined {
    return this.consumers.get(group);
  }

  consumerGroups(): string[] {
    return [...this.consumers.keys()];
  }

  producerGroups(): string[] {
    return [...this.producers.keys()];
  }

  consumerIds(group: string): string[] {
    const info = this.consumers.get(group);
    if (!info) return [];
    return [...info.clients.entries()].filter(([, c]) => !c.connection.closed).map(([id]) => id);
  }

  subscription(group: string, topic: string): SubscriptionData | undefined {
    return this.consumers.get(group)?.subscriptions.get(topic);
  }

  producerConnections(group: string): RemotingConnection[] {
    return [...(this.producers.get(group)?.values() ?? [])].filter((c) => !c.connection.closed).map((c) => c.connection);
  }

  producerConnectionByClientId(clientId: string): RemotingConnection | undefined {
    for (const clients of this.producers.values()) {
      const c = clients.get(clientId);
      if (c && !c.connection.closed) return c.connection;
    }
    return undefined;
  }

  consumerConnection(group: string, clientId: string): RemotingConnection | undefined {
    const c = this.consumers.get(group)?.clients.get(clientId);
    return c && !c.connection.closed ? c.connection : undefined;
  }

  // ------------------------------------------------------------------------------------------- writes

  registerProducer(group: string, clientId: string, connection: RemotingConnection, language: string, version: number): void {
    this.watch(connection);
    let clients = this.producers.get(group);
    if (!clients) {
      clients = new Map();
      this.producers.set(group, clients);
    }
    clients.set(clientId, { connection, lastUpdate: Date.now(), language, version });
  }

  /** Returns whether the group's members or subscriptions changed. */
  registerConsumer(r: ConsumerRegistration): boolean {
    this.watch(r.connection);
    let info = this.consumers.get(r.group);
    if (!info) {
      info = {
        group: r.group,
        consumeType: r.consumeType,
        messageModel: r.messageModel,
        consumeFromWhere: r.consumeFromWhere,
        subscriptions: new Map(),
        clients: new Map(),
      };
      this.consumers.set(r.group, info);
    }
    info.consumeType = r.consumeType;
    info.messageModel = r.messageModel;
    info.consumeFromWhere = r.consumeFromWhere;
    const previous = info.clients.get(r.clientId);
    const membersChanged = !previous || previous.connection !== r.connection;
    info.clients.set(r.clientId, { connection: r.connection, lastUpdate: Date.now(), language: r.language, version: r.version });

    let subsChanged = false;
    const incoming = new Map(r.subscriptions.map((s) => [s.topic, s]));
    for (const [topic, sub] of incoming) {
      const old = info.subscriptions.get(topic);
      if (!old) {
        info.subscriptions.set(topic, sub);
        subsChanged = true;
      } else if (sub.subVersion > old.subVersion) {
        if (!sameSubscription(old, sub)) subsChanged = subsChanged || old.subString !== sub.subString || old.expressionType !== sub.expressionType;
        info.subscriptions.set(topic, sub);
      }
    }
    for (const topic of [...info.subscriptions.keys()]) {
      if (!incoming.has(topic)) {
        info.subscriptions.delete(topic);
        subsChanged = true;
      }
    }
    const changed = membersChanged || subsChanged;
    if (changed) {
      this.onConsumerGroupChanged(r.group);
      if (r.notify) this.notifyConsumerIdsChanged(r.group);
    }
    return changed;
  }

  unregisterConsumer(group: string, clientId: string): void {
    const info = this.consumers.get(group);
    if (!info || !info.clients.delete(clientId)) return;
    this.afterConsumerRemoved(group, info);
  }

  unregisterProducer(group: string, clientId: string): void {
    const clients = this.producers.get(group);
    if (!clients) return;
    clients.delete(clientId);
    if (clients.size === 0) this.producers.delete(group);
  }

  /** Drops every registration made over `connection` (it closed). */
  connectionClosed(connection: RemotingConnection): void {
    for (const [group, clients] of this.producers) {
      for (const [id, c] of clients) if (c.connection === connection) clients.delete(id);
      if (clients.size === 0) this.producers.delete(group);
    }
    for (const [group, info] of this.consumers) {
      let removed = false;
      for (const [id, c] of info.clients) {
        if (c.connection === connection) {
          info.clients.delete(id);
          removed = true;
        }
      }
      if (removed) this.afterConsumerRemoved(group, info);
    }
  }

  scanExpired(now = Date.now()): void {
    const timeout = this.options.channelExpiredTimeout;
    const expired = new Set<RemotingConnection>();
    for (const clients of this.producers.values()) for (const c of clients.values()) if (now - c.lastUpdate > timeout) expired.add(c.connection);
    for (const info of this.consumers.values()) for (const c of info.clients.values()) if (now - c.lastUpdate > timeout) expired.add(c.connection);
    for (const connection of expired) {
      this.options.logger.warn(`Client channel ${connection.addr} expired (no heartbeat for ${timeout} ms); closing it`, 'ClientRegistry');
      this.connectionClosed(connection);
      connection.destroy();
    }
  }

  private afterConsumerRemoved(group: string, info: ConsumerGroupInfo): void {
    if (info.clients.size === 0) this.consumers.delete(group);
    this.onConsumerGroupChanged(group);
    if (info.clients.size > 0 && (this.options.groupNotifies?.(group) ?? true)) this.notifyConsumerIdsChanged(group);
  }

  private watch(connection: RemotingConnection): void {
    if (this.watched.has(connection)) return;
    this.watched.add(connection);
    connection.once('close', () => this.connectionClosed(connection));
  }

  /** One-way NOTIFY_CONSUMER_IDS_CHANGED to every member (not for broadcasting groups). */
  notifyConsumerIdsChanged(group: string): void {
    if (!this.options.notifyConsumerIdsChangedEnable) return;
    const info = this.consumers.get(group);
    if (!info || info.messageModel === 'BROADCASTING') return;
    const ext = NotifyConsumerIdsChangedRequestHeader.encode({ consumerGroup: group });
    for (const c of info.clients.values()) {
      if (c.connection.closed) continue;
      c.connection.invokeOneway(RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { ...ext })).catch((err: Error) => {
        this.options.logger.warn(`NOTIFY_CONSUMER_IDS_CHANGED to ${c.connection.addr} failed: ${err.message}`, 'ClientRegistry');
      });
    }
  }
}
