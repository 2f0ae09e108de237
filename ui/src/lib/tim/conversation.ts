// The conversation methods of the facade (TIM's conversation API): the
// list (all, by IDs, or filtered), one profile, deleting, read marks
// (one conversation or all), clearing history, translation, the unread
// total, and my settings of conversations (pin, remind type, marks,
// custom data; each reaches my other instances, and the change arrives as
// CONVERSATION_LIST_UPDATED).
import type {
  Conversation,
  ConversationGroupNameResponse,
  ConversationIdResponse,
  ConversationListResult,
  ConversationProfileResult,
  ConversationResultResponse,
  ConversationType,
  Empty,
  ReadAllScope,
  RemindType,
  RemindTypeResponse,
  TranslateTextResponse,
} from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** `deleteConversation` options: one conversation ID, or TIM's options object. */
export type DeleteConversationOptions = string | { conversationIDList: string[]; clearHistoryMessage?: boolean };

/** `getConversationList`'s filter form: every filter given must hold. */
export interface ConversationFilter {
  /** `C2C`, `GROUP` (or `@TIM#SYSTEM`, `TOPIC`: none exist yet). */
  type?: ConversationType | string;
  /** One `TIM.TYPES.CONV_MARK_TYPE_*` value the conversation is marked with. */
  markType?: number;
  /** A conversation group the conversation belongs to. */
  groupName?: string;
}

/** `getConversationList` options (TIM's three forms): none, an ID list, or a filter. */
export type ConversationListOptions = string[] | ConversationFilter | undefined;

/** Whether `c` passes every filter given. */
function matches(c: Conversation, filter: ConversationFilter): boolean {
  if (filter.type !== undefined && c.type !== filter.type) return false;
  if (filter.markType !== undefined && !c.markList.includes(filter.markType)) return false;
  if (filter.groupName !== undefined && !c.conversationGroupList.includes(filter.groupName)) return false;
  return true;
}

