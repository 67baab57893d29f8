// farmwatch-agent pcap, the command people run: its table and JSON on real captures, what it says
// about bad files (and that it still prints the flows before the bad spot), and its progress bar
// on a large file when stderr is a terminal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const dir = join(import.meta.dirname, 'fixtures', 'pcap');
const tmp = mkdtempSync(join(tmpdir(), 'fw-pcap-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'pcap', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('farmwatch-agent pcap', () => {
  it('prints each flow with its label, confidence and features', () => {
    const r = run(join(dir, 'openvpn-tcp443.pcap'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('tcp  198.51.100.9:');
    expect(r.stdout).toMatch(/-> 203\.0\.113\.7:443 {2}\d+\/\d+ pkts {2}OpenVPN vpn 98%/);
    expect(r.stdout).toContain('server acknowledges the client\'s session id');
    expect(r.stdout).toMatch(/\d+ packets \(pcap\), 1 flows: 1 vpn/);
  });

  it('--json gives the flows for machines', () => {
    const r = run(join(dir, 'tls-sni.pcap'), '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; flows: { label: { catalog?: { entryId: string } } }[] };
    expect(out.format).toBe('pcap');
    expect(out.flows.map((f) => f.label.catalog?.entryId ?? '').sort()).toEqual(['', 'anydesk', 'tailscale', 'teamviewer']);
  });

  it('a cut file: the flows read so far, then what is wrong, exit 2', () => {
    const bytes = readFileSync(join(dir, 'wireguard-ipv6.pcap'));
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 50));
    const r = run(cut, '--json');
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout) as { flows: { label: { protocol: string } }[]; error: { kind: string } };
    expect(out.flows[0]?.label.protocol).toBe('wireguard');
    expect(out.error.kind).toBe('truncated');
    expect(r.stderr).toMatch(/cut\.pcap: the file ends in the middle of a packet record at byte \d+/);
  });

  it('says clearly when the file is missing or is not a capture', () => {
    expect(run(join(tmp, 'nope.pcap'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/the capture file .*nope\.pcap does not exist: give the path of a pcap or pcapng file/) as unknown });
    const text = join(tmp, 'readme.pcap');
    writeFileSync(text, 'not a capture at all\n');
    const r = run(text);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a pcap or pcapng file: .*\(text, not a capture\); give a file written by tcpdump -w/);
  });

  it('reads capture files from a one-file bundle with no node_modules beside it (as in the single executable)', async () => {
    const bundle = join(tmp, 'agent.cjs');
    await build({ entryPoints: [cli], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    const r = spawnSync(process.execPath, [bundle, 'pcap', join(dir, 'rdp.pcap')], { cwd: tmp, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('RDP remote_access 98%');
  });

  it('asks for exactly one file', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'file'\nRun `farmwatch-agent pcap --help` for its usage/);
  });

  it.runIf(process.platform === 'linux')('draws a progress bar on a large file when stderr is a terminal', () => {
    // A 9 MiB capture: the records of a real capture repeated (script(1) gives the command a terminal).
    const src = readFileSync(join(dir, 'rdp.pcap'));
    const records = src.subarray(24);
    const big = Buffer.concat([src.subarray(0, 24), ...Array.from({ length: Math.ceil((9 << 20) / records.length) }, () => records)]);
    const file = join(tmp, 'big.pcap');
    writeFileSync(file, big);
    const r = spawnSync('script', ['-qec', `${process.execPath} ${cli} pcap ${file} >/dev/null`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[#+\.*\] +\d+% +[\d.]+\/9\.0 MiB +\d+ packets/);
    expect(r.stdout).toMatch(/\[#{30}\] 100%/);
  });
});
