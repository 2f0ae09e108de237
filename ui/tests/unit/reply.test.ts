import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { messageKey } from '../../src/lib/state/names';
import { ABSTRACT_MAX, replyOf, replyTo, withReply, type MessageReply } from '../../src/lib/state/reply';
import type { Message } from '../../src/lib/types';
import { flush, loggedInBackend, message } from './fixtures';

const reply = (over: Partial<MessageReply> = {}): MessageReply => ({
  messageAbstract: 'msg 1',
  messageSender: 'Bob',
  messageID: 'bob-1-1',
  messageType: 1,
  version: 1,
  ...over,
});

describe('reply cloudCustomData (TUIKit messageReply)', () => {
  it('builds TUIKit’s shape and reads it back', () => {
    const data = withReply('', reply());
    expect(JSON.parse(data)).toEqual({
      messageReply: { messageAbstract: 'msg 1', messageSender: 'Bob', messageID: 'bob-1-1', messageType: 1, version: 1 },
    });
    expect(replyOf({ cloudCustomData: data })).toEqual(reply());
  });

  it('keeps the other keys of existing data, and a reply among other keys is found', () => {
    const data = withReply(JSON.stringify({ forwardedFrom: { userID: 'carol', nick: 'C' }, x: 1 }), reply());
    expect(JSON.parse(data)).toEqual({ forwardedFrom: { userID: 'carol', nick: 'C' }, x: 1, messageReply: reply() });
    expect(replyOf({ cloudCustomData: JSON.stringify({ a: [1], messageReply: reply({ messageType: 3 }), z: 'z' }) })).toEqual(
      reply({ messageType: 3 }),
    );
    // Data that is not a JSON object is replaced.
    expect(JSON.parse(withReply('not json', reply()))).toEqual({ messageReply: reply() });
    expect(JSON.parse(withReply('[1,2]', reply()))).toEqual({ messageReply: reply() });
  });

  it('ignores bad JSON, missing or malformed replies', () => {
    for (const raw of ['', 'messageReply', '{"messageReply":', '{"messageReply":1}', '{"messageReply":[]}', '{"messageReply":{}}', '{"messageReply":{"messageID":3}}', 'null', '[{"messageReply":{"messageID":"x"}}]']) {
      expect(replyOf({ cloudCustomData: raw }), raw).toBeNull();
    }
  });

  it('bounds and cleans what a peer wrote', () => {
    const r = replyOf({
      cloudCustomData: JSON.stringify({ messageReply: { messageID: ' id ', messageAbstract: 'a\n'.repeat(300), messageSender: 7, messageType: 'text' } }),
    });
    expect(r?.messageID).toBe('id');
    expect([...(r?.messageAbstract ?? '')].length).toBe(ABSTRACT_MAX);
    expect(r?.messageAbstract.endsWith('…')).toBe(true);
    expect(r?.messageAbstract.includes('\n')).toBe(false);
    expect(r?.messageSender).toBe('');
    expect(r?.messageType).toBe(0);
    expect(replyOf({ cloudCustomData: JSON.stringify({ messageReply: { messageID: 'x'.repeat(300) } }) })).toBeNull();
  });

  it('replyTo: TIM’s numeric element type and a short abstract', () => {
    expect(replyTo(message({ ID: 'm1' }), 'Bob', 'hello')).toEqual(reply({ messageID: 'm1', messageAbstract: 'hello' }));
    expect(replyTo(message({ ID: 'm2', type: 'TIMImageElem', payload: {} }), 'Bob', '[Image]').messageType).toBe(3);
    expect(replyTo(message({ type: 'TIMFileElem', payload: {} }), 'Bob', '[File] a.pdf').messageType).toBe(6);
    expect(replyTo(message({ type: 'TIMRelayElem', payload: {} }), 'Bob', '[Chat history]').messageType).toBe(10);
    expect(replyTo(message({ type: 'TIMCustomElem', payload: {} }), 'Bob', '').messageType).toBe(2);
    const long = replyTo(message(), 'Bob', 'word '.repeat(100));
    expect([...long.messageAbstract].length).toBe(ABSTRACT_MAX);
  });
});

