// The conversation methods of the facade (TIM's conversation API): the
// list, one profile, deleting, read marks and the unread total.
import type { ConversationListResult, ConversationProfileResult, DeleteConversationResult, Empty } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** `deleteConversation` options: one conversation ID, or TIM's options object. */
export type DeleteConversationOptions = string | { conversationIDList: string[]; clearHistoryMessage?: boolean };

/** The conversation methods over `core`. */
export function conversationApi(core: TimCore) {
  return {
    getConversationList(conversationIDList?: string[]): Promise<ImResponse<ConversationListResult>> {
      return core.tim('tim.getConversationList', conversationIDList ? { conversationIDList } : {});
    },

    getConversationProfile(conversationID: string): Promise<ImResponse<ConversationProfileResult>> {
      return core.tim('tim.getConversationProfile', { conversationID });
    },

    deleteConversation(options: DeleteConversationOptions): Promise<ImResponse<DeleteConversationResult>> {
      const args =
        typeof options === 'string'
          ? { conversationIDList: [options], clearHistoryMessage: true }
          : { conversationIDList: options.conversationIDList, clearHistoryMessage: options.clearHistoryMessage ?? true };
      return core.tim('tim.deleteConversation', args);
    },

    setMessageRead(options: { conversationID: string }): Promise<ImResponse<Empty>> {
      return core.tim('tim.setMessageRead', options);
    },

    /** Synchronous, from the last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (TIM semantics). */
    getTotalUnreadMessageCount(): number {
      return core.totalUnread;
    },

    /** Refreshes the cached total from the backend (after login / reconnect). */
    async syncTotalUnreadMessageCount(): Promise<number> {
      core.totalUnread = await core.call('tim.getTotalUnreadMessageCount', {});
      return core.totalUnread;
    },
  };
}

/** The conversation methods of `Tim`. */
export type ConversationApi = ReturnType<typeof conversationApi>;
