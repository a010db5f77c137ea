import { afterEach, describe, expect, it } from '@jest/globals';
import { RemotingCommand, RequestCode } from '@app/rocketmq/protocol';
import { RemotingConnection, RemotingServer } from '@app/rocketmq/remoting';
import { PullRequestHoldService, type HeldPullRequest } from './pull-request-hold-service.js';

const silent = { log() {}, warn() {}, error() {} };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function connectionPair(): Promise<RemotingConnection> {
  const server = new RemotingServer();
  const { port } = await server.listen();
  cleanups.push(() => server.close());
  const client = await RemotingConnection.connect(`127.0.0.1:${port}`);
  cleanups.push(() => client.close());
  await client.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 3000);
  return [...server.activeConnections][0]!;
}

describe('long polling hold service', () => {
  it('wakes a held pull when its queue gets a matching message, and leaves no listener per request behind', async () => {
    const connection = await connectionPair();
    const woken: number[] = [];
    const service = new PullRequestHoldService(async (held) => {
      woken.push(held.offset);
      return undefined;
    }, silent);
    const baseline = connection.listenerCount('close');
    for (let i = 0; i < 50; i++) {
      const held: HeldPullRequest = {
        request: RemotingCommand.request(RequestCode.PULL_MESSAGE),
        connection,
        topic: 'T',
        queueId: 0,
        offset: i,
        matchesTagsCode: () => true,
      };
      service.hold(held, 30_000);
      service.onDispatched({ topic: 'T', queueId: 0, queueOffset: i, commitLogOffset: 0, size: 1, tagsCode: 0, storeTimestamp: 0, sysFlag: 0 });
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toHaveLength(50);
    expect(service.heldCount).toBe(0);
    expect(connection.listenerCount('close')).toBeLessThanOrEqual(baseline + 1);
    await service.stop();
  });

  it('watches a connection that long-polls many queues with one close listener, and drops its requests when it closes', async () => {
    const connection = await connectionPair();
    let woken = 0;
    const service = new PullRequestHoldService(async () => {
      woken += 1;
      return undefined;
    }, silent);
    const baseline = connection.listenerCount('close');
    for (let queueId = 0; queueId < 32; queueId++) {
      service.hold({ request: RemotingCommand.request(RequestCode.PULL_MESSAGE), connection, topic: 'T', queueId, offset: 0, matchesTagsCode: () => true }, 30_000);
    }
    expect(service.heldCount).toBe(32);
    expect(connection.listenerCount('close')).toBe(baseline + 1);
    connection.close();
    await new Promise((resolve) => connection.closed ? resolve(undefined) : connection.once('close', resolve));
    expect(service.heldCount).toBe(0);
    await service.stop();
    expect(woken).toBe(0);
  });

  it('does not wake a request for a message below its offset or of another queue', async () => {
    const connection = await connectionPair();
    let woken = 0;
    const service = new PullRequestHoldService(async () => {
      woken += 1;
      return undefined;
    }, silent);
    service.hold({ request: RemotingCommand.request(RequestCode.PULL_MESSAGE), connection, topic: 'T', queueId: 1, offset: 5, matchesTagsCode: () => true }, 30_000);
    service.onDispatched({ topic: 'T', queueId: 1, queueOffset: 3, commitLogOffset: 0, size: 1, tagsCode: 0, storeTimestamp: 0, sysFlag: 0 });
    service.onDispatched({ topic: 'T', queueId: 2, queueOffset: 9, commitLogOffset: 0, size: 1, tagsCode: 0, storeTimestamp: 0, sysFlag: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(0);
    expect(service.heldCount).toBe(1);
    await service.stop();
    expect(woken).toBe(1);
  });
});
