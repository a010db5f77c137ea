import { AdminClient, type RocketMQLogger } from '@app/rocketmq';
import { ORDER_CREATED_TOPIC, ORDER_STATUS_TOPIC, QUEUES_PER_TOPIC } from './order-topics.js';

/** Creates the demo's topics on every cluster the name server knows (idempotent: an update when they exist). */
export async function ensureOrderTopics(nameServer: string, logger?: RocketMQLogger): Promise<void> {
  const admin = new AdminClient({ nameServer, ...(logger ? { logger } : {}) });
  await admin.start();
  try {
    const clusters = Object.keys((await admin.clusterInfo()).clusters);
    if (clusters.length === 0) throw new Error(`the name server ${nameServer} knows no broker cluster`);
    for (const clusterName of clusters) {
      await admin.createTopic({ topic: ORDER_CREATED_TOPIC, clusterName, readQueueNums: QUEUES_PER_TOPIC, writeQueueNums: QUEUES_PER_TOPIC });
      await admin.createTopic({ topic: ORDER_STATUS_TOPIC, clusterName, readQueueNums: QUEUES_PER_TOPIC, writeQueueNums: QUEUES_PER_TOPIC, order: true });
    }
  } finally {
    await admin.shutdown();
  }
}
