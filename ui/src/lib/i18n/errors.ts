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
    case 20007:
      return 'error.blocked';
    // The server's application refused the message in its before-send
    // callback (docs/rest-api.md): TIM's code, or one of its own.
    case 20006:
      return 'error.refusedByApp';
    case 2742:
      return 'error.blockSelf';
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
      return e.code >= 120001 && e.code <= 130000 ? 'error.refusedByApp' : 'error.generic';
  }
}

/**
 * Human words for a refused call of the group info panel or the
 * applications inbox, by TIM group code (server table in
 * crates/server/src/handlers/group.rs); other codes as `errorKey`.
 */
export function groupInfoErrorKey(e: ImError): MessageKey {
  switch (e.code) {
    case 10007:
      return 'groupInfo.error.permission';
    case 10004:
      return 'groupInfo.error.invalid';
    case 10010:
    case 2603:
      return 'groupInfo.error.notFound';
    case 10009:
      return 'groupInfo.error.ownerQuit';
    case 10013:
      return 'groupInfo.error.alreadyMember';
    case 10014:
      return 'groupInfo.error.full';
    case 10024:
      return 'groupInfo.error.processed';
    case 2623:
      return 'groupInfo.error.notMember';
    case 2681:
      return 'groupInfo.error.notOwner';
    case 2682:
    case 2683:
      return 'groupInfo.error.rolesFixed';
    case 2621:
    case 2684:
    case 2685:
      return 'groupInfo.error.self';
    case 2622:
      return 'groupInfo.error.dismissWork';
    case 2620:
      return 'groupInfo.error.noTransfer';
    case 2661:
      return 'groupInfo.error.noAdd';
    case 2686:
      return 'groupInfo.error.muteDuration';
    default:
      return errorKey(e);
  }
}

/**
 * Human words for a failed translation: 2117 is the server's provider
 * (none set up, or it failed), 20001 a text too long to translate.
 */
export function translateErrorKey(e: Pick<ImError, 'code'>): MessageKey {
  switch (e.code) {
    case 2117:
      return 'translate.unavailable';
    case 20001:
      return 'translate.tooLong';
    default:
      return errorKey(e as ImError);
  }
}
