import { SvelteSet } from 'svelte/reactivity';
import type { ImError, Message } from '$lib/types';
import { CONFAB_EVENT, EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { messageKey, peerOf } from './names';
import { baseName, canEdit, canRevoke, kindOfFile, MAX_SELECTION, MESSAGE_TYPE_OF_KIND, type FileKind } from './media';
import { random53, type FileMessageOptions } from '$lib/tim';
import { blobToBase64, videoCover } from './videoCover';
import type { MessageKey } from '$lib/i18n/messages';
import { errorKey } from '$lib/i18n/errors';

/** A file to send: a browser File (staged first) or a host path (desktop). */
type FileMessagePayload = FileMessageOptions['payload'];

export type FileSource = { file: File; kind?: FileKind } | { path: string; kind?: FileKind; name?: string; size?: number };

/** Upload / download progress in bytes. */
export interface Progress {
  loaded: number;
  total: number;
}

/** A transient notice in the chat (an action's result or error). */
export interface ChatNotice {
  key: MessageKey;
  params?: Record<string, string | number>;
  code?: number;
  /** `success` for an action that worked (Copied, Forwarded); otherwise a warning. */
  tone?: 'success' | 'warning';
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Merges messages into a time-ordered list, replacing by key (local → server ID safe). */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const index = new Map<string, number>();
  existing.forEach((m, i) => index.set(messageKey(m), i));
  const out = existing.slice();
  const added: Message[] = [];
  for (const m of incoming) {
    const k = messageKey(m);
    const i = index.get(k);
    if (i !== undefined) out[i] = m;
    else {
      index.set(k, out.length + added.length);
      added.push(m);
    }
  }
  if (added.length === 0) return out;
  // Appending is enough only when every new message sorts after the last one
  // (an older page can share the newest message's second: sequences decide).
  const last = out.at(-1);
  if (!last || added.every((m) => byTime(m, last) >= 0)) {
    added.sort(byTime);
    return out.concat(added);
  }
  return out.concat(added).sort(byTime);
}

function byTime(a: Message, b: Message): number {
  return a.time - b.time || (a.sequence && b.sequence ? a.sequence - b.sequence : 0);
}

/** One open (or once opened) conversation: history, sending, read state. */
export class ChatState {
  readonly conversationID: string;
  readonly peerID: string;
  messages: Message[] = $state.raw([]);
  status: LoadStatus = $state('idle');
  loadingOlder = $state(false);
  isCompleted = $state(false);
  error: ImError | null = $state.raw(null);
  /** Key of the first unread message when the chat was opened (the divider). */
  firstUnreadKey: string | null = $state(null);
  /** Send errors by message key (for "Retry" and the code in small print). */
  sendErrors: Map<string, ImError> = $state.raw(new Map());

  // ---- issue 5: files and message operations ----
  /** Upload progress by message key (from onMessageUploadProgress, matched by random). */
  progress: Map<string, Progress> = $state.raw(new Map());
  /** Object URLs of images being sent from this browser (shown before the upload ends). */
  localPreviews: Map<string, string> = $state.raw(new Map());
  /** Multi-select mode and the selected message keys (at most MAX_SELECTION). */
  selecting = $state(false);
  selected: string[] = $state([]);
  /** The own text message being edited inline. */
  editingKey: string | null = $state(null);
  /** Text of own messages this client recalled (offered for re-editing). */
  recalledText: Map<string, string> = $state.raw(new Map());
  notice: ChatNotice | null = $state.raw(null);
  #retryers = new Map<string, () => Promise<void>>();

  #next = '';
  #tim: Tim;
  #pending: SvelteSet<string>;

  constructor(tim: Tim, conversationID: string, pending: SvelteSet<string>) {
    this.#tim = tim;
    this.conversationID = conversationID;
    this.peerID = peerOf(conversationID);
    this.#pending = pending;
  }

  /** The newest page from the local store (then the server). */
  async loadInitial(unreadCount = 0): Promise<void> {
    if (this.status === 'loading') return;
    const first = this.status === 'idle';
    this.status = 'loading';
    try {
      const res = await this.#tim.getMessageList({ conversationID: this.conversationID });
      this.messages = mergeMessages(res.data.messageList, this.messages);
      this.#next = res.data.nextReqMessageID;
      this.isCompleted = res.data.isCompleted || !res.data.nextReqMessageID;
      this.status = 'ready';
      this.error = null;
      if (first) this.markFirstUnread(unreadCount);
    } catch (e) {
      this.error = toImError(e);
      this.status = 'error';
    }
  }

  /** Remembers where the unread messages start (for the divider). */
  markFirstUnread(unreadCount: number): void {
    if (unreadCount <= 0 || unreadCount > this.messages.length) {
      this.firstUnreadKey = null;
      return;
    }
    const m = this.messages[this.messages.length - unreadCount];
    this.firstUnreadKey = m.flow === 'in' ? messageKey(m) : null;
  }

  /** The next older page (scrolled to the top). */
  async loadOlder(): Promise<void> {
    if (this.isCompleted || this.loadingOlder || this.status !== 'ready' || !this.#next) return;
    this.loadingOlder = true;
    try {
      const res = await this.#tim.getMessageList({
        conversationID: this.conversationID,
        nextReqMessageID: this.#next,
      });
      this.messages = mergeMessages(this.messages, res.data.messageList);
      this.#next = res.data.nextReqMessageID;
      this.isCompleted = res.data.isCompleted || !res.data.nextReqMessageID;
    } catch (e) {
      this.error = toImError(e);
    } finally {
      this.loadingOlder = false;
    }
  }

  upsert(list: Message[]): void {
    this.messages = mergeMessages(this.messages, list);
  }

  /** Creates, shows at once (sending), sends; failures stay with Retry. */
  async send(text: string): Promise<void> {
    const body = text.trim();
    if (!body) return;
    const message = this.#tim.createTextMessage({
      to: this.peerID,
      conversationType: this.conversationID.startsWith(TYPES.CONV_GROUP) ? TYPES.CONV_GROUP : TYPES.CONV_C2C,
      payload: { text: body },
    });
    await this.#deliver(message, () => this.#tim.sendMessage(message));
  }

  async retry(message: Message): Promise<void> {
    if (message.status !== 'fail') return;
    const again = this.#retryers.get(messageKey(message));
    if (again) {
      this.#retryers.delete(messageKey(message));
      await again();
      return;
    }
    await this.#deliver(message, () => this.#tim.resendMessage(message));
  }

  /** Sends an already created message (forwards, mergers) through this chat. */
  async deliverCreated(message: Message): Promise<void> {
    await this.#deliver(message, () => this.#tim.sendMessage(message));
  }

  async #deliver(message: Message, send: () => Promise<{ data: { message: Message } }>): Promise<void> {
    const key = messageKey(message);
    this.upsert([{ ...message, status: 'unSend' }]);
    this.#setSendError(key, null);
    this.#pending.add(key);
    try {
      const res = await send();
      this.upsert([res.data.message]);
      this.#moveLocalPreview(key, messageKey(res.data.message));
    } catch (e) {
      const err = toImError(e);
      const failed = (err.data as { message?: Message } | undefined)?.message ?? message;
      // A status event may already have delivered the message meanwhile.
      const now = this.messages.find((m) => messageKey(m) === key);
      if (now?.status !== 'success') {
        this.upsert([{ ...failed, status: 'fail' }]);
        this.#setSendError(key, { code: err.code, message: err.message });
      }
    } finally {
      this.#pending.delete(key);
      this.setProgress(key, null);
    }
  }

  #setSendError(key: string, err: ImError | null): void {
    if (!err && !this.sendErrors.has(key)) return;
    const next = new Map(this.sendErrors);
    if (err) next.set(key, err);
    else next.delete(key);
    this.sendErrors = next;
  }

  // ---- files ------------------------------------------------------------------

  #conversationType() {
    return this.conversationID.startsWith(TYPES.CONV_GROUP) ? TYPES.CONV_GROUP : TYPES.CONV_C2C;
  }

  /**
   * Sends each file as its own message, in order: each shows at once (a
   * provisional bubble while a browser File is staged and the message is
   * created), then uploads with its own progress; failures stay with Retry.
   */
  async sendFiles(sources: FileSource[]): Promise<void> {
    const jobs = sources.map((src) => this.#provisional(src));
    await Promise.all(jobs.map((j) => this.#runFileJob(j)));
  }

  #provisional(src: FileSource): { src: FileSource; kind: FileKind; placeholder: Message } {
    const name = 'file' in src ? src.file.name : (src.name ?? baseName(src.path));
    const size = 'file' in src ? src.file.size : (src.size ?? 0);
    const kind = src.kind ?? kindOfFile(name, 'file' in src ? src.file.type : '');
    const random = random53();
    const payload: Record<string, unknown> =
      kind === 'file'
        ? { fileName: name, fileSize: size, fileUrl: '', uuid: '' }
        : kind === 'image'
          ? { uuid: '', imageFormat: 0, imageInfoArray: [] }
          : { videoSize: size, videoSecond: 0, videoUrl: '', thumbUrl: '' };
    const placeholder: Message = {
      version: 0,
      ID: `local-${random}`,
      type: MESSAGE_TYPE_OF_KIND[kind],
      payload,
      conversationID: this.conversationID,
      conversationType: this.#conversationType(),
      to: this.peerID,
      from: this.#tim.userID ?? '',
      flow: 'out',
      time: Math.floor(Date.now() / 1000),
      status: 'unSend',
      isRevoked: false,
      priority: TYPES.MSG_PRIORITY_NORMAL,
      nick: '',
      avatar: '',
      isPeerRead: false,
      nameCard: '',
      atUserList: [],
      cloudCustomData: '',
      isDeleted: false,
      isModified: false,
      needReadReceipt: false,
      readReceiptInfo: { isPeerRead: false },
      isBroadcastMessage: false,
      sequence: 0,
      random,
    };
    const key = messageKey(placeholder);
    if (kind === 'image' && 'file' in src && typeof URL !== 'undefined' && URL.createObjectURL) {
      try {
        this.#setLocalPreview(key, URL.createObjectURL(src.file));
      } catch {
        /* no preview */
      }
    }
    if (kind === 'image' && 'path' in src) {
      // Desktop: the dropped or picked image itself, from the app's local
      // file server, while it uploads.
      this.#tim.app
        .localFileUrl(src.path)
        .then(({ url }) => {
          if (this.messages.some((m) => messageKey(m) === key)) this.#setLocalPreview(key, url);
        })
        .catch(() => {
          /* no preview: the bubble waits for the thumbnail */
        });
    }
    this.upsert([placeholder]);
    this.#pending.add(key);
    return { src, kind, placeholder };
  }

  async #runFileJob(job: { src: FileSource; kind: FileKind; placeholder: Message }): Promise<void> {
    const pkey = messageKey(job.placeholder);
    let message: Message;
    try {
      const path = 'file' in job.src ? await this.#tim.stageFile(job.src.file) : job.src.path;
      const payload = job.kind === 'video' ? await this.#videoPayload(job.src, path, pkey) : { file: path };
      const options = { to: this.peerID, conversationType: this.#conversationType(), payload };
      message =
        job.kind === 'image'
          ? await this.#tim.createImageMessage(options)
          : job.kind === 'video'
            ? await this.#tim.createVideoMessage(options)
            : await this.#tim.createFileMessage(options);
    } catch (e) {
      const err = toImError(e);
      this.#pending.delete(pkey);
      this.upsert([{ ...job.placeholder, status: 'fail' }]);
      this.#setSendError(pkey, { code: err.code, message: err.message });
      this.#retryers.set(pkey, async () => {
        this.upsert([{ ...job.placeholder, status: 'unSend' }]);
        this.#setSendError(pkey, null);
        this.#pending.add(pkey);
        await this.#runFileJob(job);
      });
      return;
    }
    // The created message replaces the provisional bubble.
    this.messages = this.messages.filter((m) => messageKey(m) !== pkey);
    this.#pending.delete(pkey);
    this.#moveLocalPreview(pkey, messageKey(message));
    await this.#deliver(message, () => this.#tim.sendMessage(message));
  }

  /**
   * A video's payload: its path, plus a cover frame taken in the webview
   * (staged: browser `stageFile`, desktop `app.writeStagedFile`) and what
   * the element measured. Any failure leaves the cover out (never the video).
   */
  async #videoPayload(src: FileSource, path: string, key: string): Promise<FileMessagePayload> {
    const payload: FileMessagePayload = { file: path };
    let objectUrl: string | null = null;
    try {
      let url: string;
      if ('file' in src) {
        objectUrl = URL.createObjectURL(src.file);
        url = objectUrl;
      } else {
        url = (await this.#tim.app.localFileUrl(path)).url;
      }
      const frame = await videoCover.capture(url, { crossOrigin: objectUrl === null });
      if (!frame) return payload;
      // The sender sees the cover at once, while the video uploads.
      if (typeof URL !== 'undefined' && URL.createObjectURL) this.#setLocalPreview(key, URL.createObjectURL(frame.blob));
      if (frame.duration > 0) payload.duration = Math.round(frame.duration * 1000);
      if (frame.videoWidth > 0 && frame.videoHeight > 0) {
        payload.width = frame.videoWidth;
        payload.height = frame.videoHeight;
      }
      payload.snapshot =
        'file' in src
          ? await this.#tim.stageFile(new File([frame.blob], 'cover.jpg', { type: 'image/jpeg' }))
          : (await this.#tim.app.writeStagedFile('cover.jpg', await blobToBase64(frame.blob))).path;
    } catch {
      // No cover: the video goes without one.
    } finally {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    }
    return payload;
  }

  /** Stops an upload in progress (the message becomes failed, resendable). */
  async cancelUpload(message: Message): Promise<void> {
    try {
      await this.#tim.cancelUpload(message);
    } catch (e) {
      this.#fail(e);
    }
  }

  setProgress(key: string, p: Progress | null): void {
    if (!p && !this.progress.has(key)) return;
    const next = new Map(this.progress);
    if (p) next.set(key, p);
    else next.delete(key);
    this.progress = next;
  }

  #setLocalPreview(key: string, url: string | null): void {
    const next = new Map(this.localPreviews);
    if (url) next.set(key, url);
    else next.delete(key);
    this.localPreviews = next;
  }

  #moveLocalPreview(from: string, to: string): void {
    if (from === to) return;
    const url = this.localPreviews.get(from);
    if (!url) return;
    const next = new Map(this.localPreviews);
    next.delete(from);
    next.set(to, url);
    this.localPreviews = next;
  }

  // ---- message operations -----------------------------------------------------------

  #fail(e: unknown): ImError {
    const err = toImError(e);
    this.notice = { key: errorNoticeKey(err.code), code: err.code };
    return err;
  }

  /** Recalls an own message (TIM window: 2 minutes). */
  async revoke(message: Message, nowSeconds = Date.now() / 1000): Promise<boolean> {
    if (!canRevoke(message, nowSeconds)) {
      this.notice = { key: 'error.revokeWindow', code: 2110 };
      return false;
    }
    try {
      const res = await this.#tim.revokeMessage(message);
      if (message.type === TYPES.MSG_TEXT) {
        const next = new Map(this.recalledText);
        next.set(messageKey(message), String(message.payload.text ?? ''));
        this.recalledText = next;
      }
      this.replaceExisting([{ ...res.data.message, isRevoked: true }]);
      return true;
    } catch (e) {
      this.#fail(e);
      return false;
    }
  }

  /** Changes an own text; on 2480 shows the latest version and a notice. */
  async edit(message: Message, text: string): Promise<boolean> {
    const body = text.trim();
    if (!canEdit(message) || !body) return false;
    if (body === message.payload.text) {
      this.editingKey = null;
      return true;
    }
    const changed: Message = { ...message, payload: { ...message.payload, text: body } };
    try {
      const res = await this.#tim.modifyMessage(changed);
      this.replaceExisting([res.data.message]);
      this.editingKey = null;
      return true;
    } catch (e) {
      const err = this.#fail(e);
      const latest = (err.data as { message?: Message } | undefined)?.message;
      if (err.code === 2480 && latest) {
        this.replaceExisting([latest]);
        this.editingKey = null;
      }
      return false;
    }
  }

  /** Deletes for this user (at most MAX_SELECTION at once). */
  async deleteMessages(list: Message[]): Promise<boolean> {
    const batch = list.slice(0, MAX_SELECTION);
    if (batch.length === 0) return false;
    const local = batch.filter((m) => m.status === 'fail' && m.ID.startsWith('local-'));
    const remote = batch.filter((m) => !local.includes(m));
    try {
      if (remote.length) await this.#tim.deleteMessage(remote);
    } catch (e) {
      this.#fail(e);
      return false;
    }
    const gone = new Set(batch.map(messageKey));
    this.messages = this.messages.filter((m) => !gone.has(messageKey(m)));
    this.selected = this.selected.filter((k) => !gone.has(k));
    return true;
  }

  /** Replaces messages that are shown (events about others are ignored). */
  replaceExisting(list: Message[]): void {
    const shown = new Set(this.messages.map(messageKey));
    const hit = list.filter((m) => shown.has(messageKey(m)) || this.messages.some((x) => x.ID === m.ID));
    if (hit.length === 0) return;
    const byID = new Map(hit.map((m) => [m.ID, m]));
    const byKey = new Map(hit.map((m) => [messageKey(m), m]));
    this.messages = this.messages.map((m) => byKey.get(messageKey(m)) ?? byID.get(m.ID) ?? m);
  }

  /** MESSAGE_REVOKED: the placeholder replaces the body. */
  applyRevoked(list: Message[]): void {
    this.replaceExisting(list.map((m) => ({ ...m, isRevoked: true })));
    const keys = new Set(list.map(messageKey));
    if (this.editingKey && keys.has(this.editingKey)) this.editingKey = null;
  }

  /** MESSAGE_MODIFIED: the new payload, "(edited)". */
  applyModified(list: Message[]): void {
    this.replaceExisting(list);
  }

  // ---- selection -----------------------------------------------------------------

  startSelecting(first?: Message): void {
    this.selecting = true;
    this.selected = first ? [messageKey(first)] : [];
  }

  stopSelecting(): void {
    this.selecting = false;
    this.selected = [];
  }

  /** Toggles a message; refuses beyond MAX_SELECTION (with a notice). */
  toggleSelected(m: Message): boolean {
    const key = messageKey(m);
    if (this.selected.includes(key)) {
      this.selected = this.selected.filter((k) => k !== key);
      return true;
    }
    if (this.selected.length >= MAX_SELECTION) {
      this.notice = { key: 'select.max', params: { count: MAX_SELECTION } };
      return false;
    }
    this.selected = [...this.selected, key];
    return true;
  }

  /** The selected messages, in conversation order. */
  selectedMessages(): Message[] {
    const keys = new Set(this.selected);
    return this.messages.filter((m) => keys.has(messageKey(m)));
  }

  /** Image messages of this chat, in order (the image viewer's sequence). */
  imageMessages(): Message[] {
    return this.messages.filter((m) => m.type === TYPES.MSG_IMAGE && !m.isRevoked);
  }

  /** The peer read up to these messages: every earlier own message is read too. */
  markPeerRead(list: Message[]): void {
    const latest = Math.max(...list.map((m) => m.time));
    const ids = new Set(list.map((m) => m.ID));
    let changed = false;
    const next = this.messages.map((m) => {
      if (m.flow !== 'out' || m.isPeerRead || m.status !== 'success') return m;
      if (!ids.has(m.ID) && m.time > latest) return m;
      changed = true;
      return { ...m, isPeerRead: true, readReceiptInfo: { isPeerRead: true } };
    });
    if (changed) this.messages = next;
  }
}

