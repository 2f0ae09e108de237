import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { Tim } from '../../src/lib/tim';
import {
  isTypingMessage,
  PeerTyping,
  TYPING_EXPIRY_MS,
  TYPING_INTERVAL_MS,
  typingData,
  typingStatusOf,
  TypingSender,
} from '../../src/lib/state/typing.svelte';
import type { Message } from '../../src/lib/types';
import { conversation, loggedInBackend, message } from './fixtures';

const typing = (status: 0 | 1, over: Partial<Message> = {}) =>
  message({ type: 'TIMCustomElem', payload: { data: typingData(status), description: '', extension: '' }, sequence: 0, ...over });

describe('typing messages (TUIKit user_typing_status)', () => {
  it('TUIKit’s data, read back by businessID', () => {
    expect(JSON.parse(typingData(1))).toEqual({
      businessID: 'user_typing_status',
      typingStatus: 1,
      version: 1,
      userAction: 14,
      actionParam: 'EIMAMSG_InputStatus_Ing',
    });
    expect(JSON.parse(typingData(0))).toMatchObject({ typingStatus: 0, actionParam: 'EIMAMSG_InputStatus_End' });
    expect(typingStatusOf(typing(1))).toBe(1);
    expect(typingStatusOf(typing(0))).toBe(0);
    // Decided by type and businessID, never by text.
    expect(isTypingMessage(message({ payload: { text: typingData(1) } }))).toBe(false);
    expect(isTypingMessage(message({ type: 'TIMCustomElem', payload: { data: '{"businessID":"order"}' } }))).toBe(false);
    expect(isTypingMessage(message({ type: 'TIMCustomElem', payload: { data: 'user_typing_status{' } }))).toBe(false);
  });
});

describe('TypingSender', () => {
  async function sender(conversationID = 'C2Cbob') {
    const b = loggedInBackend();
    b.handle('tim.sendMessage', (a) => ({ message: { ...(a.message as Message), status: 'success' } }));
    const tim = new Tim(b);
    await tim.app.getState();
    let now = 1_000_000;
    const s = new TypingSender(tim, conversationID, () => now);
    const sent = () => b.callsOf('tim.sendMessage').map((a) => ({ to: (a.message as Message).to, status: JSON.parse((a.message as Message).payload.data).typingStatus, options: a.options }));
    return { s, sent, advance: (ms: number) => (now += ms) };
  }

  it('at most one "typing" per interval while typing; "stopped" once when cleared', async () => {
    const { s, sent, advance } = await sender();
    s.input('h');
    s.input('he');
    advance(TYPING_INTERVAL_MS - 1);
    s.input('hel');
    expect(sent()).toEqual([{ to: 'bob', status: 1, options: { onlineUserOnly: true } }]);
    advance(1);
    s.input('hell');
    expect(sent().map((x) => x.status)).toEqual([1, 1]);
    s.input('');
    s.input('');
    s.stop();
    expect(sent().map((x) => x.status)).toEqual([1, 1, 0]);
    // Typing again right after stopping says so at once.
    s.input('x');
    expect(sent().map((x) => x.status)).toEqual([1, 1, 0, 1]);
  });

  it('"stopped" when the message is sent; nothing when nothing was typed', async () => {
    const { s, sent } = await sender();
    s.stop();
    expect(sent()).toEqual([]);
    s.input('hi');
    s.stop();
    expect(sent().map((x) => x.status)).toEqual([1, 0]);
  });

  it('never in groups', async () => {
    const { s, sent } = await sender('GROUPteam');
    s.input('hello');
    s.stop();
    expect(sent()).toEqual([]);
  });
});

describe('PeerTyping', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('typing until "stopped", a real message, or the expiry without a new one', () => {
    const p = new PeerTyping();
    expect(p.receive([typing(1)])).toEqual([]);
    expect(p.isTyping('C2Cbob')).toBe(true);
    expect(p.receive([typing(0)])).toEqual([]);
    expect(p.isTyping('C2Cbob')).toBe(false);

    p.receive([typing(1)]);
    const real = message({ payload: { text: 'done' } });
    expect(p.receive([real])).toEqual([real]);
    expect(p.isTyping('C2Cbob')).toBe(false);

    p.receive([typing(1)]);
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1000);
    p.receive([typing(1)]);
    vi.advanceTimersByTime(TYPING_EXPIRY_MS - 1);
    expect(p.isTyping('C2Cbob')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(p.isTyping('C2Cbob')).toBe(false);
  });

  it('my own (another device) and group typing messages are taken out, and change nothing', () => {
    const p = new PeerTyping();
    expect(p.receive([typing(1, { flow: 'out', from: 'alice', to: 'bob' })])).toEqual([]);
    expect(p.receive([typing(1, { conversationID: 'GROUPteam', conversationType: 'GROUP' })])).toEqual([]);
    expect(p.typing.size).toBe(0);
  });
});

describe('typing messages in the app', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('never reach the message list or a notification; the header state follows them', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(false) });
    const starting = app.start();
    await vi.runAllTimersAsync();
    await starting;
    const chat = app.chats.get('C2Cbob');
    await chat.loadInitial();
    const before = app.conversations.list;

    b.emit('onMessageReceived', [typing(1)]);
    expect(app.chats.typing.isTyping('C2Cbob')).toBe(true);
    expect(chat.messages).toEqual([]);
    expect(b.callsOf('app.notify')).toHaveLength(0);
    expect(app.conversations.list).toBe(before);

    const real = message({ payload: { text: 'hey' } });
    b.emit('onMessageReceived', [real]);
    expect(app.chats.typing.isTyping('C2Cbob')).toBe(false);
    expect(chat.messages.map((m) => m.ID)).toEqual([real.ID]);
    expect(b.callsOf('app.notify')).toHaveLength(1);
  });
});
