// Human words for the errors of the group flows (create, join, add), by TIM
// code; any other code falls back to the app-wide `errorKey`.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';
import { errorKey } from './errors';

/** The message key for a group operation's error. */
export function groupErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 2501:
    case 2603:
    case 10010:
      return 'groups.error.notFound';
    case 2602:
    case 10015:
      return 'groups.error.invalidID';
    case 10021:
      return 'groups.error.idInUse';
    case 2601:
      return 'groups.error.cannotJoinWork';
    case 10007:
      return 'groups.error.denied';
    case 10013:
      return 'groups.error.alreadyMember';
    case 10014:
      return 'groups.error.full';
    case 2600:
    case 10004:
      return 'groups.error.invalid';
    case 10017:
      return 'groups.error.muted';
    case 2660:
      return 'groups.error.joinFailed';
    default:
      return errorKey({ code: e.code, message: '' });
  }
}
