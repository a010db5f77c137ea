/**
 * The name server's registry (`RouteInfoManager.java`): which brokers form which cluster, the addresses of each
 * broker group by brokerId, which broker groups serve each topic (QueueData), and when each broker was last heard
 * from. Everything lives in memory and is rebuilt from the brokers' registrations (every 30 s) after a restart.
 *
 * Node runs one request at a time, so the Java read-write lock has no counterpart: each method runs to completion.
 */
import {
  MASTER_ID,
  PermName,
  TopicSysFlag,
  sameDataVersion,
  type BrokerData,
  type ClusterInfo,
  type DataVersion,
  type JsonValue,
  type QueueData,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
  type TopicList,
  type TopicRouteData,
} from '@app/rocketmq/protocol';
import { defaultNamesrvConfig, type NamesrvConfig } from './namesrv-config.js';
import { silentNamesrvLogger, type NamesrvLogger } from './namesrv-logger.js';

/** What a registration is bound to: the broker's connection, closed when the broker expires. */
export interface BrokerChannel {
  close(): unknown;
}

export interface BrokerLiveInfo {
  clusterName: string;
  brokerAddr: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  channel: BrokerChannel | undefined;
  haServerAddr: string;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string;
  heartbeatTimeoutMillis?: number;
  /** Absent for brokers older than 5.0 (they know nothing of acting masters). */
  enableActingMaster?: boolean;
  topicConfigWrapper: TopicConfigSerializeWrapper;
  filterServerList?: string[];
  channel?: BrokerChannel;
}

export interface RegisterBrokerResult {
  /** For a slave: the master's address and HA address, when the master is registered. */
  masterAddr?: string;
  haServerAddr?: string;
}

export interface UnregisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

interface BrokerGroup {
  cluster: string;
  brokerName: string;
  /** brokerId → ip:port */
  addrs: Map<number, string>;
  zoneName: string | undefined;
  enableActingMaster: boolean;
}

export interface RouteInfoManagerOptions {
  config?: NamesrvConfig;
  logger?: NamesrvLogger;
  now?: () => number;
}

const liveKey = (clusterName: string, brokerAddr: string): string => `${clusterName}\u0000${brokerAddr}`;

export class RouteInfoManager {
  /** topic → brokerName → QueueData */
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  /** brokerName → broker group */
  private readonly brokerAddrTable = new Map<string, BrokerGroup>();
  /** clusterName → brokerNames */
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  /** (clusterName, brokerAddr) → liveness */
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  /** (clusterName, brokerAddr) → filter servers (legacy, normally empty) */
  private readonly filterServerTable = new Map<string, string[]>();
  /** topic → brokerName → TopicQueueMappingInfo (5.x static topics, passed through as JSON) */
  private readonly topicQueueMappingInfoTable = new Map<string, Map<string, JsonValue>>();

  private readonly config: NamesrvConfig;
  private readonly logger: NamesrvLogger;
  private readonly now: () => number;

