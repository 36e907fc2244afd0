import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

export interface StoredAccount {
  address: string;
  lamports: bigint;
  owner: string;
  executable: boolean;
  data: Uint8Array;
}

export interface StoredTransaction {
  signature: string;
  slot: bigint;
  blockTime: number;
  /** 'legacy' or 0. */
  version: 'legacy' | 0;
  wire: Uint8Array;
  /** The `transaction.message` object of a json-encoded getTransaction, as JSON text. */
  messageJson: string;
  /** The `meta` object of getTransaction, as JSON text. */
  metaJson: string;
  /** The error as RPC JSON text, or null on success. */
  errJson: string | null;
  /** Memos as getSignaturesForAddress reports them ("[len] text; …"), or null. */
  memo: string | null;
}

export interface SignatureRow {
  signature: string;
  slot: bigint;
  blockTime: number;
  errJson: string | null;
  memo: string | null;
}

/**
 * The sandbox chain's state on disk (chain.db). LiteSVM keeps everything in memory, so
 * after each transaction the accounts it changed are written here together with the
 * transaction itself, in one SQLite transaction: a restart (or a crash) finds balances
 * and history that agree. Program accounts are not stored; they come with LiteSVM.
 *
 * WAL with synchronous=NORMAL: survives the app crashing; a power cut may lose the last
 * moments of test money, which is acceptable for a sandbox and keeps 10,000 payments fast.
 */
export class ChainStore {
  private readonly db: Database.Database;
  private readonly statements;

  private constructor(filePath: string) {
    // Created 0600 before SQLite opens it (SQLite would make it 0644, and its -wal/-shm
    // take that mode): it holds the faucet's key, which other local users must not read.
    if (filePath !== ':memory:') closeSync(openSync(filePath, 'a', 0o600));
    this.db = new Database(filePath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`chain.db was written by a newer Idlegrid (schema ${version}); update Idlegrid or use another data dir.`);
    }
    if (version < 1) {
      this.db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
        CREATE TABLE accounts (
          address TEXT PRIMARY KEY NOT NULL,
          lamports TEXT NOT NULL,
          owner TEXT NOT NULL,
          executable INTEGER NOT NULL,
          data BLOB NOT NULL
        ) STRICT;
        CREATE TABLE transactions (
          seq INTEGER PRIMARY KEY,
          signature TEXT NOT NULL UNIQUE,
          slot INTEGER NOT NULL,
          block_time INTEGER NOT NULL,
          version TEXT NOT NULL,
          wire BLOB NOT NULL,
          message_json TEXT NOT NULL,
          meta_json TEXT NOT NULL,
          err_json TEXT,
          memo TEXT
        ) STRICT;
        CREATE TABLE transaction_accounts (
          address TEXT NOT NULL,
          seq INTEGER NOT NULL,
          PRIMARY KEY (address, seq)
        ) STRICT, WITHOUT ROWID;
        PRAGMA user_version = 1;
      `);
    }
    this.statements = {
      getMeta: this.db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: this.db.prepare<[string, string]>(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      allAccounts: this.db.prepare<[], { address: string; lamports: string; owner: string; executable: number; data: Buffer }>(
        'SELECT address, lamports, owner, executable, data FROM accounts',
      ),
      upsertAccount: this.db.prepare<[string, string, string, number, Uint8Array]>(
        `INSERT INTO accounts (address, lamports, owner, executable, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(address) DO UPDATE SET lamports = excluded.lamports, owner = excluded.owner,
           executable = excluded.executable, data = excluded.data`,
      ),
      deleteAccount: this.db.prepare<[string]>('DELETE FROM accounts WHERE address = ?'),
      insertTransaction: this.db.prepare<[string, bigint, number, string, Uint8Array, string, string, string | null, string | null]>(
        `INSERT INTO transactions (signature, slot, block_time, version, wire, message_json, meta_json, err_json, memo)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertTransactionAccount: this.db.prepare<[string, bigint]>(
        'INSERT OR IGNORE INTO transaction_accounts (address, seq) VALUES (?, ?)',
      ),
      getTransaction: this.db.prepare<[string], {
        signature: string; slot: number | bigint; block_time: number; version: string; wire: Buffer;
        message_json: string; meta_json: string; err_json: string | null; memo: string | null;
      }>('SELECT signature, slot, block_time, version, wire, message_json, meta_json, err_json, memo FROM transactions WHERE signature = ?'),
      getStatus: this.db.prepare<[string], { slot: number | bigint; err_json: string | null }>(
        'SELECT slot, err_json FROM transactions WHERE signature = ?',
      ),
      hasSignature: this.db.prepare<[string], number>('SELECT 1 FROM transactions WHERE signature = ?').pluck(),
      seqOf: this.db.prepare<[string], number | bigint>('SELECT seq FROM transactions WHERE signature = ?').pluck(),
      signaturesForAddress: this.db.prepare<[string, bigint, bigint, number], {
        signature: string; slot: number | bigint; block_time: number; err_json: string | null; memo: string | null;
      }>(
        `SELECT t.signature, t.slot, t.block_time, t.err_json, t.memo
           FROM transaction_accounts a JOIN transactions t ON t.seq = a.seq
          WHERE a.address = ? AND a.seq < ? AND a.seq > ?
          ORDER BY a.seq DESC LIMIT ?`,
      ),
      maxSlot: this.db.prepare<[], number | bigint | null>('SELECT MAX(slot) FROM transactions').pluck(),
      count: this.db.prepare<[], number>('SELECT COUNT(*) FROM transactions').pluck(),
    };
    this.statements.signaturesForAddress.safeIntegers(true);
    this.statements.seqOf.safeIntegers(true);
    this.statements.getTransaction.safeIntegers(false);
  }

