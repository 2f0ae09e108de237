import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { I18n } from '../../src/lib/i18n/i18n.svelte';
import { messageKey } from '../../src/lib/state/names';
import {
  canEdit,
  canRevoke,
  duration,
  fitSize,
  splitFileName,
  kindOfFile,
  lastMessagePreview,
  MAX_SELECTION,
  mentionParts,
  mergerAbstract,
  mergerTitle,
  messageActions,
  canTranslate,
  REVOKE_WINDOW_SECONDS,
} from '../../src/lib/state/media';
import { FakeBackend, type FakeMedia } from '../../src/lib/backend/fake';
import { blobToBase64, coverSize, coverTime, videoCover, type CaptureOptions } from '../../src/lib/state/videoCover';
import { Tim } from '../../src/lib/tim';
import type { LastMessage, Message } from '../../src/lib/types';
import { conversation, flush, loggedInBackend, message, profile } from './fixtures';

const NOW = 1_764_115_200 + 10_000;

async function started(opts: { holdSends?: boolean; native?: boolean } = {}) {
  const b = loggedInBackend();
  b.nativeFiles = !!opts.native;
  const media = b.withMedia({ userID: 'alice', holdSends: opts.holdSends, now: () => NOW });
  b.handle('tim.getConversationList', () => ({
    conversationList: [conversation('bob', { userProfile: profile('bob', { nick: 'Bob' }) }), conversation('carol')],
    isSyncCompleted: true,
  }));
  const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true) });
  await app.start();
  await flush();
  app.openConversation('C2Cbob');
  await flush();
  return { app, b, media, chat: app.chats.get('C2Cbob') };
}

const file = (name: string, type: string, size = 10) => new File([new Uint8Array(size)], name, { type });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 50 && !cond(); i++) await flush();
  expect(cond()).toBe(true);
};

describe('dropped file → message type', () => {
  it('images, videos, everything else (audio included) as files', () => {
    for (const [name, mime] of [['a.jpg', 'image/jpeg'], ['a.png', 'image/png'], ['a.gif', 'image/gif'], ['a.webp', 'image/webp'], ['a.bmp', 'image/bmp']]) {
      expect(kindOfFile(name, mime)).toBe('image');
    }
    for (const [name, mime] of [['a.mp4', 'video/mp4'], ['a.mov', 'video/quicktime'], ['a.webm', 'video/webm']]) {
      expect(kindOfFile(name, mime)).toBe('video');
    }
    expect(kindOfFile('song.mp3', 'audio/mpeg')).toBe('file');
    expect(kindOfFile('doc.pdf', 'application/pdf')).toBe('file');
    expect(kindOfFile('logo.svg', 'image/svg+xml')).toBe('file');
    expect(kindOfFile('clip.mkv', 'video/x-matroska')).toBe('file');
  });
  it('falls back to the extension when the type is unknown (desktop paths)', () => {
    expect(kindOfFile('/home/a/Photo.JPG')).toBe('image');
    expect(kindOfFile('C:\\clips\\x.MOV')).toBe('video');
    expect(kindOfFile('x.png', 'application/octet-stream')).toBe('image');
    expect(kindOfFile('README')).toBe('file');
    expect(kindOfFile('voice.m4a')).toBe('file');
  });
});

