import type { OrderRepository } from '../orders/order-repository.js';
import { InProcessGate } from './in-process-gate.js';
import type { SeckillGate } from './seckill-gate.js';

/**
 * The in-process gate forgets everything with its process; PGlite with a data dir does not. At
 * start, the sales and their order holders are loaded back into it. (Redis keeps its own state.)
 * Returns how many sales were restored.
 */
export async function restoreInProcessGate(gate: SeckillGate, orders: OrderRepository): Promise<number> {
  if (!(gate instanceof InProcessGate)) return 0;
  const sales = await orders.listSales();
  for (const sale of sales) gate.restoreSale(sale, await orders.orderHolders(sale.sku));
  return sales.length;
}
