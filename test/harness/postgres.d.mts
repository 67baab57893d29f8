// The types of postgres.mjs (plain JavaScript: scripts and benchmarks run by node use it as the tests do).
export interface PostgresServer {
  port: number;
  /** The folder of the unix socket (.s.PGSQL.PORT) */
  socketDir: string;
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres, the superuser on the maintenance database */
  adminUrl: string;
  /** The URL of database `name` on this server */
  url(name: string): string;
  /** Creates a new empty database (NAME_1, NAME_2, ...) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** The server's log so far (its stderr) */
  log(): string;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}
export interface PostgresOptions {
  /** Extra server settings (-c NAME=VALUE); by default durability is off (fsync, synchronous_commit): test data is thrown away */
  settings?: Record<string, string>;
  /** How long to wait for the server to accept connections (default 60 s) */
  readyTimeoutMs?: number;
}
/**
* Why tests that need PostgreSQL cannot run here, or undefined when they can (its programs are
* installed, or we are root and can install them). For `describe.skipIf(...)`.
*/
export declare function postgresUnavailable(): string | undefined;
export declare function startPostgres(opts?: PostgresOptions): Promise<PostgresServer>;
