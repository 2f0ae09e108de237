// Human words for the errors of the topic flows (create, edit, delete,
// mute, list), by TIM code; any other code falls back to the app-wide
// `errorKey` (2996, too fast, among them).
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';
import { errorKey } from './errors';

/** The message key for a topic operation's error. */
export function topicErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 10007:
      return 'topics.error.denied';
    case 10010:
    case 2501:
      return 'topics.error.notFound';
    case 10004:
    case 3021:
      return 'topics.error.invalid';
    case 2600:
      return 'topics.error.notCommunity';
    case 10021:
      return 'topics.error.idInUse';
    default:
      return errorKey({ code: e.code, message: '' });
  }
}
