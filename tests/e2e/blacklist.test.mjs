// The blacklist in the real desktop app (issue 14, first slice) under Xvfb
// through tauri-driver + WebKitWebDriver, against a real confabd. alice
// uses the app; bob is the real confab CLI. alice blocks bob from their
// chat's header, bob's send is refused with 20007, alice unblocks him and
// his next message arrives in the app. Screenshots go to
// test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, click, launchApp, quitApp, registerUsers, removeDir, resultsDir, signIn, startConfabd, tempDir, waitForSelector } from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };

/** The message bubble that shows `text`. */
const messageWith = (browser, text) => browser.$(`//*[@data-testid="message"][contains(., ${JSON.stringify(text)})]`);

describe('the blacklist in the desktop app', { timeout: 600_000 }, () => {
  let server;
  const profiles = { bob: tempDir('bob'), aliceCli: tempDir('alice-cli') };
  const aliceApp = tempDir('alice-app');
  const dirs = [...Object.values(profiles), aliceApp];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await registerUsers(server, [
      ['alice', profiles.aliceCli],
      ['bob', profiles.bob],
    ], PASSWORDS);
    await cli(profiles.bob, ['send', 'alice', 'hello alice']);
  });

  after(async () => {
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('alice blocks bob, his message is refused with 20007; unblocked, it arrives', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    try {
      const { browser } = app;
      await signIn(browser, 'alice', PASSWORDS.alice);
      await (await browser.$('[data-testid="net-dot"][data-state="connected"]')).waitForExist();
      await click(browser, '[data-conversation="C2Cbob"]');
      await (await messageWith(browser, 'hello alice')).waitForDisplayed();

      await click(browser, '[data-testid="block-button"]');
      await click(browser, '[role="alertdialog"] [data-testid="confirm-block"]');
      await (await browser.$('[data-testid="blocked-bar"]')).waitForDisplayed();
      await (await browser.$('[data-testid="unblock-button"]')).waitForDisplayed();
      await browser.saveScreenshot(join(resultsDir(), 'blacklist-blocked.png'));

      await assert.rejects(cli(profiles.bob, ['send', 'alice', 'are you there?']), /20007/);

      await click(browser, '[data-testid="unblock-button"]');
      await waitForSelector(browser, '[data-testid="blocked-bar"]', { gone: true });
      await cli(profiles.bob, ['send', 'alice', 'back again']);
      await (await messageWith(browser, 'back again')).waitForDisplayed({ timeout: 20_000 });
      assert.equal(await (await messageWith(browser, 'are you there?')).isExisting(), false, 'the refused message never arrives');
    } finally {
      try {
        await app.browser.saveScreenshot(join(resultsDir(), 'blacklist-end.png'));
      } catch (e) {
        console.error(`screenshot: ${e.message}`);
      }
      await quitApp(app);
    }
  });
});
