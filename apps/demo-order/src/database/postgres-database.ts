import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlResult } from './sql-database.js';

/** PostgreSQL through a pg Pool; every connection uses `schema` (created when missing). */
export async function openPostgresDatabase(url: string, schema = 'public'): Promise<SqlDatabase> {
  const bootstrap = new pg.Client({ connectionString: url });
  await bootstrap.connect();
  try {
    // CREATE SCHEMA IF NOT EXISTS races with itself (processes starting together: one fails on the catalog's
    // unique index); the advisory lock makes the second wait, then find the schema.
    await bootstrap.query('BEGIN');
    await bootstrap.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`create schema ${schema}`]);
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await bootstrap.query('COMMIT');
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 16, options: `-c search_path="${schema}"` });
  // An idle client that loses its server connection emits 'error'; the pool replaces it.
  pool.on('error', () => undefined);
  const run = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<SqlResult<T>> => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as T[], affected: result.rowCount ?? 0 };
  };
  return {
    dialect: 'postgres',
    description: `PostgreSQL ${redact(url)} (schema ${schema})`,
    query: (sql, params) => run(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      const tx: SqlExecutor = { query: (sql, params) => run(client, sql, params) };
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
