import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorText } from '../../common/errors';

export interface HeadlessArgs {
  host: string;
  port: number;
  dataDir: string;
  newToken: boolean;
  help: boolean;
  /** PEM files for HTTPS; or `selfSigned` to make (once, kept in the data dir) a certificate. */
  tlsCert: string | null;
  tlsKey: string | null;
  selfSigned: boolean;
  /** Host names browsers may use besides loopback and the bound address. */
  allowedHosts: string[];
}

export const HEADLESS_USAGE = `Usage: npm run serve -- [--port N] [--host ADDR (--self-signed | --tls-cert FILE --tls-key FILE)] [--allowed-host NAME] [--data-dir DIR] [--new-token]

  --port N            port to listen on (default 5190; 0 picks a free one)
  --host ADDR         address to bind (default 127.0.0.1); any other address needs TLS
  --self-signed       serve HTTPS with a certificate made for this machine (kept in the data dir);
                      its SHA-256 fingerprint is printed: check it against your browser's
  --tls-cert FILE     serve HTTPS with this PEM certificate (chain) …
  --tls-key FILE      … and this PEM key
  --allowed-host NAME a host name browsers use to reach this machine (repeatable), e.g. rig.lan
  --data-dir DIR      where ledger.db, telemetry.db and keys live (default ${defaultDataDir()})
  --new-token         make a new access token; links printed before stop working`;

export function defaultDataDir(): string {
  if (process.env.IDLEGRID_DATA_DIR) return process.env.IDLEGRID_DATA_DIR;
  if (process.platform === 'win32' && process.env.APPDATA) return join(process.env.APPDATA, 'Idlegrid');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Idlegrid');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'idlegrid');
}

export function parseHeadlessArgs(argv: string[]): { ok: true; args: HeadlessArgs } | { ok: false; error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'new-token': { type: 'boolean' },
        'self-signed': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
  const port = values.port === undefined ? 5190 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { ok: false, error: `--port must be a whole number from 0 to 65535, got "${values.port}".` };
  }
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) return { ok: false, error: 'Give both --tls-cert and --tls-key.' };
  if (values['self-signed'] && values['tls-cert']) return { ok: false, error: 'Give either --self-signed or --tls-cert/--tls-key, not both.' };
  const allowedHosts = values['allowed-host'] ?? [];
  const badHost = allowedHosts.find((h) => !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})$/.test(h));
  if (badHost !== undefined) return { ok: false, error: `--allowed-host takes a host name or address without a port; got "${badHost}".` };
  return {
    ok: true,
    args: {
      host: values.host ?? '127.0.0.1',
      port,
      dataDir: values['data-dir'] ?? defaultDataDir(),
      newToken: values['new-token'] ?? false,
      help: values.help ?? false,
      tlsCert: values['tls-cert'] ?? null,
      tlsKey: values['tls-key'] ?? null,
      selfSigned: values['self-signed'] ?? false,
      allowedHosts,
    },
  };
}
