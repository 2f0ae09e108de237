// Pure rules of the group UI (issue 13): who a member is called, the words
// of group tips and group system notices, the @ marker of a conversation
// row, and the composer's @-mention editing (the query at the caret, the
// insertion, the atUserList of a text). No state, no DOM: unit-tested.
import type { GroupMember, GroupType, Message } from '$lib/types';
import { TYPES } from '$lib/tim';
import type { MessageKey } from '$lib/i18n/messages';
import { splitMatches } from './media';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A member's shown name: name card, else nickname, else user ID. */
export function memberName(m: Pick<GroupMember, 'userID'> & Partial<Pick<GroupMember, 'nameCard' | 'nick'>>): string {
  return m.nameCard || m.nick || m.userID;
}

/** The sender's shown name of a group message: name card, else nickname, else user ID. */
export function senderLabel(m: Pick<Message, 'from' | 'nameCard' | 'nick'>): string {
  return m.nameCard || m.nick || m.from;
}

/** Whether a message is a group tip or a group system notice (a system line, not a bubble). */
export function isSystemLine(m: Pick<Message, 'type'>): boolean {
  return m.type === TYPES.MSG_GRP_TIP || m.type === TYPES.MSG_GRP_SYS_NOTICE;
}

/** A kind of group the create dialog offers. */
export type GroupKindKey = 'work' | 'public' | 'meeting' | 'avchatroom' | 'community' | 'communityTopics';

/**
 * The group kinds a person can create, in the order the dialog offers them;
 * `topics`: a Community made with `isSupportTopic` (its messages go into topics).
 */
export const GROUP_KINDS: { type: GroupType; key: GroupKindKey; topics?: boolean }[] = [
  { type: TYPES.GRP_WORK as GroupType, key: 'work' },
  { type: TYPES.GRP_PUBLIC as GroupType, key: 'public' },
  { type: TYPES.GRP_MEETING as GroupType, key: 'meeting' },
  { type: TYPES.GRP_AVCHATROOM as GroupType, key: 'avchatroom' },
  { type: TYPES.GRP_COMMUNITY as GroupType, key: 'community' },
  { type: TYPES.GRP_COMMUNITY as GroupType, key: 'communityTopics', topics: true },
];

/** The message key of a group kind's name (`groups.kind.work`, …). */
export function kindKey(type: string): MessageKey {
  const k = GROUP_KINDS.find((g) => g.type === type)?.key ?? 'work';
  return `groups.kind.${k}` as MessageKey;
}

/** Names joined for a sentence: "bob, carol" / "bob、carol". */
function names(ids: readonly string[], nameOf: (id: string) => string, t: T): string {
  return ids.map(nameOf).join(t('groups.sep'));
}

/** A mute length in words: minutes below an hour, hours below a day, else days. */
export function muteLength(seconds: number, t: T): string {
  if (seconds < 3600) return t('groups.duration.minutes', { count: Math.max(1, Math.ceil(seconds / 60)) });
  if (seconds < 86400) return t('groups.duration.hours', { count: Math.ceil(seconds / 3600) });
  return t('groups.duration.days', { count: Math.ceil(seconds / 86400) });
}

interface TipPayload {
  operatorID?: string;
  operationType?: number;
  userIDList?: string[];
  newGroupProfile?: Record<string, unknown>;
  memberList?: { userID: string; muteTime: number }[];
}

/**
 * The system line of a group tip (`TIM.TYPES.MSG_GRP_TIP`), e.g. "bob
 * joined", "alice removed carol"; `nameOf` names a user (the caller says
 * "You" for the current user).
 */
