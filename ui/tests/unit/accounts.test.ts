import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { Session, accountLabel, backgroundUnread, serverHost } from '../../src/lib/state/session.svelte';
import { typingData } from '../../src/lib/state/typing.svelte';
import { friendsOf } from '../../src/lib/state/friends.svelte';
import { FakeBackend } from '../../src/lib/backend/fake';
import { Tim } from '../../src/lib/tim';
import type { AppState } from '../../src/lib/types';
import { account, appState, conversation, flush, loggedInBackend, message } from './fixtures';

// Several accounts signed in at once (on one or several servers), switched
// from the rail; the notifications say which account they are for.

const SERVER_1 = 'http://127.0.0.1:7788';
const SERVER_2 = 'http://127.0.0.1:4000';

/** alice on server 1 (active) and alice on server 2: the same user ID, two accounts. */
function twinAlices(active: 1 | 2, unread2 = 0): AppState {
  return appState({
    userID: 'alice',
    serverUrl: active === 1 ? SERVER_1 : SERVER_2,
    accountID: `alice-${active}`,
    accounts: [
      account('alice', { accountID: 'alice-1', serverUrl: SERVER_1, active: active === 1 }),
      account('alice', { accountID: 'alice-2', serverUrl: SERVER_2, active: active === 2, unreadCount: unread2 }),
    ],
  });
}

/** alice (active) and carol (in the background, `carolUnread` unread) on one server. */
function aliceAndCarol(carolUnread = 0): AppState {
  return appState({
    accounts: [account('alice', { active: true }), account('carol', { unreadCount: carolUnread })],
  });
}

/**
 * A fake host that knows several signed-in accounts: `app.switchAccount`
 * and `app.addAccount` answer as the app does (the states given by account
 * key), and each account has its own conversation list.
 */
function multiBackend(first: AppState, states: Record<string, AppState>, lists: Record<string, string[]> = {}): FakeBackend {
  let state = first;
  const b = loggedInBackend(first);
  b.handle('app.getState', () => state)
    .handle('app.resume', () => state)
    .handle('app.switchAccount', (a) => {
      const next = states[String(a.accountID)];
      if (!next) return Promise.reject({ code: 2905, message: 'no such account' });
      state = next;
      return state;
    })
    .handle('app.addAccount', () => {
      state = {
        ...state,
        loggedIn: false,
        userID: null,
        accountID: null,
        accounts: state.accounts.map((x) => ({ ...x, active: false })),
      };
      return state;
    })
    .handle('tim.getConversationList', () => ({
      conversationList: (lists[state.accountID ?? ''] ?? []).map((peer) => conversation(peer)),
      isSyncCompleted: true,
    }))
    .handle('tim.getUserProfile', () => []);
  return b;
}

async function started(b: FakeBackend, focused = true) {
  const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(focused) });
  await app.start();
  await flush();
  return app;
}

describe('account labels', () => {
  it('a user ID alone, with the server’s host:port when another signed-in account has the same user ID', () => {
    const alices = twinAlices(1).accounts;
    expect(accountLabel(alices[0], alices)).toBe('alice (127.0.0.1:7788)');
    expect(accountLabel(alices[1], alices)).toBe('alice (127.0.0.1:4000)');
    const pair = aliceAndCarol().accounts;
    expect(accountLabel(pair[1], pair)).toBe('carol');
    expect(serverHost('https://chat.example.org/')).toBe('chat.example.org');
    expect(serverHost('not a url')).toBe('not a url');
  });

  it('the background unread count leaves the active account out', () => {
    expect(backgroundUnread(aliceAndCarol(3).accounts)).toBe(3);
    expect(backgroundUnread([account('alice', { active: true, unreadCount: 5 })])).toBe(0);
  });
});

