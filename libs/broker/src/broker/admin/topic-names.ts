/**
 * Topic and group name rules as the broker applies them to admin requests (`TopicValidator` in 5.x), with the
 * remarks Apache returns, and the system topic set (GET_SYSTEM_TOPIC_LIST_FROM_BROKER, refusal to create or delete).
 */

/** Request codes the shared RequestCode table does not list. */
export const AdminRequestCode = {
  QUERY_TOPICS_BY_CONSUMER: 343,
} as const;

export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';

/** `TopicValidator.SYSTEM_TOPIC_SET` (5.x). */
export const SYSTEM_TOPICS: readonly string[] = [
  'TBW102',
  'SCHEDULE_TOPIC_XXXX',
  'BenchmarkTest',
  'RMQ_SYS_TRANS_HALF_TOPIC',
  'RMQ_SYS_TRACE_TOPIC',
  'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC',
  'OFFSET_MOVED_EVENT',
  'CHECKPOINT_TOPIC',
];

const SYSTEM_TOPIC_SET: ReadonlySet<string> = new Set(SYSTEM_TOPICS);

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPIC_SET.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
}

const TOPIC_MAX_LENGTH = 127;
const RETRY_OR_DLQ_TOPIC_MAX_LENGTH = 255;
const GROUP_MAX_LENGTH = 120;
const VALID = /^[%|a-zA-Z0-9_-]+$/;

/** Apache's remark for an invalid topic name, or undefined when the name is fine. */
export function topicProblem(topic: string | undefined): string | undefined {
  if (!topic || topic.trim().length === 0) return 'The specified topic is blank.';
  if (!VALID.test(topic)) return `The specified topic: ${topic}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%')) {
    if (topic.length > RETRY_OR_DLQ_TOPIC_MAX_LENGTH) {
      return `The specified topic is DLQ or Retry topic: ${topic}, and it's longer than topic max length: ${RETRY_OR_DLQ_TOPIC_MAX_LENGTH}`;
    }
  } else if (topic.length > TOPIC_MAX_LENGTH) {
    return `The specified topic: ${topic}, is longer than topic max length: ${TOPIC_MAX_LENGTH}`;
  }
  return undefined;
}

/** Apache's remark for an invalid group name, or undefined. */
export function groupProblem(group: string | undefined): string | undefined {
  if (!group || group.trim().length === 0) return 'The specified group is blank.';
  if (!VALID.test(group)) return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (group.length > GROUP_MAX_LENGTH) return `The specified group: ${group}, is longer than group max length: ${GROUP_MAX_LENGTH}`;
  return undefined;
}
