export default async function globalTeardown(): Promise<void> {
  const cluster = globalThis.__ROCKETMQ_INTEROP_CLUSTER__;
  globalThis.__ROCKETMQ_INTEROP_CLUSTER__ = undefined;
  if (cluster) {
    await cluster.stop();
    delete process.env.ROCKETMQ_NAMESRV;
  }
}
