import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { describeHubStoreConformance } from './conformance';
import type { HubStoreFactory } from './conformance';
import type { HubStore } from './hub-store';
import { SqliteHubStore } from './sqlite-hub-store';
import { PgHubStore } from './postgres/pg-hub-store';
import { postgresAvailable, startPrivatePostgres } from '../testing/private-postgres';
import type { PrivatePostgres } from '../testing/private-postgres';

/** hub.db in a temp folder of its own per test; every open in the test reaches the same file. */
function sqliteFactory(): HubStoreFactory {
  let dir: string | null = null;
  const opened: HubStore[] = [];
  return {
    name: 'SqliteHubStore',
    open() {
      dir ??= mkdtempSync(join(tmpdir(), 'idlegrid-hub-store-'));
      const store = new SqliteHubStore(join(dir, 'hub.db'));
      opened.push(store);
      return store;
    },
    async close() {
      for (const store of opened.splice(0)) await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}

/**
 * A schema of its own per test on one private PostgreSQL cluster (started at the first
 * open, stopped after the file); every open in the test is another PgHubStore (other
 * pools, as another hub instance would have) on that schema.
 */
function postgresFactory(): HubStoreFactory {
  let cluster: Promise<PrivatePostgres> | null = null;
  let url: string | null = null;
  let schema: string | null = null;
  let count = 0;
  const opened: HubStore[] = [];
  afterAll(async () => {
    if (cluster) await (await cluster).stop();
  });
  return {
    name: 'PgHubStore',
    async open() {
      cluster ??= startPrivatePostgres();
      url ??= (await cluster).url('postgres');
      schema ??= `conformance_${++count}`;
      const store = await PgHubStore.open({ url, schema, poolSize: 4 });
      opened.push(store);
      return store;
    },
    async close() {
      for (const store of opened.splice(0)) await store.close();
      schema = null;
    },
  };
}

describeHubStoreConformance(postgresAvailable('the PostgreSQL store conformance') ? [sqliteFactory(), postgresFactory()] : [sqliteFactory()]);

/**
 * The suite reaches stores only through factories; importing an implementation would
 * let it lean on that store's internals (its connection, its SQL) and stop being the
 * contract. Its imports are vitest, its own files, the interface and common/.
 */
const CONFORMANCE_DIR = join(__dirname, 'conformance');
const ALLOWED = [/^vitest$/, /^\.\/[\w-]+$/, /^\.\.\/hub-store$/, /^(\.\.\/)+common\//];

function importsOutsideContract(source: string): string[] {
  const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
  return specifiers.filter((s) => !ALLOWED.some((allowed) => allowed.test(s)));
}

describe('the hub store conformance suite', () => {
  it('imports no store implementation, only the interface (proven on a planted import)', () => {
    const files = readdirSync(CONFORMANCE_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect({ file, imports: importsOutsideContract(readFileSync(join(CONFORMANCE_DIR, file), 'utf8')) }).toEqual({ file, imports: [] });
    const planted = "import type { HubStore } from '../hub-store';\nimport { SqliteHubStore } from '../sqlite-hub-store';\nconst db = await import('better-sqlite3');\n";
    expect(importsOutsideContract(planted)).toEqual(['../sqlite-hub-store', 'better-sqlite3']);
  });
});
