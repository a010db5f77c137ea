/**
 * From the discovered `@RocketMQListener` methods to push consumers: one consumer per connection +
 * namespace + group, subscribing to every topic of the group; on a topic, methods split the tags
 * between them. Pure, so every start-up rule is checked here, before anything connects.
 */
import type { ExpressionType } from '../../protocol/body/heartbeat-data.js';
import { groupNameProblem, topicNameProblem } from '../../protocol/topic-validator.js';
import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import { DEFAULT_CONNECTION } from '../rocketmq.constants.js';
import { RocketMQConfigurationError } from '../rocketmq.errors.js';

export interface PlannedListener<H = unknown> {
  id: string;
  /** `Class.method`, for messages. */
  source: string;
  options: RocketMQListenerOptions;
  handler: H;
}

export interface TopicRoute<H> {
  topic: string;
  type: ExpressionType;
  /** The subscription expression sent to the broker. */
  expression: string;
  /** Tag → listener. */
  byTag: Map<string, PlannedListener<H>>;
  /** Takes messages whose tag no other listener names (`*`), or every message of a SQL92 subscription. */
  fallback: PlannedListener<H> | undefined;
}

/** Consumer-level settings (one value per group). */
export const GROUP_SETTINGS = [
  'messageModel',
  'consumeMode',
  'maxReconsumeTimes',
  'consumeThreadNumber',
  'consumeConcurrency',
  'consumeTimeout',
  'delayLevelWhenNextConsume',
  'suspendCurrentQueueTimeMillis',
  'consumeFromWhere',
  'consumeTimestamp',
  'instanceName',
  'pullBatchSize',
  'awaitTerminationMillisWhenShutdown',
] as const satisfies readonly (keyof RocketMQListenerOptions)[];

export type GroupSettings = Pick<RocketMQListenerOptions, (typeof GROUP_SETTINGS)[number]>;

export interface ConsumerPlan<H = unknown> {
  /** `connection/namespace/group`. */
  key: string;
  connection: string;
  namespace: string | undefined;
  group: string;
  settings: GroupSettings;
  topics: Map<string, TopicRoute<H>>;
  listeners: PlannedListener<H>[];
}

/** `A || B` → ['A', 'B']; `*` or blank → ['*']. */
export function parseTagExpression(expression: string | undefined): string[] {
  const raw = (expression ?? '*').trim();
  if (raw === '' || raw === '*') return ['*'];
  const tags = raw.split('||').map((t) => t.trim()).filter((t) => t.length > 0);
  return tags.length === 0 ? ['*'] : [...new Set(tags)];
}

export function connectionOf(options: RocketMQListenerOptions): string {
  return options.connection ?? DEFAULT_CONNECTION;
}

/** Problems of one listener on its own (names, selector, incompatible modes, unknown connection). */
export function listenerProblems(listener: PlannedListener, connections?: ReadonlySet<string>): string[] {
  const o = listener.options;
  const at = `@RocketMQListener on ${listener.source}`;
  const problems: string[] = [];
  if (typeof o.topic !== 'string') problems.push(`${at}: topic is missing`);
  else {
    const p = topicNameProblem(o.topic);
    if (p) problems.push(`${at}: invalid topic "${o.topic}": ${p}`);
  }
  if (typeof o.consumerGroup !== 'string') problems.push(`${at}: consumerGroup is missing`);
  else {
    const p = groupNameProblem(o.consumerGroup);
    if (p) problems.push(`${at}: invalid consumerGroup "${o.consumerGroup}": ${p}`);
    else if (o.consumerGroup === 'DEFAULT_CONSUMER') problems.push(`${at}: the consumer group DEFAULT_CONSUMER is reserved; choose another name`);
  }
  const type = o.selectorType ?? 'TAG';
  if (type !== 'TAG' && type !== 'SQL92') problems.push(`${at}: selectorType must be 'TAG' or 'SQL92', got "${String(type)}"`);
  if (type === 'SQL92' && !o.selectorExpression?.trim()) problems.push(`${at}: a SQL92 selector needs a selectorExpression such as "a > 5"`);
  if (type === 'TAG' && o.selectorExpression?.includes('*') && parseTagExpression(o.selectorExpression)[0] !== '*') {
    problems.push(`${at}: the tag expression "${o.selectorExpression}" mixes "*" with tags; use "*" alone or list tags`);
  }
  if (o.consumeMode === 'ORDERLY' && o.messageModel === 'BROADCASTING') {
    problems.push(`${at}: ORDERLY consumption is not supported with BROADCASTING; use CLUSTERING or CONCURRENTLY`);
  }
  const connection = connectionOf(o);
  if (connections && !connections.has(connection)) {
    const known = [...connections].map((c) => `"${c}"`).join(', ') || 'none';
    problems.push(`${at}: no RocketMQModule.forRoot({ name: "${connection}" }) is imported (known connections: ${known})`);
  }
  return problems;
}

