// Human words for the errors of the contacts view (friends, friend groups,
// friend requests), by TIM code; any other code falls back to the app-wide
// `errorKey`.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';
import { errorKey } from './errors';

/** The message key for a relation-chain operation's error. */
export function friendErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 2700:
      return 'friends.error.notFriend';
    case 2701:
      return 'friends.error.alreadyFriend';
    case 2710:
      return 'friends.error.groupTaken';
    case 2711:
      return 'friends.error.noGroup';
    case 2716:
      return 'friends.error.noRequest';
    case 20007:
      return 'friends.error.blocked';
    case 30001:
      return 'friends.error.tooLong';
    case 30010:
      return 'friends.error.myListFull';
    case 30014:
      return 'friends.error.theirListFull';
    case 30516:
      return 'friends.error.denyAll';
    case 90013:
      return 'friends.error.tooManyGroups';
    case 90014:
      return 'friends.error.self';
    case 90015:
      return 'friends.error.forbidden';
    case 2501:
      return 'friends.error.noUser';
    default:
      return errorKey({ code: e.code, message: '' });
  }
}
