// The group info panel offers only what the server allows (the kind table
// in crates/server/src/services/group_kinds.rs and the role checks of
// services/group.rs); these are the pure rules behind it, plus the byte
// limits of the profile's texts and the error words by TIM code.
import { describe, expect, it } from 'vitest';
import type { GroupMember, GroupProfile, GroupType, MemberRole } from '$lib/types';
import {
  GROUP_TEXT_LIMITS,
  byteLength,
  canDismiss,
  canEditJoinOption,
  canEditProfile,
  canInvite,
  canMute,
  canMuteAll,
  canQuit,
  canRemove,
  canSetNameCard,
  canSetRole,
  canTransfer,
  isMuted,
  memberName,
  parseUserIDs,
  roleIn,
  sortMembers,
  textProblems,
} from '$lib/state/group-rules';
import { groupInfoErrorKey } from '$lib/i18n/errors';
import { en, zhCN } from '$lib/i18n/messages';

const KINDS: GroupType[] = ['Private', 'Public', 'ChatRoom', 'AVChatRoom', 'Community'];
const ROLES: MemberRole[] = ['Owner', 'Admin', 'Member'];

const member = (userID: string, role: MemberRole, extra: Partial<GroupMember> = {}): GroupMember => ({
  userID,
  nick: '',
  avatar: '',
  role,
  joinTime: 0,
  nameCard: '',
  muteUntil: 0,
  memberCustomField: [],
  ...extra,
});

describe('byte limits of the group profile', () => {
  it('counts UTF-8 bytes: a CJK character is 3', () => {
    expect(byteLength('abc')).toBe(3);
    expect(byteLength('群')).toBe(3);
    expect(byteLength('😀')).toBe(4);
  });

  it('checklist 706: name 30, avatar 100, introduction 240, notification 300 bytes', () => {
    expect(GROUP_TEXT_LIMITS).toEqual({ name: 30, introduction: 240, notification: 300, avatar: 100 });
    expect(textProblems({ name: 'x'.repeat(30) })).toEqual({});
    expect(textProblems({ name: 'x'.repeat(31) })).toEqual({ name: 'tooLong' });
    // Ten CJK characters are 30 bytes; eleven are 33.
    expect(textProblems({ name: '群'.repeat(10) })).toEqual({});
    expect(textProblems({ name: '群'.repeat(11) })).toEqual({ name: 'tooLong' });
    expect(textProblems({ notification: 'n'.repeat(300), introduction: 'i'.repeat(240), avatar: 'a'.repeat(100) })).toEqual({});
    expect(textProblems({ notification: 'n'.repeat(301), introduction: 'i'.repeat(241), avatar: 'a'.repeat(101) })).toEqual({
      notification: 'tooLong',
      introduction: 'tooLong',
      avatar: 'tooLong',
    });
    // checklist 674: `name` is required.
    expect(textProblems({ name: '  ' })).toEqual({ name: 'required' });
    // Empty optional texts clear them.
    expect(textProblems({ notification: '', introduction: '' })).toEqual({});
  });
});

