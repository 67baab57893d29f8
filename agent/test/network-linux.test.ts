// Interface kinds on real kernel objects: this machine's loopback, and a tun device and a bridge
// the test creates (root only) and removes.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyLinuxLink } from '../src/sensors/network/classify.js';
import { collectLinuxInterfaces } from '../src/sensors/network/linux.js';

describe('interface kinds from sysfs facts', () => {
  it('names tunnels by what the kernel says, not by their names', () => {
    expect(classifyLinuxLink({ name: 'office', devtype: 'wireguard', hasWireless: false, hasTunFlags: false, isVirtual: true, arphrd: 65534 }).kind).toBe('tunnel');
    expect(classifyLinuxLink({ name: 'x', hasWireless: false, hasTunFlags: true, isVirtual: true, arphrd: 1 }).kind).toBe('tunnel');
    expect(classifyLinuxLink({ name: 'ppp0', hasWireless: false, hasTunFlags: false, isVirtual: true, arphrd: 512 }).kind).toBe('tunnel');
    expect(classifyLinuxLink({ name: 'wlp2s0', devtype: 'wlan', hasWireless: true, hasTunFlags: false, isVirtual: false, arphrd: 1 }).kind).toBe('wifi');
    expect(classifyLinuxLink({ name: 'docker0', devtype: 'bridge', hasWireless: false, hasTunFlags: false, isVirtual: true, arphrd: 1 }).kind).toBe('virtual');
    expect(classifyLinuxLink({ name: 'enp0s31f6', hasWireless: false, hasTunFlags: false, isVirtual: false, arphrd: 1 }).kind).toBe('ethernet');
    expect(classifyLinuxLink({ name: 'lo', hasWireless: false, hasTunFlags: false, isVirtual: true, arphrd: 772 }).kind).toBe('loopback');
  });
});

const root = process.platform === 'linux' && process.getuid?.() === 0;

describe.runIf(process.platform === 'linux')('network interfaces on this machine', () => {
  it('sees the loopback with its addresses', async () => {
    const facts = await collectLinuxInterfaces({ platform: 'linux', root: '' });
    const lo = facts.find((f) => f.name === 'lo');
    expect(lo?.kind).toBe('loopback');
    expect(lo?.addresses).toContain('127.0.0.1/8');
    expect(lo?.up).toBe(true);
  });
});

describe.runIf(root)('tunnels the test creates', () => {
  // Named after this process, so parallel test runs on one machine do not collide.
  const tun = `fwtun${process.pid}`;
  const bridge = `fwbr${process.pid}`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'ignore' });
  beforeAll(() => {
    ip('tuntap', 'add', 'dev', tun, 'mode', 'tun');
    ip('addr', 'add', '10.213.7.2/30', 'dev', tun);
    ip('link', 'set', tun, 'up');
    ip('link', 'add', bridge, 'type', 'bridge');
  });
  afterAll(() => {
    for (const dev of [tun, bridge]) {
      try { ip('link', 'del', dev); } catch { /* already gone */ }
    }
  });

  it('classifies a real tun device as a tunnel and a bridge as virtual', async () => {
    const facts = await collectLinuxInterfaces({ platform: 'linux', root: '' });
    const t = facts.find((f) => f.name === tun);
    expect(t?.kind).toBe('tunnel');
    expect(t?.kindReason).toMatch(/tun/);
    // No program holds the tun open, so it has no carrier: the OS lists addresses of running
    // interfaces only, and the sensor does not invent them.
    expect(t?.addresses).toEqual([]);
    expect(facts.find((f) => f.name === bridge)?.kind).toBe('virtual');
  });
});