describe('previews', () => {
  const last = (type: string, payload: Record<string, unknown>, over: Partial<LastMessage> = {}): LastMessage => ({
    lastTime: 1,
    lastSequence: 1,
    fromAccount: 'bob',
    type,
    payload,
    messageForShow: 'sdk text',
    isRevoked: false,
    isPeerRead: false,
    nick: '',
    nameCard: '',
    cloudCustomData: '',
    ...over,
  });
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['TIMTextElem', { text: 'hello' }, 'hello', 'hello'],
    ['TIMImageElem', {}, '[Image]', '[图片]'],
    ['TIMVideoFileElem', {}, '[Video]', '[视频]'],
    ['TIMSoundElem', {}, '[Voice]', '[语音]'],
    ['TIMFileElem', { fileName: 'a.pdf' }, '[File] a.pdf', '[文件] a.pdf'],
    ['TIMLocationElem', { description: 'Park' }, '[Location] Park', '[位置] Park'],
    ['TIMFaceElem', { index: 1 }, '[Sticker]', '[表情]'],
    ['TIMCustomElem', { data: 'x' }, '[Custom message]', '[自定义消息]'],
    ['TIMRelayElem', { title: 't' }, '[Chat history]', '[聊天记录]'],
  ];
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`derives from type and payload (${locale})`, () => {
      const i18n = new I18n(locale);
      const t = i18n.t.bind(i18n);
      for (const [type, payload, en, zh] of cases) {
        expect(lastMessagePreview(last(type, payload), { mine: false, senderName: 'Bob', t })).toBe(locale === 'en' ? en : zh);
      }
      expect(lastMessagePreview(last('TIMImageElem', {}), { mine: true, senderName: 'Bob', t })).toBe(
        locale === 'en' ? 'You: [Image]' : '我：[图片]',
      );
      expect(lastMessagePreview(last('TIMTextElem', { text: 'x' }, { isRevoked: true }), { mine: false, senderName: 'Bob', t })).toBe(
        locale === 'en' ? 'Bob recalled a message' : 'Bob撤回了一条消息',
      );
      expect(lastMessagePreview(last('TIMTextElem', { text: 'x' }, { isRevoked: true }), { mine: true, senderName: 'Bob', t })).toBe(
        locale === 'en' ? 'You recalled a message' : '你撤回了一条消息',
      );
      // An unknown type shows the SDK's messageForShow.
      expect(lastMessagePreview(last('TIMNewElem', {}), { mine: false, senderName: 'Bob', t })).toBe('sdk text');
      expect(lastMessagePreview(null, { mine: false, senderName: 'Bob', t })).toBe('');
    });
  }
});

