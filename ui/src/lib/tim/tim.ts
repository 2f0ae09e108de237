import type { Backend, DragDropHandler, Unsubscribe } from '$lib/backend';
import { toImError } from '$lib/backend';
import type {
  AppState,
  BackendEvent,
  ChangePasswordArgs,
  ChooseServerArgs,
  CommandArgs,
  CommandName,
  CommandResult,
  Conversation,
  ConversationListResult,
  ConversationProfileResult,
  ConversationType,
  CredentialsArgs,
  DeleteConversationResult,
  Empty,
  GetMessageListArgs,
  ImError,
  Message,
  MessageListPage,
  NetState,
  NotifyArgs,
  Priority,
  Profile,
  ProfilePatch,
  SendOptions,
  SendResult,
} from '$lib/types';
import { CONFAB_EVENT, EVENT, TYPES } from './constants';

/** TIM's `imResponse`. */
export interface ImResponse<T> {
  code: 0;
  data: T;
}

/** The data each event carries (`event.data` in a handler). */
export interface EventDataMap {
  [EVENT.SDK_READY]: undefined;
  [EVENT.SDK_NOT_READY]: undefined;
  [EVENT.SDK_DESTROY]: undefined;
  [EVENT.MESSAGE_RECEIVED]: Message[];
  [EVENT.MESSAGE_READ_BY_PEER]: Message[];
  [EVENT.CONVERSATION_LIST_UPDATED]: Conversation[];
  [EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED]: number;
  [EVENT.PROFILE_UPDATED]: Profile[];
  [EVENT.KICKED_OUT]: { type: string };
  [EVENT.NET_STATE_CHANGE]: { state: NetState };
  [EVENT.ERROR]: { code: number; message: string };
  [CONFAB_EVENT.MESSAGE_STATUS_CHANGED]: Message[];
  [CONFAB_EVENT.APP_STATE]: AppState;
  [CONFAB_EVENT.BRIDGE]: { connected: boolean; refused?: boolean };
  [EVENT.MESSAGE_REVOKED]: Message[];
  [EVENT.MESSAGE_MODIFIED]: Message[];
  [CONFAB_EVENT.UPLOAD_PROGRESS]: UploadProgress;
  [CONFAB_EVENT.DOWNLOAD_PROGRESS]: DownloadProgress;
}

// ---- issue 5: files and message operations (contract: helper-notes/APP-CONTRACT.md) ----

/** `onMessageUploadProgress`: bytes uploaded so far for an outgoing file message. */
export interface UploadProgress {
  ID: string;
  random: number;
  conversationID: string;
  loaded: number;
  total: number;
}

/** `onFileDownloadProgress`. */
export interface DownloadProgress {
  ID: string;
  rendition: Rendition;
  loaded: number;
  total: number;
}

/** Which file of a message `app.downloadFile` fetches. */
export type Rendition = 'original' | 'big' | 'small' | 'thumb';

/** `create{Image,Video,Audio,File}Message` options: a local file path. */
export interface FileMessageOptions {
  to: string;
  conversationType: ConversationType;
  /** `snapshot`: a video's cover image; `duration` (ms), `width`, `height`: measured, for headers that do not say (WebM). */
  payload: { file: string; snapshot?: string; duration?: number; width?: number; height?: number };
  priority?: Priority;
  cloudCustomData?: string;
}

export interface ForwardMessageOptions {
  to: string;
  conversationType: ConversationType;
  payload: Message;
  priority?: Priority;
  cloudCustomData?: string;
}

export interface MergerMessageOptions {
  to: string;
  conversationType: ConversationType;
  payload: { messageList: Message[]; title: string; abstractList: string[]; compatibleText: string };
  priority?: Priority;
  cloudCustomData?: string;
}

export interface HoppingOptions {
  conversationID: string;
  time?: number;
  sequence?: number;
  direction?: 0 | 1;
  count?: number;
}

export interface HoppingResult {
  messageList: Message[];
  isCompleted: boolean;
  nextMessageTime?: number;
}

