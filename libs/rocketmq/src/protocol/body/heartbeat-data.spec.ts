import { describe, it, expect } from '@jest/globals';
import { RocketMQClientError } from '../errors.js';
import { buildSubscriptionData, decodeHeartbeatData, encodeHeartbeatData, subscribesAll, type HeartbeatData } from './heartbeat-data.js';

describe('SubscriptionData from an expression', () => {
  it('splits tags on ||, trims, drops empties and hashes like Java', () => {
    const sd = buildSubscriptionData('T1', ' TagA ||TagB|| ||TagA', 'TAG', 1700000000000);
    expect(sd).toEqual({
      topic: 'T1', subString: ' TagA ||TagB|| ||TagA', tagsSet: ['TagA', 'TagB'], codeSet: [2598919, 2598920],
      subVersion: 1700000000000, expressionType: 'TAG', classFilterMode: false,
    });
  });

  it('treats * and empty as subscribe-all', () => {
    expect(buildSubscriptionData('T', '').subString).toBe('*');
    expect(subscribesAll(buildSubscriptionData('T', '*'))).toBe(true);
    expect(subscribesAll(buildSubscriptionData('T', 'a'))).toBe(false);
  });

  it('keeps SQL92 expressions verbatim and rejects empty ones', () => {
    const sd = buildSubscriptionData('T', 'a > 5 AND b = \'x\'', 'SQL92');
    expect(sd).toMatchObject({ expressionType: 'SQL92', tagsSet: [], codeSet: [], subString: "a > 5 AND b = 'x'" });
    expect(() => buildSubscriptionData('T', ' ', 'SQL92')).toThrow(RocketMQClientError);
  });
});

describe('HeartbeatData', () => {
  const hb: HeartbeatData = {
    clientID: '10.0.0.5@4242#123456789',
    consumerDataSet: [{
      groupName: 'cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false,
      subscriptionDataSet: [buildSubscriptionData('T1', 'TagA || TagB', 'TAG', 1700000000000), buildSubscriptionData('%RETRY%cg', '*', 'TAG', 1700000000001)],
    }],
    producerDataSet: [{ groupName: 'CLIENT_INNER_PRODUCER' }, { groupName: 'pg' }],
    heartbeatFingerprint: 0,
    withoutSub: false,
  };

  it('serializes as Java does (alphabetical fields)', () => {
    expect(encodeHeartbeatData(hb).toString()).toBe(
      '{"clientID":"10.0.0.5@4242#123456789","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",' +
        '"groupName":"cg","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG",' +
        '"subString":"TagA || TagB","subVersion":1700000000000,"tagsSet":["TagA","TagB"],"topic":"T1"},{"classFilterMode":false,"codeSet":[],' +
        '"expressionType":"TAG","subString":"*","subVersion":1700000000001,"tagsSet":[],"topic":"%RETRY%cg"}],"unitMode":false}],' +
        '"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"},{"groupName":"pg"}],"withoutSub":false}',
    );
  });

  it('round-trips, and reads 4.9 heartbeats without the V2 fields', () => {
    expect(decodeHeartbeatData(encodeHeartbeatData(hb))).toEqual(hb);
    const old = decodeHeartbeatData('{"clientID":"c","consumerDataSet":[],"producerDataSet":[{"groupName":"pg"}]}');
    expect(old).toEqual({ clientID: 'c', consumerDataSet: [], producerDataSet: [{ groupName: 'pg' }], heartbeatFingerprint: 0, withoutSub: false });
  });
});
