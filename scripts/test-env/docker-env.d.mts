export interface DockerTestEnv {
  dir: string;
  /** unix:///…/docker.sock of the private dockerd. */
  dockerHost: string;
  /** '127.0.0.1:PORT', or null when started without a registry. */
  registry: string | null;
  /** The busybox test image: pushed to the registry (not present locally), or local only without one. */
  testImage: string;
  /** Where the NVIDIA hook recorder appends one JSON line per GPU container. */
  hookLog: string;
  /** DOCKER_HOST, IDLEGRID_HOOK_LOG, IDLEGRID_TEST_IMAGE and (with a registry) IDLEGRID_TEST_REGISTRY. */
  env: Record<string, string>;
  restartDockerd(): Promise<void>;
  stopDockerd(): Promise<void>;
  startDockerd(): Promise<void>;
  stop(): Promise<void>;
}

export interface DockerTestEnvOptions {
  dir?: string;
  nvidiaHook?: boolean;
  registry?: boolean;
  liveRestore?: boolean;
  isolated?: boolean;
  keepDir?: boolean;
}

export interface HookRecord {
  argv: string[];
  state: { id: string; status: string; pid?: number; bundle: string } | null;
  nvidiaVisibleDevices: string;
  nvidiaDriverCapabilities: string;
}

export function dockerToolsAvailable(): { ok: boolean; missing: string[] };
export function startDockerTestEnv(options?: DockerTestEnvOptions): Promise<DockerTestEnv>;
export function startTestRegistry(options: { dir: string; requireAuth?: boolean }): Promise<{ address: string; stop(): Promise<void> }>;
/** `user`: the image's USER (none by default). */
export function buildBusyboxImage(options: { dockerHost: string; ref: string; dir?: string; extraBytes?: number; user?: string }): Promise<string>;
export function pushImage(options: { dockerHost: string; ref: string; removeLocal?: boolean }): string;
export function readHookLog(file: string): HookRecord[];
