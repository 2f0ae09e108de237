import { describe, expect, it } from 'vitest';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import { kickedReasonKey } from '../../src/lib/i18n/kicks';
import { TYPES } from '../../src/lib/tim/constants';

// Issue 12, multi-instance versus multi-device: the sign-in page says each
// KICKED_OUT reason in words, in English and Chinese, decided by the type.
// checklist 1090: KICKED_OUT_MULT_ACCOUNT ('multipleAccount'): too many instances;
// checklist 1091: KICKED_OUT_MULT_DEVICE ('multipleDevice'): a login on another terminal;
// checklist 1092: KICKED_OUT_USERSIG_EXPIRED ('userSigExpired').
describe('kick reasons on the sign-in page', () => {
  const kinds = [TYPES.KICKED_OUT_MULT_ACCOUNT, TYPES.KICKED_OUT_MULT_DEVICE, TYPES.KICKED_OUT_USERSIG_EXPIRED];
  const en = new I18n('en');
  const zh = new I18n('zh-CN');

  it('each TIM kick type has its own words', () => {
    const keys = kinds.map(kickedReasonKey);
    expect(keys).toEqual(['kicked.multipleAccount', 'kicked.multipleDevice', 'kicked.userSigExpired']);
    expect(new Set(keys.map((k) => en.t(k))).size).toBe(3);
    expect(new Set(keys.map((k) => zh.t(k))).size).toBe(3);
  });

  it('a web page beyond the limit and a displaced device are told apart, in both languages', () => {
    expect(en.t(kickedReasonKey('multipleAccount'))).toMatch(/another web page/);
    expect(en.t(kickedReasonKey('multipleDevice'))).toMatch(/another device/);
    expect(zh.t(kickedReasonKey('multipleAccount'))).toMatch(/另一个网页/);
    expect(zh.t(kickedReasonKey('multipleDevice'))).toMatch(/另一台设备/);
    for (const kind of kinds) expect(zh.t(kickedReasonKey(kind))).not.toBe(en.t(kickedReasonKey(kind)));
  });

  // checklist 1093: KICKED_OUT_REST_API ('REST_API_Kick'), the REST API's kick.
  it('a REST API kick names the administrator; an unknown kick gets the general words', () => {
    expect(kickedReasonKey(TYPES.KICKED_OUT_REST_API)).toBe('kicked.byAdmin');
    expect(en.t(kickedReasonKey(TYPES.KICKED_OUT_REST_API))).toMatch(/administrator/);
    expect(zh.t(kickedReasonKey(TYPES.KICKED_OUT_REST_API))).toMatch(/管理员/);
    expect(kickedReasonKey('')).toBe('kicked.other');
  });
});
