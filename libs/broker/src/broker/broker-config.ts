/**
 * Broker settings. Keys are Apache RocketMQ's broker.conf names where one exists, so a broker.conf
 * file loads as is; values here are the Apache defaults unless a comment says otherwise.
 */
export interface BrokerConfig {
  brokerClusterName: string;
  brokerName: string;
  /** 0 = master. The embedded broker runs masters only (no HA replication). */
  brokerId: number;
  /** Address registered in routes and written as the store host. */
  brokerIP1: string;
  /** 0 = a free port. */
  listenPort: number;
  /** Name servers, `;`-separated. */
  namesrvAddr: string;
  storePathRootDir: string;
  /** Applied (AND) to every topic's perm at registration: 6 = R|W. */
  brokerPermission: number;

  defaultTopicQueueNums: number;
  autoCreateTopicEnable: boolean;
  autoCreateSubscriptionGroup: boolean;
  clusterTopicEnable: boolean;
  brokerTopicEnable: boolean;
  enablePropertyFilter: boolean;
  filterSupportRetry: boolean;
  longPollingEnable: boolean;
  shortPollingTimeMills: number;
  notifyConsumerIdsChangedEnable: boolean;
  /** ms a client channel may stay silent before it is dropped. */
  channelExpiredTimeout: number;
  /** ms between persisting consumer offsets. */
  flushConsumerOffsetInterval: number;
  /** ms between name-server registrations. */
  registerNameServerPeriod: number;
  /** ms; a lock not renewed within it expires (rocketmq.broker.rebalance.lockMaxLiveTime). */
  rebalanceLockMaxLiveTime: number;

  transactionTimeOut: number;
  transactionCheckMax: number;
  transactionCheckInterval: number;
  rejectTransactionMessage: boolean;

  storeReplyMessageEnable: boolean;
  /** `1s 5s 10s 30s 1m ...` (units s/m/h/d). */
  messageDelayLevel: string;
  timerWheelEnable: boolean;
  timerPrecisionMs: number;
  timerMaxDelaySec: number;

  aclEnable: boolean;
  /** Region reported in send responses. */
  regionId: string;
  traceOn: boolean;

  // store (MessageStoreConfig)
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  flushIntervalCommitLog: number;
  syncFlushTimeout: number;
  mappedFileSizeCommitLog: number;
  mappedFileSizeConsumeQueue: number;
  maxMessageSize: number;
  messageIndexEnable: boolean;
  fileReservedTime: number;
  diskMaxUsedSpaceRatio: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInMemory: number;
}

export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

export function defaultBrokerConfig(): BrokerConfig {
  return {
    brokerClusterName: 'DefaultCluster',
    brokerName: 'broker-a',
    brokerId: 0,
    brokerIP1: '127.0.0.1',
    listenPort: 0,
    namesrvAddr: '',
    storePathRootDir: '',
    brokerPermission: 6,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    enablePropertyFilter: true,
    filterSupportRetry: false,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    channelExpiredTimeout: 120_000,
    flushConsumerOffsetInterval: 5_000,
    registerNameServerPeriod: 30_000,
    rebalanceLockMaxLiveTime: 60_000,
    transactionTimeOut: 6_000,
    transactionCheckMax: 15,
    transactionCheckInterval: 30_000,
    rejectTransactionMessage: false,
    storeReplyMessageEnable: true,
    messageDelayLevel: DEFAULT_MESSAGE_DELAY_LEVEL,
    timerWheelEnable: true,
    timerPrecisionMs: 1000,
    timerMaxDelaySec: 259_200,
    aclEnable: false,
    regionId: 'DefaultRegion',
    traceOn: true,
    flushDiskType: 'ASYNC_FLUSH',
    flushIntervalCommitLog: 500,
    syncFlushTimeout: 5_000,
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300_000 * 20,
    maxMessageSize: 4 * 1024 * 1024,
    messageIndexEnable: true,
    fileReservedTime: 72,
    diskMaxUsedSpaceRatio: 75,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
  };
}

/** Parses `1s 5s 10s 30s 1m ...` into milliseconds per level (index 0 = level 1). */
export function parseDelayLevels(text: string): number[] {
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return text
    .trim()
    .split(/\s+/)
    .map((token) => {
      const match = /^(\d+)([smhd])$/.exec(token);
      if (!match) throw new Error(`messageDelayLevel entry "${token}" is not a number followed by s, m, h or d`);
      return Number(match[1]) * unit[match[2]!]!;
    });
}
