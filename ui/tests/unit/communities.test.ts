// The communities state (社群/话题) over the fake backend: my communities
// with topics and their topic lists, the badge of unread topic messages,
// following GROUP_LIST_UPDATED and the three topic events, what create /
// edit / delete / mute send, refusals kept by their TIM code, opening a
// topic (history, mark read only while shown), notifications of muted
// topics, and a Community with topics made from the create dialog.
import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import {
  canManageTopics,
  communitiesOf,
  isTopicMuted,
  PREFETCH,
  type Communities,
} from '../../src/lib/state/communities.svelte';
import { groupsOf } from '../../src/lib/state/groups.svelte';
import { communityOfTopic, memberGroupOf } from '../../src/lib/state/names';
import { topicErrorKey } from '../../src/lib/i18n/topic-errors';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import type { FakeBackend } from '../../src/lib/backend/fake';
import type { GroupProfile, Topic } from '../../src/lib/types';
import { flush, loggedInBackend, message } from './fixtures';

const CLUB = '@TGS#_club';
const GENERAL = `${CLUB}@TOPIC#_general`;
const RANDOM = `${CLUB}@TOPIC#_random`;

const community = (groupID: string, role: 'Owner' | 'Admin' | 'Member' = 'Owner', over: Partial<GroupProfile> = {}): GroupProfile => ({
  groupID,
  name: groupID === CLUB ? 'Club' : groupID,
  avatar: '',
  type: 'Community',
  introduction: '',
  notification: '',
  ownerID: role === 'Owner' ? 'alice' : 'zed',
  createTime: 1,
  infoSequence: 1,
  lastInfoTime: 1,
  memberCount: 2,
  maxMemberCount: 100000,
  muteAllMembers: false,
  joinOption: 'FreeAccess',
  inviteOption: 'DisableInvite',
  groupCustomField: [],
  isSupportTopic: true,
  nextMessageSeq: 1,
  selfInfo: { role, joinTime: 1, nameCard: '', readSequence: 0 },
  ...over,
});

const topic = (topicID: string, topicName: string, over: Partial<Topic> = {}): Topic => ({
  topicID,
  topicName,
  avatar: '',
  introduction: '',
  notification: '',
  unreadCount: 0,
  muteAllMembers: false,
  customData: '',
  groupAtInfoList: [],
  lastMessage: null,
  selfInfo: { muteUntil: 0, readSequence: 0, messageRemindType: 'AcceptAndNotify' },
  ...over,
});

/** A backend with alice in Club (owner; topics general with 2 unread, random with 1) and a plain Work group. */
function communityBackend(): FakeBackend {
  const b = loggedInBackend();
  let topics: Record<string, Topic[]> = {
    [CLUB]: [topic(GENERAL, 'general', { unreadCount: 2 }), topic(RANDOM, 'random', { unreadCount: 1 })],
  };
  b.handle('tim.getJoinedCommunityList', () => ({
    // A Community without topics is not listed here (the SDK's list may still carry it).
    groupList: [community(CLUB), community('@TGS#_plain', 'Owner', { isSupportTopic: false })],
  }))
    .handle('tim.getTopicList', (a) => {
      const all = topics[a.groupID as string] ?? [];
      const ids = a.topicIDList as string[] | undefined;
      return { successTopicList: ids ? all.filter((t) => ids.includes(t.topicID)) : all, failureTopicList: [] };
    })
    .handle('tim.createTopicInCommunity', (a) => {
      const topicID = `${a.groupID}@TOPIC#_${a.topicName}`;
      topics = { ...topics, [a.groupID as string]: [...(topics[a.groupID as string] ?? []), topic(topicID, a.topicName as string)] };
      return { topicID };
    })
    .handle('tim.updateTopicProfile', (a) => {
      const t = topics[a.groupID as string].find((x) => x.topicID === a.topicID)!;
      return { topic: { ...t, ...(a as Partial<Topic>) } };
    })
    .handle('tim.deleteTopicFromCommunity', (a) => ({
      successTopicList: (a.topicIDList as string[]).map((topicID) => ({ topicID })),
      failureTopicList: [],
    }))
    .handle('tim.setMessageRemindType', () => ({ successUserIDList: [], failureUserIDList: [] }))
    .handle('tim.getGroupMemberList', () => ({ memberList: [], offset: 0 }));
  return b;
}

