import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { accessRequestText } from '../../../../common/access/access-request';
import type { AccessRequest } from '../../../../common/access/access-request';
import type { Quote } from '../../../../common/hub/lease-types';
import { AccessStreamError } from '../../../../hub-client/access-stream';
import type { AccessStream } from '../../../../hub-client/access-stream';
import { HubHttpClient } from '../../../../hub-client/hub-http-client';
import { RenterAccessClient } from '../../../../hub-client/renter-access-client';
import { RenterForwards } from '../../renter/access/renter-forwards';
import { RenterFiles } from '../../renter/access/renter-files';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ApiError } from '../../../../common/api/errors';
import { openHubChain, startHub } from '../../../../hub';
import type { OpenHubChain, RunningHub } from '../../../../hub';
import { SandboxPayer } from '../../../../hub/testing/sandbox-payer';
import { testLogger } from '../../../../hub/testing/test-logger';
import { createAppServices } from '../../../app/app-services';
import type { AppServices } from '../../../app/app-services';
import { describeWithDocker, dockerTestEnv, eventually } from '../../../worker/test-support/docker-test-support';

// Integration: the real app as a supplier (replayed GPUs, a real dockerd), a real hub on
// loopback over its sandbox chain, and a renter reaching the lease's container through
// the hub's access relay: a terminal (docker exec with a TTY) and the supplier's own
// refusals of what the hub would let through.
const fixturesBin = resolve(__dirname, '../../../../fixtures/bin');
const savedPath = process.env.PATH;
const base58 = getBase58Decoder();

let dir: string;
let chain: OpenHubChain;
let hub: RunningHub;
let app: AppServices;
let payer: SandboxPayer;
let renterHttp: HubHttpClient;
let renter: RenterAccessClient;
let quote: Quote;

function collect(stream: AccessStream): () => string {
  const parts: Buffer[] = [];
  stream.on('data', (b: Buffer) => parts.push(b));
  return () => Buffer.concat(parts).toString('utf8');
}

