import { describe, expect, it } from 'vitest';
import { I18n } from '../../src/lib/i18n/i18n.svelte';

// Issue 10, defect 3: "Something went wrong. Code 90,007" — an error code
// is an identifier for support, never a number with thousands separators.
describe('error codes in the UI', () => {
  it('are printed as they are, in every locale', () => {
    expect(new I18n('en').code(90007)).toBe('Code 90007');
    expect(new I18n('zh-CN').code(90007)).toBe('错误码 90007');
    expect(new I18n('en').code(2996)).toBe('Code 2996');
  });
});

// Issue 10, defect 14: message times read "03:06 PM"; localized, no leading zero.
describe('message times', () => {
  // Local wall-clock times, so the test holds in any time zone.
  const at = (h: number, m: number) => new Date(2026, 0, 15, h, m).getTime() / 1000;
  const plain = (s: string) => s.replace(/\s/gu, ' ');

  it('English: "3:06 PM", "9:05 AM"', () => {
    const i18n = new I18n('en');
    expect(plain(i18n.time(at(15, 6)))).toBe('3:06 PM');
    expect(plain(i18n.time(at(9, 5)))).toBe('9:05 AM');
  });

  it('Chinese: 24-hour "15:06", "9:05"', () => {
    const i18n = new I18n('zh-CN');
    expect(i18n.time(at(15, 6))).toBe('15:06');
    expect(i18n.time(at(9, 5))).toBe('9:05');
  });
});
