import type { Conversation, LastMessage, Message } from '$lib/types';
import { TYPES } from '$lib/tim';

/** `C2Cbob` → `bob`; `GROUPx` → `x`. */
export function peerOf(conversationID: string): string {
  for (const prefix of [TYPES.CONV_C2C, TYPES.CONV_GROUP]) {
    if (conversationID.startsWith(prefix)) return conversationID.slice(prefix.length);
  }
  return conversationID;
}

/**
 * A conversation's name: a group's name (else its ID), a peer's remark or
 * nickname (else the user ID). The system conversation has no name here:
 * the UI says "Group notifications" in its language (`isSystemConversation`).
 */
export function conversationName(c: Conversation): string {
  if (c.type === TYPES.CONV_GROUP || c.conversationID.startsWith(TYPES.CONV_GROUP)) {
    const name = c.groupProfile?.name;
    return typeof name === 'string' && name ? name : peerOf(c.conversationID);
  }
  return c.remark || c.userProfile?.nick || peerOf(c.conversationID);
}

/** The group system-notice conversation (`@TIM#SYSTEM`). */
export function isSystemConversation(conversationID: string): boolean {
  return conversationID === TYPES.CONV_SYSTEM;
}

/** A group conversation (`GROUP<groupID>`). */
export function isGroupConversation(conversationID: string): boolean {
  return conversationID.startsWith(TYPES.CONV_GROUP);
}

/** TIM's mark inside a topic ID (`<communityID>@TOPIC#<part>`). */
export const TOPIC_MARK = '@TOPIC#';

/** The community of a topic ID (`<communityID>@TOPIC#<part>` → `<communityID>`); null for any other ID. */
export function communityOfTopic(groupID: string): string | null {
  const at = groupID.indexOf(TOPIC_MARK);
  return at > 0 ? groupID.slice(0, at) : null;
}

/**
 * The group whose members speak in a group conversation's peer ID: a
 * topic's community, else the group itself.
 */
export function memberGroupOf(groupID: string): string {
  return communityOfTopic(groupID) ?? groupID;
}

export function lastMessageOf(c: Conversation): LastMessage | null {
  return c.lastMessage ?? null;
}

export function lastActivity(c: Conversation): number {
  return lastMessageOf(c)?.lastTime ?? 0;
}

/**
 * Pinned first, in pin order (`pinRank`: lower first, the most recently
 * pinned lowest), then the most recent activity first.
 */
export function sortConversations(list: readonly Conversation[], pinRank: Readonly<Record<string, number>> = {}): Conversation[] {
  return [...list].sort((a, b) => {
    if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
    if (a.isPinned) {
      const ra = pinRank[a.conversationID] ?? 0;
      const rb = pinRank[b.conversationID] ?? 0;
      if (ra !== rb) return ra - rb;
    }
    return lastActivity(b) - lastActivity(a) || a.conversationID.localeCompare(b.conversationID);
  });
}

/** Text of a message for previews and notifications; null when not text. */
export function messageText(m: Pick<Message, 'type' | 'payload'>): string | null {
  if (m.type === TYPES.MSG_TEXT) {
    const p = m.payload as { text?: unknown } | null;
    return typeof p?.text === 'string' ? p.text : '';
  }
  return null;
}

/** Stable key of a message across its local → server ID change. */
export function messageKey(m: Pick<Message, 'flow' | 'random' | 'ID'>): string {
  return m.flow === 'out' ? `o:${m.random}` : `i:${m.ID}`;
}

/** Up to two initials. */
export function initials(name: string): string {
  const parts = name.trim().split(/[\s._-]+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = [...parts[0]];
  if (/[\u3400-\u9fff]/.test(first[0] ?? '')) return first[0];
  if (parts.length === 1) return first.slice(0, 2).join('').toUpperCase();
  return ([...parts[0]][0] + [...parts[1]][0]).toUpperCase();
}

/** A hue derived from the user ID (stable across sessions). */
export function hueOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}
