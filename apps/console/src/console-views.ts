/** What the console's API answers: plain JSON views of the cluster, built from the admin client's results. */

export interface BrokerView {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  version: string | undefined;
  putTps: number | undefined;
  getTps: number | undefined;
  messagesPutToday: number | undefined;
  messagesGotToday: number | undefined;
  error?: string;
}

export interface ClusterView {
  nameServer: string;
  clusters: Record<string, string[]>;
  brokers: BrokerView[];
}

export interface TopicView {
  topic: string;
  kind: 'normal' | 'retry' | 'dlq' | 'system';
  queues: number;
  storedMessages: number;
  totalMaxOffset: number;
  lastUpdateTimestamp: number;
  groups: string[];
  error?: string;
}

export interface GroupQueueView {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

export interface GroupView {
  group: string;
  topics: string[];
  online: number;
  totalLag: number;
  consumeTps: number;
  lastConsumeTimestamp: number;
  queues: GroupQueueView[];
  error?: string;
}

export interface MessageView {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags: string | undefined;
  keys: string[];
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  storeHost: string;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  bodySize: number;
}
