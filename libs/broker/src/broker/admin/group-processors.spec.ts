import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createSubscriptionGroupConfig,
  decodeSubscriptionGroupConfig,
  decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupConfig,
  RequestCode,
  ResponseCode,
} from '@app/rocketmq/protocol';
import { installAdminFeatures } from '../admin-features.js';
import { callProcessor, createTestBroker, type TestBroker } from './admin-test-kit.js';

describe('subscription group administration', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await createTestBroker();
    installAdminFeatures(broker.ctx);
  });
  afterEach(() => broker.close());

  it('creates a group from the request body and returns it by name and in the full table', async () => {
    const config = createSubscriptionGroupConfig('G1', { retryMaxTimes: 3, consumeBroadcastEnable: false });
    const created = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(config));
    expect(created.code).toBe(ResponseCode.SUCCESS);
    const one = await callProcessor(broker, RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'G1' });
    expect(decodeSubscriptionGroupConfig(one.body!)).toMatchObject({ groupName: 'G1', retryMaxTimes: 3, consumeBroadcastEnable: false });
    const all = decodeSubscriptionGroupWrapper((await callProcessor(broker, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body!);
    expect(Object.keys(all.subscriptionGroupTable)).toEqual(['G1']);
    expect(all.dataVersion).toEqual(broker.groups.dataVersion);
  });

  it('refuses an illegal group name', async () => {
    const response = await callProcessor(broker, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(createSubscriptionGroupConfig('bad group')));
    expect(response.code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('answers SUBSCRIPTION_GROUP_NOT_EXIST for an unknown group when groups are not auto-created', async () => {
    const strict = await createTestBroker();
    const { MemoryGroupRegistry } = await import('./admin-test-kit.js');
    (strict.ctx as { groups: unknown }).groups = new MemoryGroupRegistry(false);
    installAdminFeatures(strict.ctx);
    const response = await callProcessor(strict, RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'nope' });
    expect(response.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    expect(response.remark).toBe('No group in this broker');
    await strict.close();
  });

  it('deletes a group, keeping its offsets unless cleanOffset (5.x) or removeOffset (4.9) is set', async () => {
    for (const g of ['A', 'B', 'C']) {
      broker.groups.createOrUpdate(createSubscriptionGroupConfig(g));
      broker.offsets.commit(g, 'T', 0, 5);
    }
    await callProcessor(broker, RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'A' });
    await callProcessor(broker, RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'B', cleanOffset: 'true' });
    await callProcessor(broker, RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'C', removeOffset: 'true' });
    expect(broker.groups.all()).toHaveLength(0);
    expect(broker.offsets.groupsOf('T')).toEqual(['A']);
  });
});
