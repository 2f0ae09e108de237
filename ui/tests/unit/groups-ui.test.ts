// The pure rules of the group UI (issue 13, part 1): tip and notice words,
// the row's @ marker, name choice, mention editing, the group error words,
// and the rows of a message list with tips in it.
import { describe, expect, it } from 'vitest';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import { en, zhCN } from '../../src/lib/i18n/messages';
import {
  atMarker,
  atUserListOf,
  insertMention,
  matchMembers,
  memberName,
  mentionQuery,
  mentionsMe,
  muteLength,
  noticeText,
  parseUserIDs,
  senderLabel,
  splitMentions,
  tipText,
} from '../../src/lib/state/group-text';
import { conversationName } from '../../src/lib/state/names';
import { groupErrorKey } from '../../src/lib/i18n/group-errors';
import { buildRows } from '../../src/components/chat/rows';
import { TYPES } from '../../src/lib/tim';
import { buildMessage } from '../../src/lib/tim/message-builder';
import type { Conversation, GroupMember } from '../../src/lib/types';

const enT = new I18n('en');
const zhT = new I18n('zh-CN');
const t = enT.t.bind(enT);
const tz = zhT.t.bind(zhT);
const NAMES: Record<string, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol' };
const nameOf = (id: string) => NAMES[id] ?? id;

function member(userID: string, extra: Partial<GroupMember> = {}): GroupMember {
  return { userID, nick: '', avatar: '', role: 'Member', joinTime: 0, nameCard: '', muteUntil: 0, memberCustomField: [], ...extra };
}

describe('group tips (every GRP_TIP_* operationType)', () => {
  const tip = (operationType: number, extra: Record<string, unknown> = {}) => ({ operatorID: 'alice', operationType, userIDList: ['carol'], ...extra });

  it('join: by oneself, or added by someone', () => {
    expect(tipText({ operatorID: 'bob', operationType: TYPES.GRP_TIP_MBR_JOIN, userIDList: ['bob'] }, nameOf, t)).toBe('Bob joined the group');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_JOIN, { userIDList: ['bob', 'carol'] }), nameOf, t)).toBe('Alice added Bob, Carol');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_JOIN, { userIDList: ['bob', 'carol'] }), nameOf, tz)).toBe('Alice 邀请 Bob、Carol 加入了群聊');
  });

  it('quit, kick, admin set and cancelled', () => {
    expect(tipText({ operatorID: 'bob', operationType: TYPES.GRP_TIP_MBR_QUIT, userIDList: ['bob'] }, nameOf, t)).toBe('Bob left the group');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_KICKED_OUT), nameOf, t)).toBe('Alice removed Carol');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_KICKED_OUT), nameOf, tz)).toBe('Alice 将 Carol 移出了群聊');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_SET_ADMIN), nameOf, t)).toBe('Alice made Carol an admin');
    expect(tipText(tip(TYPES.GRP_TIP_MBR_CANCELED_ADMIN), nameOf, t)).toBe('Alice removed Carol as admin');
  });

  it('group profile changes, one clause per field', () => {
    const p = (newGroupProfile: Record<string, unknown>) => tip(TYPES.GRP_TIP_GRP_PROFILE_UPDATED, { userIDList: [], newGroupProfile });
    expect(tipText(p({ name: 'Design' }), nameOf, t)).toBe('Alice renamed the group to “Design”');
    expect(tipText(p({ name: 'Design' }), nameOf, tz)).toBe('Alice 将群名称改为“Design”');
    expect(tipText(p({ notification: 'x' }), nameOf, t)).toBe('Alice changed the group notice');
    expect(tipText(p({ introduction: 'x' }), nameOf, t)).toBe('Alice changed the group introduction');
    expect(tipText(p({ avatar: 'u' }), nameOf, t)).toBe('Alice changed the group photo');
    expect(tipText(p({ muteAllMembers: true }), nameOf, t)).toBe('Alice muted everyone');
    expect(tipText(p({ muteAllMembers: false }), nameOf, t)).toBe('Alice unmuted everyone');
    expect(tipText(p({ ownerID: 'bob' }), nameOf, t)).toBe('Bob is now the owner');
    expect(tipText(p({ groupCustomField: [] }), nameOf, t)).toBe('Alice changed the group info');
    expect(tipText(p({ name: 'D', notification: 'n' }), nameOf, t)).toBe('Alice renamed the group to “D” · Alice changed the group notice');
  });

  it('member mute and unmute (GRP_TIP_MBR_PROFILE_UPDATED)', () => {
    const m = (memberList: { userID: string; muteTime: number }[]) => tip(TYPES.GRP_TIP_MBR_PROFILE_UPDATED, { memberList });
    expect(tipText(m([{ userID: 'carol', muteTime: 600 }]), nameOf, t)).toBe('Alice muted Carol for 10 minutes');
    expect(tipText(m([{ userID: 'carol', muteTime: 600 }]), nameOf, tz)).toBe('Alice 将 Carol 禁言 10 分钟');
    expect(tipText(m([{ userID: 'carol', muteTime: 0 }]), nameOf, t)).toBe('Alice unmuted Carol');
    expect(tipText(m([]), nameOf, t)).toBe('Alice changed Carol’s member info');
  });

  it('ban and unban (AVChatRoom)', () => {
    expect(tipText(tip(TYPES.GRP_TIP_BAN_AVCHATROOM_MEMBER), nameOf, t)).toBe('Alice banned Carol');
    expect(tipText(tip(TYPES.GRP_TIP_UNBAN_AVCHATROOM_MEMBER), nameOf, t)).toBe('Alice lifted the ban on Carol');
  });

  it('an unknown type still says something', () => {
    expect(tipText({ operationType: 99 }, nameOf, t)).toBe('The group changed');
    expect(tipText(null, nameOf, t)).toBe('The group changed');
  });

  it('mute lengths: minutes, hours, days', () => {
    expect(muteLength(60, t)).toBe('1 minute');
    expect(muteLength(7200, t)).toBe('2 hours');
    expect(muteLength(86400 * 3, t)).toBe('3 days');
  });
});