describe('action rules', () => {
  const own = (over: Partial<Message> = {}) => message({ flow: 'out', from: 'alice', to: 'bob', time: NOW - 10, ...over });
  it('revoke: own, sent, within 2 minutes', () => {
    expect(REVOKE_WINDOW_SECONDS).toBe(120);
    expect(canRevoke(own({ time: NOW - 119 }), NOW)).toBe(true);
    expect(canRevoke(own({ time: NOW - 120 }), NOW)).toBe(true);
    expect(canRevoke(own({ time: NOW - 121 }), NOW)).toBe(false);
    expect(canRevoke(message({ time: NOW - 1 }), NOW)).toBe(false);
    expect(canRevoke(own({ status: 'unSend' }), NOW)).toBe(false);
    expect(canRevoke(own({ status: 'fail' }), NOW)).toBe(false);
    expect(canRevoke(own({ isRevoked: true }), NOW)).toBe(false);
  });
  it('edit: own sent text only (any age)', () => {
    expect(canEdit(own())).toBe(true);
    expect(canEdit(own({ time: NOW - 86_400 }))).toBe(true);
    expect(canEdit(own({ type: 'TIMImageElem', payload: {} }))).toBe(false);
    expect(canEdit(message())).toBe(false);
    expect(canEdit(own({ isRevoked: true }))).toBe(false);
    expect(canEdit(own({ status: 'unSend' }))).toBe(false);
  });
  it('the toolbar lists what applies', () => {
    expect(messageActions(own(), NOW)).toEqual(['reply', 'copy', 'forward', 'edit', 'revoke', 'delete', 'select']);
    expect(messageActions(own({ time: NOW - 600 }), NOW)).toEqual(['reply', 'copy', 'forward', 'edit', 'delete', 'select']);
    expect(messageActions(message({ type: 'TIMImageElem', payload: {} }), NOW)).toEqual(['reply', 'forward', 'delete', 'select']);
    // A failed send is not replied to (it has no place in the history yet).
    expect(messageActions(own({ status: 'fail' }), NOW)).toEqual(['resend', 'copy', 'delete', 'select']);
    // Someone else's text can be translated (checklist 245-248); own texts and media cannot.
    expect(messageActions(message({ payload: { text: 'hola' } }), NOW)).toEqual(['reply', 'copy', 'translate', 'forward', 'delete', 'select']);
    expect(canTranslate(message({ payload: { text: '  ' } }))).toBe(false);
    expect(canTranslate(message({ payload: { text: 'hola' }, isRevoked: true }))).toBe(false);
  });
  it('merger title and abstract (up to 4 lines)', () => {
    const t = new I18n('en').t.bind(new I18n('en'));
    expect(mergerTitle(['Alice', 'Bob'], t)).toBe('Chat history of Alice and Bob');
    expect(mergerTitle(['Team'], t)).toBe('Chat history of Team');
    const list = [
      message({ payload: { text: 'one' } }),
      message({ type: 'TIMImageElem', payload: {} }),
      message({ type: 'TIMFileElem', payload: { fileName: 'f.zip' } }),
      message({ payload: { text: 'four' } }),
      message({ payload: { text: 'five' } }),
    ];
    expect(mergerAbstract(list, () => 'bob', t)).toEqual(['bob: one', 'bob: [Image]', 'bob: [File] f.zip', 'bob: four']);
    const zh = new I18n('zh-CN');
    expect(mergerTitle(['Alice', 'Bob'], zh.t.bind(zh))).toBe('Alice和Bob的聊天记录');
  });
  it('mentions, durations, thumbnail sizes', () => {
    expect(mentionParts('hi @bob and @all!', ['bob', '__kImSDK_MesssageAtALL__'])).toEqual([
      { text: 'hi ', mention: false },
      { text: '@bob', mention: true },
      { text: ' and ', mention: false },
      { text: '@all', mention: true },
      { text: '!', mention: false },
    ]);
    expect(mentionParts('mail a@bob.com', [])).toEqual([{ text: 'mail a@bob.com', mention: false }]);
    expect(duration(7)).toBe('0:07');
    expect(duration(3723)).toBe('1:02:03');
    expect(fitSize(1200, 800)).toEqual({ width: 240, height: 160 });
    expect(fitSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(fitSize(0, 0)).toEqual({ width: 160, height: 120 });
  });
});

describe('sending files', () => {
  it('browser: each dropped file shows at once, is staged, created by type, and uploads with its own progress', async () => {
    const { b, media, chat } = await started({ holdSends: true });
    const sending = chat.files.sendFiles([
      { file: file('a.png', 'image/png') },
      { file: file('b.mp4', 'video/mp4') },
      { file: file('c.mp3', 'audio/mpeg', 2048) },
    ]);
    // Provisional bubbles, in drop order, before anything was staged.
    expect(chat.messages.map((m) => [m.type, m.status])).toEqual([
      ['TIMImageElem', 'unSend'],
      ['TIMVideoFileElem', 'unSend'],
      ['TIMFileElem', 'unSend'],
    ]);
    expect(chat.messages[2].payload).toMatchObject({ fileName: 'c.mp3', fileSize: 2048 });
    await until(() => media.heldCount === 3);
    expect(b.staged.map((f) => f.name)).toEqual(['a.png', 'b.mp4', 'c.mp3']);
    // The SDK's message is made with the shown bubble's time and random: the same ID.
    const image = chat.messages[0];
    expect(b.callsOf('tim.createImageMessage')[0]).toEqual({
      to: 'bob',
      conversationType: 'C2C',
      // Files take reactions too (message extensions).
      isSupportExtension: true,
      payload: { file: '/staged/1/a.png' },
      time: image.time,
      random: image.random,
    });
    expect(b.callsOf('tim.createVideoMessage')[0].payload).toEqual({ file: '/staged/2/b.mp4' });
    expect(b.callsOf('tim.createFileMessage')[0].payload).toEqual({ file: '/staged/3/c.mp3' });
    expect(chat.messages).toHaveLength(3);
    const [img, vid] = chat.messages;
    media.progress(img, 30, 100);
    media.progress(vid, 5, 50);
    expect(chat.files.progress.get(messageKey(img))).toEqual({ loaded: 30, total: 100 });
    expect(chat.files.progress.get(messageKey(vid))).toEqual({ loaded: 5, total: 50 });
    expect(chat.files.progress.size).toBe(2);
    media.finishSend(img.random);
    media.finishSend(vid.random);
    media.finishSend(chat.messages[2].random);
    await sending;
    expect(chat.messages.map((m) => m.status)).toEqual(['success', 'success', 'success']);
    expect(chat.files.progress.size).toBe(0);
  });

  it('desktop: paths go straight to create*Message (no staging)', async () => {
    const { b, chat } = await started({ native: true });
    await chat.files.sendFiles([{ path: '/home/a/x.webp' }, { path: '/home/a/report.pdf' }]);
    expect(b.staged).toHaveLength(0);
    expect(b.callsOf('tim.createImageMessage')[0].payload).toEqual({ file: '/home/a/x.webp' });
    expect(b.callsOf('tim.createFileMessage')[0].payload).toEqual({ file: '/home/a/report.pdf' });
    expect(chat.messages.map((m) => m.status)).toEqual(['success', 'success']);
  });

  it('desktop: a dropped image shows from the local file server while it uploads', async () => {
    const { media, chat } = await started({ native: true, holdSends: true });
    const sending = chat.files.sendFiles([{ path: '/home/a/x.png' }]);
    await until(() => media.heldCount === 1);
    expect([...chat.files.localPreviews.values()]).toEqual([`http://127.0.0.1:9/token/file/${encodeURIComponent('/home/a/x.png')}`]);
    expect(chat.messages[0].status).toBe('unSend');
    media.finishSend(chat.messages[0].random);
    await sending;
    expect(chat.messages[0].status).toBe('success');
  });

  it('videos: the cover frame is staged and passed as snapshot with what the element measured', async () => {
    const frame = { blob: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2])], { type: 'image/jpeg' }), width: 320, height: 240, videoWidth: 320, videoHeight: 240, duration: 1.04 };
    const urls: [string, CaptureOptions | undefined][] = [];
    const real = videoCover.capture;
    videoCover.capture = async (url, options) => {
      urls.push([url, options]);
      return frame;
    };
    try {
      // Browser: the File's object URL, the cover staged like any file.
      const web = await started();
      await web.chat.files.sendFiles([{ file: file('clip.webm', 'video/webm') }]);
      expect(urls[0][0]).toMatch(/^blob:/);
      expect(urls[0][1]).toEqual({ crossOrigin: false });
      expect(web.b.staged.map((f) => [f.name, f.type])).toEqual([
        ['clip.webm', 'video/webm'],
        ['cover.jpg', 'image/jpeg'],
      ]);
      expect(web.b.callsOf('tim.createVideoMessage')[0].payload).toEqual({
        file: '/staged/1/clip.webm',
        snapshot: '/staged/2/cover.jpg',
        duration: 1040,
        width: 320,
        height: 240,
      });
      expect(web.chat.messages.map((m) => m.status)).toEqual(['success']);
      // The sender saw the cover frame at once, kept under the sent message's key.
      expect([...web.chat.files.localPreviews.entries()]).toEqual([[messageKey(web.chat.messages[0]), expect.stringMatching(/^blob:/)]]);

      // Desktop: the host's URL of the path (CORS), the cover written as base64.
      const desk = await started({ native: true });
      await desk.chat.files.sendFiles([{ path: '/home/a/clip.mp4' }]);
      expect(desk.b.callsOf('app.localFileUrl')[0]).toEqual({ path: '/home/a/clip.mp4' });
      expect(urls[1]).toEqual(['http://127.0.0.1:9/token/file/%2Fhome%2Fa%2Fclip.mp4', { crossOrigin: true }]);
      expect(desk.b.callsOf('app.writeStagedFile')[0]).toEqual({ name: 'cover.jpg', base64: '/9j/AQI=' });
      expect(desk.b.staged).toHaveLength(0);
      expect(desk.b.callsOf('tim.createVideoMessage')[0].payload).toMatchObject({ file: '/home/a/clip.mp4', snapshot: '/data/staging/cover.jpg' });
    } finally {
      videoCover.capture = real;
    }
  });

  it('videos: no frame, a failing capture or a failing cover write sends the video without a cover', async () => {
    const real = videoCover.capture;
    try {
      videoCover.capture = async () => null;
      const none = await started();
      await none.chat.files.sendFiles([{ file: file('a.mp4', 'video/mp4') }]);
      expect(none.b.callsOf('tim.createVideoMessage')[0].payload).toEqual({ file: '/staged/1/a.mp4' });
      expect(none.chat.messages.map((m) => m.status)).toEqual(['success']);

      videoCover.capture = async () => {
        throw new Error('tainted');
      };
      const thrown = await started();
      await thrown.chat.files.sendFiles([{ file: file('a.mp4', 'video/mp4') }]);
      expect(thrown.b.callsOf('tim.createVideoMessage')[0].payload).toEqual({ file: '/staged/1/a.mp4' });

      videoCover.capture = async () => ({ blob: new Blob([new Uint8Array(3)]), width: 1, height: 1, videoWidth: 0, videoHeight: 0, duration: 0 });
      const desk = await started({ native: true });
      desk.b.handle('app.writeStagedFile', () => Promise.reject({ code: 2905, message: 'over 2 MB' }));
      await desk.chat.files.sendFiles([{ path: '/v/a.mov' }]);
      expect(desk.b.callsOf('tim.createVideoMessage')[0].payload).toEqual({ file: '/v/a.mov' });
      expect(desk.chat.messages.map((m) => m.status)).toEqual(['success']);

      // Without a DOM (this test environment) the real capturer gives no frame at once.
      videoCover.capture = real;
      expect(await real('blob:x')).toBeNull();
    } finally {
      videoCover.capture = real;
    }
  });

  it('cover frame helpers: time, size, base64', async () => {
    expect(coverTime(1)).toBeCloseTo(0.1);
    expect(coverTime(0.5)).toBeCloseTo(0.05);
    expect(coverTime(Infinity)).toBe(0.1);
    expect(coverSize(1920, 1080)).toEqual({ width: 720, height: 405 });
    expect(coverSize(320, 240)).toEqual({ width: 320, height: 240 });
    expect(coverSize(10, 5000)).toEqual({ width: 1, height: 720 });
    expect(await blobToBase64(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2])]))).toBe('/9j/AQI=');
  });

  it('a staging failure leaves a failed bubble whose Retry stages again', async () => {
    const { b, chat } = await started();
    b.stageError = { code: 2800, message: 'offline' };
    await chat.files.sendFiles([{ file: file('a.txt', 'text/plain') }]);
    expect(chat.messages[0].status).toBe('fail');
    expect(chat.sendErrors.get(messageKey(chat.messages[0]))?.code).toBe(2800);
    b.stageError = null;
    await chat.retry(chat.messages[0]);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0].status).toBe('success');
    expect(b.staged).toHaveLength(1);
  });

  it('an upload failure shows the code; Retry resends the same message', async () => {
    const { b, media, chat } = await started({ holdSends: true });
    const p = chat.files.sendFiles([{ file: file('a.txt', 'text/plain') }]);
    await until(() => media.heldCount === 1);
    media.finishSend(chat.messages[0].random, { code: 2400, message: 'upload failed' });
    await p;
    const failed = chat.messages[0];
    expect(failed.status).toBe('fail');
    expect(chat.sendErrors.get(messageKey(failed))?.code).toBe(2400);
    const again = chat.retry(failed);
    await until(() => media.heldCount === 1);
    media.finishSend(failed.random);
    await again;
    expect(b.callsOf('tim.resendMessage')).toHaveLength(1);
    expect(chat.messages[0].status).toBe('success');
    expect(chat.sendErrors.size).toBe(0);
  });
});

