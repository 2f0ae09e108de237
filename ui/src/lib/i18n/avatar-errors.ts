// Human words for a failed change of my avatar (`uploadAvatar`, then
// `updateMyProfile({avatar})`), by TIM code.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';

/** The message key for an avatar upload's or removal's error. */
export function avatarErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 2252:
      return 'profile.photo.error.notPicture';
    case 2253:
      return 'profile.photo.error.tooLarge';
    case 2251:
      return 'profile.photo.error.unreadable';
    case 2800:
    case 2801:
    case 2805:
      return 'profile.photo.error.offline';
    case 90021:
      return 'profile.photo.error.quota';
    case 90022:
      return 'profile.photo.error.storage';
    default:
      return 'profile.photo.error.generic';
  }
}
