// `farmwatch-agent inspect` as a person runs it: files in any order, each format named, a file it
// cannot use named with what to do, and the exit status.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fx = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const inspect = (...args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [CLI, 'inspect', ...args], { encoding: 'utf8' });

describe('inspect', () => {
  it('reads usbhid-dump after the lsusb -v it refers to, whatever the order given', () => {
    const r = inspect('--json', fx('golden/usb-ordinary/logitech-unifying-usbhid-dump.txt'), fx('golden/usb-ordinary/logitech-unifying-lsusb-v.txt'));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { files: { format?: string; items: number }[]; findings: unknown[] };
    expect(out.files.map((f) => [f.format, f.items])).toEqual([['usbhid-dump', 3], ['lsusb -v', 1]]);
    expect(out.findings).toEqual([]);
  });

  it('says what to add when usbhid-dump comes alone, and exits 2 when no file could be used', () => {
    const r = inspect(fx('golden/usb-ordinary/logitech-unifying-usbhid-dump.txt'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give the `lsusb -v` \(or `lsusb`\) output of the same machine too/);
  });

  it('finds the NanoKVM in a kernel log and exits 1', () => {
    const r = inspect(fx('golden/usb-kvm/nanokvm-dmesg.txt'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/KVM devices:\n {2}\[HIGH\] .*NanoKVM/);
  });

  it('a developer laptop with PuTTY, WinSCP and mstsc: information only, exit 0', () => {
    const r = inspect(fx('golden/developer-laptop-windows/tasklist.txt'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Nothing found (3 for information below).');
    expect(r.stdout).toMatch(/\[INFO\] PuTTY is running \(client only: it connects to other machines, it lets no one into this one\)/);
    expect(r.stdout).toContain('remote_access.role = client  matched putty "putty.exe: client"');
  });
});