describe('revoke and modify', () => {
  it('MESSAGE_REVOKED from the peer shows the placeholder and updates the list preview', async () => {
    const { app, b, chat } = await started();
    const m = message({ time: 100, sequence: 1 });
    chat.upsert([m]);
    b.emit('onConversationListUpdated', [
      conversation('bob', { lastMessage: { ...conversation('bob').lastMessage!, lastTime: 100, lastSequence: 1, fromAccount: 'bob' } }),
    ]);
    b.emit('onMessageRevoked', [{ ...m, isRevoked: true }]);
    expect(chat.messages[0].isRevoked).toBe(true);
    expect(app.conversations.list.find((c) => c.conversationID === 'C2Cbob')?.lastMessage?.isRevoked).toBe(true);
    // Messages not shown are not added by the event.
    b.emit('onMessageRevoked', [message({ ID: 'elsewhere', isRevoked: true })]);
    expect(chat.messages).toHaveLength(1);
  });

  it('MESSAGE_MODIFIED replaces the payload and marks it edited', async () => {
    const { b, chat } = await started();
    const m = message({ payload: { text: 'typo' } });
    chat.upsert([m]);
    b.emit('onMessageModified', [{ ...m, payload: { text: 'fixed' }, isModified: true }]);
    expect(chat.messages[0].payload.text).toBe('fixed');
    expect(chat.messages[0].isModified).toBe(true);
  });

  it('recall: refused after 2 minutes without asking the server; within, recalled and kept for re-editing', async () => {
    const { b, media, chat } = await started();
    const old = media.put(message({ flow: 'out', from: 'alice', time: NOW - 200, payload: { text: 'old' } }));
    const recent = media.put(message({ flow: 'out', from: 'alice', time: NOW - 30, payload: { text: 'recent' } }));
    chat.upsert([old, recent]);
    expect(await chat.revoke(old, NOW)).toBe(false);
    expect(chat.notice).toMatchObject({ key: 'error.revokeWindow', code: 2110 });
    expect(b.callsOf('tim.revokeMessage')).toHaveLength(0);
    expect(await chat.revoke(recent, NOW)).toBe(true);
    expect(chat.messages.find((m) => m.ID === recent.ID)?.isRevoked).toBe(true);
    expect(chat.recalledText.get(messageKey(recent))).toBe('recent');
  });

  it('edit: saves the new text; a 2480 conflict shows the latest version and a notice', async () => {
    const { b, media, chat } = await started();
    const m = media.put(message({ flow: 'out', from: 'alice', payload: { text: 'helo' } }));
    chat.upsert([m]);
    chat.editingKey = messageKey(m);
    expect(await chat.edit(m, 'hello')).toBe(true);
    expect(chat.messages[0]).toMatchObject({ payload: { text: 'hello' }, isModified: true });
    expect(chat.editingKey).toBeNull();
    const latest = { ...chat.messages[0], payload: { text: 'changed elsewhere' } };
    b.handle('tim.modifyMessage', () => Promise.reject({ code: 2480, message: 'conflict', data: { message: latest } }));
    expect(await chat.edit(chat.messages[0], 'mine')).toBe(false);
    expect(chat.messages[0].payload.text).toBe('changed elsewhere');
    expect(chat.notice).toMatchObject({ key: 'error.modifyConflict', code: 2480 });
  });

  it('the facade rejects modifyMessage 2480 with data.message', async () => {
    const b = loggedInBackend();
    const latest = message({ payload: { text: 'latest' } });
    b.handle('tim.modifyMessage', () => Promise.reject({ code: 2480, message: 'conflict', data: { message: latest } }));
    const tim = new Tim(b);
    await expect(tim.modifyMessage(message())).rejects.toEqual({ code: 2480, message: 'conflict', data: { message: latest } });
  });
});

