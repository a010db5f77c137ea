import { RocketMQClientError } from './errors.js';
import { ResponseCode } from './response-code.js';

/** TopicValidator.java: the names brokers accept, shared by our client and our broker. */
export const TOPIC_MAX_LENGTH = 127;
export const RETRY_OR_DLQ_TOPIC_MAX_LENGTH = 255;
export const GROUP_MAX_LENGTH = 255;
const VALID_CHARS = /^[%|a-zA-Z0-9_-]+$/;

/** Topics users may not send to (TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  'SCHEDULE_TOPIC_XXXX',
  'RMQ_SYS_TRANS_HALF_TOPIC',
  'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC',
  'OFFSET_MOVED_EVENT',
  'rmq_sys_wheel_timer',
  'TBW102',
]);

/** Why a topic name is invalid, or undefined when it is fine. */
export function topicNameProblem(topic: string): string | undefined {
  if (!topic || topic.trim().length === 0) return 'The topic name is blank';
  const isRetryOrDlq = topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%');
  const max = isRetryOrDlq ? RETRY_OR_DLQ_TOPIC_MAX_LENGTH : TOPIC_MAX_LENGTH;
  if (topic.length > max) return `The topic name is ${topic.length} characters long; the maximum is ${max}`;
  if (!VALID_CHARS.test(topic)) return `The topic name "${topic}" contains illegal characters; use only letters, digits, %, |, _ and -`;
  return undefined;
}

export function validateTopic(topic: string): void {
  const problem = topicNameProblem(topic);
  if (problem) throw new RocketMQClientError(problem, ResponseCode.INVALID_PARAMETER);
}

export function validateSendTopic(topic: string): void {
  validateTopic(topic);
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) {
    throw new RocketMQClientError(`Sending to the system topic "${topic}" is forbidden`, ResponseCode.NO_PERMISSION);
  }
}

export function groupNameProblem(group: string): string | undefined {
  if (!group || group.trim().length === 0) return 'The group name is blank';
  if (group.length > GROUP_MAX_LENGTH) return `The group name is ${group.length} characters long; the maximum is ${GROUP_MAX_LENGTH}`;
  if (!VALID_CHARS.test(group)) return `The group name "${group}" contains illegal characters; use only letters, digits, %, |, _ and -`;
  return undefined;
}

export function validateGroup(group: string): void {
  const problem = groupNameProblem(group);
  if (problem) throw new RocketMQClientError(problem, ResponseCode.INVALID_PARAMETER);
}