async function failure(promise: Promise<unknown>): Promise<AccessStreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccessStreamError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describeWithDocker('renter access to a supplier app (real hub, chain and Docker)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-access-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
    process.env.PATH = `${bin}:${savedPath}`;
    chain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
    hub = await startHub({
      logger: testLogger,
      dataDir: join(dir, 'grid'),
      host: '127.0.0.1',
      port: 0,
      chain: chain.config,
      timing: { incrementMs: 600_000, graceMs: 60_000, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
      limits: { newcomerCaps: false },
    });
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250 });
    app.settings.update({ network: 'grid', hubUrl: hub.url, allowedRegistries: ['127.0.0.1:*'] });
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    await app.handlers['wallet:create']({});
    const terms = await app.handlers['lend:terms']({});
    await app.handlers['lend:set-terms']({ terms: { ...terms, pricePerGpuHour: '500000', maxTemperatureC: 95 } });
    await app.handlers['lend:start-sharing']({});
    await eventually(() => (app.supplier.session.status().offers.length > 0 ? true : undefined), 30_000, 'sharing');
    payer = await SandboxPayer.create(chain.config.rpcUrl!, chain.config.mint);
    renterHttp = new HubHttpClient({ baseUrl: hub.url });
    await renterHttp.signIn(payer.address, payer.signMessage);
    quote = await renterHttp.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', 'mkdir -p /tmp/w /tmp/www; echo hello-from-node > /tmp/www/index.html; echo result-of-rank-$RANK > /outputs/result.txt; exec httpd -f -p 8080 -h /tmp/www'] }, durationMs: 600_000 });
    const payment = quote.firstIncrement.payments[0]!;
    await renterHttp.submitPayment(quote.leaseId, { increment: 0, payee: payment.payee, signature: await payer.pay(quote.leaseId, 0, payment) });
    await eventually(async () => ((await renterHttp.lease(quote.leaseId)).state === 'running' ? true : undefined), 60_000, 'lease running');
    await eventually(() => (app.supplier.session.access.streams !== undefined && app.supplier.session.status().leases.some((l) => l.leaseId === quote.leaseId && l.state === 'running') ? true : undefined), 30_000, 'running here');
    renter = new RenterAccessClient({ hubUrl: hub.url, token: async () => renterHttp.token!, address: payer.address, sign: payer.signMessage, timeoutMs: 20_000 });
  }, 180_000);

  afterAll(async () => {
    renter?.dispose();
    await app?.stop();
    await hub?.close();
    await chain?.stop();
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a shell in the container with a TTY: echo, UTF-8, resize, Ctrl-C, exit code', async () => {
    const term = await eventually(() => renter.open({ leaseId: quote.leaseId, rank: 0, kind: 'terminal', cols: 100, rows: 30 }).catch(() => undefined), 20_000, 'the terminal to open');
    const out = collect(term);
    const tag = `hi-${Math.floor(Math.random() * 1e6)}`;
    term.write(`echo ${tag}-✓端\n`);
    await eventually(() => (out().includes(`${tag}-✓端\r\n`) ? true : undefined), 15_000, 'the echo');
    term.write('stty size\n');
    await eventually(() => (out().includes('30 100') ? true : undefined), 15_000, 'the first size');
    renter.resize(term, 132, 43);
    await new Promise((r) => setTimeout(r, 300));
    term.write('stty size\n');
    await eventually(() => (out().includes('43 132') ? true : undefined), 15_000, 'the new size');
    term.write('sleep 300; echo not-interrupted\n');
    await new Promise((r) => setTimeout(r, 500));
    term.write('\x03');
    term.write('echo after-$((40+2))\n');
    await eventually(() => (out().includes('after-42') ? true : undefined), 15_000, 'the prompt after Ctrl-C');
    expect(out()).not.toMatch(/\nnot-interrupted/); // the typed line echoes it, the shell never printed it
    expect(app.supplier.session.access.streams).toEqual([expect.objectContaining({ leaseId: quote.leaseId, rank: 0, kind: 'terminal' })]);
    // The supplier sees it in Lend: what, whose lease, since when.
    expect(app.supplier.session.status().accessStreams).toEqual([expect.objectContaining({ leaseId: quote.leaseId, rank: 0, kind: 'terminal', sinceMs: expect.any(Number) })]);
    const closed = new Promise<void>((r) => term.once('close', () => r()));
    term.write('exit 3\n');
    await closed;
    expect(term.exitCode).toBe(3);
    expect(term.closeReason).toContain('code 3');
  }, 90_000);

  it('several terminals at once, each its own shell', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => renter.open({ leaseId: quote.leaseId, rank: 0, kind: 'terminal', cols: 80, rows: 24 })));
    const outA = collect(a!);
    const outB = collect(b!);
    a!.write('echo $$ > /tmp/w/a; echo A-$(cat /tmp/w/a)\n');
    b!.write('echo B-$$\n');
    await eventually(() => (/A-\d+/.test(outA()) && /B-\d+/.test(outB()) ? true : undefined), 15_000, 'both shells');
    expect(/A-(\d+)/.exec(outA())![1]).not.toBe(/B-(\d+)/.exec(outB())![1]);
    a!.destroy();
    b!.destroy();
  }, 60_000);

  it("the supplier refuses a replayed request (the hub keeps no nonces; the machine does), before touching Docker", async () => {
    const request: AccessRequest = { leaseId: quote.leaseId, rank: 0, renter: payer.address, kind: 'terminal', cols: 80, rows: 24, nonce: `replay-${Date.now()}-abcdefgh`, issuedAtMs: Date.now() };
    const signature = base58.decode(await payer.signMessage(new TextEncoder().encode(accessRequestText(request))));
    const first = await renter.openSigned({ request, signature });
    first.on('error', () => undefined);
    const replay = await failure(renter.openSigned({ request, signature }));
    expect(replay.code).toBe('forbidden');
    expect(replay.message).toContain('already used');
    first.destroy();
  }, 60_000);

  it('forwards a port of the container to 127.0.0.1 here: an HTTP page through the local port, and a refusal when nothing listens', async () => {
    const forwards = new RenterForwards(Date.now, testLogger);
    try {
      const forward = await forwards.open(renter, quote.leaseId, 0, 8080, undefined);
      expect(forward.url).toBe(`http://127.0.0.1:${forward.localPort}/`);
      const page = await eventually(async () => {
        const res = await fetch(forward.url).catch(() => null);
        return res?.ok ? res.text() : undefined;
      }, 20_000, 'the page through the forward');
      expect(page).toBe('hello-from-node\n');
      // Several requests, one after the other, each its own connection and stream.
      for (let i = 0; i < 5; i++) expect(await (await fetch(forward.url, { headers: { connection: 'close' } })).text()).toBe('hello-from-node\n');

      const refused = await failure(renter.open({ leaseId: quote.leaseId, rank: 0, kind: 'forward', port: 9999 }));
      expect(refused.code).toBe('unavailable');
      expect(refused.message).toContain('Nothing listens on port 9999');
      const closedForward = await forwards.open(renter, quote.leaseId, 0, 9999, undefined);
      await expect(fetch(closedForward.url)).rejects.toThrow();
      await eventually(() => (forwards.list().find((f) => f.port === 9999)?.lastError?.includes('Nothing listens') ? true : undefined), 10_000, 'the forward to show why');
    } finally {
      forwards.closeWhere(() => true);
    }
  }, 60_000);

  it('uploads a file with progress, a command in the node reads it, and downloads it and its folder back', async () => {
    const files = new RenterFiles();
    const progress: number[] = [];
    files.onProgress((t) => progress.push(t.bytes));
    const local = join(dir, 'upload.bin');
    const content = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(local, content);
    const up = await files.upload(renter, quote.leaseId, 0, local, '/tmp/w/in/data.bin');
    expect(up).toMatchObject({ state: 'done', bytes: content.length, totalBytes: content.length });
    expect(progress.at(-1)).toBe(content.length);

    const term = await renter.open({ leaseId: quote.leaseId, rank: 0, kind: 'terminal', cols: 120, rows: 24 });
    const out = collect(term);
    term.write('wc -c < /tmp/w/in/data.bin; cp /tmp/w/in/data.bin /tmp/w/in/copy.bin; echo copied-$?\n');
    await eventually(() => (out().includes('copied-0') ? true : undefined), 15_000, 'the node to read the upload');
    expect(out()).toContain(String(content.length));
    term.destroy();

    const back = join(dir, 'copy.bin');
    const down = await files.download(renter, quote.leaseId, 0, '/tmp/w/in/copy.bin', back);
    expect(down).toMatchObject({ state: 'done', bytes: content.length });
    expect(createHash('sha256').update(readFileSync(back)).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));

    const tarPath = join(dir, 'in.tar');
    await files.download(renter, quote.leaseId, 0, '/tmp/w/in', tarPath);
    const tar = readFileSync(tarPath);
    const names: string[] = [];
    for (let offset = 0; offset + 512 <= tar.length && names.length < 10; ) {
      const name = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
      if (!name) break;
      names.push(name);
      const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(expect.arrayContaining(['in/', 'in/data.bin', 'in/copy.bin']));

    // Every node has /outputs (its own volume): taken home as a tar before the lease ends.
    const outputsTar = join(dir, 'outputs.tar');
    await files.download(renter, quote.leaseId, 0, '/outputs', outputsTar);
    const outputs = readFileSync(outputsTar);
    expect(outputs.subarray(0, 100).toString('utf8')).toMatch(/^outputs\//);
    expect(outputs.toString('utf8')).toContain('result-of-rank-0');

    const missing = await files.download(renter, quote.leaseId, 0, '/tmp/w/nope.txt', join(dir, 'nope.txt')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).message).toContain('no file or folder /tmp/w/nope.txt');
    const readOnly = await files.upload(renter, quote.leaseId, 0, local, '/etc/passwd').catch((e: unknown) => e);
    expect((readOnly as ApiError).message).toMatch(/upload to \/etc\/passwd failed.*(Read-only|Permission)/s);
  }, 90_000);

  it('closes the terminals when the lease ends', async () => {
    const term = await renter.open({ leaseId: quote.leaseId, rank: 0, kind: 'terminal', cols: 80, rows: 24 });
    const failed = new Promise<Error>((r) => term.once('error', r));
    await renterHttp.terminate(quote.leaseId);
    expect((await failed).message).toContain('lease ended');
    await eventually(() => (app.supplier.session.access.streams.length === 0 ? true : undefined), 15_000, 'no streams on the machine');
  }, 60_000);
});
