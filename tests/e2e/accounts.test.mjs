// Several accounts in the real desktop app (issue 17), under Xvfb through
// tauri-driver + WebKitWebDriver, against two real confabd servers. alice
// (server one) adds carol (server two) from the rail without a restart:
// both stay signed in. bob (the real confab CLI, server one) writes to
// alice while carol is shown: the rail's alice button counts it and the
// desktop notification (a real dunst on the session bus; dbus-monitor
// records every Notify call) names the account it is for. Clicking the
// notification shows alice with bob's chat open. After a restart of the
// app both accounts are signed in again. Screenshots go to
// test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { cli, click, launchApp, quitApp, recordNotifications, registerUsers, removeDir, resultsDir, signIn, startConfabd, stop, tempDir, until, waitForSelector } from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12', carol: 'carol-secret-1', dave: 'dave-secret-12' };

/** The rail's button of the signed-in account `userID` on `server` (not the active one). */
const accountButton = (server, userID) => `[data-testid="account-switch"][data-account-id="${server.url}|${userID}"]`;

describe('several accounts in the desktop app', { timeout: 600_000 }, () => {
  let one;
  let two;
  let daemon;
  let notifications;
  const profiles = { aliceCli: tempDir('alice-cli'), bob: tempDir('bob'), carolCli: tempDir('carol-cli'), dave: tempDir('dave') };
  const appDir = tempDir('accounts-app');
  const dirs = [...Object.values(profiles), appDir];

  before(async () => {
    one = await startConfabd();
    two = await startConfabd();
    dirs.push(one.dataDir, two.dataDir);
    await registerUsers(one, [['alice', profiles.aliceCli], ['bob', profiles.bob]], PASSWORDS);
    await registerUsers(two, [['carol', profiles.carolCli], ['dave', profiles.dave]], PASSWORDS, 'carol');
    await cli(profiles.dave, ['send', 'carol', 'hi carol']);
    daemon = spawn('dunst', [], { stdio: 'ignore' });
    notifications = recordNotifications();
  });

  after(async () => {
    await stop(notifications?.monitor);
    await stop(daemon);
    await one?.stop();
    await two?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('adds an account on another server, notifies for the one in the background and switches on the click', async () => {
    let app = await launchApp({ CONFAB_DATA_DIR: appDir, CONFAB_SERVER_URL: one.url });
    try {
      const { browser } = app;
      await waitForSelector(browser, 'input[name="userID"]');
      await browser.execute(() => {
        localStorage.removeItem('confab.openConversation.alice');
        localStorage.removeItem('confab.openConversation.carol');
      });
      await signIn(browser, 'alice', PASSWORDS.alice);
      await waitForSelector(browser, '[data-testid="net-dot"][data-state="connected"]');

      // Add carol on server two: the sign-in page offers the way back.
      await click(browser, '[data-testid="account-add"]');
      await waitForSelector(browser, '[data-testid="account-back"]');
      await browser.saveScreenshot(join(resultsDir(), 'accounts-add.png'));
      await click(browser, 'button.link:not(.center)');
      // The radio itself is hidden inside its card: click it as the card does.
      await waitForSelector(browser, 'input[name="mode"][value="remote"]');
      await browser.execute(() => document.querySelector('input[name="mode"][value="remote"]').click());
      const url = await browser.$('input[name="server-url"]');
      await url.waitForDisplayed();
      await url.clearValue();
      await url.setValue(two.url);
      await click(browser, 'form button[type="submit"]');
      await signIn(browser, 'carol', PASSWORDS.carol);
      await waitForSelector(browser, '[data-conversation="C2Cdave"]');
      await waitForSelector(browser, accountButton(one, 'alice'));
      await browser.saveScreenshot(join(resultsDir(), 'accounts-rail.png'));

      // bob writes to alice in the background: her button counts it and
      // the notification says it is for alice.
      execFileSync('dunstctl', ['close-all']);
      await cli(profiles.bob, ['send', 'alice', 'for alice in the background']);
      await until(() => notifications.text.includes('"for alice in the background"'), `alice's notification in:\n${notifications.text}`);
      assert.ok(notifications.text.includes('"bob · to alice"'), `the title names the account:\n${notifications.text}`);
      await waitForSelector(browser, `${accountButton(one, 'alice')} [data-testid="account-badge"]`);
      const label = await browser.execute((s) => document.querySelector(s).getAttribute('aria-label'), accountButton(one, 'alice'));
      assert.match(label, /^Switch to alice \(127\.0\.0\.1:\d+\), 1 unread$/);

      // Clicking it (dunst's default action) shows alice with bob's chat.
      // dunst may not show it yet when the Notify call is seen (the action
      // then does nothing): click again until the app switched.
      const aliceShown = async () =>
        browser.execute(() => document.querySelector('[data-conversation="C2Cbob"][aria-selected="true"]') !== null);
      for (let attempt = 0; ; attempt++) {
        execFileSync('dunstctl', ['action', '0']);
        try {
          await browser.waitUntil(aliceShown, { timeout: 5_000 });
          break;
        } catch (e) {
          if (attempt >= 5) throw e;
        }
      }
      await waitForSelector(browser, accountButton(two, 'carol'));
      const texts = await browser.execute(() => [...document.querySelectorAll('[data-testid="message"]')].map((m) => m.textContent));
      assert.ok(texts.some((t) => t.includes('for alice in the background')), texts.join('\n'));
      await browser.saveScreenshot(join(resultsDir(), 'accounts-switched.png'));
    } finally {
      await quitApp(app);
    }

    // A restart: both accounts are signed in again, alice shown.
    app = await launchApp({ CONFAB_DATA_DIR: appDir });
    try {
      const { browser } = app;
      await waitForSelector(browser, '[data-conversation="C2Cbob"]');
      await waitForSelector(browser, accountButton(two, 'carol'));
      await click(browser, accountButton(two, 'carol'));
      await waitForSelector(browser, '[data-conversation="C2Cdave"]');
      await waitForSelector(browser, accountButton(one, 'alice'));
    } finally {
      await quitApp(app);
    }
  });
});
