import { RocketMQClientError } from '../../protocol/errors.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { topicNameProblem } from '../../protocol/topic-validator.js';

export interface RocketMQDestination {
  topic: string;
  tags?: string;
}

/**
 * Parses rocketmq-spring's destination syntax `topic:tag` (split at the first `:`; `topic` and
 * `topic:` mean no tag) and validates the topic name.
 */
export function parseDestination(destination: string): RocketMQDestination {
  if (typeof destination !== 'string') throw new RocketMQClientError(`The destination must be a string "topic" or "topic:tag", got ${typeof destination}`);
  const at = destination.indexOf(':');
  const topic = (at < 0 ? destination : destination.slice(0, at)).trim();
  const tag = at < 0 ? '' : destination.slice(at + 1).trim();
  const problem = topicNameProblem(topic);
  if (problem) throw new RocketMQClientError(`Invalid destination "${destination}": ${problem}`, ResponseCode.INVALID_PARAMETER);
  return tag ? { topic, tags: tag } : { topic };
}
