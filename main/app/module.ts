import type { Disposable } from '../../common/lifecycle';
import type { ApiHandlers } from '../transport/api-handlers';

/**
 * One domain of the app as the composition root sees it: the API calls it answers, a
 * `start` that brings it up (after the modules it depends on), and a `dispose` that
 * releases everything it started — listeners, timers, sockets, children. The root starts
 * modules in order and disposes them in reverse, so a module never outlives what it uses.
 */
export interface Module extends Disposable {
  readonly handlers: Partial<ApiHandlers>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}
