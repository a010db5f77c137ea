/**
 * The little the order repository needs from a database: run a statement, run several in one
 * transaction, close. SQL is written with `?` placeholders; PostgreSQL drivers number them.
 */
export type SqlDialect = 'postgres' | 'mysql';
export type SqlValue = string | number | null;

export interface SqlResult<Row> {
  rows: Row[];
  /** Rows inserted / updated / deleted. */
  affected: number;
}

export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<Row>>;
}

export interface SqlDriver extends SqlRunner {
  readonly dialect: SqlDialect;
  /** A short description for logs ("PostgreSQL 127.0.0.1:5432/test (schema s1)", "PGlite in memory", ...). */
  readonly description: string;
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1`, `$2`, ... (our statements have no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A database error's code: PostgreSQL SQLSTATE ("23503") or MySQL errno as text ("1452"). */
export function sqlErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown };
  if (typeof e?.errno === 'number') return String(e.errno);
  return typeof e?.code === 'string' ? e.code : undefined;
}