describe('switching accounts', () => {
  it('runs signedOut then signedIn for another account, even of the same user ID', async () => {
    const b = multiBackend(twinAlices(1), { 'alice-1': twinAlices(1), 'alice-2': twinAlices(2) });
    const tim = new Tim(b);
    const calls: string[] = [];
    const session = new Session(tim, { signedIn: () => calls.push('in'), signedOut: () => calls.push('out') });
    await session.start();
    expect(calls).toEqual(['in']);
    expect(await session.switchAccount('alice-2')).toBe(true);
    expect(b.callsOf('app.switchAccount')).toEqual([{ accountID: 'alice-2' }]);
    expect(session.accountID).toBe('alice-2');
    expect(calls).toEqual(['in', 'out', 'in']);
    // The core's events of the same switch change nothing more.
    b.emit('sdkStateNotReady');
    b.emit('confab.appState', twinAlices(2));
    b.emit('sdkStateReady');
    expect(calls).toEqual(['in', 'out', 'in']);
    // A switch the core announces (another window switched): the same hooks.
    b.emit('sdkStateNotReady');
    b.emit('confab.appState', twinAlices(1));
    expect(calls).toEqual(['in', 'out', 'in', 'out', 'in']);
  });

  it('the main view is made anew for a switch only, not for a sign-in reported in two steps', async () => {
    const b = multiBackend(twinAlices(1), { 'alice-1': twinAlices(1), 'alice-2': twinAlices(2) });
    const session = new Session(new Tim(b));
    // The host may say loggedIn before it names the user and the account.
    b.emit('confab.appState', appState({ userID: null, accountID: null, accounts: [] }));
    expect(session.phase).toBe('main');
    b.emit('confab.appState', twinAlices(1));
    expect(session.generation).toBe(0);
    expect(await session.switchAccount('alice-2')).toBe(true);
    expect(session.generation).toBe(1);
    // A sign-out leaves the main view: the next sign-in makes it anyway.
    b.emit('confab.appState', { ...twinAlices(2), loggedIn: false, userID: null, accountID: null });
    b.emit('confab.appState', twinAlices(1));
    expect(session.generation).toBe(1);
  });

  it('an account key reported late is the same session', async () => {
    const b = loggedInBackend(appState({ accountID: null, accounts: [] }));
    const calls: string[] = [];
    const session = new Session(new Tim(b), { signedIn: () => calls.push('in'), signedOut: () => calls.push('out') });
    await session.start();
    b.emit('confab.appState', appState());
    expect(session.accountID).toBe('acct-alice');
    expect(calls).toEqual(['in']);
  });

  it('shows the other account’s conversations and empties the facade’s caches', async () => {
    const b = multiBackend(twinAlices(1), { 'alice-1': twinAlices(1), 'alice-2': twinAlices(2) }, { 'alice-1': ['bob'], 'alice-2': ['dave'] });
    const app = await started(b);
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cbob']);
    app.openConversation('C2Cbob');
    expect(b.callsOf('tim.getLocalMessages')).toHaveLength(1);
    await app.session.switchAccount('alice-2');
    await flush();
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cdave']);
    expect(app.conversations.activeID).toBeNull();
    // The same user ID, another account: the caches are filled again for it.
    expect(b.callsOf('tim.getLocalMessages')).toHaveLength(2);
  });

  it('keeps drafts and the open chat per account, the same user ID on two servers apart', async () => {
    const storage = new MemoryStorage();
    // Kept by user ID before accounts were told apart by server: server 1's alice takes them over.
    storage.setItem('confab.drafts.alice', JSON.stringify({ C2Cbob: 'old draft' }));
    storage.setItem('confab.openConversation.alice', 'C2Cbob');
    const b = multiBackend(twinAlices(1), { 'alice-1': twinAlices(1), 'alice-2': twinAlices(2) }, { 'alice-1': ['bob'], 'alice-2': ['bob'] });
    const app = new AppModel(b, { storage, focus: new WindowFocus(true) });
    await app.start();
    await flush();
    expect(app.drafts.get('C2Cbob')).toBe('old draft');
    expect(app.conversations.activeID).toBe('C2Cbob');
    expect(storage.getItem('confab.drafts.alice')).toBeNull();
    await app.session.switchAccount('alice-2');
    await flush();
    expect(app.drafts.get('C2Cbob')).toBe('');
    expect(app.conversations.activeID).toBeNull();
    app.drafts.set('C2Cbob', 'to bob on server 2');
    await app.session.switchAccount('alice-1');
    await flush();
    expect(app.drafts.get('C2Cbob')).toBe('old draft');
    expect(storage.getItem('confab.drafts.alice@127.0.0.1:4000')).toBe(JSON.stringify({ C2Cbob: 'to bob on server 2' }));
  });

  it('drops what an earlier account’s reads bring after the switch', async () => {
    const b = multiBackend(aliceAndCarol(), { 'acct-alice': aliceAndCarol(), 'acct-carol': carolActive() }, { 'acct-carol': ['erin'] });
    const app = await started(b);
    let release!: () => void;
    b.handle('tim.getFriendList', () => new Promise((r) => (release = () => r([{ userID: 'bob', remark: '', profile: null }]))))
      .handle('tim.getFriendGroupList', () => [])
      .handle('tim.getFriendApplicationList', () => ({ friendApplicationList: [], unreadCount: 0 }));
    const friends = friendsOf(app);
    const aliceRead = friends.load();
    b.emit('sdkStateNotReady');
    await app.session.switchAccount('acct-carol');
    b.handle('tim.getFriendList', () => []);
    const carolRead = friends.load(true);
    release();
    await aliceRead;
    await carolRead;
    expect(friends.list).toEqual([]);
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cerin']);
  });

  it('a switch to an account no longer signed in reads the state again', async () => {
    const b = multiBackend(aliceAndCarol(), {});
    const app = await started(b);
    expect(await app.session.switchAccount('acct-gone')).toBe(false);
    expect(app.session.error?.code).toBe(2905);
    expect(b.callsOf('app.getState').length).toBeGreaterThan(1);
    expect(app.session.phase).toBe('main');
  });
});

