import pino from 'pino';
import type { Logger } from '../../common/logger';
import { jsonLoggerOptions } from '../../common/logger';

/**
 * The hub's logger: JSON lines on stdout (fd 1) for the CLI, where a process supervisor
 * collects them, or on stderr (fd 2) for tests. Secret-bearing keys are redacted.
 */
export function createStreamLogger(fd: 1 | 2, level = process.env.IDLEGRID_LOG_LEVEL ?? 'info'): Logger {
  return pino(jsonLoggerOptions(level), pino.destination({ fd, sync: true }));
}
