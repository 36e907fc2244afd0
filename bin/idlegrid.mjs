#!/usr/bin/env node
// The command line for studios who live in terminals (issue 12): talks to a running
// headless Idlegrid over its own API (the WebSocket at /api), with the same token rules
// as a browser: the access link `npm run serve` printed (…/?token=…) is exchanged for the
// session cookie, and the socket sends the server's own Origin.
//
//   idlegrid shell LEASE [--node N]
//   idlegrid forward LEASE NODE PORT[:LOCAL]
//   idlegrid cp LEASE:NODE:/path LOCAL      (download; a folder comes as a tar)
//   idlegrid cp LOCAL LEASE:NODE:/path      (upload a file)
//
// The access link comes from --url or IDLEGRID_URL.
import { resolve } from 'node:path';
import WebSocket from 'ws';

const USAGE = `usage:
  idlegrid shell LEASE [--node N]
  idlegrid forward LEASE NODE PORT[:LOCAL]
  idlegrid cp LEASE:NODE:/path LOCAL_PATH
  idlegrid cp LOCAL_PATH LEASE:NODE:/path
options: --url ACCESS_LINK (or IDLEGRID_URL): the …/?token=… link the headless app printed`;

export function parseArgs(argv) {
  const args = [];
  const options = { node: 0, url: process.env.IDLEGRID_URL ?? null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--node') options.node = Number(argv[++i]);
    else if (a === '--url') options.url = argv[++i] ?? null;
    else args.push(a);
  }
  const [command, ...rest] = args;
  const remote = (text) => {
    const m = /^([A-Za-z0-9_-]{1,64}):(\d{1,3}):(\/.*)$/.exec(text ?? '');
    return m ? { leaseId: m[1], rank: Number(m[2]), path: m[3] } : null;
  };
  if (command === 'shell' && rest.length === 1 && Number.isInteger(options.node)) return { command, leaseId: rest[0], rank: options.node, url: options.url };
  if (command === 'forward' && rest.length === 3) {
    const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(rest[2]);
    if (m && /^\d{1,3}$/.test(rest[1])) return { command, leaseId: rest[0], rank: Number(rest[1]), port: Number(m[1]), localPort: m[2] ? Number(m[2]) : undefined, url: options.url };
  }
  if (command === 'cp' && rest.length === 2) {
    const [from, to] = rest.map(remote);
    if (from && !to) return { command: 'download', ...from, localPath: resolve(rest[1]), url: options.url };
    if (to && !from) return { command: 'upload', ...to, localPath: resolve(rest[0]), url: options.url };
  }
  return null;
}

/** Exchanges the access link's token for the session cookie and opens the API socket. */
export async function connect(accessLink) {
  const link = new URL(accessLink);
  const res = await fetch(link, { redirect: 'manual' });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new Error(`The server refused the access link (HTTP ${res.status}); use the exact URL the headless app printed.`);
  const ws = new WebSocket(new URL('/api', link).href.replace(/^http/, 'ws'), { headers: { cookie, origin: link.origin } });
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString());
    if (frame.type === 'event') for (const l of listeners.get(frame.event) ?? []) l(frame.data);
    else if (frame.id !== null && pending.has(frame.id)) {
      const { ok, fail } = pending.get(frame.id);
      pending.delete(frame.id);
      if (frame.type === 'result') ok(frame.result);
      else fail(Object.assign(new Error(frame.error.message), { code: frame.error.code }));
    }
  });
  ws.on('close', (code, reason) => {
    for (const { fail } of pending.values()) fail(new Error(`The app closed the connection (${code} ${reason})`));
    pending.clear();
  });
  return {
    call: (method, params) =>
      new Promise((ok, fail) => {
        const id = nextId++;
        pending.set(id, { ok, fail });
        ws.send(JSON.stringify({ type: 'call', id, method, params }));
      }),
    on: (event, listener) => {
      if (!listeners.has(event)) {
        listeners.set(event, []);
        ws.send(JSON.stringify({ type: 'subscribe', event }));
      }
      listeners.get(event).push(listener);
    },
    close: () => ws.close(),
  };
}

async function shell(api, { leaseId, rank }) {
  const out = process.stdout;
  let terminalId = null;
  const early = [];
  api.on('access:terminal-output', (e) => (terminalId === null ? early.push(e) : e.terminalId === terminalId && out.write(e.data)));
  const ended = new Promise((done) =>
    api.on('access:terminal-closed', (e) => {
      if (e.terminalId === terminalId) done(e);
    }),
  );
  const opened = await api.call('access:terminal-open', { leaseId, rank, cols: out.columns || 80, rows: out.rows || 24 });
  terminalId = opened.terminalId;
  for (const e of early) if (e.terminalId === terminalId) out.write(e.data);
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (data) => void api.call('access:terminal-input', { terminalId, data }).catch(() => undefined));
  process.stdin.on('end', () => void api.call('access:terminal-close', { terminalId }).catch(() => undefined));
  out.on('resize', () => void api.call('access:terminal-resize', { terminalId, cols: out.columns, rows: out.rows }).catch(() => undefined));
  const closed = await ended;
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  if (closed.failed) process.stderr.write(`\r\nidlegrid: ${closed.reason}\r\n`);
  return closed.exitCode ?? (closed.failed ? 1 : 0);
}

async function forward(api, { leaseId, rank, port, localPort }) {
  const f = await api.call('access:forward-open', { leaseId, rank, port, ...(localPort ? { localPort } : {}) });
  process.stdout.write(`Port ${port} of node ${rank} of lease ${leaseId} → ${f.url}\n(Ctrl-C to stop)\n`);
  api.on('access:forwards', (all) => {
    const now = all.find((x) => x.forwardId === f.forwardId);
    if (now?.lastError) process.stderr.write(`idlegrid: ${now.lastError}\n`);
  });
  await new Promise((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await api.call('access:forward-close', { forwardId: f.forwardId }).catch(() => undefined);
  return 0;
}

async function copy(api, job) {
  api.on('access:transfer', (t) => {
    if (t.localPath === job.localPath) process.stderr.write(`\r${t.kind} ${t.remotePath}: ${t.bytes}${t.totalBytes ? ` / ${t.totalBytes}` : ''} bytes `);
  });
  const method = job.command === 'upload' ? 'access:upload' : 'access:download';
  const done = await api.call(method, { leaseId: job.leaseId, rank: job.rank, localPath: job.localPath, remotePath: job.path });
  process.stderr.write(`\r${done.kind === 'upload' ? 'uploaded' : 'downloaded'} ${done.bytes} bytes: ${done.kind === 'upload' ? `${done.localPath} → ${done.remotePath}` : `${done.remotePath} → ${done.localPath}`}\n`);
  return 0;
}

export async function main(argv) {
  const job = parseArgs(argv);
  if (!job) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!job.url) {
    process.stderr.write('idlegrid: give the access link the headless app printed: --url "http://127.0.0.1:PORT/?token=…" (or IDLEGRID_URL)\n');
    return 2;
  }
  const api = await connect(job.url);
  try {
    if (job.command === 'shell') return await shell(api, job);
    if (job.command === 'forward') return await forward(api, job);
    return await copy(api, job);
  } finally {
    api.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/idlegrid')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`idlegrid: ${error.message}\n`);
      process.exit(1);
    },
  );
}
