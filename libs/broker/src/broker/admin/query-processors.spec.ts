import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeStoredMessages, RequestCode, ResponseCode } from '@app/rocketmq/protocol';
import { testMessage } from '../../store/test-fixtures.js';
import { installAdminFeatures } from '../admin-features.js';
import { callProcessor, createTestBroker, type TestBroker } from './admin-test-kit.js';

const query = (key: string, unique?: boolean) => ({
  topic: 'T',
  key,
  maxNum: '64',
  beginTimestamp: '0',
  endTimestamp: String(Number.MAX_SAFE_INTEGER),
  ...(unique === undefined ? {} : { _UNIQUE_KEY_QUERY: String(unique) }),
});

describe('message lookup', () => {
  let broker: TestBroker;
  let offsets: number[];
  beforeEach(async () => {
    broker = await createTestBroker();
    installAdminFeatures(broker.ctx);
    offsets = [];
    offsets.push((await broker.store.putMessage(testMessage('T', 0, 'one', { keys: 'order-1', uniqKey: 'UNIQ1' }))).commitLogOffset);
    offsets.push((await broker.store.putMessage(testMessage('T', 1, 'two', { keys: 'order-1 order-2', uniqKey: 'UNIQ2' }))).commitLogOffset);
    await broker.store.runCheckpoint();
  });
  afterEach(() => broker.close());

  it('QUERY_MESSAGE by key returns the stored records back to back with the index header', async () => {
    const response = await callProcessor(broker, RequestCode.QUERY_MESSAGE, query('order-1', false));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(decodeStoredMessages(response.body!).map((m) => m.body.toString()).sort()).toEqual(['one', 'two']);
    expect(Number(response.extFields!['indexLastUpdatePhyoffset'])).toBeGreaterThan(0);
    expect(Number(response.extFields!['indexLastUpdateTimestamp'])).toBeGreaterThan(0);
  });

  it('QUERY_MESSAGE with _UNIQUE_KEY_QUERY=true looks up the client message id', async () => {
    const response = await callProcessor(broker, RequestCode.QUERY_MESSAGE, query('UNIQ2', true));
    expect(decodeStoredMessages(response.body!).map((m) => m.body.toString())).toEqual(['two']);
  });

  it('QUERY_MESSAGE answers QUERY_NOT_FOUND with Apache remark when nothing matches', async () => {
    const response = await callProcessor(broker, RequestCode.QUERY_MESSAGE, query('nope'));
    expect(response.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(response.remark).toBe('can not find message, maybe time range not correct');
  });

  it('VIEW_MESSAGE_BY_ID returns the record at a commit-log offset and fails cleanly elsewhere', async () => {
    const found = await callProcessor(broker, RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(offsets[1]) });
    expect(decodeStoredMessages(found.body!)[0]!.body.toString()).toBe('two');
    const missing = await callProcessor(broker, RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(offsets[1]! + 3) });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toBe(`can not find message by the offset, ${offsets[1]! + 3}`);
    const beyond = await callProcessor(broker, RequestCode.VIEW_MESSAGE_BY_ID, { offset: '99999999' });
    expect(beyond.code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
