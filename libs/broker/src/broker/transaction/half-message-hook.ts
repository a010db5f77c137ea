/**
 * The put hook of transactional half messages (`TransactionalMessageBridge.parseHalfMessageInner`): refused with
 * NO_PERMISSION when `rejectTransactionMessage`; otherwise stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0 with
 * REAL_TOPIC / REAL_QID and `__transactionId__` = UNIQ_KEY, its transaction type reset to NOT_TYPE so that it gets
 * a consume-queue entry (the half topic is where the check service finds it; no consumer subscribes to it).
 * PGROUP and TRAN_MSG stay.
 */
import { MessageConst, MessageSysFlag, ResponseCode, resetTransactionValue } from '@app/rocketmq/protocol';
import type { BrokerConfig } from '../broker-config.js';
import type { PutHook } from '../broker-context.js';
import { TRANS_HALF_TOPIC, isHalfMessage } from './transaction-topics.js';

export function createHalfMessageHook(config: Pick<BrokerConfig, 'rejectTransactionMessage' | 'brokerIP1'>): PutHook {
  return (message) => {
    if (!isHalfMessage(message) || message.topic === TRANS_HALF_TOPIC) return;
    if (config.rejectTransactionMessage) {
      return { code: ResponseCode.NO_PERMISSION, remark: `the broker[${config.brokerIP1}] sending transaction message is forbidden` };
    }
    const props = message.properties;
    const uniqKey = props[MessageConst.UNIQ_KEY];
    if (uniqKey) props[MessageConst.TRANSACTION_ID] = uniqKey;
    props[MessageConst.REAL_TOPIC] = message.topic;
    props[MessageConst.REAL_QID] = String(message.queueId);
    message.sysFlag = resetTransactionValue(message.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
    message.topic = TRANS_HALF_TOPIC;
    message.queueId = 0;
  };
}