/** Chat states by conversation, fed by the message events. */
export class Chats {
  /** Keys of own messages still on their way (the "queued" count). */
  pending = new SvelteSet<string>();
  pendingCount = $derived(this.pending.size);
  #map = new Map<string, ChatState>();
  #tim: Tim;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.MESSAGE_RECEIVED, (e) => this.#route(e.data, (c, l) => c.upsert(l)));
    tim.on(CONFAB_EVENT.MESSAGE_STATUS_CHANGED, (e) =>
      this.#route(e.data, (c, l) => {
        c.upsert(l);
        for (const m of l) if (m.status === 'success') this.pending.delete(messageKey(m));
      }),
    );
    tim.on(EVENT.MESSAGE_REVOKED, (e) => this.#route(e.data, (c, l) => c.applyRevoked(l)));
    tim.on(EVENT.MESSAGE_MODIFIED, (e) => this.#route(e.data, (c, l) => c.applyModified(l)));
    tim.on(CONFAB_EVENT.UPLOAD_PROGRESS, (e) => {
      const p = e.data;
      if (!p || typeof p.random !== 'number') return;
      this.#map.get(p.conversationID)?.setProgress(`o:${p.random}`, { loaded: p.loaded, total: p.total });
    });
    tim.on(EVENT.MESSAGE_READ_BY_PEER, (e) =>
      this.#route(e.data, (c, l) => {
        c.upsert(l.filter((m) => c.messages.some((x) => x.ID === m.ID)));
        c.markPeerRead(l);
      }),
    );
  }

  #route(list: Message[], apply: (chat: ChatState, list: Message[]) => void): void {
    if (!Array.isArray(list)) return;
    const byConv = new Map<string, Message[]>();
    for (const m of list) {
      const l = byConv.get(m.conversationID);
      if (l) l.push(m);
      else byConv.set(m.conversationID, [m]);
    }
    for (const [id, l] of byConv) {
      const chat = this.#map.get(id);
      if (chat) apply(chat, l);
    }
  }

  get(conversationID: string): ChatState {
    let chat = this.#map.get(conversationID);
    if (!chat) {
      chat = new ChatState(this.#tim, conversationID, this.pending);
      this.#map.set(conversationID, chat);
    }
    return chat;
  }

  peek(conversationID: string): ChatState | undefined {
    return this.#map.get(conversationID);
  }

  reset(): void {
    this.#map.clear();
    this.pending.clear();
  }
}

/** The notice text for an error code (the code itself is shown in small print). */
function errorNoticeKey(code: number): MessageKey {
  return errorKey({ code, message: '' });
}