  constructor(options: RouteInfoManagerOptions = {}) {
    this.config = options.config ?? defaultNamesrvConfig();
    this.logger = options.logger ?? silentNamesrvLogger;
    this.now = options.now ?? Date.now;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Registration

  /**
   * REGISTER_BROKER. Returns undefined when the registration is refused: an incremental single-topic registration
   * from a broker whose full registration has not arrived yet.
   */
  registerBroker(input: RegisterBrokerInput): RegisterBrokerResult | undefined {
    const { clusterName, brokerAddr, brokerName, brokerId, topicConfigWrapper } = input;
    const result: RegisterBrokerResult = {};

    let brokerNames = this.clusterAddrTable.get(clusterName);
    if (!brokerNames) {
      brokerNames = new Set();
      this.clusterAddrTable.set(clusterName, brokerNames);
    }
    brokerNames.add(brokerName);

    let registerFirst = false;
    let group = this.brokerAddrTable.get(brokerName);
    if (!group) {
      registerFirst = true;
      group = { cluster: clusterName, brokerName, addrs: new Map(), zoneName: undefined, enableActingMaster: false };
      this.brokerAddrTable.set(brokerName, group);
    }
    const isOldVersionBroker = input.enableActingMaster === undefined;
    group.enableActingMaster = !isOldVersionBroker && input.enableActingMaster === true;
    group.zoneName = input.zoneName;
    const addrs = group.addrs;

    // One address holds one id: a slave promoted to master re-registers under id 0 and drops its old id.
    for (const [id, addr] of addrs) {
      if (addr === brokerAddr && id !== brokerId) addrs.delete(id);
    }

    // Another address already holds this id: the one with the higher stateVersion wins.
    const oldAddr = addrs.get(brokerId);
    if (oldAddr !== undefined && oldAddr !== brokerAddr) {
      const oldLive = this.brokerLiveTable.get(liveKey(clusterName, oldAddr));
      if (oldLive && oldLive.dataVersion.stateVersion > topicConfigWrapper.dataVersion.stateVersion) {
        this.logger.warn(
          `broker ${brokerName}/${brokerId} at ${brokerAddr} conflicts with ${oldAddr} (stateVersion ` +
            `${topicConfigWrapper.dataVersion.stateVersion} < ${oldLive.dataVersion.stateVersion}): ignored`,
          'RouteInfoManager',
        );
        this.brokerLiveTable.delete(liveKey(clusterName, brokerAddr));
        return result;
      }
    }

    if (!addrs.has(brokerId) && Object.keys(topicConfigWrapper.topicConfigTable).length === 1) {
      this.logger.warn(
        `refusing the single-topic registration of ${brokerName}/${brokerId} at ${brokerAddr}: its full registration has not arrived`,
        'RouteInfoManager',
      );
      return undefined;
    }

    addrs.set(brokerId, brokerAddr);
    registerFirst ||= oldAddr === undefined || oldAddr === '';

    const isMaster = brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && brokerId === Math.min(...addrs.keys());

    if (isMaster || isPrimeSlave) {
      const tcTable = topicConfigWrapper.topicConfigTable;
      const mappingInfos = topicConfigWrapper.topicQueueMappingInfoMap ?? {};
      const hasMappings = Object.keys(mappingInfos).length > 0;

      if (this.config.deleteTopicWithBrokerRegistration && !hasMappings) {
        for (const [topic, queueDatas] of this.topicQueueTable) {
          if (!queueDatas.has(brokerName) || topic in tcTable) continue;
          queueDatas.delete(brokerName);
          if (queueDatas.size === 0) this.topicQueueTable.delete(topic);
        }
      }

      const brokerChanged = this.isBrokerTopicConfigChanged(clusterName, brokerAddr, topicConfigWrapper.dataVersion);
      for (const topicConfig of Object.values(tcTable)) {
        if (registerFirst || brokerChanged || !this.topicQueueTable.get(topicConfig.topicName)?.has(brokerName)) {
          let perm = topicConfig.perm;
          // An acting master (lowest-id slave while the master is gone) serves reads only.
          if (isPrimeSlave && group.enableActingMaster) perm &= ~PermName.WRITE;
          this.createAndUpdateQueueData(brokerName, { ...topicConfig, perm });
        }
      }

      if (brokerChanged || registerFirst) {
        for (const [topic, info] of Object.entries(mappingInfos)) {
          let byBroker = this.topicQueueMappingInfoTable.get(topic);
          if (!byBroker) {
            byBroker = new Map();
            this.topicQueueMappingInfoTable.set(topic, byBroker);
          }
          const bname = info !== null && typeof info === 'object' && !Array.isArray(info) && !(info instanceof Map) ? info['bname'] : undefined;
          byBroker.set(typeof bname === 'string' ? bname : brokerName, info);
        }
      }
    }

    const key = liveKey(clusterName, brokerAddr);
    const previous = this.brokerLiveTable.get(key);
    this.brokerLiveTable.set(key, {
      clusterName,
      brokerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: input.heartbeatTimeoutMillis ?? this.config.brokerExpiryMs,
      dataVersion: { ...topicConfigWrapper.dataVersion },
      channel: input.channel,
      haServerAddr: input.haServerAddr,
    });
    if (!previous) this.logger.log(`new broker registered: ${brokerName}/${brokerId} ${brokerAddr} in ${clusterName}`, 'RouteInfoManager');

    if (input.filterServerList) {
      if (input.filterServerList.length === 0) this.filterServerTable.delete(key);
      else this.filterServerTable.set(key, [...input.filterServerList]);
    }

    if (!isMaster) {
      const masterAddr = addrs.get(MASTER_ID);
      const masterLive = masterAddr !== undefined ? this.brokerLiveTable.get(liveKey(clusterName, masterAddr)) : undefined;
      if (masterAddr !== undefined && masterLive) {
        result.masterAddr = masterAddr;
        result.haServerAddr = masterLive.haServerAddr;
      }
    }
    return result;
  }

  private createAndUpdateQueueData(brokerName: string, topicConfig: TopicConfig): void {
    const queueData: QueueData = {
      brokerName,
      readQueueNums: topicConfig.readQueueNums,
      writeQueueNums: topicConfig.writeQueueNums,
      perm: topicConfig.perm,
      topicSysFlag: topicConfig.topicSysFlag,
    };
    let queueDatas = this.topicQueueTable.get(topicConfig.topicName);
    if (!queueDatas) {
      queueDatas = new Map();
      this.topicQueueTable.set(topicConfig.topicName, queueDatas);
      this.logger.log(`new topic registered: ${topicConfig.topicName} on ${brokerName}`, 'RouteInfoManager');
    }
    queueDatas.set(brokerName, queueData);
  }

  /** True when the broker is unknown or its stored dataVersion differs from `dataVersion`. */
  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.queryBrokerDataVersion(clusterName, brokerAddr);
    return prev === undefined || !sameDataVersion(prev, dataVersion);
  }

