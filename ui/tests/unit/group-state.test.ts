// The state behind the group info panel and the applications inbox, over
// the fake backend: what each action sends, how group tips, the group list
// and group system notices keep the panel current, and how the inbox
// keeps an answer's outcome (a late one with its code, 10024).
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../../src/lib/backend/fake';
import { Tim } from '../../src/lib/tim';
import { GroupInfo } from '../../src/lib/state/group-info.svelte';
import { GroupApplications } from '../../src/lib/state/group-applications.svelte';
import type { GroupApplication, GroupMember, GroupProfile } from '../../src/lib/types';
import { message } from './fixtures';

const group = (over: Partial<GroupProfile> = {}): GroupProfile => ({
  groupID: 'club',
  name: 'Club',
  avatar: '',
  type: 'Public',
  introduction: '',
  notification: '',
  ownerID: 'alice',
  createTime: 1,
  infoSequence: 1,
  lastInfoTime: 1,
  memberCount: 2,
  maxMemberCount: 2000,
  muteAllMembers: false,
  joinOption: 'FreeAccess',
  inviteOption: 'DisableInvite',
  groupCustomField: [],
  isSupportTopic: false,
  nextMessageSeq: 1,
  selfInfo: { role: 'Owner', joinTime: 1, nameCard: '', readSequence: 0 },
  ...over,
});

const member = (userID: string, role: GroupMember['role'], joinTime = 1): GroupMember => ({
  userID,
  nick: '',
  avatar: '',
  role,
  joinTime,
  nameCard: '',
  muteUntil: 0,
  memberCustomField: [],
});

const application = (applicant: string): GroupApplication => ({
  applicant,
  applicantNick: '',
  groupID: 'club',
  groupName: 'Club',
  applicationType: 0,
  userID: '',
  note: 'hi',
  time: 10,
});

function groupBackend() {
  const b = new FakeBackend();
  let profile = group();
  b.handle('tim.getGroupProfile', () => ({ group: profile }));
  // Two pages: the panel follows `offset` until it is 0.
  b.handle('tim.getGroupMemberList', (a) =>
    a.offset === 0 ? { memberList: [member('bob', 'Member', 2)], offset: 1 } : { memberList: [member('alice', 'Owner', 1)], offset: 0 },
  );
  b.handle('tim.updateGroupProfile', (a) => {
    profile = { ...profile, ...(a as Partial<GroupProfile>) };
    return { group: profile };
  });
  b.handle('tim.setGroupMemberMuteTime', (a) => ({ group: profile, member: { ...member('bob', 'Member', 2), muteUntil: 1000 + Number(a.muteTime) } }));
  return b;
}

