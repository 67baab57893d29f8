// Which languages a laptop's keyboard layouts and input methods type, as ISO 639-1 codes: the
// least the collector needs to compare with where the laptop was shipped ("ko" rather than the
// list of layouts). Each platform names its layouts its own way:
// - Windows keyboard layout ids (KLIDs, "00000412", "E0200804"): the low 16 bits are a LANGID,
//   whose low 10 bits are the primary language ([MS-LCID], Microsoft Open Specifications);
// - macOS input sources: layout names ("ABC", "Russian - Phonetic", "2-Set Korean") and input
//   method bundle ids ("com.apple.inputmethod.SCIM.ITABC" is Simplified Chinese Pinyin, "TCIM"
//   Traditional, "Kotoeri" Japanese; names as macOS writes them in com.apple.HIToolbox.plist);
// - Linux XKB layout codes and console keymaps ("us", "kr", "ru", "de-latin1"), which are
//   country codes of xkeyboard-config's symbols files (/usr/share/X11/xkb/symbols).
// A layout that names no language (an emoji palette, "dvorak") gives none.

/** [MS-LCID] primary language identifiers. */
const PRIMARY_LANGID: Record<number, string> = {
  0x01: 'ar', 0x02: 'bg', 0x03: 'ca', 0x04: 'zh', 0x05: 'cs', 0x06: 'da', 0x07: 'de', 0x08: 'el', 0x09: 'en', 0x0a: 'es', 0x0b: 'fi',
  0x0c: 'fr', 0x0d: 'he', 0x0e: 'hu', 0x0f: 'is', 0x10: 'it', 0x11: 'ja', 0x12: 'ko', 0x13: 'nl', 0x14: 'no', 0x15: 'pl', 0x16: 'pt',
  0x18: 'ro', 0x19: 'ru', 0x1a: 'hr', 0x1b: 'sk', 0x1c: 'sq', 0x1d: 'sv', 0x1e: 'th', 0x1f: 'tr', 0x20: 'ur', 0x21: 'id', 0x22: 'uk',
  0x23: 'be', 0x24: 'sl', 0x25: 'et', 0x26: 'lv', 0x27: 'lt', 0x29: 'fa', 0x2a: 'vi', 0x2b: 'hy', 0x2c: 'az', 0x37: 'ka', 0x39: 'hi',
  0x3e: 'ms', 0x3f: 'kk', 0x40: 'ky', 0x43: 'uz', 0x44: 'tt', 0x50: 'mn',
};

/** xkeyboard-config layout (country) codes to the language they type. */
const XKB: Record<string, string> = {
  us: 'en', gb: 'en', au: 'en', ie: 'en', nz: 'en', za: 'en', kr: 'ko', kp: 'ko', cn: 'zh', tw: 'zh', jp: 'ja', ru: 'ru', ua: 'uk', by: 'be',
  kz: 'kk', kg: 'ky', mn: 'mn', de: 'de', at: 'de', ch: 'de', fr: 'fr', be: 'fr', es: 'es', latam: 'es', it: 'it', pt: 'pt', br: 'pt',
  pl: 'pl', cz: 'cs', sk: 'sk', se: 'sv', no: 'no', dk: 'da', fi: 'fi', nl: 'nl', tr: 'tr', il: 'he', ara: 'ar', ir: 'fa', in: 'hi',
  th: 'th', vn: 'vi', gr: 'el', hu: 'hu', ro: 'ro', bg: 'bg', rs: 'sr', hr: 'hr', si: 'sl', ee: 'et', lv: 'lv', lt: 'lt', ge: 'ka', am: 'hy',
};

/** macOS input source names and ids, by what they contain. */
const MAC: [RegExp, string][] = [
  [/korean|hangul/i, 'ko'],
  [/\bSCIM\b|\bTCIM\b|chinese|pinyin|zhuyin|cangjie|wubi|stroke|sogou|baidu|rime/i, 'zh'],
  [/kotoeri|japanese|kana/i, 'ja'],
  [/russian/i, 'ru'], [/ukrainian/i, 'uk'], [/belarusian/i, 'be'], [/kazakh/i, 'kk'], [/mongolian/i, 'mn'],
  [/^(U\.S\.|US|ABC|British|Australian|Irish|Canadian English)(?=$|[\s-])|keylayout\.(US|ABC|British|Australian)$/i, 'en'],
  [/german/i, 'de'], [/french/i, 'fr'], [/spanish/i, 'es'], [/italian/i, 'it'], [/portuguese|brazilian/i, 'pt'], [/polish/i, 'pl'],
  [/vietnamese/i, 'vi'], [/thai/i, 'th'], [/arabic/i, 'ar'], [/hebrew/i, 'he'], [/persian/i, 'fa'], [/turkish/i, 'tr'],
];

/** The language one layout types, if it names one. */
export function layoutLanguage(layout: string): string | undefined {
  const s = layout.trim();
  const klid = /^[0-9a-f]{8}$/i.exec(s);
  if (klid) return PRIMARY_LANGID[parseInt(s.slice(4), 16) & 0x3ff];
  // XKB / console keymaps: "us", "ru", "de-latin1", "us(intl)", "kr(kr104)".
  const xkb = /^([a-z]{2,5})(?:[-_(]|$)/.exec(s);
  if (xkb?.[1] && s === s.toLowerCase() && !s.includes('.')) return XKB[xkb[1]];
  return MAC.find(([re]) => re.test(s))?.[1];
}

/** The distinct languages of a list of layouts, in order of first appearance. */
export function inputLanguages(layouts: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of layouts) {
    const lang = layoutLanguage(l);
    if (lang && !out.includes(lang)) out.push(lang);
  }
  return out;
}
