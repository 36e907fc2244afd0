export function startThrottledProxy(options: { target: string; bytesPerSecond: number }): Promise<{ address: string; stop(): Promise<void> }>;
