// The local data: exporting a conversation and saving the file (the
// desktop's save dialog, else a browser download), backing up the local
// store, and restoring it, during which the app stays signed in and after
// which it reads its list and chats again; the words for their errors.
import { describe, expect, it } from 'vitest';
import { AppModel } from '../../src/lib/state/app.svelte';
import { MemoryStorage } from '../../src/lib/state/storage';
import { WindowFocus } from '../../src/lib/state/focus.svelte';
import { LocalData } from '../../src/lib/state/local-data.svelte';
import { dataErrorKey } from '../../src/lib/i18n/data-errors';
import { en, zhCN } from '../../src/lib/i18n/messages';
import { FakeBackend } from '../../src/lib/backend/fake';
import type { AppState, ExportedFile, ImError } from '../../src/lib/types';
import { appState, conversation, flush, loggedInBackend, message } from './fixtures';

const FILE: ExportedFile = {
  path: '/data/sdk/1400/alice.files/ab.html',
  url: 'http://127.0.0.1:9/local/1400/alice.files/ab.html',
  fileName: 'Bob-2026-12-07.html',
  messageCount: 3,
};
const BACKUP: ExportedFile = {
  path: '/data/sdk/1400/alice.files/cd.sqlite',
  url: 'http://127.0.0.1:9/local/1400/alice.files/cd.sqlite',
  fileName: 'confab-backup-alice-2026-12-07.sqlite',
  messageCount: 0,
};

async function started(b: FakeBackend, options: { locale?: string } = {}) {
  b.handle('tim.getUserProfile', () => []).handle('tim.getConversationGroupList', () => []);
  const app = new AppModel(b, { storage: new MemoryStorage(), focus: new WindowFocus(true), systemLocale: options.locale ?? 'en-US' });
  await app.start();
  await flush();
  const downloads: [string, string][] = [];
  const data = new LocalData(app, { download: (url, name) => downloads.push([url, name]), readyWaitMs: 50 });
  return { app, data, downloads };
}

function exporting(b: FakeBackend, answer: (a: Record<string, unknown>) => unknown = () => FILE): FakeBackend {
  return b.handle('app.exportConversation', answer);
}

describe('LocalData: export', () => {
  it('browser: exports with the shown name and the UI language, downloads the file, says how many messages', async () => {
    const b = exporting(loggedInBackend());
    const { data, downloads } = await started(b);
    data.openExport('C2Cbob', 'Bob Builder');
    expect(data.exportTarget).toEqual({ conversationID: 'C2Cbob', title: 'Bob Builder' });
    expect(data.format).toBe('html');
    await data.exportChat();
    expect(b.callsOf('app.exportConversation')).toEqual([{ conversationID: 'C2Cbob', format: 'html', title: 'Bob Builder', language: 'en' }]);
    expect(downloads).toEqual([[FILE.url, FILE.fileName]]);
    expect(b.callsOf('app.saveFileAs')).toEqual([]);
    expect(data.exportNotice).toEqual({ tone: 'success', key: 'data.exported', params: { count: 3 } });
    expect(data.exporting).toBe(false);
  });

  it('asks for JSON, and for Chinese labels when the UI is in Chinese', async () => {
    const b = exporting(loggedInBackend());
    const { data } = await started(b, { locale: 'zh-CN' });
    data.openExport('GROUPteam', '团队');
    data.format = 'json';
    await data.exportChat();
    expect(b.callsOf('app.exportConversation')).toEqual([{ conversationID: 'GROUPteam', format: 'json', title: '团队', language: 'zh' }]);
  });

  it('desktop: saves through the save dialog; a cancelled dialog says nothing', async () => {
    const b = exporting(loggedInBackend());
    b.nativeFiles = true;
    let answer: string | null = '/home/alice/Bob.html';
    b.handle('app.saveFileAs', () => ({ path: answer }));
    const { data, downloads } = await started(b);
    data.openExport('C2Cbob', 'Bob');
    await data.exportChat();
    expect(b.callsOf('app.saveFileAs')).toEqual([{ path: FILE.path, fileName: FILE.fileName }]);
    expect(downloads).toEqual([]);
    expect(data.exportNotice?.key).toBe('data.exported');
    answer = null;
    await data.exportChat();
    expect(data.exportNotice).toBeNull();
  });

  it('a host without a save dialog (90011) downloads instead', async () => {
    const b = exporting(loggedInBackend());
    b.nativeFiles = true;
    b.handle('app.saveFileAs', () => Promise.reject({ code: 90011, message: 'unsupported' } satisfies ImError));
    const { data, downloads } = await started(b);
    data.openExport('C2Cbob', 'Bob');
    await data.exportChat();
    expect(downloads).toEqual([[FILE.url, FILE.fileName]]);
    expect(data.exportNotice?.tone).toBe('success');
  });

  it('an error is said in words with its code; the dialog stays open, and cannot close while exporting', async () => {
    let fail: (e: ImError) => void = () => {};
    const b = exporting(loggedInBackend(), () => new Promise((_, reject) => (fail = reject)));
    const { data, downloads } = await started(b);
    data.openExport('C2Cbob', 'Bob');
    const running = data.exportChat();
    expect(data.exporting).toBe(true);
    data.closeExport();
    expect(data.exportTarget).not.toBeNull();
    fail({ code: 2800, message: 'offline' });
    await running;
    expect(data.exportNotice).toEqual({ tone: 'error', key: 'data.error.offline', code: 2800 });
    expect(downloads).toEqual([]);
    data.closeExport();
    expect(data.exportTarget).toBeNull();
    expect(data.exportNotice).toBeNull();
  });
});

