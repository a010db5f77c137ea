/** Namespace wrapping of resource names (NamespaceUtil.java). System topics are never wrapped. */
export const RETRY_PREFIX = '%RETRY%';
export const DLQ_PREFIX = '%DLQ%';
const NAMESPACE_SEPARATOR = '%';

const SYSTEM_TOPICS = new Set([
  'TBW102',
  'SCHEDULE_TOPIC_XXXX',
  'BenchmarkTest',
  'RMQ_SYS_TRANS_HALF_TOPIC',
  'RMQ_SYS_TRACE_TOPIC',
  'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC',
  'OFFSET_MOVED_EVENT',
  'rmq_sys_wheel_timer',
]);

function isSystemResource(name: string): boolean {
  return SYSTEM_TOPICS.has(name) || name.startsWith('rmq_sys_') || name.endsWith('_REPLY_TOPIC');
}

export function wrapNamespace(namespace: string | undefined, resource: string): string {
  if (!namespace || isSystemResource(resource)) return resource;
  if (resource.startsWith(RETRY_PREFIX)) {
    const inner = resource.slice(RETRY_PREFIX.length);
    return inner.startsWith(namespace + NAMESPACE_SEPARATOR) ? resource : RETRY_PREFIX + namespace + NAMESPACE_SEPARATOR + inner;
  }
  if (resource.startsWith(DLQ_PREFIX)) {
    const inner = resource.slice(DLQ_PREFIX.length);
    return inner.startsWith(namespace + NAMESPACE_SEPARATOR) ? resource : DLQ_PREFIX + namespace + NAMESPACE_SEPARATOR + inner;
  }
  return resource.startsWith(namespace + NAMESPACE_SEPARATOR) ? resource : namespace + NAMESPACE_SEPARATOR + resource;
}

export function unwrapNamespace(namespace: string | undefined, resource: string): string {
  if (!namespace) return resource;
  const prefix = namespace + NAMESPACE_SEPARATOR;
  if (resource.startsWith(RETRY_PREFIX + prefix)) return RETRY_PREFIX + resource.slice(RETRY_PREFIX.length + prefix.length);
  if (resource.startsWith(DLQ_PREFIX + prefix)) return DLQ_PREFIX + resource.slice(DLQ_PREFIX.length + prefix.length);
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : resource;
}

export function retryTopic(group: string): string {
  return RETRY_PREFIX + group;
}

export function dlqTopic(group: string): string {
  return DLQ_PREFIX + group;
}
