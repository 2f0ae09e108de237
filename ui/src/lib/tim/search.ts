// The message search of the facade: `searchLocalMessages`, a Confab
// extension shaped like TIM's searchCloudMessages, over every message of
// the local store (all conversations, or one, paged by a cursor).
// Matching is the SDK's: case-insensitive, English words by prefix, Chinese
// by any substring; recalled and deleted messages are never found.
import type { SearchLocalMessagesOptions, SearchResult } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** The search method over `core`. */
export function searchApi(core: TimCore) {
  return {
    /**
     * Searches the messages on this computer. Without `conversationID`: one
     * item per conversation with its newest match; with it: a page of that
     * conversation's matches (pass `cursor` on). 1 to 5 keywords, else 2905.
     * The messages found are kept for `findMessage`.
     */
    async searchLocalMessages(options: SearchLocalMessagesOptions): Promise<ImResponse<SearchResult>> {
      const res = await core.tim('tim.searchLocalMessages', options);
      for (const item of res.data.searchResultList) core.remember(item.messageList);
      return res;
    },
  };
}

/** The search method of `Tim`. */
export type SearchApi = ReturnType<typeof searchApi>;
