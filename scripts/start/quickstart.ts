/**
 * The quick-start example `npm start` runs first: topic creation, ordered, batch and transactional sends, a push
 * consumer with a tag subscription, and the group's progress, against whatever cluster `nameServer` names.
 */
import { AdminClient } from '../../libs/rocketmq/src/client/admin/index.js';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { TransactionProducer } from '../../libs/rocketmq/src/client/producer/transaction-producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import type { RocketMQLogger } from '../../libs/rocketmq/src/logger.js';

/** Runs the example; resolves true when every message was consumed. */
export async function runQuickstart(nameServer: string, say: (line: string) => void, logger: RocketMQLogger): Promise<boolean> {
  const topic = 'QuickstartOrders';
  const admin = new AdminClient({ nameServer, logger });
  const producer = new Producer({ nameServer, group: 'quickstart_producer', logger });
  const txProducer = new TransactionProducer({
    nameServer,
    group: 'quickstart_tx_producer',
    logger,
    transactionListener: { executeLocalTransaction: () => 'COMMIT', checkLocalTransaction: () => 'COMMIT' },
  });
  const consumer = new PushConsumer({ nameServer, group: 'quickstart_consumer', logger, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  try {
    await admin.start();
    const cluster = await admin.clusterInfo();
    say(`Cluster: ${JSON.stringify(cluster)}`);
    await admin.createTopic({ topic, writeQueueNums: 4, readQueueNums: 4, clusterName: 'DefaultCluster' });
    say(`Created topic ${topic} with 4 queues`);

    await producer.start();
    await txProducer.start();
    const received: string[] = [];
    consumer.subscribe(topic, 'created || paid').onMessage((message) => {
      received.push(`${message.tags}:${message.body.toString()}`);
      say(`  consumed ${message.msgId} tag=${message.tags} queue=${message.queueId} body=${message.body.toString()}`);
    });
    await consumer.start();

    for (let i = 1; i <= 3; i++) {
      const result = await producer.sendOrderly(new Message(topic, Buffer.from(`order-${i}`), { tags: 'created', keys: [`order-${i}`] }), `order-${i}`);
      say(`sent order-${i}: ${result.status} msgId=${result.msgId} queue=${result.messageQueue.queueId}`);
    }
    const batch = await producer.sendBatch([1, 2].map((i) => new Message(topic, Buffer.from(`payment-${i}`), { tags: 'paid' })));
    say(`sent a batch of 2: ${batch.status}`);
    const tx = await txProducer.sendMessageInTransaction(new Message(topic, Buffer.from('order-4 (transactional)'), { tags: 'created' }), undefined);
    say(`sent a transactional message: local transaction ${tx.localTransactionState}`);

    const deadline = Date.now() + 20_000;
    while (received.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    say(`\nConsumed ${received.length} of 6 messages.`);
    await consumer.shutdown(); // commits the consumed offsets
    const progress = await admin.consumerProgress('quickstart_consumer');
    say(`Consumer lag after consumption: ${progress.totalLag}`);
    return received.length === 6;
  } finally {
    await consumer.shutdown().catch(() => undefined);
    await producer.shutdown().catch(() => undefined);
    await txProducer.shutdown().catch(() => undefined);
    await admin.shutdown().catch(() => undefined);
  }
}
