import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { mergeMessages } from '../../src/lib/state/chat.svelte';
import { sortConversations, messageKey, initials } from '../../src/lib/state/names';
import { FakeBackend } from '../../src/lib/backend/fake';
import { appState, conversation, flush, loggedInBackend, message, profile } from './fixtures';
import { ERROR_CODE } from '../../src/lib/tim';

async function started(b: FakeBackend = loggedInBackend(), focused = true) {
  const focus = new WindowFocus(focused);
  const app = new AppModel(b, { storage: new MemoryStorage(), focus });
  await app.start();
  await flush();
  return { app, b, focus };
}

describe('Session', () => {
  it('first run: no mode → choose mode, then login, then main', async () => {
    let state = appState({ mode: null, userID: null, loggedIn: false, serverUrl: null });
    const b = loggedInBackend();
    b.handle('app.getState', () => state)
      .handle('app.chooseServer', (a) => (state = { ...state, mode: a.mode as 'local', serverUrl: 'http://127.0.0.1:1' }))
      .handle('app.login', (a) =>
        a.password === 'pw'
          ? (state = { ...state, userID: a.userID as string, loggedIn: true })
          : Promise.reject({ code: 70001, message: 'bad password' }),
      );
    const { app } = await started(b);
    expect(app.session.phase).toBe('chooseMode');
    expect(await app.session.chooseServer('local')).toBe(true);
    expect(b.callsOf('app.chooseServer')).toEqual([{ mode: 'local' }]);
    expect(app.session.phase).toBe('login');
    expect(await app.session.login('alice', 'nope')).toBe(false);
    expect(app.session.error).toEqual({ code: 70001, message: 'bad password' });
    expect(await app.session.login('alice', 'pw')).toBe(true);
    expect(app.session.phase).toBe('main');
    await flush();
    expect(b.callsOf('tim.getConversationList')).toHaveLength(1);
    expect(app.profile.profile?.nick).toBe('Alice');
  });

  it('resumes a remembered session at startup', async () => {
    const b = loggedInBackend();
    b.handle('app.getState', () => appState({ loggedIn: false }));
    const { app } = await started(b);
    expect(b.callsOf('app.resume')).toHaveLength(1);
    expect(app.session.phase).toBe('main');
  });

  it('kicked out: back to login with the user ID kept, data cleared', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    const { app } = await started(b);
    expect(app.conversations.list).toHaveLength(1);
    b.emit('kickedOut', { type: 'multipleAccount' });
    expect(app.session.kicked).toEqual({ type: 'multipleAccount', userID: app.session.state?.userID });
    expect(app.session.kicked?.userID).toBeTruthy();
    expect(app.session.phase).toBe('login');
    expect(app.conversations.list).toHaveLength(0);
    app.session.dismissKick();
    expect(app.session.kicked).toBeNull();
  });

  it('connection banner follows net state and the bridge', async () => {
    const { app, b } = await started();
    expect(app.session.connection).toBeNull();
    b.emit('netStateChange', { state: 'disconnected' });
    expect(app.session.connection).toBe('disconnected');
    b.emit('netStateChange', { state: 'connecting' });
    expect(app.session.connection).toBe('connecting');
    b.emit('netStateChange', { state: 'connected' });
    b.emit('confab.bridge', { connected: false });
    expect(app.session.connection).toBe('bridge');
    b.emit('confab.bridge', { connected: true });
    expect(app.session.connection).toBeNull();
  });

  it('logout forgets the session', async () => {
    const b = loggedInBackend();
    b.handle('app.logout', () => appState({ loggedIn: false, userID: null }));
    const { app } = await started(b);
    await app.session.logout();
    expect(app.session.phase).toBe('login');
  });
});