describe('selection, delete, forward', () => {
  it('selects at most 30 messages', async () => {
    const { chat } = await started();
    const list = Array.from({ length: 31 }, () => message());
    chat.upsert(list);
    chat.selection.start();
    for (const m of list.slice(0, 30)) expect(chat.selection.toggle(m)).toBe(true);
    expect(chat.selection.toggle(list[30])).toBe(false);
    expect(chat.selection.selected).toHaveLength(MAX_SELECTION);
    expect(chat.notice).toMatchObject({ key: 'select.max', params: { count: 30 } });
    expect(chat.selection.toggle(list[0])).toBe(true);
    expect(chat.selection.selected).toHaveLength(29);
    chat.selection.stop();
    expect(chat.selection.selected).toHaveLength(0);
  });

  it('delete for me removes the messages and asks the SDK once', async () => {
    const { b, chat } = await started();
    const list = Array.from({ length: 3 }, () => message());
    chat.upsert(list);
    chat.selection.start(list[0]);
    chat.selection.toggle(list[2]);
    expect(await chat.deleteMessages(chat.selectedMessages())).toBe(true);
    expect(b.callsOf('tim.deleteMessage')).toEqual([{ messageList: [list[0], list[2]] }]);
    expect(chat.messages.map((m) => m.ID)).toEqual([list[1].ID]);
    b.handle('tim.deleteMessage', () => Promise.reject({ code: 2996, message: 'too often' }));
    expect(await chat.deleteMessages([list[1]])).toBe(false);
    expect(chat.notice).toMatchObject({ key: 'error.tooFast', code: 2996 });
  });

  it('forward as chat history: one merger message with title, abstract and compatible text', async () => {
    const { app, b } = await started();
    const list = [message({ payload: { text: 'one' } }), message({ flow: 'out', from: 'alice', type: 'TIMImageElem', payload: {} })];
    expect(await app.forward(list, ['C2Ccarol'], 'merged')).toBeNull();
    const args = b.callsOf('tim.createMergerMessage')[0] as { to: string; payload: Record<string, unknown> };
    expect(args.to).toBe('carol');
    expect(args.payload).toMatchObject({
      title: 'Chat history of Alice and Bob',
      abstractList: ['Bob: one', 'Alice: [Image]'],
      compatibleText: '[Chat history] Update Confab to view this message.',
    });
    expect(b.callsOf('tim.sendMessage')).toHaveLength(1);
    expect(app.chats.get('C2Ccarol').messages[0]).toMatchObject({ type: 'TIMRelayElem', status: 'success' });
  });

  it('forward one by one: a forward message per message, per target', async () => {
    const { app, b } = await started();
    const list = [message(), message(), message({ isRevoked: true })];
    await app.forward(list, ['C2Ccarol', 'C2Cdave'], 'oneByOne');
    expect(b.callsOf('tim.createForwardMessage')).toHaveLength(4);
    expect(b.callsOf('tim.sendMessage')).toHaveLength(4);
  });
});

