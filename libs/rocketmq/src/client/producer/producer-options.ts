import type { ClientOptions } from '../client-options.js';

export interface ProducerOptions extends ClientOptions {
  /** Producer group; transactional check-backs are routed by it. */
  group: string;
  /** Time budget of one send including its retries, ms. Default 3000. */
  sendTimeoutMs?: number;
  /** Extra attempts after a failed send (another broker when there is one). Default 2. */
  retryTimesWhenSendFailed?: number;
  /** Also retry when the broker stored the message but answered FLUSH_DISK_TIMEOUT and the like. Default false. */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Larger bodies are refused before sending. Default 4 MiB, the broker's default too. */
  maxMessageSize?: number;
  /** Bodies from this size on are zlib-compressed. Default 4096. */
  compressMsgBodyOverHowmuch?: number;
  /** Queues per broker of a topic created on first send. Default 4. */
  defaultTopicQueueNums?: number;
  /** The template topic brokers auto-create topics from. Default TBW102. */
  createTopicKey?: string;
  /** Skip brokers that were slow or failed recently. Default false, as in Java. */
  sendLatencyFaultEnable?: boolean;
}

export interface ResolvedProducerOptions {
  group: string;
  sendTimeoutMs: number;
  retryTimesWhenSendFailed: number;
  retryAnotherBrokerWhenNotStoreOK: boolean;
  maxMessageSize: number;
  compressMsgBodyOverHowmuch: number;
  defaultTopicQueueNums: number;
  createTopicKey: string;
  sendLatencyFaultEnable: boolean;
}

export function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  return {
    group: options.group,
    sendTimeoutMs: options.sendTimeoutMs ?? 3000,
    retryTimesWhenSendFailed: options.retryTimesWhenSendFailed ?? 2,
    retryAnotherBrokerWhenNotStoreOK: options.retryAnotherBrokerWhenNotStoreOK ?? false,
    maxMessageSize: options.maxMessageSize ?? 4 * 1024 * 1024,
    compressMsgBodyOverHowmuch: options.compressMsgBodyOverHowmuch ?? 4096,
    defaultTopicQueueNums: options.defaultTopicQueueNums ?? 4,
    createTopicKey: options.createTopicKey ?? 'TBW102',
    sendLatencyFaultEnable: options.sendLatencyFaultEnable ?? false,
  };
}
