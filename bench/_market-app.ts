// A supplier app for benchmarks: the real composition root in a process of its own (its
// own PATH, so its own replayed GPUs), joined to a private grid, sharing N of its GPUs.
// Config is JSON in argv[2]; prints "READY <workerWallet>" once its offers are published,
// then runs until killed. Used by bench/e2e-lease.ts.
import { createAppServices } from '../main/app/app-services';

interface MarketAppConfig {
  dataDir: string;
  hubUrl: string;
  shareGpus: number;
  pricePerGpuHour: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as MarketAppConfig;

function until<T>(check: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 100);
    };
    poll();
  });
}

async function main(): Promise<void> {
  const app = createAppServices({ shell: 'headless', dataDir: config.dataDir, version: '0.0.0-bench' });
  await app.start();
  await app.handlers['wallet:unlock']({ passphrase: 'bench passphrase' });
  const account = await app.handlers['wallet:create']({});
  await app.handlers['network:set']({ kind: 'grid', hubUrl: config.hubUrl });
  await until(() => app.hub.status().status === 'ready', 30_000, 'the grid hub');
  const gpus = (await app.handlers['hardware:snapshot']({})).gpus.filter((g) => g.vendor === 'nvidia').slice(0, config.shareGpus);
  const terms = await app.handlers['lend:terms']({});
  await app.handlers['lend:set-terms']({ terms: { ...terms, pricePerGpuHour: config.pricePerGpuHour, gpuUuids: gpus.map((g) => g.uuid) } });
  await app.handlers['lend:start-sharing']({});
  let status = await app.handlers['lend:status']({});
  const started = Date.now();
  while (status.offers.length === 0) {
    if (Date.now() - started > 30_000) throw new Error(`the supplier never published its offers: ${status.state} ${status.message}`);
    await new Promise((r) => setTimeout(r, 200));
    status = await app.handlers['lend:status']({});
  }
  console.log(`READY ${account.address}`);
  const stop = () => void app.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`FATAL ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
