/**
 * `npm start`: starts the embedded RocketMQ (name server + broker, durable store under
 * .data/rocketmq), runs the quick-start example against it, then keeps the broker up for other
 * clients (Java or Node) until Ctrl-C, printing its stats. Flags: --once (exit after the example),
 * --namesrv host:port (use a running cluster), --apache [version] (Apache RocketMQ from Maven Central).
 */
import { parseArgs } from 'node:util';
import { AdminClient } from '../libs/rocketmq/src/client/admin/index.js';
import { PushConsumer } from '../libs/rocketmq/src/client/consumer/push-consumer.js';
import { Producer } from '../libs/rocketmq/src/client/producer/producer.js';
import { TransactionProducer } from '../libs/rocketmq/src/client/producer/transaction-producer.js';
import { Message } from '../libs/rocketmq/src/protocol/message/message.js';
import type { RocketMQLogger } from '../libs/rocketmq/src/logger.js';
import { EmbeddedRocketMQ } from '../libs/broker/src/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const logger: RocketMQLogger = {
  log() {},
  warn: (m, c) => say(`  warn [${c ?? ''}] ${m}`),
  error: (m, _t, c) => say(`  error [${c ?? ''}] ${m}`),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { namesrv: { type: 'string' }, apache: { type: 'string' }, once: { type: 'boolean', default: false } },
  });
  let nameServer = values.namesrv;
  let stopCluster: (() => Promise<void>) | undefined;
  let embedded: Awaited<ReturnType<typeof EmbeddedRocketMQ.start>> | undefined;
  if (!nameServer && values.apache !== undefined) {
    const version = values.apache || '5.5.1';
    say(`Starting Apache RocketMQ ${version} (name server + broker) from Maven Central jars ...`);
    const { startApacheRocketMQ } = await import('../test/interop/support/apache-rocketmq.js');
    const cluster = await startApacheRocketMQ({ version, log: (line) => /fetch|download|start|ready/i.test(line) && say(`  ${line}`) });
    nameServer = cluster.namesrvAddr;
    stopCluster = () => cluster.stop();
  } else if (!nameServer) {
    say('Starting the embedded RocketMQ (name server + broker, store in .data/rocketmq) ...');
    embedded = await startEmbedded();
    nameServer = embedded.nameServer;
    say(`  ready in ${embedded.startupMs} ms: name server ${embedded.nameServer}, broker ${embedded.brokers.map((b) => `${b.name} ${b.addr}`).join(', ')}`);
    stopCluster = () => embedded!.stop();
  }
  say(`Name server: ${nameServer}\n`);
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
    if (received.length < 6) process.exitCode = 1;
  } finally {
    await consumer.shutdown().catch(() => undefined);
    await producer.shutdown().catch(() => undefined);
    await txProducer.shutdown().catch(() => undefined);
  }
  if (embedded && !values.once && process.exitCode !== 1) {
    say(`\nThe embedded RocketMQ keeps running: point any RocketMQ client at ${nameServer} (Ctrl-C stops it).`);
    await serveUntilSignal(admin);
  }
  await admin.shutdown().catch(() => undefined);
  await stopCluster?.();
}

/** The embedded broker on the standard ports when they are free, else on free ones. */
async function startEmbedded() {
  const storeDir = new URL('../.data/rocketmq', import.meta.url).pathname;
  try {
    return await EmbeddedRocketMQ.start({ storeDir, namesrvPort: 9876, brokerConfig: { listenPort: 10911 } });
  } catch (error) {
    if (!/EADDRINUSE/.test(String((error as Error)?.message ?? error))) throw error;
    say('  ports 9876/10911 are taken: using free ports');
    return EmbeddedRocketMQ.start({ storeDir });
  }
}

/** Prints the broker's figures every 10 s until SIGINT/SIGTERM. */
async function serveUntilSignal(admin: AdminClient): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      try {
        const info = await admin.clusterInfo();
        for (const broker of Object.values(info.brokers)) {
          const stats = await admin.brokerRuntimeInfo(broker.masterAddr!);
          say(`  ${broker.brokerName}: ${stats['msgPutTotalTodayNow'] ?? 0} messages in today, ${stats['msgGetTotalTodayNow'] ?? 0} out, commit log ${stats['commitLogMaxOffset'] ?? 0} bytes`);
        }
      } catch (error) {
        say(`  stats unavailable: ${(error as Error).message}`);
      }
    }, 10_000);
    const stop = () => {
      clearInterval(timer);
      say('\nStopping ...');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
