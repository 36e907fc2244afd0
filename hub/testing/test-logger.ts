import { createStreamLogger } from '../logging/stream-logger';

/** Warnings and errors of a hub under test, as JSON lines on stderr (what console.error was). */
export const testLogger = createStreamLogger(2, 'warn');
