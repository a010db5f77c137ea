/**
 * Subscription group administration: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), GET_ALL_SUBSCRIPTIONGROUP_CONFIG
 * (201), DELETE_SUBSCRIPTIONGROUP (207) and GET_SUBSCRIPTIONGROUP_CONFIG (352).
 */
import {
  RequestCode,
  ResponseCode,
  decodeSubscriptionGroupConfig,
  encodeSubscriptionGroupConfig,
  encodeSubscriptionGroupWrapper,
  type RemotingCommand,
  type SubscriptionGroupConfig,
} from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { AdminDeps } from './admin-deps.js';
import { DeleteSubscriptionGroupAnyHeader, GetSubscriptionGroupConfigRequestHeader } from './admin-headers.js';
import { failure, success } from './admin-responses.js';
import { groupProblem } from './topic-names.js';

export function updateAndCreateSubscriptionGroup(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  // Apache answers SUCCESS to a request without a body and changes nothing.
  if (!request.body || request.body.length === 0) return success(request);
  const config = decodeSubscriptionGroupConfig(request.body);
  const problem = groupProblem(config.groupName);
  if (problem) return failure(request, ResponseCode.INVALID_PARAMETER, problem);
  ctx.groups.createOrUpdate(config);
  ctx.logger.log(`subscription group ${config.groupName} created or updated`, 'AdminBroker');
  return success(request);
}

export function getAllSubscriptionGroups(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const subscriptionGroupTable: Record<string, SubscriptionGroupConfig> = {};
  for (const g of ctx.groups.all()) subscriptionGroupTable[g.groupName] = g;
  return success(request, encodeSubscriptionGroupWrapper({ subscriptionGroupTable, forbiddenTable: {}, dataVersion: ctx.groups.dataVersion }));
}

export function deleteSubscriptionGroup(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const header = DeleteSubscriptionGroupAnyHeader.decode(request.extFields);
  ctx.groups.delete(header.groupName);
  if (header.cleanOffset || header.removeOffset) ctx.offsets.removeGroup(header.groupName);
  ctx.logger.log(`subscription group ${header.groupName} deleted${header.cleanOffset || header.removeOffset ? ' with its offsets' : ''}`, 'AdminBroker');
  return success(request);
}

export function getSubscriptionGroup(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const group = GetSubscriptionGroupConfigRequestHeader.decode(request.extFields).group;
  // Like Apache's findSubscriptionGroupConfig, this creates the group when autoCreateSubscriptionGroup is on.
  const config = ctx.groups.findOrCreate(group);
  if (!config) return failure(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'No group in this broker');
  return success(request, encodeSubscriptionGroupConfig(config));
}

export function registerGroupProcessors({ ctx }: AdminDeps): void {
  ctx.registerProcessor(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, (request) => updateAndCreateSubscriptionGroup(ctx, request));
  ctx.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (request) => getAllSubscriptionGroups(ctx, request));
  ctx.registerProcessor(RequestCode.DELETE_SUBSCRIPTIONGROUP, (request) => deleteSubscriptionGroup(ctx, request));
  ctx.registerProcessor(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, (request) => getSubscriptionGroup(ctx, request));
}
