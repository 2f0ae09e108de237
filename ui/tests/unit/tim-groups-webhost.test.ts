// The facade's group methods against the real web host and server (issue
// 13): alice's web host runs the embedded confabd; bob's web host connects
// to it. Each test quotes the checklist line
// (shared/reference/conformance-checklist.md) it proves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tim } from '../../src/lib/tim';
import { nextEvent, registerAccount, startWebHost, type WebHost } from './webhost';

const { EVENT, TYPES } = Tim;

describe('the group methods of the facade over the real web host', { timeout: 60_000 }, () => {
  let aliceHost: WebHost;
  let bobHost: WebHost;
  let alice: Tim;
  let bob: Tim;

  beforeAll(async () => {
    [aliceHost, bobHost] = await Promise.all([startWebHost('alice'), startWebHost('bob')]);
    alice = aliceHost.tim;
    bob = bobHost.tim;
    const state = await alice.app.chooseServer({ mode: 'local' });
    await alice.app.register({ userID: 'alice', password: 'alice-password-1' });
    const serverUrl = state.serverUrl ?? '';
    const bobSig = await registerAccount(serverUrl, 'bob', 'bob-password-1');
    await bob.app.chooseServer({ mode: 'remote', url: serverUrl });
    await bob.login({ userID: 'bob', userSig: bobSig });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([aliceHost?.stop(), bobHost?.stop()]);
  });

  it('createGroup resolves {group, overLimitUserIDList}; the group is listed and GROUP_LIST_UPDATED fires', async () => {
    const updated = nextEvent(alice, EVENT.GROUP_LIST_UPDATED, (list) => list.some((g) => g.groupID === 'club'));
    const res = await alice.createGroup({ name: 'Club', type: TYPES.GRP_PUBLIC, groupID: 'club', joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS });
    // checklist 692: `imResponse.data.group` is the created group's profile.
    // checklist 693: `imResponse.data.overLimitUserIDList` lists members who were not added …
    expect(res).toMatchObject({ code: 0, data: { group: { groupID: 'club', name: 'Club', type: 'Public' }, overLimitUserIDList: [] } });
    // checklist 694: GROUP_LIST_UPDATED fires for the creator and for the initial members.
    const list = await updated;
    expect(list.find((g) => g.groupID === 'club')?.name).toBe('Club');
    // checklist 666: `tim.getGroupList()` with no argument works.
    // checklist 652: `imResponse.data.groupList` = [Group].
    const groups = await alice.getGroupList();
    expect(groups.data.groupList.map((g) => g.groupID)).toContain('club');
    // checklist 675: `type` defaults to GRP_WORK ('Private').
    const work = await alice.createGroup({ name: 'Desk', groupID: 'desk' });
    expect(work.data.group.type).toBe(TYPES.GRP_WORK);
  });

  it('joinGroup resolves {status, group}; a group message goes through the facade both ways; quitGroup resolves {groupID}', async () => {
    // checklist 741: `imResponse.data.group` holds the group's information.
    const found = await bob.searchGroupByID('club');
    expect(found.data.group.groupID).toBe('club');
    // checklist 726: FreeAccess: the user joins at once (status JoinedSuccess).
    const joined = await bob.joinGroup({ groupID: 'club', applyMessage: 'hi' });
    expect(joined.data.status).toBe(TYPES.JOIN_STATUS_SUCCESS);
    expect(joined.data.group?.groupID).toBe('club');
    // checklist 724: Already being a member resolves; it does not reject.
    const again = await bob.joinGroup({ groupID: 'club' });
    expect(again.data.status).toBe(TYPES.JOIN_STATUS_ALREADY_IN_GROUP);

    const members = await alice.getGroupMemberList({ groupID: 'club' });
    expect(members.data.memberList.map((m) => m.userID).sort()).toEqual(['alice', 'bob']);
    expect(members.data.offset).toBe(0);

    // checklist 85: `to` is … the groupID (group). `conversationType` is … CONV_GROUP ('GROUP').
    const arrived = nextEvent(bob, EVENT.MESSAGE_RECEIVED, (list) =>
      list.some((m) => m.conversationID === 'GROUPclub' && m.payload.text === 'hello club'),
    );
    const m = alice.createTextMessage({ to: 'club', conversationType: TYPES.CONV_GROUP, payload: { text: 'hello club' } });
    await alice.sendMessage(m);
    expect(m).toMatchObject({ status: 'success', conversationID: 'GROUPclub', conversationType: 'GROUP' });
    const received = (await arrived).find((x) => x.payload.text === 'hello club');
    expect(received).toMatchObject({ from: 'alice', to: 'club', flow: 'in', conversationType: 'GROUP' });
    const conversations = await bob.getConversationList({ type: TYPES.CONV_GROUP });
    expect(conversations.data.conversationList.map((c) => c.conversationID)).toContain('GROUPclub');

    const reply = bob.createTextMessage({ to: 'club', conversationType: TYPES.CONV_GROUP, payload: { text: 'hi all' } });
    const back = nextEvent(alice, EVENT.MESSAGE_RECEIVED, (list) => list.some((x) => x.ID === reply.ID));
    await bob.sendMessage(reply);
    expect((await back)[0].conversationID).toBe('GROUPclub');

    // checklist 736: The group leaves the quitter's group list (GROUP_LIST_UPDATED).
    const left = nextEvent(bob, EVENT.GROUP_LIST_UPDATED, (list) => !list.some((g) => g.groupID === 'club'));
    // checklist 735: `imResponse.data.groupID` is the group that was left.
    const quit = await bob.quitGroup('club');
    expect(quit).toEqual({ code: 0, data: { groupID: 'club' } });
    await left;
    expect((await bob.getGroupList()).data.groupList.map((g) => g.groupID)).not.toContain('club');
  });

  it('attributes and counters resolve TIM shapes and fire their events', async () => {
    const attrs = nextEvent(alice, EVENT.GROUP_ATTRIBUTES_UPDATED, (d) => d.groupID === 'club');
    // checklist 783: `imResponse.data.groupAttributes` holds the initialized attributes.
    const init = await alice.initGroupAttributes({ groupID: 'club', groupAttributes: { topic: 'chess' } });
    expect(init.data.groupAttributes).toEqual({ topic: 'chess' });
    // checklist 784: On success all group members receive GROUP_ATTRIBUTES_UPDATED.
    expect((await attrs).groupAttributes).toEqual({ topic: 'chess' });
    const counter = nextEvent(alice, EVENT.GROUP_COUNTER_UPDATED, (d) => d.key === 'games');
    // checklist 815: `imResponse.data` = { groupID, key, value } …
    const inc = await alice.increaseGroupCounter({ groupID: 'club', key: 'games', value: 3 });
    expect(inc.data).toEqual({ groupID: 'club', key: 'games', value: 3 });
    expect(await counter).toMatchObject({ groupID: 'club', key: 'games', value: 3 });
    // checklist 746: `imResponse.data.memberCount`.
    expect((await alice.getGroupOnlineMemberCount('club')).data).toEqual({ memberCount: 0 });
  });

  it('a join request is handled with the notice it arrived as (handleGroupApplication `message` form)', async () => {
    await alice.createGroup({ name: 'Gate', type: TYPES.GRP_PUBLIC, groupID: 'gate', joinOption: TYPES.JOIN_OPTIONS_NEED_PERMISSION });
    const notice = nextEvent(alice, EVENT.MESSAGE_RECEIVED, (list) =>
      list.some((m) => m.conversationID === TYPES.CONV_SYSTEM && m.payload.operationType === 1 && m.payload.groupProfile?.groupID === 'gate'),
    );
    // checklist 727: NeedPermission: the result is WaitAdminApproval, and every online owner/admin receives a join-request group system notice.
    const asked = await bob.joinGroup({ groupID: 'gate', applyMessage: 'let me in' });
    expect(asked.data.status).toBe(TYPES.JOIN_STATUS_WAIT_APPROVAL);
    const request = (await notice).find((m) => m.conversationID === TYPES.CONV_SYSTEM)!;
    expect(request.type).toBe(TYPES.MSG_GRP_SYS_NOTICE);
    const pending = await alice.getGroupApplicationList();
    expect(pending.data.applicationList).toEqual([expect.objectContaining({ applicant: 'bob', groupID: 'gate', applicationType: 0 })]);

    const admitted = nextEvent(bob, EVENT.GROUP_LIST_UPDATED, (list) => list.some((g) => g.groupID === 'gate'));
    // checklist 764: `message`: the join-request group system notice;
    // checklist 770: `imResponse.data.group` is the group's profile.
    const handled = await alice.handleGroupApplication({ handleAction: 'Agree', handleMessage: 'welcome', message: request });
    expect(handled.data.group.groupID).toBe('gate');
    await admitted;
    expect((await alice.getGroupApplicationList()).data.applicationList).toEqual([]);
  });

  it('a refused call rejects with its TIM code', async () => {
    // checklist 719: Work groups cannot be joined by request (tsv: 2601 CANNOT_JOIN_WORK).
    const err = await bob.joinGroup({ groupID: 'desk' }).then(
      () => null,
      (e: { code: number; message: string }) => e,
    );
    expect(err?.code).toBe(2601);
    expect(typeof err?.message).toBe('string');
    // checklist 700: Even the owner cannot dismiss a Work group (tsv: 2622 CANNOT_DISMISS_WORK).
    await expect(alice.dismissGroup('desk')).rejects.toMatchObject({ code: 2622 });
    // checklist 701: `imResponse.data.groupID` is the dismissed group's ID.
    expect(await alice.dismissGroup('club')).toEqual({ code: 0, data: { groupID: 'club' } });
  });
});
