// Friends in the real desktop app (issue 14) under Xvfb through
// tauri-driver + WebKitWebDriver, against a real confabd. alice uses the
// app; bob is the real confab CLI. alice adds bob from Contacts with a
// message; bob sees the request and accepts; alice's contacts show bob and
// bob's friend list shows alice; alice blocks bob from his card, the
// friendship ends on both sides and bob's message is refused with 20007.
// Screenshots go to test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, click, launchApp, quitApp, registerUsers, removeDir, resultsDir, signIn, startConfabd, tempDir, waitForSelector } from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };

/** Types `text` into the field `selector` names. */
async function fill(browser, selector, text) {
  const element = await browser.$(selector);
  await element.waitForDisplayed();
  await element.setValue(text);
}

describe('friends in the desktop app', { timeout: 600_000 }, () => {
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
  });

  after(async () => {
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('alice adds bob, bob accepts, both see each other; alice blocks bob and his message is refused', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    try {
      const { browser } = app;
      await signIn(browser, 'alice', PASSWORDS.alice);
      await (await browser.$('[data-testid="net-dot"][data-state="connected"]')).waitForExist();

      // alice asks from Contacts, with a message: a request waits for bob (30539).
      await click(browser, '[data-testid="contacts-button"]');
      await click(browser, '[data-testid="add-friend"]');
      await fill(browser, '[data-testid="add-friend-dialog"] input[name="userID"]', 'bob');
      await fill(browser, '[data-testid="add-friend-dialog"] textarea[name="wording"]', 'hi bob, it is alice');
      await click(browser, '[data-testid="add-friend-submit"]');
      await (await browser.$('[data-testid="add-friend-outcome"][data-code="30539"]')).waitForDisplayed();
      await browser.saveScreenshot(join(resultsDir(), 'friends-request-sent.png'));
      await browser.keys('Escape');

      // bob sees it and accepts.
      const requests = JSON.parse(await cli(profiles.bob, ['friend', 'requests']));
      assert.equal(requests.unreadCount, 1);
      assert.equal(requests.friendApplicationList[0].wording, 'hi bob, it is alice');
      await cli(profiles.bob, ['friend', 'accept', 'alice']);

      // Both see each other: bob in alice's contacts (live), alice in bob's list.
      await (await browser.$('[data-testid="friend-row"][data-user="bob"]')).waitForDisplayed({ timeout: 20_000 });
      const bobs = JSON.parse(await cli(profiles.bob, ['friend', 'list']));
      assert.deepEqual(bobs.friendList.map((f) => f.userID), ['alice']);
      await click(browser, '[data-testid="friend-row"][data-user="bob"]');
      await (await browser.$('[data-testid="friend-card"][data-user="bob"]')).waitForDisplayed();
      await browser.saveScreenshot(join(resultsDir(), 'friends-card.png'));

      // alice blocks bob from his card: the friendship ends both ways, and
      // his message is refused.
      await click(browser, '[data-testid="friend-block"]');
      await click(browser, '[role="alertdialog"] [data-testid="confirm-block"]');
      await waitForSelector(browser, '[data-testid="friend-row"][data-user="bob"]', { gone: true });
      const after = JSON.parse(await cli(profiles.bob, ['friend', 'list']));
      assert.deepEqual(after.friendList, []);
      await assert.rejects(cli(profiles.bob, ['send', 'alice', 'are you there?']), /20007/);
      await browser.saveScreenshot(join(resultsDir(), 'friends-blocked.png'));
    } finally {
      await quitApp(app);
    }
  });
});
