// Replies (quotes), TUIKit's way: a reply is an ordinary message whose
// cloudCustomData carries `{"messageReply": {messageAbstract, messageSender,
// messageID, messageType, version: 1}}` next to whatever else it holds
// (other keys are kept). A peer writes that data: it is parsed defensively,
// bounded, and only ever shown as text.
import type { Message } from '$lib/types';
import { TYPES } from '$lib/tim';

/** What a reply says about the message it quotes (TUIKit's `messageReply`). */
export interface MessageReply {
  /** A short text of the quoted message ("msg 1", "[Image]"). */
  messageAbstract: string;
  /** The quoted sender's display name (when the reply was written). */
  messageSender: string;
  /** The quoted message's ID. */
  messageID: string;
  /** The quoted message's TIM element type number (TEXT 1, CUSTOM 2, IMAGE 3 …). */
  messageType: number;
  version: number;
}

/** TIM's numeric element types (TIMElemType), as TUIKit writes them into `messageType`. */
export const ELEM_TYPE_NUMBER: Readonly<Record<string, number>> = {
  [TYPES.MSG_TEXT]: 1,
  [TYPES.MSG_CUSTOM]: 2,
  [TYPES.MSG_IMAGE]: 3,
  [TYPES.MSG_AUDIO]: 4,
  [TYPES.MSG_VIDEO]: 5,
  [TYPES.MSG_FILE]: 6,
  [TYPES.MSG_LOCATION]: 7,
  [TYPES.MSG_FACE]: 8,
  [TYPES.MSG_GRP_TIP]: 9,
  [TYPES.MSG_MERGER]: 10,
};

/** The abstract is cut to this many characters (an ellipsis marks the cut). */
export const ABSTRACT_MAX = 100;
const SENDER_MAX = 100;
const ID_MAX = 256;
/** Larger cloudCustomData is not looked into (the server's body limit is 12 KB). */
const DATA_MAX = 12 * 1024;

/** `text` on one line, at most `max` characters (an ellipsis when cut). */
export function shorten(text: string, max = ABSTRACT_MAX): string {
  const line = text.replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function parseObject(raw: string): Record<string, unknown> | null {
  if (!raw || raw.length > DATA_MAX) return null;
  try {
    const data: unknown = JSON.parse(raw);
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The reply a message carries, or null (none, or malformed data). */
export function replyOf(m: Pick<Message, 'cloudCustomData'>): MessageReply | null {
  const raw = m.cloudCustomData;
  if (!raw || !raw.includes('messageReply')) return null;
  const r = parseObject(raw)?.messageReply;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return null;
  const f = r as Record<string, unknown>;
  const messageID = typeof f.messageID === 'string' ? f.messageID.trim() : '';
  if (!messageID || messageID.length > ID_MAX) return null;
  return {
    messageAbstract: typeof f.messageAbstract === 'string' ? shorten(f.messageAbstract) : '',
    messageSender: typeof f.messageSender === 'string' ? shorten(f.messageSender, SENDER_MAX) : '',
    messageID,
    messageType: typeof f.messageType === 'number' && Number.isInteger(f.messageType) ? f.messageType : 0,
    version: typeof f.version === 'number' ? f.version : 1,
  };
}

/**
 * The reply to `quoted`: its abstract from `preview` (the UI's preview
 * line of a message: its text, "[Image]", "[File] a.pdf" …), cut to
 * ABSTRACT_MAX, and its sender's name as shown now.
 */
export function replyTo(quoted: Pick<Message, 'ID' | 'type'>, senderName: string, preview: string): MessageReply {
  return {
    messageAbstract: shorten(preview),
    messageSender: shorten(senderName, SENDER_MAX),
    messageID: quoted.ID,
    messageType: ELEM_TYPE_NUMBER[quoted.type] ?? 0,
    version: 1,
  };
}

/**
 * cloudCustomData that carries `reply`: `existing` with its `messageReply`
 * set and every other key kept (existing data that is not a JSON object
 * is replaced).
 */
export function withReply(existing: string, reply: MessageReply): string {
  const data = parseObject(existing) ?? {};
  return JSON.stringify({ ...data, messageReply: reply });
}
