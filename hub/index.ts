// The hub's public face: what the app (main/market/embedded-hub.ts), tests and benchmarks
// may use. Everything else under hub/ is the server's own business.
export { startHub, DEFAULT_HUB_TIMING, DEFAULT_HUB_LIMITS } from './hub-server';
export type { HubTiming, HubLimits, HubChainConfig, HubServerOptions, RunningHub } from './hub-server';
export { openHubChain } from './payments/hub-chain';
export type { HubChainChoice, OpenHubChain } from './payments/hub-chain';
export { createStreamLogger } from './logging/stream-logger';
export { ChainPaymentCheck } from './payments/chain-payment-check';
export { MeshSignals } from './mesh/mesh-signals';
export type { MeshSignalsOptions } from './mesh/mesh-signals';