describe('Conversations', () => {
  it('sorts pinned first then by last activity; merges updates', async () => {
    const list = [conversation('a', {}, 10), conversation('b', {}, 30), conversation('c', { isPinned: true }, 5)];
    expect(sortConversations(list).map((c) => c.conversationID)).toEqual(['C2Cc', 'C2Cb', 'C2Ca']);
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: list, isSyncCompleted: true }));
    const { app } = await started(b);
    b.emit('onConversationListUpdated', [conversation('a', { unreadCount: 2 }, 50), conversation('d', {}, 1)]);
    expect(app.conversations.sorted.map((c) => c.conversationID)).toEqual(['C2Cc', 'C2Ca', 'C2Cb', 'C2Cd']);
    app.conversations.query = 'd';
    expect(app.conversations.filtered.map((c) => c.conversationID)).toEqual(['C2Cd']);
  });

  it('asks for the list again when the SDK becomes ready', async () => {
    // A login can resolve before a long sync ends; the first answer is empty.
    let ready = false;
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () =>
      ready
        ? { conversationList: [conversation('bob')], isSyncCompleted: true }
        : Promise.reject({ code: 2999, message: 'not ready' }),
    );
    const { app } = await started(b);
    expect(app.conversations.list).toHaveLength(0);
    ready = true;
    b.emit('sdkStateReady');
    await flush();
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cbob']);
  });

  it('total unread updates the badge', async () => {
    const { app, b } = await started();
    b.emit('onTotalUnreadMessageCountUpdated', 3);
    expect(app.conversations.totalUnread).toBe(3);
    expect(app.tim.getTotalUnreadMessageCount()).toBe(3);
    expect(b.callsOf('app.setUnreadBadge').at(-1)).toEqual({ count: 3 });
  });

  it('Alt+Up/Down steps through the list', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({
      conversationList: [conversation('a', {}, 3), conversation('b', {}, 2), conversation('c', {}, 1)],
      isSyncCompleted: true,
    }));
    const { app } = await started(b);
    app.stepConversation(1);
    expect(app.conversations.activeID).toBe('C2Ca');
    app.stepConversation(1);
    app.stepConversation(1);
    app.stepConversation(1);
    expect(app.conversations.activeID).toBe('C2Cc');
    app.stepConversation(-1);
    expect(app.conversations.activeID).toBe('C2Cb');
  });
});

describe('Mark read and notifications', () => {
  it('marks read only when open and focused', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({
      conversationList: [conversation('bob', { unreadCount: 2 })],
      isSyncCompleted: true,
    }));
    const { app, focus } = await started(b, false);
    app.openConversation('C2Cbob');
    // The message list shows its latest message (what MessageList reports).
    app.showsLatest('C2Cbob', true);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(0);
    focus.set(true);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toEqual([{ conversationID: 'C2Cbob' }]);
  });

  it('a new message in the open, focused chat is read at once and not notified', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    app.showsLatest('C2Cbob', true);
    await flush();
    const m = message();
    b.emit('onMessageReceived', [m]);
    b.emit('onConversationListUpdated', [conversation('bob', { unreadCount: 1 }, m.time)]);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toEqual([{ conversationID: 'C2Cbob' }]);
    expect(b.callsOf('app.notify')).toHaveLength(0);
    expect(app.chats.get('C2Cbob').messages.map((x) => x.ID)).toEqual([m.ID]);
  });

  it('is not read while the latest message is off screen (scrolled up), read once it is shown', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    app.showsLatest('C2Cbob', true);
    app.showsLatest('C2Cbob', false);
    await flush();
    const m = message();
    b.emit('onMessageReceived', [m]);
    b.emit('onConversationListUpdated', [conversation('bob', { unreadCount: 1 }, m.time)]);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(0);
    // Another chat's list at its bottom does not count for this one.
    app.showsLatest('C2Ccarol', true);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toHaveLength(0);
    app.showsLatest('C2Cbob', true);
    await flush();
    expect(b.callsOf('tim.setMessageRead')).toEqual([{ conversationID: 'C2Cbob' }]);
  });

  it('notifies when unfocused or another chat is open', async () => {
    const b = loggedInBackend();
    const { app, focus } = await started(b);
    app.openConversation('C2Ccarol');
    b.emit('onMessageReceived', [message({ nick: 'Bob', payload: { text: 'yo' } })]);
    expect(b.callsOf('app.notify')).toEqual([{ title: 'Bob', body: 'yo', conversationID: 'C2Cbob' }]);
    app.openConversation('C2Cbob');
    focus.set(false);
    b.emit('onMessageReceived', [message({ payload: { text: 'again' } })]);
    expect(b.callsOf('app.notify')).toHaveLength(2);
    b.emit('onMessageReceived', [message({ flow: 'out', from: 'alice' })]);
    expect(b.callsOf('app.notify')).toHaveLength(2);
  });

  it('a failing notification is only logged', async () => {
    const b = loggedInBackend();
    b.handle('app.notify', () => Promise.reject({ code: -1, message: 'no bus' }));
    const { b: be } = await started(b, false);
    be.emit('onMessageReceived', [message()]);
    await flush();
  });
});

