// The conversation list's menu in the real desktop app (issue 15), under
// Xvfb through tauri-driver + WebKitWebDriver, against a real confabd.
// alice uses the app; bob and carol are the real confab CLI. A real
// notification daemon (dunst) runs on the session bus and dbus-monitor
// records every Notify call the app makes. alice pins carol, mutes bob
// (his next message brings no desktop notification while carol's does),
// marks carol unread and puts her in a folder whose tab counts her, all
// from the menu opened with a right click. In a group bob made, alice's
// text is read by bob and carol ("Read by all", "Read by" lists them), and
// a reaction of alice's and one of bob's (from the CLI) count 2.
// Screenshots go to test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cli, click, launchApp, quitApp, recordNotifications, registerUsers, removeDir, resultsDir, signIn, startConfabd, stop, tempDir, until, waitForSelector } from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12', carol: 'carol-secret-1' };

/**
 * Opens a conversation's menu as a right click does: WebKitWebDriver's
 * right click sends no `contextmenu` event, so the row gets the event a
 * right click makes, at a point inside it.
 */
async function openMenu(browser, conversationID) {
  const row = `[data-conversation="${conversationID}"]`;
  await waitForSelector(browser, row);
  await browser.execute((selector) => {
    const el = document.querySelector(selector);
    const b = el.getBoundingClientRect();
    const at = { bubbles: true, cancelable: true, button: 2, clientX: b.left + 60, clientY: b.top + 20 };
    el.dispatchEvent(new MouseEvent('contextmenu', at));
  }, row);
  await waitForSelector(browser, '[data-testid="conversation-menu"]');
}

