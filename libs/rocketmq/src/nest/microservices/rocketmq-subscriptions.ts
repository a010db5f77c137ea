/**
 * The server's subscription plan: which consumer groups to start, what each subscribes to, and
 * which handler gets a message of a given topic and tag.
 *
 * One push consumer per group, subscribed to every topic of the group: RocketMQ requires all
 * members of a group to subscribe alike, so two consumers of one group with different topics
 * would each be given queues of topics they do not read. Per topic the consumer subscribes to
 * the union of its handlers' tags (`a || b`, or `*` when one handler takes every tag); a message
 * goes to the handler of its tag, else to the handler without a tag filter.
 */
import type { ExpressionType } from '../../protocol/body/heartbeat-data.js';
import { groupNameProblem } from '../../protocol/topic-validator.js';
import type { RocketMQConsumerSettings, RocketMQPatternExtras, TopicNaming } from './rocketmq-options.js';
import { DEFAULT_GROUP_PREFIX } from './rocketmq-options.js';
import { formatTagExpression, mapTopic, parseTagExpression, patternToDestination } from './rocketmq-pattern.js';
import { RocketMQPatternError } from './rocketmq-transport.errors.js';

/** A registered handler, as the plan sees it. */
export interface HandlerEntry {
  /** Key of the handler in the server's handler map. */
  key: string;
  /** The pattern as a string route. */
  pattern: string;
  isEventHandler: boolean;
  extras: RocketMQPatternExtras;
}

export interface RouteSpec {
  key: string;
  pattern: string;
  isEventHandler: boolean;
  /** The tags it takes, or every tag. */
  tags: ReadonlySet<string> | '*';
}

export interface TopicSubscription {
  topic: string;
  type: ExpressionType;
  expression: string;
  routes: RouteSpec[];
}

export interface GroupPlan {
  group: string;
  /** The group's consumer settings (server defaults not included). */
  settings: RocketMQConsumerSettings;
  topics: Map<string, TopicSubscription>;
}

export interface PlanOptions {
  group?: string;
  topicNaming?: TopicNaming;
}

/** The settings a handler's extras give its group. */
function groupSettings(extras: RocketMQPatternExtras): RocketMQConsumerSettings {
  const settings: RocketMQConsumerSettings = { ...(extras.consumer ?? {}) };
  if (extras.consumeMode !== undefined) settings.consumeMode = extras.consumeMode;
  if (extras.maxReconsumeTimes !== undefined) settings.maxReconsumeTimes = extras.maxReconsumeTimes;
  return settings;
}

function mergeSettings(plan: GroupPlan, extra: RocketMQConsumerSettings, pattern: string, owners: Map<string, string>): void {
  const target = plan.settings as Record<string, unknown>;
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    if (name in target && target[name] !== value) {
      throw new RocketMQPatternError(
        `The handlers of "${owners.get(name)}" and "${pattern}" share the consumer group ${plan.group} but set ${name} differently ` +
          `(${String(target[name])} vs ${String(value)}); consumer settings belong to the group: give one of them its own group`,
      );
    }
    target[name] = value;
    owners.set(name, pattern);
  }
}

function overlaps(a: ReadonlySet<string> | '*', b: ReadonlySet<string> | '*'): string | undefined {
  if (a === '*' && b === '*') return '*';
  if (a === '*' || b === '*') return undefined;
  for (const tag of a) if (b.has(tag)) return tag;
  return undefined;
}

/** Builds the plan, rejecting patterns without a topic and handlers that would compete for the same messages. */
export function planSubscriptions(handlers: readonly HandlerEntry[], options: PlanOptions = {}): Map<string, GroupPlan> {
  const naming = options.topicNaming ?? 'underscore';
  const plans = new Map<string, GroupPlan>();
  const owners = new Map<string, Map<string, string>>();
  const selectors = new Map<string, string>();

  for (const handler of handlers) {
    const { extras, pattern } = handler;
    let topic: string;
    let tags: ReadonlySet<string> | '*';
    if (extras.topic !== undefined) {
      topic = mapTopic(extras.topic, 'strict', pattern);
      tags = parseTagExpression(extras.tag ?? '*', pattern);
    } else {
      const destination = patternToDestination(pattern, naming);
      topic = destination.topic;
      tags = extras.tag !== undefined ? parseTagExpression(extras.tag, pattern) : destination.tag === undefined ? '*' : new Set([destination.tag]);
    }
    const group = extras.group ?? options.group ?? `${DEFAULT_GROUP_PREFIX}${topic}`;
    const groupProblem = groupNameProblem(group);
    if (groupProblem) throw new RocketMQPatternError(`The consumer group of "${pattern}" is illegal: ${groupProblem}`);

    let plan = plans.get(group);
    if (!plan) {
      plan = { group, settings: {}, topics: new Map() };
      plans.set(group, plan);
      owners.set(group, new Map());
    }
    mergeSettings(plan, groupSettings(extras), pattern, owners.get(group)!);

    let subscription = plan.topics.get(topic);
    if (!subscription) {
      subscription = { topic, type: 'TAG', expression: '*', routes: [] };
      plan.topics.set(topic, subscription);
    }
    const selectorKey = `${group}\u0000${topic}`;
    if (selectors.has(selectorKey) || (extras.selector && subscription.routes.length > 0)) {
      const other = selectors.get(selectorKey) ?? subscription.routes[0]!.pattern;
      throw new RocketMQPatternError(
        `"${pattern}" and "${other}" both consume topic ${topic} in group ${group}, and one of them has a selector; ` +
          'a selector filters the whole subscription, so give that handler its own group',
      );
    }
    for (const route of subscription.routes) {
      const clash = overlaps(route.tags, tags);
      if (clash !== undefined) {
        throw new RocketMQPatternError(
          `"${route.pattern}" and "${pattern}" both take ${clash === '*' ? 'every tag' : `tag ${clash}`} of topic ${topic} in group ${group}; ` +
            'a message goes to one handler only: give one of them another tag or its own group',
        );
      }
    }
    subscription.routes.push({ key: handler.key, pattern, isEventHandler: handler.isEventHandler, tags });
    if (extras.selector) {
      selectors.set(selectorKey, pattern);
      subscription.type = extras.selector.type;
      subscription.expression = extras.selector.expression;
      // A SQL92 selector does not filter by tag: the handler takes every message of the topic.
      if (extras.selector.type !== 'TAG') subscription.routes[subscription.routes.length - 1]!.tags = '*';
      else subscription.routes[subscription.routes.length - 1]!.tags = parseTagExpression(extras.selector.expression, pattern);
    } else {
      const all = subscription.routes.some((r) => r.tags === '*');
      subscription.expression = all ? '*' : formatTagExpression(new Set(subscription.routes.flatMap((r) => [...(r.tags as ReadonlySet<string>)])));
    }
  }
  return plans;
}

/** The route of a message: its tag's handler, else the handler taking every tag. */
export function findRoute(subscription: TopicSubscription, tag: string | undefined): RouteSpec | undefined {
  let fallback: RouteSpec | undefined;
  for (const route of subscription.routes) {
    if (route.tags === '*') fallback = route;
    else if (tag !== undefined && route.tags.has(tag)) return route;
  }
  return fallback;
}
