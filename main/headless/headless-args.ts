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
}

export const HEADLESS_USAGE = `Usage: npm run serve -- [--port N] [--host ADDR] [--data-dir DIR] [--new-token]

  --port N        port to listen on (default 5190; 0 picks a free one)
  --host ADDR     address to bind (default 127.0.0.1; other addresses expose the UI to your network)
  --data-dir DIR  where ledger.db, telemetry.db and keys live (default ${defaultDataDir()})
  --new-token     make a new access token; links printed before stop working`;

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
  return {
    ok: true,
    args: {
      host: values.host ?? '127.0.0.1',
      port,
      dataDir: values['data-dir'] ?? defaultDataDir(),
      newToken: values['new-token'] ?? false,
      help: values.help ?? false,
    },
  };
}
