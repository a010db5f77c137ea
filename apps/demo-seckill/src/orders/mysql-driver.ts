/** MySQL / MariaDB through a `mysql2` pool; the database named in the URL holds the tables. */
import mysql from 'mysql2/promise';
import type { SqlDriver, SqlResult, SqlRunner, SqlValue } from './sql-driver.js';

type Executor = Pick<mysql.Pool, 'query'>;

async function run<Row>(executor: Executor, sql: string, params: readonly SqlValue[]): Promise<SqlResult<Row>> {
  const [result] = await executor.query(sql, params as SqlValue[]);
  if (Array.isArray(result)) return { rows: result as Row[], affected: 0 };
  return { rows: [], affected: (result as mysql.ResultSetHeader).affectedRows };
}

export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;
  readonly description: string;

  private constructor(private readonly pool: mysql.Pool, url: URL) {
    this.description = `MySQL ${url.host}${url.pathname}`;
  }

  static async connect(url: string, poolSize: number): Promise<MysqlDriver> {
    const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
    // without FOUND_ROWS, a duplicate key left unchanged by ON DUPLICATE KEY UPDATE counts 0 affected rows
    const pool = mysql.createPool({ uri: parsed.toString(), connectionLimit: poolSize, supportBigNumbers: true, flags: ['-FOUND_ROWS'] });
    await pool.query('SELECT 1');
    return new MysqlDriver(pool, parsed);
  }

  query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<Row>> {
    return run<Row>(this.pool, sql, params);
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await work({ query: <Row>(sql: string, params: readonly SqlValue[] = []) => run<Row>(connection, sql, params) });
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
