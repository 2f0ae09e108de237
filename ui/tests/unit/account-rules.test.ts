import { describe, expect, it } from 'vitest';
import { passwordProblem, userIDProblem } from '$lib/state/account-rules';
import { errorKey } from '$lib/i18n/errors';

// The same cases as crates/proto/src/account.rs `user_id_rules` / `password_rules`.
describe('sign-up rules match the server', () => {
  it('user IDs: letters and digits of any script, _ - . @, up to 32 bytes', () => {
    for (const ok of ['alice', 'a@b.c-d_e', '用户_甲', 'x'.repeat(32)]) expect(userIDProblem(ok), ok).toBeNull();
    expect(userIDProblem('')).toBe('error.required');
    for (const bad of ['has space', '@TIM#SYSTEM', 'a/b', 'a\nb']) expect(userIDProblem(bad), bad).toBe('login.userIDInvalidChars');
    expect(userIDProblem('x'.repeat(33))).toBe('login.userIDTooLong');
    // Eleven CJK characters are 33 bytes.
    expect(userIDProblem('用'.repeat(11))).toBe('login.userIDTooLong');
    expect(userIDProblem('用'.repeat(10))).toBeNull();
  });

  it('passwords: 8 characters to 1024 bytes', () => {
    expect(passwordProblem('short')).toBe('login.passwordTooShort');
    expect(passwordProblem('long enough')).toBeNull();
    expect(passwordProblem('密码密码密码密码')).toBeNull();
    expect(passwordProblem('x'.repeat(1025))).toBe('login.passwordTooLong');
  });

  it('the server’s refusals read as words, by code', () => {
    expect(errorKey({ code: 90006, message: 'userID may contain only …' })).toBe('error.invalidUserID');
    expect(errorKey({ code: 90007, message: 'password is shorter than 8 characters' })).toBe('error.invalidPassword');
    expect(errorKey({ code: 90004, message: '' })).toBe('error.registrationClosed');
    // The application's before-send callback: TIM's 20006 or its own 120001–130000.
    expect(errorKey({ code: 20006, message: 'not here' })).toBe('error.refusedByApp');
    for (const code of [120001, 125000, 130000]) expect(errorKey({ code, message: '' })).toBe('error.refusedByApp');
    for (const code of [120000, 130001]) expect(errorKey({ code, message: '' })).toBe('error.generic');
  });
});