  queryBrokerDataVersion(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(liveKey(clusterName, brokerAddr))?.dataVersion;
  }

  /** QUERY_DATA_VERSION and BROKER_HEARTBEAT: the broker is alive. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): void {
    const live = this.brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    if (live) live.lastUpdateTimestamp = this.now();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Unregistration and liveness

  /** UNREGISTER_BROKER, expiry and closed connections all end here. */
  unregisterBrokers(requests: readonly UnregisterBrokerInput[]): void {
    const removedBrokers = new Set<string>();
    const reducedBrokers = new Set<string>();
    for (const { clusterName, brokerAddr, brokerName } of requests) {
      const key = liveKey(clusterName, brokerAddr);
      const removedLive = this.brokerLiveTable.delete(key);
      this.filterServerTable.delete(key);
      let removeBrokerName = false;
      const group = this.brokerAddrTable.get(brokerName);
      if (group) {
        for (const [id, addr] of group.addrs) if (addr === brokerAddr) group.addrs.delete(id);
        if (group.addrs.size === 0) {
          this.brokerAddrTable.delete(brokerName);
          removeBrokerName = true;
        }
      }
      if (removeBrokerName) {
        const names = this.clusterAddrTable.get(clusterName);
        if (names) {
          names.delete(brokerName);
          if (names.size === 0) this.clusterAddrTable.delete(clusterName);
        }
        removedBrokers.add(brokerName);
      } else {
        reducedBrokers.add(brokerName);
      }
      this.logger.log(`broker unregistered: ${brokerName} ${brokerAddr} in ${clusterName}${removedLive ? '' : ' (was not live)'}`, 'RouteInfoManager');
    }
    this.cleanTopics(removedBrokers, reducedBrokers);
  }

  unregisterBroker(request: UnregisterBrokerInput): void {
    this.unregisterBrokers([request]);
  }

  /** A broker group that is gone leaves every topic; one that lost its master stops taking writes if it has an acting master. */
  private cleanTopics(removedBrokers: ReadonlySet<string>, reducedBrokers: ReadonlySet<string>): void {
    for (const [topic, queueDatas] of this.topicQueueTable) {
      for (const brokerName of removedBrokers) queueDatas.delete(brokerName);
      if (queueDatas.size === 0) {
        this.topicQueueTable.delete(topic);
        continue;
      }
      for (const brokerName of reducedBrokers) {
        const queueData = queueDatas.get(brokerName);
        const group = this.brokerAddrTable.get(brokerName);
        if (queueData && group?.enableActingMaster && this.isNoMasterExists(brokerName)) {
          queueData.perm &= ~PermName.WRITE;
        }
      }
    }
  }

  private isNoMasterExists(brokerName: string): boolean {
    const group = this.brokerAddrTable.get(brokerName);
    return !group || group.addrs.size === 0 || Math.min(...group.addrs.keys()) > 0;
  }

