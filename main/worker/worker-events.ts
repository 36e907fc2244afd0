import type { EventSpec } from '../../common/api/define';
import type { workerEvents } from '../../common/api/worker';

/** The app events the worker publishes (a slice of the API's event map). */
export type WorkerEventMap = {
  [E in keyof typeof workerEvents]: (typeof workerEvents)[E] extends EventSpec<infer D> ? D : never;
};

/** Where the worker publishes them: the app's `EventBus<ApiEventMap>` in production. */
export interface WorkerEventSink {
  emit<E extends keyof WorkerEventMap>(event: E, data: WorkerEventMap[E]): void;
}
