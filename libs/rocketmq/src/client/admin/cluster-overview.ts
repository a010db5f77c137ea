/** The name server's view of clusters and brokers (GET_BROKER_CLUSTER_INFO), in a shape admins can read. */
import type { ClusterInfo } from '../../protocol/body/cluster-info.js';
import type { BrokerData } from '../../protocol/body/topic-route-data.js';
import { ClusterNotFoundError } from './admin-errors.js';

export interface BrokerReplica {
  /** 0 is the master. */
  brokerId: number;
  addr: string;
}

export interface BrokerSummary {
  brokerName: string;
  cluster: string;
  /** Master first, then slaves by id. */
  replicas: BrokerReplica[];
  /** Address of broker id 0, when the group has a master. */
  masterAddr: string | undefined;
}

export interface ClusterOverview {
  /** clusterName → brokerNames (sorted). */
  clusters: Record<string, string[]>;
  /** brokerName → broker. */
  brokers: Record<string, BrokerSummary>;
}

export function brokerSummary(bd: BrokerData): BrokerSummary {
  const replicas = Object.entries(bd.brokerAddrs)
    .map(([id, addr]) => ({ brokerId: Number(id), addr }))
    .sort((a, b) => a.brokerId - b.brokerId);
  return { brokerName: bd.brokerName, cluster: bd.cluster, replicas, masterAddr: replicas.find((r) => r.brokerId === 0)?.addr };
}

/** An address to read from: the master, else the lowest-id slave (Java's `BrokerData.selectBrokerAddr` prefers the master). */
export function readableAddr(bd: BrokerData): string | undefined {
  const s = brokerSummary(bd);
  return s.masterAddr ?? s.replicas[0]?.addr;
}

export function clusterOverview(info: ClusterInfo): ClusterOverview {
  const clusters: Record<string, string[]> = {};
  for (const [cluster, names] of Object.entries(info.clusterAddrTable)) clusters[cluster] = [...names].sort();
  const brokers: Record<string, BrokerSummary> = {};
  for (const [name, bd] of Object.entries(info.brokerAddrTable)) brokers[name] = brokerSummary(bd);
  return { clusters, brokers };
}

/** Brokers of one cluster; throws ClusterNotFoundError when the name server does not know it. */
export function brokersOfCluster(overview: ClusterOverview, clusterName: string): BrokerSummary[] {
  const names = overview.clusters[clusterName];
  if (!names) throw new ClusterNotFoundError(clusterName, Object.keys(overview.clusters).sort());
  return names.map((n) => overview.brokers[n]).filter((b): b is BrokerSummary => b !== undefined);
}

/** Master addresses of one cluster (brokers without a master are skipped, as `mqadmin -c` does). */
export function masterAddrsOfCluster(overview: ClusterOverview, clusterName: string): string[] {
  return brokersOfCluster(overview, clusterName)
    .map((b) => b.masterAddr)
    .filter((a): a is string => a !== undefined);
}

/** Every address (masters and slaves) of one cluster. */
export function allAddrsOfCluster(overview: ClusterOverview, clusterName: string): string[] {
  return brokersOfCluster(overview, clusterName).flatMap((b) => b.replicas.map((r) => r.addr));
}
