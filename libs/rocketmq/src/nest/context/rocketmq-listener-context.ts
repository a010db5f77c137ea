import type { ConsumeContext } from '../../client/consumer/consume-types.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { MessageExt } from '../../protocol/message/message.js';

/** What a listener knows about the message it handles. Handlers get it via `@MessageContext()` / `@Ctx()`. */
export class RocketMQListenerContext {
  constructor(
    readonly message: MessageExt,
    private readonly consume: ConsumeContext,
    /** The listener id. */
    readonly listenerId: string,
  ) {}

  get topic(): string {
    return this.message.topic;
  }
  get tags(): string | undefined {
    return this.message.tags;
  }
  get keys(): string[] {
    return this.message.keys;
  }
  get msgId(): string {
    return this.message.msgId;
  }
  get offsetMsgId(): string {
    return this.message.offsetMsgId;
  }
  get queueId(): number {
    return this.message.queueId;
  }
  get queueOffset(): number {
    return this.message.queueOffset;
  }
  /** 0 on the first delivery, then 1, 2, ... */
  get reconsumeTimes(): number {
    return this.message.reconsumeTimes;
  }
  get bornTimestamp(): number {
    return this.message.bornTimestamp;
  }
  get storeTimestamp(): number {
    return this.message.storeTimestamp;
  }
  /** User properties (headers). */
  get properties(): Record<string, string> {
    return this.message.userProperties;
  }
  get consumerGroup(): string {
    return this.consume.group;
  }
  get brokerName(): string {
    return this.consume.messageQueue.brokerName;
  }
  get orderly(): boolean {
    return this.consume.orderly;
  }
  /** Whether the message is a request waiting for a reply. */
  get isRequest(): boolean {
    return isRequestMessage(this.message);
  }

  /** Concurrent mode: the delay level of the retry if this handler fails (-1: straight to the DLQ). */
  setDelayLevelWhenNextConsume(level: number): void {
    this.consume.delayLevelWhenNextConsume = level;
  }

  /** Orderly mode: how long the queue pauses if this handler fails, ms. */
  setSuspendCurrentQueueTimeMillis(ms: number): void {
    this.consume.suspendCurrentQueueTimeMillis = ms;
  }

  /** `@nestjs/microservices`-style accessors. */
  getMessage(): MessageExt {
    return this.message;
  }
  getTopic(): string {
    return this.topic;
  }
}

export function isRequestMessage(message: MessageExt): boolean {
  return message.getProperty(MessageConst.CORRELATION_ID) !== undefined && message.getProperty(MessageConst.REPLY_TO_CLIENT) !== undefined;
}
