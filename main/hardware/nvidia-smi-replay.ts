import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the replays of real vendor-tool output live, for tests and benchmarks only (the
 * app never imports this). fixtures/bin holds `nvidia-smi` and `rocm-smi` scripts that
 * answer from the captures in fixtures/gpu; see the scripts' headers for their env knobs.
 */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_GPU_DIR = join(REPO_ROOT, 'fixtures', 'gpu');
export const REPLAY_BIN_DIR = join(REPO_ROOT, 'fixtures', 'bin');

export interface ReplayKnobs {
  IDLEGRID_REPLAY_NVIDIA_XML?: string;
  IDLEGRID_REPLAY_MODE?: 'hang' | 'fail' | 'no-gpu' | `die-after=${number}`;
  IDLEGRID_REPLAY_TEMP_C?: string;
  IDLEGRID_REPLAY_TEMP_C_FILE?: string;
  IDLEGRID_REPLAY_SPAWN_LOG?: string;
  IDLEGRID_REPLAY_ROCM_JSON?: string;
  IDLEGRID_REPLAY_ROCM_MODE?: 'hang' | 'fail';
}

/**
 * An environment with the replays first on PATH (and the directory of this Node, which
 * their `#!/usr/bin/env node` line needs). Knobs left out are removed, so a knob set in
 * the caller's own environment cannot leak into a test.
 */
export function replayEnv(knobs: ReplayKnobs = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('IDLEGRID_REPLAY_')) delete env[key];
  return {
    ...env,
    ...knobs,
    PATH: [REPLAY_BIN_DIR, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
  };
}