describe('GroupInfo (the panel’s state)', () => {
  it('loads the profile and every member page, owner first', async () => {
    const b = groupBackend();
    const info = new GroupInfo(new Tim(b), 'club', 'alice');
    await info.load();
    expect(info.status).toBe('ready');
    expect(info.members.map((m) => m.userID)).toEqual(['alice', 'bob']);
    expect(b.callsOf('tim.getGroupMemberList').map((a) => a.offset)).toEqual([0, 1]);
    expect(info.role).toBe('Owner');
  });

  it('sends only the changed fields, and mute minutes as seconds', async () => {
    const b = groupBackend();
    const info = new GroupInfo(new Tim(b), 'club', 'alice');
    await info.load();
    expect((await info.update({ notification: 'Hello' })).ok).toBe(true);
    expect(b.callsOf('tim.updateGroupProfile')).toEqual([{ groupID: 'club', notification: 'Hello' }]);
    expect(info.group?.notification).toBe('Hello');
    await info.mute('bob', 10);
    expect(b.callsOf('tim.setGroupMemberMuteTime')).toEqual([{ groupID: 'club', userID: 'bob', muteTime: 600 }]);
    expect(info.members.find((m) => m.userID === 'bob')?.muteUntil).toBe(1600);
  });

  it('an older load answering last never overwrites a newer one', async () => {
    const b = groupBackend();
    let release: (() => void) | null = null;
    let calls = 0;
    b.handle('tim.getGroupProfile', async () => {
      calls++;
      if (calls === 1) {
        await new Promise<void>((r) => (release = r));
        return { group: group({ notification: 'old' }) };
      }
      return { group: group({ notification: 'new' }) };
    });
    const info = new GroupInfo(new Tim(b), 'club', 'alice');
    const first = info.load();
    await info.load();
    expect(info.group?.notification).toBe('new');
    release!();
    await first;
    expect(info.group?.notification).toBe('new');
  });

  it('a refused call resolves with its TIM code, and nothing changes', async () => {
    const b = groupBackend();
    b.handle('tim.dismissGroup', () => {
      throw { code: 10007, message: 'no' };
    });
    const info = new GroupInfo(new Tim(b), 'club', 'alice');
    await info.load();
    const r = await info.dismiss();
    expect(r).toMatchObject({ ok: false, error: { code: 10007 } });
    expect(info.gone).toBeNull();
    expect(info.busy).toBeNull();
  });

  it('reloads on a tip of its group (not of another); the group leaving the list or a dismissal notice ends it', async () => {
    const b = groupBackend();
    const info = new GroupInfo(new Tim(b), 'club', 'alice');
    const stop = info.attach();
    await info.load();
    const before = b.callsOf('tim.getGroupProfile').length;
    b.emit('onMessageReceived', [message({ type: 'TIMGroupTipElem', conversationID: 'GROUPother', conversationType: 'GROUP', payload: { operationType: 6 } })]);
    b.emit('onMessageReceived', [message({ type: 'TIMGroupTipElem', conversationID: 'GROUPclub', conversationType: 'GROUP', payload: { operationType: 6 } })]);
    await vi.waitFor(() => expect(b.callsOf('tim.getGroupProfile').length).toBe(before + 1));
    b.emit('onGroupListUpdated', []);
    expect(info.gone).toBe('removed');
    expect(info.role).toBeNull();
    b.emit('onGroupListUpdated', [group()]);
    expect(info.gone).toBeNull();
    b.emit('onMessageReceived', [
      message({ type: 'TIMGroupSystemNoticeElem', conversationID: '@TIM#SYSTEM', payload: { operationType: 5, groupProfile: group() } }),
    ]);
    expect(info.gone).toBe('dismissed');
    stop();
  });
});

describe('GroupApplications (the inbox)', () => {
  it('loads, reloads on a group system notice, and counts what is pending', async () => {
    const b = new FakeBackend();
    let list = [application('carol')];
    b.handle('tim.getGroupApplicationList', () => ({ applicationList: list }));
    const inbox = new GroupApplications(new Tim(b));
    await inbox.load();
    expect(inbox.count).toBe(1);
    list = [application('carol'), application('dave')];
    b.emit('onMessageReceived', [message({ type: 'TIMGroupSystemNoticeElem', conversationID: '@TIM#SYSTEM', payload: { operationType: 1 } })]);
    await vi.waitFor(() => expect(inbox.count).toBe(2));
    // An ordinary message does not reload it.
    const calls = b.callsOf('tim.getGroupApplicationList').length;
    b.emit('onMessageReceived', [message()]);
    expect(b.callsOf('tim.getGroupApplicationList').length).toBe(calls);
  });

  it('keeps each answer’s outcome; a late answer keeps its code; closing drops answered requests', async () => {
    const b = new FakeBackend();
    b.handle('tim.getGroupApplicationList', () => ({ applicationList: [application('carol'), application('dave')] }));
    b.handle('tim.handleGroupApplication', (a) => {
      const app = a.application as GroupApplication;
      if (app.applicant === 'dave') throw { code: 10024, message: 'already processed' };
      return { group: group() };
    });
    const inbox = new GroupApplications(new Tim(b));
    await inbox.load();
    expect(await inbox.handle(inbox.list[0], 'Agree')).toEqual({ action: 'Agree' });
    const late = await inbox.handle(inbox.list[1], 'Agree');
    expect(late.error?.code).toBe(10024);
    expect(inbox.count).toBe(0);
    expect(inbox.list).toHaveLength(2);
    expect(b.callsOf('tim.handleGroupApplication')[0]).toMatchObject({ handleAction: 'Agree', handleMessage: '', application: { applicant: 'carol' } });
    inbox.settle();
    expect(inbox.list).toHaveLength(0);
  });

  it('SDK_NOT_READY empties it', async () => {
    const b = new FakeBackend();
    b.handle('tim.getGroupApplicationList', () => ({ applicationList: [application('carol')] }));
    const inbox = new GroupApplications(new Tim(b));
    await inbox.load();
    inbox.open = true;
    b.emit('sdkStateNotReady');
    expect(inbox.count).toBe(0);
    expect(inbox.open).toBe(false);
  });
});
