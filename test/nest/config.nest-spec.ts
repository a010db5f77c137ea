/**
 * Start-up configuration of the Nest layer against a real Apache RocketMQ: bad configuration
 * fails app.init() with a message saying what to fix; listeners can be switched off by
 * configuration; several named connections live in one application; forRootAsync.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminClient } from '../../libs/rocketmq/src/client/admin/admin-client.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';
import {
  InjectRocketMQProducer,
  Payload,
  RocketMQConfigurationError,
  RocketMQListener,
  RocketMQListenerRegistry,
  RocketMQModule,
  RocketMQProducer,
} from '../../libs/rocketmq/src/nest/index.js';
import { testLogger, sleep, waitFor } from '../interop/support/helpers.js';
import { nameServer, uniqueName } from '../interop/support/target.js';

const quiet = testLogger;



const SHARED_TOPIC = uniqueName('nest_cfg');
const SHARED_GROUP = uniqueName('nest_cfg_g');

@Injectable()
class TagListener {
  @RocketMQListener({ topic: SHARED_TOPIC, consumerGroup: SHARED_GROUP, selectorExpression: 'a' })
  handle(): void {}
}

@Injectable()
class SqlListener {
  @RocketMQListener({ topic: SHARED_TOPIC, consumerGroup: SHARED_GROUP, selectorType: 'SQL92', selectorExpression: 'amount > 10' })
  handle(): void {}
}

@Injectable()
class BadTopicListener {
  @RocketMQListener({ topic: 'orders created!', consumerGroup: uniqueName('nest_cfg_bad') })
  handle(): void {}
}

@Injectable()
class OtherClusterListener {
  @RocketMQListener({ topic: SHARED_TOPIC, consumerGroup: uniqueName('nest_cfg_eu'), connection: 'eu' })
  handle(): void {}
}

const SWITCHED_TOPIC = uniqueName('nest_switch');

@Injectable()
class SwitchedListener {
  @RocketMQListener({ topic: SWITCHED_TOPIC, consumerGroup: uniqueName('nest_switch_g'), enabled: 'ORDERS_LISTENER_ENABLED' })
  handle(): void {}

  @RocketMQListener({ topic: SWITCHED_TOPIC, consumerGroup: uniqueName('nest_switch_h'), id: 'audit' })
  audit(): void {}
}

const SECOND_TOPIC = uniqueName('nest_second');
const secondReceived: unknown[] = [];

@Injectable()
class SecondConnectionListener {
  @RocketMQListener({ topic: SECOND_TOPIC, consumerGroup: uniqueName('nest_second_g'), connection: 'second', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
  handle(@Payload() payload: unknown): void {
    secondReceived.push(payload);
  }
}

@Injectable()
class UsesTwoConnections {
  constructor(
    readonly main: RocketMQProducer,
    @InjectRocketMQProducer('second') readonly second: RocketMQProducer,
  ) {}
}

const apps: TestingModule[] = [];

afterEach(async () => {
  while (apps.length > 0) await apps.pop()!.close().catch(() => undefined);
}, 30_000);

async function initApp(metadata: ModuleMetadata): Promise<TestingModule> {
  const app = await Test.createTestingModule(metadata).compile();
  apps.push(app);
  await app.init();
  return app;
}

async function initError(metadata: ModuleMetadata): Promise<Error> {
  try {
    await initApp(metadata);
  } catch (error) {
    return error as Error;
  }
  throw new Error('app.init() was expected to fail');
}

const rocketmq = (extra: object = {}) => RocketMQModule.forRoot({ nameServer: nameServer(), logger: quiet, ...extra });

describe('bad configuration fails at start-up', () => {
  it('no name server reachable: the error names the address tried', async () => {
    const error = await initError({ imports: [RocketMQModule.forRoot({ nameServer: '127.0.0.1:1', logger: quiet, requestTimeoutMs: 1000 })] });
    expect(error).toBeInstanceOf(RocketMQConfigurationError);
    expect(error.message).toMatch(/no name server reachable at 127\.0\.0\.1:1 .*check the nameServer option/);
  }, 20_000);

  it('one consumer group with two different subscriptions of one topic', async () => {
    const error = await initError({ imports: [rocketmq()], providers: [TagListener, SqlListener] });
    expect(error).toBeInstanceOf(RocketMQConfigurationError);
    expect(error.message).toContain(`consumer group "${SHARED_GROUP}" subscribes topic "${SHARED_TOPIC}" two different ways: TagListener.handle (tags) and SqlListener.handle (SQL92 "amount > 10")`);
  }, 20_000);

  it('an invalid topic name in a decorator', async () => {
    const error = await initError({ imports: [rocketmq()], providers: [BadTopicListener] });
    expect(error.message).toMatch(/@RocketMQListener on BadTopicListener.handle: invalid topic "orders created!": .*illegal characters/);
  }, 20_000);

  it('a listener on a connection that is not configured', async () => {
    const error = await initError({ imports: [rocketmq()], providers: [OtherClusterListener] });
    expect(error.message).toMatch(/OtherClusterListener.handle: no RocketMQModule.forRoot\(\{ name: "eu" \}\) is imported \(known connections: "default"\)/);
  }, 20_000);
});

describe('switching listeners by configuration', () => {
  it('disables a listener through its config key or the module switch', async () => {
    const app = await initApp({
      imports: [rocketmq({ resolveConfig: (key: string) => ({ ORDERS_LISTENER_ENABLED: 'false' })[key], listeners: { audit: false } })],
      providers: [SwitchedListener],
    });
    const registry = app.get(RocketMQListenerRegistry);
    expect(registry.list().map((l) => [l.id, l.state])).toEqual([
      ['SwitchedListener.handle', 'disabled'],
      ['audit', 'disabled'],
    ]);
    expect(() => registry.pause('audit')).toThrow(/disabled/);
  }, 20_000);
});

describe('listener start', () => {
  it('awaits beforeListenersStart before starting listeners, and leaves them to startAll() with autoStartListeners: false', async () => {
    const statesAtHook: string[] = [];
    let registryRef: RocketMQListenerRegistry | undefined;
    const app = await initApp({
      imports: [
        rocketmq({
          beforeListenersStart: async () => {
            await sleep(200);
            statesAtHook.push(...registryRef!.list().map((l) => l.state));
          },
        }),
      ],
      providers: [
        SwitchedListener,
        { provide: 'CAPTURE', inject: [RocketMQListenerRegistry], useFactory: (r: RocketMQListenerRegistry) => (registryRef = r) },
      ],
    });
    expect(statesAtHook).toEqual(['created', 'created']);
    expect(app.get(RocketMQListenerRegistry).list().map((l) => l.state)).toEqual(['running', 'running']);

    const manual = await initApp({ imports: [rocketmq({ autoStartListeners: false })], providers: [SwitchedListener] });
    const registry = manual.get(RocketMQListenerRegistry);
    expect(registry.list().map((l) => l.state)).toEqual(['created', 'created']);
    await registry.startAll();
    expect(registry.list().map((l) => l.state)).toEqual(['running', 'running']);
  }, 30_000);
});

describe('connections', () => {
  it('serves two named connections in one application', async () => {
    // A topic auto-created by a send reaches the name server only with the broker's next
    // registration (up to 30 s): create it first so the listener finds its route at start.
    const admin = new AdminClient({ nameServer: nameServer(), logger: quiet });
    await admin.start();
    try {
      const cluster = Object.keys((await admin.clusterInfo()).clusters)[0]!;
      await admin.createTopic({ topic: SECOND_TOPIC, clusterName: cluster, readQueueNums: 4, writeQueueNums: 4 });
    } finally {
      await admin.shutdown();
    }
    const app = await initApp({
      imports: [rocketmq(), RocketMQModule.forRoot({ name: 'second', nameServer: nameServer(), logger: quiet })],
      providers: [SecondConnectionListener, UsesTwoConnections],
    });
    const both = app.get(UsesTwoConnections);
    expect(both.main.connectionName).toBe('default');
    expect(both.second.connectionName).toBe('second');
    await both.second.send(SECOND_TOPIC, { via: 'second' });
    await waitFor(() => secondReceived.length >= 1, 20_000, 'the message on the second connection');
    expect(secondReceived[0]).toEqual({ via: 'second' });
    expect(app.get(RocketMQListenerRegistry).get('SecondConnectionListener.handle').connection).toBe('second');
  }, 30_000);

  it('configures a connection with forRootAsync', async () => {
    @Module({ providers: [{ provide: 'NAMESRV', useValue: nameServer() }], exports: ['NAMESRV'] })
    class ConfigModule {}
    const app = await initApp({
      imports: [
        RocketMQModule.forRootAsync({
          imports: [ConfigModule],
          inject: ['NAMESRV'],
          useFactory: async (addr: string) => ({ nameServer: addr, logger: quiet }),
        }),
      ],
    });
    const result = await app.get(RocketMQProducer).send(uniqueName('nest_async'), 'hello');
    expect(result.status).toBe('SEND_OK');
  }, 30_000);
});
