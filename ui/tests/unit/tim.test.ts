import { describe, expect, it } from 'vitest';
import { Tim, buildMessage, random53 } from '../../src/lib/tim';
import { FakeBackend } from '../../src/lib/backend/fake';
import { appState, conversation, loggedInBackend, message } from './fixtures';
import { EVERY_TIM_EVENT_IS_TYPED } from '../../src/lib/tim/events';
import type { Message } from '../../src/lib/types';

async function signedIn(b: FakeBackend = loggedInBackend()): Promise<Tim> {
  const tim = new Tim(b);
  await tim.app.getState();
  return tim;
}

describe('Tim facade', () => {
  it('createTextMessage builds the full Message synchronously', async () => {
    const tim = await signedIn();
    await tim.getMyProfile();
    const m = tim.createTextMessage({ to: 'bob', conversationType: Tim.TYPES.CONV_C2C, payload: { text: 'hello' } });
    // checklist 1147: created with its ID, the one it keeps (made on the client, as in TIM).
    expect(m.ID).toBe(`${m.from}-${m.time}-${m.random}`);
    expect(Number.isSafeInteger(m.random)).toBe(true);
    expect(m.random).toBeLessThan(2 ** 53);
    expect(m).toMatchObject({
      type: 'TIMTextElem',
      payload: { text: 'hello' },
      conversationID: 'C2Cbob',
      conversationType: 'C2C',
      to: 'bob',
      from: 'alice',
      flow: 'out',
      status: 'unSend',
      priority: 'Normal',
      nick: 'Alice',
      isPeerRead: false,
      readReceiptInfo: { isPeerRead: false, readCount: 0, unreadCount: 0 },
      sequence: 0,
    });
    const fields: (keyof Message)[] = [
      'ID', 'type', 'payload', 'conversationID', 'conversationType', 'to', 'from', 'flow', 'time', 'status',
      'isRevoked', 'priority', 'nick', 'avatar', 'isPeerRead', 'nameCard', 'atUserList', 'cloudCustomData',
      'isDeleted', 'isModified', 'needReadReceipt', 'readReceiptInfo', 'isSupportExtension', 'isBroadcastMessage', 'sequence', 'random',
      'version',
    ];
    expect(Object.keys(m).sort()).toEqual([...fields].sort());
    expect(tim.findMessage(m.ID)).toBe(m);
  });

  it('createCustomMessage builds TIM’s custom element synchronously; sendMessage passes onlineUserOnly', async () => {
    const b = loggedInBackend();
    b.handle('tim.sendMessage', (a) => ({ message: { ...(a.message as Message), status: 'success' } }));
    const tim = await signedIn(b);
    const m = tim.createCustomMessage({ to: 'bob', conversationType: 'C2C', payload: { data: '{"x":1}' } });
    expect(m).toMatchObject({ type: 'TIMCustomElem', payload: { data: '{"x":1}', description: '', extension: '' }, to: 'bob', conversationID: 'C2Cbob', status: 'unSend' });
    await tim.sendMessage(m, { onlineUserOnly: true });
    expect(b.callsOf('tim.sendMessage')[0]).toEqual({ message: m, options: { onlineUserOnly: true } });
  });

  it('is composed of its areas: every method is there, and getters stay live', () => {
    const b = new FakeBackend();
    const tim = new Tim(b);
    for (const name of [
      'createTextMessage', 'sendMessage', 'getMessageList', 'revokeMessage', 'getMessageListHopping',
      'getConversationList', 'deleteConversation', 'setMessageRead', 'getTotalUnreadMessageCount',
      'getMyProfile', 'getUserProfile', 'updateMyProfile',
      'createImageMessage', 'createFileMessage', 'cancelUpload', 'stageFile', 'onDragDrop',
    ] as const) {
      expect(typeof tim[name], name).toBe('function');
    }
    expect(tim.nativeFiles).toBe(false);
    b.nativeFiles = true;
    expect(tim.nativeFiles).toBe(true);
  });

  it('buildMessage fills every field of an unsent own message and keeps what it is given', () => {
    const m = buildMessage({ type: 'TIMTextElem', payload: { text: 'x' }, conversationType: 'C2C', to: 'bob', from: 'alice' });
    expect(m).toMatchObject({ ID: `alice-${m.time}-${m.random}`, conversationID: 'C2Cbob', flow: 'out', status: 'unSend', version: 0 });
    const given = buildMessage({ ...m, ID: 'srv-1', random: 7, flow: 'in', status: 'success' });
    expect(given).toMatchObject({ ID: 'srv-1', random: 7, flow: 'in', status: 'success' });
  });

  it('random53 stays below 2^53', () => {
    for (let i = 0; i < 1000; i++) {
      const r = random53();
      expect(Number.isSafeInteger(r) && r >= 0).toBe(true);
    }
  });

  it('resolves imResponse and rejects imError', async () => {
    const b = loggedInBackend();
    const sent = message({ flow: 'out', from: 'alice', to: 'bob', ID: 'srv-x' });
    b.handle('tim.sendMessage', () => ({ message: sent }));
    const tim = await signedIn(b);
    const m = tim.createTextMessage({ to: 'bob', conversationType: 'C2C', payload: { text: 'x' } });
    await expect(tim.sendMessage(m)).resolves.toEqual({ code: 0, data: { message: sent } });
    expect(b.callsOf('tim.sendMessage')[0]).toEqual({ message: m });
    expect(tim.findMessage('srv-x')).toEqual(sent);

    b.handle('tim.sendMessage', () => Promise.reject({ code: 20003, message: 'no such user' }));
    const m2 = tim.createTextMessage({ to: 'zed', conversationType: 'C2C', payload: { text: 'x' } });
    await expect(tim.sendMessage(m2)).rejects.toMatchObject({
      code: 20003,
      message: 'no such user',
      data: { message: { ID: m2.ID, status: 'fail' } },
    });
    b.handle('tim.getMyProfile', () => Promise.reject('{"code":2024,"message":"not logged in"}'));
    await expect(tim.getMyProfile()).rejects.toEqual({ code: 2024, message: 'not logged in' });
  });

  it('getTotalUnreadMessageCount is synchronous from the event', async () => {
    const b = loggedInBackend();
    const tim = await signedIn(b);
    expect(tim.getTotalUnreadMessageCount()).toBe(0);
    const seen: number[] = [];
    tim.on(Tim.EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (e) => seen.push(tim.getTotalUnreadMessageCount() + e.data));
    b.emit('onTotalUnreadMessageCountUpdated', 4);
    expect(tim.getTotalUnreadMessageCount()).toBe(4);
    expect(seen).toEqual([8]);
  });

  it('on/off deliver {name, data} and findMessage sees received messages', async () => {
    const b = loggedInBackend();
    const tim = await signedIn(b);
    const got: string[] = [];
    const h = (e: { name: string; data: Message[] }) => got.push(`${e.name}:${e.data.length}`);
    tim.on(Tim.EVENT.MESSAGE_RECEIVED, h);
    const m = message();
    b.emit('onMessageReceived', [m]);
    tim.off(Tim.EVENT.MESSAGE_RECEIVED, h);
    b.emit('onMessageReceived', [message()]);
    expect(got).toEqual(['onMessageReceived:1']);
    expect(tim.findMessage(m.ID)).toEqual(m);
    expect(tim.findMessage('nope')).toBeNull();
  });

  it('passes TIM args through to the commands', async () => {
    const b = loggedInBackend();
    b.handle('tim.deleteConversation', (a) => ({ conversationIDList: a.conversationIDList }));
    b.handle('tim.getConversationProfile', () => ({ conversation: {} }));
    b.handle('tim.getUserProfile', () => []);
    b.handle('tim.updateMyProfile', () => ({ userID: 'alice' }));
    const tim = await signedIn(b);
    // getState, then the caches of the session: the unread total and the local store.
    expect(b.calls.slice(0, 3).map((c) => c.command)).toEqual(['app.getState', 'tim.getTotalUnreadMessageCount', 'tim.getLocalMessages']);
    await tim.deleteConversation('C2Cbob');
    await tim.deleteConversation({ conversationIDList: ['C2Ccarol'], clearHistoryMessage: false });
    await tim.getConversationProfile('C2Cbob');
    await tim.getUserProfile({ userIDList: ['bob'] });
    await tim.updateMyProfile({ nick: 'A' });
    await tim.getMessageList({ conversationID: 'C2Cbob', nextReqMessageID: 'x' });
    await tim.setMessageRead({ conversationID: 'C2Cbob' });
    expect(b.calls.map((c) => [c.command, c.args]).slice(3)).toEqual([
      ['tim.deleteConversation', { conversationIDList: ['C2Cbob'], clearHistoryMessage: true }],
      ['tim.deleteConversation', { conversationIDList: ['C2Ccarol'], clearHistoryMessage: false }],
      ['tim.getConversationProfile', { conversationID: 'C2Cbob' }],
      ['tim.getUserProfile', { userIDList: ['bob'] }],
      ['tim.updateMyProfile', { nick: 'A' }],
      ['tim.getMessageList', { conversationID: 'C2Cbob', nextReqMessageID: 'x' }],
      ['tim.setMessageRead', { conversationID: 'C2Cbob' }],
    ]);
  });

  it('tracks the user from app state events', async () => {
    const b = new FakeBackend();
    const tim = new Tim(b);
    expect(tim.userID).toBeNull();
    b.emit('confab.appState', appState({ userID: 'carol' }));
    expect(tim.userID).toBe('carol');
    b.emit('confab.appState', appState({ loggedIn: false }));
    expect(tim.userID).toBeNull();
  });
});

