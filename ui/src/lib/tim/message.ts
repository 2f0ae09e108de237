// The message methods of the facade (TIM's message API): creating,
// sending, paging, revoking, modifying, deleting, forwarding, merging and
// read receipts.
import { toImError } from '$lib/backend';
import type {
  CommandArgs,
  CreateMessageArgs,
  Empty,
  GetMessageListArgs,
  GetMessageListHoppingOptions,
  HoppingPage,
  ImError,
  Message,
  MessageListArgs,
  MessageListPage,
  MessageResult,
  MergerMessagePayload,
  ExtensionListResponse,
  ExtensionResultResponse,
  ReadMemberListResponse,
  SendOptions,
  SendResult,
} from '$lib/types';
import { TYPES } from './constants';
import type { ImResponse, TimCore } from './core';

/** `createTextMessage` options (TIM's MESSAGE_OPTIONS). */
export type TextMessageOptions = CreateMessageArgs<{ text: string }>;
/** `createTextAtMessage` options: the text and whom it @-mentions. */
export type TextAtMessageOptions = CreateMessageArgs<{ text: string; atUserList?: string[] }>;
/** `createCustomMessage` options: TIM's custom payload (`description` and `extension` default to ''). */
export type CustomMessageOptions = CreateMessageArgs<{ data: string; description?: string; extension?: string }>;
/** `createForwardMessage` options: the message to forward as the payload. */
export type ForwardMessageOptions = CreateMessageArgs<Message>;
/** `createMergerMessage` options. */
export type MergerMessageOptions = CreateMessageArgs<MergerMessagePayload>;
/** `sendMessage` options. */
export type SendMessageOptions = SendOptions;
/** `getMessageListHopping` options: all but `conversationID` may be left out. */
export type HoppingOptions = Pick<GetMessageListHoppingOptions, 'conversationID'> &
  Partial<Omit<GetMessageListHoppingOptions, 'conversationID'>>;
/** `getMessageListHopping` result. */
export type HoppingResult = HoppingPage;