async function started(b = communityBackend(), focused = true): Promise<{ app: AppModel; b: FakeBackend; c: Communities; focus: WindowFocus }> {
  const focus = new WindowFocus(focused);
  const app = new AppModel(b, { storage: new MemoryStorage(), focus });
  await app.start();
  await flush();
  const c = communitiesOf(app);
  await c.load();
  return { app, b, c, focus };
}

const names = (list: Topic[]) => list.map((t) => t.topicName);
const unread = (c: Communities, topicID: string) => c.topicOf(topicID)?.unreadCount;

describe('Communities: lists and the badge', () => {
  it('lists my communities with topics, reads their topics once, and sums the unread for the rail', async () => {
    const { b, c, app } = await started();
    expect(communitiesOf(app)).toBe(c);
    expect(c.list.map((g) => g.groupID)).toEqual([CLUB]);
    expect(c.selected?.groupID).toBe(CLUB);
    expect(names(c.selectedTopics)).toEqual(['general', 'random']);
    expect(c.totalUnread).toBe(3);
    expect(c.unreadIn(CLUB)).toBe(3);
    await c.load();
    await c.loadTopics(CLUB);
    expect(b.callsOf('tim.getJoinedCommunityList')).toHaveLength(1);
    expect(b.callsOf('tim.getTopicList')).toEqual([{ groupID: CLUB }]);
  });

  it('reads at most PREFETCH topic lists at sign-in (getTopicList takes 10 calls a second); the rest when opened', async () => {
    const b = communityBackend();
    const many = Array.from({ length: PREFETCH + 3 }, (_, i) => community(`@TGS#_c${i}`));
    b.handle('tim.getJoinedCommunityList', () => ({ groupList: many }));
    const { c } = await started(b);
    expect(b.callsOf('tim.getTopicList')).toHaveLength(PREFETCH);
    c.select(`@TGS#_c${PREFETCH + 1}`);
    await flush();
    expect(b.callsOf('tim.getTopicList')).toHaveLength(PREFETCH + 1);
  });

  it('only owners and admins manage topics', async () => {
    expect(canManageTopics(community(CLUB, 'Owner'), 'alice')).toBe(true);
    expect(canManageTopics(community(CLUB, 'Admin'), 'alice')).toBe(true);
    expect(canManageTopics(community(CLUB, 'Member'), 'alice')).toBe(false);
    // The creation answer has no selfInfo: the owner is known by ownerID.
    expect(canManageTopics(community(CLUB, 'Owner', { selfInfo: null }), 'alice')).toBe(true);
    expect(canManageTopics(community(CLUB, 'Member', { selfInfo: null }), 'alice')).toBe(false);
  });

  it('a topic list refused (2996, too fast) is kept with its code; Retry reads it', async () => {
    const b = communityBackend();
    let refuse = true;
    b.handle('tim.getTopicList', () => (refuse ? Promise.reject({ code: 2996, message: 'too fast' }) : { successTopicList: [topic(GENERAL, 'general')], failureTopicList: [] }));
    const { c } = await started(b);
    expect(c.topicErrors[CLUB]?.code).toBe(2996);
    expect(topicErrorKey(c.topicErrors[CLUB])).toBe('error.tooFast');
    refuse = false;
    await c.loadTopics(CLUB, true);
    expect(c.topicErrors[CLUB]).toBeUndefined();
    expect(names(c.selectedTopics)).toEqual(['general']);
  });
});

