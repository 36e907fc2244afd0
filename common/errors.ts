/** The plain words of anything thrown: an Error's message, a thrown string as is, else String(). */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}

/** Told about failures nobody awaits (a listener that threw, work added to a disposed store). */
export type UnexpectedErrorHandler = (what: string, error?: unknown) => void;

// common/ has no logger of its own: the default writes to the console until the composition
// root (main/app/app-services.ts) points this at its logger.
// eslint-disable-next-line no-console
let unexpectedErrorHandler: UnexpectedErrorHandler = (what, error) => console.error(`[unexpected] ${what}`, error ?? '');

/** Reports a failure nobody awaits to the handler set with `setUnexpectedErrorHandler`. */
export function reportUnexpectedError(what: string, error?: unknown): void {
  unexpectedErrorHandler(what, error);
}

/** Sends unexpected failures to `handler`; the returned function puts the previous handler back. */
export function setUnexpectedErrorHandler(handler: UnexpectedErrorHandler): () => void {
  const previous = unexpectedErrorHandler;
  unexpectedErrorHandler = handler;
  return () => {
    if (unexpectedErrorHandler === handler) unexpectedErrorHandler = previous;
  };
}
