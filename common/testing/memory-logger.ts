import type { LogFields, Logger } from '../logger';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A logger that keeps its lines in memory, with the bindings of its children merged in, for assertions. */
export function memoryLogger(bindings: LogFields = {}, lines: LoggedLine[] = []): Logger & { lines: LoggedLine[] } {
  const at =
    (level: LoggedLine['level']) =>
    (first: string | LogFields, message?: string): void => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: { ...bindings } });
      else lines.push({ level, message: message ?? '', fields: { ...bindings, ...first } });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => memoryLogger({ ...bindings, ...more }, lines),
  };
}