describe('LocalData: backup', () => {
  it('browser: downloads the backup and says so', async () => {
    const b = loggedInBackend().handle('app.backupLocalStore', () => BACKUP);
    const { data, downloads } = await started(b);
    await data.backup();
    expect(downloads).toEqual([[BACKUP.url, BACKUP.fileName]]);
    expect(data.notice).toEqual({ tone: 'success', key: 'data.backupDownloaded' });
    expect(data.busy).toBeNull();
  });

  it('desktop: says where it was saved', async () => {
    const b = loggedInBackend()
      .handle('app.backupLocalStore', () => BACKUP)
      .handle('app.saveFileAs', (a) => ({ path: `/home/alice/${String(a.fileName)}` }));
    b.nativeFiles = true;
    const { data } = await started(b);
    await data.backup();
    expect(data.notice).toEqual({ tone: 'success', key: 'data.backupSaved', params: { path: `/home/alice/${BACKUP.fileName}` } });
  });

  it('a failure is said in words with its code', async () => {
    const b = loggedInBackend().handle('app.backupLocalStore', () => Promise.reject({ code: 6004, message: 'disk full' }));
    const { data, downloads } = await started(b);
    await data.backup();
    expect(data.notice).toEqual({ tone: 'error', key: 'data.error.backup', code: 6004 });
    expect(downloads).toEqual([]);
  });
});

/**
 * A backend whose `app.restoreLocalStore` does what the host does: the
 * session stops (SDK_NOT_READY, an app state signed out), the store is
 * replaced, the same user logs in again (an app state signed in); SDK_READY
 * follows once the command answered.
 */
function restoring(b: FakeBackend, afterRestore: { conversations: ReturnType<typeof conversation>[] }) {
  let state: AppState = appState();
  b.handle('app.getState', () => state);
  b.handle('app.restoreLocalStore', async (a) => {
    if (!String(a.path).endsWith('.sqlite')) throw { code: 2905, message: 'not a backup of alice' } satisfies ImError;
    b.emit('sdkStateNotReady');
    state = appState({ loggedIn: false, netState: 'disconnected' });
    b.emit('confab.appState', state);
    b.handle('tim.getConversationList', () => ({ conversationList: afterRestore.conversations, isSyncCompleted: true }));
    state = appState();
    b.emit('confab.appState', state);
    setTimeout(() => b.emit('sdkStateReady'), 5);
    return {};
  });
  return b;
}

