/**
 * Readers for the loosely typed trees xml2js and JSON.parse give back. Vendor tools
 * write "N/A", "Not Supported", "[Unknown Error]" or nothing where a value is unknown;
 * all of these read as null, and a number is a number or null, never NaN.
 */

/** The value under `path` in a parsed tree, or undefined. */
export function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const UNKNOWN = new Set(['', 'n/a', '[n/a]', 'not supported', '[not supported]', 'unknown', 'unknown error', '[unknown error]']);

/** Trimmed text, or null for an element that is absent, empty, nested or says "unknown". */
export function textOf(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return UNKNOWN.has(text.toLowerCase()) ? null : text;
}

// "24564 MiB", "450.00 W", "35 C", "30 %", "16x", "53.0", "-7 C": one number, then an optional unit.
const NUMBER_WITH_UNIT = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z%/]*)$/;

/** The number at the start of "450.00 W"-style text, or null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = textOf(value);
  if (text === null) return null;
  const match = NUMBER_WITH_UNIT.exec(text);
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isFinite(n) ? n : null;
}

export function integerOf(value: unknown): number | null {
  const n = numberOf(value);
  return n === null ? null : Math.round(n);
}

/** xml2js with `explicitArray: false` gives one child as an object and several as an array. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first of several places a value may live (field names moved between driver versions). */
export function firstKnown<T>(read: (v: unknown) => T | null, ...values: unknown[]): T | null {
  for (const v of values) {
    const r = read(v);
    if (r !== null) return r;
  }
  return null;
}
