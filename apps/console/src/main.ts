/**
 * Standalone console: `ROCKETMQ_NAMESRV=127.0.0.1:9876 CONSOLE_PORT=8080 node --import @swc-node/register/esm-register apps/console/src/main.ts`
 */
import { Logger } from '@nestjs/common';
import { startConsoleApp } from './console-app.js';

const nameServer = process.env.ROCKETMQ_NAMESRV;
const port = Number(process.env.CONSOLE_PORT ?? 8080);
const logger = new Logger('Console');
if (!nameServer) {
  logger.error('Set ROCKETMQ_NAMESRV to the name server to watch, e.g. ROCKETMQ_NAMESRV=127.0.0.1:9876');
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.error(`CONSOLE_PORT must be a port number, got ${process.env.CONSOLE_PORT}`);
  process.exit(2);
}
const running = await startConsoleApp({ nameServer, port, host: process.env.CONSOLE_HOST ?? '127.0.0.1' });
logger.log(`RocketMQ console for ${nameServer} at ${running.url} (API ${running.url}/api, OpenAPI ${running.url}/docs)`);
