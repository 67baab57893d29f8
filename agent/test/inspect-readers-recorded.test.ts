// Readers the corpus has no record of, on real recorded output (fixtures/inspect-readers, sources
// in its README): each recognised by content and read into the facts it holds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '@farmwatch/shared';
import { EMPTY_POLICY } from '../src/detectors/index.js';
import { inspectFiles } from '../src/pipeline/inspect/inspect-files.js';
import { parseTop } from '../src/pipeline/inspect/process-more-text.js';
import { parseNetstat } from '../src/pipeline/inspect/socket-text.js';
import { parseUdevadm } from '../src/pipeline/inspect/usb-linux-text.js';

const text = (p: string): string => readFileSync(new URL(`./fixtures/inspect-readers/${p}`, import.meta.url), 'utf8');
const inspect1 = (p: string): ReturnType<typeof inspectFiles> => inspectFiles([{ file: p, bytes: Buffer.from(text(p)) }], builtinCatalog(), EMPTY_POLICY);

describe('readers on recorded output', () => {
  it('netstat -lnp: each TCP and UDP socket with the program that holds it (raw sockets are no service)', () => {
    const r = parseNetstat(text('netstat-lnp-centos.txt'));
    expect(r.processes.map((p) => [p.pid, p.name])).toEqual([[1469, 'master'], [1206, 'sshd'], [1939, 'dhclient'], [795, 'chronyd']]);
    expect(r.sockets).toHaveLength(7);
    expect(r.sockets.filter((s) => s.state === 'listen').map((s) => `${s.localAddress}:${s.localPort}/${s.pid}`)).toEqual(expect.arrayContaining(['127.0.0.1:25/1469', '0.0.0.0:22/1206', '::1:25/1469', ':::22/1206']));
    expect(inspect1('netstat-lnp-centos.txt').files[0]?.format).toBe('netstat');
  });

  it('top -b: the processes under the header, the summary lines above it left alone, kernel threads named whole', () => {
    const r = parseTop(text('top-b-n1-ubuntu.txt'));
    expect(r.map((p) => [p.pid, p.name, p.user])).toEqual([[1, 'systemd', 'root'], [2, 'kthreadd', 'root'], [3, 'rcu_gp', 'root'], [4, 'rcu_par_gp', 'root'], [5, 'kworker/0:0-cgroup_destroy', 'root'], [12, 'migration/0', 'root'], [13, 'idle_inject/0', 'root']]);
    const i = inspect1('top-b-n1-ubuntu.txt');
    expect(i.files[0]).toMatchObject({ format: 'top / htop', items: 7 });
    expect(i.findings).toEqual([]);
  });

  it('udevadm info of a disk on a SCSI bus is no USB device', () => {
    expect(parseUdevadm(text('udevadm-info-scsi-disk.txt'))).toEqual([]);
    expect(inspect1('udevadm-info-scsi-disk.txt').findings).toEqual([]);
  });
});
