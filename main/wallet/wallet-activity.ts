import type Database from 'better-sqlite3';

export type WalletActivityKind = 'send' | 'faucet' | 'payment' | 'signed';

/**
 * What this app signed and why ("Faucet", "Send", "Lease L1, increment 2"), by signature,
 * so the Recent transactions list can say what each one was for. The chain knows the
 * amounts; only the app knows the purpose.
 */
export class WalletActivity {
  private readonly insert: Database.Statement<[string, string, string, string, string, number]>;
  private readonly select: Database.Statement<[string], string>;

  constructor(
    db: Database.Database,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.insert = db.prepare(
      `INSERT INTO wallet_activity (signature, network, wallet_address, kind, purpose, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(signature) DO NOTHING`,
    );
    this.select = db.prepare<[string], string>('SELECT purpose FROM wallet_activity WHERE signature = ?').pluck();
  }

  record(signature: string, network: string, walletAddress: string, kind: WalletActivityKind, purpose: string): void {
    this.insert.run(signature, network, walletAddress, kind, purpose.slice(0, 200), this.nowMs());
  }

  purposeOf(signature: string): string | null {
    return this.select.get(signature) ?? null;
  }
}