describe('the conversation menu in the desktop app', { timeout: 600_000 }, () => {
  let server;
  let daemon;
  let notifications;
  const profiles = { bob: tempDir('bob'), carol: tempDir('carol'), aliceCli: tempDir('alice-cli') };
  const aliceApp = tempDir('alice-app');
  const dirs = [...Object.values(profiles), aliceApp];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await registerUsers(server, [
      ['alice', profiles.aliceCli],
      ['bob', profiles.bob],
      ['carol', profiles.carol],
    ], PASSWORDS);
    await cli(profiles.bob, ['send', 'alice', 'hi from bob']);
    await cli(profiles.carol, ['send', 'alice', 'hi from carol']);
    daemon = spawn('dunst', [], { stdio: 'ignore' });
    notifications = recordNotifications();
  });

  after(async () => {
    await stop(notifications?.monitor);
    await stop(daemon);
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('pins carol, mutes bob (no notification for him), marks carol unread and files her in a folder', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    try {
      const { browser } = app;
      // The WebView's storage outlives the app's data directory: forget the
      // chat an earlier test left open, so none is open (and every message
      // may notify) until this test opens one.
      await waitForSelector(browser, 'input[name="userID"]');
      await browser.execute(() => localStorage.removeItem('confab.openConversation.alice'));
      await signIn(browser, 'alice', PASSWORDS.alice);
      await waitForSelector(browser, '[data-testid="net-dot"][data-state="connected"]');
      await waitForSelector(browser, '[data-conversation="C2Cbob"]');

      // Pin carol from her menu.
      await openMenu(browser, 'C2Ccarol');
      await click(browser, '[data-testid="conversation-menu"] [data-action="pin"]');
      await waitForSelector(browser, '[data-conversation="C2Ccarol"][data-pinned="true"]');

      // Mute bob: his next message is not notified, carol's is.
      await openMenu(browser, 'C2Cbob');
      await browser.saveScreenshot(join(resultsDir(), 'conversations-menu.png'));
      await click(browser, '[data-testid="conversation-menu"] [data-action="mute"]');
      await waitForSelector(browser, '[data-conversation="C2Cbob"][data-muted="true"]');
      await cli(profiles.bob, ['send', 'alice', 'quiet one']);
      await cli(profiles.carol, ['send', 'alice', 'loud one']);
      await until(() => notifications.text.includes('"loud one"'), `carol’s notification in:\n${notifications.text}`);
      assert.ok(!notifications.text.includes('"quiet one"'), `no notification for muted bob:\n${notifications.text}`);
      await waitForSelector(browser, '[data-conversation="C2Cbob"] [data-testid="unread-badge"]');

      // Mark carol read, then unread: a dot instead of a count.
      await openMenu(browser, 'C2Ccarol');
      await click(browser, '[data-testid="conversation-menu"] [data-action="unread"]');
      await waitForSelector(browser, '[data-conversation="C2Ccarol"] [data-testid="unread-badge"]', { gone: true });
      await openMenu(browser, 'C2Ccarol');
      await click(browser, '[data-testid="conversation-menu"] [data-action="unread"]');
      await waitForSelector(browser, '[data-conversation="C2Ccarol"] [data-testid="marked-unread"]');

      // A folder "Friends" with carol: its tab counts her unread mark and shows only her.
      await openMenu(browser, 'C2Ccarol');
      await click(browser, '[data-testid="conversation-menu"] [data-action="folders"]');
      const name = await browser.$('[data-testid="folder-dialog"] input[name="folderName"]');
      await name.waitForDisplayed();
      await name.setValue('Friends');
      await click(browser, '[data-testid="folder-submit"]');
      await waitForSelector(browser, '[data-testid="folder-dialog"] input[data-folder="Friends"]');
      await click(browser, '[data-testid="folder-done"]');
      const tab = '[data-testid="folder-tabs"] [data-folder="Friends"]';
      await waitForSelector(browser, tab);
      assert.equal(await browser.execute((s) => document.querySelector(s).getAttribute('aria-label'), tab), 'Friends, 1 unread');
      await click(browser, tab);
      await browser.waitUntil(async () => (await browser.execute(() => document.querySelectorAll('#conversation-items [role="option"]').length)) === 1);
      await waitForSelector(browser, '#conversation-items [data-conversation="C2Ccarol"]');
      await browser.saveScreenshot(join(resultsDir(), 'conversations-folder.png'));
    } finally {
      await quitApp(app);
    }
  });

  it('a group text: bob and carol read it ("Read by all", and "Read by" lists them); alice and bob react', async () => {
    const made = JSON.parse(
      await cli(profiles.bob, ['group', 'create', '--name', 'Standup', '--member', 'alice', '--member', 'carol']),
    );
    const groupID = made.group.groupID;
    await cli(profiles.bob, ['send', groupID, 'morning', '--group']);
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    try {
      const { browser } = app;
      await waitForSelector(browser, `[data-conversation="GROUP${groupID}"]`);
      await click(browser, `[data-conversation="GROUP${groupID}"]`);
      const composer = await browser.$('[data-testid="composer"]');
      await composer.waitForDisplayed();
      await composer.setValue('standup at ten');
      await browser.keys('Enter');
      const mine = '[data-testid="message"][data-status="sent"]';
      await waitForSelector(browser, mine);

      // Read receipts: bob, then carol.
      await cli(profiles.bob, ['read', `GROUP${groupID}`, '--receipts']);
      await cli(profiles.carol, ['read', `GROUP${groupID}`, '--receipts']);
      await waitForSelector(browser, '[data-testid="read-by"][data-read="2"][data-unread="0"]');
      await click(browser, '[data-testid="read-by"]');
      await waitForSelector(browser, '[data-testid="read-by-list"] li[data-user="carol"]');
      const readers = await browser.$$('[data-testid="read-by-list"] li');
      assert.equal(readers.length, 2);
      await browser.saveScreenshot(join(resultsDir(), 'conversations-read-by.png'));
      await browser.keys('Escape');

      // Reactions: alice from the message's menu, bob from the CLI.
      await browser.execute((selector) => {
        const el = document.querySelector(selector);
        const b = el.getBoundingClientRect();
        el.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, button: 2, clientX: b.right - 40, clientY: b.top + 10 }));
      }, mine);
      await click(browser, '[role="menu"] [data-action="react"]');
      await click(browser, '[data-testid="quick-reactions"] [data-emoji="🎉"]');
      await waitForSelector(browser, '.reaction[data-emoji="🎉"][data-count="1"]');
      const history = JSON.parse(await cli(profiles.bob, ['history', `GROUP${groupID}`]));
      const sent = (history.messageList ?? history).find((m) => m.payload?.text === 'standup at ten');
      await cli(profiles.bob, ['react', `GROUP${groupID}`, sent.ID, '🎉']);
      await waitForSelector(browser, '.reaction[data-emoji="🎉"][data-count="2"]');
      await browser.saveScreenshot(join(resultsDir(), 'conversations-reactions.png'));
    } finally {
      await quitApp(app);
    }
  });
});
