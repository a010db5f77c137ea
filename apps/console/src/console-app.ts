/**
 * `startConsoleApp({ nameServer })`: a web console for a RocketMQ cluster (ours or Apache's): clusters and brokers,
 * topics, consumer groups with lag, message lookup by key or id. JSON API under /api, OpenAPI at /docs.
 */
import 'reflect-metadata';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { RocketMQLogger } from '@app/rocketmq';
import { ConsoleModule } from './console.module.js';

export interface ConsoleAppOptions {
  nameServer: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Nest's logger for the app; false silences it. */
  logger?: LoggerService | false;
  /** The admin client's logger. */
  rocketmqLogger?: RocketMQLogger;
}

export interface RunningConsoleApp {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

export async function startConsoleApp(options: ConsoleAppOptions): Promise<RunningConsoleApp> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ConsoleModule.forRoot({ nameServer: options.nameServer, logger: options.rocketmqLogger }),
    new FastifyAdapter(),
    { logger: options.logger ?? new Logger('Console'), abortOnError: false },
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('RocketMQ console').setDescription('Read-only view of a RocketMQ cluster').setVersion('1.0').build());
  SwaggerModule.setup('docs', app, document);
  const host = options.host ?? '127.0.0.1';
  await app.listen(options.port ?? 0, host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
