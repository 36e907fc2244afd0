// A vitest setup file (vitest.config.mts): a promise that rejects with nobody
// listening fails the test that was running, and the file if it comes after the
// last test. Vitest itself only prints such errors after the run, where the summary
// line of `npm test` does not count them; in the app the same rejection ends the
// process (Node's default), so a test must not pass over one.
import { afterAll, afterEach } from 'vitest';

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', record);

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return String(reason);
}

function failIfAny(when: string): void {
  if (unhandled.length === 0) return;
  const reasons = unhandled.splice(0).map(describeReason);
  throw new Error(`${reasons.length} promise(s) rejected with no handler ${when}:\n${reasons.join('\n---\n')}`);
}

afterEach(async () => {
  // A rejection is reported after the microtask queue drains; let the last ones land.
  await new Promise((resolve) => setImmediate(resolve));
  failIfAny('during this test');
});

afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  failIfAny('after the last test of this file');
});