/** carol active, alice in the background. */
function carolActive(aliceUnread = 0): AppState {
  return appState({
    userID: 'carol',
    accountID: 'acct-carol',
    accounts: [account('alice', { unreadCount: aliceUnread }), account('carol', { active: true })],
  });
}

describe('adding an account', () => {
  it('shows the sign-in page with a way back to the account shown before', async () => {
    const three = appState({
      userID: 'carol',
      accountID: 'acct-carol',
      accounts: [account('alice'), account('bob'), account('carol', { active: true })],
    });
    const b = multiBackend(three, { 'acct-carol': three });
    const app = await started(b);
    expect(app.session.addingAccount).toBe(false);
    expect(await app.session.addAccount()).toBe(true);
    expect(b.callsOf('app.addAccount')).toEqual([{}]);
    expect(app.session.phase).toBe('login');
    expect(app.session.addingAccount).toBe(true);
    expect(app.session.others.map((a) => a.userID)).toEqual(['alice', 'bob', 'carol']);
    // Back: to carol, who was shown (not the first of the others).
    expect(app.session.backTo?.accountID).toBe('acct-carol');
    expect(await app.session.back()).toBe(true);
    expect(b.callsOf('app.switchAccount')).toEqual([{ accountID: 'acct-carol' }]);
    expect(app.session.phase).toBe('main');
    expect(app.session.addingAccount).toBe(false);
  });

  it('the sign-in page offers the server choice, and signing in shows the new account', async () => {
    const b = multiBackend(appState(), { 'acct-alice': appState() });
    const app = await started(b);
    await app.session.addAccount();
    app.session.changeMode(true);
    expect(app.session.phase).toBe('chooseMode');
    expect(app.session.addingAccount).toBe(true);
    const signedOut = { ...app.session.state! };
    b.handle('app.chooseServer', (a) => ({ ...signedOut, serverUrl: String(a.url) }));
    expect(await app.session.chooseServer('remote', SERVER_2)).toBe(true);
    expect(app.session.phase).toBe('login');
    expect(app.session.state?.serverUrl).toBe(SERVER_2);
    const carol = appState({
      userID: 'carol',
      serverUrl: SERVER_2,
      accountID: 'acct-carol',
      accounts: [account('alice'), account('carol', { serverUrl: SERVER_2, active: true })],
    });
    b.handle('app.login', () => carol);
    expect(await app.session.login('carol', 'carol-secret-1')).toBe(true);
    expect(app.session.phase).toBe('main');
    expect(app.session.others.map((a) => a.userID)).toEqual(['alice']);
    expect(app.session.addingAccount).toBe(false);
  });

  it('a kicked account leaves the sign-in page with the way back to the others', async () => {
    const b = multiBackend(aliceAndCarol(), {});
    const app = await started(b);
    b.emit('kickedOut', { type: 'multipleDevice' });
    expect(app.session.phase).toBe('login');
    expect(app.session.addingAccount).toBe(true);
    expect(app.session.backTo?.accountID).toBe('acct-carol');
  });

  it('one account alone is no adding', async () => {
    const b = loggedInBackend();
    b.handle('app.logout', () => appState({ loggedIn: false, userID: null, accounts: [] }));
    const app = await started(b);
    await app.session.logout();
    expect(app.session.phase).toBe('login');
    expect(app.session.addingAccount).toBe(false);
    expect(app.session.backTo).toBeNull();
  });
});

describe('unread counts of every account', () => {
  it('the window title and the desktop badge add the accounts in the background; the list keeps its own', async () => {
    const b = multiBackend(aliceAndCarol(2), {});
    const app = await started(b);
    b.emit('onTotalUnreadMessageCountUpdated', 3);
    expect(app.conversations.totalUnread).toBe(3);
    expect(app.unreadEverywhere).toBe(5);
    expect(b.callsOf('app.setUnreadBadge').at(-1)).toEqual({ count: 5 });
    // A message to carol in the background: her count grows.
    b.emit('confab.appState', aliceAndCarol(4));
    expect(app.unreadEverywhere).toBe(7);
    expect(b.callsOf('app.setUnreadBadge').at(-1)).toEqual({ count: 7 });
    expect(app.conversations.totalUnread).toBe(3);
  });
});

