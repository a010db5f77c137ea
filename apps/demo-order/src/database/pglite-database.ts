import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase, SqlResult } from './sql-database.js';

/** PostgreSQL compiled to WASM, in this process: the embedded default (in memory unless `dataDir`). */
export async function openPgliteDatabase(dataDir?: string): Promise<SqlDatabase> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const wrap = <T>(result: { rows: unknown[]; affectedRows?: number }): SqlResult<T> => ({ rows: result.rows as T[], affected: result.affectedRows ?? 0 });
  return {
    dialect: 'postgres',
    description: `PGlite (${dataDir ?? 'in memory'})`,
    query: async (sql, params) => wrap(await db.query(sql, params as unknown[] | undefined)),
    // PGlite runs one transaction at a time; the others queue behind it.
    transaction: (work) => db.transaction((tx) => work({ query: async (sql, params) => wrap(await tx.query(sql, params as unknown[] | undefined)) })),
    close: () => db.close(),
  };
}
