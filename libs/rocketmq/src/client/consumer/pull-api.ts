/**
 * PULL_MESSAGE (Java's PullAPIWrapper + MQClientAPIImpl.processPullResponse): builds the request
 * with the long-poll flags, reads from the broker id the last answer suggested (a slave when the
 * master says so), maps the answer to a status, decodes the messages and filters them again by
 * tag on the client (the broker filters by tag hash code, which can collide).
 */
import { RocketMQConnectionError, RocketMQResponseError } from '../../protocol/errors.js';
import { subscribesAll, type SubscriptionData } from '../../protocol/body/heartbeat-data.js';
import { PullMessageRequestHeader, PullMessageResponseHeader, PullSysFlag } from '../../protocol/header/pull-headers.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { MessageQueueMap, type MessageQueue } from '../../protocol/message/message-queue.js';
import { decodeStoredMessages } from '../../protocol/message/stored-message-codec.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { ClientInstance } from '../client-instance.js';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Decoded and tag-filtered (FOUND only). */
  messages: MessageExt[];
}

export interface PullRequest {
  mq: MessageQueue;
  subscription: SubscriptionData;
  offset: number;
  maxNums: number;
  /** 5.x `maxMsgBytes`; omitted when undefined. */
  maxBytes?: number;
  /** The in-memory offset to commit with the pull (master only); none when ≤ 0 or undefined. */
  commitOffset?: number;
  /** Let the broker hold the request (long polling). */
  suspend: boolean;
  /** Send the subscription expression with the pull instead of relying on the heartbeat's. */
  postSubscription: boolean;
  /** How long the broker may hold the request, ms (push: 15000). */
  suspendTimeoutMs: number;
  /** Network timeout, ms (push: 30000). */
  timeoutMs: number;
}

const STATUS_BY_CODE = new Map<number, PullStatus>([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

const MASTER_ID = 0;

export function buildPullSysFlag(commitOffset: boolean, suspend: boolean, subscription: boolean): number {
  return (commitOffset ? PullSysFlag.COMMIT_OFFSET : 0) | (suspend ? PullSysFlag.SUSPEND : 0) | (subscription ? PullSysFlag.SUBSCRIPTION : 0);
}

/**
 * Decodes a FOUND body and prepares the messages as Java does: tag re-filtering, MIN_OFFSET /
 * MAX_OFFSET properties, the broker name and, for 5.x logical queues, the offset delta.
 */
export function processPullBody(
  body: Buffer | undefined,
  mq: MessageQueue,
  subscription: SubscriptionData,
  header: { minOffset: number; maxOffset: number; offsetDelta?: number },
): MessageExt[] {
  let messages = body && body.length > 0 ? decodeStoredMessages(body) : [];
  if (subscription.expressionType === 'TAG' && !subscribesAll(subscription) && !subscription.classFilterMode) {
    const tags = new Set(subscription.tagsSet);
    messages = messages.filter((m) => m.tags !== undefined && tags.has(m.tags));
  }
  const min = String(header.minOffset);
  const max = String(header.maxOffset);
  for (const msg of messages) {
    if (msg.getProperty(MessageConst.TRAN_MSG) === 'true') {
      const uniq = msg.getProperty(MessageConst.UNIQ_KEY);
      if (uniq) msg.transactionId = uniq;
    }
    msg.putProperty(MessageConst.MIN_OFFSET, min);
    msg.putProperty(MessageConst.MAX_OFFSET, max);
    msg.brokerName = mq.brokerName;
    if (header.offsetDelta) msg.queueOffset += header.offsetDelta;
  }
  return messages;
}

export class PullApi {
  /** The broker id each queue's last pull answer suggested. */
  private readonly suggested = new MessageQueueMap<number>();

  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
  ) {}

  async pull(request: PullRequest): Promise<PullResult> {
    const { mq } = request;
    const target = this.instance.subscribeAddr(mq.brokerName, this.suggested.get(mq) ?? MASTER_ID, false)
      ?? (await this.instance.updateTopicRoute(mq.topic).catch(() => undefined), this.instance.subscribeAddr(mq.brokerName, MASTER_ID, false));
    if (!target) throw new RocketMQConnectionError(`No address of broker ${mq.brokerName} is known (is it down?)`, mq.brokerName);
    // Offsets are committed on the master only.
    const commit = request.commitOffset !== undefined && request.commitOffset > 0 && target.brokerId === MASTER_ID;
    const ext = PullMessageRequestHeader.encode({
      consumerGroup: this.group,
      topic: mq.topic,
      queueId: mq.queueId,
      queueOffset: request.offset,
      maxMsgNums: request.maxNums,
      sysFlag: buildPullSysFlag(commit, request.suspend, request.postSubscription),
      commitOffset: commit ? request.commitOffset! : 0,
      suspendTimeoutMillis: request.suspendTimeoutMs,
      subscription: request.postSubscription ? request.subscription.subString : undefined,
      subVersion: request.subscription.subVersion,
      expressionType: request.subscription.expressionType,
      maxMsgBytes: request.maxBytes,
      bname: mq.brokerName,
    });
    const command = RemotingCommand.request(RequestCode.PULL_MESSAGE, ext);
    const response = await this.instance.remoting.invoke(target.addr, command, request.timeoutMs);
    const status = STATUS_BY_CODE.get(response.code);
    if (!status) throw new RocketMQResponseError(response.code, response.remark, target.addr, requestCodeName(RequestCode.PULL_MESSAGE));
    const header = PullMessageResponseHeader.decode(response.extFields);
    this.suggested.set(mq, header.suggestWhichBrokerId);
    return {
      status,
      nextBeginOffset: header.nextBeginOffset,
      minOffset: header.minOffset,
      maxOffset: header.maxOffset,
      messages: status === 'FOUND' ? processPullBody(response.body, mq, request.subscription, header) : [],
    };
  }
}
