/**
 * The Nest side of the embedded broker: RocketMQTestingModule (an application's tests against a real broker with
 * no setup) and EmbeddedRocketMQModule (the broker inside an application, with a durable store).
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  EMBEDDED_ROCKETMQ,
  EmbeddedRocketMQModule,
  RocketMQTestingModule,
  type RunningEmbeddedRocketMQ,
} from '../../libs/broker/src/index.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import { RocketMQListener, RocketMQModule, RocketMQProducer, type RocketMQListenerContext } from '../../libs/rocketmq/src/nest/index.js';
import { Cleanups, quiet, uniqueName, waitFor } from './support/embedded.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

/** Records warnings and errors, so a test can assert that shutting down logged none. */
function recordingLogger(): RocketMQLogger & { problems: string[] } {
  const problems: string[] = [];
  return {
    problems,
    log() {},
    warn: (message: string) => problems.push(`WARN ${message}`),
    error: (message: string) => problems.push(`ERROR ${message}`),
  };
}

function refusesConnections(addr: string): Promise<boolean> {
  const [host, port] = addr.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host!);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

const topic = uniqueName('NestTesting');
const group = uniqueName('nest_testing_cg');

@Injectable()
class GreetingListener {
  readonly received: { payload: { hello: string }; tags?: string; keys: string[] }[] = [];

  @RocketMQListener({ topic, consumerGroup: group, selectorExpression: 'greet' })
  onGreeting(payload: { hello: string }, ctx: RocketMQListenerContext): void {
    this.received.push({ payload, tags: ctx.tags, keys: ctx.keys });
  }
}

@Module({ providers: [GreetingListener] })
class GreetingModule {}

