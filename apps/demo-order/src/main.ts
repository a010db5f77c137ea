/**
 * Standalone entry: `node --import @swc-node/register/esm-register apps/demo-order/src/main.ts`.
 * Configuration from the environment (see config/order-config.ts); with no ROCKETMQ_NAMESRV it starts
 * an embedded RocketMQ, with no DATABASE_URL it uses PGlite. SIGINT/SIGTERM shut it down gracefully.
 */
import 'reflect-metadata';
import { loadOrderConfig, OrderConfigError } from './config/order-config.js';
import { startOrderApp } from './order-app.js';

async function main(): Promise<void> {
  const config = loadOrderConfig();
  const running = await startOrderApp(config);
  // Our own signal handling rather than app.enableShutdownHooks(): the database and the embedded broker live
  // outside the Nest container and must close after it, in that order.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // app.close() runs the shutdown hooks (consumers drain, producers stop); then the DB and broker.
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // Before the app (and its logger) exists there is nowhere else to say it.
  process.stderr.write(error instanceof OrderConfigError ? `${error.message}\n` : `demo-order failed to start: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
