/**
 * The small SQL seam the demo's repositories use: parameterised queries (`$1`, `$2`, ...) and one
 * transaction helper, implemented by PostgreSQL (pg), PGlite and MySQL/MariaDB (mysql2).
 */
export type SqlDialect = 'postgres' | 'mysql';

export interface SqlResult<T> {
  rows: T[];
  /** Rows inserted, updated or deleted by the statement. */
  affected: number;
}

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<T>>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** What runs underneath, for logs and reports. */
  readonly description: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}
