// The contacts state (issue 14) over the fake backend: the friend list
// under its friend groups, the search, following the three relation-chain
// events, what each action sends, addFriend's outcomes, and the words of
// the relation-chain error codes in both languages.
import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { Friends, friendName, friendsOf, groupFriends, matchesFriend, REQUEST_SENT } from '../../src/lib/state/friends.svelte';
import { friendErrorKey } from '../../src/lib/i18n/friend-errors';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import type { FakeBackend } from '../../src/lib/backend/fake';
import type { Friend, FriendApplication, FriendGroup } from '../../src/lib/types';
import { flush, loggedInBackend, profile } from './fixtures';

const friend = (userID: string, over: Partial<Friend> = {}, nick = ''): Friend => ({
  userID,
  remark: '',
  groupList: [],
  source: 'AddSource_Type_Desktop',
  wording: '',
  profile: profile(userID, { nick }),
  friendCustomField: [],
  ...over,
});
const fgroup = (name: string, userIDList: string[]): FriendGroup => ({ name, userIDList, count: userIDList.length });
const request = (userID: string, type: FriendApplication['type'], time = 1): FriendApplication => ({
  userID,
  avatar: '',
  nick: '',
  time,
  source: 'AddSource_Type_Desktop',
  wording: 'hi',
  type,
});

const BOB = friend('bob', { groupList: ['Work', 'Family'] }, 'Bobby');
const CAROL = friend('carol', { remark: 'Aunt C' }, 'Carol');
const DAVE = friend('dave');

describe('the friend list under its groups', () => {
  it('names a friend by remark, else nick, else userID', () => {
    expect(friendName(CAROL)).toBe('Aunt C');
    expect(friendName(BOB)).toBe('Bobby');
    expect(friendName(DAVE)).toBe('dave');
  });

  it('puts a friend under each of their groups, in the groups’ order, and the rest under Ungrouped', () => {
    const sections = groupFriends([BOB, CAROL, DAVE], [fgroup('Work', ['bob']), fgroup('Family', ['bob', 'carol']), fgroup('Empty', [])]);
    expect(sections.map((s) => [s.name, s.friends.map((f) => f.userID)])).toEqual([
      ['Work', ['bob']],
      ['Family', ['bob', 'carol']],
      ['Empty', []],
      [null, ['dave']],
    ]);
  });

  it('no Ungrouped heading when everyone is in a group', () => {
    expect(groupFriends([BOB], [fgroup('Work', ['bob'])]).map((s) => s.name)).toEqual(['Work']);
  });

  it('the search matches userID, nick and remark, case-insensitively, and drops empty headings', () => {
    expect(matchesFriend(BOB, 'BOBB')).toBe(true);
    expect(matchesFriend(CAROL, 'aunt')).toBe(true);
    expect(matchesFriend(CAROL, 'carol')).toBe(true);
    expect(matchesFriend(DAVE, 'x')).toBe(false);
    expect(matchesFriend(DAVE, '  ')).toBe(true);
    const groups = [fgroup('Work', ['bob']), fgroup('Family', ['bob', 'carol'])];
    expect(groupFriends([BOB, CAROL, DAVE], groups, 'aunt').map((s) => [s.name, s.friends.map((f) => f.userID)])).toEqual([['Family', ['carol']]]);
    expect(groupFriends([BOB, CAROL, DAVE], groups, 'dav').map((s) => s.name)).toEqual([null]);
    expect(groupFriends([BOB, CAROL, DAVE], groups, 'nobody')).toEqual([]);
  });
});

