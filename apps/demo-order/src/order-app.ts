/**
 * `startOrderApp(config)`: the whole demo (HTTP API, transaction flow, consumers) on a port, against
 * the configured RocketMQ and database, or against an embedded broker and PGlite when none is
 * configured. Used by src/main.ts, the lead's `npm start`, the e2e tests and the acceptance script.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '@app/broker';
import type { RocketMQLogger } from '@app/rocketmq';
import type { OrderAppConfig } from './config/order-config.js';
import { openOrderDatabase } from './database/open-database.js';
import type { SqlDatabase } from './database/sql-database.js';
import { OrderAppModule } from './order-app.module.js';
import { ensureOrderTopics } from './order-topics.setup.js';

export interface StartOrderAppOptions {
  /** Use this name server instead of config.rocketmqNameServer / an embedded broker (e.g. one shared with another demo). */
  nameServer?: string;
  /** Quiets the RocketMQ client (tests); default: the app's logger. */
  rocketmqLogger?: RocketMQLogger;
  /** Swagger UI path; default "docs" (the OpenAPI document is at `<docsPath>-json`). */
  docsPath?: string;
  /** Serve the Swagger UI pages (default true); the OpenAPI JSON is served either way. */
  swaggerUi?: boolean;
}

export interface RunningOrderApp {
  app: NestFastifyApplication;
  /** `http://host:port` of the HTTP API. */
  url: string;
  nameServer: string;
  db: SqlDatabase;
  /** The broker this app started (none when it was given a name server). */
  embedded: RunningEmbeddedRocketMQ | undefined;
  /** Stops HTTP, drains the consumers, closes the database, stops an embedded broker it started. */
  close(): Promise<void>;
}

export async function startOrderApp(config: OrderAppConfig, options: StartOrderAppOptions = {}): Promise<RunningOrderApp> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const runCleanups = async () => {
    while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
  };
  try {
    let nameServer = options.nameServer ?? config.rocketmqNameServer;
    let embedded: RunningEmbeddedRocketMQ | undefined;
    if (!nameServer) {
      embedded = await EmbeddedRocketMQ.start({
        brokerConfig: { transactionCheckInterval: config.embeddedTxCheckIntervalMs, transactionTimeOut: config.embeddedTxTimeoutMs },
      });
      cleanups.push(() => embedded!.stop());
      nameServer = embedded.nameServer;
    }
    await ensureOrderTopics(nameServer, options.rocketmqLogger);
    const db = await openOrderDatabase(config);
    cleanups.push(() => db.close());

    const app = await NestFactory.create<NestFastifyApplication>(
      OrderAppModule.register({ config, db, nameServer, rocketmqLogger: options.rocketmqLogger }),
      new FastifyAdapter(),
      { bufferLogs: true },
    );
    cleanups.push(() => app.close());
    app.useLogger(app.get(Logger));
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('demo-order')
        .setDescription('Orders on RocketMQ transactional messages: POST /orders writes the order inside the transactional send; consumers apply it once.')
        .setVersion('1.0')
        .build(),
    );
    SwaggerModule.setup(options.docsPath ?? 'docs', app, document, { ui: options.swaggerUi ?? true });
    await app.listen(config.httpPort, config.httpHost);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.httpPort;
    const url = `http://${config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost}:${port}`;
    app.get(Logger).log(`demo-order (${config.role}) on ${url} (Swagger UI ${url}/${options.docsPath ?? 'docs'}), RocketMQ ${nameServer}${embedded ? ' (embedded)' : ''}, ${db.description}`, 'OrderApp');
    let closing: Promise<void> | undefined;
    return { app, url, nameServer, db, embedded, close: () => (closing ??= runCleanups()) };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}
