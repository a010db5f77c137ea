/** PostgreSQL compiled to WASM, inside this process (the embedded default): in memory, or in a data directory. */
import { PGlite } from '@electric-sql/pglite';
import { numberPlaceholders, type SqlDriver, type SqlResult, type SqlRunner, type SqlValue } from './sql-driver.js';

export class PGliteDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly description: string;

  private constructor(private readonly db: PGlite, dataDir: string | undefined) {
    this.description = dataDir ? `PGlite in ${dataDir}` : 'PGlite in memory';
  }

  static async open(dataDir: string | undefined): Promise<PGliteDriver> {
    const db = new PGlite(dataDir);
    await db.waitReady;
    return new PGliteDriver(db, dataDir);
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<Row>> {
    const result = await this.db.query<Row>(numberPlaceholders(sql), params as SqlValue[]);
    return { rows: result.rows, affected: result.affectedRows ?? 0 };
  }

  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <Row>(sql: string, params: readonly SqlValue[] = []) => {
          const r = await tx.query<Row>(numberPlaceholders(sql), params as SqlValue[]);
          return { rows: r.rows, affected: r.affectedRows ?? 0 };
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
