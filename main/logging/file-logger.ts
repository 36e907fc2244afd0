import { join } from 'node:path';
import pino from 'pino';
import type { Logger } from '../../common/logger';
import { expectedErrorFields, jsonLoggerOptions } from '../../common/logger';
import { RotatingFile } from './rotating-file';

export const LOG_DIR_NAME = 'logs';
export const LOG_BASE_NAME = 'idlegrid';

export interface FileLoggerOptions {
  dataDir: string;
  /** pino level; 'info' unless IDLEGRID_LOG_LEVEL says otherwise. */
  level?: string;
  maxFileBytes?: number;
  maxFiles?: number;
}

export interface FileLogger {
  readonly logger: Logger;
  readonly dir: string;
  /** The log files on disk, oldest first. */
  files(): string[];
  close(): void;
}

export const DEFAULT_LOG_MAX_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;

/**
 * The app's logger: JSON lines under `<dataDir>/logs/`, at most 5 files of 5 MB, with
 * secret-bearing keys redacted (common/logger.ts lists them). Built once in the
 * composition root; services get scoped children through their constructors.
 */
export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const dir = join(options.dataDir, LOG_DIR_NAME);
  const file = new RotatingFile({
    dir,
    baseName: LOG_BASE_NAME,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_LOG_MAX_FILE_BYTES,
    maxFiles: options.maxFiles ?? DEFAULT_LOG_MAX_FILES,
  });
  const logger = pino({ ...jsonLoggerOptions(options.level ?? process.env.IDLEGRID_LOG_LEVEL ?? 'info'), serializers: { err: serializeError } }, file);
  return {
    logger,
    dir,
    files: () => file.files(),
    close: () => file.close(),
  };
}

/** JSON lines on stderr, for tests and tools that have no data dir of their own. */
export function createStderrLogger(level = 'warn'): Logger {
  return pino({ ...jsonLoggerOptions(level), serializers: { err: serializeError } }, pino.destination({ fd: 2, sync: true }));
}

/** Expected refusals without their stack (common/logger.ts); every other error in full. */
function serializeError(error: unknown): unknown {
  return expectedErrorFields(error) ?? pino.stdSerializers.err(error as Error);
}