  /** Unregisters every broker not heard from within its timeout and closes its channel; returns their addresses. */
  scanNotActiveBrokers(): string[] {
    const now = this.now();
    const expired: BrokerLiveInfo[] = [];
    for (const live of this.brokerLiveTable.values()) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis < now) expired.push(live);
    }
    for (const live of expired) {
      this.logger.warn(`broker ${live.brokerAddr} in ${live.clusterName} not heard from for ${live.heartbeatTimeoutMillis} ms: removing it`, 'RouteInfoManager');
      try {
        void Promise.resolve(live.channel?.close()).catch(() => undefined);
      } catch {
        // closing is best effort
      }
      this.onBrokerGone(live.clusterName, live.brokerAddr);
    }
    return expired.map((live) => live.brokerAddr);
  }

  /** The connection of one or more brokers closed: unregister every broker registered through it. */
  onChannelDestroy(channel: BrokerChannel): void {
    const gone = [...this.brokerLiveTable.values()].filter((live) => live.channel === channel);
    for (const live of gone) this.onBrokerGone(live.clusterName, live.brokerAddr);
  }

  private onBrokerGone(clusterName: string, brokerAddr: string): void {
    const request = this.findBroker(clusterName, brokerAddr);
    if (request) {
      this.unregisterBrokers([request]);
    } else {
      const key = liveKey(clusterName, brokerAddr);
      this.brokerLiveTable.delete(key);
      this.filterServerTable.delete(key);
    }
  }

  private findBroker(clusterName: string, brokerAddr: string): UnregisterBrokerInput | undefined {
    for (const group of this.brokerAddrTable.values()) {
      if (group.cluster !== clusterName) continue;
      for (const [brokerId, addr] of group.addrs) {
        if (addr === brokerAddr) return { clusterName, brokerAddr, brokerName: group.brokerName, brokerId };
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Admin edits

  /** WIPE_WRITE_PERM_OF_BROKER: clears the write bit on every topic of the broker group; returns the topic count. */
  wipeWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, (perm) => perm & ~PermName.WRITE);
  }

  /** ADD_WRITE_PERM_OF_BROKER: sets every topic of the broker group back to read + write; returns the topic count. */
  addWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, () => PermName.READ | PermName.WRITE);
  }

  private operateWritePerm(brokerName: string, change: (perm: number) => number): number {
    let count = 0;
    for (const queueDatas of this.topicQueueTable.values()) {
      const queueData = queueDatas.get(brokerName);
      if (!queueData) continue;
      queueData.perm = change(queueData.perm);
      count++;
    }
    return count;
  }

  /** DELETE_TOPIC_IN_NAMESRV: the whole topic, or only its queues on the brokers of `clusterName`. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (clusterName === undefined || clusterName === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const brokerNames = this.clusterAddrTable.get(clusterName);
    const queueDatas = this.topicQueueTable.get(topic);
    if (!brokerNames || brokerNames.size === 0 || !queueDatas) return;
    for (const brokerName of brokerNames) queueDatas.delete(brokerName);
    if (queueDatas.size === 0) this.topicQueueTable.delete(topic);
  }

  /**
   * REGISTER_TOPIC_IN_NAMESRV (5.x admin): adds or replaces the topic's QueueData of known broker groups.
   * Nothing changes if any QueueData names an unknown broker. Returns whether the topic was registered.
   */
  registerTopic(topic: string, queueDatas: readonly QueueData[]): boolean {
    if (queueDatas.length === 0) return false;
    const unknown = queueDatas.find((qd) => !this.brokerAddrTable.has(qd.brokerName));
    if (unknown) {
      this.logger.warn(`register topic ${topic}: broker ${unknown.brokerName} is not registered`, 'RouteInfoManager');
      return false;
    }
    let table = this.topicQueueTable.get(topic);
    if (!table) {
      table = new Map();
      this.topicQueueTable.set(topic, table);
    }
    for (const qd of queueDatas) table.set(qd.brokerName, { ...qd });
    return true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Queries

  /** The route of a topic: its QueueDatas and copies of the broker groups serving it, or undefined (TOPIC_NOT_EXIST). */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const queueDatas = this.topicQueueTable.get(topic);
    if (!queueDatas) return undefined;
    const route: TopicRouteData = {
      queueDatas: [...queueDatas.values()].map((qd) => ({ ...qd })),
      brokerDatas: [],
      filterServerTable: {},
    };
    for (const brokerName of queueDatas.keys()) {
      const group = this.brokerAddrTable.get(brokerName);
      if (!group) continue;
      const brokerData = toBrokerData(group);
      route.brokerDatas.push(brokerData);
      if (this.filterServerTable.size === 0) continue;
      for (const addr of Object.values(brokerData.brokerAddrs)) {
        const servers = this.filterServerTable.get(liveKey(brokerData.cluster, addr));
        if (servers) route.filterServerTable[addr] = [...servers];
      }
    }
    if (route.queueDatas.length === 0 || route.brokerDatas.length === 0) return undefined;

    const mappings = this.topicQueueMappingInfoTable.get(topic);
    if (mappings && mappings.size > 0) {
      route.topicQueueMappingByBroker = Object.fromEntries(mappings) as TopicRouteData['topicQueueMappingByBroker'];
    }
    if (this.config.supportActingMaster) this.presentActingMasters(route);
    return route;
  }

  /** A broker group without master whose topic is read-only presents its lowest-id slave as id 0. */
  private presentActingMasters(route: TopicRouteData): void {
    for (const brokerData of route.brokerDatas) {
      const ids = Object.keys(brokerData.brokerAddrs).map(Number);
      if (ids.length === 0 || ids.includes(MASTER_ID) || !brokerData.enableActingMaster) continue;
      const queueData = route.queueDatas.find((qd) => qd.brokerName === brokerData.brokerName);
      if (!queueData || (queueData.perm & PermName.WRITE) !== 0) continue;
      const minId = String(Math.min(...ids));
      const addr = brokerData.brokerAddrs[minId]!;
      delete brokerData.brokerAddrs[minId];
      brokerData.brokerAddrs[String(MASTER_ID)] = addr;
    }
  }

  /** GET_BROKER_CLUSTER_INFO */
  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const [name, group] of this.brokerAddrTable) brokerAddrTable[name] = toBrokerData(group);
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusterAddrTable) clusterAddrTable[cluster] = [...names];
    return { brokerAddrTable, clusterAddrTable };
  }

  /** GET_BROKER_MEMBER_GROUP (5.x): the addresses of one broker group. */
  getBrokerMemberGroup(clusterName: string, brokerName: string): { cluster: string; brokerName: string; brokerAddrs: Map<number, string> } {
    const group = this.brokerAddrTable.get(brokerName);
    return { cluster: clusterName, brokerName, brokerAddrs: new Map(group ? [...group.addrs].sort(([a], [b]) => a - b) : []) };
  }

  getAllTopicList(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  /** Topics with a QueueData on any broker group of the cluster (empty for an unknown cluster). */
  getTopicsByCluster(clusterName: string): string[] {
    const brokerNames = this.clusterAddrTable.get(clusterName);
    if (!brokerNames) return [];
    const topics = new Set<string>();
    for (const brokerName of brokerNames) {
      for (const [topic, queueDatas] of this.topicQueueTable) if (queueDatas.has(brokerName)) topics.add(topic);
    }
    return [...topics];
  }

  /** Cluster names and broker names (both usable as topics), plus the address of one broker. */
  getSystemTopicList(): TopicList {
    const topicList = new Set<string>();
    for (const [cluster, names] of this.clusterAddrTable) {
      topicList.add(cluster);
      for (const name of names) topicList.add(name);
    }
    const list: TopicList = { topicList: [...topicList] };
    for (const group of this.brokerAddrTable.values()) {
      const first = group.addrs.values().next();
      if (!first.done) {
        list.brokerAddr = first.value;
        break;
      }
    }
    return list;
  }

  getUnitTopics(): string[] {
    return this.topicsBySysFlag((flag) => (flag & TopicSysFlag.UNIT) !== 0);
  }

  getHasUnitSubTopicList(): string[] {
    return this.topicsBySysFlag((flag) => (flag & TopicSysFlag.UNIT_SUB) !== 0);
  }

  getHasUnitSubUnUnitTopicList(): string[] {
    return this.topicsBySysFlag((flag) => (flag & TopicSysFlag.UNIT) === 0 && (flag & TopicSysFlag.UNIT_SUB) !== 0);
  }

  /** As Java: judged by the first QueueData of each topic. */
  private topicsBySysFlag(test: (flag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, queueDatas] of this.topicQueueTable) {
      const first = queueDatas.values().next();
      if (!first.done && test(first.value.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Inspection (tests, health)

  liveBrokers(): BrokerLiveInfo[] {
    return [...this.brokerLiveTable.values()].map((live) => ({ ...live, dataVersion: { ...live.dataVersion } }));
  }

  /** brokerName → QueueData of a topic (a copy), or undefined. */
  topicQueueDatas(topic: string): Record<string, QueueData> | undefined {
    const queueDatas = this.topicQueueTable.get(topic);
    return queueDatas ? Object.fromEntries([...queueDatas].map(([name, qd]) => [name, { ...qd }])) : undefined;
  }
}

function toBrokerData(group: BrokerGroup): BrokerData {
  const brokerAddrs: Record<string, string> = {};
  for (const [id, addr] of [...group.addrs].sort(([a], [b]) => a - b)) brokerAddrs[String(id)] = addr;
  const brokerData: BrokerData = {
    cluster: group.cluster,
    brokerName: group.brokerName,
    brokerAddrs,
    enableActingMaster: group.enableActingMaster,
  };
  if (group.zoneName !== undefined) brokerData.zoneName = group.zoneName;
  return brokerData;
}
