import type { MessageQueue } from '../../protocol/message/message-queue.js';

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  status: SendStatus;
  /** The client id of the message (`UNIQ_KEY`); for a batch the ids joined by `,`. */
  msgId: string;
  /** The broker's id (store host + commit-log offset). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
  transactionId?: string;
  regionId?: string;
  traceOn?: boolean;
}
