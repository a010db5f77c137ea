import { describe, expect, it } from '@jest/globals';
import { decodeClusterInfo } from '../../protocol/body/cluster-info.js';
import { ClusterNotFoundError } from './admin-errors.js';
import { allAddrsOfCluster, clusterOverview, masterAddrsOfCluster, readableAddr } from './cluster-overview.js';
import { mergeConsumerConnections, type ConsumerConnection } from './consumer-connection.js';

// fastjson as a name server writes it: bare numeric brokerAddrs keys.
const body =
  '{"brokerAddrTable":{"b":{"brokerAddrs":{1:"10.0.0.3:10911",0:"10.0.0.2:10911"},"brokerName":"b","cluster":"C1"},' +
  '"a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"a","cluster":"C1"},' +
  '"s":{"brokerAddrs":{2:"10.0.0.9:10911"},"brokerName":"s","cluster":"C2"}},' +
  '"clusterAddrTable":{"C1":["b","a"],"C2":["s"]}}';

describe('cluster overview', () => {
  const overview = clusterOverview(decodeClusterInfo(body));

  it('lists the brokers of each cluster with replicas ordered master first', () => {
    expect(overview.clusters).toEqual({ C1: ['a', 'b'], C2: ['s'] });
    expect(overview.brokers['b']).toEqual({
      brokerName: 'b',
      cluster: 'C1',
      replicas: [
        { brokerId: 0, addr: '10.0.0.2:10911' },
        { brokerId: 1, addr: '10.0.0.3:10911' },
      ],
      masterAddr: '10.0.0.2:10911',
    });
  });

  it('finds the masters (and all replicas) of a cluster, skipping master-less brokers', () => {
    expect(masterAddrsOfCluster(overview, 'C1')).toEqual(['10.0.0.1:10911', '10.0.0.2:10911']);
    expect(masterAddrsOfCluster(overview, 'C2')).toEqual([]);
    expect(allAddrsOfCluster(overview, 'C1')).toEqual(['10.0.0.1:10911', '10.0.0.2:10911', '10.0.0.3:10911']);
  });

  it('reads from the master, else from a slave', () => {
    expect(readableAddr({ cluster: 'C', brokerName: 'x', brokerAddrs: { '1': 's1', '0': 'm' } })).toBe('m');
    expect(readableAddr({ cluster: 'C', brokerName: 'x', brokerAddrs: { '2': 's2', '1': 's1' } })).toBe('s1');
  });

  it('names the known clusters when asked for an unknown one', () => {
    expect(() => masterAddrsOfCluster(overview, 'Nope')).toThrow(ClusterNotFoundError);
    expect(() => masterAddrsOfCluster(overview, 'Nope')).toThrow(/known: C1, C2/);
  });
});

describe('consumer connections of several brokers', () => {
  const part = (clientIds: string[], subVersion: number): ConsumerConnection => ({
    connections: clientIds.map((clientId) => ({ clientId, clientAddr: '1.1.1.1:1', language: 'JAVA', version: 409 })),
    subscriptions: { T: { topic: 'T', subString: `v${subVersion}`, tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false } },
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
  });

  it('lists each client once and keeps the newest subscription', () => {
    const merged = mergeConsumerConnections([part(['c2', 'c1'], 1), part(['c1', 'c3'], 5)]);
    expect(merged.connections.map((c) => c.clientId)).toEqual(['c1', 'c2', 'c3']);
    expect(merged.subscriptions['T']?.subString).toBe('v5');
    expect(merged.messageModel).toBe('CLUSTERING');
  });
});
