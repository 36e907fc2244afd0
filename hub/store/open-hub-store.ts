import { join } from 'node:path';
import type { HubStore } from './hub-store';
import { SqliteHubStore } from './sqlite-hub-store';

/**
 * The store a hub runs on: hub.db in the data dir (the default: one hub process), or a
 * PostgreSQL database given by URL (`postgres://user:pass@host:5432/db`, or a unix socket:
 * `postgres://user@/db?host=/run/postgresql`), which several hub instances may share.
 */
export async function openHubStore(location: string | undefined, dataDir: string): Promise<HubStore> {
  if (location === undefined || location === 'sqlite') return new SqliteHubStore(join(dataDir, 'hub.db'));
  if (/^postgres(ql)?:\/\//.test(location)) {
    // Loaded only when asked for: a SQLite hub (the app's Sandbox) never loads the pg client.
    const { PgHubStore } = await import('./postgres/pg-hub-store');
    return PgHubStore.open({ url: location });
  }
  throw new Error(`--store is "sqlite" or a postgres:// URL; got "${location}".`);
}

/** The store's location with any password replaced, for logs and the console. */
export function describeHubStore(location: string | undefined, dataDir: string): string {
  if (location === undefined || location === 'sqlite') return join(dataDir, 'hub.db');
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}
