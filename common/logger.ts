/**
 * The logger every service takes in its constructor. main/ and the hub back it with pino
 * (JSON lines); common/ only names the shape, so it stays pure. Scopes are child loggers:
 * `logger.child({ scope: 'worker' })`. Errors go under `err`: `log.error({ err }, 'what failed')`.
 */
export type LogFields = Record<string, unknown>;

export interface LogFn {
  (message: string): void;
  (fields: LogFields, message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: LogFields): Logger;
}

/** For callers that must say nothing (benchmarks, one-off tools); services get a real one. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/**
 * Keys whose values never reach a log line, at any of the first three levels of a logged
 * object (pino's `redact` paths are built from these on both sides).
 */
export const SECRET_LOG_KEYS = [
  'passphrase',
  'password',
  'secret',
  'secretKey',
  'privateKey',
  'keypair',
  'seed',
  'mnemonic',
  'token',
  'sessionToken',
  'accessToken',
  'cookie',
  'authorization',
] as const;

export function secretRedactPaths(keys: readonly string[] = SECRET_LOG_KEYS): string[] {
  return keys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

/** The options both pino loggers (the app's files, the hub's stdout) are built with. */
export function jsonLoggerOptions(level: string): { level: string; redact: { paths: string[]; censor: string } } {
  return { level, redact: { paths: secretRedactPaths(), censor: '[redacted]' } };
}

/**
 * An error of the app's catalogue (`ApiError`, `HubError`: a code, a reason and words for
 * people) that is not `internal` is an expected refusal — a hub that does not answer, a
 * wrong address, a declined payment — and its stack trace says nothing a reader needs:
 * logged as its fields only. Null for anything else (logged in full, stack included).
 */
export function expectedErrorFields(error: unknown): { type: string; message: string; code: string; reason?: string } | null {
  if (!(error instanceof Error) || (error.name !== 'ApiError' && error.name !== 'HubError')) return null;
  const { code, reason } = error as Error & { code?: unknown; reason?: unknown };
  if (typeof code !== 'string' || code === 'internal') return null;
  return typeof reason === 'string' ? { type: error.name, message: error.message, code, reason } : { type: error.name, message: error.message, code };
}
