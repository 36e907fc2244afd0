import { RESERVED_ENV_NAMES } from '../../../../common/hub/lease-types';
import type { PlacementConstraints } from '../../../../common/hub/lease-types';
import type { RentRequest } from '../../../../common/market/rent-types';
import { parseAmount } from '../../../../common/money/amount-text';
import type { TokenUnit } from '../../../../common/money/token';
import { PAYMENT_TOKEN } from '../../../../common/money/token-registry';

/**
 * The job form as typed (all text), and its conversion into a `rent:quote` request with
 * one message per field that is wrong. Main checks the same request with the contract's
 * schema; this catches the mistakes before the hub holds any GPU.
 */
export interface JobDraft {
  gpuCount: string;
  sameModel: boolean;
  /** Empty = any number of machines. */
  maxNodes: string;
  image: string;
  /** One line split like a shell (quotes respected), or one argument per line. */
  command: string;
  commandMode: 'shell' | 'lines';
  env: string;
  ports: string;
  /** Ask to run as root (refused by suppliers whose terms do not allow it); off by default. */
  runAsRoot: boolean;
  /** Internet access for the job (extra cost, only on machines that offer it); off by default. */
  egress: boolean;
  limitBy: 'duration' | 'budget';
  hours: string;
  minutes: string;
  budget: string;
}

export type JobField = keyof JobDraft;
export type JobErrors = Partial<Record<JobField, string>>;

export const EMPTY_JOB_DRAFT: JobDraft = {
  gpuCount: '1',
  sameModel: true,
  maxNodes: '',
  image: '',
  command: '',
  commandMode: 'shell',
  env: '',
  ports: '',
  runAsRoot: false,
  egress: false,
  limitBy: 'duration',
  hours: '1',
  minutes: '0',
  budget: '',
};

const MAX_CLUSTER_GPUS = 256;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Splits a command line the way a POSIX shell would split words: single quotes keep
 * everything, double quotes keep spaces (and allow \" and \\), a backslash escapes the
 * next character outside quotes. No expansion: the container receives the words as typed.
 */
export function splitCommandLine(line: string): { args: string[] } | { error: string } {
  const args: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `A ${quote === '"' ? 'double' : 'single'} quote is not closed.` };
  if (inWord) args.push(word);
  return { args };
}

export function parseCommand(text: string, mode: JobDraft['commandMode']): { args: string[] } | { error: string } {
  if (mode === 'lines') return { args: text.split('\n').filter((l) => l.trim() !== '') };
  if (text.includes('\n')) return { error: 'Write the command on one line, or switch to one argument per line.' };
  return splitCommandLine(text);
}

export function parseEnv(text: string): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { error: `Line ${i + 1}: write KEY=VALUE (got "${line.slice(0, 40)}").` };
    const name = line.slice(0, eq).trim();
    if (!ENV_NAME.test(name)) return { error: `Line ${i + 1}: "${name}" is not a variable name; use letters, digits and _, not starting with a digit.` };
    if ((RESERVED_ENV_NAMES as readonly string[]).includes(name)) {
      return { error: `Line ${i + 1}: ${name} is set by the hub on every container; remove it.` };
    }
    if (name in env) return { error: `Line ${i + 1}: ${name} is set twice.` };
    env[name] = line.slice(eq + 1);
  }
  if (Object.keys(env).length > 64) return { error: 'At most 64 environment variables.' };
  return { env };
}

export function parsePorts(text: string): { ports: number[] } | { error: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ports: number[] = [];
  for (const part of parts) {
    const port = /^\d+$/.test(part) ? Number(part) : NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `"${part}" is not a port: use whole numbers from 1 to 65535, separated by commas.` };
    if (!ports.includes(port)) ports.push(port);
  }
  if (ports.length > 16) return { error: 'At most 16 ports.' };
  return { ports };
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}

/** The draft as a request, or the errors to show next to each field. */
export function requestFromDraft(draft: JobDraft, constraints: Omit<PlacementConstraints, 'sameModel' | 'maxNodes'>, token: TokenUnit = PAYMENT_TOKEN): { request: RentRequest | null; errors: JobErrors } {
  const errors: JobErrors = {};

  const gpuCount = wholeNumber(draft.gpuCount);
  if (gpuCount === null || gpuCount < 1 || gpuCount > MAX_CLUSTER_GPUS) errors.gpuCount = `Ask for 1 to ${MAX_CLUSTER_GPUS} GPUs.`;

  let maxNodes: number | undefined;
  if (draft.maxNodes.trim()) {
    const n = wholeNumber(draft.maxNodes);
    if (n === null || n < 1 || n > 256) errors.maxNodes = 'A whole number of machines from 1 to 256, or empty for any.';
    else maxNodes = n;
  }

  const image = draft.image.trim();
  if (!image) errors.image = 'Name the container image to run, e.g. pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime.';
  else if (/\s/.test(image)) errors.image = 'An image reference has no spaces; put arguments in the command.';
  else if (image.length > 512) errors.image = 'That image reference is too long (512 characters at most).';

  const command = parseCommand(draft.command, draft.commandMode);
  if ('error' in command) errors.command = command.error;
  else if (command.args.length > 64) errors.command = 'At most 64 arguments.';

  const env = parseEnv(draft.env);
  if ('error' in env) errors.env = env.error;

  const ports = parsePorts(draft.ports);
  if ('error' in ports) errors.ports = ports.error;

  let durationMs: number | undefined;
  let budget: string | undefined;
  if (draft.limitBy === 'duration') {
    const hours = draft.hours.trim() ? wholeNumber(draft.hours) : 0;
    const minutes = draft.minutes.trim() ? wholeNumber(draft.minutes) : 0;
    if (hours === null) errors.hours = 'Hours are a whole number.';
    else if (minutes === null || minutes > 59) errors.minutes = 'Minutes are a whole number from 0 to 59.';
    else {
      durationMs = (hours * 60 + minutes) * 60_000;
      if (durationMs < 60_000) errors.minutes = 'Run for at least one minute.';
      else if (durationMs > 365 * 86_400_000) errors.hours = 'At most a year.';
    }
  } else {
    const amount = parseAmount(draft.budget, token);
    if (!amount.ok) errors.budget = amount.error;
    else if (amount.baseUnits === 0n) errors.budget = `A budget above 0 ${token.symbol}.`;
    else budget = amount.baseUnits.toString();
  }

  if (Object.keys(errors).length > 0 || gpuCount === null || 'error' in command || 'error' in env || 'error' in ports) return { request: null, errors };

  const job: RentRequest['job'] = { image };
  if (command.args.length) job.command = command.args;
  if (Object.keys(env.env).length) job.env = env.env;
  if (ports.ports.length) job.ports = ports.ports;
  if (draft.runAsRoot) job.runAsRoot = true;
  if (draft.egress) job.egress = true;
  const request: RentRequest = {
    gpuCount,
    constraints: { ...constraints, sameModel: draft.sameModel, ...(maxNodes === undefined ? {} : { maxNodes }) },
    job,
    ...(durationMs !== undefined ? { durationMs } : { budget }),
  };
  return { request, errors };
}
