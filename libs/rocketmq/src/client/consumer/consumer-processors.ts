/**
 * Requests brokers push to consumers (Java's ClientRemotingProcessor): running info, direct
 * consumption and consumer status (offsets), all asked by admin tools through the broker, and offset resets. The processors
 * are registered once per client instance and find the consumer by the group in the request,
 * since one instance may carry several consumers.
 */
import { encodeGetConsumerStatusBody } from '../../protocol/body/consumer-status-body.js';
import { decodeResetOffsetBody } from '../../protocol/body/reset-offset-body.js';
import { encodeConsumeMessageDirectlyResult, type ConsumeMessageDirectlyResult } from '../../protocol/body/consume-message-directly-result.js';
import { encodeConsumerRunningInfo, type ConsumerRunningInfo } from '../../protocol/body/consumer-running-info.js';
import {
  ConsumeMessageDirectlyResultRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  ResetOffsetRequestHeader,
} from '../../protocol/header/consumer-headers.js';
import type { MessageExt } from '../../protocol/message/message.js';
import { MessageQueueMap } from '../../protocol/message/message-queue.js';
import { decodeStoredMessage } from '../../protocol/message/stored-message-codec.js';
import { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { ClientInstance, ConsumerHandle } from '../client-instance.js';

/** A consumer that also answers admin requests. */
export interface ConsumerAdminHandle extends ConsumerHandle {
  runningInfo(): ConsumerRunningInfo;
  consumeMessageDirectly(message: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult>;
  resetOffset(topic: string, offsets: MessageQueueMap<number>): Promise<void>;
  consumerStatus(topic: string): MessageQueueMap<number>;
}

function isAdminHandle(handle: ConsumerHandle | undefined): handle is ConsumerAdminHandle {
  return handle !== undefined && typeof (handle as Partial<ConsumerAdminHandle>).runningInfo === 'function';
}

const registered = new WeakSet<ClientInstance>();

function noSuchConsumer(request: RemotingCommand, group: string | undefined, clientId: string): RemotingCommand {
  return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, `The Consumer Group <${group}> not exist in this consumer ${clientId}`);
}

/** Registers the consumer-side processors on an instance (once). */
export function registerConsumerProcessors(instance: ClientInstance): void {
  if (registered.has(instance)) return;
  registered.add(instance);
  const context = 'ConsumerProcessors';

  instance.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (request) => {
    try {
      const header = GetConsumerRunningInfoRequestHeader.decode(request.extFields);
      const consumer = instance.consumer(header.consumerGroup);
      if (!isAdminHandle(consumer)) return noSuchConsumer(request, header.consumerGroup, instance.clientId);
      const info = consumer.runningInfo();
      if (header.jstackEnable) info.jstack = 'Node.js client: no thread stacks';
      return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerRunningInfo(info));
    } catch (error) {
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (error as Error).message);
    }
  });

  instance.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, async (request) => {
    try {
      const header = ConsumeMessageDirectlyResultRequestHeader.decode(request.extFields);
      const consumer = instance.consumer(header.consumerGroup);
      if (!isAdminHandle(consumer)) return noSuchConsumer(request, header.consumerGroup, instance.clientId);
      if (!request.body) return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, 'CONSUME_MESSAGE_DIRECTLY without a message body');
      const message = decodeStoredMessage(request.body, 0);
      const result = await consumer.consumeMessageDirectly(message, header.brokerName);
      return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, encodeConsumeMessageDirectlyResult(result));
    } catch (error) {
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (error as Error).message);
    }
  });

  instance.registerProcessor(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (request) => {
    try {
      const header = ResetOffsetRequestHeader.decode(request.extFields);
      const consumer = instance.consumer(header.group);
      if (!isAdminHandle(consumer)) {
        instance.logger.warn(`offset reset for group ${header.group}, which does not run in ${instance.clientId}`, context);
        return undefined;
      }
      const offsets = request.body ? decodeResetOffsetBody(request.body).offsetTable : new MessageQueueMap<number>();
      consumer.resetOffset(header.topic, offsets).catch((error: Error) => {
        instance.logger.warn(`resetting the offsets of ${header.group} on ${header.topic} failed: ${error.message}`, context);
      });
    } catch (error) {
      instance.logger.warn(`bad RESET_CONSUMER_CLIENT_OFFSET: ${(error as Error).message}`, context);
    }
    return undefined;
  });

  instance.registerProcessor(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, (request) => {
    try {
      const header = GetConsumerStatusRequestHeader.decode(request.extFields);
      const consumer = instance.consumer(header.group);
      if (!isAdminHandle(consumer)) return noSuchConsumer(request, header.group, instance.clientId);
      const body = encodeGetConsumerStatusBody({ messageQueueTable: consumer.consumerStatus(header.topic) });
      return RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, body);
    } catch (error) {
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (error as Error).message);
    }
  });
}
