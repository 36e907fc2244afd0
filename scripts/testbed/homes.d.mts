import type { ChildProcessWithoutNullStreams, SpawnSyncReturns, SpawnSyncOptions } from 'node:child_process';

export interface TestbedHome {
  index: number;
  nat: 'cone' | 'symmetric';
  /** The home's own namespace: the supplier's machine, running its dockerd. */
  netns: string;
  /** The home router (NAT); on its LAN side it also stands for a LAN device and 169.254.169.254. */
  routerNetns: string;
  wanAddress: string;
  lanAddress: string;
  lanDeviceAddress: string;
  /** unix:///… of the home's dockerd; null when started without Docker. */
  dockerHost: string | null;
}

export interface Testbed {
  prefix: string;
  dir: string;
  /** The host's address on the internet side (bind the hub here). */
  hubAddress: string;
  internetNetns: string;
  homes: TestbedHome[];
  exec(netns: string, args: string[], options?: SpawnSyncOptions): SpawnSyncReturns<string>;
  spawnIn(netns: string, args: string[]): ChildProcessWithoutNullStreams;
  stop(): Promise<void>;
}

export function testbedToolsAvailable(): { ok: boolean; missing: string[] };
export function startHomes(options?: { homes?: Array<{ nat: 'cone' | 'symmetric' }>; docker?: boolean }): Promise<Testbed>;
export function cleanupStaleTestbeds(): number;
