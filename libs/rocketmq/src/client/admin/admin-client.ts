import { decodeClusterInfo } from '../../protocol/body/cluster-info.js';
import { createSubscriptionGroupConfig, type SubscriptionGroupConfig } from '../../protocol/body/subscription-group-config.js';
import { decodeTopicList } from '../../protocol/body/topic-list.js';
import type { BrokerData, TopicRouteData } from '../../protocol/body/topic-route-data.js';
import { RocketMQClientError, RocketMQError, RocketMQResponseError } from '../../protocol/errors.js';
import { DeleteTopicFromNamesrvRequestHeader } from '../../protocol/header/namesrv-headers.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { decodeOffsetMessageId } from '../../protocol/message/message-id.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { validateGroup, validateTopic } from '../../protocol/topic-validator.js';
import { ClientInstance } from '../client-instance.js';
import type { ClientOptions } from '../client-options.js';
import { DLQ_PREFIX, RETRY_PREFIX, retryTopic } from '../namespace.js';
import { AdminBrokerApi } from './admin-broker-api.js';
import {
  AdminWaitTimeoutError,
  ConsumerNotOnlineError,
  MessageNotFoundError,
  RocketMQAdminError,
  SubscriptionGroupNotFoundError,
  TopicNotFoundError,
} from './admin-errors.js';
import { allAddrsOfCluster, brokersOfCluster, clusterOverview, readableAddr, type ClusterOverview } from './cluster-overview.js';
import { mergeConsumerConnections, type ConsumerConnection } from './consumer-connection.js';
import { consumerProgressFrom, type ConsumerProgress } from './consumer-progress.js';
import { createTopicHeader, routeShowsTopic, type CreateTopicOptions } from './create-topic.js';
import { couldBeOffsetMessageId, matchesKey, matchesUniqueKey, mergeQueryResults, uniqueKeyWindow, UNBOUNDED_END } from './message-query.js';
import { resetOffsetsByCommit } from './reset-offset.js';
import { topicStatsFrom, type TopicStats } from './topic-stats.js';

export interface CreateTopicResult {
  /** Broker addresses the topic was created on. */
  brokerAddrs: string[];
  /** The name server's route once it showed the topic (undefined when not waited for). */
  route: TopicRouteData | undefined;
}

export interface QueryByKeyOptions {
  /** Most messages each broker returns (default 64, as `mqadmin queryMsgByKey`). */
  maxNum?: number;
  /** Store time window, ms (default: everything). */
  begin?: number;
  end?: number;
}

export interface QueryByUniqueKeyOptions {
  /** Store time window, ms (default: from a day before the time encoded in the id). */
  begin?: number;
  end?: number;
}

export interface DeleteSubscriptionGroupOptions {
  /** Also delete the group's committed offsets (default false, as `mqadmin deleteSubGroup`). */
  cleanOffset?: boolean;
}

/** Subscription group settings: the name plus any fields to change from Java's defaults. */
export type SubscriptionGroupInput = Pick<SubscriptionGroupConfig, 'groupName'> & Partial<SubscriptionGroupConfig>;

const ROUTE_POLL_MS = 200;
const DEFAULT_ROUTE_TIMEOUT_MS = 10_000;

/**
 * Cluster administration over the remoting protocol, like Java's DefaultMQAdminExt / `mqadmin`:
 * topics, subscription groups, consumer progress and offsets, queue offsets and message lookups.
 * Names are used as given (the client option `namespace` is not applied: pass wire names).
 */
export class AdminClient {
  private readonly instance: ClientInstance;
  private readonly api: AdminBrokerApi;
  private readonly timeoutMs: number;
  private state: 'created' | 'running' | 'stopped' = 'created';