describe('group system notices (every GRP_SYS_* operationType)', () => {
  const n = (operationType: number, handleMessage = '') => ({ operationType, groupProfile: { groupID: 'g1', name: 'Team' }, operatorID: 'alice', handleMessage });

  it('says each kind in words, in both languages', () => {
    const expected: Record<number, string> = {
      1: 'Alice asked to join Team',
      2: 'Your request to join Team was accepted',
      3: 'Your request to join Team was refused',
      4: 'Alice removed you from Team',
      5: 'Team was dismissed',
      6: 'You created Team',
      7: 'Alice added you to Team',
      8: 'You left Team',
      9: 'Alice made you an admin of Team',
      10: 'Alice removed you as admin of Team',
      11: 'Team was closed',
      12: 'Alice invited you to Team',
      13: 'Your invitation to Team was accepted',
      14: 'Your invitation to Team was refused',
    };
    for (const [type, line] of Object.entries(expected)) expect(noticeText(n(Number(type)), nameOf, t)).toBe(line);
    expect(noticeText(n(4), nameOf, tz)).toBe('Alice 将你移出了 Team');
  });

  it('adds the note of a request, and a custom notice is its note', () => {
    expect(noticeText(n(1, 'let me in'), nameOf, t)).toBe('Alice asked to join Team (“let me in”)');
    expect(noticeText(n(255, 'hello all'), nameOf, t)).toBe('Team: hello all');
    expect(noticeText({ operationType: 77, groupProfile: { groupID: 'g9' } }, nameOf, t)).toBe('Notice from g9');
  });
});

describe('names', () => {
  it('member: name card > nick > user ID', () => {
    expect(memberName(member('bob', { nameCard: 'Bobby', nick: 'Bob' }))).toBe('Bobby');
    expect(memberName(member('bob', { nick: 'Bob' }))).toBe('Bob');
    expect(memberName(member('bob'))).toBe('bob');
    expect(senderLabel({ from: 'bob', nameCard: '', nick: 'Bob' })).toBe('Bob');
  });

  it('a group conversation is named by its group; else its ID', () => {
    const c = { conversationID: 'GROUPg1', type: 'GROUP', groupProfile: { name: 'Team' }, remark: '', userProfile: null } as unknown as Conversation;
    expect(conversationName(c)).toBe('Team');
    expect(conversationName({ ...c, groupProfile: null })).toBe('g1');
  });
});

describe('the @ marker of a row (groupAtInfoList)', () => {
  it('me wins over all; nothing without mentions', () => {
    expect(atMarker([])).toBeNull();
    expect(atMarker(undefined)).toBeNull();
    expect(atMarker([{ atType: TYPES.CONV_AT_ALL }])).toBe('all');
    expect(atMarker([{ atType: TYPES.CONV_AT_ALL }, { atType: TYPES.CONV_AT_ME }])).toBe('me');
    expect(atMarker([{ atType: TYPES.CONV_AT_ALL_AT_ME }])).toBe('me');
  });

  it('the marker words exist in both languages', () => {
    expect(en['groups.atMe']).toBe('[@ me]');
    expect(zhCN['groups.atMe']).toBe('[有人@我]');
  });
});

