import { ZodError } from 'zod';
import { apiCalls, isApiCallName } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { ApiErrorShape } from '../../common/api/errors';
import { errorText } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { ApiHandlers } from './api-handlers';

export type DispatchOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

/**
 * The one place a call is checked and run, shared by both transports: the name must be
 * in the contract, the params must pass the call's schema, and any failure comes back
 * as `{ code, message }`. The transports add only what is theirs (sender or cookie checks).
 */
export class ApiDispatcher {
  constructor(
    private readonly handlers: ApiHandlers,
    private readonly logger: Logger,
  ) {}

  async dispatch(method: unknown, params: unknown): Promise<DispatchOutcome> {
    if (!isApiCallName(method)) {
      const name = typeof method === 'string' ? `"${method.slice(0, 100)}"` : `a ${typeof method}`;
      return fail('unknown_call', `Unknown call ${name}. The app and its UI may be different versions: reload or update.`);
    }
    const parsed = apiCalls[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      return fail('invalid_params', `Invalid params for ${method}: ${describeZodError(parsed.error)}`);
    }
    try {
      const handler = this.handlers[method] as (p: unknown) => unknown;
      const result = await handler(parsed.data);
      return { ok: true, result: result ?? null };
    } catch (error) {
      if (error instanceof ApiError) {
        // Refusals are part of a bug report's story; their params may hold secrets, so only the call and codes.
        this.logger.info({ method, code: error.code, reason: error.reason }, 'a call was refused');
        return { ok: false, error: error.toShape() };
      }
      if (error instanceof ZodError) return fail('invalid_params', `Invalid input for ${method}: ${describeZodError(error)}`);
      this.logger.error({ err: error, method }, 'an API call failed');
      return fail('internal', `${method} failed: ${errorText(error)}. If this keeps happening, restart Idlegrid and report it with the log.`);
    }
  }
}

function fail(code: ApiErrorShape['code'], message: string): DispatchOutcome {
  return { ok: false, error: { code, message } };
}

/** "theme: Invalid option…; seconds: Too big…" — short enough for a toast, specific enough to fix. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
