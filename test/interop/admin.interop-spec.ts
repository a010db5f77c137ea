/** Our AdminClient against Apache RocketMQ (or whatever ROCKETMQ_NAMESRV points at): the shared admin cases. */
import { jest } from '@jest/globals';
import { describeAdminClient } from '../shared/admin-cases.js';
import { nameServer, targetVersion } from './support/target.js';

jest.setTimeout(60_000);

describeAdminClient(`AdminClient against ${process.env.ROCKETMQ_TARGET === 'embedded' ? 'the embedded broker' : `Apache RocketMQ ${targetVersion()}`}`, { nameServer });
