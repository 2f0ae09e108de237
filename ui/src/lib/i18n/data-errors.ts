// Human words for a failed export, backup or restore of the local data
// (`app.exportConversation`, `app.backupLocalStore`, `app.restoreLocalStore`),
// by TIM code.
import type { ImError } from '$lib/types';
import type { MessageKey } from './messages';

/** What was being done with the local data. */
export type DataOperation = 'export' | 'backup' | 'restore';

/** The message key for an export's, a backup's or a restore's error. */
export function dataErrorKey(operation: DataOperation, e: Pick<ImError, 'code'>): MessageKey {
  // The SDK's INVALID_OPERATION of a restore: the file is no backup of this account.
  if (operation === 'restore' && e.code === 2905) return 'data.error.notBackup';
  if (operation === 'export' && e.code === 2503) return 'data.error.noConversation';
  switch (e.code) {
    case 2800:
    case 2801:
    case 2805:
      return 'data.error.offline';
    case 90011:
      return 'error.unsupported';
    default:
      return operation === 'export' ? 'data.error.export' : operation === 'backup' ? 'data.error.backup' : 'data.error.restore';
  }
}
