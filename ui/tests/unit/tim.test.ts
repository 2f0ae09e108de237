import { describe, expect, it } from 'vitest';
import { Tim, buildMessage, random53 } from '../../src/lib/tim';
import { FakeBackend } from '../../src/lib/backend/fake';
import { appState, loggedInBackend, message } from './fixtures';
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
      readReceiptInfo: { isPeerRead: false },
      sequence: 0,
    });
    const fields: (keyof Message)[] = [
      'ID', 'type', 'payload', 'conversationID', 'conversationType', 'to', 'from', 'flow', 'time', 'status',
      'isRevoked', 'priority', 'nick', 'avatar', 'isPeerRead', 'nameCard', 'atUserList', 'cloudCustomData',
      'isDeleted', 'isModified', 'needReadReceipt', 'readReceiptInfo', 'isBroadcastMessage', 'sequence', 'random',
      'version',
    ];
    expect(Object.keys(m).sort()).toEqual([...fields].sort());
    expect(tim.findMessage(m.ID)).toBe(m);
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
    await tim.deleteConversation('C2Cbob');
    await tim.deleteConversation({ conversationIDList: ['C2Ccarol'], clearHistoryMessage: false });
    await tim.getConversationProfile('C2Cbob');
    await tim.getUserProfile({ userIDList: ['bob'] });
    await tim.updateMyProfile({ nick: 'A' });
    await tim.getMessageList({ conversationID: 'C2Cbob', nextReqMessageID: 'x' });
    await tim.setMessageRead({ conversationID: 'C2Cbob' });
    expect(b.calls.map((c) => [c.command, c.args]).slice(1)).toEqual([
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
