import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startHomes, testbedToolsAvailable } from './homes.mjs';

const tools = testbedToolsAvailable();
const run = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`[skip] testbed: missing ${tools.missing.join(', ')}`);

/** Sends one datagram from `fromPort` in the namespace to each target, with Node run inside the namespace. */
function sendFrom(netns: string, fromPort: number, host: string, ports: number[]): void {
  const script = `const s=require('dgram').createSocket('udp4');s.bind(${fromPort},()=>{let n=0;for(const p of ${JSON.stringify(ports)})s.send('probe',p,'${host}',()=>{if(++n===${ports.length})s.close()})})`;
  const result = spawnSync('ip', ['netns', 'exec', netns, process.execPath, '-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(result.status, result.stderr).toBe(0);
}

async function listen(host: string): Promise<{ socket: Socket; port: number; seen: Array<{ address: string; port: number }> }> {
  const socket = createSocket('udp4');
  const seen: Array<{ address: string; port: number }> = [];
  socket.on('message', (_m, rinfo) => seen.push({ address: rinfo.address, port: rinfo.port }));
  await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
  return { socket, port: socket.address().port, seen };
}

run('the homes testbed', { timeout: 120_000 }, () => {
  it('puts each home behind its own NAT: a cone keeps one mapping for every destination, the symmetric one makes a new one per destination; nothing is left after stop', async () => {
    const bed = await startHomes({ docker: false, homes: [{ nat: 'cone' }, { nat: 'symmetric' }] });
    const listeners: Socket[] = [];
    try {
      const a = await listen(bed.hubAddress);
      const b = await listen(bed.hubAddress);
      listeners.push(a.socket, b.socket);
      for (const home of bed.homes) sendFrom(home.netns, 40_000 + home.index, bed.hubAddress, [a.port, b.port]);
      for (let i = 0; i < 100 && a.seen.length + b.seen.length < 4; i += 1) await new Promise((r) => setTimeout(r, 20));
      const [cone, symmetric] = bed.homes;
      const fromCone = [...a.seen, ...b.seen].filter((s) => s.address === cone!.wanAddress);
      const fromSymmetric = [...a.seen, ...b.seen].filter((s) => s.address === symmetric!.wanAddress);
      // Seen from the internet as the router's WAN address, never the home's LAN address.
      expect(fromCone).toHaveLength(2);
      expect(fromSymmetric).toHaveLength(2);
      expect(new Set(fromCone.map((s) => s.port)).size).toBe(1);
      expect(new Set(fromSymmetric.map((s) => s.port)).size).toBe(2);
      // Nothing unsolicited from the internet reaches a listener in the home (no port forward), though the home itself reaches it.
      const listener = bed.spawnIn(cone!.netns, ['busybox', 'nc', '-ll', '-p', '2222', '-e', '/bin/true']);
      try {
        await new Promise((r) => setTimeout(r, 300));
        const probe = (netns: string, host: string) => bed.exec(netns, ['busybox', 'sh', '-c', `echo x | busybox nc -w 1 ${host} 2222 >/dev/null 2>&1 && echo OPEN || echo CLOSED`]).stdout;
        expect(probe(cone!.netns, cone!.lanAddress)).toContain('OPEN');
        expect(probe(bed.internetNetns, cone!.wanAddress)).toContain('CLOSED');
      } finally {
        listener.kill('SIGKILL');
      }
    } finally {
      for (const s of listeners) s.close();
      await bed.stop();
    }
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(left).not.toContain(bed.prefix);
    expect(spawnSync('ip', ['-4', 'addr'], { encoding: 'utf8' }).stdout).not.toContain(`${bed.hubAddress}/`);
  });
});