describe('Communities: the events', () => {
  it('TOPIC_UPDATED replaces the topic (a new object): unread, profile, the badge', async () => {
    const { b, c } = await started();
    const before = c.topicOf(GENERAL);
    b.emit('onTopicUpdated', { groupID: CLUB, topic: topic(GENERAL, 'general', { unreadCount: 5, notification: 'be nice' }) });
    expect(c.topicOf(GENERAL)).not.toBe(before);
    expect(unread(c, GENERAL)).toBe(5);
    expect(c.topicOf(GENERAL)?.notification).toBe('be nice');
    expect(c.totalUnread).toBe(6);
    // A muted topic's unread leaves the badge (its pill turns grey).
    b.emit('onTopicUpdated', { groupID: CLUB, topic: topic(RANDOM, 'random', { unreadCount: 1, selfInfo: { muteUntil: 0, readSequence: 0, messageRemindType: 'AcceptNotNotify' } }) });
    expect(c.totalUnread).toBe(5);
  });

  it('TOPIC_CREATED reads the new topics, those of one burst in one call; TOPIC_DELETED drops them and closes the open one', async () => {
    const { b, c } = await started();
    const news = `${CLUB}@TOPIC#_news`;
    const jobs = `${CLUB}@TOPIC#_jobs`;
    b.handle('tim.getTopicList', (a) => ({
      successTopicList: (a.topicIDList as string[]).map((id) => topic(id, id.split('_').pop()!)),
      failureTopicList: [],
    }));
    b.emit('onTopicCreated', { groupID: CLUB, topicID: news });
    b.emit('onTopicCreated', { groupID: CLUB, topicID: jobs });
    await flush();
    expect(b.callsOf('tim.getTopicList').slice(1)).toEqual([{ groupID: CLUB, topicIDList: [news, jobs] }]);
    expect(names(c.selectedTopics)).toEqual(['general', 'random', 'news', 'jobs']);
    c.openTopic(CLUB, news);
    expect(c.activeTopic?.topicID).toBe(news);
    b.emit('onTopicDeleted', { groupID: CLUB, topicIDList: [news] });
    expect(names(c.selectedTopics)).toEqual(['general', 'random', 'jobs']);
    expect(c.topicID).toBeNull();
    expect(c.activeTopic).toBeNull();
  });

  it('GROUP_LIST_UPDATED: a community left takes its topics along; one joined has its topics read', async () => {
    const { b, c } = await started();
    const other = '@TGS#_other';
    b.emit('onGroupListUpdated', [community(CLUB), community(other, 'Member')]);
    await flush();
    expect(c.list.map((g) => g.groupID)).toEqual([CLUB, other]);
    expect(b.callsOf('tim.getTopicList')).toEqual([{ groupID: CLUB }, { groupID: other }]);
    c.openTopic(CLUB, GENERAL);
    b.emit('onGroupListUpdated', [community(other, 'Member')]);
    expect(c.list.map((g) => g.groupID)).toEqual([other]);
    expect(c.topicOf(GENERAL)).toBeNull();
    expect(c.topicID).toBeNull();
    expect(c.totalUnread).toBe(0);
  });

  it('signing out forgets everything', async () => {
    const { b, c } = await started();
    b.emit('sdkStateNotReady');
    expect(c.list).toEqual([]);
    expect(c.topics).toEqual({});
    expect(c.totalUnread).toBe(0);
  });
});

describe('Communities: opening a topic', () => {
  it('loads its history and marks it read only while its newest message shows in the view', async () => {
    const { b, app, c } = await started();
    c.openTopic(CLUB, GENERAL);
    await flush();
    expect(b.callsOf('tim.getMessageList')).toEqual([{ conversationID: `GROUP${GENERAL}` }]);
    expect(app.visibleConversationID).toBe(`GROUP${GENERAL}`);
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(0);
    app.showsLatest(`GROUP${GENERAL}`, true);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toEqual([{ conversationID: `GROUP${GENERAL}` }]);
    // The SDK answers with the topic read; a new message while it shows is read at once.
    b.emit('onTopicUpdated', { groupID: CLUB, topic: topic(GENERAL, 'general', { unreadCount: 0 }) });
    b.emit('onTopicUpdated', { groupID: CLUB, topic: topic(GENERAL, 'general', { unreadCount: 1 }) });
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(2);
    // Back in the chats, the topic is not on screen: nothing is read.
    c.show(false);
    expect(app.visibleConversationID).toBeNull();
    b.emit('onTopicUpdated', { groupID: CLUB, topic: topic(GENERAL, 'general', { unreadCount: 2 }) });
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(2);
    expect(unread(c, RANDOM)).toBe(1);
  });

  it('a message in a topic notifies unless the topic is muted or on screen', async () => {
    const { b, c } = await started();
    const inTopic = (topicID: string, text: string) =>
      message({ conversationID: `GROUP${topicID}`, conversationType: 'GROUP', to: topicID, nick: 'Bob', payload: { text } });
    b.emit('onMessageReceived', [inTopic(GENERAL, 'hello')]);
    expect(b.callsOf('app.notify')).toEqual([{ title: 'Bob', body: 'hello', conversationID: `GROUP${GENERAL}` }]);
    await c.setMuted(CLUB, GENERAL, true);
    b.emit('onMessageReceived', [inTopic(GENERAL, 'quiet')]);
    expect(b.callsOf('app.notify')).toHaveLength(1);
    c.openTopic(CLUB, RANDOM);
    b.emit('onMessageReceived', [inTopic(RANDOM, 'seen')]);
    expect(b.callsOf('app.notify')).toHaveLength(1);
  });
});

