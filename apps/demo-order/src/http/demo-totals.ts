/** Database-wide totals the README walkthrough and the acceptance run compare. */
import { Inject, Injectable } from '@nestjs/common';
import type { SqlDatabase } from '../database/sql-database.js';
import { INITIAL_STOCK } from '../database/schema.js';
import { ORDER_DATABASE } from '../order-app.tokens.js';

export interface DemoTotalsSnapshot {
  orders: number;
  txLog: number;
  consumedBy: Record<string, number>;
  notifications: number;
  pointsCredited: number;
  stockTaken: number;
  statusViolations: number;
}

@Injectable()
export class DemoTotals {
  constructor(@Inject(ORDER_DATABASE) private readonly db: SqlDatabase) {}

  async read(): Promise<DemoTotalsSnapshot> {
    const count = async (sql: string) => Number((await this.db.query<{ n: unknown }>(sql)).rows[0]?.n ?? 0);
    const { rows } = await this.db.query<{ consumer: string; n: unknown }>(`SELECT consumer, COUNT(*) AS n FROM consumed GROUP BY consumer`);
    return {
      orders: await count(`SELECT COUNT(*) AS n FROM orders`),
      txLog: await count(`SELECT COUNT(*) AS n FROM tx_log`),
      consumedBy: Object.fromEntries(rows.map((r) => [r.consumer, Number(r.n)])),
      notifications: await count(`SELECT COUNT(*) AS n FROM notifications`),
      pointsCredited: await count(`SELECT COALESCE(SUM(points), 0) AS n FROM user_points`),
      stockTaken: await count(`SELECT COALESCE(SUM(${INITIAL_STOCK} - quantity), 0) AS n FROM stock`),
      statusViolations: await count(`SELECT COUNT(*) AS n FROM status_violations`),
    };
  }
}
