/**
 * Pattern → RocketMQ destination mapping, shared by the server and the client.
 *
 * A pattern is `topic` or `topic:tag`. The topic part is mapped by the topic naming (default:
 * `.` and `/` become `_`, so `orders.created` → topic `orders_created`) and must then be a legal
 * RocketMQ topic (`[%|a-zA-Z0-9_-]`, at most 127 characters). The tag part, when present, is sent
 * as the message tag and filtered on by the server; it may not contain `|`, `*` or whitespace.
 * Object patterns (`{ cmd: 'sum' }`) have no topic: use a string pattern, or the `topic` extra
 * on the server.
 */
import { topicNameProblem } from '../../protocol/topic-validator.js';
import type { TopicNaming } from './rocketmq-options.js';
import { RocketMQPatternError } from './rocketmq-transport.errors.js';

export interface Destination {
  topic: string;
  /** The message tag; undefined sends without a tag (and a server without a tag filter takes every tag). */
  tag: string | undefined;
}

const TAG_SEPARATOR = ':';
const ILLEGAL_TAG = /[|*\s]/;

/** Why a single tag is illegal, or undefined. */
export function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'the tag after ":" is empty';
  if (ILLEGAL_TAG.test(tag)) return `the tag "${tag}" contains "|", "*" or whitespace, which RocketMQ tag filters cannot match`;
  return undefined;
}

/** Maps the topic part of a pattern to a topic with the naming, then validates it. */
export function mapTopic(topicPart: string, naming: TopicNaming = 'underscore', pattern = topicPart): string {
  let topic: string;
  if (naming === 'underscore') topic = topicPart.replace(/[./]/g, '_');
  else if (naming === 'strict') topic = topicPart;
  else topic = naming(topicPart);
  const problem = topicNameProblem(topic);
  if (problem) {
    throw new RocketMQPatternError(
      `The pattern "${pattern}" does not map to a RocketMQ topic (${problem}). Use a pattern of letters, digits, "_", "-"` +
        `${naming === 'underscore' ? ', "." or "/"' : ''}, optionally followed by ":<tag>", or set the topic in the handler's extras`,
    );
  }
  return topic;
}

/** The topic and tag a pattern (already normalised to a string route) is sent to. */
export function patternToDestination(pattern: string, naming: TopicNaming = 'underscore'): Destination {
  const at = pattern.indexOf(TAG_SEPARATOR);
  const looksLikeObject = pattern.startsWith('{');
  if (looksLikeObject) {
    throw new RocketMQPatternError(
      `The pattern ${pattern} is an object pattern, which has no RocketMQ topic: use a string pattern such as "math.sum" or "orders:created"`,
    );
  }
  if (at < 0) return { topic: mapTopic(pattern, naming, pattern), tag: undefined };
  const tag = pattern.slice(at + 1);
  const problem = tagProblem(tag);
  if (problem) throw new RocketMQPatternError(`The pattern "${pattern}" has an illegal tag: ${problem}`);
  return { topic: mapTopic(pattern.slice(0, at), naming, pattern), tag };
}

/** The tags of a tag expression (`a || b`), or `'*'` for all. */
export function parseTagExpression(expression: string, pattern: string): ReadonlySet<string> | '*' {
  const tags = expression
    .split('||')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (tags.length === 0 || tags.includes('*')) return '*';
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem) throw new RocketMQPatternError(`The tag expression "${expression}" of "${pattern}" is illegal: ${problem}`);
  }
  return new Set(tags);
}

/** The tag expression matching every tag of the set, `*` for all. */
export function formatTagExpression(tags: ReadonlySet<string> | '*'): string {
  return tags === '*' ? '*' : [...tags].sort().join(' || ');
}
