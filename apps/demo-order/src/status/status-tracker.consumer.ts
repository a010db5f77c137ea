/**
 * Consumes the status stream ORDERLY and checks each order's sequence: version n+1 after n is
 * applied, n or lower is a redelivery (ignored), anything else is recorded in status_violations.
 * The tests and the acceptance run assert that table stays empty.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Payload, RocketMQListener } from '@app/rocketmq';
import type { SqlDatabase } from '../database/sql-database.js';
import { ORDER_DATABASE } from '../order-app.tokens.js';
import { CONSUMER_GROUPS, LISTENER_IDS, ORDER_STATUS_TOPIC } from '../order-topics.js';
import type { OrderStatusEvent } from '../orders/order-events.js';
import { ConsumerStats } from '../consumers/consumer-stats.js';

const TRACKER = 'status';

@Injectable()
export class StatusTrackerConsumer {
  private readonly logger = new Logger(StatusTrackerConsumer.name);

  constructor(
    @Inject(ORDER_DATABASE) private readonly db: SqlDatabase,
    private readonly stats: ConsumerStats,
  ) {}

  @RocketMQListener({
    topic: ORDER_STATUS_TOPIC,
    consumerGroup: CONSUMER_GROUPS.statusTracker,
    consumeMode: 'ORDERLY',
    id: LISTENER_IDS.statusTracker,
  })
  async onStatus(@Payload() event: OrderStatusEvent): Promise<void> {
    const outcome = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ version: number }>(`SELECT version FROM order_status_view WHERE order_id = $1`, [event.orderId]);
      const seen = rows[0] ? Number(rows[0].version) : 0;
      if (event.version <= seen) return 'duplicates' as const;
      if (event.version !== seen + 1) {
        await tx.query(`INSERT INTO status_violations (order_id, expected_version, got_version, status) VALUES ($1, $2, $3, $4)`, [
          event.orderId,
          seen + 1,
          event.version,
          event.status,
        ]);
        this.logger.error(`order ${event.orderId}: ${event.status} (v${event.version}) arrived after v${seen}`);
      }
      if (seen === 0) {
        await tx.query(`INSERT INTO order_status_view (order_id, status, version) VALUES ($1, $2, $3)`, [event.orderId, event.status, event.version]);
      } else {
        await tx.query(`UPDATE order_status_view SET status = $2, version = $3 WHERE order_id = $1`, [event.orderId, event.status, event.version]);
      }
      return 'applied' as const;
    });
    this.stats.record(TRACKER, outcome);
  }
}
