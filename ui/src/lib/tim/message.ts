// The message methods of the facade (TIM's message API): creating,
// sending, paging, revoking, modifying, deleting, forwarding and merging.
import { toImError } from '$lib/backend';
import type {
  CommandArgs,
  CreateMessageArgs,
  GetMessageListArgs,
  GetMessageListHoppingOptions,
  HoppingPage,
  ImError,
  Message,
  MessageListArgs,
  MessageListPage,
  MessageResult,
  MergerMessagePayload,
  SendOptions,
  SendResult,
} from '$lib/types';
import { TYPES } from './constants';
import type { ImResponse, TimCore } from './core';
import { buildMessage } from './message-builder';

/** `createTextMessage` options (TIM's MESSAGE_OPTIONS). */
export type TextMessageOptions = CreateMessageArgs<{ text: string }>;
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
  async function send(
    command: 'tim.sendMessage' | 'tim.resendMessage',
    args: CommandArgs<'tim.sendMessage'>,
    message: Message,
  ): Promise<ImResponse<SendResult>> {
    try {
      const res = await core.tim(command, args);
      core.remember([res.data.message]);
      return res;
    } catch (e) {
      const err = toImError(e) as ImError;
      const failed: Message = { ...message, status: 'fail' };
      core.messages.set(failed.ID, failed);
      throw { code: err.code, message: err.message, data: { message: failed } } satisfies ImError;
    }
  }

  async function create<C extends 'tim.createForwardMessage' | 'tim.createMergerMessage'>(
    command: C,
    options: CommandArgs<C>,
  ): Promise<Message> {
    const message = await core.call(command, options);
    core.remember([message]);
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
      const message = buildMessage({
        type: TYPES.MSG_TEXT,
        payload: { text: options.payload.text },
        conversationType: options.conversationType,
        to: options.to,
        from: core.userID ?? '',
        priority: options.priority ?? TYPES.MSG_PRIORITY_NORMAL,
        nick: core.myProfile?.nick ?? '',
        avatar: core.myProfile?.avatar ?? '',
        cloudCustomData: options.cloudCustomData ?? '',
        needReadReceipt: options.needReadReceipt ?? false,
      });
      core.messages.set(message.ID, message);
      return message;
    },

    /** Sends a created message; rejects with `{code, message, data: {message}}`. */
    sendMessage(message: Message, options?: SendMessageOptions): Promise<ImResponse<SendResult>> {
      return send('tim.sendMessage', { message, ...(options ? { options } : {}) }, message);
    },

    resendMessage(message: Message): Promise<ImResponse<SendResult>> {
      return send('tim.resendMessage', { message }, message);
    },

    async getMessageList(options: GetMessageListArgs): Promise<ImResponse<MessageListPage>> {
      const res = await core.tim('tim.getMessageList', options);
      core.remember(res.data.messageList);
      return res;
    },

    /** A message this facade has seen (created, sent, received, paged), or null. */
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

    /** A copy of `payload` (a received or own message) addressed to another conversation. */
    createForwardMessage(options: ForwardMessageOptions): Promise<Message> {
      return create('tim.createForwardMessage', options);
    },

    createMergerMessage(options: MergerMessageOptions): Promise<Message> {
      return create('tim.createMergerMessage', options);
    },

    /** Revokes a sent message (2110 outside the window). */
    revokeMessage(message: Message): Promise<ImResponse<MessageResult>> {
      return remembered('tim.revokeMessage', message);
    },

    /** Sends the changed payload / cloudCustomData; 2480 carries `data.message` (the latest). */
    modifyMessage(message: Message): Promise<ImResponse<MessageResult>> {
      return remembered('tim.modifyMessage', message);
    },

    /** Deletes for this user only (≤ 30 from one conversation; once a second). */
    async deleteMessage(messageList: Message[]): Promise<ImResponse<MessageListArgs>> {
      const res = await core.tim('tim.deleteMessage', { messageList });
      core.remember(res.data.messageList);
      return res;
    },

    /** Fills `payload.messageList` of a merger message whose body is stored server-side. */
    async downloadMergerMessage(message: Message): Promise<ImResponse<Message>> {
      const res = await core.tim('tim.downloadMergerMessage', { message });
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