describe('TIM fidelity of the facade (issue 12)', () => {
  async function withMedia() {
    const b = loggedInBackend();
    const media = b.withMedia({ userID: 'alice' });
    const tim = await signedIn(b);
    return { b, media, tim };
  }

  it('create*Message return a Message, not a Promise; the SDK part is awaited by sendMessage', async () => {
    const { b, tim } = await withMedia();
    const sent = message({ ID: 'srv-1', flow: 'out', from: 'alice', to: 'bob', status: 'success' });
    // checklist 1122: The create*Message methods, findMessage and getTotalUnreadMessageCount return values synchronously.
    const forward = tim.createForwardMessage({ to: 'carol', conversationType: 'C2C', payload: sent });
    const merger = tim.createMergerMessage({
      to: 'carol',
      conversationType: 'C2C',
      payload: { messageList: [sent], title: 'T', abstractList: ['a: x'], compatibleText: 'upgrade' },
    });
    const file = tim.createFileMessage({ to: 'bob', conversationType: 'C2C', payload: { file: '/home/alice/a.pdf' } });
    for (const m of [forward, merger, file]) {
      expect(m).not.toBeInstanceOf(Promise);
      expect(m).toMatchObject({ status: 'unSend', flow: 'out', from: 'alice' });
      expect(tim.findMessage(m.ID)).toBe(m);
    }
    expect(forward).toMatchObject({ type: sent.type, payload: sent.payload, conversationID: 'C2Ccarol' });
    expect(merger).toMatchObject({ type: 'TIMRelayElem', payload: { title: 'T', messageList: [sent] } });
    // checklist 148: `payload.file` … (the desktop gives a local path).
    expect(file.payload).toMatchObject({ fileName: 'a.pdf' });
    const { ID, random } = file;
    await tim.sendMessage(file);
    expect(b.callsOf('tim.createFileMessage')[0].payload).toEqual({ file: '/home/alice/a.pdf' });
    expect(file).toMatchObject({ status: 'success', random, payload: { uuid: 'file-/home/alice/a.pdf' } });
    expect(b.callsOf('tim.sendMessage')[0].message).toMatchObject({ random });
    expect(ID).toBeTruthy();
  });

  it('file creators take a File, a Blob or a file input (browser), throw at once without a file, and report progress as a fraction', async () => {
    const { b, media, tim } = await withMedia();
    const audio = Object.assign(new File(['RIFF'], 'voice.wav', { type: 'audio/wav' }), { duration: 2500 });
    const progress: number[] = [];
    // checklist 133: `onProgress` reports upload progress.
    const m = tim.createAudioMessage({ to: 'bob', conversationType: 'C2C', payload: { file: audio }, onProgress: (p) => progress.push(p) });
    // checklist 130: `payload.file` is required: an HTMLInputElement, a File object, or a pick result.
    const video = tim.createVideoMessage({ to: 'bob', conversationType: 'C2C', payload: { file: { files: [new File(['v'], 'clip.mp4')] } } });
    // checklist 115: … a File object … (a Blob is staged under a generic name)
    const blob = tim.createImageMessage({ to: 'bob', conversationType: 'C2C', payload: { file: new Blob(['x'], { type: 'image/png' }) } });
    await tim.sendMessage(m);
    // checklist 116: `onProgress(event)` reports upload progress (the table marks it required).
    expect(progress).toEqual([0.5, 1]);
    // After the send, the callback is gone.
    media.progress(m, 1, 4);
    expect(progress).toEqual([0.5, 1]);
    // TIM Web: an audio File carries its duration in ms.
    expect(b.callsOf('tim.createAudioMessage')[0].payload).toEqual({ file: '/staged/1/voice.wav', duration: 2500 });
    await tim.sendMessage(video);
    await tim.sendMessage(blob);
    expect(b.staged.map((f) => f.name)).toEqual(['voice.wav', 'clip.mp4', 'file']);
    // checklist 119: (tsv) 2251 no file selected …
    expect(() => tim.createImageMessage({ to: 'bob', conversationType: 'C2C', payload: { file: { files: [] } } })).toThrow(
      expect.objectContaining({ code: 2251 }),
    );
    expect(() => tim.createFileMessage({ to: 'bob', conversationType: 'C2C', payload: { file: '' } })).toThrow(
      expect.objectContaining({ code: 2401 }),
    );
  });

  it('a creator whose SDK part failed fails the send; resendMessage runs it again', async () => {
    const { b, tim } = await withMedia();
    b.stageError = { code: 2400, message: 'staging failed' };
    const m = tim.createFileMessage({ to: 'bob', conversationType: 'C2C', payload: { file: new File(['x'], 'a.txt') } });
    const err = await tim.sendMessage(m).catch((e: { code: number; data: { message: Message } }) => e);
    expect(err).toMatchObject({ code: 2400, data: { message: m } });
    expect(m.status).toBe('fail');
    b.stageError = null;
    await tim.resendMessage(m);
    expect(m.status).toBe('success');
  });

  it('downloadMergerMessage fills the message passed', async () => {
    const b = loggedInBackend();
    const inner = [{ ID: 'x', from: 'bob', messageBody: [{ type: 'TIMTextElem', payload: { text: 'hi' } }] }];
    b.handle('tim.downloadMergerMessage', (a) => {
      const m = a.message as Message;
      return { ...m, payload: { ...m.payload, messageList: inner } };
    });
    const tim = await signedIn(b);
    const m = message({ type: 'TIMRelayElem', payload: { title: 'T', downloadKey: 'k', messageList: [] } });
    await tim.downloadMergerMessage(m);
    // checklist 172: On success the SDK updates `message.payload.messageList` and the related fields in place.
    expect(m.payload.messageList).toEqual(inner);
  });

  it('getConversationList accepts the filter form', async () => {
    const b = loggedInBackend();
    const list = [
      conversation('bob', { markList: [1] }),
      conversation('carol', { conversationGroupList: ['work'] }),
      conversation('dave', { conversationID: 'GROUPdave', type: 'GROUP' }),
    ];
    b.handle('tim.getConversationList', (a) => ({
      conversationList: a.conversationIDList ? list.filter((c) => (a.conversationIDList as string[]).includes(c.conversationID)) : list,
      isSyncCompleted: true,
    }));
    const tim = await signedIn(b);
    const ids = async (options?: Parameters<Tim['getConversationList']>[0]) =>
      (await tim.getConversationList(options)).data.conversationList.map((c) => c.conversationID);
    // checklist 367: an Object `{ type, markType, groupName }`: filters by conversation type, by mark, or by conversation group; the filters can be combined
    expect(await ids()).toEqual(['C2Cbob', 'C2Ccarol', 'GROUPdave']);
    expect(await ids(['C2Ccarol'])).toEqual(['C2Ccarol']);
    expect(await ids({ type: 'C2C' })).toEqual(['C2Cbob', 'C2Ccarol']);
    expect(await ids({ markType: Tim.TYPES.CONV_MARK_TYPE_STAR })).toEqual(['C2Cbob']);
    expect(await ids({ groupName: 'work' })).toEqual(['C2Ccarol']);
    expect(await ids({ type: 'GROUP', groupName: 'work' })).toEqual([]);
    expect(await ids({ markType: Tim.TYPES.CONV_MARK_TYPE_FOLD })).toEqual([]);
  });

  it('logout empties every cache; the next session fills them before login resolves', async () => {
    const b = loggedInBackend();
    const bobs = message({ ID: 'from-bob', flow: 'in', from: 'bob' });
    b.handle('tim.getLocalMessages', () => [bobs]).handle('tim.getTotalUnreadMessageCount', () => 3);
    b.handle('tim.logout', () => appState({ loggedIn: false, userID: null }));
    b.handle('tim.login', (a) => appState({ userID: String(a.userID) }));
    const tim = await signedIn(b);
    // checklist 353: The lookup covers only the local store of messages this instance already holds.
    expect(tim.findMessage('from-bob')).toEqual(bobs);
    // checklist 427: Returns a Number synchronously …
    expect(tim.getTotalUnreadMessageCount()).toBe(3);
    expect(await tim.logout()).toEqual({ code: 0, data: {} });
    // checklist 47: Clears this instance's login state and all its in-memory data.
    expect(tim.findMessage('from-bob')).toBeNull();
    expect(tim.getTotalUnreadMessageCount()).toBe(0);
    expect(tim.userID).toBeNull();
    // checklist 34: `options.userID` (String) and `options.userSig` (String) are both required.
    b.handle('tim.getLocalMessages', () => []).handle('tim.getTotalUnreadMessageCount', () => 0);
    const res = await tim.login({ userID: 'carol', userSig: 'sig' });
    expect(res).toEqual({ code: 0, data: { repeatLogin: false } });
    expect(b.callsOf('tim.login')).toEqual([{ userID: 'carol', userSig: 'sig' }]);
    expect(tim.userID).toBe('carol');
    const withApp = new Tim(b, { SDKAppID: 1400000001 });
    await withApp.login({ userID: 'carol', userSig: 'sig' });
    expect(b.callsOf('tim.login')[1]).toEqual({ userID: 'carol', userSig: 'sig', SDKAppID: 1400000001 });
  });

  it("on(TIM.EVENT.X) takes every one of TIM's 31 events", () => {
    const b = new FakeBackend();
    const tim = new Tim(b);
    const seen: string[] = [];
    const names = Object.values(Tim.EVENT);
    expect(names).toHaveLength(31);
    for (const name of names) tim.on(name, (e) => seen.push(e.name));
    for (const name of names) b.emit(name, undefined);
    expect(seen).toEqual(names);
    // The compile-time check (svelte-check): a TIM event missing from the map fails to build.
    expect(EVERY_TIM_EVENT_IS_TYPED).toBe(true);
    tim.on(Tim.EVENT.GROUP_LIST_UPDATED, (e) => expect(Array.isArray(e.data)).toBe(true));
    tim.on(Tim.EVENT.FRIEND_APPLICATION_LIST_UPDATED, (e) => expect(typeof e.data.unreadCount).toBe('number'));
  });
});