describe('Chat', () => {
  it('loads history, pages older, keeps order', async () => {
    const older = [message(), message()];
    const newer = [message(), message()];
    const b = loggedInBackend();
    b.handle('tim.getMessageList', (a) =>
      a.nextReqMessageID
        ? { messageList: older, nextReqMessageID: '', isCompleted: true }
        : { messageList: newer, nextReqMessageID: newer[0].ID, isCompleted: false },
    );
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    await flush();
    const chat = app.chats.get('C2Cbob');
    expect(chat.status).toBe('ready');
    expect(chat.messages.map((m) => m.ID)).toEqual(newer.map((m) => m.ID));
    await chat.loadOlder();
    expect(chat.messages.map((m) => m.ID)).toEqual([...older, ...newer].map((m) => m.ID));
    expect(chat.isCompleted).toBe(true);
    await chat.loadOlder();
    expect(b.callsOf('tim.getMessageList')).toHaveLength(2);
  });

  it('send: shows sending at once, then sent with the server ID', async () => {
    const b = loggedInBackend();
    let release!: () => void;
    b.handle('tim.sendMessage', async (a) => {
      await new Promise<void>((r) => (release = r));
      const m = a.message as ReturnType<typeof message>;
      return { message: { ...m, ID: 'srv-final', status: 'success', sequence: 7 } };
    });
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    await flush();
    const chat = app.chats.get('C2Cbob');
    const done = chat.send('  hello  ');
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]).toMatchObject({ status: 'unSend', payload: { text: 'hello' }, from: 'alice', to: 'bob' });
    expect(app.chats.pendingCount).toBe(1);
    release();
    await done;
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]).toMatchObject({ ID: 'srv-final', status: 'success' });
    expect(app.chats.pendingCount).toBe(0);
  });

  it('send failure shows failed with retry; retry resends', async () => {
    const b = loggedInBackend();
    b.handle('tim.sendMessage', () => Promise.reject({ code: 2100, message: 'send failed' }));
    b.handle('tim.resendMessage', (a) => ({ message: { ...(a.message as object), ID: 'srv-r', status: 'success' } }));
    const { app } = await started(b);
    const chat = app.chats.get('C2Cbob');
    await chat.send('x');
    expect(chat.messages[0].status).toBe('fail');
    expect([...chat.sendErrors.values()]).toEqual([{ code: 2100, message: 'send failed' }]);
    await chat.retry(chat.messages[0]);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]).toMatchObject({ ID: 'srv-r', status: 'success' });
    expect(chat.sendErrors.size).toBe(0);
    // The failed message itself was resent (and, as in TIM, that object is now the sent one).
    expect(b.callsOf('tim.resendMessage')[0].message).toMatchObject({ ID: 'srv-r', status: 'success' });
  });

  it('a queued message is delivered later by the status event', async () => {
    const b = loggedInBackend();
    b.handle('tim.sendMessage', () => new Promise(() => {}));
    const { app } = await started(b);
    const chat = app.chats.get('C2Cbob');
    void chat.send('later');
    await flush();
    expect(app.chats.pendingCount).toBe(1);
    const local = chat.messages[0];
    b.emit('onMessageStatusChanged', [{ ...local, ID: 'srv-q', status: 'success' }]);
    expect(chat.messages[0]).toMatchObject({ ID: 'srv-q', status: 'success' });
    expect(app.chats.pendingCount).toBe(0);
  });

  it('read by peer marks own messages read', async () => {
    const mine = [
      message({ flow: 'out', from: 'alice', to: 'bob' }),
      message({ flow: 'out', from: 'alice', to: 'bob' }),
    ];
    const b = loggedInBackend();
    b.handle('tim.getMessageList', () => ({ messageList: mine, nextReqMessageID: '', isCompleted: true }));
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    await flush();
    b.emit('onMessageReadByPeer', [{ ...mine[1], isPeerRead: true }]);
    const chat = app.chats.get('C2Cbob');
    expect(chat.messages.map((m) => m.isPeerRead)).toEqual([true, true]);
    // Checklist 330, 1157: readReceiptInfo belongs to read receipts, not to the C2C read mark.
    expect(chat.messages.map((m) => m.readReceiptInfo.isPeerRead)).toEqual([false, false]);
  });

  it('unread divider at the first unread message', async () => {
    const msgs = [message(), message(), message()];
    const b = loggedInBackend();
    b.handle('tim.getMessageList', () => ({ messageList: msgs, nextReqMessageID: '', isCompleted: true }));
    b.handle('tim.getConversationList', () => ({
      conversationList: [conversation('bob', { unreadCount: 2 })],
      isSyncCompleted: true,
    }));
    const { app } = await started(b);
    app.openConversation('C2Cbob');
    await flush();
    expect(app.chats.get('C2Cbob').firstUnreadKey).toBe(messageKey(msgs[1]));
  });

  it('mergeMessages replaces by key and keeps time order', () => {
    const a = message({ time: 10 });
    const c = message({ time: 30 });
    const local = message({ time: 20, flow: 'out', ID: 'local-1', random: 42, status: 'unSend' });
    let list = mergeMessages([a, c], [local]);
    expect(list.map((m) => m.ID)).toEqual([a.ID, 'local-1', c.ID]);
    list = mergeMessages(list, [{ ...local, ID: 'srv', status: 'success' }]);
    expect(list.map((m) => m.ID)).toEqual([a.ID, 'srv', c.ID]);
  });

  it('mergeMessages puts an older page from the same second before the newer messages', () => {
    // A burst: every message in one second; the sequences give the order.
    const newer = [21, 22, 23].map((seq) => message({ time: 100, sequence: seq, ID: `n${seq}` }));
    const older = [18, 19, 20].map((seq) => message({ time: 100, sequence: seq, ID: `o${seq}` }));
    const list = mergeMessages(newer, older);
    expect(list.map((m) => m.ID)).toEqual(['o18', 'o19', 'o20', 'n21', 'n22', 'n23']);
    // Newer messages of that second still append.
    const more = mergeMessages(list, [message({ time: 100, sequence: 24, ID: 'n24' })]);
    expect(more.at(-1)?.ID).toBe('n24');
  });

  it('mergeMessages takes a message given twice in one batch once (the later copy)', () => {
    const a = message({ time: 100, sequence: 1, ID: 'a' });
    const b = message({ time: 101, sequence: 2, ID: 'b' });
    const list = mergeMessages([b], [a, { ...a, isModified: true }]);
    expect(list.map((m) => m.ID)).toEqual(['a', 'b']);
    expect(list[0].isModified).toBe(true);
  });
});

