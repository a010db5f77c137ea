import type { OrderAppConfig } from '../config/order-config.js';
import { openMysqlDatabase } from './mysql-database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import { migrate } from './schema.js';
import type { SqlDatabase } from './sql-database.js';

/** The configured database (PGlite when no DATABASE_URL), with the demo's tables in place. */
export async function openOrderDatabase(config: Pick<OrderAppConfig, 'databaseUrl' | 'databaseSchema' | 'pgliteDataDir'>): Promise<SqlDatabase> {
  const url = config.databaseUrl;
  const db = !url
    ? await openPgliteDatabase(config.pgliteDataDir)
    : url.startsWith('mysql:')
      ? await openMysqlDatabase(url)
      : await openPostgresDatabase(url, config.databaseSchema);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
