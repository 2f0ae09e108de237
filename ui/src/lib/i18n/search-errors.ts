// Human words for a failed message search, by TIM code: the app-wide words
// where `errorKey` has some (the network, too fast), else the search's own.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';
import { errorKey } from './errors';

/** The message key for a message search's error. */
export function searchErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  const key = errorKey({ code: e.code, message: '' });
  return key === 'error.generic' ? 'search.failed' : key;
}
