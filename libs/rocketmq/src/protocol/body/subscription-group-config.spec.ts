import { describe, it, expect } from '@jest/globals';
import {
  createSubscriptionGroupConfig, decodeSubscriptionGroupConfig, decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupConfig, encodeSubscriptionGroupWrapper,
} from './subscription-group-config.js';

describe('SubscriptionGroupConfig', () => {
  it('applies Java defaults to a 4.9-style body', () => {
    const c = decodeSubscriptionGroupConfig('{"groupName":"g","retryMaxTimes":3}');
    expect(c).toEqual({ ...createSubscriptionGroupConfig('g'), retryMaxTimes: 3 });
  });

  it('round-trips every field', () => {
    const c = createSubscriptionGroupConfig('g', {
      consumeMessageOrderly: true,
      groupRetryPolicy: { type: 'EXPONENTIAL', exponentialRetryPolicy: { initial: 1000, max: 60000, multiplier: 2 } },
      subscriptionDataSet: [{ topic: 'T', expressionType: 'TAG', expression: '*', version: 1 }],
      attributes: { a: 'b' },
    });
    const text = encodeSubscriptionGroupConfig(c).toString();
    expect(text.startsWith('{"attributes":{"a":"b"},"brokerId":0,"consumeBroadcastEnable":true')).toBe(true);
    expect(decodeSubscriptionGroupConfig(text)).toEqual(c);
  });

  it('round-trips subscriptionGroup.json', () => {
    const w = {
      subscriptionGroupTable: { g: createSubscriptionGroupConfig('g') },
      forbiddenTable: { g: { T: 1 } },
      dataVersion: { counter: 1, stateVersion: 0, timestamp: 2 },
    };
    expect(decodeSubscriptionGroupWrapper(encodeSubscriptionGroupWrapper(w))).toEqual(w);
  });
});
