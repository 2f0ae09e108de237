// Exporting a chat and backing up / restoring the local store in the real
// UI: bob (the real confab CLI) writes alice a few messages, one of them
// markup (`<b>not bold</b>`) and one in Chinese. Alice (the browser, real
// confab-web and confabd) exports the chat from its menu as HTML: the
// browser downloads a page with the markup escaped, and the dialog says how
// many messages; then as JSON, whose messageList has the texts in order.
// She backs up her local store (a download: an SQLite file), bob writes
// again, and she restores the backup through the file input: the app stays
// signed in all along (the sign-in page never shows), the list has bob's
// chat again, the message written after the backup comes back from the
// server, and a new message arrives. A file that is no backup is refused
// in words (2905). axe-core runs on the export dialog and the settings
// panel; SCREENSHOTS=<dir> saves both (light and dark, English and Chinese).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditAxe, cli, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const SENT = ['hello alice', '<b>not bold</b>', '你好，爱丽丝！这是一条中文消息。', 'a & b < c > d "quoted"'];

describe('Export a chat, back up and restore the local store, against a real server', { timeout: 300_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const setup = tempDir('setup');
  const files = tempDir('files');
  const dirs = [bob, setup, files];
  const axeLines = [];
  let backupPath;
  /** The names of the SDK events the page got over the bridge, in order. */
  const events = [];

  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const bubble = (text) => page.locator('[data-testid="message"]').filter({ hasText: text });
  const dialog = () => page.getByRole('dialog', { name: /^Export/ });
  const notice = () => page.getByTestId('data-notice');
  const settings = () => page.getByRole('complementary', { name: 'Settings' });

  /** Opens bob's conversation menu and its "Export chat…" dialog. */
  async function openExport(p = page, label = 'Export chat…') {
    await p.locator('[data-conversation="C2Cbob"]').click({ button: 'right' });
    const item = p.getByTestId('export-chat');
    assert.equal(await item.innerText(), label);
    await item.click();
    await p.getByTestId('export-dialog').waitFor();
  }

  /** Clicks Export and returns the download the browser made, with the file's text. */
  async function exportNow() {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-confirm').click()]);
    const path = join(files, `export-${Date.now()}`);
    await download.saveAs(path);
    return { download, text: readFileSync(path, 'utf8') };
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    for (const text of SENT) await cli(bob, 'send', 'alice', text);
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const name = /^\{"event":\{"name":"([^"]+)"/.exec(String(payload))?.[1];
        if (name) events.push(name);
      }),
    );
    await signIn(page, 'alice', PASSWORD);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    await row('bob').click();
    await bubble(SENT[3]).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('the menu opens the export dialog: HTML is chosen; axe-core; screenshots (light, dark, English, Chinese)', async () => {
    await openExport();
    assert.equal(await dialog().count(), 1);
    assert.equal(await page.getByTestId('export-format-html').isChecked(), true);
    assert.equal(await page.getByTestId('export-format-json').isChecked(), false);
    // The keyboard starts on the chosen format.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-format-html');
    await auditAxe(page, 'export dialog', axeLines);
    await sizeShots(page, 'export-dialog');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await auditAxe(page, 'export dialog, dark', axeLines);
    await sizeShots(page, 'export-dialog-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    for (const colorScheme of ['light', 'dark']) {
      const zh = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN', colorScheme });
      try {
        await zh.page.locator('[data-conversation="C2Cbob"]').waitFor();
        await openExport(zh.page, '导出聊天记录…');
        await zh.page.getByRole('dialog', { name: '导出“bob”的聊天记录' }).waitFor();
        await zh.page.getByText('HTML 网页').waitFor();
        await auditAxe(zh.page, `export dialog, zh ${colorScheme}`, axeLines);
        await sizeShots(zh.page, `export-dialog-zh${colorScheme === 'dark' ? '-dark' : ''}`);
      } finally {
        await zh.context.close();
      }
    }
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('HTML: the browser downloads a page with every message, the markup escaped; the dialog says how many', async () => {
    const { download, text } = await exportNow();
    assert.match(download.suggestedFilename(), /^bob-\d{4}-\d{2}-\d{2}\.html$/, 'the web host names the download');
    assert.match(text, /^<!DOCTYPE html>/);
    assert.ok(text.includes('&lt;b&gt;not bold&lt;/b&gt;'), 'the markup is shown as text');
    assert.ok(!text.includes('<b>not bold'), 'no raw markup of the message');
    assert.ok(text.includes('a &amp; b &lt; c &gt; d &quot;quoted&quot;'));
    assert.ok(text.includes(SENT[2]), 'the Chinese text as it is');
    assert.ok(text.includes('hello alice'));
    assert.ok(text.indexOf('hello alice') < text.indexOf(SENT[2]), 'oldest first');
    assert.ok(text.includes('<title>bob</title>'), 'titled with the chat’s name');
    await notice().filter({ hasText: 'Exported 4 messages' }).waitFor();
    assert.equal(await notice().getAttribute('data-tone'), 'success');
    assert.equal(await notice().getAttribute('role'), 'status');
    // Done: the dialog offers to close, and the focus is back on Export.
    await dialog().getByRole('button', { name: 'Close' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-confirm');
    await sizeShots(page, 'export-dialog-done');
  });

  it('JSON: the messages for other programs, texts in order', async () => {
    await page.getByTestId('export-format-json').check();
    const { download, text } = await exportNow();
    assert.match(download.suggestedFilename(), /^bob-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(text);
    assert.equal(doc.conversationID, 'C2Cbob');
    assert.deepEqual(
      doc.messageList.map((m) => m.payload.text),
      SENT,
    );
    assert.ok(doc.messageList.every((m) => m.type === 'TIMTextElem' && m.from === 'bob'));
    await notice().filter({ hasText: 'Exported 4 messages' }).waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'detached' });
    // The focus goes back to the row the menu was opened on.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-conversation')), 'C2Cbob');
  });

  it('settings → Local data: axe-core and screenshots (light, dark, English, Chinese)', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await settings().waitFor();
    const section = page.getByTestId('local-data');
    await section.getByText('Local data', { exact: true }).waitFor();
    // The section in the middle of the panel, at every size the shots take.
    await section.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    assert.equal(await page.getByTestId('backup-button').innerText(), 'Back up…');
    assert.equal(await page.getByTestId('restore-button').innerText(), 'Restore from backup…');
    assert.equal(await page.getByTestId('restore-file-input').getAttribute('accept'), '.sqlite,application/vnd.sqlite3,application/x-sqlite3');
    await auditAxe(page, 'settings, local data', axeLines);
    await sizeShots(page, 'local-data');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await auditAxe(page, 'settings, local data, dark', axeLines);
    await sizeShots(page, 'local-data-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    for (const colorScheme of ['light', 'dark']) {
      const zh = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN', colorScheme });
      try {
        await zh.page.getByRole('button', { name: '设置' }).click();
        const zhSection = zh.page.getByTestId('local-data');
        await zhSection.getByText('本地数据', { exact: true }).waitFor();
        await zhSection.evaluate((el) => el.scrollIntoView({ block: 'center' }));
        assert.equal(await zh.page.getByTestId('backup-button').innerText(), '备份…');
        assert.equal(await zh.page.getByTestId('restore-button').innerText(), '从备份恢复…');
        await auditAxe(zh.page, `settings, local data, zh ${colorScheme}`, axeLines);
        await sizeShots(zh.page, `local-data-zh${colorScheme === 'dark' ? '-dark' : ''}`);
      } finally {
        await zh.context.close();
      }
    }
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('"Back up…" downloads an SQLite copy of the local store', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-button').click()]);
    assert.match(download.suggestedFilename(), /^confab-backup-alice-\d{4}-\d{2}-\d{2}\.sqlite$/);
    backupPath = join(files, 'backup.sqlite');
    await download.saveAs(backupPath);
    assert.equal(readFileSync(backupPath).subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    await notice().filter({ hasText: 'Backup made. Your browser saved it with its downloads.' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'backup-button');
  });

  it('"Restore from backup…": confirmed, the file chosen; she stays signed in, the chat comes back with what came since', async () => {
    await cli(bob, 'send', 'alice', 'written after the backup');
    await bubble('written after the backup').waitFor();
    // Note every time the sign-in page would show while the store is replaced.
    await page.evaluate(() => {
      window.__signInShown = 0;
      new MutationObserver(() => {
        if (document.querySelector('input[name="password"]')) window.__signInShown++;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByTestId('restore-button').click();
    const confirm = page.getByRole('alertdialog', { name: 'Restore from a backup?' });
    await confirm.getByText('This replaces the messages stored on this computer with the backup’s. Messages since the backup come back from the server.').waitFor();
    await auditAxe(page, 'restore confirmation', axeLines);
    await sizeShots(page, 'local-data-restore-confirm');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('restore-confirm').click()]);
    assert.equal(chooser.isMultiple(), false);
    const seen = events.length;
    await chooser.setFiles(backupPath);
    await page.getByTestId('restore-button').filter({ hasText: 'Restoring…' }).waitFor();
    await notice().filter({ hasText: 'Restored' }).waitFor({ timeout: 30_000 });
    assert.equal(await notice().getAttribute('data-tone'), 'success');
    assert.equal(await page.evaluate(() => window.__signInShown), 0, 'the sign-in page never showed');
    // The session did stop and start again over the restored store.
    const during = events.slice(seen);
    assert.ok(during.includes('sdkStateNotReady'), `SDK_NOT_READY came: ${during.join(', ')}`);
    assert.ok(during.lastIndexOf('sdkStateReady') > during.indexOf('sdkStateNotReady'), 'then SDK_READY');
    // Still the settings panel, over bob's chat; the list has his chat.
    await settings().waitFor();
    await row('bob').waitFor();
    assert.equal(await page.getByTestId('chat-title').innerText(), 'bob');
    // The focus is on the restore button (made anew with the views).
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'restore-button');
    await settings().getByRole('button', { name: 'Close' }).click();
    await settings().waitFor({ state: 'detached' });
    for (const text of [...SENT, 'written after the backup']) await bubble(text).waitFor();
    // The session goes on: a new message arrives.
    await cli(bob, 'send', 'alice', 'written after the restore');
    await bubble('written after the restore').waitFor();
    await row('bob').filter({ hasText: 'written after the restore' }).waitFor();
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('a file that is no backup of this account is refused in words (2905); nothing changes', async () => {
    const bogus = join(files, 'notes.sqlite');
    writeFileSync(bogus, 'these are notes, not a backup\n');
    await page.getByRole('button', { name: 'Settings' }).click();
    await settings().waitFor();
    await page.getByTestId('restore-button').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('restore-confirm').click()]);
    await chooser.setFiles(bogus);
    const error = notice().filter({ hasText: 'That file is not a backup of this account. Choose another file.' });
    await error.waitFor({ timeout: 30_000 });
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(await error.getAttribute('data-code'), '2905');
    assert.match(await error.innerText(), /Code 2905/);
    await auditAxe(page, 'settings, restore refused', axeLines);
    await sizeShots(page, 'local-data-error');
    await row('bob').filter({ hasText: 'written after the restore' }).waitFor();
    assert.equal(await page.evaluate(() => window.__signInShown), 0);
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), []);
  });
});
