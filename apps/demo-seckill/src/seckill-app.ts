/**
 * `startSeckillApp(config)`: the whole app on a port (0 = any free one), for `main.ts`, the lead's
 * `npm start` (both demos in one process on one broker) and the tests. Without a name server in the
 * config it starts an EmbeddedRocketMQ and stops it on close().
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AdminClient, silentLogger } from '@app/rocketmq';
import { EmbeddedRocketMQ, type RunningEmbeddedRocketMQ } from '@app/broker';
import type { SeckillConfig } from './config/seckill-config.js';
import { createGate } from './gate/create-gate.js';
import { restoreInProcessGate } from './gate/restore-gate.js';
import type { SeckillGate } from './gate/seckill-gate.js';
import { createOrderRepository } from './orders/create-order-repository.js';
import type { OrderRepository } from './orders/order-repository.js';
import { SeckillModule } from './seckill.module.js';

export interface RunningSeckillApp {
  app: NestFastifyApplication;
  /** Base URL of the HTTP API (undefined for the consumer role, which serves no HTTP). */
  url: string | undefined;
  nameServer: string;
  /** The embedded broker this app started, if it started one. */
  embedded: RunningEmbeddedRocketMQ | undefined;
  /** Graceful: listeners drain, producers stop, gate and database close, then the embedded broker stops. */
  close(): Promise<void>;
}

export interface StartSeckillOptions {
  /** Serve Swagger UI at /docs (default true). The OpenAPI document is served at /docs-json either way. */
  swaggerUi?: boolean;
}

const ORDER_TOPIC_QUEUES = 8;

export async function startSeckillApp(config: SeckillConfig, options: StartSeckillOptions = {}): Promise<RunningSeckillApp> {
  // opened before Nest (in parallel: PGlite and the broker take seconds), so a failure closes exactly what was opened
  const opened = await Promise.allSettled([
    createGate(config),
    createOrderRepository(config),
    config.rocketmq.nameServer ? Promise.resolve(undefined) : EmbeddedRocketMQ.start({ storeDir: config.rocketmq.storeDir }),
  ]);
  const gate: SeckillGate | undefined = opened[0].status === 'fulfilled' ? opened[0].value : undefined;
  const orders: OrderRepository | undefined = opened[1].status === 'fulfilled' ? opened[1].value : undefined;
  const embedded: RunningEmbeddedRocketMQ | undefined = opened[2].status === 'fulfilled' ? opened[2].value : undefined;
  let app: NestFastifyApplication | undefined;
  try {
    const failed = opened.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await restoreInProcessGate(gate!, orders!);
    const nameServer = config.rocketmq.nameServer ?? embedded!.nameServer;
    await ensureTopic(nameServer, config.rocketmq.topic);
    app = await NestFactory.create<NestFastifyApplication>(SeckillModule.forRoot(config, nameServer, { gate: gate!, orders: orders! }), new FastifyAdapter(), { bufferLogs: true, abortOnError: false });
    app.useLogger(app.get(Logger));
    let url: string | undefined;
    if (config.role === 'consumer') {
      await app.init();
    } else {
      const document = SwaggerModule.createDocument(
        app,
        new DocumentBuilder().setTitle('Seckill demo').setDescription('Flash sale with peak shaving on RocketMQ: accept fast at the gate, create orders at a fixed rate').setVersion('1.0').build(),
      );
      SwaggerModule.setup('docs', app, document, { ui: options.swaggerUi ?? true, raw: ['json'] });
      await app.listen(config.http.port, config.http.host);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
    }
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      app: started,
      url,
      nameServer,
      embedded,
      close: () =>
        (closing ??= (async () => {
          await started.close();
          await embedded?.stop();
        })()),
    };
  } catch (error) {
    if (app) await app.close().catch(() => undefined); // closes gate and orders too
    else await Promise.allSettled([gate?.close(), orders?.close()]);
    await embedded?.stop();
    throw error;
  }
}

/** Creates the orders topic on every cluster (a real broker may not auto-create topics); idempotent. */
async function ensureTopic(nameServer: string, topic: string): Promise<void> {
  const admin = new AdminClient({ nameServer, logger: silentLogger });
  await admin.start();
  try {
    const info = await admin.clusterInfo();
    for (const clusterName of Object.keys(info.clusters)) {
      await admin.createTopic({ topic, clusterName, readQueueNums: ORDER_TOPIC_QUEUES, writeQueueNums: ORDER_TOPIC_QUEUES });
    }
  } finally {
    await admin.shutdown().catch(() => undefined);
  }
}
