/**
 * Name-server request headers that the protocol layer does not define (they are only ever sent by brokers
 * and admin tools). Field names are the Java ones (`header/namesrv/*.java`, `header/GetBrokerMemberGroupRequestHeader.java`).
 */
import { defineHeader, f } from '@app/rocketmq/protocol';

/** Request codes the name server serves that the client's RequestCode table does not carry. */
export const NamesrvRequestCode = {
  GET_BROKER_MEMBER_GROUP: 901,
} as const;

export const QueryDataVersionRequestHeader = defineHeader('QueryDataVersionRequestHeader', {
  brokerName: f.string(),
  brokerAddr: f.string(),
  clusterName: f.string(),
  brokerId: f.long(),
});

export const QueryDataVersionResponseHeader = defineHeader('QueryDataVersionResponseHeader', {
  changed: f.bool(),
});

export const BrokerHeartbeatRequestHeader = defineHeader('BrokerHeartbeatRequestHeader', {
  clusterName: f.string(),
  brokerAddr: f.string(),
  brokerName: f.string(),
  brokerId: f.optLong(),
  epoch: f.optInt(),
  maxOffset: f.optLong(),
  confirmOffset: f.optLong(),
  heartbeatTimeoutMills: f.optLong(),
  electionPriority: f.optInt(),
});

export const AddWritePermOfBrokerRequestHeader = defineHeader('AddWritePermOfBrokerRequestHeader', {
  brokerName: f.string(),
});

export const AddWritePermOfBrokerResponseHeader = defineHeader('AddWritePermOfBrokerResponseHeader', {
  addTopicCount: f.int(),
});

export const RegisterTopicRequestHeader = defineHeader('RegisterTopicRequestHeader', {
  topic: f.string(),
});

export const GetBrokerMemberGroupRequestHeader = defineHeader('GetBrokerMemberGroupRequestHeader', {
  clusterName: f.string(),
  brokerName: f.string(),
});
