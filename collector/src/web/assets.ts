// The console's browser code, as scripts/build-console.mjs leaves it in the @farmwatch/console
// package: dist/index.html (the page every console URL answers with) and dist/assets/ (scripts,
// styles, icons, licences, with content hashes in their names). Read once at start, served from
// memory; a name that was not in the folder is never looked up on disk.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** The name carries a content hash: browsers may keep it for a year. */
  immutable: boolean;
  /** Compressed once at start, for browsers that accept gzip (scripts and styles). */
  gzip?: Buffer;
}

export interface ConsoleAssets {
  indexHtml: Buffer;
  assets: Map<string, Asset>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8', '.json': 'application/json; charset=utf-8',
};

/** Where the built console is, or undefined when the package is not installed. */
export function consoleDist(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@farmwatch/console/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/** The built console, or the reason it cannot be served. */
export function loadConsole(dist = consoleDist()): ConsoleAssets | { missing: string } {
  if (!dist || !existsSync(join(dist, 'index.html'))) {
    return { missing: `the web console is not built (${dist ?? '@farmwatch/console'}/index.html is missing): run \`npm run build\`` };
  }
  const assets = new Map<string, Asset>();
  const dir = join(dist, 'assets');
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type || !/^[\w.-]+$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const gzip = /\.(js|css|txt|svg)$/.test(name) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
    assets.set(name, { body, type, etag, immutable: /-[A-Z0-9]{8}\.\w+$/.test(name), ...(gzip ? { gzip } : {}) });
  }
  return { indexHtml: readFileSync(join(dist, 'index.html')), assets };
}
