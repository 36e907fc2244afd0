// The few globals that every side of common/ can count on: browsers and Node both have
// them. common/ compiles without DOM and without Node types so that nothing else slips in.
declare class URL {
  constructor(url: string, base?: string);
  readonly hostname: string;
  readonly host: string;
  readonly protocol: string;
  readonly origin: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly username: string;
  readonly password: string;
  readonly hash: string;
  toString(): string;
}
declare const console: {
  error(...data: unknown[]): void;
  warn(...data: unknown[]): void;
};
// Timers exist on every side; their handles differ (a number in browsers, an object in
// Node), so common/ treats them as opaque.
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function setInterval(callback: () => void, ms?: number): unknown;
declare function clearInterval(handle: unknown): void;
