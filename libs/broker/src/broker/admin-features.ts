/**
 * The admin and query requests that mqadmin, the dashboard and our AdminClient send to a broker. The broker calls
 * `installAdminFeatures(ctx)` once while starting, before it listens, and starts/stops the returned services with
 * its own.
 */
import type { BrokerContext, BrokerService } from './broker-context.js';
import type { AdminDeps } from './admin/admin-deps.js';
import type { AdminFeatureOptions } from './admin/admin-options.js';
import { registerBrokerProcessors } from './admin/broker-processors.js';
import { BrokerStats } from './admin/broker-stats.js';
import { registerConsumerProcessors } from './admin/consumer-processors.js';
import { registerGroupProcessors } from './admin/group-processors.js';
import { registerQueryProcessors } from './admin/query-processors.js';
import { registerStatsProcessors } from './admin/stats-processors.js';
import { registerTopicProcessors } from './admin/topic-processors.js';

export type { AdminFeatureOptions, ProducerClientInfo, ProducerClientsCapable, TopicOffsetRemovalCapable } from './admin/admin-options.js';
export { BrokerStats } from './admin/broker-stats.js';

/**
 * Registers the processors of request codes 12, 17, 21, 25, 26, 28, 33, 43, 45, 200, 201, 202, 203, 204, 207,
 * 208, 215, 222, 223, 300, 303, 305, 307, 309, 317, 343, 351 and 352 on `ctx`, and returns the statistics sampler
 * (a BrokerService the broker must start and stop).
 */
export function installAdminFeatures(ctx: BrokerContext, options: AdminFeatureOptions = {}): BrokerService[] {
  const stats = new BrokerStats(ctx, options.statsSampleIntervalMs ?? 1000, options.now ?? Date.now);
  const deps: AdminDeps = { ctx, stats, options };
  registerTopicProcessors(deps);
  registerGroupProcessors(deps);
  registerBrokerProcessors(deps);
  registerStatsProcessors(deps);
  registerConsumerProcessors(deps);
  registerQueryProcessors(deps);
  return [stats];
}
