/**
 * A GPU's performance for sorting offers: peak FP32 TFLOPS from the vendors' data sheets.
 * It comes from the model name, not from the worker, because a worker could claim any
 * number. Unknown models rank at 0 (last when sorting by performance) rather than being
 * guessed. Longer, more specific names are matched first ("4090 D" before "4090").
 */
const CATALOG: ReadonlyArray<[RegExp, number]> = [
  [/\bH200\b/i, 67],
  [/\bH100\b.*\bPCIe\b/i, 51],
  [/\bH100\b/i, 67],
  [/\bGH200\b/i, 67],
  [/\bL40S\b/i, 91.6],
  [/\bL40\b/i, 90.5],
  [/\bL4\b/i, 30.3],
  [/\bA100\b/i, 19.5],
  [/\bA40\b/i, 37.4],
  [/\bA10G?\b/i, 31.2],
  [/\bRTX 6000 Ada\b/i, 91.1],
  [/\bRTX 4000 SFF Ada\b/i, 19.2],
  [/\bRTX A6000\b/i, 38.7],
  [/\bRTX A5000\b/i, 27.8],
  [/\bRTX A4000\b/i, 19.2],
  [/\bRTX 5090\b/i, 104.8],
  [/\bRTX 5080\b/i, 56.3],
  [/\bRTX 4090\b/i, 82.6],
  [/\bRTX 4080\b/i, 48.7],
  [/\bRTX 4070 Ti\b/i, 40.1],
  [/\bRTX 4070\b/i, 29.1],
  [/\bRTX 4060 Ti\b/i, 22.1],
  [/\bRTX 4060\b/i, 15.1],
  [/\bRTX 3090 Ti\b/i, 40],
  [/\bRTX 3090\b/i, 35.6],
  [/\bRTX 3080 Ti\b/i, 34.1],
  [/\bRTX 3080\b/i, 29.8],
  [/\bRTX 3070\b/i, 20.3],
  [/\bRTX 3060\b/i, 12.7],
  [/\bRTX 2080 Ti\b/i, 13.4],
  [/\bRTX 2080 SUPER\b/i, 11.2],
  [/\bRTX 2080\b/i, 10.1],
  [/\bV100S\b/i, 16.4],
  [/\bV100\b/i, 15.7],
  [/\bT4\b/i, 8.1],
  [/\bP100\b/i, 9.3],
  [/\bK520\b/i, 2.4],
  [/\bMI300X\b/i, 163.4],
  [/\bMI250X?\b/i, 47.9],
  [/\bMI210\b/i, 22.6],
  [/\bMI100\b/i, 23.1],
  [/\bRX 7900 XTX\b/i, 61.4],
];

const cache = new Map<string, number>();

export function gpuPerformanceTflops(model: string): number {
  let value = cache.get(model);
  if (value === undefined) {
    value = CATALOG.find(([pattern]) => pattern.test(model))?.[1] ?? 0;
    cache.set(model, value);
  }
  return value;
}