  constructor(options: ClientOptions) {
    if (options.namespace) {
      throw new RocketMQClientError(
        `AdminClient works on wire names and does not apply the namespace "${options.namespace}": drop the option and pass "${options.namespace}%<name>" where you mean a namespaced resource`,
      );
    }
    this.instance = ClientInstance.acquire(options);
    this.timeoutMs = this.instance.options.requestTimeoutMs;
    this.api = new AdminBrokerApi(this.instance.remoting, this.timeoutMs);
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'stopped') throw new RocketMQError('This admin client was shut down; create a new one');
    await this.instance.start();
    this.state = 'running';
  }

  async shutdown(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (wasRunning) await this.instance.release();
  }

  // ------------------------------------------------------------------------------------------
  // cluster

  /** Clusters and their brokers with addresses, as the name server knows them. */
  async clusterInfo(): Promise<ClusterOverview> {
    this.assertRunning();
    const response = await this.instance.nameServer.call(RequestCode.GET_BROKER_CLUSTER_INFO);
    return clusterOverview(decodeClusterInfo(this.bodyOf(response, RequestCode.GET_BROKER_CLUSTER_INFO)));
  }

  /** The broker's runtime statistics (GET_BROKER_RUNTIME_INFO): version, offsets, TPS, disk ratios, … as strings. */
  async brokerRuntimeInfo(brokerAddr: string): Promise<Record<string, string>> {
    this.assertRunning();
    return this.api.brokerRuntimeInfo(brokerAddr);
  }

  // ------------------------------------------------------------------------------------------
  // topics

  /**
   * Creates or updates a topic on every master of a cluster (or on the given brokers), then waits
   * until the name server's route shows it there, so producers and consumers can use it at once.
   */
  async createTopic(options: CreateTopicOptions): Promise<CreateTopicResult> {
    this.assertRunning();
    const header = createTopicHeader(options);
    const overview = await this.clusterInfo();
    let targets: { addr: string; brokerName: string | undefined }[];
    if (options.brokerAddrs && options.brokerAddrs.length > 0) {
      targets = options.brokerAddrs.map((addr) => ({
        addr,
        brokerName: Object.values(overview.brokers).find((b) => b.replicas.some((r) => r.addr === addr))?.brokerName,
      }));
    } else if (options.clusterName) {
      targets = brokersOfCluster(overview, options.clusterName)
        .filter((b) => b.masterAddr !== undefined)
        .map((b) => ({ addr: b.masterAddr!, brokerName: b.brokerName }));
    } else {
      throw new RocketMQClientError('createTopic needs clusterName or brokerAddrs: say where the topic lives');
    }
    if (targets.length === 0) throw new RocketMQAdminError(`Cluster "${options.clusterName}" has no master broker to create topic ${options.topic} on`);
    for (const target of targets) await this.api.createTopic(target.addr, header);
    const brokerAddrs = targets.map((t) => t.addr);
    if (options.waitForRoute === false) return { brokerAddrs, route: undefined };

    const brokerNames = targets.map((t) => t.brokerName).filter((n): n is string => n !== undefined);
    const timeoutMs = options.routeTimeoutMs ?? DEFAULT_ROUTE_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const route = await this.instance.updateTopicRoute(options.topic);
      if (route && routeShowsTopic(route, brokerNames, header)) return { brokerAddrs, route };
      if (Date.now() >= deadline) {
        throw new AdminWaitTimeoutError(
          `Topic ${options.topic} was created on ${brokerAddrs.join(', ')} but the name server's route did not show it within ${timeoutMs} ms; ` +
            'check that the brokers can reach the name server, or raise routeTimeoutMs',
        );
      }
      await sleep(ROUTE_POLL_MS);
    }
  }

  /**
   * Deletes a topic from every broker of the cluster (masters and slaves), then from every name
   * server. Each step is tried even when an earlier one failed; the first failure of a master or
   * name server is thrown at the end (slave failures are only logged).
   */
  async deleteTopic(topic: string, clusterName: string): Promise<void> {
    this.assertRunning();
    validateTopic(topic);
    const overview = await this.clusterInfo();
    const masters = new Set(brokersOfCluster(overview, clusterName).map((b) => b.masterAddr));
    const failures: unknown[] = [];
    for (const addr of allAddrsOfCluster(overview, clusterName)) {
      try {
        await this.api.deleteTopic(addr, topic);
      } catch (error) {
        if (masters.has(addr)) failures.push(error);
        else this.instance.logger.warn(`deleting topic ${topic} on slave ${addr} failed: ${(error as Error).message}`, 'AdminClient');
      }
    }
    const ext = DeleteTopicFromNamesrvRequestHeader.encode({ topic, clusterName });
    const code = RequestCode.DELETE_TOPIC_IN_NAMESRV;
    for (const addr of this.instance.nameServer.addresses) {
      try {
        const response = await this.instance.remoting.invoke(addr, RemotingCommand.request(code, { ...ext }), this.timeoutMs);
        if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  /** Every topic the name server knows (5.x name servers may refuse when `enableAllTopicList=false`). */
  async topicList(): Promise<string[]> {
    this.assertRunning();
    const response = await this.instance.nameServer.call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
    return decodeTopicList(this.bodyOf(response, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).topicList.sort();
  }

  /** The topic's route, or undefined when the name server does not know the topic. */
  async topicRoute(topic: string): Promise<TopicRouteData | undefined> {
    this.assertRunning();
    return this.instance.updateTopicRoute(topic);
  }

  /** Min / max offset and last update time of every queue of the topic, from each broker hosting it. */
  async topicStats(topic: string): Promise<TopicStats> {
    this.assertRunning();
    const route = await this.requireRoute(topic);
    const tables = await Promise.all(this.readableBrokers(route).map((b) => this.api.topicStats(b.addr, topic)));
    return topicStatsFrom(topic, tables);
  }

  // ------------------------------------------------------------------------------------------
  // subscription groups

  /** Creates or updates a subscription group on every master of the cluster (Java defaults for unset fields). */
  async createSubscriptionGroup(config: SubscriptionGroupInput, clusterName: string): Promise<void> {
    this.assertRunning();
    validateGroup(config.groupName);
    const full = createSubscriptionGroupConfig(config.groupName, config);
    for (const addr of await this.masterAddrs(clusterName)) await this.api.createSubscriptionGroup(addr, full);
  }

  async deleteSubscriptionGroup(group: string, clusterName: string, options: DeleteSubscriptionGroupOptions = {}): Promise<void> {
    this.assertRunning();
    validateGroup(group);
    for (const addr of await this.masterAddrs(clusterName)) await this.api.deleteSubscriptionGroup(addr, group, options.cleanOffset ?? false);
  }

  // ------------------------------------------------------------------------------------------
  // consumers

  /**
   * Per-queue broker offset, committed offset and lag of a group, with totals. With a topic, only
   * that topic's queues (whether or not the group committed offsets for them); without, every topic
   * the group has offsets for, including its retry topic.
   */
  async consumerProgress(group: string, topic?: string): Promise<ConsumerProgress> {
    this.assertRunning();
    validateGroup(group);
    const brokers = topic === undefined ? await this.brokersForGroup(group) : this.readableBrokers(await this.requireRoute(topic));
    const stats = await Promise.all(brokers.map((b) => this.api.consumeStats(b.addr, group, topic)));
    return consumerProgressFrom(group, stats, topic);
  }

  /** The group's connected clients and their subscriptions; throws ConsumerNotOnlineError when none is connected. */
  async consumerConnections(group: string): Promise<ConsumerConnection> {
    this.assertRunning();
    validateGroup(group);
    const brokers = await this.brokersForGroup(group);
    const parts = await Promise.all(brokers.map((b) => this.api.consumerConnection(b.addr, group)));
    const merged = mergeConsumerConnections(parts.filter((p): p is ConsumerConnection => p !== undefined));
    if (merged.connections.length === 0) throw new ConsumerNotOnlineError(group);
    return merged;
  }

  /**
   * Moves the group's offsets for the topic to the first message stored at or after `timestamp`
   * (−1: to the end) on every broker hosting the topic, and returns the new offset of each queue.
   * Online consumers are told by the broker; when none is online the offsets are committed
   * directly. `force=false` only moves offsets backwards.
   */
  async resetOffsetByTimestamp(topic: string, group: string, timestamp: number, force = true): Promise<MessageQueueMap<number>> {
    this.assertRunning();
    validateGroup(group);
    const route = await this.requireRoute(topic);
    const results = await Promise.all(
      route.brokerDatas.map(async (bd) => {
        const addr = bd.brokerAddrs['0'];
        if (!addr) throw new RocketMQAdminError(`Broker ${bd.brokerName} has no master; offsets can only be reset on a master`);
        const outcome = await this.api.resetOffsetByTimestamp(addr, topic, group, timestamp, force);
        if (outcome.kind === 'reset') return outcome.offsets;
        if (outcome.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) throw new SubscriptionGroupNotFoundError(group, addr);
        const readQueueNums = route.queueDatas.find((q) => q.brokerName === bd.brokerName)?.readQueueNums ?? 0;
        return resetOffsetsByCommit(this.api, { addr, brokerName: bd.brokerName, readQueueNums }, topic, group, timestamp, force);
      }),
    );
    const merged = new MessageQueueMap<number>();
    for (const offsets of results) for (const [mq, offset] of offsets) merged.set(mq, offset);
    return new MessageQueueMap(merged.sortedEntries());
  }

  /**
   * The offsets each online consumer of the group holds for the topic, by client id, asked through
   * the topic's brokers (`mqadmin getConsumerStatus`). `clientAddr` limits it to one client id.
   */
  async consumerStatus(topic: string, group: string, clientAddr?: string): Promise<Map<string, MessageQueueMap<number>>> {
    this.assertRunning();
    validateGroup(group);
    const route = await this.requireRoute(topic);
    const byClient = new Map<string, MessageQueueMap<number>>();
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs['0'];
      if (!addr) continue;
      for (const [clientId, offsets] of await this.api.consumerStatus(addr, topic, group, clientAddr)) {
        const merged = byClient.get(clientId) ?? new MessageQueueMap<number>();
        for (const [mq, offset] of offsets) merged.set(mq, offset);
        byClient.set(clientId, merged);
      }
    }
    return byClient;
  }

  /** Commits an offset for the group on the queue's master (UPDATE_CONSUMER_OFFSET), as `mqadmin updateConsumeOffset`. */
  async updateConsumerOffset(group: string, mq: MessageQueue, offset: number): Promise<void> {
    this.assertRunning();
    validateGroup(group);
    await this.api.updateConsumerOffset(await this.masterAddrOf(mq), group, mq, offset);
  }

  /** The group's committed offset on the queue, or undefined when it has none. */
  async committedOffset(group: string, mq: MessageQueue): Promise<number | undefined> {
    this.assertRunning();
    validateGroup(group);
    return this.api.queryConsumerOffset(await this.masterAddrOf(mq), group, mq);
  }

  /** Topics the group has committed offsets for (or, when online, subscribes to), without its own retry and DLQ topics. */
  async topicsConsumedBy(group: string): Promise<string[]> {
    this.assertRunning();
    validateGroup(group);
    const brokers = await this.brokersForGroup(group);
    const stats = await Promise.all(brokers.map((b) => this.api.consumeStats(b.addr, group)));
    const topics = new Set<string>();
    for (const s of stats) for (const mq of s.offsetTable.keys()) topics.add(mq.topic);
    topics.delete(RETRY_PREFIX + group);
    topics.delete(DLQ_PREFIX + group);
    return [...topics].sort();
  }

  /** Groups that consume the topic: online subscribers and groups with committed offsets (QUERY_TOPIC_CONSUME_BY_WHO). */
  async groupsConsumingTopic(topic: string): Promise<string[]> {
    this.assertRunning();
    const route = await this.requireRoute(topic);
    const lists = await Promise.all(this.readableBrokers(route).map((b) => this.api.groupsConsumingTopic(b.addr, topic)));
    return [...new Set(lists.flat())].sort();
  }

  // ------------------------------------------------------------------------------------------
  // queue offsets

  /** Next offset the queue will assign (GET_MAX_OFFSET). */
  async maxOffset(mq: MessageQueue): Promise<number> {
    this.assertRunning();
    return this.api.maxOffset(await this.masterAddrOf(mq), mq);
  }

  /** Oldest offset still stored (GET_MIN_OFFSET). */
  async minOffset(mq: MessageQueue): Promise<number> {
    this.assertRunning();
    return this.api.minOffset(await this.masterAddrOf(mq), mq);
  }

  /** Offset of the first message stored at or after `timestamp` (ms). */
  async searchOffset(mq: MessageQueue, timestamp: number): Promise<number> {
    this.assertRunning();
    return this.api.searchOffset(await this.masterAddrOf(mq), mq, timestamp);
  }

  /** Store time of the oldest message still in the queue, ms. */
  async earliestMessageTime(mq: MessageQueue): Promise<number> {
    this.assertRunning();
    return this.api.earliestMsgStoreTime(await this.masterAddrOf(mq), mq);
  }

  // ------------------------------------------------------------------------------------------
  // messages

  /** The message with this offset msgId (store host + commit-log offset, as SendResult.offsetMsgId). */
  async viewMessage(offsetMsgId: string, topic?: string): Promise<MessageExt> {
    this.assertRunning();
    const { storeHost, commitLogOffset } = decodeOffsetMessageId(offsetMsgId);
    const message = await this.api.viewMessage(storeHost, commitLogOffset, topic);
    if (!message) throw new MessageNotFoundError(`No message is stored at commit-log offset ${commitLogOffset} of ${storeHost} (offset msgId ${offsetMsgId})`);
    return message;
  }

  /**
   * Messages of the topic carrying `key` in their KEYS, from every broker hosting the topic, oldest
   * first; [] when none. The broker indexes messages asynchronously, so a just-sent message may take
   * a moment to show up.
   */
  async queryMessageByKey(topic: string, key: string, options: QueryByKeyOptions = {}): Promise<MessageExt[]> {
    this.assertRunning();
    const maxNum = options.maxNum ?? 64;
    const answers = await this.queryAllBrokers(topic, {
      topic,
      key,
      maxNum,
      beginTimestamp: options.begin ?? 0,
      endTimestamp: options.end ?? UNBOUNDED_END,
      _UNIQUE_KEY_QUERY: false,
    });
    return mergeQueryResults(answers, (m) => matchesKey(m, topic, key), maxNum);
  }

  /**
   * The message whose unique id (`UNIQ_KEY`, SendResult.msgId) is `msgId`, looked up in the index
   * around the time the id encodes. When the index finds nothing and the id has the shape of an
   * offset msgId, it is tried as one. Throws MessageNotFoundError when neither finds it.
   */
  async queryMessageByUniqueKey(topic: string, msgId: string, options: QueryByUniqueKeyOptions = {}): Promise<MessageExt> {
    this.assertRunning();
    const window = uniqueKeyWindow(msgId);
    const answers = await this.queryAllBrokers(topic, {
      topic,
      key: msgId,
      maxNum: 32,
      beginTimestamp: options.begin ?? window.begin,
      endTimestamp: options.end ?? window.end,
      _UNIQUE_KEY_QUERY: true,
    });
    const found = mergeQueryResults(answers, (m) => matchesUniqueKey(m, msgId));
    if (found[0]) return found[0];
    if (couldBeOffsetMessageId(msgId)) {
      try {
        return await this.viewMessage(msgId, topic);
      } catch (error) {
        this.instance.logger.debug?.(`${msgId} is not an offset msgId either: ${(error as Error).message}`, 'AdminClient');
      }
    }
    throw new MessageNotFoundError(`No message of topic ${topic} has the unique id ${msgId} (the index may lag a few seconds behind a send)`);
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  private assertRunning(): void {
    if (this.state !== 'running') {
      throw new RocketMQClientError(this.state === 'created' ? 'Call AdminClient.start() first' : 'This admin client was shut down; create a new one');
    }
  }

  private bodyOf(response: RemotingCommand, code: number): Buffer {
    if (!response.body || response.body.length === 0) {
      throw new RocketMQResponseError(response.code, 'the response has no body', this.instance.nameServer.addresses.join(';'), requestCodeName(code));
    }
    return response.body;
  }

  private async requireRoute(topic: string): Promise<TopicRouteData> {
    validateTopic(topic);
    const route = await this.instance.updateTopicRoute(topic);
    if (!route) throw new TopicNotFoundError(topic);
    return route;
  }

  private readableBrokers(route: TopicRouteData): { brokerName: string; addr: string }[] {
    return route.brokerDatas
      .map((bd: BrokerData) => ({ brokerName: bd.brokerName, addr: readableAddr(bd) }))
      .filter((b): b is { brokerName: string; addr: string } => b.addr !== undefined);
  }

  /** Brokers that may hold a group's offsets: those of its retry topic, else every broker the name server knows. */
  private async brokersForGroup(group: string): Promise<{ brokerName: string; addr: string }[]> {
    const route = await this.instance.updateTopicRoute(retryTopic(group));
    if (route && route.brokerDatas.length > 0) return this.readableBrokers(route);
    const overview = await this.clusterInfo();
    return Object.values(overview.brokers)
      .map((b) => ({ brokerName: b.brokerName, addr: b.masterAddr ?? b.replicas[0]?.addr }))
      .filter((b): b is { brokerName: string; addr: string } => b.addr !== undefined);
  }

  private async masterAddrs(clusterName: string): Promise<string[]> {
    const brokers = brokersOfCluster(await this.clusterInfo(), clusterName);
    const addrs = brokers.map((b) => b.masterAddr).filter((a): a is string => a !== undefined);
    if (addrs.length === 0) throw new RocketMQAdminError(`Cluster "${clusterName}" has no master broker`);
    return addrs;
  }

  /** The master of the queue's broker (from the cached route, refreshed once when unknown). */
  private async masterAddrOf(mq: MessageQueue): Promise<string> {
    const known = this.instance.subscribeAddr(mq.brokerName);
    if (known) return known.addr;
    await this.requireRoute(mq.topic);
    const refreshed = this.instance.subscribeAddr(mq.brokerName);
    if (!refreshed) throw new RocketMQAdminError(`Broker ${mq.brokerName} is not in the route of topic ${mq.topic}; check the queue's broker name`);
    return refreshed.addr;
  }

  /** QUERY_MESSAGE to every broker of the topic; a broker that fails is skipped unless all fail. */
  private async queryAllBrokers(topic: string, header: Parameters<AdminBrokerApi['queryMessage']>[1]): Promise<MessageExt[][]> {
    const brokers = this.readableBrokers(await this.requireRoute(topic));
    const settled = await Promise.allSettled(brokers.map((b) => this.api.queryMessage(b.addr, header)));
    const answers: MessageExt[][] = [];
    const failures: unknown[] = [];
    for (const s of settled) {
      if (s.status === 'fulfilled') answers.push(s.value);
      else failures.push(s.reason);
    }
    if (answers.length === 0 && failures.length > 0) throw failures[0];
    for (const failure of failures) this.instance.logger.warn(`message query failed on one broker: ${(failure as Error).message}`, 'AdminClient');
    return answers;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
