// "Typing…" in one-to-one chats, TUIKit's way: while someone types, their
// client sends online-only custom messages whose data is
// `{"businessID":"user_typing_status","typingStatus":1|0,…}` (not stored,
// never in a message list, a conversation preview or a notification).
// `TypingSender` sends mine (at most one "typing" per TYPING_INTERVAL_MS,
// one "stopped" when the text is cleared or sent; never in groups);
// `PeerTyping` follows the peers' (until "stopped", a real message from
// them, or TYPING_EXPIRY_MS without a new "typing").
import type { Message } from '$lib/types';
import { TYPES, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

export const TYPING_BUSINESS_ID = 'user_typing_status';
/** At most one "typing" message this often while typing. */
export const TYPING_INTERVAL_MS = 4000;
/** A peer's "typing" lasts this long unless renewed. */
export const TYPING_EXPIRY_MS = 6000;

/** The custom data of a typing message (TUIKit's format): 1 typing, 0 stopped. */
export function typingData(status: 0 | 1): string {
  return JSON.stringify({
    businessID: TYPING_BUSINESS_ID,
    typingStatus: status,
    version: 1,
    userAction: 14,
    actionParam: status === 1 ? 'EIMAMSG_InputStatus_Ing' : 'EIMAMSG_InputStatus_End',
  });
}

/** The typing status a message carries (1 typing, 0 stopped), or null when it is no typing message. */
export function typingStatusOf(m: Pick<Message, 'type' | 'payload'>): 0 | 1 | null {
  if (m.type !== TYPES.MSG_CUSTOM) return null;
  const raw = m.payload?.data;
  if (typeof raw !== 'string' || raw.length > 1024 || !raw.includes(TYPING_BUSINESS_ID)) return null;
  try {
    const data: unknown = JSON.parse(raw);
    if (!data || typeof data !== 'object') return null;
    const d = data as Record<string, unknown>;
    if (d.businessID !== TYPING_BUSINESS_ID) return null;
    return d.typingStatus === 1 ? 1 : 0;
  } catch {
    return null;
  }
}

/** A typing message (signalling, never shown as a message). */
export function isTypingMessage(m: Pick<Message, 'type' | 'payload'>): boolean {
  return typingStatusOf(m) !== null;
}

/** My typing state in one conversation, sent to the peer (C2C only). */
export class TypingSender {
  #tim: Tim;
  #to: string;
  #c2c: boolean;
  #now: () => number;
  /** When the last "typing" went (ms); null while not typing. */
  #since: number | null = null;

  constructor(tim: Tim, conversationID: string, now: () => number = Date.now) {
    this.#tim = tim;
    this.#c2c = conversationID.startsWith(TYPES.CONV_C2C);
    this.#to = conversationID.slice(TYPES.CONV_C2C.length);
    this.#now = now;
  }

  /** The composer's text changed: "typing" (throttled) while it has text, "stopped" once it is empty. */
  input(text: string): void {
    if (!this.#c2c) return;
    if (!text.trim()) {
      this.stop();
      return;
    }
    const now = this.#now();
    if (this.#since !== null && now - this.#since < TYPING_INTERVAL_MS) return;
    this.#since = now;
    this.#send(1);
  }

  /** The text was sent or cleared: "stopped", if "typing" was said. */
  stop(): void {
    if (!this.#c2c || this.#since === null) return;
    this.#since = null;
    this.#send(0);
  }

  #send(status: 0 | 1): void {
    const message = this.#tim.createCustomMessage({
      to: this.#to,
      conversationType: TYPES.CONV_C2C,
      payload: { data: typingData(status), description: '', extension: '' },
    });
    // Best effort: a typing state that did not go (offline: 2800) is simply not seen.
    this.#tim.sendMessage(message, { onlineUserOnly: true }).catch((e) => console.debug('typing status not sent', toImError(e).code));
  }
}

/** Which peers are typing to me now, by C2C conversation ID. */
export class PeerTyping {
  /** Conversations whose peer is typing. */
  typing: ReadonlySet<string> = $state.raw(new Set());
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Whether the peer of `conversationID` is typing. */
  isTyping(conversationID: string): boolean {
    return this.typing.has(conversationID);
  }

  /**
   * Received messages (MESSAGE_RECEIVED): typing messages change the
   * state and are taken out; a real message from a peer ends their
   * typing. Returns the messages to show.
   */
  receive(list: Message[]): Message[] {
    const out: Message[] = [];
    for (const m of list) {
      const status = typingStatusOf(m);
      if (status === null) {
        if (m.flow === 'in') this.#set(m.conversationID, false);
        out.push(m);
      } else if (m.flow === 'in' && m.conversationType === TYPES.CONV_C2C) {
        this.#set(m.conversationID, status === 1);
      }
    }
    return out;
  }

  reset(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.typing = new Set();
  }

  #set(conversationID: string, on: boolean): void {
    const timer = this.#timers.get(conversationID);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(conversationID);
    if (on) this.#timers.set(conversationID, setTimeout(() => this.#set(conversationID, false), TYPING_EXPIRY_MS));
    if (on === this.typing.has(conversationID)) return;
    const next = new Set(this.typing);
    if (on) next.add(conversationID);
    else next.delete(conversationID);
    this.typing = next;
  }
}
