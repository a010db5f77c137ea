import { Inject, Injectable } from '@nestjs/common';
import type { AdminClient, MessageExt } from '@app/rocketmq';
import { CONSOLE_ADMIN, CONSOLE_NAME_SERVER } from './console.tokens.js';
import type { BrokerView, ClusterView, GroupView, MessageView, TopicView } from './console-views.js';

const SYSTEM_TOPIC = /^(TBW102|SCHEDULE_TOPIC_XXXX|RMQ_SYS_|rmq_sys_|TRANS_CHECK_MAX_TIME_TOPIC|SELF_TEST_TOPIC|OFFSET_MOVED_EVENT|BenchmarkTest|DefaultCluster$)|_REPLY_TOPIC$/;
const RETRY_PREFIX = '%RETRY%';
const DLQ_PREFIX = '%DLQ%';

/** Reads the cluster through the admin client and shapes it for the console (what mqadmin prints, as JSON). */
@Injectable()
export class ClusterQueries {
  constructor(
    @Inject(CONSOLE_ADMIN) private readonly admin: AdminClient,
    @Inject(CONSOLE_NAME_SERVER) private readonly nameServer: string,
  ) {}

  async cluster(): Promise<ClusterView> {
    const overview = await this.admin.clusterInfo();
    const brokers: BrokerView[] = [];
    for (const summary of Object.values(overview.brokers)) {
      for (const replica of summary.replicas) {
        brokers.push(await this.broker(summary.cluster, summary.brokerName, replica.brokerId, replica.addr));
      }
    }
    brokers.sort((a, b) => a.brokerName.localeCompare(b.brokerName) || a.brokerId - b.brokerId);
    return { nameServer: this.nameServer, clusters: overview.clusters, brokers };
  }

  async topics(includeSystem = false): Promise<TopicView[]> {
    const names = (await this.admin.topicList()).filter((t) => includeSystem || kindOf(t) !== 'system');
    const views = await Promise.all(names.map((topic) => this.topic(topic)));
    return views.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  async topic(topic: string): Promise<TopicView> {
    const kind = kindOf(topic);
    try {
      const [stats, groups] = await Promise.all([this.admin.topicStats(topic), kind === 'normal' ? this.admin.groupsConsumingTopic(topic) : Promise.resolve([])]);
      return { topic, kind, queues: stats.queues.length, storedMessages: stats.storedMessages, totalMaxOffset: stats.totalMaxOffset, lastUpdateTimestamp: stats.lastUpdateTimestamp, groups };
    } catch (error) {
      return { topic, kind, queues: 0, storedMessages: 0, totalMaxOffset: 0, lastUpdateTimestamp: 0, groups: [], error: (error as Error).message };
    }
  }

  /** Every consumer group that consumes a normal topic, with its progress and lag. */
  async groups(): Promise<GroupView[]> {
    const topics = (await this.admin.topicList()).filter((t) => kindOf(t) === 'normal');
    const groups = new Set<string>();
    for (const topic of topics) for (const group of await this.admin.groupsConsumingTopic(topic).catch(() => [] as string[])) groups.add(group);
    const views = await Promise.all([...groups].map((group) => this.group(group)));
    return views.sort((a, b) => a.group.localeCompare(b.group));
  }

  async group(group: string): Promise<GroupView> {
    try {
      const [progress, topics, online] = await Promise.all([
        this.admin.consumerProgress(group),
        this.admin.topicsConsumedBy(group).catch(() => [] as string[]),
        this.admin.consumerConnections(group).then((c) => c.connections.length).catch(() => 0),
      ]);
      return {
        group,
        topics: topics.filter((t) => kindOf(t) === 'normal').sort(),
        online,
        totalLag: progress.totalLag,
        consumeTps: progress.consumeTps,
        lastConsumeTimestamp: progress.lastConsumeTimestamp,
        queues: progress.queues.map((q) => ({ topic: q.mq.topic, brokerName: q.mq.brokerName, queueId: q.mq.queueId, brokerOffset: q.brokerOffset, consumerOffset: q.consumerOffset, lag: q.lag })),
      };
    } catch (error) {
      return { group, topics: [], online: 0, totalLag: 0, consumeTps: 0, lastConsumeTimestamp: 0, queues: [], error: (error as Error).message };
    }
  }

  async messagesByKey(topic: string, key: string): Promise<MessageView[]> {
    return (await this.admin.queryMessageByKey(topic, key, { maxNum: 64 })).map(messageView);
  }

  /** A message by its id: the client id (UNIQ_KEY) needs the topic; an offset id does not. */
  async messageById(msgId: string, topic?: string): Promise<MessageView> {
    if (topic) {
      try {
        return messageView(await this.admin.queryMessageByUniqueKey(topic, msgId));
      } catch {
        // not a unique key of that topic: try it as an offset msgId
      }
    }
    return messageView(await this.admin.viewMessage(msgId, topic));
  }

  private async broker(cluster: string, brokerName: string, brokerId: number, addr: string): Promise<BrokerView> {
    const base = { cluster, brokerName, brokerId, addr };
    try {
      const info = await this.admin.brokerRuntimeInfo(addr);
      return {
        ...base,
        version: info['brokerVersionDesc'],
        putTps: firstNumber(info['putTps']),
        getTps: firstNumber(info['getTransferedTps'] ?? info['getTransferredTps']),
        messagesPutToday: firstNumber(info['msgPutTotalTodayNow']),
        messagesGotToday: firstNumber(info['msgGetTotalTodayNow']),
      };
    } catch (error) {
      return { ...base, version: undefined, putTps: undefined, getTps: undefined, messagesPutToday: undefined, messagesGotToday: undefined, error: (error as Error).message };
    }
  }
}

export function kindOf(topic: string): TopicView['kind'] {
  if (topic.startsWith(RETRY_PREFIX)) return 'retry';
  if (topic.startsWith(DLQ_PREFIX)) return 'dlq';
  if (SYSTEM_TOPIC.test(topic) || topic.includes('_BROKER_') || /^broker-[a-z]$/.test(topic)) return 'system';
  return 'normal';
}

/** `"12.50 10.00 9.80"` (TPS over 10 s, 1 min, 10 min) or `"42"` → the first figure. */
function firstNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

const PRINTABLE = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/;

export function messageView(m: MessageExt): MessageView {
  const text = m.body.toString('utf8');
  const readable = PRINTABLE.test(text) && Buffer.byteLength(text) === m.body.length;
  const shown = m.body.subarray(0, 64 * 1024);
  return {
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    topic: m.topic,
    tags: m.tags,
    keys: m.keys,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    reconsumeTimes: m.reconsumeTimes,
    bornTimestamp: m.bornTimestamp,
    storeTimestamp: m.storeTimestamp,
    bornHost: m.bornHost,
    storeHost: m.storeHost,
    properties: { ...m.properties },
    body: readable ? shown.toString('utf8') : shown.toString('base64'),
    bodyEncoding: readable ? 'utf8' : 'base64',
    bodySize: m.body.length,
  };
}