describe('LocalData: restore', () => {
  it('stays signed in, reads the list (replaced) and the read chats again, says "Restored"', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob'), conversation('gone')], isSyncCompleted: true }));
    b.handle('tim.getMessageList', (a) => ({ messageList: a.conversationID === 'C2Cbob' ? [message({ payload: { text: 'before' } })] : [], nextReqMessageID: '', isCompleted: true }));
    restoring(b, { conversations: [conversation('bob')] });
    const { app, data } = await started(b);
    app.panel = 'settings';
    app.openConversation('C2Cbob');
    await app.chats.get('C2Cbob').loaded();
    expect(app.chats.get('C2Cbob').messages.map((m) => m.payload.text)).toEqual(['before']);
    b.handle('tim.getMessageList', () => ({ messageList: [message({ payload: { text: 'restored' } })], nextReqMessageID: '', isCompleted: true }));
    const phases: string[] = [];
    const off = setInterval(() => phases.push(app.session.phase), 0);

    expect(await data.restore({ file: new File(['SQLite format 3'], 'backup.sqlite') })).toBe(true);
    clearInterval(off);

    expect(b.staged.map((f) => f.name)).toEqual(['backup.sqlite']);
    expect(b.callsOf('app.restoreLocalStore')).toEqual([{ path: '/staged/1/backup.sqlite' }]);
    expect(phases.every((p) => p === 'main')).toBe(true);
    expect(app.session.phase).toBe('main');
    // Nothing of the session was dropped: the panel, the open chat.
    expect(app.panel).toBe('settings');
    expect(app.conversations.activeID).toBe('C2Cbob');
    // The list is the restored store's (a conversation it lacks goes), the chat its history.
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cbob']);
    expect(app.chats.get('C2Cbob').messages.map((m) => m.payload.text)).toEqual(['restored']);
    expect(data.notice).toEqual({ tone: 'success', key: 'data.restored' });
    expect(data.busy).toBeNull();
    // The views are made anew; the section made so keeps the line, the next one does not.
    expect(data.generation).toBe(1);
    data.sectionShown();
    expect(data.notice?.key).toBe('data.restored');
    data.sectionShown();
    expect(data.notice).toBeNull();
  });

  it('a host path (desktop picker) is restored as it is', async () => {
    const b = restoring(loggedInBackend(), { conversations: [] });
    const { data } = await started(b);
    expect(await data.restore({ path: '/home/alice/confab-backup-alice.sqlite' })).toBe(true);
    expect(b.staged).toEqual([]);
    expect(b.callsOf('app.restoreLocalStore')).toEqual([{ path: '/home/alice/confab-backup-alice.sqlite' }]);
  });

  it('not a backup of this account (2905): says so, nothing else changes', async () => {
    const b = loggedInBackend();
    b.handle('tim.getConversationList', () => ({ conversationList: [conversation('bob')], isSyncCompleted: true }));
    restoring(b, { conversations: [] });
    const { app, data } = await started(b);
    expect(await data.restore({ file: new File(['hello'], 'notes.txt') })).toBe(false);
    expect(data.notice).toEqual({ tone: 'error', key: 'data.error.notBackup', code: 2905 });
    expect(data.generation).toBe(0);
    expect(app.session.phase).toBe('main');
    expect(app.conversations.list.map((c) => c.conversationID)).toEqual(['C2Cbob']);
  });

  it('a restore that fails after the session stopped still reads everything again (the session went on over the old store)', async () => {
    const b = loggedInBackend();
    b.handle('app.restoreLocalStore', async () => {
      b.emit('sdkStateNotReady');
      b.emit('confab.appState', appState({ loggedIn: false }));
      b.emit('confab.appState', appState());
      b.emit('sdkStateReady');
      throw { code: 6004, message: 'copying the backup failed' } satisfies ImError;
    });
    const { app, data } = await started(b);
    const lists = b.callsOf('tim.getConversationList').length;
    expect(await data.restore({ path: '/x.sqlite' })).toBe(false);
    expect(data.notice).toEqual({ tone: 'error', key: 'data.error.restore', code: 6004 });
    expect(app.session.phase).toBe('main');
    expect(data.generation).toBe(1);
    expect(b.callsOf('tim.getConversationList').length).toBeGreaterThan(lists);
  });

  it('a restore whose login fails ends signed out (the app state read at the end says so)', async () => {
    const b = loggedInBackend();
    let state = appState();
    b.handle('app.getState', () => state);
    b.handle('app.restoreLocalStore', async () => {
      state = appState({ loggedIn: false });
      b.emit('confab.appState', state);
      throw { code: 6206, message: 'UserSig expired' } satisfies ImError;
    });
    const { app, data } = await started(b);
    expect(await data.restore({ path: '/x.sqlite' })).toBe(false);
    expect(data.notice).toEqual({ tone: 'error', key: 'data.error.restore', code: 6206 });
    expect(app.session.phase).toBe('login');
  });

  it('outside a restore, a signed-out app state still signs out', async () => {
    const b = loggedInBackend();
    const { app, data } = await started(b);
    app.panel = 'settings';
    data.openExport('C2Cbob', 'Bob');
    b.emit('sdkStateNotReady');
    b.emit('confab.appState', appState({ loggedIn: false }));
    expect(app.session.phase).toBe('login');
    expect(app.panel).toBe('none');
    expect(data.exportTarget).toBeNull();
  });
});

describe('dataErrorKey', () => {
  it('names a restore of another file (2905), a gone conversation (2503), being offline; else the operation', () => {
    expect(dataErrorKey('restore', { code: 2905 })).toBe('data.error.notBackup');
    expect(dataErrorKey('export', { code: 2905 })).toBe('data.error.export');
    expect(dataErrorKey('export', { code: 2503 })).toBe('data.error.noConversation');
    for (const code of [2800, 2801, 2805]) expect(dataErrorKey('export', { code })).toBe('data.error.offline');
    expect(dataErrorKey('restore', { code: 90011 })).toBe('error.unsupported');
    expect(dataErrorKey('export', { code: -1 })).toBe('data.error.export');
    expect(dataErrorKey('backup', { code: 6004 })).toBe('data.error.backup');
    expect(dataErrorKey('restore', { code: 6004 })).toBe('data.error.restore');
  });

  it('every data string is in English and Chinese', () => {
    const keys = Object.keys(en).filter((k) => k.startsWith('data.'));
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) expect(zhCN[k as keyof typeof en], k).toBeTruthy();
  });
});
