/** PostgreSQL through a `pg` pool; an optional schema (created if missing) isolates deployments and test runs. */
import pg from 'pg';
import { numberPlaceholders, type SqlDriver, type SqlResult, type SqlRunner, type SqlValue } from './sql-driver.js';

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly description: string;

  private constructor(private readonly pool: pg.Pool, url: URL, schema: string | undefined) {
    this.description = `PostgreSQL ${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}`;
  }

  static async connect(url: string, schema: string | undefined, poolSize: number): Promise<PostgresDriver> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, options: schema ? `-c search_path=${schema}` : undefined });
    pool.on('error', () => undefined); // an idle client's error is reported by the next query
    if (schema) await createSchema(pool, schema);
    else await pool.query('SELECT 1');
    return new PostgresDriver(pool, new URL(url), schema);
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<Row>> {
    const result = await this.pool.query(numberPlaceholders(sql), params as SqlValue[]);
    return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: readonly SqlValue[] = []) => {
          const r = await client.query(numberPlaceholders(sql), params as SqlValue[]);
          return { rows: r.rows as Row[], affected: r.rowCount ?? 0 };
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * CREATE SCHEMA IF NOT EXISTS is not safe against itself: two processes starting together (api +
 * consumer) can both pass the "not exists" check and one fails on the catalog's unique index. A
 * transaction-scoped advisory lock makes the second wait and then find the schema.
 */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`create schema ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
