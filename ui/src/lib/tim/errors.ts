// The error codes the UI decides on by name (TIM's, and Confab's 9xxxx;
// crates/proto/src/error.rs). The UI never matches an error's message text.

export const ERROR_CODE = {
  /** TIM `USER_OR_GROUP_NOT_FOUND`: no such user (or group). */
  USER_OR_GROUP_NOT_FOUND: 2501,
  /** TIM `MESSAGE_MODIFY_CONFLICT`: someone modified the message first. */
  MESSAGE_MODIFY_CONFLICT: 2480,
  /** TIM `MESSAGE_REVOKE_FAIL`: too late to recall. */
  MESSAGE_REVOKE_FAIL: 2110,
  /** TIM `INVALID_OPERATION`: arguments missing or of the wrong shape. */
  INVALID_OPERATION: 2905,
  /** Confab: a one-to-one conversation with oneself. */
  CANNOT_MESSAGE_SELF: 90008,
} as const;
