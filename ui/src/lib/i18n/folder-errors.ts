// Human words for the errors of conversation folders (TIM's conversation
// groups) and the conversation menu, by TIM code; any other code falls
// back to the app-wide `errorKey`.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';
import { errorKey } from './errors';

/** The message key for a folder or conversation-menu call's error. */
export function folderErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 20001:
      return 'folders.error.tooLong';
    case 90016:
      return 'folders.error.tooMany';
    case 90017:
      return 'folders.error.taken';
    case 90018:
      return 'folders.error.gone';
    case 2500:
      return 'folders.error.noConversation';
    default:
      return errorKey({ code: e.code, message: '' });
  }
}