/** The message methods over `core`. */
export function messageApi(core: TimCore) {
  /**
   * Sends `message` (after its preparation, if a creator left one) and
   * changes that object itself, as TIM does: `success` with what the
   * server gave it, or `fail`; the rejection carries it as `data.message`.
   */
  async function send(
    command: 'tim.sendMessage' | 'tim.resendMessage',
    message: Message,
    options?: SendMessageOptions,
  ): Promise<ImResponse<SendResult>> {
    try {
      const preparing = core.prepared(message, command === 'tim.resendMessage');
      if (preparing) await preparing;
      const args = { message, ...(options ? { options } : {}) };
      const res = await core.tim(command, args);
      Object.assign(message, res.data.message);
      core.remember([message]);
      return { code: 0, data: { message } };
    } catch (e) {
      const err = toImError(e) as ImError;
      message.status = 'fail';
      core.messages.set(message.ID, message);
      throw { code: err.code, message: err.message, data: { message } } satisfies ImError;
    } finally {
      core.progress.delete(message.random);
    }
  }

  /**
   * A message made at once from `seed` (TIM's creators are synchronous),
   * whose SDK part (`command`) runs in the background and is awaited by
   * `sendMessage`; its failure is the send's.
   */
  function created<C extends 'tim.createForwardMessage' | 'tim.createMergerMessage'>(
    command: C,
    options: CommandArgs<C>,
    seed: Pick<Message, 'type' | 'payload'>,
  ): Message {
    const message = core.ownMessage(seed, options);
    core.prepare(message, () => core.call(command, options));
    return message;
  }

  async function remembered<C extends 'tim.revokeMessage' | 'tim.modifyMessage'>(
    command: C,
    message: Message,
  ): Promise<ImResponse<MessageResult>> {
    const res = await core.tim(command, { message });
    core.remember([res.data.message]);
    return res;
  }

  return {
    /** Builds a text message locally (synchronous, like TIM). */
    createTextMessage(options: TextMessageOptions): Message {
      const message = core.ownMessage({ type: TYPES.MSG_TEXT, payload: { text: options.payload.text } }, options);
      return message;
    },

    /**
     * Builds a group text message that @-mentions `atUserList` (user IDs,
     * or `TIM.TYPES.MSG_AT_ALL` for everyone); synchronous, like TIM.
     */
    createTextAtMessage(options: TextAtMessageOptions): Message {
      const message = core.ownMessage({ type: TYPES.MSG_TEXT, payload: { text: options.payload.text } }, options);
      message.atUserList = [...(options.payload.atUserList ?? [])];
      return message;
    },

    /** Builds a custom message (TIM's `createCustomMessage`) locally; synchronous, like TIM. */
    createCustomMessage(options: CustomMessageOptions): Message {
      const { data, description = '', extension = '' } = options.payload;
      return core.ownMessage({ type: TYPES.MSG_CUSTOM, payload: { data, description, extension } }, options);
    },

    /**
     * Sends a created message; the object becomes `success` (with the
     * server's fields) or `fail`. Rejects with `{code, message, data: {message}}`.
     */
    sendMessage(message: Message, options?: SendMessageOptions): Promise<ImResponse<SendResult>> {
      return send('tim.sendMessage', message, options);
    },

    /** Sends a failed message again (the same object changes, as with sendMessage). */
    resendMessage(message: Message): Promise<ImResponse<SendResult>> {
      return send('tim.resendMessage', message);
    },

    async getMessageList(options: GetMessageListArgs): Promise<ImResponse<MessageListPage>> {
      const res = await core.tim('tim.getMessageList', options);
      core.remember(res.data.messageList);
      return res;
    },

    /**
     * A message of the local store (its newest 1,000, held since the
     * session started) or seen since (created, sent, received, paged), or
     * null; synchronous, as in TIM. `fetchMessage` reads the whole store.
     */
    findMessage(messageID: string): Message | null {
      return core.messages.get(messageID) ?? null;
    },

    /** `findMessage` through the SDK (the local store), for messages this facade has not seen. */
    async fetchMessage(messageID: string): Promise<Message | null> {
      const known = core.messages.get(messageID);
      if (known) return known;
      const found = await core.call('tim.findMessage', { messageID });
      if (found) core.remember([found]);
      return found;
    },

    /** A copy of `payload` (a sent, unrevoked message) addressed to another conversation; synchronous. */
    createForwardMessage(options: ForwardMessageOptions): Message {
      return created('tim.createForwardMessage', options, { type: options.payload.type, payload: { ...options.payload.payload } });
    },

    /** A merged-forward message of `payload.messageList`; synchronous (a large body is stored when it is sent). */
    createMergerMessage(options: MergerMessageOptions): Message {
      const { title, abstractList, compatibleText, messageList } = options.payload;
      return created('tim.createMergerMessage', options, {
        type: TYPES.MSG_MERGER,
        payload: { title, abstractList, compatibleText, messageList, downloadKey: '', layersOverLimit: false },
      });
    },

    /** Revokes a sent message (2110 outside the window); `message.isRevoked` becomes true. */
    async revokeMessage(message: Message): Promise<ImResponse<MessageResult>> {
      const res = await remembered('tim.revokeMessage', message);
      message.isRevoked = true;
      return res;
    },

    /** Sends the changed payload / cloudCustomData; 2480 carries `data.message` (the latest). */
    modifyMessage(message: Message): Promise<ImResponse<MessageResult>> {
      return remembered('tim.modifyMessage', message);
    },

    /** Deletes for this user only (≤ 30 from one conversation; once a second); each deleted one gets `isDeleted`. */
    async deleteMessage(messageList: Message[]): Promise<ImResponse<MessageListArgs>> {
      const res = await core.tim('tim.deleteMessage', { messageList });
      const deleted = new Set(res.data.messageList.map((m) => m.ID));
      for (const m of messageList) if (deleted.has(m.ID)) m.isDeleted = true;
      core.remember(res.data.messageList);
      return res;
    },

    /**
     * Reports reading these messages (≤ 30 of one conversation) that asked for
     * read receipts; their senders hear MESSAGE_READ_RECEIPT_RECEIVED. No unread
     * count changes. 2114 none, 20001 more or mixed.
     */
    sendMessageReadReceipt(messageList: Message[]): Promise<ImResponse<Empty>> {
      return core.tim('tim.sendMessageReadReceipt', { messageList });
    },

    /** The messages with `readReceiptInfo` as the server has it (readCount / unreadCount, or isPeerRead). */
    async getMessageReadReceiptList(messageList: Message[]): Promise<ImResponse<MessageListArgs>> {
      const res = await core.tim('tim.getMessageReadReceiptList', { messageList });
      core.remember(res.data.messageList);
      return res;
    },

    /** A page of a group message's readers (filter 0) or non-readers (filter 1); pass `cursor` on. 10062: no receipts. */
    getGroupMessageReadMemberList(options: { message: Message; cursor?: string; filter: 0 | 1; count: number }): Promise<ImResponse<ReadMemberListResponse>> {
      return core.tim('tim.getGroupMessageReadMemberList', { cursor: '', ...options });
    },

    /**
     * Adds or replaces `{key, value}` pairs on an extensible, sent message (≤ 20, key ≤ 100 bytes,
     * value ≤ 1 KB). Each result's `code` is 0, or 23001 when someone wrote the key meanwhile (its
     * current value comes back; write again to replace it).
     */
    setMessageExtensions(message: Message, extensions: Array<{ key: string; value: string }>): Promise<ImResponse<ExtensionResultResponse>> {
      return core.tim('tim.setMessageExtensions', { message, extensions: extensions.map((e) => ({ ...e, seq: 0 })) });
    },

    /** Every extension of an extensible, sent message. */
    getMessageExtensions(message: Message): Promise<ImResponse<ExtensionListResponse>> {
      return core.tim('tim.getMessageExtensions', { message });
    },

    /** Deletes the listed keys, or every extension when `keyList` is absent. */
    deleteMessageExtensions(message: Message, keyList?: string[]): Promise<ImResponse<ExtensionResultResponse>> {
      return core.tim('tim.deleteMessageExtensions', keyList ? { message, keyList } : { message });
    },

    /** Fills `payload.messageList` (and the related fields) of the given merger message in place. */
    async downloadMergerMessage(message: Message): Promise<ImResponse<Message>> {
      const res = await core.tim('tim.downloadMergerMessage', { message });
      Object.assign(message.payload, res.data.payload);
      core.remember([res.data]);
      return res;
    },

    async getMessageListHopping(options: HoppingOptions): Promise<ImResponse<HoppingResult>> {
      const args: GetMessageListHoppingOptions = { time: null, sequence: null, direction: 0, count: null, ...options };
      const res = await core.tim('tim.getMessageListHopping', args);
      core.remember(res.data.messageList);
      return res;
    },
  };
}

/** The message methods of `Tim`. */
export type MessageApi = ReturnType<typeof messageApi>;
