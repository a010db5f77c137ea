/** What every admin processor family gets: the broker context, the statistics and the feature options. */
import type { BrokerContext } from '../broker-context.js';
import type { AdminFeatureOptions } from './admin-options.js';
import type { BrokerStats } from './broker-stats.js';
import { isSystemTopic } from './topic-names.js';

export interface AdminDeps {
  ctx: BrokerContext;
  stats: BrokerStats;
  options: AdminFeatureOptions;
}

/**
 * System topics of this broker: Apache's static set plus the topics its TopicConfigManager registers as system
 * topics at start (cluster name, broker name, `<cluster>_REPLY_TOPIC`).
 */
export function isBrokerSystemTopic(ctx: BrokerContext, topic: string): boolean {
  return (
    isSystemTopic(topic) ||
    topic === ctx.config.brokerClusterName ||
    topic === ctx.config.brokerName ||
    topic === `${ctx.config.brokerClusterName}_REPLY_TOPIC`
  );
}