describe('Communities: changing topics', () => {
  it('creates a topic (trimmed), lists it and opens it', async () => {
    const { b, c } = await started();
    c.openDialog({ kind: 'create', groupID: CLUB });
    expect(await c.createTopic(CLUB, { topicName: ' news ', notification: 'Read me', introduction: '' })).toBe(true);
    expect(b.callsOf('tim.createTopicInCommunity')).toEqual([
      { groupID: CLUB, topicID: '', avatar: '', customData: '', topicName: 'news', notification: 'Read me', introduction: '' },
    ]);
    expect(names(c.selectedTopics)).toEqual(['general', 'random', 'news']);
    expect(c.dialog).toBeNull();
    expect(c.activeTopic?.topicName).toBe('news');
    expect(c.activeTopic?.notification).toBe('Read me');
  });

  it('a refusal keeps the dialog open with its code (10007: not owner or admin)', async () => {
    const b = communityBackend();
    b.handle('tim.createTopicInCommunity', () => Promise.reject({ code: 10007, message: 'denied' }));
    const { c } = await started(b);
    c.openDialog({ kind: 'create', groupID: CLUB });
    expect(await c.createTopic(CLUB, { topicName: 'x', notification: '', introduction: '' })).toBe(false);
    expect(c.error?.code).toBe(10007);
    expect(topicErrorKey(c.error!)).toBe('topics.error.denied');
    expect(c.dialog).toEqual({ kind: 'create', groupID: CLUB });
  });

  it('edit sends only what changed, muteAllMembers among it', async () => {
    const { b, c } = await started();
    expect(await c.updateTopic(CLUB, GENERAL, { topicName: 'general', notification: 'No spam', introduction: '', muteAllMembers: true })).toBe(true);
    expect(b.callsOf('tim.updateTopicProfile')).toEqual([{ groupID: CLUB, topicID: GENERAL, notification: 'No spam', muteAllMembers: true }]);
    expect(c.topicOf(GENERAL)?.notification).toBe('No spam');
    expect(c.topicOf(GENERAL)?.muteAllMembers).toBe(true);
    // Nothing changed: no call.
    expect(await c.updateTopic(CLUB, GENERAL, { topicName: 'general', notification: 'No spam', introduction: '', muteAllMembers: true })).toBe(true);
    expect(b.callsOf('tim.updateTopicProfile')).toHaveLength(1);
  });

  it('delete removes the topic; a per-topic failure is an error with its code', async () => {
    const { b, c } = await started();
    expect(await c.deleteTopic(CLUB, RANDOM)).toBe(true);
    expect(b.callsOf('tim.deleteTopicFromCommunity')).toEqual([{ groupID: CLUB, topicIDList: [RANDOM] }]);
    expect(names(c.selectedTopics)).toEqual(['general']);
    b.handle('tim.deleteTopicFromCommunity', (a) => ({
      successTopicList: [],
      failureTopicList: [{ topicID: (a.topicIDList as string[])[0], code: 10010, message: 'none such' }],
    }));
    expect(await c.deleteTopic(CLUB, GENERAL)).toBe(false);
    expect(c.error?.code).toBe(10010);
    expect(names(c.selectedTopics)).toEqual(['general']);
  });

  it('mute sets the topic’s remind type (groupID: the topic ID); unmute sets it back', async () => {
    const { b, c } = await started();
    await c.setMuted(CLUB, RANDOM, true);
    expect(b.callsOf('tim.setMessageRemindType')).toEqual([{ userIDList: [], groupID: RANDOM, messageRemindType: 'AcceptNotNotify' }]);
    expect(isTopicMuted(c.topicOf(RANDOM)!)).toBe(true);
    expect(c.totalUnread).toBe(2);
    await c.setMuted(CLUB, RANDOM, false);
    expect(b.callsOf('tim.setMessageRemindType')[1].messageRemindType).toBe('AcceptAndNotify');
    expect(c.totalUnread).toBe(3);
    // A refusal leaves the topic as it was, and says it was the mute that failed.
    b.handle('tim.setMessageRemindType', () => Promise.reject({ code: 10007, message: 'no' }));
    expect(await c.setMuted(CLUB, RANDOM, true)).toBe(false);
    expect(c.muteFailed).toBe(true);
    expect(c.error?.code).toBe(10007);
    expect(isTopicMuted(c.topicOf(RANDOM)!)).toBe(false);
  });
});

