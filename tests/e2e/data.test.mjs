// Search, your own photo and exports in the real desktop app (issue 17),
// under Xvfb through tauri-driver + WebKitWebDriver, against a real
// confabd. bob (the real confab CLI) writes alice, signed in, messages in
// English and Chinese with filler after, so the one searched for is far up
// the chat.
// alice (the app) searches "你好" from the list's field: one conversation
// row; opening it jumps to the message (highlighted). She sets her photo
// through the native GTK file chooser (completed with xdotool) and it
// shows on the rail; she exports the chat as HTML through the native save
// dialog and the page on disk holds every message, escaped; she backs the
// store up (saved the same way). Screenshots go to test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT,
  cli,
  click,
  completeFileChooser,
  launchApp,
  quitApp,
  registerUsers,
  removeDir,
  resultsDir,
  signIn,
  startConfabd,
  tempDir,
  until,
  waitForSelector,
} from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };

describe('search, photo and export in the desktop app', { timeout: 600_000 }, () => {
  let server;
  const profiles = { bob: tempDir('bob'), aliceCli: tempDir('alice-cli') };
  const aliceApp = tempDir('alice-app');
  const saved = tempDir('saved');
  const dirs = [...Object.values(profiles), aliceApp, saved];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await registerUsers(server, [
      ['alice', profiles.aliceCli],
      ['bob', profiles.bob],
    ], PASSWORDS);
  });

  after(async () => {
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('finds a message by Chinese text, sets a photo and exports the chat through the native dialogs', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    try {
      const { browser } = app;
      await waitForSelector(browser, 'input[name="userID"]');
      await signIn(browser, 'alice', PASSWORDS.alice);
      await waitForSelector(browser, '[data-testid="net-dot"][data-state="connected"]');

      // bob writes while alice is signed in: every message arrives and is
      // stored here (the search finds what this computer holds; a new
      // device's first sync brings the conversations, not their history).
      await cli(profiles.bob, ['send', 'alice', '大家你好吗']);
      await cli(profiles.bob, ['send', 'alice', 'the <b>meeting</b> is at noon']);
      for (let i = 1; i <= 40; i++) await cli(profiles.bob, ['send', 'alice', `filler ${i}`]);
      await browser.waitUntil(async () =>
        browser.execute(() => document.querySelector('[data-conversation="C2Cbob"]')?.textContent.includes('filler 40') ?? false),
      { timeout: 30_000, timeoutMsg: 'the chat never showed its last message' });

      // Search: one conversation row, then the message highlighted.
      const field = await browser.$('aside.list input[type="search"]');
      await field.waitForDisplayed();
      await field.setValue('你好');
      await waitForSelector(browser, '[data-testid="message-search-row"][data-conversation="C2Cbob"]');
      await browser.saveScreenshot(join(resultsDir(), 'search-results.png'));
      await click(browser, '[data-testid="message-search-row"][data-conversation="C2Cbob"]');
      await browser.waitUntil(async () =>
        browser.execute(() => document.querySelector('[data-highlighted="true"]')?.textContent.includes('大家你好吗') ?? false),
      { timeoutMsg: 'the found message is not highlighted' });
      await browser.saveScreenshot(join(resultsDir(), 'search-jump.png'));

      // A photo through the native file chooser.
      await click(browser, 'nav button.me');
      await waitForSelector(browser, '[data-testid="avatar-change"]');
      await completeFileChooser(() => click(browser, '[data-testid="avatar-change"]'), join(ROOT, 'icons', '128x128.png'));
      await browser.waitUntil(async () =>
        browser.execute(() => {
          const img = document.querySelector('nav button.me img');
          return !!img && img.complete && img.naturalWidth === 128;
        }),
      { timeout: 30_000, timeoutMsg: 'the new photo never showed on the rail' });
      const mine = JSON.parse(await cli(profiles.bob, ['profile', 'alice']));
      assert.match(JSON.stringify(mine), /\/files\/[0-9a-f]{64}/, 'her profile names the uploaded photo');
      await browser.saveScreenshot(join(resultsDir(), 'profile-photo.png'));
      // Closed again by its rail button (the panel's shade covers the rest).
      await browser.execute(() => document.querySelector('nav button.me').click());
      await waitForSelector(browser, '[data-testid="avatar-change"]', { gone: true });

      // Export as HTML through the native save dialog, from the chat's menu
      // (the search cleared: the list shows every chat again).
      await browser.execute(() => document.querySelector('aside.list input[type="search"]').focus());
      await browser.keys('Escape');
      await waitForSelector(browser, '#conversation-items [data-conversation="C2Cbob"]');
      await browser.execute(() => {
        const el = document.querySelector('#conversation-items [data-conversation="C2Cbob"]');
        const b = el.getBoundingClientRect();
        el.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, button: 2, clientX: b.left + 60, clientY: b.top + 20 }));
      });
      await click(browser, '[data-testid="export-chat"]');
      await waitForSelector(browser, '[data-testid="export-dialog"]');
      // HTML (the default) picked by its radio, which its card covers.
      await browser.execute(() => document.querySelector('[data-testid="export-format-html"]').click());
      const page = join(saved, 'bob-chat.html');
      await completeFileChooser(() => click(browser, '[data-testid="export-confirm"]'), page);
      try {
        await until(() => existsSync(page), `the export at ${page}`);
      } catch (e) {
        await browser.saveScreenshot(join(resultsDir(), 'debug-export.png'));
        console.log('# notice:', await browser.execute(() => document.querySelector('[data-testid="export-dialog"]')?.textContent));
        console.log('# saved dir:', readdirSync(saved).join(','));
        throw e;
      }
      const html = readFileSync(page, 'utf8');
      assert.match(html, /大家你好吗/);
      assert.match(html, /the &lt;b&gt;meeting&lt;\/b&gt; is at noon/);
      assert.doesNotMatch(html, /<b>meeting/);
      assert.match(html, /filler 40/);

      await waitForSelector(browser, '[data-testid="export-dialog"] [data-testid="data-notice"]');
      await browser.saveScreenshot(join(resultsDir(), 'export-done.png'));
      await browser.keys('Escape');
      await waitForSelector(browser, '[data-testid="export-dialog"]', { gone: true });

      // A backup of the store, saved the same way.
      await click(browser, '[aria-label="Settings"]');
      await waitForSelector(browser, '[data-testid="backup-button"]');
      const backup = join(saved, 'alice-backup.sqlite');
      await completeFileChooser(() => click(browser, '[data-testid="backup-button"]'), backup);
      await until(() => existsSync(backup), `the backup at ${backup}`);
      assert.equal(readFileSync(backup).subarray(0, 15).toString('latin1'), 'SQLite format 3');
      await waitForSelector(browser, '[data-testid="data-notice"][data-tone="success"]');
      await browser.saveScreenshot(join(resultsDir(), 'settings-local-data.png'));
    } finally {
      await quitApp(app);
    }
  });
});
