import { defineHeader, f } from './header-codec.js';

export const GetRouteInfoRequestHeader = defineHeader('GetRouteInfoRequestHeader', {
  topic: f.string(),
  acceptStandardJsonOnly: f.optBool(),
});

export const GetKVConfigRequestHeader = defineHeader('GetKVConfigRequestHeader', {
  namespace: f.string(),
  key: f.string(),
});
export const GetKVConfigResponseHeader = defineHeader('GetKVConfigResponseHeader', { value: f.optString() });

export const PutKVConfigRequestHeader = defineHeader('PutKVConfigRequestHeader', {
  namespace: f.string(),
  key: f.string(),
  value: f.string(),
});

export const DeleteKVConfigRequestHeader = defineHeader('DeleteKVConfigRequestHeader', {
  namespace: f.string(),
  key: f.string(),
});

export const GetKVListByNamespaceRequestHeader = defineHeader('GetKVListByNamespaceRequestHeader', {
  namespace: f.string(),
});

export const DeleteTopicFromNamesrvRequestHeader = defineHeader('DeleteTopicFromNamesrvRequestHeader', {
  topic: f.string(),
  clusterName: f.optString(),
});

export const GetTopicsByClusterRequestHeader = defineHeader('GetTopicsByClusterRequestHeader', {
  cluster: f.string(),
});

export const RegisterBrokerRequestHeader = defineHeader('RegisterBrokerRequestHeader', {
  brokerName: f.string(),
  brokerAddr: f.string(),
  clusterName: f.string(),
  haServerAddr: f.string(),
  brokerId: f.long(),
  heartbeatTimeoutMillis: f.optLong(),
  enableActingMaster: f.optBool(),
  compressed: f.optBool(),
  bodyCrc32: f.optInt(),
});
export type RegisterBrokerRequestHeader = ReturnType<typeof RegisterBrokerRequestHeader.decode>;

export const RegisterBrokerResponseHeader = defineHeader('RegisterBrokerResponseHeader', {
  haServerAddr: f.optString(),
  masterAddr: f.optString(),
});

export const UnRegisterBrokerRequestHeader = defineHeader('UnRegisterBrokerRequestHeader', {
  brokerName: f.string(),
  brokerAddr: f.string(),
  clusterName: f.string(),
  brokerId: f.long(),
});

export const WipeWritePermOfBrokerRequestHeader = defineHeader('WipeWritePermOfBrokerRequestHeader', {
  brokerName: f.string(),
});
export const WipeWritePermOfBrokerResponseHeader = defineHeader('WipeWritePermOfBrokerResponseHeader', {
  wipeTopicCount: f.int(),
});