describe('a Community with topics from the create dialog', () => {
  it('is made with isSupportTopic and opens in the communities view, owned by me', async () => {
    const b = communityBackend();
    b.handle('tim.createGroup', (a) => ({ group: { ...community('@TGS#_new'), name: a.name, selfInfo: undefined }, overLimitUserIDList: [] }));
    const { app, c } = await started(b);
    const groups = groupsOf(app);
    expect(await groups.create({ name: 'New', type: 'Community', groupID: '', members: [], joinOption: 'FreeAccess', topics: true })).toBe(true);
    expect(b.callsOf('tim.createGroup')[0]).toMatchObject({ name: 'New', type: 'Community', isSupportTopic: true, joinOption: 'FreeAccess' });
    expect(c.open).toBe(true);
    expect(c.selected?.groupID).toBe('@TGS#_new');
    expect(c.canManage('@TGS#_new')).toBe(true);
    expect(c.selectedTopics).toEqual([]);
    // Not opened as a chat: the community itself takes no messages (2115).
    expect(app.conversations.activeID).toBeNull();
  });
});

describe('topic IDs and words', () => {
  it('a topic ID names its community; its members are the community’s', () => {
    expect(communityOfTopic(GENERAL)).toBe(CLUB);
    expect(communityOfTopic(CLUB)).toBeNull();
    expect(memberGroupOf(GENERAL)).toBe(CLUB);
    expect(memberGroupOf('plain')).toBe('plain');
  });

  it('a topic’s members are its community’s, read until the Community’s string offset "0"', async () => {
    const b = communityBackend();
    b.handle('tim.getGroupMemberList', (a) => ({
      memberList: [{ userID: a.offset === 0 ? 'alice' : 'bob', nick: '', avatar: '', role: 'Member', joinTime: 1, nameCard: '', muteUntil: 0, memberCustomField: [] }],
      offset: a.offset === 0 ? '100' : '0',
    }));
    const { app } = await started(b);
    const groups = groupsOf(app);
    await groups.loadMembers(GENERAL);
    expect(b.callsOf('tim.getGroupMemberList')).toEqual([
      { groupID: CLUB, count: 100, offset: 0 },
      { groupID: CLUB, count: 100, offset: '100' },
    ]);
    expect(groups.members(GENERAL)?.map((m) => m.userID)).toEqual(['alice', 'bob']);
    expect(groups.members(CLUB)).toBe(groups.members(GENERAL));
  });

  it('every topic error has words in both languages', () => {
    for (const code of [10007, 10010, 10004, 3021, 2600, 10021, 2996, 12345]) {
      const key = topicErrorKey({ code });
      for (const locale of ['en', 'zh-CN'] as const) expect(new I18n(locale).t(key)).not.toBe(key);
    }
    expect(new I18n('zh-CN').t('rail.communitiesWithCount', { count: 3 })).toBe('社群，3 条未读消息');
    expect(new I18n('en').t('rail.communitiesWithCount', { count: 1 })).toBe('Communities, 1 unread message');
  });
});

describe('A clicked desktop notification opens its conversation', () => {
  it('a topic opens in the communities view; a chat opens in the chats and leaves the view', async () => {
    const { app, b, c } = await started();
    c.show(false);
    b.emit('confab.notificationClicked', { conversationID: `GROUP${RANDOM}` });
    await flush();
    expect(c.open).toBe(true);
    expect(c.topicID).toBe(RANDOM);
    expect(app.visibleConversationID).toBe(`GROUP${RANDOM}`);
    b.emit('confab.notificationClicked', { conversationID: 'C2Cbob' });
    await flush();
    expect(c.open).toBe(false);
    expect(app.conversations.activeID).toBe('C2Cbob');
    expect(app.visibleConversationID).toBe('C2Cbob');
  });
});
