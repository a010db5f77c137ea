import { redactUrl, SeckillStartupError, type SeckillConfig } from '../config/seckill-config.js';
import type { OrderRepository } from './order-repository.js';
import type { SqlDriver } from './sql-driver.js';
import { SqlOrderRepository } from './sql-order-repository.js';

/** The driver DATABASE_URL names (PGlite when absent), with the schema in place. */
export async function createOrderRepository(config: SeckillConfig): Promise<OrderRepository> {
  const { url, pgliteDataDir } = config.database;
  try {
    return await open(config);
  } catch (error) {
    throw url ? new SeckillStartupError('DATABASE_URL', redactUrl(url), error) : new SeckillStartupError('PGLITE_DATA_DIR', pgliteDataDir ?? 'in memory', error);
  }
}

async function open(config: SeckillConfig): Promise<OrderRepository> {
  const { url, schema, poolSize, pgliteDataDir } = config.database;
  let driver: SqlDriver;
  if (!url) {
    const { PGliteDriver } = await import('./pglite-driver.js');
    driver = await PGliteDriver.open(pgliteDataDir);
  } else if (/^postgres/.test(url)) {
    const { PostgresDriver } = await import('./postgres-driver.js');
    driver = await PostgresDriver.connect(url, schema, poolSize);
  } else {
    const { MysqlDriver } = await import('./mysql-driver.js');
    driver = await MysqlDriver.connect(url, poolSize);
  }
  const repository = new SqlOrderRepository(driver);
  try {
    await repository.ensureSchema();
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return repository;
}
