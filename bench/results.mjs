// Figures for the report: every benchmark (and the fleet simulator) records what it printed as
// tables in bench-results/<name>.json; scripts/report.mjs turns them into reports/latest.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RESULTS_DIR = process.env.FARMWATCH_RESULTS_DIR ?? join(ROOT, 'bench-results');

export function machine() {
  return { cpu: cpus()[0]?.model ?? '?', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
}

export function commit() {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${hash} (with uncommitted changes)` : hash;
  } catch {
    return 'unknown';
  }
}

/** A table that prints its rows as they come and keeps them for the report. */
export class Table {
  constructor(title, columns, widths = []) {
    this.title = title;
    this.columns = columns;
    this.rows = [];
    this.widths = widths;
    this.notes = [];
  }

  header() {
    if (this.title) console.log(this.title);
    console.log(this.format(this.columns));
    return this;
  }

  format(cells) {
    return cells.map((c, i) => String(c).padEnd(this.widths[i] ?? 14)).join('  ');
  }

  add(cells) {
    this.rows.push(cells.map((c) => (typeof c === 'number' && !Number.isInteger(c) ? Number(c.toPrecision(4)) : c)));
    console.log(this.format(cells));
    return this;
  }

  note(text) {
    this.notes.push(text);
    console.log(text);
    return this;
  }
}

/** Writes bench-results/<name>.json: the tables and notes of one benchmark run. */
export function record(name, title, tables, notes = []) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const body = {
    name, title, measuredAt: new Date().toISOString(), commit: commit(), machine: machine(),
    tables: tables.map((t) => ({ title: t.title, columns: t.columns, rows: t.rows, notes: t.notes })), notes,
  };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(body, null, 1)}\n`);
  return body;
}
