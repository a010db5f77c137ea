import { RocketMQClientError } from '../../protocol/errors.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import { Message, type MessageExt } from '../../protocol/message/message.js';

/** The topic replies of a cluster go to (`<cluster>_REPLY_TOPIC`, created by every broker at start). */
export function replyTopicOf(cluster: string): string {
  return `${cluster}_REPLY_TOPIC`;
}

/**
 * The reply to a request message (MessageUtil.createReplyMessage): to the request's cluster reply
 * topic, carrying its correlation id and requester, so the broker pushes it to the requester.
 */
export function createReplyMessage(request: MessageExt, body: Buffer): Message {
  const cluster = request.getProperty(MessageConst.CLUSTER);
  const correlationId = request.getProperty(MessageConst.CORRELATION_ID);
  const replyTo = request.getProperty(MessageConst.REPLY_TO_CLIENT);
  if (!cluster || !correlationId || !replyTo) {
    throw new RocketMQClientError(
      `Message ${request.msgId} is not a request (it lacks CLUSTER, CORRELATION_ID or REPLY_TO_CLIENT); only messages sent with request() can be replied to`,
    );
  }
  const reply = new Message(replyTopicOf(cluster), body);
  reply.putProperty(MessageConst.MSG_TYPE, 'reply');
  reply.putProperty(MessageConst.CORRELATION_ID, correlationId);
  reply.putProperty(MessageConst.REPLY_TO_CLIENT, replyTo);
  const ttl = request.getProperty(MessageConst.TTL);
  if (ttl) reply.putProperty(MessageConst.TTL, ttl);
  return reply;
}
