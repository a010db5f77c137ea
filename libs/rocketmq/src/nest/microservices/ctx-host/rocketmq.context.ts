import { BaseRpcContext, type PacketMetadata } from '@nestjs/microservices';
import type { ConsumeContext } from '../../../client/consumer/consume-types.js';
import type { MessageExt } from '../../../protocol/message/message.js';

type RocketMQContextArgs = [message: MessageExt, consumeContext: ConsumeContext, pattern: string, metadata: PacketMetadata];

/** What `@Ctx()` gives a handler of the RocketMQ transport: the consumed message and where it came from. */
export class RocketMQContext extends BaseRpcContext<RocketMQContextArgs> {
  constructor(args: RocketMQContextArgs) {
    super(args);
  }

  /** The consumed message (body, all properties, offsets). */
  getMessage(): MessageExt {
    return this.args[0];
  }

  /** The consumer's view of this delivery: group, queue, and the retry settings a handler may change. */
  getConsumeContext(): ConsumeContext {
    return this.args[1];
  }

  /** The handler's pattern. */
  getPattern(): string {
    return this.args[2];
  }

  /** The user properties other than the transport's own (trace ids and the like). */
  getMetadata(): PacketMetadata {
    return this.args[3];
  }

  /** The topic (without namespace; the original topic for redelivered messages). */
  getTopic(): string {
    return this.args[0].topic;
  }

  getTags(): string | undefined {
    return this.args[0].tags;
  }

  getKeys(): string[] {
    return this.args[0].keys;
  }

  getMsgId(): string {
    return this.args[0].msgId;
  }

  getQueueId(): number {
    return this.args[0].queueId;
  }

  getQueueOffset(): number {
    return this.args[0].queueOffset;
  }

  /** 0 on the first delivery, then 1, 2, … for every redelivery after a failure. */
  getReconsumeTimes(): number {
    return this.args[0].reconsumeTimes;
  }

  /** The consumer group. */
  getGroup(): string {
    return this.args[1].group;
  }

  /** The user properties (all of them, the transport's own included). */
  getProperties(): Record<string, string> {
    return this.args[0].userProperties;
  }
}