/**
 * Groups the (enabled) listeners into consumers. Throws a RocketMQConfigurationError listing every
 * problem: invalid names, one group configured two ways, one group subscribing one topic with two
 * different subscriptions (SQL92 vs tags, two SQL92 expressions), two methods for one tag.
 */
export function planConsumers<H>(listeners: readonly PlannedListener<H>[], connections?: ReadonlySet<string>): ConsumerPlan<H>[] {
  const problems = listeners.flatMap((l) => listenerProblems(l, connections));
  if (problems.length > 0) throw new RocketMQConfigurationError(problems);

  const plans = new Map<string, ConsumerPlan<H>>();
  for (const listener of listeners) {
    const o = listener.options;
    const connection = connectionOf(o);
    const key = `${connection}/${o.namespace ?? ''}/${o.consumerGroup}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = { key, connection, namespace: o.namespace, group: o.consumerGroup, settings: {}, topics: new Map(), listeners: [] };
      plans.set(key, plan);
    }
    const first = plan.listeners[0];
    for (const name of GROUP_SETTINGS) {
      const value = o[name];
      if (value === undefined) continue;
      const current = plan.settings[name];
      if (current !== undefined && !sameValue(current, value)) {
        const owner = plan.listeners.find((l) => l.options[name] !== undefined) ?? first;
        problems.push(
          `consumer group "${o.consumerGroup}" is configured two ways: ${owner?.source} sets ${name}=${show(current)} and ${listener.source} sets ${name}=${show(value)}; a group has one configuration — align them or use different consumer groups`,
        );
        continue;
      }
      (plan.settings as Record<string, unknown>)[name] = value;
    }
    if (plan.settings.consumeMode === 'ORDERLY' && plan.settings.messageModel === 'BROADCASTING') {
      problems.push(`consumer group "${o.consumerGroup}": its listeners combine ORDERLY and BROADCASTING, which is not supported`);
    }
    plan.listeners.push(listener);
    addRoute(plan, listener, problems);
  }
  if (problems.length > 0) throw new RocketMQConfigurationError([...new Set(problems)]);
  for (const plan of plans.values()) {
    for (const route of plan.topics.values()) {
      if (route.type === 'TAG') route.expression = route.fallback ? '*' : [...route.byTag.keys()].join(' || ');
    }
  }
  return [...plans.values()];
}

function addRoute<H>(plan: ConsumerPlan<H>, listener: PlannedListener<H>, problems: string[]): void {
  const o = listener.options;
  const type: ExpressionType = o.selectorType ?? 'TAG';
  const route = plan.topics.get(o.topic);
  const subscription = type === 'SQL92' ? `SQL92 "${o.selectorExpression}"` : `tags "${o.selectorExpression ?? '*'}"`;
  if (!route) {
    const fresh: TopicRoute<H> = { topic: o.topic, type, expression: type === 'SQL92' ? o.selectorExpression!.trim() : '', byTag: new Map(), fallback: undefined };
    plan.topics.set(o.topic, fresh);
    if (type === 'SQL92') fresh.fallback = listener;
    else assignTags(fresh, listener, plan, problems);
    return;
  }
  const owners = [...new Set([...route.byTag.values(), ...(route.fallback ? [route.fallback] : [])])];
  if (type === 'SQL92' || route.type === 'SQL92') {
    problems.push(
      `consumer group "${plan.group}" subscribes topic "${o.topic}" two different ways: ${owners.map((l) => l.source).join(', ')} (${
        route.type === 'SQL92' ? `SQL92 "${route.expression}"` : 'tags'
      }) and ${listener.source} (${subscription}); one group has one subscription per topic — use another consumer group for one of them`,
    );
    return;
  }
  assignTags(route, listener, plan, problems);
}

function assignTags<H>(route: TopicRoute<H>, listener: PlannedListener<H>, plan: ConsumerPlan<H>, problems: string[]): void {
  for (const tag of parseTagExpression(listener.options.selectorExpression)) {
    const owner = tag === '*' ? route.fallback : route.byTag.get(tag);
    if (owner) {
      problems.push(
        `${owner.source} and ${listener.source} both handle ${tag === '*' ? 'all tags ("*")' : `tag "${tag}"`} of topic "${route.topic}" in consumer group "${plan.group}"; each message goes to one method — split the tags or use different consumer groups`,
      );
      continue;
    }
    if (tag === '*') route.fallback = listener;
    else route.byTag.set(tag, listener);
  }
}

/** The listener for a message of this topic and tag, or undefined when none takes it. */
export function routeMessage<H>(plan: ConsumerPlan<H>, topic: string, tag: string | undefined): PlannedListener<H> | undefined {
  const route = plan.topics.get(topic);
  if (!route) return undefined;
  return (tag !== undefined ? route.byTag.get(tag) : undefined) ?? route.fallback;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function show(value: unknown): string {
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}