describe('notifications of several accounts', () => {
  it('name the account they are for while more than one is signed in', async () => {
    const b = multiBackend(aliceAndCarol(), {});
    const app = await started(b);
    b.emit('onMessageReceived', [message({ nick: 'Bob', payload: { text: 'yo' } })]);
    expect(b.callsOf('app.notify')).toEqual([{ title: 'Bob · to alice', body: 'yo', conversationID: 'C2Cbob', accountID: 'acct-alice' }]);
  });

  it('name the account with its server when two signed-in accounts share a user ID; in Chinese too', async () => {
    const b = multiBackend(twinAlices(1), {});
    const app = await started(b);
    b.emit('onMessageReceived', [message({ nick: 'Bob', payload: { text: 'yo' } })]);
    expect(b.callsOf('app.notify').at(-1)?.title).toBe('Bob · to alice (127.0.0.1:7788)');
    app.settings.setLanguage('zh-CN');
    b.emit('onMessageReceived', [message({ nick: 'Bob', payload: { text: 'yo' } })]);
    expect(b.callsOf('app.notify').at(-1)?.title).toBe('Bob · 发给 alice (127.0.0.1:7788)');
  });

  it('a background account’s messages each notify with its account, typing signals not', async () => {
    const b = multiBackend(aliceAndCarol(), {});
    await started(b);
    const fromDave = message({ from: 'dave', nick: 'Dave', to: 'carol', conversationID: 'C2Cdave', payload: { text: '**hi** carol' } });
    const image = message({ from: 'erin', nick: '', nameCard: '', to: 'carol', conversationID: 'C2Cerin', type: 'TIMImageElem', payload: { imageInfoArray: [] } });
    const typing = message({ from: 'dave', to: 'carol', conversationID: 'C2Cdave', type: 'TIMCustomElem', payload: { data: typingData(1), description: '', extension: '' } });
    b.emit('confab.accountMessages', { accountID: 'acct-carol', userID: 'carol', messages: [fromDave, typing, image] });
    expect(b.callsOf('app.notify')).toEqual([
      { title: 'Dave · to carol', body: 'hi carol', conversationID: 'C2Cdave', accountID: 'acct-carol' },
      { title: 'erin · to carol', body: '[Image]', conversationID: 'C2Cerin', accountID: 'acct-carol' },
    ]);
  });

  it('a background account the server signed out is told, with why (no conversation to open)', async () => {
    const b = multiBackend(aliceAndCarol(), {});
    const app = await started(b);
    b.emit('confab.accountSignedOut', { accountID: 'acct-carol', userID: 'carol', type: 'multipleDevice' });
    const [args] = b.callsOf('app.notify');
    expect(args).toMatchObject({ title: 'carol was signed out', conversationID: '' });
    expect(String(args.body)).toMatch(/another device/);
    app.settings.setLanguage('zh-CN');
    b.emit('confab.accountSignedOut', { accountID: 'acct-carol', userID: 'carol', type: 'userSigExpired' });
    expect(b.callsOf('app.notify').at(-1)?.title).toBe('carol 已被登出');
  });

  it('clicking one of another account switches to it, then opens the conversation', async () => {
    const b = multiBackend(aliceAndCarol(), { 'acct-alice': aliceAndCarol(), 'acct-carol': carolActive() }, { 'acct-carol': ['dave'] });
    const app = await started(b);
    await app.notificationClicked('C2Cdave', 'acct-carol');
    expect(b.callsOf('app.switchAccount')).toEqual([{ accountID: 'acct-carol' }]);
    expect(app.session.userID).toBe('carol');
    expect(app.conversations.activeID).toBe('C2Cdave');
    await flush();
    expect(app.conversations.activeID).toBe('C2Cdave');
    // One of the shown account: no switch.
    b.emit('confab.notificationClicked', { conversationID: 'C2Cerin', accountID: 'acct-carol' });
    await flush();
    expect(b.callsOf('app.switchAccount')).toHaveLength(1);
    expect(app.conversations.activeID).toBe('C2Cerin');
  });

  it('a click through the event channel switches as well', async () => {
    const b = multiBackend(aliceAndCarol(), { 'acct-alice': aliceAndCarol(), 'acct-carol': carolActive() });
    const app = await started(b);
    b.emit('confab.notificationClicked', { conversationID: 'C2Cdave', accountID: 'acct-carol' });
    await flush();
    expect(b.callsOf('app.switchAccount')).toEqual([{ accountID: 'acct-carol' }]);
    expect(app.conversations.activeID).toBe('C2Cdave');
  });
});
