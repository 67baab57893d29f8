// The apps sensor's reader of /var/lib/dpkg/status: installed packages only, with their versions,
// from the file's bytes, whatever the other fields and paragraphs hold.
import { describe, expect, it } from 'vitest';
import { parseDpkgStatus } from '../src/sensors/apps/linux.js';

const STATUS = [
  'Package: adduser',
  'Status: install ok installed',
  'Priority: important',
  'Version: 3.118ubuntu5',
  'Description: add and remove users and groups',
  ' This package includes the Package: line of nothing.',
  '',
  'Package: anydesk',
  'Status: deinstall ok config-files',
  'Version: 6.3.0',
  '',
  '',
  'Package: rustdesk',
  'Architecture: amd64',
  'Status: install ok installed',
  '',
  'Package: teamviewer',
  'Version: 15.48.4',
  'Status: install ok half-installed',
  '',
  'Package: zoom',
  'Status: install ok installed',
  'Version: 5.17.11.3835',
].join('\n');

describe('dpkg status file', () => {
  it('keeps installed packages with their versions, in file order', () => {
    expect(parseDpkgStatus(Buffer.from(`${STATUS}\n`))).toEqual([
      { name: 'adduser', source: 'dpkg', version: '3.118ubuntu5' },
      { name: 'rustdesk', source: 'dpkg' },
      { name: 'zoom', source: 'dpkg', version: '5.17.11.3835' },
    ]);
  });

  it('reads a last paragraph without a final newline the same way', () => {
    expect(parseDpkgStatus(Buffer.from(STATUS))).toEqual(parseDpkgStatus(Buffer.from(`${STATUS}\n`)));
  });

  it('decodes UTF-8 and finds nothing in an empty file', () => {
    expect(parseDpkgStatus(Buffer.from('Package: café\nStatus: install ok installed\nVersion: 1.0~ü\n'))).toEqual([{ name: 'café', source: 'dpkg', version: '1.0~ü' }]);
    expect(parseDpkgStatus(Buffer.alloc(0))).toEqual([]);
  });
});
