// The languages a laptop's keyboards type, from each platform's own names for its layouts: a real
// Windows Preload key (Korean), a real macOS HIToolbox plist (Simplified Chinese Pinyin), XKB codes;
// sent as INPUT_LANGUAGE observations in text, never the layouts themselves.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ObservationKind } from '@farmwatch/proto';
import { inputLanguages, layoutLanguage } from '../src/sensors/locale/languages.js';
import { parsePreload } from '../src/sensors/locale/windows.js';
import { inputSources } from '../src/sensors/locale/darwin.js';
import { parsePlist } from '../src/sensors/plist.js';
import { buildObservations } from '../src/pipeline/observations.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/platform/${name}`, import.meta.url));

describe('input languages', () => {
  it('Windows: the Korean layout of a real Preload key is Korean', () => {
    const layouts = parsePreload(fixture('windows/reg-query-preload.txt').toString('utf8'));
    expect(inputLanguages(layouts)).toEqual(['ko']);
  });

  it('Windows: KLIDs and IME ids by their language id ([MS-LCID])', () => {
    expect(['00000409', '00000804', '00000419', '00000411', '00020409', 'E0200804', '00000412'].map(layoutLanguage))
      .toEqual(['en', 'zh', 'ru', 'ja', 'en', 'zh', 'ko']);
    expect(layoutLanguage('0000ffff')).toBeUndefined();
  });

  it('macOS: a real HIToolbox plist with Pinyin is Chinese; the emoji palette is no language', () => {
    const sources = inputSources(parsePlist(fixture('macos/com.apple.HIToolbox.plist')));
    expect(sources).toEqual(['com.apple.inputmethod.EmojiFunctionRowItem', 'com.apple.inputmethod.SCIM', 'com.apple.inputmethod.SCIM.ITABC']);
    expect(inputLanguages(sources)).toEqual(['zh']);
    expect(['ABC', 'U.S.', 'Russian - Phonetic', 'com.apple.inputmethod.Korean.2SetKorean', 'com.apple.inputmethod.Kotoeri.RomajiTyping.Japanese', 'Dvorak']
      .map(layoutLanguage)).toEqual(['en', 'en', 'ru', 'ko', 'ja', undefined]);
  });

  it('Linux: XKB layouts and console keymaps', () => {
    expect(inputLanguages(['us', 'kr(kr104)', 'ru', 'de-latin1', 'us(intl)', 'dvorak'])).toEqual(['en', 'ko', 'ru', 'de']);
  });

  it('goes to the collector as languages in text, one observation each', () => {
    const obs = buildObservations({ locale: { timeZone: 'America/Chicago', locales: ['en_US.UTF-8'], keyboardLayouts: ['00000409', '00000412', 'E0010412'] } }, [], new Uint8Array(32));
    expect(obs).toEqual([
      { kind: ObservationKind.OBSERVATION_KIND_INPUT_LANGUAGE, value: 'en', via: 'keyboard' },
      { kind: ObservationKind.OBSERVATION_KIND_INPUT_LANGUAGE, value: 'ko', via: 'keyboard' },
    ]);
  });
});
