import { SvelteSet } from 'svelte/reactivity';
import type { ImError, Message, ReadReceipt } from '$lib/types';
import { CONFAB_EVENT, EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { messageKey, peerOf } from './names';
import { canEdit, canRevoke, MAX_SELECTION } from './media';
import { reactionKey, withExtensions, withoutKeys, type Reactions } from './reactions';
import { FileSender } from './file-sender.svelte';
import { withReply, type MessageReply } from './reply';
import { isTypingMessage, PeerTyping, TypingSender } from './typing.svelte';
import { Selection } from './selection.svelte';
import type { MessageKey } from '$lib/i18n/messages';
import { errorKey } from '$lib/i18n/errors';

export type { FileSource, Progress } from './file-sender.svelte';

/** A transient notice in the chat (an action's result or error). */
export interface ChatNotice {
  key: MessageKey;
  params?: Record<string, string | number>;
  code?: number;
  /** `success` for an action that worked (Copied, Forwarded); otherwise a warning. */
  tone?: 'success' | 'warning';
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** A translation shown under a message: under way, done, or failed (by code). */
export type Translation = { state: 'busy' } | { state: 'done'; text: string } | { state: 'failed'; error: ImError };

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
    // A key met again (also twice in `incoming`): the later copy wins in place.
    if (i !== undefined && i < out.length) out[i] = m;
    else if (i !== undefined) added[i - out.length] = m;
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

  /** Sending files: provisional bubbles, upload progress, local previews. */
  readonly files: FileSender;
  /** Multi-select mode and the selected message keys (at most MAX_SELECTION). */
  readonly selection: Selection;
  /** The own text message being edited inline. */
  editingKey: string | null = $state(null);
  /** Text of own messages this client recalled (offered for re-editing). */
  recalledText: Map<string, string> = $state.raw(new Map());
  /** Translations asked for (TIM's translateText), by message key: the text, or why it failed. */
  translations: Map<string, Translation> = $state.raw(new Map());
  notice: ChatNotice | null = $state.raw(null);
  /** Texts sent here ask for read receipts (a group kind that keeps them; set by the chat pane). */
  needReadReceipt = false;
  /** Texts sent here take extensions (reactions; not in an AVChatRoom; set by the chat pane). */
  extensible = true;
  /** Reactions by message ID (from message extensions). */
  reactions: Map<string, Reactions> = $state.raw(new Map());
  /** The message whose quick reactions are open. */
  reactingTo: string | null = $state(null);
  /** The message the composer's next text replies to (the reply bar). */
  replyingTo: MessageReply | null = $state.raw(null);
  /** The message to bring into view and highlight briefly (a new object per jump). */
  highlight: { key: string } | null = $state.raw(null);
  /** A jump to a quoted message is loading history. */
  locating = $state(false);
  /** My typing state, sent to the peer (one-to-one chats only). */
  readonly typing: TypingSender;
  #reactionsLoaded = new Set<string>();
  /** Messages of others whose read receipt this chat sent (or is sending). */
  #receiptsSent = new Set<string>();
  #retryers = new Map<string, () => Promise<void>>();

  #next = '';
  /** The newest page being read (loadInitial). */
  #initial: Promise<void> | null = null;
  #tim: Tim;
  #pending: SvelteSet<string>;

  constructor(tim: Tim, conversationID: string, pending: SvelteSet<string>) {
    this.#tim = tim;
    this.conversationID = conversationID;
    this.peerID = peerOf(conversationID);
    this.#pending = pending;
    this.typing = new TypingSender(tim, conversationID);
    this.selection = new Selection(() => {
      this.notice = { key: 'select.max', params: { count: MAX_SELECTION } };
    });
    // Closures over this chat's private parts: the sender sees only FileChat.
    const chat = this;
    this.files = new FileSender(tim, {
      conversationID,
      peerID: this.peerID,
      conversationType: this.#conversationType(),
      get messages() {
        return chat.messages;
      },
      get extensible() {
        return chat.extensible;
      },
      pending,
      upsert: (list) => this.upsert(list),
      remove: (key) => {
        this.messages = this.messages.filter((m) => messageKey(m) !== key);
      },
      deliver: (message, send) => this.#deliver(message, send),
      setSendError: (key, err) => this.#setSendError(key, err),
      setRetry: (key, retry) => void this.#retryers.set(key, retry),
      fail: (e) => this.#fail(e),
    });
  }

  /** The newest page from the local store (then the server); while one is loading, that one. */
  loadInitial(unreadCount = 0): Promise<void> {
    if (this.status === 'loading' && this.#initial) return this.#initial;
    const work = this.#loadInitial(unreadCount).finally(() => {
      if (this.#initial === work) this.#initial = null;
    });
    this.#initial = work;
    return work;
  }

  /** Resolves once the newest page asked for (if any) has come or failed. */
  async loaded(): Promise<void> {
    await this.#initial;
  }

  async #loadInitial(unreadCount: number): Promise<void> {
    const first = this.status === 'idle';
    this.status = 'loading';
    try {
      const res = await this.#tim.getMessageList({ conversationID: this.conversationID });
      this.messages = mergeMessages(shown(res.data.messageList), this.messages);
      this.#next = res.data.nextReqMessageID;
      this.isCompleted = res.data.isCompleted || !res.data.nextReqMessageID;
      this.status = 'ready';
      this.error = null;
      if (first) this.markFirstUnread(unreadCount);
    } catch (e) {
      const err = toImError(e);
      // The SDK serves no history of the system conversation (2502): it
      // shows the notices of this session, and the latest one from the list.
      if (this.conversationID === TYPES.CONV_SYSTEM && err.code === SYSTEM_HISTORY_REFUSED) {
        this.isCompleted = true;
        this.status = 'ready';
        this.error = null;
        return;
      }
      this.error = err;
      this.status = 'error';
    }
  }

  /**
   * The history was cleared (here or on another instance of mine): sent
   * messages go, ones still on their way stay; then the store is asked
   * again, so anything it still holds comes back.
   */
  async historyCleared(): Promise<void> {
    this.messages = this.messages.filter((m) => m.status !== 'success');
    this.#next = '';
    this.isCompleted = true;
    this.firstUnreadKey = null;
    this.translations = new Map();
    if (this.status !== 'idle') {
      this.status = 'idle';
      await this.loadInitial();
    }
  }

  /**
   * Reports reading the messages of others shown here that asked for read
   * receipts and were not reported yet (at most 30 per call). A failure is
   * logged: those messages are tried again next time.
   */
  async reportRead(): Promise<void> {
    const due = this.messages.filter(
      (m) => m.flow === 'in' && m.needReadReceipt && m.status === 'success' && !m.isRevoked && !this.#receiptsSent.has(m.ID),
    );
    for (let i = 0; i < due.length; i += MAX_SELECTION) {
      const batch = due.slice(i, i + MAX_SELECTION);
      for (const m of batch) this.#receiptsSent.add(m.ID);
      try {
        await this.#tim.sendMessageReadReceipt(batch);
      } catch (e) {
        for (const m of batch) this.#receiptsSent.delete(m.ID);
        console.warn('sendMessageReadReceipt failed', toImError(e));
      }
    }
  }

  /** Asks the server how many have read my messages here that asked for receipts (30 per call). */
  async refreshReceipts(): Promise<void> {
    const mine = this.messages.filter((m) => m.flow === 'out' && m.needReadReceipt && m.status === 'success');
    for (let i = 0; i < mine.length; i += MAX_SELECTION) {
      try {
        const res = await this.#tim.getMessageReadReceiptList(mine.slice(i, i + MAX_SELECTION));
        this.applyReceipts(
          res.data.messageList.map((m) => ({ messageID: m.ID, groupID: '', userID: '', ...m.readReceiptInfo })),
        );
      } catch (e) {
        console.warn('getMessageReadReceiptList failed', toImError(e));
      }
    }
  }

  /**
   * Reads the reactions of extensible messages (the newest 30 of `list`,
   * by default those shown) that were not read yet; later changes arrive
   * as the extension events.
   */
  async loadReactions(list: Message[] = this.messages): Promise<void> {
    const due = list
      .filter((m) => m.isSupportExtension && m.status === 'success' && !m.isRevoked && !this.#reactionsLoaded.has(m.ID))
      .slice(-MAX_SELECTION);
    for (const m of due) this.#reactionsLoaded.add(m.ID);
    await Promise.all(
      due.map(async (m) => {
        try {
          const res = await this.#tim.getMessageExtensions(m);
          if (res.data.extensions.length) this.applyExtensions(m.ID, res.data.extensions.map((x) => x.key), []);
        } catch (e) {
          this.#reactionsLoaded.delete(m.ID);
          console.warn('getMessageExtensions failed', toImError(e));
        }
      }),
    );
  }

  /** Extensions of a message of this chat were set (`set`) or deleted (`deleted`). */
  applyExtensions(messageID: string, set: string[], deleted: string[]): void {
    if (!this.messages.some((m) => m.ID === messageID)) return;
    const next = new Map(this.reactions);
    let r = next.get(messageID);
    if (set.length) r = withExtensions(r, set.map((key) => ({ key })));
    if (deleted.length) r = withoutKeys(r, deleted);
    if (r && r.size) next.set(messageID, r);
    else next.delete(messageID);
    this.reactions = next;
  }

  /** Adds my `emoji` reaction to a message, or takes it back; the change arrives as the extension events. */
  async toggleReaction(message: Message, emoji: string, me: string): Promise<void> {
    this.reactingTo = null;
    const key = reactionKey(emoji, me);
    const mine = this.reactions.get(message.ID)?.get(emoji)?.includes(me) ?? false;
    try {
      const res = mine
        ? await this.#tim.deleteMessageExtensions(message, [key])
        : await this.#tim.setMessageExtensions(message, [{ key, value: '1' }]);
      // 23001: my own key changed meanwhile (another of my devices); the event brings it.
      const failed = res.data.extensions.find((x) => x.code !== 0 && x.code !== 23001);
      if (failed) this.notice = { key: errorNoticeKey(failed.code), code: failed.code };
    } catch (e) {
      this.#fail(e);
    }
  }

  /** New read states of messages (MESSAGE_READ_RECEIPT_RECEIVED, or asked for). */
  applyReceipts(list: ReadReceipt[]): void {
    const byID = new Map(list.map((r) => [r.messageID, r]));
    let changed = false;
    const next = this.messages.map((m) => {
      const r = byID.get(m.ID);
      if (!r) return m;
      // A new object each time: the facade's message cache may hold (and
      // have updated) this very one, which the UI would not see change.
      const info = { isPeerRead: r.isPeerRead, readCount: r.readCount, unreadCount: r.unreadCount };
      changed = true;
      return { ...m, readReceiptInfo: info };
    });
    if (changed) this.messages = next;
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
      this.messages = mergeMessages(this.messages, shown(res.data.messageList));
      void this.loadReactions(res.data.messageList);
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

  /**
   * Brings the message `messageID` (a reply's quote) into view and
   * highlights it: at once when loaded; else the history from it down to
   * what is loaded is read with getMessageListHopping (at most
   * MAX_HOPS pages), so the list stays whole. A message that is gone
   * (recalled, deleted, never here) gets a notice instead: `gone`, the
   * quote's wording unless the caller names its own (a search result's).
   */
  async jumpTo(messageID: string, gone: MessageKey = 'reply.gone'): Promise<void> {
    const loaded = this.messages.find((m) => m.ID === messageID);
    if (loaded) {
      if (loaded.isRevoked) this.notice = { key: gone };
      else this.highlight = { key: messageKey(loaded) };
      return;
    }
    if (this.locating) return;
    this.locating = true;
    try {
      const found = await this.#tim.fetchMessage(messageID);
      if (!found || found.conversationID !== this.conversationID || found.isDeleted || found.isRevoked || !found.sequence) {
        this.notice = { key: gone };
        return;
      }
      const known = new Set(this.messages.map((m) => m.ID));
      const hop = async (sequence: number, direction: 0 | 1) =>
        (await this.#tim.getMessageListHopping({ conversationID: this.conversationID, sequence, direction, count: HOP_COUNT })).data;
      // The quoted message and those just above it, then down to the loaded ones.
      const above = await hop(found.sequence, 0);
      const pages = [...above.messageList];
      let joined = known.size === 0;
      let sequence = found.sequence;
      for (let i = 0; i < MAX_HOPS && !joined; i++) {
        const page = await hop(sequence, 1);
        pages.push(...page.messageList);
        joined = page.isCompleted || page.messageList.some((m) => known.has(m.ID));
        if (typeof page.nextMessageSeq !== 'number' || page.nextMessageSeq <= sequence) break;
        sequence = page.nextMessageSeq;
      }
      const target = pages.find((m) => m.ID === messageID);
      if (!target || target.isRevoked || target.isDeleted) {
        this.notice = { key: gone };
        return;
      }
      this.messages = mergeMessages(this.messages, shown(pages));
      // Whole from the quoted page down: older pages continue above it.
      if (joined) {
        const oldest = above.messageList[0];
        this.isCompleted = above.isCompleted || !oldest;
        this.#next = above.isCompleted || !oldest ? '' : oldest.ID;
      }
      void this.loadReactions(pages);
      this.highlight = { key: messageKey(target) };
    } catch (e) {
      this.#fail(e);
    } finally {
      this.locating = false;
    }
  }

  /**
   * Creates, shows at once (sending), sends; failures stay with Retry.
   * A reply (the reply bar) goes with its `messageReply` in cloudCustomData.
   */
  async send(text: string, atUserList: string[] = []): Promise<void> {
    const body = text.trim();
    if (!body) return;
    this.typing.stop();
    const reply = this.replyingTo;
    this.replyingTo = null;
    const options = {
      to: this.peerID,
      conversationType: this.#conversationType(),
      needReadReceipt: this.needReadReceipt,
      isSupportExtension: this.extensible,
      ...(reply ? { cloudCustomData: withReply('', reply) } : {}),
    };
    // A group text that @-mentions members goes as TIM's at-message.
    const message =
      atUserList.length > 0 && options.conversationType === TYPES.CONV_GROUP
        ? this.#tim.createTextAtMessage({ ...options, payload: { text: body, atUserList } })
        : this.#tim.createTextMessage({ ...options, payload: { text: body } });
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
      this.files.moveLocalPreview(key, messageKey(res.data.message));
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
      this.files.setProgress(key, null);
    }
  }

  #setSendError(key: string, err: ImError | null): void {
    if (!err && !this.sendErrors.has(key)) return;
    const next = new Map(this.sendErrors);
    if (err) next.set(key, err);
    else next.delete(key);
    this.sendErrors = next;
  }

  #conversationType() {
    return this.conversationID.startsWith(TYPES.CONV_GROUP) ? TYPES.CONV_GROUP : TYPES.CONV_C2C;
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

  /**
   * Translates someone's text into `targetLanguage` (the app's language)
   * through the server's provider; the result (or the error, by code) is
   * kept under the message. Asking again hides it.
   */
  async translate(message: Message, targetLanguage: string): Promise<void> {
    const key = messageKey(message);
    const set = (t: Translation | null) => {
      const next = new Map(this.translations);
      if (t) next.set(key, t);
      else next.delete(key);
      this.translations = next;
    };
    if (this.translations.get(key)?.state === 'done') {
      set(null);
      return;
    }
    set({ state: 'busy' });
    try {
      const res = await this.#tim.translateText({
        sourceTextList: [String(message.payload.text ?? '')],
        sourceLanguage: 'auto',
        targetLanguage,
      });
      set({ state: 'done', text: res.data.translatedTextList[0] ?? '' });
    } catch (e) {
      set({ state: 'failed', error: toImError(e) });
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
    // Failed before the server took it: only this device has it.
    const local = batch.filter((m) => m.status === 'fail' && !m.sequence);
    const remote = batch.filter((m) => !local.includes(m));
    try {
      if (remote.length) await this.#tim.deleteMessage(remote);
    } catch (e) {
      this.#fail(e);
      return false;
    }
    const gone = new Set(batch.map(messageKey));
    this.messages = this.messages.filter((m) => !gone.has(messageKey(m)));
    this.selection.drop(gone);
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

  /** The selected messages, in conversation order. */
  selectedMessages(): Message[] {
    return this.selection.messagesOf(this.messages);
  }

  /** Image messages of this chat, in order (the image viewer's sequence). */
  imageMessages(): Message[] {
    return this.messages.filter((m) => m.type === TYPES.MSG_IMAGE && !m.isRevoked);
  }

  /**
   * The peer read up to these messages: every earlier own message is read too.
   * Only the C2C `isPeerRead` changes; `readReceiptInfo` belongs to read
   * receipts (checklist 330, 1157).
   */
  markPeerRead(list: Message[]): void {
    const latest = Math.max(...list.map((m) => m.time));
    const ids = new Set(list.map((m) => m.ID));
    let changed = false;
    const next = this.messages.map((m) => {
      if (m.flow !== 'out' || m.isPeerRead || m.status !== 'success') return m;
      if (!ids.has(m.ID) && m.time > latest) return m;
      changed = true;
      return { ...m, isPeerRead: true };
    });
    if (changed) this.messages = next;
  }
}

/** Messages a list shows: typing messages are signalling, never shown. */
function shown(list: Message[]): Message[] {
  return list.some(isTypingMessage) ? list.filter((m) => !isTypingMessage(m)) : list;
}

/** getMessageListHopping page size (TIM's most). */
const HOP_COUNT = 15;
/** A jump reads at most this many pages to join the quoted message to the loaded ones. */
const MAX_HOPS = 40;

/** CONVERSATION_UN_RECORDED_TYPE: the SDK's answer to a history request of `@TIM#SYSTEM`. */
const SYSTEM_HISTORY_REFUSED = 2502;

/** Chat states by conversation, fed by the message events. */
export class Chats {
  /** Keys of own messages still on their way (the "queued" count). */
  pending = new SvelteSet<string>();
  pendingCount = $derived(this.pending.size);
  /** Which peers are typing to me (their typing messages never reach a chat). */
  readonly typing = new PeerTyping();
  #map = new Map<string, ChatState>();
  #tim: Tim;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.MESSAGE_RECEIVED, (e) => {
      if (Array.isArray(e.data)) this.#route(this.typing.receive(e.data), (c, l) => c.upsert(l));
    });
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
      this.#map.get(p.conversationID)?.files.setProgress(`o:${p.random}`, { loaded: p.loaded, total: p.total });
    });
    tim.on(EVENT.MESSAGE_EXTENSIONS_UPDATED, (e) => {
      const keys = e.data.extensions.map((x) => x.key);
      for (const chat of this.#map.values()) chat.applyExtensions(e.data.messageID, keys, []);
    });
    tim.on(EVENT.MESSAGE_EXTENSIONS_DELETED, (e) => {
      for (const chat of this.#map.values()) chat.applyExtensions(e.data.messageID, [], e.data.keyList);
    });
    tim.on(EVENT.MESSAGE_READ_RECEIPT_RECEIVED, (e) => {
      for (const chat of this.#map.values()) chat.applyReceipts(e.data ?? []);
    });
    // A conversation whose history was cleared has no last message:
    // an open chat with sent messages of it drops them.
    tim.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => {
      for (const c of e.data ?? []) {
        const chat = c.lastMessage ? undefined : this.#map.get(c.conversationID);
        if (chat && chat.messages.some((m) => m.status === 'success')) void chat.historyCleared();
      }
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
      // System notices are kept from the start (the SDK has no history of them to page).
      const chat = id === TYPES.CONV_SYSTEM ? this.get(id) : this.#map.get(id);
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

  /**
   * The local store was replaced (a restore from a backup): every chat read
   * so far reads its history again (the sent messages shown go, ones still
   * on their way stay); chats not read yet read it when shown.
   */
  async storeReplaced(): Promise<void> {
    await Promise.all([...this.#map.values()].map((chat) => chat.historyCleared()));
  }

  reset(): void {
    this.#map.clear();
    this.pending.clear();
    this.typing.reset();
  }
}

/** The notice text for an error code (the code itself is shown in small print). */
function errorNoticeKey(code: number): MessageKey {
  return errorKey({ code, message: '' });
}