describe('replying and jumping in a chat', () => {
  async function started() {
    const b = loggedInBackend();
    // A history of 60 messages with sequences 1..60; the newest 15 are the first page.
    const history: Message[] = Array.from({ length: 60 }, (_, i) => message({ ID: `h${i + 1}`, sequence: i + 1, payload: { text: `msg ${i + 1}` } }));
    b.handle('tim.getMessageList', (a) => {
      const next = a.nextReqMessageID ? history.findIndex((m) => m.ID === a.nextReqMessageID) : history.length;
      const page = history.slice(Math.max(0, next - 15), next);
      return { messageList: page, nextReqMessageID: next - 15 > 0 ? page[0].ID : '', isCompleted: next - 15 <= 0 };
    })
      .handle('tim.findMessage', (a) => history.find((m) => m.ID === a.messageID) ?? null)
      .handle('tim.getMessageListHopping', (a) => {
        const seq = Number(a.sequence);
        const count = Number(a.count) || 15;
        if (a.direction === 0) {
          const list = history.filter((m) => m.sequence <= seq).slice(-count);
          const done = list[0].sequence === 1;
          return { messageList: list, isCompleted: done, nextMessageTime: done ? '' : list[0].time, nextMessageSeq: done ? '' : list[0].sequence - 1 };
        }
        const list = history.filter((m) => m.sequence >= seq).slice(0, count);
        const done = list.at(-1)!.sequence === 60;
        return { messageList: list, isCompleted: done, nextMessageTime: done ? '' : list.at(-1)!.time, nextMessageSeq: done ? '' : list.at(-1)!.sequence + 1 };
      })
      .handle('tim.sendMessage', (a) => ({ message: { ...(a.message as Message), status: 'success', sequence: 61 } }));
    const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true) });
    await app.start();
    await flush();
    const chat = app.chats.get('C2Cbob');
    await chat.loadInitial();
    return { app, b, chat, history };
  }

  it('sends the text with the reply in cloudCustomData, then the bar is gone', async () => {
    const { b, chat } = await started();
    chat.replyingTo = replyTo(chat.messages[0], 'bob', 'msg 46');
    await chat.send('sounds good');
    const sent = b.callsOf('tim.sendMessage')[0].message as Message;
    expect(sent.payload).toEqual({ text: 'sounds good' });
    expect(replyOf(sent)?.messageID).toBe('h46');
    expect(chat.replyingTo).toBeNull();
  });

  it('a loaded message is highlighted at once', async () => {
    const { b, chat } = await started();
    await chat.jumpTo('h50');
    expect(chat.highlight?.key).toBe(messageKey(chat.messages.find((m) => m.ID === 'h50')!));
    expect(b.callsOf('tim.getMessageListHopping')).toHaveLength(0);
  });

  it('a message far up: hopping reads from it down to the loaded page; the list stays whole and pages on above it', async () => {
    const { b, chat } = await started();
    expect(chat.messages.map((m) => m.sequence)[0]).toBe(46);
    await chat.jumpTo('h20');
    expect(chat.highlight?.key).toBe(messageKey(chat.messages.find((m) => m.ID === 'h20')!));
    const seqs = chat.messages.map((m) => m.sequence);
    expect(seqs).toEqual(Array.from({ length: 60 - 6 + 1 }, (_, i) => i + 6));
    expect(b.callsOf('tim.getMessageListHopping').map((a) => [a.sequence, a.direction])).toEqual([[20, 0], [20, 1], [35, 1]]);
    // Older pages continue above the oldest loaded message.
    await chat.loadOlder();
    expect(chat.messages[0].sequence).toBe(1);
    expect(chat.isCompleted).toBe(true);
  });

  it('a gone message gets a notice', async () => {
    const { chat, history } = await started();
    const notice = () => chat.notice?.key;
    await chat.jumpTo('nope');
    expect(notice()).toBe('reply.gone');
    chat.notice = null;
    history[4] = { ...history[4], isRevoked: true };
    await chat.jumpTo('h5');
    expect(notice()).toBe('reply.gone');
    expect(chat.highlight).toBeNull();
  });
});