describe('Drafts, profile, settings, new chat', () => {
  it('drafts are per conversation and per user, and survive a restart', async () => {
    const storage = new MemoryStorage();
    const b = loggedInBackend();
    const app = new AppModel(b, { storage });
    await app.start();
    app.drafts.set('C2Cbob', 'half a thought');
    app.drafts.set('C2Ccarol', '');
    expect(app.drafts.get('C2Cbob')).toBe('half a thought');
    expect(app.drafts.get('C2Ccarol')).toBe('');
    const again = new AppModel(loggedInBackend(), { storage });
    await again.start();
    expect(again.drafts.get('C2Cbob')).toBe('half a thought');
  });

  it('a login that reports loggedIn before the user ID still keeps that user\'s drafts', async () => {
    const storage = new MemoryStorage();
    let state = appState({ userID: null, loggedIn: false });
    const b = loggedInBackend();
    b.handle('app.getState', () => state).handle('app.login', (a) => {
      // The host's state event during the login, before the ID is known.
      b.emit('confab.appState', appState({ userID: null, loggedIn: true }));
      return (state = appState({ userID: a.userID as string }));
    });
    const app = new AppModel(b, { storage });
    await app.start();
    expect(await app.session.login('alice', 'pw')).toBe(true);
    await flush();
    app.drafts.set('C2Cbob', 'kept');
    // Kept per account: the user ID on its server.
    expect(storage.getItem('confab.drafts.alice@127.0.0.1:7788')).toBe(JSON.stringify({ C2Cbob: 'kept' }));
  });

  it('reopens the last open chat of the same user after a restart', async () => {
    const storage = new MemoryStorage();
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({
      conversationList: [conversation('bob'), conversation('carol')],
      isSyncCompleted: true,
    }));
    const first = new AppModel(b, { storage });
    await first.start();
    await flush();
    first.openConversation('C2Ccarol');
    const again = new AppModel(b, { storage });
    await again.start();
    await flush();
    expect(again.conversations.activeID).toBe('C2Ccarol');
    // Another user on the same machine has their own.
    const other = loggedInBackend();
    other.handle('app.getState', () => appState({ userID: 'dave' }));
    const dave = new AppModel(other, { storage });
    await dave.start();
    await flush();
    expect(dave.conversations.activeID).toBeNull();
    // Closing the chat is remembered too.
    again.openConversation(null);
    const third = new AppModel(b, { storage });
    await third.start();
    await flush();
    expect(third.conversations.activeID).toBeNull();
  });

  it('updates my profile and follows PROFILE_UPDATED', async () => {
    const b = loggedInBackend();
    b.handle('tim.updateMyProfile', (a) => profile('alice', { ...(a as object) }));
    const { app } = await started(b);
    expect(await app.profile.save({ nick: 'Al', selfSignature: 'hi' })).toBe(true);
    expect(app.profile.profile).toMatchObject({ nick: 'Al', selfSignature: 'hi' });
    b.emit('onProfileUpdated', [profile('bob', { nick: 'B' }), profile('alice', { nick: 'Alicia' })]);
    expect(app.profile.profile?.nick).toBe('Alicia');
  });

  it("the desktop host's locale is the system language; a browser's own language wins over the web host's", async () => {
    const desktop = loggedInBackend(appState({ locale: 'zh-CN' }));
    desktop.hostLocale = true;
    const onDesktop = new AppModel(desktop, { storage: new MemoryStorage(), systemLocale: 'en-US' });
    await onDesktop.start();
    expect(onDesktop.settings.locale).toBe('zh-CN');

    const web = loggedInBackend(appState({ locale: 'en-US' }));
    const inBrowser = new AppModel(web, { storage: new MemoryStorage(), systemLocale: 'zh-CN' });
    await inBrowser.start();
    expect(inBrowser.settings.locale).toBe('zh-CN');
  });

  it('settings: theme and language override the system and are remembered', () => {
    const storage = new MemoryStorage();
    const app = new AppModel(new FakeBackend(), { storage, systemLocale: 'zh-Hans-CN' });
    expect(app.settings.locale).toBe('zh-CN');
    expect(app.i18n.t('chat.send')).toBe('发送');
    expect(app.i18n.t('list.unread', { count: 3 })).toBe('3 条未读消息');
    app.settings.setLanguage('en');
    flushSync();
    expect(app.i18n.t('list.unread', { count: 1 })).toBe('1 unread message');
    expect(app.i18n.t('list.unread', { count: 2 })).toBe('2 unread messages');
    app.settings.setTheme('dark');
    const again = new AppModel(new FakeBackend(), { storage, systemLocale: 'zh-CN' });
    expect(again.settings.theme).toBe('dark');
    expect(again.settings.locale).toBe('en');
  });

  it('new chat checks the user exists', async () => {
    const b = loggedInBackend();
    b.handle('tim.getUserProfile', (a) => ((a.userIDList as string[])[0] === 'bob' ? [profile('bob')] : []));
    const { app } = await started(b);
    expect(await app.startConversation('zed')).toBe(false);
    expect(app.newChatError?.code).toBe(ERROR_CODE.USER_OR_GROUP_NOT_FOUND);
    expect(await app.startConversation('alice')).toBe(false);
    expect(app.newChatError?.code).toBe(ERROR_CODE.CANNOT_MESSAGE_SELF);
    expect(await app.startConversation(' bob ')).toBe(true);
    expect(app.conversations.activeID).toBe('C2Cbob');
  });

  it('a new chat is a provisional row at the top until it has a message; gone when left', async () => {
    const b = loggedInBackend();
    b.handle('tim.getUserProfile', (a) => (a.userIDList as string[]).map((id) => profile(id, { nick: id === 'carol' ? 'Carol' : id })));
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    const { app } = await started(b);
    expect(await app.startConversation('carol')).toBe(true);
    const convs = app.conversations;
    expect(convs.shown.map((c) => c.conversationID)).toEqual(['C2Ccarol', 'C2Cbob']);
    expect(convs.provisional).toMatchObject({ unreadCount: 0, lastMessage: null, userProfile: { nick: 'Carol' } });
    convs.query = 'car';
    expect(convs.filtered.map((c) => c.conversationID)).toEqual(['C2Ccarol']);
    convs.query = '';
    // The first message makes it a real conversation: one row, no provisional.
    b.emit('onConversationListUpdated', [conversation('carol', {}, 200)]);
    expect(convs.provisional).toBeNull();
    expect(convs.shown.map((c) => c.conversationID)).toEqual(['C2Ccarol', 'C2Cbob']);
    // Another new chat, left without a message: its row goes.
    expect(await app.startConversation('dave')).toBe(true);
    expect(convs.shown.map((c) => c.conversationID)).toEqual(['C2Cdave', 'C2Ccarol', 'C2Cbob']);
    app.openConversation('C2Cbob');
    expect(convs.shown.map((c) => c.conversationID)).toEqual(['C2Ccarol', 'C2Cbob']);
  });

  it('initials', () => {
    expect(initials('bob')).toBe('BO');
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('张三')).toBe('张');
  });
});
