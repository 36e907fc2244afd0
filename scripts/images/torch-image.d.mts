export const TORCH_IMAGE_REF: string;
export function imageCacheDir(): string;
export function torchImageTarball(): string;
export function torchImageBuildMissing(): string | null;
export function buildTorchImageTarball(options?: { log?: (line: string) => void }): { tarball: string; buildMs: number; bytes: number };
export function loadTorchImage(options: { dockerHost: string; ref?: string; registry?: string | null }): { ref: string; loadMs: number };
