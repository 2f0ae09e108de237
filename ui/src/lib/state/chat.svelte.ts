import { SvelteSet } from 'svelte/reactivity';
import type { ImError, Message } from '$lib/types';
import { CONFAB_EVENT, EVENT, TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { messageKey, peerOf } from './names';

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
  const last = out.length ? out[out.length - 1].time : -Infinity;
  if (added.every((m) => m.time >= last)) {
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
    await this.#deliver(message, () => this.#tim.resendMessage(message));
  }

  async #deliver(message: Message, send: () => Promise<{ data: { message: Message } }>): Promise<void> {
    const key = messageKey(message);
    this.upsert([{ ...message, status: 'unSend' }]);
    this.#setSendError(key, null);
    this.#pending.add(key);
    try {
      const res = await send();
      this.upsert([res.data.message]);
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
    }
  }

  #setSendError(key: string, err: ImError | null): void {
    if (!err && !this.sendErrors.has(key)) return;
    const next = new Map(this.sendErrors);
    if (err) next.set(key, err);
    else next.delete(key);
    this.sendErrors = next;
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