describe('what a role may do, per kind', () => {
  it('checklist 715: any member edits a Work group’s profile; elsewhere owner and admins', () => {
    for (const kind of KINDS) {
      expect(canEditProfile(kind, 'Owner')).toBe(true);
      expect(canEditProfile(kind, 'Admin')).toBe(true);
      expect(canEditProfile(kind, 'Member')).toBe(kind === 'Private');
      expect(canEditProfile(kind, null)).toBe(false);
    }
  });

  it('checklist 711: joinOption only for Public and Community', () => {
    expect(KINDS.filter((k) => canEditJoinOption(k, 'Owner'))).toEqual(['Public', 'Community']);
    expect(canEditJoinOption('Public', 'Member')).toBe(false);
  });

  it('checklist 874: Work members cannot be muted (one by one or all)', () => {
    for (const role of ROLES) expect(canMute('Private', 'Owner', role, false)).toBe(false);
    expect(canMuteAll('Private', 'Owner')).toBe(false);
    expect(canMuteAll('Public', 'Admin')).toBe(true);
    expect(canMuteAll('Public', 'Member')).toBe(false);
  });

  it('checklist 871-873, 877: the owner mutes admins and members, an admin members only, nobody themselves', () => {
    expect(canMute('Public', 'Owner', 'Admin', false)).toBe(true);
    expect(canMute('Public', 'Owner', 'Member', false)).toBe(true);
    expect(canMute('Public', 'Admin', 'Member', false)).toBe(true);
    expect(canMute('Public', 'Admin', 'Admin', false)).toBe(false);
    expect(canMute('Public', 'Admin', 'Owner', false)).toBe(false);
    expect(canMute('Public', 'Member', 'Member', false)).toBe(false);
    expect(canMute('Public', 'Owner', 'Owner', true)).toBe(false);
  });

  it('checklist 886, 888: only the owner sets roles, not in Work or AVChatRoom, never their own', () => {
    expect(KINDS.filter((k) => canSetRole(k, 'Owner', 'Member', false))).toEqual(['Public', 'ChatRoom', 'Community']);
    expect(canSetRole('Public', 'Admin', 'Member', false)).toBe(false);
    expect(canSetRole('Public', 'Owner', 'Owner', true)).toBe(false);
  });

  it('checklist 751-753: only the owner transfers, to someone else, never an AVChatRoom', () => {
    expect(KINDS.filter((k) => canTransfer(k, 'Owner', false))).toEqual(['Private', 'Public', 'ChatRoom', 'Community']);
    expect(canTransfer('Public', 'Admin', false)).toBe(false);
    expect(canTransfer('Public', 'Owner', true)).toBe(false);
  });

  it('checklist 863: the owner removes anyone; an admin ordinary members, not in Work', () => {
    expect(canRemove('Public', 'Owner', 'Admin', false)).toBe(true);
    expect(canRemove('Public', 'Admin', 'Member', false)).toBe(true);
    expect(canRemove('Public', 'Admin', 'Admin', false)).toBe(false);
    expect(canRemove('Private', 'Admin', 'Member', false)).toBe(false);
    expect(canRemove('Private', 'Owner', 'Member', false)).toBe(true);
    expect(canRemove('Public', 'Member', 'Member', false)).toBe(false);
    expect(canRemove('Public', 'Owner', 'Owner', true)).toBe(false);
  });

  it('checklist 897-900, 901: name cards: owner anyone, admin self and members, member self; none in an AVChatRoom', () => {
    expect(canSetNameCard('Public', 'Owner', 'Admin', false)).toBe(true);
    expect(canSetNameCard('Public', 'Admin', 'Member', false)).toBe(true);
    expect(canSetNameCard('Public', 'Admin', 'Admin', false)).toBe(false);
    expect(canSetNameCard('Public', 'Admin', 'Admin', true)).toBe(true);
    expect(canSetNameCard('Public', 'Member', 'Member', true)).toBe(true);
    expect(canSetNameCard('Public', 'Member', 'Member', false)).toBe(false);
    expect(canSetNameCard('AVChatRoom', 'Owner', 'Owner', true)).toBe(false);
  });

  it('checklist 734, 700: a Work owner may leave but never dismiss; other owners dismiss but may not leave', () => {
    expect(canQuit('Private', 'Owner')).toBe(true);
    expect(canDismiss('Private', 'Owner')).toBe(false);
    for (const kind of KINDS.filter((k) => k !== 'Private')) {
      expect(canQuit(kind, 'Owner')).toBe(false);
      expect(canDismiss(kind, 'Owner')).toBe(true);
    }
    expect(canQuit('Public', 'Member')).toBe(true);
    expect(canDismiss('Public', 'Admin')).toBe(false);
    expect(canQuit('Public', null)).toBe(false);
  });

  it('checklist 852-856: inviting: managers always; members when inviteOption is FreeAccess; never in an AVChatRoom', () => {
    expect(canInvite({ type: 'Public', inviteOption: 'DisableInvite' }, 'Admin')).toBe(true);
    expect(canInvite({ type: 'Public', inviteOption: 'DisableInvite' }, 'Member')).toBe(false);
    expect(canInvite({ type: 'Private', inviteOption: 'FreeAccess' }, 'Member')).toBe(true);
    expect(canInvite({ type: 'AVChatRoom', inviteOption: 'FreeAccess' }, 'Owner')).toBe(false);
  });
});

