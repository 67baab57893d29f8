export * from './server.js';
export * from './store/store.js';
export * from './store/records.js';
export { SqliteStore } from './store/sqlite-store.js';
export { openDatabase, migrate, schemaVersion } from './store/sqlite.js';
export { MIGRATIONS } from './store/migrations.js';
export * from './ingest/validate.js';
export { ingestHandler } from './ingest/stream-handler.js';
