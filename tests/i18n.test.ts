import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage } from '@/lib/i18n';

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['ko-KR,ko;q=0.9,en-US;q=0.8', 'ko'],
    ['en-US,en;q=0.9,ko;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9,ko;q=0.5,en;q=0.4', 'ko'],
    ['en;q=0.2,ko;q=0.7', 'ko'],
    ['ko;q=0', 'en'],
    ['de-DE', 'en'],
    ['', 'en'],
    [null, 'en'],
    ['KO', 'ko'],
  ])('%s → %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});