export function tipText(payload: Record<string, unknown> | null | undefined, nameOf: (id: string) => string, t: T): string {
  const p = (payload ?? {}) as TipPayload;
  const operator = p.operatorID ? nameOf(p.operatorID) : '';
  const users = p.userIDList ?? [];
  const members = names(users, nameOf, t);
  switch (p.operationType) {
    case TYPES.GRP_TIP_MBR_JOIN:
      // Joined by themselves, or added by someone else.
      if (!p.operatorID || (users.length === 1 && users[0] === p.operatorID) || users.length === 0) {
        return t('groups.tip.joined', { name: members || operator });
      }
      return t('groups.tip.added', { operator, members });
    case TYPES.GRP_TIP_MBR_QUIT:
      return t('groups.tip.quit', { name: members || operator });
    case TYPES.GRP_TIP_MBR_KICKED_OUT:
      return t('groups.tip.kicked', { operator, members });
    case TYPES.GRP_TIP_MBR_SET_ADMIN:
      return t('groups.tip.setAdmin', { operator, members });
    case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
      return t('groups.tip.cancelAdmin', { operator, members });
    case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
      return profileTip(p.newGroupProfile ?? {}, operator, nameOf, t);
    case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: {
      const list = p.memberList ?? [];
      if (list.length === 0) return t('groups.tip.memberChanged', { operator, members });
      const muted = list.filter((m) => m.muteTime > 0);
      const unmuted = list.filter((m) => !(m.muteTime > 0));
      const lines: string[] = [];
      if (muted.length) {
        lines.push(
          t('groups.tip.muted', {
            operator,
            members: names(muted.map((m) => m.userID), nameOf, t),
            duration: muteLength(muted[0].muteTime, t),
          }),
        );
      }
      if (unmuted.length) lines.push(t('groups.tip.unmuted', { operator, members: names(unmuted.map((m) => m.userID), nameOf, t) }));
      return lines.join(' · ');
    }
    case TYPES.GRP_TIP_BAN_AVCHATROOM_MEMBER:
      return t('groups.tip.banned', { operator, members });
    case TYPES.GRP_TIP_UNBAN_AVCHATROOM_MEMBER:
      return t('groups.tip.unbanned', { operator, members });
    default:
      return t('groups.tip.other', { operator });
  }
}

/** The line of a profile-change tip: one clause per changed field. */
function profileTip(changed: Record<string, unknown>, operator: string, nameOf: (id: string) => string, t: T): string {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(changed)) {
    switch (field) {
      case 'name':
        lines.push(t('groups.tip.renamed', { operator, name: String(value ?? '') }));
        break;
      case 'notification':
        lines.push(t('groups.tip.notification', { operator }));
        break;
      case 'introduction':
        lines.push(t('groups.tip.introduction', { operator }));
        break;
      case 'avatar':
        lines.push(t('groups.tip.avatar', { operator }));
        break;
      case 'muteAllMembers':
        lines.push(t(value ? 'groups.tip.muteAll' : 'groups.tip.unmuteAll', { operator }));
        break;
      case 'ownerID':
        lines.push(t('groups.tip.owner', { name: nameOf(String(value ?? '')) }));
        break;
      default:
        break;
    }
  }
  if (lines.length === 0) return t('groups.tip.profile', { operator });
  return [...new Set(lines)].join(' · ');
}

interface NoticePayload {
  operationType?: number;
  groupProfile?: { groupID?: string; name?: string };
  operatorID?: string;
  handleMessage?: string;
}

/** The readable line of a group system notice (`TIM.TYPES.MSG_GRP_SYS_NOTICE`) in `@TIM#SYSTEM`. */
export function noticeText(payload: Record<string, unknown> | null | undefined, nameOf: (id: string) => string, t: T): string {
  const p = (payload ?? {}) as NoticePayload;
  const group = p.groupProfile?.name || p.groupProfile?.groupID || '';
  const operator = p.operatorID ? nameOf(p.operatorID) : '';
  const note = p.handleMessage ?? '';
  const params = { group, operator, note };
  const key = NOTICE_KEYS[p.operationType ?? -1] ?? 'groups.notice.other';
  const line = t(key, params);
  // The request's or removal's own words, when there are any.
  return note && p.operationType !== 255 ? `${line} ${t('groups.notice.note', { note })}` : line;
}

