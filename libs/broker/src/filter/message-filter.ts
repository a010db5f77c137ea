/**
 * The one filter the pull path calls for a subscription: first on each consume-queue entry's tags code, then, when
 * `needsProperties`, on the message's properties (`ExpressionMessageFilter`). TAG subscriptions are decided by the
 * tags code alone; SQL92 subscriptions pass every tags code and are decided by the properties (TAGS included).
 */
import { compileSql92, type CompiledFilter } from './sql92-filter.js';
import type { Sql92ParseOptions } from './sql92-parser.js';
import type { PropertySource } from './sql92-evaluator.js';
import { createTagFilter } from './tag-filter.js';

export interface SubscriptionFilterSpec {
  expressionType: 'TAG' | 'SQL92';
  subString: string;
  /** TAG only: the hash codes from the client's SubscriptionData; computed from `subString` when absent. */
  codeSet?: number[];
}

export interface MessageFilter {
  /** Consume-queue check on the entry's tags code. */
  matchesTagsCode(tagsCode: number): boolean;
  /** Check on the message's properties; always true for TAG subscriptions. */
  matchesProperties(properties: PropertySource): boolean;
  /** Whether `matchesProperties` needs the message read from the commit log (SQL92). */
  readonly needsProperties: boolean;
}

/**
 * Builds the filter for a subscription. An SQL92 expression Apache would refuse throws Sql92ParseError, whose
 * `code` is SUBSCRIPTION_PARSE_FAILED (23): answer the PULL or heartbeat with it.
 */
export function createMessageFilter(subscription: SubscriptionFilterSpec, sqlOptions?: Sql92ParseOptions): MessageFilter {
  if (subscription.expressionType === 'SQL92') {
    const compiled: CompiledFilter = compileSql92(subscription.subString, sqlOptions);
    return {
      needsProperties: true,
      matchesTagsCode: () => true,
      matchesProperties: (properties) => compiled.matches(properties),
    };
  }
  const tags = createTagFilter(subscription.subString, subscription.codeSet);
  return {
    needsProperties: false,
    matchesTagsCode: (code) => tags.matchesTagsCode(code),
    matchesProperties: () => true,
  };
}
