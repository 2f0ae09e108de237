import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';

/** Human words for an error (the TIM code is shown in small print beside). */
export function errorKey(e: ImError): MessageKey {
  switch (e.code) {
    case 2800:
    case 2801:
    case 2805:
      return 'error.network';
    case 90002:
    case 90005:
    case 3001:
    case 70001:
      return 'error.auth';
    case 90003:
      return 'error.exists';
    default:
      return 'error.generic';
  }
}
