// The market part of `npm run chaos` (issue 19): the renter's app and the hub killed with
// SIGKILL at random moments while a lease is auto-paid, over real processes — a hub with
// its sandbox chain (hub-cli), a supplier as a worker process that verifies its payments on
// chain, the renter's real app. After each run it checks the money invariants: no double
// payment (one transfer per lease, increment and payee), every transfer on chain has a
// receipt, every receipt the hub credited says so, and each
// auto-pay budget's spent equals the auto-approved payments recorded.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Address, Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import Database from 'better-sqlite3';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { gpus, hardware, MODELS, offerTerms } from '../../hub/testing/market-fixtures';
import { createTestWallet } from '../../hub/testing/test-wallet';
import { killAllWorkers, WorkerHandle } from '../../hub/testing/worker-handle';
import { idlegridPaymentMemoOf } from '../../solana/payments/payment-verifier';
import type { JsonEncodedTransaction } from '../../solana/payments/payment-verifier';
import { ChainClient } from '../../solana/rpc/chain-client';

const root = join(__dirname, '..', '..');
const INCREMENT_MS = 4_000;
const INCREMENTS = 5;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Line {
  event: string;
  [key: string]: unknown;
}

/** A child process speaking JSON lines (or, for the hub, plain text) and what it said. */
class Child {
  readonly lines: Line[] = [];
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  exitCode: number | null | undefined = undefined;

  constructor(args: string[]) {
    // node with tsx as a loader (not the tsx wrapper, whose child would outlive a SIGKILL).
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.output = (this.output + line + '\n').slice(-20_000);
      try {
        this.lines.push(JSON.parse(line) as Line);
      } catch {
        // the hub prints text
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  send(command: object): void {
    if (this.alive) this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Waits (bounded) until `ok` holds; false on timeout or exit. */
  async until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (!this.alive || Date.now() > deadline) return ok();
      await sleep(50);
    }
    return true;
  }

  line(event: string): Line | undefined {
    return this.lines.find((l) => l.event === event);
  }

  async kill9(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Grid {
  dir: string;
  hubPort: number;
  chainPort: number;
  hub: Child;
  hubUrl: string;
  rpcUrl: string;
  mint: string;
}

async function startHub(grid: Omit<Grid, 'hub' | 'hubUrl' | 'rpcUrl' | 'mint'>): Promise<Grid> {
  const timing = ['--increment-ms', String(INCREMENT_MS), '--grace-ms', '2000', '--tick-ms', '100', '--heartbeat-interval-ms', '500', '--reservation-ttl-ms', '60000'];
  const hub = new Child([join(root, 'hub', 'hub-cli.ts'), '--port', String(grid.hubPort), '--chain-port', String(grid.chainPort), '--data-dir', join(grid.dir, 'hub'), '--sandbox-chain', ...timing]);
  const ready = await hub.until(() => /Idlegrid hub: (http:\/\/\S+)/.test(hub.output) && /Chain: sandbox at (http:\/\/\S+), USDC mint (\S+)/.test(hub.output), 90_000);
  if (!ready) throw new Error(`the hub did not start:\n${hub.output.slice(-2000)}`);
  const chain = /Chain: sandbox at (http:\/\/\S+), USDC mint (\S+)/.exec(hub.output)!;
  return { ...grid, hub, hubUrl: /Idlegrid hub: (http:\/\/\S+)/.exec(hub.output)![1]!, rpcUrl: chain[1]!, mint: chain[2]! };
}

async function startSupplier(grid: Grid, name: string): Promise<WorkerHandle> {
  const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, name);
  return WorkerHandle.start({
    hubUrl: grid.hubUrl,
    walletHex: createTestWallet().privateKeyHex,
    machineId: `machine-${name}-0001`,
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), '360000')],
    verifyOnRpc: grid.rpcUrl,
  });
}

function startRenter(grid: Grid, mode: 'rent' | 'resume'): Child {
  return new Child([join(__dirname, 'chaos-renter.ts'), join(grid.dir, 'renter'), grid.hubUrl, mode, String(INCREMENTS)]);
}

async function stopRenter(renter: Child, what: string, violations: string[]): Promise<void> {
  renter.send({ cmd: 'exit' });
  if (!(await renter.until(() => renter.line('stopped') !== undefined, 30_000))) {
    violations.push(`${what}: the renter did not stop cleanly (${renter.line('crash')?.message ?? renter.line('fatal')?.message ?? 'no word'})`);
    await renter.kill9();
  }
}

