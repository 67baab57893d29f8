// Streams a capture file from disk through the parser in 1 MiB reads, reporting progress, so a
// large file needs no more memory than one read.
import { open } from 'node:fs/promises';
import type { CaptureParser } from './capture-parser.js';

const CHUNK = 1024 * 1024;

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
  packets: number;
}

export interface ReadFileOptions {
  onProgress?: (p: ReadProgress) => void;
}

/** Reads every packet of the file through `parser`. Throws CaptureFileError on a bad or cut file,
 *  after every packet before the bad spot has been handed on. */
export async function readCaptureFile(path: string, parser: CaptureParser, options: ReadFileOptions = {}): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = new Uint8Array(CHUNK);
    let bytesRead = 0;
    for (;;) {
      const { bytesRead: n } = await fh.read(buf, 0, CHUNK, null);
      if (n === 0) break;
      bytesRead += n;
      parser.push(buf.subarray(0, n));
      options.onProgress?.({ bytesRead, totalBytes: size, packets: parser.packets });
    }
    parser.finish();
  } finally {
    await fh.close();
  }
}