describe('RocketMQTestingModule', () => {
  it('starts an embedded broker on free ports, wires producer and listeners to it, and removes it on close', async () => {
    const logger = recordingLogger();
    const app = await Test.createTestingModule({
      imports: [RocketMQTestingModule.forRoot({ producer: { group: uniqueName('nest_testing_pg') }, logger, broker: { logger: quiet } }), GreetingModule],
    }).compile();
    cleanups.add(() => app.close());
    await app.init();

    const mq = app.get<RunningEmbeddedRocketMQ>(EMBEDDED_ROCKETMQ);
    expect(mq.nameServer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(mq.nameServer).not.toBe('127.0.0.1:9876');

    const producer = app.get(RocketMQProducer);
    const result = await producer.send(`${topic}:greet`, { hello: 'world' }, { keys: ['k1'] });
    expect(result.status).toBe('SEND_OK');
    const listener = app.get(GreetingListener);
    await waitFor(() => listener.received.length === 1, 20_000, 'the listener to receive the greeting');
    expect(listener.received[0]).toEqual({ payload: { hello: 'world' }, tags: 'greet', keys: ['k1'] });

    const problemsBeforeClose = logger.problems.length;
    await app.close();
    expect(await refusesConnections(mq.nameServer)).toBe(true);
    expect(await refusesConnections(mq.brokers[0]!.addr)).toBe(true);
    expect(existsSync(mq.brokers[0]!.storePath)).toBe(false);
    // the connection shut down before the broker, so nothing failed on the way out
    expect(logger.problems.slice(problemsBeforeClose)).toEqual([]);
  }, 60_000);
});

describe('EmbeddedRocketMQModule', () => {
  it('runs the broker inside the application with a durable store: a message sent before a restart is consumed after it', async () => {
    const storeDir = mkdtempSync(path.join(os.tmpdir(), 'nest-embedded-store-'));
    cleanups.add(async () => rmSync(storeDir, { recursive: true, force: true }));
    const durableTopic = uniqueName('NestDurable');
    const received: string[] = [];
    const logger = recordingLogger();

    @Injectable()
    class DurableListener {
      @RocketMQListener({ topic: durableTopic, consumerGroup: uniqueName('nest_durable_cg'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      on(payload: string): void {
        received.push(payload);
      }
    }

    const appModule = (withListener: boolean) =>
      Test.createTestingModule({
        imports: [
          RocketMQModule.forRootAsync({
            imports: [EmbeddedRocketMQModule.forRootAsync({ useFactory: () => ({ storeDir, logger: quiet, brokerConfig: { flushDiskType: 'SYNC_FLUSH' } }) })],
            inject: [EMBEDDED_ROCKETMQ],
            useFactory: (mq: RunningEmbeddedRocketMQ) => ({ nameServer: mq.nameServer, producer: { group: 'nest_durable_pg' }, logger }),
          }),
        ],
        providers: withListener ? [DurableListener] : [],
      }).compile();

    const first = await appModule(false);
    await first.init();
    const firstBroker = first.get<RunningEmbeddedRocketMQ>(EMBEDDED_ROCKETMQ);
    await first.get(RocketMQProducer).send(durableTopic, 'kept across restarts');
    await first.close();
    // the broker module is imported inside RocketMQModule here, yet still stops after the connection
    expect(logger.problems).toEqual([]);
    expect(await refusesConnections(firstBroker.nameServer)).toBe(true);
    expect(existsSync(path.join(storeDir, 'broker-a', 'commitlog'))).toBe(true);

    const second = await appModule(true);
    cleanups.add(() => second.close());
    await second.init();
    await waitFor(() => received.length === 1, 30_000, 'the message stored before the restart');
    expect(received).toEqual(['kept across restarts']);
  }, 90_000);
});

describe('RocketMQHealthIndicator with @nestjs/terminus', () => {
  it('reports up through HealthCheckService, and 503 with the lagging group when a consumer falls behind maxLag', async () => {
    const { HealthCheckService, TerminusModule } = await import('@nestjs/terminus');
    const { ServiceUnavailableException } = await import('@nestjs/common');
    const { RocketMQHealthIndicator } = await import('../../libs/rocketmq/src/nest/index.js');
    const healthTopic = uniqueName('NestHealth');
    const healthGroup = uniqueName('nest_health_cg');

    // The handler does not finish until the end of the test, so the group's committed offset cannot move:
    // the lag is exactly what was sent. (Pausing the listener raced with a pull already held by the broker.)
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));

    @Injectable()
    class SlowListener {
      @RocketMQListener({ topic: healthTopic, consumerGroup: healthGroup, id: 'slow', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      async on(): Promise<void> {
        await stuck;
      }
    }

    const app = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false }), RocketMQTestingModule.forRoot({ producer: { group: uniqueName('nest_health_pg') }, logger: quiet, broker: { logger: quiet } })],
      providers: [SlowListener],
    }).compile();
    cleanups.add(() => app.close());
    cleanups.add(async () => release());
    await app.init();
    const health = app.get(HealthCheckService);
    const rocketmq = app.get(RocketMQHealthIndicator);

    const up = await health.check([() => rocketmq.check('rocketmq', { maxLag: 0 })]);
    expect(up.status).toBe('ok');
    expect(up.info?.rocketmq).toMatchObject({ status: 'up', connections: { default: { status: 'up', brokers: 1 } } });

    const producer = app.get(RocketMQProducer);
    for (let i = 0; i < 3; i++) await producer.send(healthTopic, { i });
    // The first send auto-creates the topic; until the name server has its route, the lag is "unavailable" (and the
    // check stays up), so ask again until the lag is known.
    let failure: unknown;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      failure = await health.check([() => rocketmq.check('rocketmq', { maxLag: 0 })]).catch((error: unknown) => error);
      if (failure instanceof ServiceUnavailableException) break;
    }
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    const body = (failure as InstanceType<typeof ServiceUnavailableException>).getResponse() as { status: string; error: Record<string, { consumers: { group: string; lag: number; status: string }[] }> };
    expect(body.status).toBe('error');
    expect(body.error.rocketmq!.consumers).toEqual([expect.objectContaining({ group: healthGroup, status: 'down', lag: 3 })]);
  }, 60_000);
});
