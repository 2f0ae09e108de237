// Reactions, built on TIM's message extensions: each reaction is one
// extension whose key is `r:<emoji>:<userID>` (value "1"), so every user
// writes only their own keys and two people reacting at once never
// conflict. A message's reactions are its keys grouped by emoji.
import type { MessageExtension } from '$lib/types';

/** The quick reactions offered on a message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

const PREFIX = 'r:';

/** The extension key of `userID`'s `emoji` reaction. */
export function reactionKey(emoji: string, userID: string): string {
  return `${PREFIX}${emoji}:${userID}`;
}

/** The emoji and user of a reaction key; null for any other extension. */
export function parseReactionKey(key: string): { emoji: string; userID: string } | null {
  if (!key.startsWith(PREFIX)) return null;
  const rest = key.slice(PREFIX.length);
  const i = rest.indexOf(':');
  if (i <= 0 || i === rest.length - 1) return null;
  return { emoji: rest.slice(0, i), userID: rest.slice(i + 1) };
}

/** A message's reactions: emoji → the users who reacted with it, in the order first seen. */
export type Reactions = Map<string, string[]>;

/** Adds extensions (set or changed) to a message's reactions. */
export function withExtensions(reactions: Reactions | undefined, extensions: Pick<MessageExtension, 'key'>[]): Reactions {
  const next: Reactions = new Map([...(reactions ?? new Map<string, string[]>())].map(([e, u]) => [e, [...u]]));
  for (const x of extensions) {
    const r = parseReactionKey(x.key);
    if (!r) continue;
    const users = next.get(r.emoji) ?? [];
    if (!users.includes(r.userID)) next.set(r.emoji, [...users, r.userID]);
  }
  return next;
}

/** Takes deleted keys out of a message's reactions (emoji nobody has left go). */
export function withoutKeys(reactions: Reactions | undefined, keys: string[]): Reactions {
  const next: Reactions = new Map([...(reactions ?? new Map<string, string[]>())].map(([e, u]) => [e, [...u]]));
  for (const key of keys) {
    const r = parseReactionKey(key);
    if (!r) continue;
    const users = (next.get(r.emoji) ?? []).filter((u) => u !== r.userID);
    if (users.length) next.set(r.emoji, users);
    else next.delete(r.emoji);
  }
  return next;
}
