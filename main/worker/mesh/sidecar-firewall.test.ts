import { describe, expect, it } from 'vitest';
import { meshSubnetOf } from '../../../common/mesh';
import { sidecarFirewallRules } from './sidecar-firewall';

describe('the sidecar firewall', () => {
  const subnet = meshSubnetOf('lease-1');

  it('drops by default, lets the mesh and WireGuard through, refuses private ranges before anything public', () => {
    const rules = sidecarFirewallRules({ meshSubnet: subnet, listenPort: 41234, egress: true, blockedAddresses: ['203.0.113.7', '172.18.0.1', 'fe80::1', '1.2.3.4; rm -rf /'] });
    const lines = rules.split('\n');
    expect(lines).toContain(':OUTPUT DROP [0:0]');
    expect(lines).toContain(':INPUT DROP [0:0]');
    expect(lines).toContain(`-A OUTPUT -o idg0 -d ${subnet} -j ACCEPT`);
    expect(lines).toContain('-A OUTPUT -p udp --sport 41234 ! -o idg0 -j ACCEPT');
    expect(lines).toContain('-A INPUT -p udp --dport 41234 -j ACCEPT');
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '198.19.0.0/16']) {
      expect(lines).toContain(`-A OUTPUT -d ${range} -j REJECT`);
    }
    expect(lines).toContain('-A OUTPUT -d 203.0.113.7 -j REJECT');
    // Only IPv4 addresses make rules; anything else (v6 is off, or an injection attempt) is left out.
    expect(rules).not.toContain('fe80');
    expect(rules).not.toContain('rm -rf');
    const egressAt = lines.indexOf('-A OUTPUT -j ACCEPT');
    expect(egressAt).toBeGreaterThan(lines.indexOf('-A OUTPUT -d 192.168.0.0/16 -j REJECT'));
    expect(egressAt).toBeGreaterThan(lines.indexOf('-A OUTPUT -d 203.0.113.7 -j REJECT'));
  });

  it('lets the supplier machine (the Docker gateway) open TCP to the job for port forwards, and nothing else in', () => {
    const lines = sidecarFirewallRules({ meshSubnet: subnet, listenPort: 41234, egress: false, blockedAddresses: ['172.18.0.1'], forwardsFrom: '172.18.0.1' }).split('\n');
    expect(lines).toContain('-A INPUT ! -i idg0 -p tcp -s 172.18.0.1 -m conntrack --ctstate NEW -j ACCEPT');
    // The job still cannot open a connection to that address.
    expect(lines).toContain('-A OUTPUT -d 172.18.0.1 -j REJECT');
    // Nothing but an IPv4 address makes a rule.
    expect(sidecarFirewallRules({ meshSubnet: subnet, listenPort: 41234, egress: false, blockedAddresses: [], forwardsFrom: '0/0 -j ACCEPT' })).not.toContain('-s 0/0');
  });

  it('without egress, everything not the mesh is refused', () => {
    const lines = sidecarFirewallRules({ meshSubnet: subnet, listenPort: 41234, egress: false, blockedAddresses: [] }).split('\n');
    expect(lines).toContain('-A OUTPUT -j REJECT');
    expect(lines).not.toContain('-A OUTPUT -j ACCEPT');
  });
});
