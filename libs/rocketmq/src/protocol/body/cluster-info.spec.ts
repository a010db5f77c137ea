import { describe, it, expect } from '@jest/globals';
import { decodeClusterInfo, encodeClusterInfo } from './cluster-info.js';

describe('ClusterInfo', () => {
  const text =
    '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},' +
    '"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';

  it('reads the always-non-standard name server output', () => {
    const ci = decodeClusterInfo(text);
    expect(ci.brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ '0': '10.0.0.1:10911' });
    expect(ci.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
  });

  it('writes the same bytes back, or standard JSON on request', () => {
    const ci = decodeClusterInfo(text);
    expect(encodeClusterInfo(ci).toString()).toBe(text);
    expect(JSON.parse(encodeClusterInfo(ci, { standard: true }).toString()).brokerAddrTable['broker-a'].brokerAddrs).toEqual({ '0': '10.0.0.1:10911' });
  });
});
