import { ResponseCode, RocketMQError } from '@app/rocketmq/protocol';

/** Base class of the message store's errors; `code` is the response code the broker should answer with. */
export class MessageStoreError extends RocketMQError {
  override name = 'MessageStoreError';
}

export type MessageIllegalReason = 'MESSAGE_SIZE_EXCEEDED' | 'PROPERTIES_SIZE_EXCEEDED' | 'MESSAGE_ILLEGAL';

/** The message cannot be stored as it is (too large, bad topic or properties): answer MESSAGE_ILLEGAL (13). */
export class MessageIllegalError extends MessageStoreError {
  override name = 'MessageIllegalError';
  constructor(
    message: string,
    readonly reason: MessageIllegalReason = 'MESSAGE_ILLEGAL',
    options?: { cause?: unknown },
  ) {
    super(message, ResponseCode.MESSAGE_ILLEGAL, options);
  }
}

export type StoreUnavailableReason = 'SHUTDOWN' | 'DISK_FULL' | 'WRITE_FAILED';

/** The store refuses writes (closed, disk full, an earlier write failed): answer SERVICE_NOT_AVAILABLE (14). */
export class StoreUnavailableError extends MessageStoreError {
  override name = 'StoreUnavailableError';
  constructor(
    message: string,
    readonly reason: StoreUnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(message, ResponseCode.SERVICE_NOT_AVAILABLE, options);
  }
}

/** The store directory cannot be opened (in use by another store, inconsistent files). */
export class StoreOpenError extends MessageStoreError {
  override name = 'StoreOpenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ResponseCode.SYSTEM_ERROR, options);
  }
}