describe('mentions in the composer', () => {
  it('finds the @query at the caret: after a space or at the start, no space inside', () => {
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('hi @ca', 6)).toEqual({ start: 3, query: 'ca' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
    expect(mentionQuery('hi @carol x', 11)).toBeNull();
    expect(mentionQuery('no at', 5)).toBeNull();
  });

  it('filters members by name or ID, leaving me out', () => {
    const list = [member('alice'), member('bob', { nick: 'Bob' }), member('carol', { nameCard: 'Caz' })];
    expect(matchMembers(list, '', 'alice').map((c) => c.userID)).toEqual(['bob', 'carol']);
    expect(matchMembers(list, 'ca', 'alice')).toEqual([{ userID: 'carol', label: 'Caz' }]);
    expect(matchMembers(list, 'CAROL', 'alice')).toEqual([{ userID: 'carol', label: 'Caz' }]);
  });

  it('inserts "@name " in place of the query and puts the caret after it', () => {
    expect(insertMention('hi @ca', 3, 6, 'Carol')).toEqual({ text: 'hi @Carol ', caret: 10 });
    expect(insertMention('@b tail', 0, 2, 'Bob')).toEqual({ text: '@Bob  tail', caret: 5 });
  });

  it('the atUserList keeps the picked mentions still in the text, once', () => {
    const picked = [
      { userID: 'carol', label: 'Carol' },
      { userID: 'bob', label: 'Bob' },
      { userID: 'carol', label: 'Carol' },
      { userID: TYPES.MSG_AT_ALL, label: 'all' },
    ];
    expect(atUserListOf('@Carol look @all', picked)).toEqual(['carol', TYPES.MSG_AT_ALL]);
    expect(atUserListOf('nothing', picked)).toEqual([]);
  });

  it('mentions of me: by ID or @all, never my own', () => {
    expect(mentionsMe({ from: 'bob', atUserList: ['carol'] }, 'carol')).toBe(true);
    expect(mentionsMe({ from: 'bob', atUserList: [TYPES.MSG_AT_ALL] }, 'carol')).toBe(true);
    expect(mentionsMe({ from: 'carol', atUserList: ['carol'] }, 'carol')).toBe(false);
    expect(mentionsMe({ from: 'bob', atUserList: ['dave'] }, 'carol')).toBe(false);
  });

  it('splits a text at the @labels, longest first', () => {
    expect(splitMentions('hi @Bob Smith, and @Bob', ['Bob', 'Bob Smith'])).toEqual([
      { text: 'hi ', mention: false },
      { text: '@Bob Smith', mention: true },
      { text: ', and ', mention: false },
      { text: '@Bob', mention: true },
    ]);
    expect(splitMentions('mail@Bob.com', ['Bob'])).toEqual([{ text: 'mail', mention: false }, { text: '@Bob', mention: true }, { text: '.com', mention: false }]);
    expect(splitMentions('plain', [])).toEqual([{ text: 'plain', mention: false }]);
  });

  it('member IDs typed into the create dialog', () => {
    expect(parseUserIDs('bob, carol  bob；dave', 'alice')).toEqual(['bob', 'carol', 'dave']);
    expect(parseUserIDs('alice', 'alice')).toEqual([]);
  });
});

describe('group errors are worded by TIM code', () => {
  it('maps the codes of create / join', () => {
    expect(groupErrorKey({ code: 10021 })).toBe('groups.error.idInUse');
    expect(groupErrorKey({ code: 10010 })).toBe('groups.error.notFound');
    expect(groupErrorKey({ code: 10015 })).toBe('groups.error.invalidID');
    expect(groupErrorKey({ code: 2601 })).toBe('groups.error.cannotJoinWork');
    expect(groupErrorKey({ code: 10007 })).toBe('groups.error.denied');
    expect(groupErrorKey({ code: 10013 })).toBe('groups.error.alreadyMember');
    expect(groupErrorKey({ code: 10014 })).toBe('groups.error.full');
    expect(groupErrorKey({ code: 2801 })).toBe('error.network');
    expect(groupErrorKey({ code: 1 })).toBe('error.generic');
  });
});

describe('message rows with tips', () => {
  const msg = (from: string, time: number, extra: Record<string, unknown> = {}) =>
    buildMessage({ type: TYPES.MSG_TEXT, payload: { text: 'x' }, conversationType: 'GROUP', to: 'g1', from, time, flow: 'in', ...extra });

  it('a tip is its own row and breaks the grouping of bubbles around it', () => {
    const tip = msg('alice', 1002, { type: TYPES.MSG_GRP_TIP, payload: { operationType: 1, userIDList: ['bob'] } });
    const rows = buildRows([msg('bob', 1000), msg('bob', 1001), tip, msg('bob', 1003)], null).filter((r) => r.kind === 'msg' || r.kind === 'tip');
    expect(rows.map((r) => r.kind)).toEqual(['msg', 'msg', 'tip', 'msg']);
    const [a, b, , c] = rows as Extract<(typeof rows)[number], { kind: 'msg' }>[];
    expect([a.first, a.last, b.first, b.last]).toEqual([true, false, false, true]);
    expect([c.first, c.last]).toEqual([true, true]);
  });
});