describe('downloads', () => {
  it('app.downloadFile once per message and rendition, then cached', async () => {
    const { app, b } = await started();
    const m = message({ type: 'TIMImageElem', payload: {} });
    const [a, c] = await Promise.all([app.files.load(m, 'small'), app.files.load(m, 'small')]);
    expect(a).toMatchObject({ state: 'ready', url: `fake://${m.ID}/small` });
    expect(c.state).toBe('ready');
    expect(b.callsOf('app.downloadFile')).toHaveLength(1);
    await app.files.load(m, 'original');
    expect(b.callsOf('app.downloadFile')).toHaveLength(2);
    expect(app.files.get(m, 'small')?.url).toBe(`fake://${m.ID}/small`);
  });

  it('a failed download can be asked for again', async () => {
    const { app, b } = await started();
    b.handle('app.downloadFile', () => Promise.reject({ code: 2800, message: 'offline' }));
    const m = message({ type: 'TIMFileElem', payload: { fileName: 'x' } });
    expect((await app.files.load(m)).state).toBe('error');
    b.handle('app.downloadFile', () => ({ path: '/p', url: 'u' }));
    expect((await app.files.load(m)).state).toBe('ready');
  });
});

describe('native drag and drop', () => {
  it('the backend subscription reaches the facade', () => {
    const b = new FakeBackend();
    const tim = new Tim(b);
    const seen: string[] = [];
    const off = tim.onDragDrop((e) => seen.push(e.type));
    b.dragDrop({ type: 'enter', paths: ['/a.png'], position: { x: 1, y: 1 } });
    b.dragDrop({ type: 'drop', paths: ['/a.png'], position: { x: 1, y: 1 } });
    off();
    b.dragDrop({ type: 'leave' });
    expect(seen).toEqual(['enter', 'drop']);
  });
});

