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
