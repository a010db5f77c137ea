/**
 * SEND_REPLY_MESSAGE (324) / SEND_REPLY_MESSAGE_V2 (325) (`ReplyMessageProcessor`): a responder's reply goes
 * straight to the requester, found among the producers by its REPLY_TO_CLIENT client id, as a synchronous
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326) carrying PUSH_REPLY_TIME. SUCCESS when the requester took it, SYSTEM_ERROR
 * when it is gone or refused. With `storeReplyMessageEnable` the reply is also stored in its topic.
 */
import {
  MessageConst,
  NOT_ALLOWED_SEND_TOPICS,
  PermName,
  RemotingCommand,
  ReplyMessageRequestHeader,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  createProperties,
  parsePropertiesString,
  propertiesToString,
  topicNameProblem,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import type { RemotingConnection, RequestHandler } from '@app/rocketmq/remoting';
import type { BrokerContext } from '../broker-context.js';

export interface ReplyProcessorOptions {
  /** How long the requester may take to acknowledge the push, default 10 s (Apache's callClient timeout). */
  pushTimeoutMs?: number;
}

/** `ip:port` of a connection's peer (IPv4-mapped addresses unwrapped). */
export function peerAddr(connection: RemotingConnection): string {
  let host = connection.socket.remoteAddress ?? '127.0.0.1';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  const port = connection.socket.remotePort ?? 0;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function createReplyMessageProcessor(ctx: BrokerContext, options: ReplyProcessorOptions = {}): RequestHandler {
  const pushTimeoutMs = options.pushTimeoutMs ?? 10_000;
  const config = ctx.config;

  function topicFor(request: RemotingCommand, header: SendMessageRequestHeader): TopicConfig | RemotingCommand {
    const problem = topicNameProblem(header.topic);
    if (problem) return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, problem);
    if (NOT_ALLOWED_SEND_TOPICS.has(header.topic)) {
      return RemotingCommand.response(request, ResponseCode.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
    }
    let topic = ctx.topics.get(header.topic);
    if (!topic) {
      topic = ctx.topics.createOnSend(header.topic, header.defaultTopic, header.defaultTopicQueueNums, 0);
      if (topic) ctx.requestRegistration();
    }
    if (!topic) {
      return RemotingCommand.response(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
    }
    if ((topic.perm & PermName.WRITE) === 0 || (config.brokerPermission & PermName.WRITE) === 0) {
      return RemotingCommand.response(request, ResponseCode.NO_PERMISSION, `the broker[${config.brokerIP1}] or the topic[${header.topic}] sending message is forbidden`);
    }
    const queueNums = Math.max(topic.readQueueNums, topic.writeQueueNums);
    if (header.queueId >= queueNums) {
      return RemotingCommand.response(
        request,
        ResponseCode.SYSTEM_ERROR,
        `request queueId[${header.queueId}] is illegal, topic:${header.topic} topicConfig.writeQueueNums: ${topic.writeQueueNums} consumerQueueNums: ${topic.readQueueNums} Producer: ${header.producerGroup}`,
      );
    }
    return topic;
  }

  return async (request, connection) => {
    let header: SendMessageRequestHeader;
    try {
      header = request.code === RequestCode.SEND_REPLY_MESSAGE_V2 ? SendMessageRequestHeaderV2.decode(request.extFields) : SendMessageRequestHeader.decode(request.extFields);
    } catch (err) {
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (err as Error).message);
    }
    const topic = topicFor(request, header);
    if (topic instanceof RemotingCommand) return topic;
    const queueId = header.queueId < 0 ? Math.floor(Math.random() * Math.max(1, topic.writeQueueNums)) : header.queueId;
    const body = request.body ?? Buffer.alloc(0);
    const properties = parsePropertiesString(header.properties ?? '', createProperties());
    const bornHost = peerAddr(connection);

    // push to the requester
    let code: number = ResponseCode.SUCCESS;
    let remark: string | undefined;
    const requester = properties[MessageConst.REPLY_TO_CLIENT];
    const target = requester ? ctx.clients.producerConnectionByClientId(requester) : undefined;
    if (!requester) {
      code = ResponseCode.SYSTEM_ERROR;
      remark = `reply message properties[${MessageConst.REPLY_TO_CLIENT}] is null`;
    } else if (!target || target.closed) {
      code = ResponseCode.SYSTEM_ERROR;
      remark = `push reply message fail, channel of <${requester}> not found.`;
    } else {
      properties[MessageConst.PUSH_REPLY_TIME] = String(Date.now());
      const push = RemotingCommand.request(
        RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
        ReplyMessageRequestHeader.encode({
          producerGroup: header.producerGroup,
          topic: header.topic,
          defaultTopic: header.defaultTopic,
          defaultTopicQueueNums: header.defaultTopicQueueNums,
          queueId: header.queueId,
          sysFlag: header.sysFlag,
          bornTimestamp: header.bornTimestamp,
          flag: header.flag,
          properties: propertiesToString(properties),
          reconsumeTimes: header.reconsumeTimes,
          unitMode: header.unitMode,
          bornHost,
          storeHost: ctx.brokerAddr,
          storeTimestamp: Date.now(),
        }),
        body,
      );
      try {
        const answer = await target.invoke(push, pushTimeoutMs);
        if (answer.code !== ResponseCode.SUCCESS) {
          code = ResponseCode.SYSTEM_ERROR;
          remark = `push reply message to ${requester}fail.`;
          ctx.logger.warn(`push reply message to <${requester}> return fail, response remark: ${answer.remark}`, 'ReplyMessageProcessor');
        }
      } catch (err) {
        code = ResponseCode.SYSTEM_ERROR;
        remark = `push reply message to ${requester}fail.`;
        ctx.logger.warn(`push reply message to <${requester}> fail: ${(err as Error).message}`, 'ReplyMessageProcessor');
      }
    }

    const ext: Record<string, string> = {
      msgId: '0',
      queueId: String(queueId),
      queueOffset: '0',
      MSG_REGION: config.regionId,
      TRACE_ON: String(config.traceOn),
    };
    if (config.storeReplyMessageEnable) {
      try {
        const put = await ctx.putInternal(
          {
            topic: header.topic,
            queueId,
            body,
            properties,
            flag: header.flag,
            sysFlag: header.sysFlag,
            bornTimestamp: header.bornTimestamp,
            bornHost,
            reconsumeTimes: header.reconsumeTimes ?? 0,
          },
          { skipHooks: true },
        );
        ext.msgId = put.msgId;
        ext.queueOffset = String(put.queueOffset);
      } catch (err) {
        ctx.logger.warn(`Storing the reply to ${requester} in ${header.topic} failed: ${(err as Error).message}`, 'ReplyMessageProcessor');
      }
    }
    return RemotingCommand.response(request, code, remark, ext);
  };
}
