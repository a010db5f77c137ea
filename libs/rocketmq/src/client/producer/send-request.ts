import { SendMessageRequestHeaderV2, SendMessageResponseHeader } from '../../protocol/header/send-headers.js';
import { RocketMQResponseError } from '../../protocol/errors.js';
import { MessageConst, MessageSysFlag } from '../../protocol/message/message-const.js';
import type { Message } from '../../protocol/message/message.js';
import type { MessageQueue } from '../../protocol/message/message-queue.js';
import { maybeCompressBody } from '../../protocol/message/compression.js';
import { propertiesToString } from '../../protocol/message/properties.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RETRY_PREFIX } from '../namespace.js';
import type { SendResult, SendStatus } from './send-result.js';

export interface SendRequestInput {
  producerGroup: string;
  queue: MessageQueue;
  message: Message;
  /** Pre-encoded batch body; the message then only carries the batch's own properties. */
  batchBody?: Buffer;
  compressThreshold: number;
  createTopicKey: string;
  defaultTopicQueueNums: number;
}

/** Builds one SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2 request (sendKernelImpl). */
export function buildSendRequest(input: SendRequestInput): RemotingCommand {
  const { message, queue } = input;
  let sysFlag = 0;
  let body = input.batchBody ?? message.body;
  if (!input.batchBody) {
    const compressed = maybeCompressBody(body, { threshold: input.compressThreshold });
    body = compressed.body;
    sysFlag |= compressed.sysFlag;
  }
  const properties = message.properties;
  if (properties[MessageConst.TRAN_MSG] === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;

  let reconsumeTimes: number | undefined = 0;
  let maxReconsumeTimes: number | undefined;
  let propertiesText: string;
  if (queue.topic.startsWith(RETRY_PREFIX)) {
    // For retry topics the reconsume counters travel in the header, not the properties.
    const rest = { ...properties };
    const reconsume = rest[MessageConst.RECONSUME_TIME];
    const max = rest[MessageConst.MAX_RECONSUME_TIMES];
    delete rest[MessageConst.RECONSUME_TIME];
    delete rest[MessageConst.MAX_RECONSUME_TIMES];
    if (reconsume !== undefined) reconsumeTimes = Number(reconsume);
    if (max !== undefined) maxReconsumeTimes = Number(max);
    propertiesText = propertiesToString(rest);
  } else {
    propertiesText = propertiesToString(properties);
  }

  const ext = SendMessageRequestHeaderV2.encode({
    producerGroup: input.producerGroup,
    topic: queue.topic,
    defaultTopic: input.createTopicKey,
    defaultTopicQueueNums: input.defaultTopicQueueNums,
    queueId: queue.queueId,
    sysFlag,
    bornTimestamp: Date.now(),
    flag: message.flag,
    properties: propertiesText,
    reconsumeTimes,
    unitMode: false,
    maxReconsumeTimes,
    batch: input.batchBody !== undefined,
    brokerName: queue.brokerName,
  });
  const code =
    properties[MessageConst.MSG_TYPE] === 'reply'
      ? RequestCode.SEND_REPLY_MESSAGE_V2
      : input.batchBody
        ? RequestCode.SEND_BATCH_MESSAGE
        : RequestCode.SEND_MESSAGE_V2;
  return RemotingCommand.request(code, ext, body);
}

const STATUS_BY_CODE = new Map<number, SendStatus>([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

/** Maps a send response to a SendResult, or throws the broker's error (processSendResponse). */
export function processSendResponse(
  response: RemotingCommand,
  addr: string,
  request: RemotingCommand,
  queue: MessageQueue,
  clientMsgId: string,
): SendResult {
  const status = STATUS_BY_CODE.get(response.code);
  if (!status) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(request.code));
  const header = SendMessageResponseHeader.decode(response.extFields);
  return {
    status,
    msgId: header.batchUniqId ?? clientMsgId,
    offsetMsgId: header.msgId,
    messageQueue: { topic: queue.topic, brokerName: queue.brokerName, queueId: header.queueId },
    queueOffset: header.queueOffset,
    transactionId: header.transactionId,
    regionId: header.MSG_REGION,
    traceOn: header.TRACE_ON === undefined ? undefined : header.TRACE_ON !== 'false',
  };
}
