import { TYPES } from '$lib/tim/constants';
import type { MessageKey } from './messages';

/**
 * The words for a KICKED_OUT type (`TIM.TYPES.KICKED_OUT_*`), decided by
 * the type alone: `multipleAccount` reaches a web page beyond the server's
 * web page limit, `multipleDevice` a terminal (the desktop app, the CLI)
 * displaced by another terminal, `userSigExpired` a session whose sign-in
 * ended, `REST_API_Kick` one an administrator signed out (the REST
 * API's kick, `confabd admin kick`). Anything else gets the general words.
 */
export function kickedReasonKey(type: string): MessageKey {
  switch (type) {
    case TYPES.KICKED_OUT_MULT_ACCOUNT:
      return 'kicked.multipleAccount';
    case TYPES.KICKED_OUT_MULT_DEVICE:
      return 'kicked.multipleDevice';
    case TYPES.KICKED_OUT_USERSIG_EXPIRED:
      return 'kicked.userSigExpired';
    case TYPES.KICKED_OUT_REST_API:
      return 'kicked.byAdmin';
    default:
      return 'kicked.other';
  }
}
