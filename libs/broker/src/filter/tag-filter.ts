/**
 * Tag filtering (reference §5.3). The broker matches a consume-queue entry's tags code (Java `String.hashCode()` of
 * the TAGS property, 0 when there is none) against the subscription's code set
 * (`ExpressionMessageFilter.isMatchedByConsumeQueue`); hash collisions let a few other tags through, which the client
 * removes by checking the tag string itself (`PullAPIWrapper.processPullResult`). `matchesTag` is that exact check.
 */
import { buildSubscriptionData, SUB_ALL } from '@app/rocketmq/protocol';

export interface TagFilter {
  /** `*` (or an empty expression): every message matches. */
  readonly subscribesAll: boolean;
  /** Tags of `A || B`, trimmed, empty ones dropped. */
  readonly tags: ReadonlySet<string>;
  /** Hash codes the consume queue's tags codes are matched against. */
  readonly codes: ReadonlySet<number>;
  /** The broker's consume-queue check; an entry without a tags code (undefined) matches, as a null one does in Java. */
  matchesTagsCode(tagsCode: number | undefined): boolean;
  /** The exact check on the TAGS property: a message without tags matches only `*`. */
  matchesTag(tags: string | undefined): boolean;
}

/**
 * A tag filter for a subscription expression (`A || B`, `*`). `codeSet` is the code set a client sent in its
 * SubscriptionData (heartbeat); when absent it is computed from the expression as the client does.
 */
export function createTagFilter(subString: string | undefined, codeSet?: readonly number[]): TagFilter {
  const sd = buildSubscriptionData('', subString, 'TAG', 0);
  const subscribesAll = sd.subString === SUB_ALL;
  const tags: ReadonlySet<string> = new Set(sd.tagsSet);
  const codes: ReadonlySet<number> = new Set(codeSet ?? sd.codeSet);
  return {
    subscribesAll,
    tags,
    codes,
    matchesTagsCode(code: number | undefined): boolean {
      // Java compares `tagsCode.intValue()`: the low 32 bits of the stored long.
      return code === undefined || subscribesAll || codes.has(code | 0);
    },
    matchesTag(tag: string | undefined): boolean {
      // The client re-checks only when the tag set is not empty.
      return subscribesAll || tags.size === 0 || (tag !== undefined && tags.has(tag));
    },
  };
}