const NOTICE_KEYS: Record<number, MessageKey> = {
  1: 'groups.notice.joinRequest',
  2: 'groups.notice.accepted',
  3: 'groups.notice.refused',
  4: 'groups.notice.kicked',
  5: 'groups.notice.dismissed',
  6: 'groups.notice.created',
  7: 'groups.notice.invited',
  8: 'groups.notice.quit',
  9: 'groups.notice.setAdmin',
  10: 'groups.notice.cancelAdmin',
  11: 'groups.notice.recycled',
  12: 'groups.notice.inviteRequest',
  13: 'groups.notice.inviteAccepted',
  14: 'groups.notice.inviteRefused',
  255: 'groups.notice.custom',
};

/** The system line of a tip or notice message (null for an ordinary message). */
export function systemLine(m: Pick<Message, 'type' | 'payload'>, nameOf: (id: string) => string, t: T): string | null {
  if (m.type === TYPES.MSG_GRP_TIP) return tipText(m.payload, nameOf, t);
  if (m.type === TYPES.MSG_GRP_SYS_NOTICE) return noticeText(m.payload, nameOf, t);
  return null;
}

/** A conversation row's @ marker from `groupAtInfoList`: mentions of me win over @all. */
export function atMarker(list: readonly Record<string, unknown>[] | null | undefined): 'me' | 'all' | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  if (list.some((a) => a.atType === TYPES.CONV_AT_ME || a.atType === TYPES.CONV_AT_ALL_AT_ME)) return 'me';
  if (list.some((a) => a.atType === TYPES.CONV_AT_ALL)) return 'all';
  return null;
}

/** Whether a message @-mentions `me` (by ID or @all), from someone else. */
export function mentionsMe(m: Pick<Message, 'atUserList' | 'from'>, me: string | null): boolean {
  if (!me || m.from === me) return false;
  const list = m.atUserList ?? [];
  return list.includes(me) || list.includes(TYPES.MSG_AT_ALL);
}

/**
 * The @-mention being typed at the caret: the `@` (at the start or after
 * white space) and the text from it to the caret (no white space in it).
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && !/\s/.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (/\s/.test(query)) return null;
  return { start: at, query };
}

/** A choice of the @ list: a member, or everyone (`userID` = `TIM.TYPES.MSG_AT_ALL`). */
export interface MentionChoice {
  userID: string;
  label: string;
}

/** The members matching `query` (name or user ID, any case), me left out, at most `limit`. */
export function matchMembers(members: readonly GroupMember[], query: string, me: string | null, limit = 30): MentionChoice[] {
  const q = query.toLowerCase();
  const out: MentionChoice[] = [];
  for (const m of members) {
    if (m.userID === me) continue;
    const label = memberName(m);
    if (q && !label.toLowerCase().includes(q) && !m.userID.toLowerCase().includes(q)) continue;
    out.push({ userID: m.userID, label });
    if (out.length >= limit) break;
  }
  return out;
}

/** Replaces the typed `@query` (from `start` to `caret`) with `@label `; the new text and caret. */
export function insertMention(text: string, start: number, caret: number, label: string): { text: string; caret: number } {
  const inserted = `@${label} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/** The atUserList of a text: each picked mention whose `@label` is still in it, once. */
export function atUserListOf(text: string, picked: readonly MentionChoice[]): string[] {
  const out: string[] = [];
  for (const p of picked) {
    if (out.includes(p.userID)) continue;
    if (text.includes(`@${p.label}`)) out.push(p.userID);
  }
  return out;
}

/** A text split into parts, the `@label` ones (longest label first) marked as mentions. */
export function splitMentions(text: string, labels: readonly string[]): { text: string; mention: boolean }[] {
  const uniq = [...new Set(labels.filter(Boolean))].sort((a, b) => b.length - a.length);
  if (uniq.length === 0 || !text.includes('@')) return [{ text, mention: false }];
  const alt = uniq.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(`@(?:${alt})(?=\\s|$|[,.!?:;，。！？：；])`, 'g');
  const out = splitMatches(text, re);
  return out.length ? out : [{ text, mention: false }];
}

/** User IDs from a comma / space separated field ("bob, carol"), once each, without `me`. */
export function parseUserIDs(input: string, me: string | null): string[] {
  const out: string[] = [];
  for (const id of input.split(/[\s,，;；]+/)) {
    if (id && id !== me && !out.includes(id)) out.push(id);
  }
  return out;
}
