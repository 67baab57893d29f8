// Output of Windows console programs is in the OEM code page: the decoders must give back the text
// that was written, checked against glibc's iconv on this machine (an independent implementation).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decoderFor, parseOemCodePage } from '../src/sensors/code-page.js';

/** Text in a code page, as iconv writes it. */
const encode = (text: string, codePage: string): Buffer => execFileSync('iconv', ['-f', 'UTF-8', '-t', codePage], { input: text });
const bytes = (from: number, to: number): Buffer => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i));

describe('OEM code pages', () => {
  // (Windows 125x pages leave bytes undefined, which iconv refuses: the DOS pages define all 256.)
  it.each([437, 850, 858, 866])('decodes every byte of code page %i as iconv does', (cp) => {
    const all = Buffer.concat([bytes(0x20, 0x7e), bytes(0x80, 0xff)]);
    const expected = execFileSync('iconv', ['-f', `CP${cp}`, '-t', 'UTF-8'], { input: all }).toString('utf8');
    expect(decoderFor(cp).decode(all)).toBe(expected);
  });

  it.each([
    [936, 'CP936', '向日葵远程控制 ToDesk'],  // Chinese (GBK): the names Chinese remote-access tools install under
    [949, 'CP949', '(기본값) 원격 지원'],      // Korean
    [932, 'SHIFT_JIS', 'リモートデスクトップ'], // Japanese
    [950, 'BIG5', '遠端桌面'],                  // Traditional Chinese
    [866, 'CP866', 'Удалённый помощник'],      // Russian DOS
  ])('code page %i gives back what was written', (cp, iconvName, text) => {
    expect(decoderFor(cp).decode(encode(text, iconvName))).toBe(text);
    // Read as UTF-8 (what the agent did before), the same bytes lose the text.
    expect(decoderFor(65001).decode(encode(text, iconvName))).not.toBe(text);
  });

  it('reads OEMCP from reg.exe output; anything else gives no code page, and UTF-8 is used', () => {
    expect(parseOemCodePage('\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage\r\n    OEMCP    REG_SZ    936\r\n\r\n')).toBe(936);
    expect(parseOemCodePage('    ACP    REG_SZ    1252\r\n')).toBeUndefined();
    expect(parseOemCodePage('ERROR: The system was unable to find the specified registry key or value.')).toBeUndefined();
    expect(decoderFor(undefined).name).toBe('utf-8 (code page unknown has no decoder)');
    expect(decoderFor(37).name).toBe('utf-8 (code page 37 has no decoder)');
    expect(decoderFor(936).name).toBe('gbk');
  });
});
