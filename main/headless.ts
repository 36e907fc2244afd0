import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseHeadlessArgs, HEADLESS_USAGE } from './headless/headless-args';
import { createAppServices } from './app/app-services';
import { ApiDispatcher } from './transport/api-dispatcher';
import { HeadlessAuth } from './transport/headless-auth';
import { HeadlessServer } from './transport/headless-server';
import { loadOrMakeSelfSigned, loadTlsFiles } from './transport/headless-tls';
import type { HeadlessTls } from './transport/headless-tls';
import { errorText } from '../common/errors';
import { SharingLog } from './headless/sharing-log';

// Headless entry: the same services and UI as the desktop app, served over HTTP and
// a WebSocket on 127.0.0.1 with an access token, for rigs without a desktop.
async function main(): Promise<void> {
  const parsed = parseHeadlessArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`${parsed.error}\n\n${HEADLESS_USAGE}`);
    process.exit(2);
  }
  const args = parsed.args;
  if (args.help) {
    console.log(HEADLESS_USAGE);
    return;
  }
  const dataDir = resolve(args.dataDir);
  // Files the app makes are the user's alone; createAppServices checks and repairs the data dir.
  process.umask(0o077);
  const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  const services = createAppServices({ shell: 'headless', dataDir, version });
  const auth = HeadlessAuth.loadOrCreate(join(dataDir, 'headless-token'), args.newToken);
  let tls: HeadlessTls | undefined;
  try {
    if (args.selfSigned) {
      const names = [...new Set(['127.0.0.1', 'localhost', ...(args.host === '0.0.0.0' || args.host === '::' ? [] : [args.host]), ...args.allowedHosts])];
      tls = loadOrMakeSelfSigned(dataDir, names);
    } else if (args.tlsCert && args.tlsKey) {
      tls = loadTlsFiles(args.tlsCert, args.tlsKey);
    }
  } catch (error) {
    console.error(`The TLS certificate could not be loaded: ${errorText(error)}`);
    await services.stop();
    process.exit(1);
  }
  const server = new HeadlessServer({
    host: args.host,
    port: args.port,
    tls,
    allowedHosts: args.allowedHosts,
    staticDir: join(__dirname, '../renderer'),
    dispatcher: new ApiDispatcher(services.handlers, services.logger.child({ scope: 'api' })),
    events: services.events,
    auth,
  });
  try {
    await server.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${args.port} on ${args.host} is already in use: pick another with --port, or stop the other server.`
        : `Could not listen on ${args.host}:${args.port}: ${errorText(error)}`,
    );
    await services.stop();
    process.exit(1);
  }
  if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
    console.warn(`Warning: listening on ${args.host}: anyone on your network with the link below can control this machine's Idlegrid. Keep the link secret.`);
  }
  if (tls) {
    console.log(`TLS certificate SHA-256 fingerprint: ${tls.fingerprint256}${tls.made ? ' (new)' : ''}`);
    if (args.selfSigned) console.log('Self-signed: your browser will warn once; check that the fingerprint it shows is this one before you accept.');
  }
  console.log(`Idlegrid ${version} (headless) — data in ${dataDir}`);
  console.log(`Open: ${server.accessUrl}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    void Promise.all([server.stop(), services.stop()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  // A rig restarted unattended says in its terminal whether sharing resumed or what it waits for.
  const sharingLog = new SharingLog();
  services.supplier.onDidChangeStatus((status) => {
    const line = sharingLog.line(status, Date.now());
    if (line) console.log(line);
  });
  await services.start();
}

void main().catch((error: unknown) => {
  console.error('Idlegrid headless failed to start:', error);
  process.exit(1);
});
