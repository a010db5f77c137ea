/** ClusterInfo: GET_BROKER_CLUSTER_INFO body (`body/ClusterInfo.java`). Java always writes numeric brokerAddrs keys bare. */
import { encodeFastjson, type JsonValue, type JsonWritable } from '../json/fastjson.js';
import { parseBody, mapEntries, strArr } from './json-fields.js';
import { brokerDataFromJson, brokerDataToJson, type BrokerData } from './topic-route-data.js';

export interface ClusterInfo {
  /** brokerName → BrokerData */
  brokerAddrTable: Record<string, BrokerData>;
  /** clusterName → brokerNames */
  clusterAddrTable: Record<string, string[]>;
}

const WHAT = 'ClusterInfo';

export function clusterInfoFromJson(v: JsonValue): ClusterInfo {
  const o = parseBody(WHAT, v);
  const brokerAddrTable: Record<string, BrokerData> = {};
  for (const [k, bd] of mapEntries(WHAT, o, 'brokerAddrTable')) brokerAddrTable[String(k)] = brokerDataFromJson(bd, WHAT);
  const clusterAddrTable: Record<string, string[]> = {};
  for (const [k, names] of mapEntries(WHAT, o, 'clusterAddrTable')) clusterAddrTable[String(k)] = strArr(WHAT, { names }, 'names');
  return { brokerAddrTable, clusterAddrTable };
}

export function decodeClusterInfo(body: Buffer | string): ClusterInfo {
  return clusterInfoFromJson(parseBody(WHAT, body));
}

/** Legacy fastjson form by default (what Java name servers send); `standard: true` for valid JSON. */
export function encodeClusterInfo(info: ClusterInfo, options: { standard?: boolean } = {}): Buffer {
  const standard = options.standard ?? false;
  const brokerAddrTable: Record<string, JsonWritable> = {};
  for (const [name, bd] of Object.entries(info.brokerAddrTable)) brokerAddrTable[name] = brokerDataToJson(bd, standard);
  return encodeFastjson({ brokerAddrTable, clusterAddrTable: info.clusterAddrTable }, { mode: standard ? 'standard' : 'fastjson' });
}
