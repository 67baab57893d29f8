// scripts/pinned-node.mjs takes the Node.js to embed from the npm registry only when it is the
// package that was pinned: run here as a copy beside a package.json whose pin has another hash, it
// fetches the real package, refuses it, and leaves nothing in its cache.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/processes.js';

interface Pin { package: string; version: string; integrity: string }
const pin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { farmwatch: { embeddedNode: Pin } }).farmwatch.embeddedNode;

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the pinned Node.js', () => {
  const work = mkdtempSync(join(tmpdir(), 'farmwatch-pin-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is refused when the registry\'s package does not have the pinned sha512', () => {
    mkdirSync(join(work, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'pinned-node.mjs'), join(work, 'scripts', 'pinned-node.mjs'));
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    writeFileSync(join(work, 'package.json'), JSON.stringify({ farmwatch: { embeddedNode: { ...pin, integrity: wrong } } }));
    const cache = join(work, 'cache');
    const r = spawnSync(process.execPath, [join(work, 'scripts', 'pinned-node.mjs')], { cwd: work, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FARMWATCH_NODE_CACHE: cache } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`pinned-node: ${pin.package}@${pin.version} from the registry has sha512 ${pin.integrity.slice('sha512-'.length)}, but package.json pins ${wrong.slice('sha512-'.length)}`);
    expect(r.stderr).toContain('not the one that was reviewed');
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });
});
