// The server's registration rules for user IDs and passwords
// (crates/proto/src/account.rs `validate_user_id` / `validate_password`),
// checked early in the sign-up form. The server still decides.
import type { MessageKey } from '$lib/i18n/messages';

/** Longest user ID, in UTF-8 bytes (TIM's limit). */
export const MAX_USER_ID_BYTES = 32;
/** Shortest password, in characters (code points). */
export const MIN_PASSWORD_CHARS = 8;
/** Longest password, in UTF-8 bytes. */
export const MAX_PASSWORD_BYTES = 1024;

// Rust's `char::is_alphanumeric` (Alphabetic or Numeric) plus `_ - . @`.
const USER_ID_CHARS = /^[\p{Alphabetic}\p{N}_.@-]+$/u;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** Why `id` cannot be registered (a message key), or null when it can. */
export function userIDProblem(id: string): MessageKey | null {
  if (!id) return 'error.required';
  if (!USER_ID_CHARS.test(id)) return 'login.userIDInvalidChars';
  if (utf8Length(id) > MAX_USER_ID_BYTES) return 'login.userIDTooLong';
  return null;
}

/** Why `password` cannot be registered (a message key), or null when it can. */
export function passwordProblem(password: string): MessageKey | null {
  if ([...password].length < MIN_PASSWORD_CHARS) return 'login.passwordTooShort';
  if (utf8Length(password) > MAX_PASSWORD_BYTES) return 'login.passwordTooLong';
  return null;
}