function relationBackend(): FakeBackend {
  const b = loggedInBackend();
  b.handle('tim.getFriendList', () => [BOB, DAVE])
    .handle('tim.getFriendGroupList', () => [fgroup('Work', ['bob'])])
    .handle('tim.getFriendApplicationList', () => ({
      friendApplicationList: [request('erin', 'Pendency_Type_ComeIn', 5), request('frank', 'Pendency_Type_SendOut', 4)],
      unreadCount: 1,
    }))
    .handle('tim.setFriendApplicationRead', () => ({}))
    .handle('tim.acceptFriendApplication', (a) => ({ userID: a.userID, code: 0, message: '' }))
    .handle('tim.refuseFriendApplication', (a) => ({ userID: a.userID, code: 0, message: '' }))
    .handle('tim.deleteFriendApplication', (a) => ({ userID: a.userID, code: 0, message: '' }))
    .handle('tim.updateFriend', (a) => ({ ...BOB, remark: a.remark }))
    .handle('tim.deleteFriend', (a) =>
      a.userIDList && (a.userIDList as string[])[0] === 'ghost'
        ? { successUserIDList: [], failureUserIDList: [{ userID: 'ghost', code: 2700, message: 'not a friend' }] }
        : { successUserIDList: [{ userID: 'bob', code: 0, message: '' }], failureUserIDList: [] },
    )
    .handle('tim.createFriendGroup', () => Promise.reject({ code: 2710, message: 'taken' }))
    .handle('tim.renameFriendGroup', (a) => fgroup(a.newName as string, ['bob']))
    .handle('tim.addToFriendGroup', (a) => ({ friendGroup: fgroup(a.name as string, ['bob']), failureUserIDList: [] }))
    .handle('tim.addFriend', (a) => {
      if (a.to === 'alice') return Promise.reject({ code: 90014, message: 'self' });
      return { userID: a.to, code: a.to === 'gina' ? 0 : REQUEST_SENT, message: '' };
    });
  return b;
}

async function started(): Promise<{ app: AppModel; b: FakeBackend; friends: Friends }> {
  const b = relationBackend();
  const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true) });
  await app.start();
  const friends = friendsOf(app);
  await friends.load();
  return { app, b, friends };
}

