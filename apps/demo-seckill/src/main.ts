/**
 * Standalone entry: `node --import @swc-node/register/esm-register apps/demo-seckill/src/main.ts`.
 * Reads the environment (see config/seckill-config.ts); SECKILL_ROLE=api|consumer|all. Without
 * ROCKETMQ_NAMESRV it starts the embedded broker itself. SIGINT/SIGTERM close gracefully (the app
 * first, then the embedded broker, which Nest's own shutdown hooks would not stop).
 */
import { loadSeckillConfig, SeckillConfigError, SeckillStartupError } from './config/seckill-config.js';
import { startSeckillApp } from './seckill-app.js';

async function main(): Promise<void> {
  const config = loadSeckillConfig();
  const running = await startSeckillApp(config);
  const parts = [`role ${config.role}`, `RocketMQ ${running.nameServer}${running.embedded ? ' (embedded)' : ''}`];
  if (running.url) parts.push(`HTTP ${running.url} (Swagger UI ${running.url}/docs)`);
  process.stdout.write(`seckill ready: ${parts.join(', ')}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`seckill: ${signal}, shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`seckill: shutdown failed: ${error.stack ?? error}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof SeckillConfigError || error instanceof SeckillStartupError ? `${error.message}\n` : `seckill failed to start: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
