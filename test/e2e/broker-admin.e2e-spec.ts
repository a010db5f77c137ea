/** Our AdminClient against EmbeddedRocketMQ: the same cases test/interop/admin.interop-spec.ts runs against Apache RocketMQ. */
import { expect, it, jest } from '@jest/globals';
import type { RunningEmbeddedRocketMQ } from '../../libs/broker/src/index.js';
import { describeAdminClient } from '../shared/admin-cases.js';
import { startEmbedded } from './support/embedded.js';

jest.setTimeout(60_000);

let mq: RunningEmbeddedRocketMQ | undefined;
describeAdminClient('AdminClient against the embedded broker', {
  nameServer: () => mq!.nameServer,
  start: async () => {
    mq = await startEmbedded();
  },
  stop: async () => {
    await mq?.stop();
  },
});

it('ran the shared cases against a broker of its own, now stopped', () => {
  expect(mq?.nameServer).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(mq?.brokers.map((b) => b.name)).toEqual(['broker-a']);
});
