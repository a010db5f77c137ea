import { RocketMQError } from '../../protocol/errors.js';
import { ResponseCode } from '../../protocol/response-code.js';

/**
 * Errors of the admin client that say what is missing, not just which request failed. A broker or
 * name server that answers with an unexpected code raises `RocketMQResponseError` (code, remark,
 * address and request name) instead.
 */
export class RocketMQAdminError extends RocketMQError {
  override name = 'RocketMQAdminError';
}

/** The name server has no route for the topic (TOPIC_NOT_EXIST). */
export class TopicNotFoundError extends RocketMQAdminError {
  override name = 'TopicNotFoundError';
  constructor(readonly topic: string) {
    super(`Topic "${topic}" has no route on the name server: create it with AdminClient.createTopic() or check the name`, ResponseCode.TOPIC_NOT_EXIST);
  }
}

/** No cluster of that name is registered with the name server. */
export class ClusterNotFoundError extends RocketMQAdminError {
  override name = 'ClusterNotFoundError';
  constructor(
    readonly clusterName: string,
    readonly knownClusters: readonly string[],
  ) {
    super(
      `Cluster "${clusterName}" is not registered with the name server (known: ${knownClusters.length > 0 ? knownClusters.join(', ') : 'none'}); check brokerClusterName in the broker config`,
    );
  }
}

/** A message lookup found nothing (NO_MESSAGE, as Java's admin tools report it). */
export class MessageNotFoundError extends RocketMQAdminError {
  override name = 'MessageNotFoundError';
  constructor(message: string) {
    super(message, ResponseCode.NO_MESSAGE);
  }
}

/** No client of the consumer group is connected to the brokers (CONSUMER_NOT_ONLINE). */
export class ConsumerNotOnlineError extends RocketMQAdminError {
  override name = 'ConsumerNotOnlineError';
  constructor(readonly group: string) {
    super(`Consumer group "${group}" has no client connected to the brokers; start a consumer of the group and retry`, ResponseCode.CONSUMER_NOT_ONLINE);
  }
}

/** The broker does not know the consumer group (SUBSCRIPTION_GROUP_NOT_EXIST). */
export class SubscriptionGroupNotFoundError extends RocketMQAdminError {
  override name = 'SubscriptionGroupNotFoundError';
  constructor(
    readonly group: string,
    readonly brokerAddr: string,
  ) {
    super(
      `Consumer group "${group}" does not exist on broker ${brokerAddr}: create it with AdminClient.createSubscriptionGroup() (or let a consumer of the group start once)`,
      ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
    );
  }
}

/** A change did not show up where it was expected in time (e.g. a new topic's route on the name server). */
export class AdminWaitTimeoutError extends RocketMQAdminError {
  override name = 'AdminWaitTimeoutError';
}
