// Windows console programs (reg, netsh, sc, route, pnputil...) write their output in the machine's
// OEM code page, not UTF-8: 936 (GBK) on a Chinese Windows, 949 on a Korean one, 866 on a Russian
// one, 437 or 850 in the West. Read as UTF-8, every non-ASCII name (an app called 向日葵远程控制,
// a Cyrillic service name) turns into replacement characters and no catalog entry matches it.
// The OEM code page is in the registry (HKLM\...\Nls\CodePage, value OEMCP, whose name and type
// are never translated); output is decoded with the matching WHATWG decoder that Node's ICU has,
// or with the tables below for the two Western DOS pages that WHATWG does not define.

/** The registry query that names the OEM code page (its output is ASCII whatever the language). */
export const REG_OEM_CODE_PAGE = { file: 'reg.exe', args: ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage', '/v', 'OEMCP'] } as const;

export function parseOemCodePage(text: string): number | undefined {
  const m = /^\s*OEMCP\s+REG_SZ\s+(\d+)\s*$/im.exec(text);
  const cp = m?.[1] ? Number(m[1]) : NaN;
  return Number.isSafeInteger(cp) && cp > 0 ? cp : undefined;
}

/** WHATWG encoding labels (TextDecoder) of Windows code pages. */
const LABELS: Record<number, string> = {
  866: 'ibm866', 874: 'windows-874', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 20866: 'koi8-r', 21866: 'koi8-u',
  54936: 'gb18030', 65001: 'utf-8',
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [1250 + i, `windows-${1250 + i}`])),
  ...Object.fromEntries([2, 3, 4, 5, 6, 7, 8, 10, 13, 15].map((n) => [28590 + n, `iso-8859-${n}`])),
};

/**
 * The upper halves (bytes 0x80..0xFF) of code pages 437 and 850, from Unicode's mapping tables
 * (unicode.org/Public/MAPPINGS/VENDORS/MICSFT/PC/CP437.TXT and CP850.TXT); the test compares them
 * with glibc's iconv.
 */
const UPPER: Record<number, string> = {
  437: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
  850: 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0',
};
// 858 is 850 with the euro sign in place of the dotless i.
UPPER[858] = `${UPPER[850]?.slice(0, 0x55) ?? ''}€${UPPER[850]?.slice(0x56) ?? ''}`;

export type Decode = (bytes: Uint8Array) => string;

/** A decoder for output in this code page; UTF-8 (with a note in the name) for one it does not know. */
export function decoderFor(codePage: number | undefined): { name: string; decode: Decode } {
  const upper = codePage === undefined ? undefined : UPPER[codePage];
  if (upper) {
    return {
      name: `cp${codePage}`,
      decode: (bytes) => {
        let out = '';
        for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : upper[b - 0x80];
        return out;
      },
    };
  }
  const label = codePage === undefined ? undefined : LABELS[codePage];
  const decoder = new TextDecoder(label ?? 'utf-8');
  return { name: label ?? `utf-8 (code page ${codePage ?? 'unknown'} has no decoder)`, decode: (bytes) => decoder.decode(bytes) };
}
