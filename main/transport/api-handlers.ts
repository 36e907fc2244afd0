import type { z } from 'zod';
import type { CallSpec } from '../../common/api/define';
import type { ApiCalls } from '../../common/api/contract';

type ResultOf<S> = S extends CallSpec<z.ZodType, infer R> ? R : never;
type ParamsOf<S> = S extends CallSpec<infer P, unknown> ? z.output<P> : never;

/**
 * The handlers of one domain's calls (e.g. `DomainHandlers<typeof hardwareCalls>`).
 * A handler gets params already parsed by the call's schema and returns its result.
 */
export type DomainHandlers<C> = {
  [N in keyof C]: (params: ParamsOf<C[N]>) => Promise<ResultOf<C[N]>> | ResultOf<C[N]>;
};

/** Every call of the contract; the composition root must supply all of them. */
export type ApiHandlers = DomainHandlers<ApiCalls>;