export type PickKind = 'image' | 'video' | 'file';
export type TimEventName = keyof EventDataMap;
export interface TimEvent<K extends TimEventName> {
  name: K;
  data: EventDataMap[K];
}
export type TimHandler<K extends TimEventName> = (event: TimEvent<K>) => void;

/** `createTextMessage` options (TIM's MESSAGE_OPTIONS). */
export interface TextMessageOptions {
  to: string;
  conversationType: ConversationType;
  payload: { text: string };
  priority?: Priority;
  cloudCustomData?: string;
  needReadReceipt?: boolean;
}

export type SendMessageOptions = SendOptions;

/** A random integer below 2^53 (TIM's `random`, the dedup key). */
export function random53(): number {
  const a = new Uint32Array(2);
  crypto.getRandomValues(a);
  return (a[0] & 0x1fffff) * 2 ** 32 + a[1];
}

/**
 * A TIM-compatible facade over the Backend: TIM's method names, events,
 * constants, object shapes, `imResponse` / `imError`. Views use only this.
 */
export class Tim {
  static readonly EVENT = EVENT;
  static readonly TYPES = TYPES;
  readonly EVENT = EVENT;
  readonly TYPES = TYPES;

  #backend: Backend;
  #handlers = new Map<string, Set<(event: TimEvent<TimEventName>) => void>>();
  #messages = new Map<string, Message>();
  #totalUnread = 0;
  #userID: string | null = null;
  #myProfile: Profile | null = null;

  constructor(backend: Backend) {
    this.#backend = backend;
    backend.onEvent((e) => this.#dispatch(e));
  }

  /** The logged-in user (from the app state), or null. */
  get userID(): string | null {
    return this.#userID;
  }

  // ---- events -------------------------------------------------------------

  on<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    let set = this.#handlers.get(name);
    if (!set) this.#handlers.set(name, (set = new Set()));
    set.add(handler as (event: TimEvent<TimEventName>) => void);
  }

  off<K extends TimEventName>(name: K, handler: TimHandler<K>): void {
    this.#handlers.get(name)?.delete(handler as (event: TimEvent<TimEventName>) => void);
  }

  #dispatch(e: BackendEvent): void {
    // Keep the facade's own caches first, so handlers see them updated.
    switch (e.name) {
      case EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED:
        if (typeof e.data === 'number') this.#totalUnread = e.data;
        break;
      case EVENT.MESSAGE_RECEIVED:
      case EVENT.MESSAGE_READ_BY_PEER:
      case EVENT.MESSAGE_REVOKED:
      case EVENT.MESSAGE_MODIFIED:
      case CONFAB_EVENT.MESSAGE_STATUS_CHANGED:
        if (Array.isArray(e.data)) this.#remember(e.data as Message[]);
        break;
      case CONFAB_EVENT.APP_STATE:
        this.#setAppState(e.data as AppState);
        break;
      case EVENT.PROFILE_UPDATED:
        for (const p of (e.data as Profile[]) ?? []) if (p.userID === this.#userID) this.#myProfile = p;
        break;
    }
    const set = this.#handlers.get(e.name);
    if (!set) return;
    const event = { name: e.name, data: e.data } as TimEvent<TimEventName>;
    for (const h of [...set]) {
      try {
        h(event);
      } catch (err) {
        console.error(`handler of ${e.name} failed`, err);
      }
    }
  }