/** The money invariants over the chain, the hub and the renter's ledger.db. */
export async function checkMoney(grid: Grid, renterAddress: string, what: string): Promise<string[]> {
  const violations: string[] = [];
  const rpc = new ChainClient(grid.rpcUrl);
  try {
    const [account] = await findAssociatedTokenPda({ owner: renterAddress as Address, mint: grid.mint as Address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const byMemo = new Map<string, string[]>();
    for (const entry of await rpc.signaturesForAddress(account, 500)) {
      if (entry.err !== null) continue;
      const tx = (await rpc.transaction(entry.signature as Signature, 'confirmed')) as JsonEncodedTransaction | null;
      const memo = tx ? idlegridPaymentMemoOf(tx) : null;
      if (memo) byMemo.set(memo, [...(byMemo.get(memo) ?? []), entry.signature]);
    }
    // A run that paid nothing checked nothing.
    if (byMemo.size === 0) violations.push(`${what}: no payment of the renter was found on chain`);
    const credited = new Set((await new HubHttpClient({ baseUrl: grid.hubUrl }).explorerPayments(200)).map((p) => p.signature));
    const db = new Database(join(grid.dir, 'renter', 'ledger.db'), { readonly: true });
    try {
      const receipts = new Map(
        (db.prepare('SELECT signature, state FROM rent_payments').all() as Array<{ signature: string; state: string }>).map((r) => [r.signature, r.state]),
      );
      for (const [memo, signatures] of byMemo) {
        if (signatures.length > 1) violations.push(`${what}: double payment for ${memo}: ${signatures.join(', ')}`);
        for (const signature of signatures) {
          if (!receipts.has(signature)) violations.push(`${what}: on-chain payment ${signature} (${memo}) has no receipt`);
          // (A transfer that reached the chain after its lease ended is not credited: the hub
          // takes no money for an ended lease; the receipt above is what the renter keeps.)
          else if (credited.has(signature) && receipts.get(signature) !== 'submitted') violations.push(`${what}: receipt ${signature} is '${receipts.get(signature)}' although the hub credited it`);
        }
      }
      const spent = db.prepare('SELECT lease_id, spent_base_units FROM auto_pay_budgets').all() as Array<{ lease_id: string; spent_base_units: string }>;
      for (const budget of spent) {
        const rows = db.prepare('SELECT amount_base_units FROM rent_payments WHERE lease_id = ? AND auto_approved = 1').all(budget.lease_id) as Array<{ amount_base_units: string }>;
        const paid = rows.reduce((sum, r) => sum + BigInt(r.amount_base_units), 0n);
        if (paid !== BigInt(budget.spent_base_units)) violations.push(`${what}: the budget of lease ${budget.lease_id} says ${budget.spent_base_units} spent, the recorded auto-payments ${paid}`);
      }
    } finally {
      db.close();
    }
  } finally {
    rpc.close();
  }
  return violations;
}

/** One market run: a grid, a supplier, a renter that starts an auto-paid lease; `fault` does the damage. */
async function marketRun(what: string, fault: (grid: Grid, renter: Child) => Promise<{ grid: Grid; renter: Child }>): Promise<string[]> {
  const violations: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-chaos-market-'));
  let grid: Grid | null = null;
  let renter: Child | null = null;
  try {
    grid = await startHub({ dir, hubPort: await freePort(), chainPort: await freePort() });
    await startSupplier(grid, `chaos-${Math.floor(Math.random() * 1e6)}`);
    renter = startRenter(grid, 'rent');
    if (!(await renter.until(() => renter!.line('leased') !== undefined || renter!.line('fatal') !== undefined, 90_000)) || renter.line('fatal')) {
      violations.push(`${what}: the renter could not lease (${String(renter.line('fatal')?.message ?? renter.output.slice(-500))})`);
      return violations;
    }
    const address = renter.line('ready')!.address as string;
    ({ grid, renter } = await fault(grid, renter));
    // Let auto-pay go on a while, then a clean stop and the checks.
    await sleep(2 * INCREMENT_MS);
    if (renter.line('crash')) violations.push(`${what}: the renter crashed: ${String(renter.line('crash')!.message)}`);
    await stopRenter(renter, what, violations);
    violations.push(...(await checkMoney(grid, address, what)));
  } finally {
    await renter?.kill9();
    await killAllWorkers();
    await grid?.hub.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
  return violations;
}

export const marketScenarios: Record<string, (random: () => number) => Promise<string[]>> = {
  /** kill -9 of the renter at a random moment while it auto-pays; it starts again on its data. */
  'renter-kill-during-auto-pay': (random) =>
    marketRun('renter-kill-during-auto-pay', async (grid, renter) => {
      await sleep(Math.floor(random() * 2 * INCREMENT_MS));
      await renter.kill9();
      const again = startRenter(grid, 'resume');
      await again.until(() => again.line('ready') !== undefined, 60_000);
      return { grid, renter: again };
    }),

  /** kill -9 of the hub (and its chain) at a random moment while the renter auto-pays; it starts again on its data. */
  'hub-kill-during-auto-pay': (random) =>
    marketRun('hub-kill-during-auto-pay', async (grid, renter) => {
      await sleep(Math.floor(random() * 2 * INCREMENT_MS));
      await grid.hub.kill9();
      await sleep(Math.floor(random() * 1_000));
      const restarted = await startHub({ dir: grid.dir, hubPort: grid.hubPort, chainPort: grid.chainPort });
      return { grid: restarted, renter };
    }),
};