describe('Friends (state over the facade)', () => {
  it('loads the three lists once, and splits requests into received and sent', async () => {
    const { b, friends, app } = await started();
    expect(friendsOf(app)).toBe(friends);
    expect(friends.list.map((f) => f.userID)).toEqual(['bob', 'dave']);
    expect(friends.sections.map((s) => s.name)).toEqual(['Work', null]);
    expect(friends.incoming.map((a) => a.userID)).toEqual(['erin']);
    expect(friends.outgoing.map((a) => a.userID)).toEqual(['frank']);
    expect(friends.unreadCount).toBe(1);
    await friends.load();
    expect(b.callsOf('tim.getFriendList')).toHaveLength(1);
  });

  it('follows FRIEND_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED', async () => {
    const { b, friends } = await started();
    b.emit('onFriendListUpdated', [BOB, CAROL]);
    expect(friends.list.map((f) => f.userID)).toEqual(['bob', 'carol']);
    b.emit('onFriendGroupListUpdated', [fgroup('Work', ['bob', 'carol'])]);
    expect(friends.sections.map((s) => [s.name, s.friends.length])).toEqual([['Work', 2]]);
    b.emit('onFriendApplicationListUpdated', { friendApplicationList: [request('hank', 'Pendency_Type_ComeIn')], unreadCount: 3 });
    expect(friends.incoming.map((a) => a.userID)).toEqual(['hank']);
    expect(friends.outgoing).toEqual([]);
    expect(friends.unreadCount).toBe(3);
    friends.query = 'caro';
    expect(friends.sections.map((s) => [s.name, s.friends.map((f) => f.userID)])).toEqual([['Work', ['carol']]]);
  });

  it('opening the requests marks them read; answering sends AgreeAndAdd, refuse, and withdraw as SendOut', async () => {
    const { b, friends } = await started();
    friends.select({ kind: 'requests' });
    await flush();
    expect(b.callsOf('tim.setFriendApplicationRead')).toHaveLength(1);
    expect(friends.unreadCount).toBe(0);
    expect(await friends.accept('erin')).toBe(true);
    expect(b.callsOf('tim.acceptFriendApplication')).toEqual([{ userID: 'erin', type: 'Response_Action_AgreeAndAdd', remark: '' }]);
    await friends.refuse('erin');
    expect(b.callsOf('tim.refuseFriendApplication')).toEqual([{ userID: 'erin' }]);
    // One that arrives while the requests are on screen is read at once.
    friends.show(true);
    b.emit('onFriendApplicationListUpdated', { friendApplicationList: [request('ivy', 'Pendency_Type_ComeIn')], unreadCount: 1 });
    await flush();
    expect(b.callsOf('tim.setFriendApplicationRead')).toHaveLength(2);
    expect(friends.unreadCount).toBe(0);
    await friends.withdraw('frank');
    expect(b.callsOf('tim.deleteFriendApplication')).toEqual([{ userID: 'frank', type: 'Pendency_Type_SendOut' }]);
  });

  it('addFriend: added at once, a request sent, or refused with its code', async () => {
    const { b, friends } = await started();
    expect(await friends.add({ to: ' gina ', wording: 'hi', remark: 'G' })).toEqual({ userID: 'gina', code: 0 });
    expect(b.callsOf('tim.addFriend')[0]).toMatchObject({ to: 'gina', source: 'AddSource_Type_Desktop', wording: 'hi', remark: 'G', groupName: '' });
    expect(await friends.add({ to: 'bob' })).toEqual({ userID: 'bob', code: REQUEST_SENT });
    const self = await friends.add({ to: 'alice' });
    expect(self.error?.code).toBe(90014);
    expect(friends.busy).toBe(false);
  });

  it('remark, groups and delete: what each sends; a per-user failure and a refusal become the error', async () => {
    const { b, friends } = await started();
    friends.select({ kind: 'friend', userID: 'bob' });
    expect(await friends.setRemark('bob', 'B')).toBe(true);
    expect(b.callsOf('tim.updateFriend')).toEqual([{ userID: 'bob', remark: 'B', friendCustomField: [] }]);
    expect(await friends.addToGroup('Work', 'bob')).toBe(true);
    expect(b.callsOf('tim.addToFriendGroup')).toEqual([{ name: 'Work', userIDList: ['bob'] }]);
    expect(await friends.renameGroup('Work', ' Job ')).toBe(true);
    expect(b.callsOf('tim.renameFriendGroup')).toEqual([{ oldName: 'Work', newName: 'Job' }]);
    expect(await friends.createGroup('Work')).toBe(false);
    expect(friends.error?.code).toBe(2710);
    expect(await friends.remove('ghost')).toBe(false);
    expect(friends.error?.code).toBe(2700);
    expect(await friends.remove('bob')).toBe(true);
    expect(b.callsOf('tim.deleteFriend').at(-1)).toEqual({ userIDList: ['bob'], type: 'Delete_Type_Both' });
    expect(friends.selected).toBeNull();
  });

  it('signing out empties everything', async () => {
    const { b, friends } = await started();
    friends.show(true);
    b.emit('sdkStateNotReady');
    expect(friends.open).toBe(false);
    expect(friends.list).toEqual([]);
    expect(friends.unreadCount).toBe(0);
    expect(friends.loaded).toBe(false);
  });
});

describe('relation-chain errors in words', () => {
  const en = new I18n('en');
  const zh = new I18n('zh-CN');
  const codes = [2700, 2701, 2710, 2711, 2716, 20007, 30001, 30010, 30014, 30516, 90013, 90014, 90015, 2501];

  it('each code has its own words in English and Chinese', () => {
    const keys = codes.map((code) => friendErrorKey({ code }));
    expect(new Set(keys).size).toBe(codes.length);
    for (const key of keys) {
      expect(key.startsWith('friends.error.')).toBe(true);
      expect(en.t(key)).not.toBe(zh.t(key));
      expect(zh.t(key)).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(en.t(friendErrorKey({ code: 90014 }))).toBe('You can’t add yourself as a friend.');
    expect(zh.t(friendErrorKey({ code: 90014 }))).toBe('不能添加自己为好友。');
  });

  it('other codes fall back to the app-wide words', () => {
    expect(friendErrorKey({ code: 2800 })).toBe('error.network');
    expect(friendErrorKey({ code: 12345 })).toBe('error.generic');
  });
});
