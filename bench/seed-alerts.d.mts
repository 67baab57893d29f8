// Types of seed-alerts.mjs, for the TypeScript tests that use it.
import type { SqliteStore } from '../collector/dist/index.js';

export function seedAlerts(store: SqliteStore, n: number, now?: number): string[];
