/**
 * The Nest tests (test/nest) run in `npm test` against an embedded broker in a child process,
 * started here once for the e2e project; ROCKETMQ_NAMESRV points them at another cluster instead.
 */
// jest loads global setup files as CommonJS: the .ts extension lets require() find the shared one
import interopGlobalSetup from '../interop/global-setup.ts';

export default async function e2eGlobalSetup(): Promise<void> {
  if (!process.env.ROCKETMQ_NAMESRV) process.env.ROCKETMQ_TARGET = 'embedded';
  await interopGlobalSetup();
}