describe('members', () => {
  it('checklist 835: muted while muteUntil is after now (seconds)', () => {
    expect(isMuted(member('a', 'Member', { muteUntil: 101 }), 100)).toBe(true);
    expect(isMuted(member('a', 'Member', { muteUntil: 100 }), 100)).toBe(false);
    expect(isMuted(member('a', 'Member'), 100)).toBe(false);
  });

  it('owner first, then admins, then by join time; shown by name card, nickname, user ID', () => {
    const list = [member('m2', 'Member', { joinTime: 3 }), member('a', 'Admin', { joinTime: 2 }), member('m1', 'Member', { joinTime: 1 }), member('o', 'Owner', { joinTime: 5 })];
    expect(sortMembers(list).map((m) => m.userID)).toEqual(['o', 'a', 'm1', 'm2']);
    expect(memberName(member('x', 'Member', { nick: 'Nick', nameCard: 'Card' }))).toBe('Card');
    expect(memberName(member('x', 'Member', { nick: 'Nick' }))).toBe('Nick');
    expect(memberName(member('x', 'Member'))).toBe('x');
  });

  it('the caller’s role comes from the member list, else selfInfo, else the owner ID', () => {
    const group = { ownerID: 'o', selfInfo: null } as unknown as GroupProfile;
    expect(roleIn(group, 'o')).toBe('Owner');
    expect(roleIn(group, 'x')).toBeNull();
    expect(roleIn(group, 'x', [member('x', 'Admin')])).toBe('Admin');
    expect(roleIn({ ...group, selfInfo: { role: 'Member', joinTime: 0, nameCard: '', readSequence: 0 } }, 'x')).toBe('Member');
  });

  it('invite field: user IDs split on commas, spaces and new lines, once each', () => {
    expect(parseUserIDs(' carol, dave\nerin  carol，frank ')).toEqual(['carol', 'dave', 'erin', 'frank']);
    expect(parseUserIDs('  ')).toEqual([]);
  });
});

describe('refusals in human words by TIM code, never by message text', () => {
  it('maps the group codes of the server table to groupInfo keys; others fall back', () => {
    const cases: Array<[number, string]> = [
      [10007, 'groupInfo.error.permission'],
      [10004, 'groupInfo.error.invalid'],
      [10010, 'groupInfo.error.notFound'],
      [10009, 'groupInfo.error.ownerQuit'],
      [10024, 'groupInfo.error.processed'],
      [10013, 'groupInfo.error.alreadyMember'],
      [10014, 'groupInfo.error.full'],
      [2621, 'groupInfo.error.self'],
      [2622, 'groupInfo.error.dismissWork'],
      [2681, 'groupInfo.error.notOwner'],
      [2682, 'groupInfo.error.rolesFixed'],
      [2685, 'groupInfo.error.self'],
      [2800, 'error.network'],
      [12345, 'error.generic'],
    ];
    for (const [code, key] of cases) expect(groupInfoErrorKey({ code, message: 'ignored text' }), String(code)).toBe(key);
  });

  it('every groupInfo key has English and Chinese words', () => {
    const keys = Object.keys(en).filter((k) => k.startsWith('groupInfo.'));
    expect(keys.length).toBeGreaterThan(50);
    for (const k of keys) expect(zhCN[k as keyof typeof en], k).toBeTruthy();
  });
});
