// Where the programs keep their state by default, and file errors as sentences: the rules both
// command-line programs share, over real folders.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkoutAgentDir, checkoutHome, checkoutRoot, defaultDatabase, describeFileError } from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'farmwatch-state-home-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder laid out like a checkout: package.json with `name`, and <workspace>/<dist>/cli.js. */
function layout(name: string, workspace = 'collector', dist = 'dist'): { root: string; cli: string } {
  const root = mkdtempSync(join(work, 'repo-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name }));
  mkdirSync(join(root, workspace, dist), { recursive: true });
  const cli = join(root, workspace, dist, 'cli.js');
  writeFileSync(cli, '');
  return { root, cli };
}

describe('the state home of a repository checkout', () => {
  it('is <root>/var for a program at <root>/collector/dist/cli.js or <root>/agent/dist/cli.js of farmwatch', () => {
    for (const workspace of ['collector', 'agent']) {
      const { root, cli } = layout('farmwatch', workspace);
      expect(checkoutRoot(cli)).toBe(root);
      expect(checkoutRoot(pathToFileURL(cli).href)).toBe(root);
      expect(checkoutHome(cli, {})).toBe(join(root, 'var'));
      expect(defaultDatabase(cli, {})).toBe(join(root, 'var', 'collector.db'));
      expect(checkoutAgentDir(cli, {})).toBe(join(root, 'var', 'agent'));
    }
  });

  it('follows $FARMWATCH_HOME, and $FARMWATCH_DB names the database itself', () => {
    const { cli } = layout('farmwatch');
    expect(defaultDatabase(cli, { FARMWATCH_HOME: '/srv/fw' })).toBe('/srv/fw/collector.db');
    expect(checkoutAgentDir(cli, { FARMWATCH_HOME: '/srv/fw' })).toBe('/srv/fw/agent');
    expect(defaultDatabase(cli, { FARMWATCH_HOME: '/srv/fw', FARMWATCH_DB: '/data/c.db' })).toBe('/data/c.db');
  });

  it('is the installed default anywhere else: another project, another folder, a bundle, a link into a checkout resolved', () => {
    expect(checkoutRoot(layout('not-farmwatch').cli)).toBeUndefined();
    expect(checkoutRoot(layout('farmwatch', 'collector', 'src').cli)).toBeUndefined();
    expect(checkoutRoot(layout('farmwatch', 'console').cli)).toBeUndefined();
    expect(checkoutRoot(undefined)).toBeUndefined();
    expect(checkoutRoot(join(work, 'nothing', 'collector', 'dist', 'cli.js'))).toBeUndefined();
    expect(defaultDatabase(undefined, {})).toBe(join('var', 'collector.db'));
    expect(checkoutAgentDir(undefined, { FARMWATCH_HOME: '/srv/fw' })).toBeUndefined();
    // npx runs the program through node_modules/.bin links: the real file decides.
    const { root, cli } = layout('farmwatch');
    const link = join(work, 'farmwatch-collector');
    symlinkSync(cli, link);
    expect(checkoutRoot(link)).toBe(root);
  });
});

describe('file errors as sentences', () => {
  const caught = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('it did not fail');
  };

  it('says which file, what is wrong and what to do, without the error code', () => {
    const missing = join(work, 'missing.json');
    expect(describeFileError(caught(() => readFileSync(missing)), missing, 'the policy file', { fix: 'pass an existing file with --policy' }))
      .toBe(`the policy file ${missing} does not exist: pass an existing file with --policy`);
    const deep = join(work, 'no', 'such', 'x.db');
    expect(describeFileError(caught(() => readFileSync(deep)), deep, 'the database'))
      .toBe(`the database ${deep} cannot be found: the folder ${join(work, 'no')} does not exist`);
    expect(describeFileError(caught(() => readFileSync(work)), work, 'the file')).toBe(`the file ${work} is a folder, not a file: name a file in it`);
    const plain = join(work, 'plain.txt');
    writeFileSync(plain, 'x');
    const through = join(plain, 'x.db');
    expect(describeFileError(caught(() => readFileSync(through)), through, 'the database')).toBe(`the database ${through} cannot be read: ${plain} is a file, not a folder`);
    expect(describeFileError(caught(() => mkdirSync(through, { recursive: true })), through, 'the database', { writing: true }))
      .toBe(`the database ${through} cannot be created: ${plain} is a file, not a folder`);
    expect(describeFileError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '/etc/shadow', 'the file', { fix: 'pass another with --x' }))
      .toBe('the file /etc/shadow cannot be read: permission denied for this user; run as a user who may, or change the permissions, or pass another with --x');
  });
});
