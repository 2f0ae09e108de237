// The one builder of Message objects the UI makes itself: the facade's
// `createTextMessage`, the chat's provisional file bubbles, and the test
// fixtures. Every field a message has is filled, so a new field of the
// generated `Message` type is added here once.
import type { Message } from '$lib/types';
import { TYPES } from './constants';

/** A random integer below 2^53 (TIM's `random`, the dedup key). */
export function random53(): number {
  const a = new Uint32Array(2);
  crypto.getRandomValues(a);
  return (a[0] & 0x1fffff) * 2 ** 32 + a[1];
}

/**
 * The ID of a message `from` creates at `time` (seconds) with `random`:
 * `<from>-<time>-<random>`, the rule the SDK and the server apply too, so a
 * message has this ID before and after sending (docs/protocol.md, "Message
 * IDs"). Anywhere else an ID is opaque.
 */
export function messageID(from: string, time: number, random: number): string {
  return `${from}-${time}-${random}`;
}

/** What a new message must be given; anything else of `Message` may be given too. */
export type MessageSeed = Pick<Message, 'type' | 'payload' | 'conversationType' | 'to' | 'from'> & Partial<Message>;

/**
 * A whole `Message` from a seed. Defaults are those of an own message not
 * sent yet: the ID its sender's client makes (`messageID`, kept for life),
 * conversation `<type><to>`, flow `out`, status `unSend`, the current
 * second, normal priority, nothing read, revoked, modified or deleted.
 */
export function buildMessage(seed: MessageSeed): Message {
  const random = seed.random ?? random53();
  const time = seed.time ?? Math.floor(Date.now() / 1000);
  return {
    ID: messageID(seed.from, time, random),
    conversationID: `${seed.conversationType}${seed.to}`,
    flow: 'out',
    time,
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
    isSupportExtension: false,
    readReceiptInfo: { isPeerRead: false, readCount: 0, unreadCount: 0 },
    isBroadcastMessage: false,
    sequence: 0,
    version: 0,
    ...seed,
    random,
  };
}
