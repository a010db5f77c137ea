/** Module wiring without a broker: tokens, named connections, discovery, params and pipes (nothing connects). */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { silentLogger } from '../logger.js';
import { MessageExt } from '../protocol/message/message.js';
import type { ConsumeContext } from '../client/consumer/consume-types.js';
import { RocketMQListenerContext } from './context/rocketmq-listener-context.js';
import { InjectRocketMQProducer } from './decorators/inject.decorators.js';
import { Ctx, Headers, Payload } from './decorators/param.decorators.js';
import { RocketMQListener } from './decorators/rocketmq-listener.decorator.js';
import { RocketMQTransactionListener } from './decorators/transaction-listener.decorator.js';
import { RocketMQListenerRegistry } from './listeners/listener-registry.js';
import { RocketMQProducer } from './producer/rocketmq-producer.js';
import { RocketMQModule } from './rocketmq.module.js';
import { RocketMQConnections } from './connection/connection-registry.js';

const offline = { nameServer: '127.0.0.1:1', logger: silentLogger, verifyOnStart: false, autoStartListeners: false };

@Injectable()
class Upper implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata) {
    return typeof value === 'string' && metadata.data === undefined ? value.toUpperCase() : value;
  }
}

@Injectable()
class Listeners {
  @RocketMQListener({ topic: 'orders', consumerGroup: 'g', selectorExpression: 'a' })
  a(@Payload(Upper) text: string, @Headers('h') h: string, @Ctx() ctx: RocketMQListenerContext) {
    return { text, h, tag: ctx.tags };
  }

  @RocketMQListener({ topic: 'orders', consumerGroup: 'g', selectorExpression: 'b', connection: 'eu' })
  b() {}
}

@RocketMQTransactionListener({ flow: 'orders', connection: 'eu' })
class OrderTx {
  executeLocalTransaction() {
    return 'COMMIT' as const;
  }
  checkLocalTransaction() {
    return 'COMMIT' as const;
  }
}

@Injectable()
class Sender {
  constructor(
    readonly main: RocketMQProducer,
    @InjectRocketMQProducer('eu') readonly eu: RocketMQProducer,
  ) {}
}

function message(tag: string): MessageExt {
  const properties: Record<string, string> = Object.create(null);
  properties['TAGS'] = tag;
  properties['h'] = 'header';
  return new MessageExt({
    topic: 'orders', body: Buffer.from('hi'), properties, flag: 0, queueId: 1, queueOffset: 5, commitLogOffset: 0, sysFlag: 0,
    bornTimestamp: 0, bornHost: '', storeTimestamp: 0, storeHost: '', reconsumeTimes: 0, preparedTransactionOffset: 0, bodyCRC: 0, storeSize: 0, offsetMsgId: 'X',
  });
}

describe('RocketMQModule wiring', () => {
  it('provides producers per connection, discovers listeners and transaction flows, and runs handlers through pipes', async () => {
    const app = await Test.createTestingModule({
      imports: [RocketMQModule.forRoot(offline), RocketMQModule.forRoot({ ...offline, name: 'eu' })],
      providers: [Listeners, OrderTx, Sender, Upper],
    }).compile();
    await app.init();
    try {
      const sender = app.get(Sender);
      expect(sender.main.connectionName).toBe('default');
      expect(sender.eu.connectionName).toBe('eu');
      const registry = app.get(RocketMQListenerRegistry);
      expect(registry.list().map((l) => [l.id, l.connection, l.state, l.subscription])).toEqual([
        ['Listeners.a', 'default', 'created', 'a'],
        ['Listeners.b', 'eu', 'created', 'b'],
      ]);
      expect(app.get(RocketMQConnections).get('eu')!.flows.names()).toEqual(['orders']);
      await expect(sender.main.sendInTransaction('orders', {}, undefined, 'orders')).rejects.toThrow(/known flows: none|declare a provider/);

      // Invoke the wrapped handler as the consumer would (the pipe runs on the payload).
      const container = registry.allContainers().find((c) => c.connection.name === 'default')!;
      const listener = container.plan.listeners[0]!;
      const consume = { group: 'g', messageQueue: { topic: 'orders', brokerName: 'b', queueId: 1 }, orderly: false } as ConsumeContext;
      const result = await listener.handler('hi', new RocketMQListenerContext(message('a'), consume, listener.id));
      expect(result).toEqual({ text: 'HI', h: 'header', tag: 'a' });
    } finally {
      await app.close();
    }
  });
});