  static open(filePath: string): ChainStore {
    return new ChainStore(filePath);
  }

  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key);
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  loadAccounts(): StoredAccount[] {
    return this.statements.allAccounts.all().map((row) => ({
      address: row.address,
      lamports: BigInt(row.lamports),
      owner: row.owner,
      executable: row.executable === 1,
      data: new Uint8Array(row.data),
    }));
  }

  /** Writes a transaction, the addresses it touched and the accounts it changed, all or nothing. */
  commit(tx: StoredTransaction | null, touchedAddresses: readonly string[], changed: readonly StoredAccount[], removed: readonly string[], slot: bigint): void {
    this.db.transaction(() => {
      if (tx) {
        const info = this.statements.insertTransaction.run(
          tx.signature, tx.slot, tx.blockTime, String(tx.version), tx.wire, tx.messageJson, tx.metaJson, tx.errJson, tx.memo,
        );
        const seq = BigInt(info.lastInsertRowid);
        for (const address of touchedAddresses) this.statements.insertTransactionAccount.run(address, seq);
      }
      for (const account of changed) {
        this.statements.upsertAccount.run(account.address, account.lamports.toString(), account.owner, account.executable ? 1 : 0, account.data);
      }
      for (const address of removed) this.statements.deleteAccount.run(address);
      this.statements.setMeta.run('slot', slot.toString());
    })();
  }

  hasSignature(signature: string): boolean {
    return this.statements.hasSignature.get(signature) === 1;
  }

  getTransaction(signature: string): StoredTransaction | null {
    const row = this.statements.getTransaction.get(signature);
    if (!row) return null;
    return {
      signature: row.signature,
      slot: BigInt(row.slot),
      blockTime: row.block_time,
      version: row.version === 'legacy' ? 'legacy' : 0,
      wire: new Uint8Array(row.wire),
      messageJson: row.message_json,
      metaJson: row.meta_json,
      errJson: row.err_json,
      memo: row.memo,
    };
  }

  getStatus(signature: string): { slot: bigint; errJson: string | null } | null {
    const row = this.statements.getStatus.get(signature);
    return row ? { slot: BigInt(row.slot), errJson: row.err_json } : null;
  }

  /** Newest first, like getSignaturesForAddress; `before`/`until` are signatures. */
  signaturesForAddress(address: string, limit: number, before?: string, until?: string): SignatureRow[] | null {
    let upper = 2n ** 62n;
    let lower = 0n;
    if (before) {
      const seq = this.statements.seqOf.get(before);
      if (seq === undefined) return null;
      upper = BigInt(seq);
    }
    if (until) {
      const seq = this.statements.seqOf.get(until);
      if (seq === undefined) return null;
      lower = BigInt(seq);
    }
    return this.statements.signaturesForAddress.all(address, upper, lower, limit).map((row) => ({
      signature: row.signature,
      slot: BigInt(row.slot),
      blockTime: Number(row.block_time),
      errJson: row.err_json,
      memo: row.memo,
    }));
  }

  maxTransactionSlot(): bigint | null {
    const value = this.statements.maxSlot.get();
    return value === null || value === undefined ? null : BigInt(value);
  }

  transactionCount(): number {
    return this.statements.count.get() ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
