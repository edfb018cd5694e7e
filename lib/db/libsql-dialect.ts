import type { Client, InValue, ResultSet, Transaction } from '@libsql/client';
import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';

function toPlainRows<R>(result: ResultSet): R[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column, row[index]])) as R);
}

class LibsqlConnection implements DatabaseConnection {
  transaction: Transaction | undefined;

  constructor(private readonly client: Client) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const executor = this.transaction ?? this.client;
    const result = await executor.execute({ sql: query.sql, args: query.parameters as InValue[] });
    return {
      rows: toPlainRows<R>(result),
      numAffectedRows: BigInt(result.rowsAffected),
      insertId: result.lastInsertRowid,
    };
  }

  // Kysely calls this inside its stream's try/finally, so throwing here surfaces as that stream's error.
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported by the libsql dialect');
  }
}

/**
 * Kysely over `@libsql/client`, the engine Mastra's LibSQL storage already ships. One connection
 * at a time (like Kysely's own SQLite driver): SQLite serializes writers anyway, and a queue in
 * process avoids SQLITE_BUSY between our own queries.
 */
class LibsqlDriver implements Driver {
  private readonly connection: LibsqlConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(private readonly client: Client) {
    this.connection = new LibsqlConnection(client);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as LibsqlConnection).transaction = await this.client.transaction('write');
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.endTransaction(connection as LibsqlConnection, (transaction) => transaction.commit());
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.endTransaction(connection as LibsqlConnection, (transaction) => transaction.rollback());
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    this.client.close();
  }

  private async endTransaction(connection: LibsqlConnection, end: (transaction: Transaction) => Promise<void>) {
    const transaction = connection.transaction;
    connection.transaction = undefined;
    if (!transaction) return;
    try {
      await end(transaction);
    } finally {
      transaction.close();
    }
  }
}

export class LibsqlDialect implements Dialect {
  constructor(private readonly client: Client) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return new LibsqlDriver(this.client);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * Per connection, so the client must keep exactly one (`concurrency: 1`; the driver above
 * serializes every query anyway). `synchronous = NORMAL`: in WAL mode a commit is durable against
 * a killed process and the file stays consistent on power loss, which may only lose the last
 * commits, as with memory's storage (Mastra sets the same) and the local world's files (never
 * fsynced). The default, FULL, fsyncs on every commit, on the event loop, since libsql's calls
 * are synchronous: about 2 ms per write froze the whole server for 18 % of a 200-turn load.
 */
export const pragmas = [CompiledQuery.raw('PRAGMA journal_mode = WAL'), CompiledQuery.raw('PRAGMA synchronous = NORMAL'), CompiledQuery.raw('PRAGMA busy_timeout = 5000')];
