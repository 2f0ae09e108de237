// What a member may do in a group, by the group's kind and the member's
// role, as the server decides it (crates/server/src/services/group_kinds.rs
// and services/group.rs): the group info panel offers only these actions.
// Also the byte limits of the group profile's texts (checklist 1260).
import type { GroupMember, GroupProfile, GroupType, MemberRole } from '$lib/types';
import { TYPES } from '$lib/tim';

/** Byte limits of the profile's texts (UTF-8), checklist 706 / 1260. */
export const GROUP_TEXT_LIMITS = { name: 30, introduction: 240, notification: 300, avatar: 100 } as const;

/** A profile text with a byte limit. */
export type LimitedField = keyof typeof GROUP_TEXT_LIMITS;

/** UTF-8 length of `s` (a CJK character counts 3). */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The fields over their byte limit (and an empty name: TIM requires one). */
export function textProblems(fields: Partial<Record<LimitedField, string>>): Partial<Record<LimitedField, 'tooLong' | 'required'>> {
  const out: Partial<Record<LimitedField, 'tooLong' | 'required'>> = {};
  for (const key of Object.keys(GROUP_TEXT_LIMITS) as LimitedField[]) {
    const v = fields[key];
    if (v === undefined) continue;
    if (key === 'name' && v.trim() === '') out[key] = 'required';
    else if (byteLength(v) > GROUP_TEXT_LIMITS[key]) out[key] = 'tooLong';
  }
  return out;
}

/** Owner and admins manage a group; `Custom` (Community) counts as a member. */
export function isManager(role: MemberRole | null | undefined): boolean {
  return role === TYPES.GRP_MBR_ROLE_OWNER || role === TYPES.GRP_MBR_ROLE_ADMIN;
}

const WORK: GroupType = TYPES.GRP_WORK;
const AV: GroupType = TYPES.GRP_AVCHATROOM;

/** The caller's role in `group` (from `selfInfo`, else from the owner ID), or null. */
export function roleIn(group: GroupProfile, me: string, members: readonly GroupMember[] = []): MemberRole | null {
  const listed = members.find((m) => m.userID === me)?.role;
  if (listed) return listed;
  if (group.selfInfo?.role) return group.selfInfo.role;
  return group.ownerID === me ? TYPES.GRP_MBR_ROLE_OWNER : null;
}

/** The basic profile (name, introduction, notification, avatar): any member of a Work group; owner and admins elsewhere. */
export function canEditProfile(kind: GroupType, role: MemberRole | null): boolean {
  if (!role) return false;
  return kind === WORK || isManager(role);
}

/** `joinOption` exists only for Public and Community groups (checklist 709). */
export function canEditJoinOption(kind: GroupType, role: MemberRole | null): boolean {
  return (kind === TYPES.GRP_PUBLIC || kind === TYPES.GRP_COMMUNITY) && isManager(role);
}

/** Muting everyone: owner and admins, in kinds whose members can be muted (not Work). */
export function canMuteAll(kind: GroupType, role: MemberRole | null): boolean {
  return kind !== WORK && isManager(role);
}

/** Inviting: never in an AVChatRoom; owner and admins always; others when `inviteOption` is FreeAccess. */
export function canInvite(group: Pick<GroupProfile, 'type' | 'inviteOption'>, role: MemberRole | null): boolean {
  if (!role || group.type === AV) return false;
  return isManager(role) || group.inviteOption === TYPES.INVITE_OPTIONS_FREE_ACCESS;
}

/** Removing a member: the owner anyone; an admin ordinary members, not in a Work group. */
export function canRemove(kind: GroupType, role: MemberRole | null, target: MemberRole, self: boolean): boolean {
  if (self) return false;
  if (role === TYPES.GRP_MBR_ROLE_OWNER) return true;
  return role === TYPES.GRP_MBR_ROLE_ADMIN && kind !== WORK && !isManager(target);
}

/** Making or unmaking an admin: the owner, in Public, Meeting and Community groups, never oneself or the owner. */
export function canSetRole(kind: GroupType, role: MemberRole | null, target: MemberRole, self: boolean): boolean {
  if (self || kind === WORK || kind === AV) return false;
  return role === TYPES.GRP_MBR_ROLE_OWNER && target !== TYPES.GRP_MBR_ROLE_OWNER;
}

/** Muting one member: not in Work groups, never oneself; the owner mutes admins and members, an admin members only. */
export function canMute(kind: GroupType, role: MemberRole | null, target: MemberRole, self: boolean): boolean {
  if (self || kind === WORK) return false;
  if (role === TYPES.GRP_MBR_ROLE_OWNER) return target !== TYPES.GRP_MBR_ROLE_OWNER;
  return role === TYPES.GRP_MBR_ROLE_ADMIN && !isManager(target);
}

/** Transferring the group: the owner, to another member, never for an AVChatRoom. */
export function canTransfer(kind: GroupType, role: MemberRole | null, self: boolean): boolean {
  return !self && kind !== AV && role === TYPES.GRP_MBR_ROLE_OWNER;
}

/** Name cards: not in an AVChatRoom; the owner anyone's, an admin their own and members', a member only their own. */
export function canSetNameCard(kind: GroupType, role: MemberRole | null, target: MemberRole, self: boolean): boolean {
  if (!role || kind === AV) return false;
  if (self || role === TYPES.GRP_MBR_ROLE_OWNER) return true;
  return role === TYPES.GRP_MBR_ROLE_ADMIN && !isManager(target);
}

/** Leaving: any member but the owner; a Work group's owner may (it is left ownerless). */
export function canQuit(kind: GroupType, role: MemberRole | null): boolean {
  if (!role) return false;
  return role !== TYPES.GRP_MBR_ROLE_OWNER || kind === WORK;
}

/** Dismissing: the owner, never a Work group. */
export function canDismiss(kind: GroupType, role: MemberRole | null): boolean {
  return role === TYPES.GRP_MBR_ROLE_OWNER && kind !== WORK;
}

/** Whether `member` is muted at `nowSeconds` (checklist 847: `muteUntil * 1000 > Date.now()`). */
export function isMuted(member: Pick<GroupMember, 'muteUntil'>, nowSeconds: number): boolean {
  return member.muteUntil > nowSeconds;
}

/** Members in the panel's order: owner, admins, then the rest by join time. */
export function sortMembers(list: readonly GroupMember[]): GroupMember[] {
  const rank = (r: MemberRole) => (r === TYPES.GRP_MBR_ROLE_OWNER ? 0 : r === TYPES.GRP_MBR_ROLE_ADMIN ? 1 : 2);
  return [...list].sort((a, b) => rank(a.role) - rank(b.role) || a.joinTime - b.joinTime || a.userID.localeCompare(b.userID));
}

/** The name a member is shown by: the name card, else the nickname, else the user ID. */
export function memberName(m: Pick<GroupMember, 'userID' | 'nick' | 'nameCard'>): string {
  return m.nameCard || m.nick || m.userID;
}

/** User IDs typed into the invite field, split on commas, spaces and new lines, without repeats. */
export function parseUserIDs(text: string): string[] {
  return [...new Set(text.split(/[\s,，;；]+/).map((s) => s.trim()).filter(Boolean))];
}

/** What the panel offers to do to a member. */
export type MemberAction = 'makeAdmin' | 'cancelAdmin' | 'mute' | 'unmute' | 'transfer' | 'remove' | 'nameCard';
