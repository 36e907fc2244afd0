export function buildStampPath(root: string): string;
export function buildIsStale(root: string): boolean;
export function markBuilt(root: string): void;
