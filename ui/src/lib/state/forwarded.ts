// "Forwarded from …" (issue 10, defect 8). TIM's createForwardMessage makes
// a new message from the forwarder; the original sender travels in the
// message's cloudCustomData as `{"forwardedFrom": {"userID", "nick"}}`
// (the way TUIKit carries reply references). A peer writes that data: it is
// parsed defensively and only ever shown as text.
import type { Message } from '$lib/types';

/** Who wrote a forwarded message first. */
export interface ForwardedFrom {
  userID: string;
  nick: string;
}

const MAX_ID = 64;
const MAX_NICK = 100;

/** The original sender of a forwarded message, or null (also for malformed data). */
export function forwardedFrom(m: Pick<Message, 'cloudCustomData'>): ForwardedFrom | null {
  const raw = m.cloudCustomData;
  if (!raw || raw.length > 4096 || !raw.includes('forwardedFrom')) return null;
  try {
    const data: unknown = JSON.parse(raw);
    const f = (data as { forwardedFrom?: unknown } | null)?.forwardedFrom as Record<string, unknown> | undefined;
    if (!f || typeof f !== 'object') return null;
    const userID = typeof f.userID === 'string' ? f.userID.trim().slice(0, MAX_ID) : '';
    const nick = typeof f.nick === 'string' ? f.nick.trim().slice(0, MAX_NICK) : '';
    if (!userID && !nick) return null;
    return { userID, nick };
  } catch {
    return null;
  }
}

/**
 * The cloudCustomData of a forward of `source`: its first author is kept
 * when `source` is itself a forward; otherwise its sender with the name
 * shown for them now.
 */
export function forwardCloudData(source: Pick<Message, 'cloudCustomData' | 'from'>, senderName: string): string {
  const origin = forwardedFrom(source) ?? { userID: source.from, nick: senderName.slice(0, MAX_NICK) };
  return JSON.stringify({ forwardedFrom: origin });
}
