// `farmwatch-collector serve` refuses flags it cannot use, before it opens anything, naming the
// flag, what was given and what it wants.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLECTOR_CLI, run } from './helpers/processes.js';

const work = mkdtempSync(join(tmpdir(), 'farmwatch-serve-flags-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('collector serve flags', () => {
  it.each([
    [['--watch-input-languages', 'ko,korean'], '--watch-input-languages: "korean" is not a two-letter ISO 639-1 language code (e.g. ko,zh,ru)'],
    [['--far-km', 'far'], '--far-km must be a whole number above 0, not "far"'],
    [['--listen', 'localhost'], '--listen must be HOST:PORT, not "localhost"'],
    [['--grpc-max-connections', '0'], '--grpc-max-connections must be a whole number above 0, not "0"'],
    [['--proxy-protocol', 'sometimes'], '--proxy-protocol must be required or optional, not "sometimes"'],
    [['--http-idle-timeout-s', '10'], '--http-idle-timeout-s must be above 15, not 10: the alert stream writes a keepalive every 15 s'],
    [['--http-headers-timeout-s', '90'], '--http-headers-timeout-s (90) must not be longer than --http-request-timeout-s (60)'],
  ])('%j: refused with the reason', async (flags, message) => {
    const db = join(work, `${flags[0]?.slice(2) ?? 'x'}.db`);
    const r = await run(COLLECTOR_CLI, ['serve', '--db', db, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(db)).toBe(false);
  });
});
