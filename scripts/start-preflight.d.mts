import type { spawnSync } from 'node:child_process';

export const DEFAULT_PORT: number;
export function nodeVersionProblem(version?: string): string | null;
export function electronBinary(root: string): string | null;
export function electronMissingText(root: string, env?: Record<string, string | undefined>, version?: string): string;
export function nativeModuleProblem(root: string, run?: (...args: Parameters<typeof spawnSync>) => { status: number | null; stderr?: string | Buffer | null }): string | null;
export function portIsFree(port: number, host?: string): Promise<boolean>;
export function choosePort(args: string[], isFree?: (port: number) => Promise<boolean>): Promise<{ args: string[]; note: string | null }>;
