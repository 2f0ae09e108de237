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
    case 90004:
      return 'error.registrationClosed';
    case 90006:
      return 'error.invalidUserID';
    case 90007:
      return 'error.invalidPassword';
    case 2110:
      return 'error.revokeWindow';
    case 2480:
      return 'error.modifyConflict';
    case 2996:
      return 'error.tooFast';
    case 2250:
    case 2251:
    case 2300:
    case 2350:
    case 2400:
    case 2403:
      return 'error.upload';
    case 2253:
    case 2301:
    case 2351:
    case 2402:
      return 'error.fileTooLarge';
    case 2453:
      return 'error.forwardType';
    case 2450:
    case 2451:
    case 2452:
      return 'error.merger';
    case 20026:
      return 'error.noMessage';
    case 90011:
      return 'error.unsupported';
    case 90100:
      return 'error.tlsUntrusted';
    case 90101:
      return 'error.tlsWrongHost';
    case 90102:
      return 'error.tlsExpired';
    case 90103:
      return 'error.tlsHandshake';
    case 90104:
      return 'error.tlsCaFile';
    default:
      return 'error.generic';
  }
}
