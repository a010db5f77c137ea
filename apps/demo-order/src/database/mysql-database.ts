import mysql from 'mysql2/promise';
import { redact } from './postgres-database.js';
import type { SqlDatabase, SqlExecutor, SqlResult } from './sql-database.js';

/** MySQL / MariaDB through a mysql2 pool. The repositories write `$n` placeholders; they become `?` here. */
export async function openMysqlDatabase(url: string): Promise<SqlDatabase> {
  const pool = mysql.createPool({ uri: url, connectionLimit: 16 });
  await pool.query('SELECT 1');
  const run = async <T>(conn: mysql.Pool | mysql.PoolConnection, sql: string, params: readonly unknown[] = []): Promise<SqlResult<T>> => {
    const { text, values } = toPositional(sql, params);
    const [result] = await conn.query(text, values);
    if (Array.isArray(result)) return { rows: result as T[], affected: 0 };
    return { rows: [], affected: (result as mysql.ResultSetHeader).affectedRows };
  };
  return {
    dialect: 'mysql',
    description: `MySQL ${redact(url)}`,
    query: (sql, params) => run(pool, sql, params),
    async transaction(work) {
      const conn = await pool.getConnection();
      const tx: SqlExecutor = { query: (sql, params) => run(conn, sql, params) };
      try {
        await conn.beginTransaction();
        const result = await work(tx);
        await conn.commit();
        return result;
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw error;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

/** `$2 ... $1 ... $2` → `? ? ?` with the values in the order they appear. */
export function toPositional(sql: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    values.push(params[Number(n) - 1]);
    return '?';
  });
  return { text, values };
}