  #remember(list: Message[]): void {
    for (const m of list) this.#messages.set(m.ID, m);
  }

  #setAppState(s: AppState | null | undefined): void {
    if (!s) return;
    if (s.userID !== this.#userID) this.#myProfile = null;
    this.#userID = s.loggedIn ? s.userID : null;
    if (!s.loggedIn) this.#totalUnread = 0;
  }

  /** A command of the contract, typed by the generated CommandMap. */
  async #call<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> {
    try {
      return await this.#backend.call<CommandResult<C>>(command, args);
    } catch (e) {
      throw toImError(e);
    }
  }

  async #tim<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<ImResponse<CommandResult<C>>> {
    return { code: 0, data: await this.#call(command, args) };
  }

  // ---- app.* (session and settings; not TIM methods) ------------------------

  readonly app = {
    getState: () => this.#appCall('app.getState', {}),
    chooseServer: (args: ChooseServerArgs) => this.#appCall('app.chooseServer', args),
    register: (args: CredentialsArgs) => this.#appCall('app.register', args),
    login: (args: CredentialsArgs) => this.#appCall('app.login', args),
    resume: () => this.#appCall('app.resume', {}),
    logout: () => this.#appCall('app.logout', {}),
    /** Confab: changes the password; other devices are signed out, this one stays signed in. */
    changePassword: (args: ChangePasswordArgs): Promise<Empty> => this.#call('app.changePassword', args),
    /** Confab: signs the account out here and on every other device. */
    signOutEverywhere: () => this.#appCall('app.signOutEverywhere', {}),
    notify: (args: NotifyArgs): Promise<Empty> => this.#call('app.notify', args),
    setUnreadBadge: (count: number): Promise<Empty> => this.#call('app.setUnreadBadge', { count }),
    /** Fetches a message's file into the local cache: `{path, url}` (url loadable by the webview). */
    downloadFile: (message: Message, rendition?: Rendition): Promise<{ path: string; url: string }> =>
      this.#call('app.downloadFile', rendition ? { message, rendition } : { message }),
    openFile: (path: string): Promise<Empty> => this.#call('app.openFile', { path }),
    revealFile: (path: string): Promise<Empty> => this.#call('app.revealFile', { path }),
    saveFileAs: (path: string, fileName: string): Promise<{ path: string | null }> =>
      this.#call('app.saveFileAs', { path, fileName }),
    /** Native file picker (desktop); 90011 in the browser. */
    pickFiles: (kind: PickKind, multiple = true): Promise<{ paths: string[] }> =>
      this.#call('app.pickFiles', { kind, multiple }),
    /** The clipboard's image as a temp PNG (desktop); `{path: null}` when there is none. */
    pasteImage: (): Promise<{ path: string | null }> => this.#call('app.pasteImage', {}),
    /** A URL the webview can load a local file from (desktop: asset:, allowed for this file); 90011 in the browser. */
    localFileUrl: (path: string): Promise<{ url: string }> => this.#call('app.localFileUrl', { path }),
    /** Writes a small file the webview made (a video cover, ≤ 2 MB) to the host's staging dir → its path. */
    writeStagedFile: (name: string, base64: string): Promise<{ path: string }> => this.#call('app.writeStagedFile', { name, base64 }),
  };

  /** A command not (yet) in the generated CommandMap (the issue 5 contract). */
  async #raw<T>(command: string, args: object): Promise<T> {
    try {
      return await this.#backend.call<T>(command, args);
    } catch (e) {
      throw toImError(e);
    }
  }

  async #appCall<
    C extends
      | 'app.getState'
      | 'app.chooseServer'
      | 'app.register'
      | 'app.login'
      | 'app.resume'
      | 'app.logout'
      | 'app.signOutEverywhere',
  >(
    command: C,
    args: CommandArgs<C>,
  ): Promise<AppState> {
    const state: AppState = await this.#call(command, args);
    this.#setAppState(state);
    return state;
  }

  // ---- messages -------------------------------------------------------------

  /** Builds a text message locally (synchronous, like TIM). */
  createTextMessage(options: TextMessageOptions): Message {
    const random = random53();
    const from = this.#userID ?? '';
    const message: Message = {
      ID: `local-${random}`,
      type: TYPES.MSG_TEXT,
      payload: { text: options.payload.text },
      conversationID: `${options.conversationType}${options.to}`,
      conversationType: options.conversationType,
      to: options.to,
      from,
      flow: 'out',
      time: Math.floor(Date.now() / 1000),
      status: 'unSend',
      isRevoked: false,
      priority: options.priority ?? TYPES.MSG_PRIORITY_NORMAL,
      nick: this.#myProfile?.nick ?? '',
      avatar: this.#myProfile?.avatar ?? '',
      isPeerRead: false,
      nameCard: '',
      atUserList: [],
      cloudCustomData: options.cloudCustomData ?? '',
      isDeleted: false,
      isModified: false,
      needReadReceipt: options.needReadReceipt ?? false,
      readReceiptInfo: { isPeerRead: false },
      isBroadcastMessage: false,
      sequence: 0,
      random,
      version: 0,
    };
    this.#messages.set(message.ID, message);
    return message;
  }

  /** Sends a created message; rejects with `{code, message, data: {message}}`. */
  sendMessage(message: Message, options?: SendMessageOptions): Promise<ImResponse<SendResult>> {
    return this.#send('tim.sendMessage', { message, ...(options ? { options } : {}) }, message);
  }

  resendMessage(message: Message): Promise<ImResponse<SendResult>> {
    return this.#send('tim.resendMessage', { message }, message);
  }

  async #send(
    command: 'tim.sendMessage' | 'tim.resendMessage',
    args: CommandArgs<'tim.sendMessage'>,
    message: Message,
  ): Promise<ImResponse<SendResult>> {
    try {
      const res = await this.#tim(command, args);
      this.#remember([res.data.message]);
      return res;
    } catch (e) {
      const err = toImError(e) as ImError;
      const failed: Message = { ...message, status: 'fail' };
      this.#messages.set(failed.ID, failed);
      throw { code: err.code, message: err.message, data: { message: failed } } satisfies ImError;
    }
  }

  async getMessageList(options: GetMessageListArgs): Promise<ImResponse<MessageListPage>> {
    const res = await this.#tim('tim.getMessageList', options);
    this.#remember(res.data.messageList);
    return res;
  }

  setMessageRead(options: { conversationID: string }): Promise<ImResponse<Empty>> {
    return this.#tim('tim.setMessageRead', options);
  }

  /** A message this facade has seen (created, sent, received, paged), or null. */
  findMessage(messageID: string): Message | null {
    return this.#messages.get(messageID) ?? null;
  }

  // ---- files and message operations (issue 5) --------------------------------------

  /** Image message from a local file (payload pre-filled by the app: size, width/height). */
  createImageMessage(options: FileMessageOptions): Promise<Message> {
    return this.#create('tim.createImageMessage', options);
  }

  createVideoMessage(options: FileMessageOptions): Promise<Message> {
    return this.#create('tim.createVideoMessage', options);
  }

  createAudioMessage(options: FileMessageOptions): Promise<Message> {
    return this.#create('tim.createAudioMessage', options);
  }

  createFileMessage(options: FileMessageOptions): Promise<Message> {
    return this.#create('tim.createFileMessage', options);
  }

  /** A copy of `payload` (a received or own message) addressed to another conversation. */
  createForwardMessage(options: ForwardMessageOptions): Promise<Message> {
    return this.#create('tim.createForwardMessage', options);
  }

  createMergerMessage(options: MergerMessageOptions): Promise<Message> {
    return this.#create('tim.createMergerMessage', options);
  }

  async #create(command: string, options: object): Promise<Message> {
    const message = await this.#raw<Message>(command, options);
    this.#remember([message]);
    return message;
  }

  /** Stops an upload: the message becomes `fail` (resendable). */
  cancelUpload(message: Message): Promise<ImResponse<Empty>> {
    return this.#rawTim<Empty>('tim.cancelUpload', { message });
  }

  /** Revokes a sent message (2110 outside the window). */
  async revokeMessage(message: Message): Promise<ImResponse<{ message: Message }>> {
    const res = await this.#rawTim<{ message: Message }>('tim.revokeMessage', { message });
    this.#remember([res.data.message]);
    return res;
  }

  /** Sends the changed payload / cloudCustomData; 2480 carries `data.message` (the latest). */
  async modifyMessage(message: Message): Promise<ImResponse<{ message: Message }>> {
    const res = await this.#rawTim<{ message: Message }>('tim.modifyMessage', { message });
    this.#remember([res.data.message]);
    return res;
  }

  /** Deletes for this user only (≤ 30 from one conversation; once a second). */
  async deleteMessage(messageList: Message[]): Promise<ImResponse<{ messageList: Message[] }>> {
    const res = await this.#rawTim<{ messageList: Message[] }>('tim.deleteMessage', { messageList });
    this.#remember(res.data.messageList);
    return res;
  }

  /** Fills `payload.messageList` of a merger message whose body is stored server-side. */
  async downloadMergerMessage(message: Message): Promise<ImResponse<Message>> {
    const res = await this.#rawTim<Message>('tim.downloadMergerMessage', { message });
    this.#remember([res.data]);
    return res;
  }

  /** `findMessage` through the SDK (the local store), for messages this facade has not seen. */
  async fetchMessage(messageID: string): Promise<Message | null> {
    const known = this.findMessage(messageID);
    if (known) return known;
    const found = await this.#raw<Message | null>('tim.findMessage', { messageID });
    if (found) this.#remember([found]);
    return found;
  }

  async getMessageListHopping(options: HoppingOptions): Promise<ImResponse<HoppingResult>> {
    const res = await this.#rawTim<HoppingResult>('tim.getMessageListHopping', options);
    this.#remember(res.data.messageList);
    return res;
  }

  // ---- host file access (not TIM; the backend's) ----------------------------------

  /** The host gives file paths itself (desktop); the browser stages Files. */
  get nativeFiles(): boolean {
    return this.#backend.nativeFiles;
  }

  /** Browser: copies a File to the host and returns its path there. */
  async stageFile(file: File): Promise<string> {
    try {
      return await this.#backend.stageFile(file);
    } catch (e) {
      throw toImError(e);
    }
  }

  /** Native drag and drop over the window (desktop). */
  onDragDrop(handler: DragDropHandler): Unsubscribe {
    return this.#backend.onDragDrop(handler);
  }

  async #rawTim<T>(command: string, args: object): Promise<ImResponse<T>> {
    return { code: 0, data: await this.#raw<T>(command, args) };
  }

  // ---- conversations ------------------------------------------------------------

  getConversationList(conversationIDList?: string[]): Promise<ImResponse<ConversationListResult>> {
    return this.#tim('tim.getConversationList', conversationIDList ? { conversationIDList } : {});
  }

  getConversationProfile(conversationID: string): Promise<ImResponse<ConversationProfileResult>> {
    return this.#tim('tim.getConversationProfile', { conversationID });
  }

  deleteConversation(
    options: string | { conversationIDList: string[]; clearHistoryMessage?: boolean },
  ): Promise<ImResponse<DeleteConversationResult>> {
    const args =
      typeof options === 'string'
        ? { conversationIDList: [options], clearHistoryMessage: true }
        : { conversationIDList: options.conversationIDList, clearHistoryMessage: options.clearHistoryMessage ?? true };
    return this.#tim('tim.deleteConversation', args);
  }

  /** Synchronous, from the last TOTAL_UNREAD_MESSAGE_COUNT_UPDATED (TIM semantics). */
  getTotalUnreadMessageCount(): number {
    return this.#totalUnread;
  }

  /** Refreshes the cached total from the backend (after login / reconnect). */
  async syncTotalUnreadMessageCount(): Promise<number> {
    this.#totalUnread = await this.#call('tim.getTotalUnreadMessageCount', {});
    return this.#totalUnread;
  }

  // ---- profiles ------------------------------------------------------------------

  async getMyProfile(): Promise<ImResponse<Profile>> {
    const res = await this.#tim('tim.getMyProfile', {});
    this.#myProfile = res.data;
    return res;
  }

  getUserProfile(options: { userIDList: string[] }): Promise<ImResponse<Profile[]>> {
    return this.#tim('tim.getUserProfile', options);
  }

  async updateMyProfile(patch: ProfilePatch): Promise<ImResponse<Profile>> {
    const res = await this.#tim('tim.updateMyProfile', patch);
    this.#myProfile = res.data;
    return res;
  }
}
