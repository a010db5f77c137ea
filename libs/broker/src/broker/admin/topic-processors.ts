/**
 * Topic administration: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
 * GET_TOPIC_CONFIG (351) and GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305) (`AdminBrokerProcessor`, 5.x).
 */
import {
  CreateTopicRequestHeader,
  DeleteTopicRequestHeader,
  GetTopicConfigRequestHeader,
  RequestCode,
  ResponseCode,
  encodeTopicConfig,
  encodeTopicConfigSerializeWrapper,
  encodeTopicList,
  type RemotingCommand,
  type TopicConfig,
  type TopicFilterType,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import { isBrokerSystemTopic, type AdminDeps } from './admin-deps.js';
import { hasTopicOffsetRemoval } from './admin-options.js';
import { failure, success } from './admin-responses.js';
import { SYSTEM_TOPIC_PREFIX, SYSTEM_TOPICS, topicProblem } from './topic-names.js';

/** Queue counts above this are refused (Apache does not check; our store keeps files per queue). */
export const MAX_QUEUE_NUMS = 65_535;

/**
 * `AttributeParser.parseToMap` applied to the current attributes: `+key=value` adds or replaces, `-key` removes;
 * entries are separated by commas. Returns an error text for malformed input.
 */
export function applyAttributeChanges(current: Readonly<Record<string, string>>, text: string | undefined): Record<string, string> | string {
  const out: Record<string, string> = { ...current };
  if (!text || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    if (item.startsWith('+')) {
      const eq = item.indexOf('=');
      if (eq < 2 || eq === item.length - 1) return `attribute format error: ${item}, expected +key=value`;
      out[item.slice(1, eq)] = item.slice(eq + 1);
    } else if (item.startsWith('-')) {
      if (item.includes('=') || item.length < 2) return `attribute format error: ${item}, expected -key`;
      delete out[item.slice(1)];
    } else {
      return `attribute format error: ${item}, expected +key=value or -key`;
    }
  }
  return out;
}

function sameTopicConfig(a: TopicConfig, b: TopicConfig | undefined): boolean {
  if (!b) return false;
  const keysA = Object.keys(a.attributes).sort();
  const keysB = Object.keys(b.attributes).sort();
  return (
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicFilterType === b.topicFilterType &&
    a.topicSysFlag === b.topicSysFlag &&
    a.order === b.order &&
    keysA.length === keysB.length &&
    keysA.every((k, i) => k === keysB[i] && a.attributes[k] === b.attributes[k])
  );
}

export function updateAndCreateTopic(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const header = CreateTopicRequestHeader.decode(request.extFields);
  const topic = header.topic;
  const problem = topicProblem(topic);
  if (problem) return failure(request, ResponseCode.INVALID_PARAMETER, problem);
  if (isBrokerSystemTopic(ctx, topic)) {
    return failure(request, ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
  }
  for (const [name, value] of [
    ['readQueueNums', header.readQueueNums],
    ['writeQueueNums', header.writeQueueNums],
  ] as const) {
    if (value < 0 || value > MAX_QUEUE_NUMS) {
      return failure(request, ResponseCode.INVALID_PARAMETER, `${name} ${value} is out of range; use 0 to ${MAX_QUEUE_NUMS}`);
    }
  }
  if (header.perm < 0 || header.perm > 15) {
    return failure(request, ResponseCode.INVALID_PARAMETER, `perm ${header.perm} is not a permission; use bits 1 (inherit), 2 (write), 4 (read), 8 (priority)`);
  }
  if (header.topicFilterType !== 'SINGLE_TAG' && header.topicFilterType !== 'MULTI_TAG') {
    return failure(request, ResponseCode.INVALID_PARAMETER, `topicFilterType ${header.topicFilterType} is neither SINGLE_TAG nor MULTI_TAG`);
  }
  const existing = ctx.topics.get(topic);
  const attributes = applyAttributeChanges(existing?.attributes ?? {}, header.attributes);
  if (typeof attributes === 'string') return failure(request, ResponseCode.INVALID_PARAMETER, attributes);
  if (attributes['message.type'] === 'MIXED') return failure(request, ResponseCode.INVALID_PARAMETER, 'MIXED message type is not supported.');

  const config: TopicConfig = {
    topicName: topic,
    readQueueNums: header.readQueueNums,
    writeQueueNums: header.writeQueueNums,
    perm: header.perm,
    topicFilterType: header.topicFilterType as TopicFilterType,
    topicSysFlag: header.topicSysFlag ?? 0,
    order: header.order,
    attributes,
  };
  if (sameTopicConfig(config, existing)) return success(request);
  ctx.topics.createOrUpdate(config);
  ctx.requestRegistration();
  ctx.logger.log(`topic ${topic} created or updated: ${config.readQueueNums}/${config.writeQueueNums} queues, perm ${config.perm}`, 'AdminBroker');
  return success(request);
}

export function deleteTopic(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = DeleteTopicRequestHeader.decode(request.extFields).topic;
  if (!topic || topic.trim() === '') return failure(request, ResponseCode.INVALID_PARAMETER, 'The specified topic is blank.');
  if (isBrokerSystemTopic(ctx, topic)) {
    return failure(request, ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
  }
  ctx.topics.delete(topic);
  if (hasTopicOffsetRemoval(ctx.offsets)) ctx.offsets.removeTopic(topic);
  ctx.store.deleteTopic(topic);
  ctx.requestRegistration();
  ctx.logger.log(`topic ${topic} deleted`, 'AdminBroker');
  return success(request);
}

export function getAllTopicConfig(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topicConfigTable: Record<string, TopicConfig> = {};
  for (const tc of ctx.topics.all()) topicConfigTable[tc.topicName] = tc;
  return success(request, encodeTopicConfigSerializeWrapper({ topicConfigTable, dataVersion: ctx.topics.dataVersion }));
}

export function getTopicConfig(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const topic = GetTopicConfigRequestHeader.decode(request.extFields).topic;
  const config = ctx.topics.get(topic);
  if (!config) return failure(request, ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${topic}`);
  return success(request, encodeTopicConfig(config));
}

export function systemTopicList(ctx: BrokerContext): string[] {
  const topics = new Set<string>(SYSTEM_TOPICS);
  topics.add(ctx.config.brokerClusterName);
  topics.add(ctx.config.brokerName);
  for (const tc of ctx.topics.all()) if (tc.topicName.startsWith(SYSTEM_TOPIC_PREFIX)) topics.add(tc.topicName);
  return [...topics];
}

export function registerTopicProcessors({ ctx }: AdminDeps): void {
  ctx.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, (request) => updateAndCreateTopic(ctx, request));
  ctx.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, (request) => deleteTopic(ctx, request));
  ctx.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, (request) => getAllTopicConfig(ctx, request));
  ctx.registerProcessor(RequestCode.GET_TOPIC_CONFIG, (request) => getTopicConfig(ctx, request));
  ctx.registerProcessor(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (request) =>
    success(request, encodeTopicList({ topicList: systemTopicList(ctx) })),
  );
}