export type { FakeMedia };

describe('download progress', () => {
  it('reaches the entry asked for with or without a rendition', async () => {
    const { app, b } = await started();
    const m = message({ type: 'TIMFileElem', payload: { fileName: 'x' } });
    let release!: () => void;
    b.handle('app.downloadFile', () => new Promise((r) => (release = () => r({ path: '/p', url: 'u' }))));
    const p = app.files.load(m);
    b.emit('onFileDownloadProgress', { ID: m.ID, rendition: 'original', loaded: 5, total: 10 });
    expect(app.files.get(m)).toMatchObject({ state: 'loading', loaded: 5, total: 10 });
    release();
    await p;
    expect(app.files.get(m)?.state).toBe('ready');
  });
});

describe('splitFileName (middle truncation keeps the end and the extension)', () => {
  it('keeps the extension and a few characters before it in the tail', () => {
    const name = 'Quarterly financial report for the board, final version 2.pdf';
    const { head, tail } = splitFileName(name);
    expect(head + tail).toBe(name);
    expect(tail).toBe('sion 2.pdf');
  });
  it('leaves short names whole', () => {
    expect(splitFileName('a.pdf')).toEqual({ head: '', tail: 'a.pdf' });
    expect(splitFileName('notes.txt')).toEqual({ head: '', tail: 'notes.txt' });
  });
  it('names without an extension, dotfiles, long "extensions" and CJK', () => {
    expect(splitFileName('a-very-long-name-without-extension').tail).toBe('ension');
    expect(splitFileName('.bashrc-with-a-long-tail').tail).toBe('g-tail');
    expect(splitFileName('release.notes-for-everyone-2026').tail).toBe('e-2026');
    const cjk = splitFileName('第三季度财务报告最终版本第二稿.docx');
    expect(cjk.tail).toBe('最终版本第二稿.docx'.slice(-11));
    expect(cjk.head + cjk.tail).toBe('第三季度财务报告最终版本第二稿.docx');
  });
});