/** The conversation methods over `core`. */
export function conversationApi(core: TimCore) {
  /**
   * Deletes conversations (and by default their history). The String
   * form resolves `{conversationID}`, the Object form `{conversationIDList}`.
   */
  function deleteConversation(conversationID: string): Promise<ImResponse<{ conversationID: string }>>;
  function deleteConversation(options: {
    conversationIDList: string[];
    clearHistoryMessage?: boolean;
  }): Promise<ImResponse<{ conversationIDList: string[] }>>;
  async function deleteConversation(
    options: DeleteConversationOptions,
  ): Promise<ImResponse<{ conversationID: string } | { conversationIDList: string[] }>> {
    if (typeof options === 'string') {
      await core.call('tim.deleteConversation', { conversationIDList: [options], clearHistoryMessage: true });
      return { code: 0, data: { conversationID: options } };
    }
    const args = { conversationIDList: options.conversationIDList, clearHistoryMessage: options.clearHistoryMessage ?? true };
    return core.tim('tim.deleteConversation', args);
  }

  return {
    /**
     * All conversations (pinned first); those of an ID list; or those that
     * pass a filter `{type, markType, groupName}`.
     */
    async getConversationList(options?: ConversationListOptions): Promise<ImResponse<ConversationListResult>> {
      if (Array.isArray(options)) return core.tim('tim.getConversationList', { conversationIDList: options });
      const res = await core.tim('tim.getConversationList', {});
      if (!options) return res;
      const conversationList = res.data.conversationList.filter((c) => matches(c, options));
      return { code: 0, data: { ...res.data, conversationList } };
    },

    getConversationProfile(conversationID: string): Promise<ImResponse<ConversationProfileResult>> {
      return core.tim('tim.getConversationProfile', { conversationID });
    },

    deleteConversation,

    setMessageRead(options: { conversationID: string }): Promise<ImResponse<Empty>> {
      return core.tim('tim.setMessageRead', options);
    },

    /**
     * Marks every conversation in `scope` read (`TIM.TYPES.READ_ALL_C2C_MSG`,
     * `READ_ALL_GROUP_MSG`, or `READ_ALL_MSG`, the default); the other scope
     * keeps its unread counts.
     */
    setAllMessageRead(options?: { scope?: ReadAllScope }): Promise<ImResponse<Empty>> {
      return core.tim('tim.setAllMessageRead', { scope: options?.scope ?? 'readAllMessage' });
    },

    /**
     * Clears a conversation's history (here, on the server and on my other
     * instances) and keeps the conversation: no messages, no last message,
     * 0 unread. 2500 / 2503 otherwise.
     */
    clearHistoryMessage(conversationID: string): Promise<ImResponse<Empty>> {
      return core.tim('tim.clearHistoryMessage', { conversationID });
    },

    /**
     * Translates texts through the server's provider: one translation per
     * text, in order. 20001 over 20 texts or 5,000 characters; 2117 when
     * the server has no provider or it failed.
     */
    translateText(options: { sourceTextList: string[]; sourceLanguage: string; targetLanguage: string }): Promise<ImResponse<TranslateTextResponse>> {
      return core.tim('tim.translateText', options);
    },

    /** Pins (or unpins) a conversation: pinned ones come first, the latest pinned first. 2500 / 2503 otherwise. */
    pinConversation(options: { conversationID: string; isPinned: boolean }): Promise<ImResponse<ConversationIdResponse>> {
      return core.tim('tim.pinConversation', options);
    },

    /**
     * The remind type of a group of mine (`groupID`) or of C2C peers
     * (`userIDList`, ≤ 30): AcceptAndNotify, AcceptNotNotify (muted: left
     * out of the unread total) or Discard (no MESSAGE_RECEIVED).
     */
    setMessageRemindType(options: { groupID?: string; userIDList?: string[]; messageRemindType: RemindType }): Promise<ImResponse<RemindTypeResponse>> {
      return core.tim('tim.setMessageRemindType', { userIDList: [], ...options });
    },

    /** Sets (or clears) a mark (1 star, 2 unread, 4 fold, 8 hide, or a custom 2^n, 32 ≤ n < 64) on 1 to 100 conversations. */
    markConversation(options: { conversationIDList: string[]; markType: number; enableMark: boolean }): Promise<ImResponse<ConversationResultResponse>> {
      return core.tim('tim.markConversation', options);
    },

    /** My conversation group (folder) names, in the order made. */
    getConversationGroupList(): Promise<ImResponse<string[]>> {
      return core.tim('tim.getConversationGroupList', {});
    },

    /** A new conversation group (name ≤ 32 bytes; 90017 taken, 90016 past 50) holding those conversations. */
    createConversationGroup(options: { groupName: string; conversationIDList: string[] }): Promise<ImResponse<ConversationResultResponse>> {
      return core.tim('tim.createConversationGroup', options);
    },

    /** Deletes a conversation group (its conversations stay); 90018 when none. */
    deleteConversationGroup(options: { groupName: string }): Promise<ImResponse<ConversationGroupNameResponse>> {
      return core.tim('tim.deleteConversationGroup', options);
    },

    /** Renames a conversation group in its place; 90018 when none, 90017 when the new name is taken. */
    renameConversationGroup(options: { oldName: string; newName: string }): Promise<ImResponse<ConversationGroupNameResponse>> {
      return core.tim('tim.renameConversationGroup', options);
    },

    /** Puts conversations in a group (CONVERSATION_IN_GROUP_UPDATED follows). */
    addConversationsToGroup(options: { conversationIDList: string[]; groupName: string }): Promise<ImResponse<ConversationResultResponse>> {
      return core.tim('tim.addConversationsToGroup', options);
    },

    /** Takes conversations out of a group (CONVERSATION_IN_GROUP_UPDATED follows). */
    deleteConversationsFromGroup(options: { conversationIDList: string[]; groupName: string }): Promise<ImResponse<ConversationResultResponse>> {
      return core.tim('tim.deleteConversationsFromGroup', options);
    },

    /** My data (≤ 256 bytes; '' clears it) on 1 to 100 conversations. */
    setConversationCustomData(options: { conversationIDList: string[]; customData: string }): Promise<ImResponse<ConversationResultResponse>> {
      return core.tim('tim.setConversationCustomData', options);
    },

    /** Synchronous (TIM semantics): filled when the session starts, then kept by TOTAL_UNREAD_MESSAGE_COUNT_UPDATED. */
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
