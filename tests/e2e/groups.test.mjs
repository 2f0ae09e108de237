// Group chat in the real desktop app (issue 13) under Xvfb through
// tauri-driver + WebKitWebDriver, against a real confabd. alice uses the
// app; bob and carol are the real confab CLI. alice creates a Work group
// with both in the app, writes, is @-mentioned by bob, @-mentions carol
// through the composer's autocompletion, and removes carol from the group
// info panel; each side's view is asserted (the CLI's through the events
// its `listen` prints). Screenshots go to test-results/desktop/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, launchApp, listen, quitApp, registerUsers, removeDir, resultsDir, signIn, startConfabd, tempDir } from './harness.mjs';

const PASSWORDS = { alice: 'alice-secret-1', bob: 'bob-secret-12', carol: 'carol-secret-1' };
const GROUP = 'desk-team';
const CONVERSATION = `GROUP${GROUP}`;

/**
 * The textContent of the element `selector` names now (null when there is
 * none; WebKitWebDriver's getText skips ellipsized text).
 */
const textAt = (browser, selector) => browser.execute((s) => document.querySelector(s)?.textContent ?? null, selector);

/** The message bubble that shows `text` (exact attribute match, see desktop.test.mjs). */
const messageWith = (browser, text) => browser.$(`//*[@data-testid="message"][contains(., ${JSON.stringify(text)})]`);

/** The texts of the group messages `events` (a CLI's `listen` output) delivered. */
function groupTexts(events) {
  return events
    .filter((e) => e.name === 'onMessageReceived')
    .flatMap((e) => e.data)
    .filter((m) => m.conversationID === CONVERSATION && m.type === 'TIMTextElem');
}

/** The group IDs of the latest GROUP_LIST_UPDATED among `events` (undefined before one). */
function lastGroupIDs(events) {
  const last = events.filter((e) => e.name === 'onGroupListUpdated').at(-1);
  return last?.data.map((g) => g.groupID);
}

describe('groups in the desktop app', { timeout: 600_000 }, () => {
  let server;
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
  });

  after(async () => {
    await server?.stop();
    for (const dir of dirs) removeDir(dir);
  });

  it('alice creates a group with bob and carol, chats, is mentioned, mentions carol and removes her', async () => {
    const app = await launchApp({ CONFAB_DATA_DIR: aliceApp, CONFAB_SERVER_URL: server.url });
    const bobListens = listen(profiles.bob);
    const carolListens = listen(profiles.carol);
    try {
      const { browser } = app;
      await signIn(browser, 'alice', PASSWORDS.alice);
      await (await browser.$('[data-testid="net-dot"][data-state="connected"]')).waitForExist();

      // Create the group in the app: name, two members, a chosen ID.
      await (await browser.$('[data-testid="new-group"]')).click();
      await (await browser.$('input[name="group-name"]')).setValue('Desk team');
      const members = await browser.$('input[name="group-members"]');
      for (const user of ['bob', 'carol']) {
        await members.setValue(user);
        await browser.keys('Enter');
      }
      await browser.waitUntil(async () => (await browser.$$('[data-testid="member-chip"]')).length === 2, {
        timeoutMsg: 'two member chips',
      });
      await (await browser.$('input[name="group-id"]')).setValue(GROUP);
      await (await browser.$('button[type="submit"][form="create-group"]')).click();
      // Looked up in the page at each try: the chat may open a moment after the click.
      await browser.waitUntil(async () => (await textAt(browser, '[data-testid="chat-title"]')) === 'Desk team', { timeoutMsg: 'the new group opens' });
      await browser.waitUntil(async () => /3/.test((await textAt(browser, '[data-testid="chat-member-count"]')) ?? ''), { timeoutMsg: '3 members' });

      // bob and carol are in it: their group lists say so (GROUP_LIST_UPDATED;
      // no other CLI command runs on a listening profile, which would share
      // its local store and take its events).
      for (const listener of [bobListens, carolListens]) {
        await listener.waitFor((events) => lastGroupIDs(events)?.join() === GROUP);
      }

      // alice writes; both receive it.
      const composer = await browser.$('[data-testid="composer"]');
      await composer.setValue('hello from the desktop');
      await browser.keys('Enter');
      for (const listener of [bobListens, carolListens]) {
        await listener.waitFor((events) => groupTexts(events).some((m) => m.payload.text === 'hello from the desktop'));
      }
      await (await messageWith(browser, 'hello from the desktop')).waitForDisplayed();

      // bob mentions alice while she looks at another conversation: her
      // group row shows the @ marker; opening the group clears it.
      await (await browser.$('[data-conversation="@TIM#SYSTEM"]')).click();
      await cli(profiles.bob, ['send', GROUP, '@alice a question', '--group', '--at', 'alice']);
      const groupRow = await browser.$(`[data-conversation="${CONVERSATION}"]`);
      const marker = await groupRow.$('[data-testid="at-marker"]');
      await marker.waitForDisplayed({ timeout: 20_000 });
      assert.equal(await marker.getAttribute('data-at'), 'me');
      await browser.saveScreenshot(join(resultsDir(), 'group-mentioned-row.png'));
      await groupRow.click();
      await (await messageWith(browser, '@alice a question')).waitForDisplayed();
      await browser.waitUntil(async () => !(await (await groupRow.$('[data-testid="at-marker"]')).isExisting()), {
        timeoutMsg: 'reading the group clears the @ marker',
      });

      // alice mentions carol through the autocompletion.
      await composer.click();
      await browser.keys('@');
      const list = await browser.$('[data-testid="mention-list"]');
      await list.waitForDisplayed();
      await browser.keys(['c', 'a', 'r']);
      await browser.waitUntil(async () => (await list.$$('[role="option"]')).length === 1, { timeoutMsg: 'only carol is offered' });
      await browser.keys('Enter');
      await list.waitForDisplayed({ reverse: true });
      await composer.addValue('over to you');
      await browser.keys('Enter');
      const isMention = (m) => m.payload.text.includes('over to you');
      const events = await carolListens.waitFor((all) => groupTexts(all).some(isMention));
      const mention = groupTexts(events).find(isMention);
      assert.deepEqual(mention.atUserList, ['carol']);
      assert.match(mention.payload.text, /^@carol over to you$/);

      // alice removes carol from the info panel; the tip is in the chat and
      // carol's group list is empty.
      await (await browser.$('[data-testid="group-info-button"]')).click();
      const carolRow = await browser.$('[data-testid="group-info-panel"] [data-testid="member"][data-user="carol"]');
      await carolRow.waitForDisplayed();
      await (await carolRow.$('[data-testid="member-actions-toggle"]')).click();
      await (await carolRow.$('button=Remove from group…')).click();
      await (await browser.$('[role="alertdialog"] [data-testid="confirm"]')).click();
      await carolRow.waitForExist({ reverse: true, timeout: 20_000 });
      await browser.keys('Escape');
      // GRP_TIP_MBR_KICKED_OUT (3).
      const tip = await browser.$('[data-testid="group-tip"][data-operation="3"]');
      await tip.waitForDisplayed({ timeout: 20_000 });
      await browser.saveScreenshot(join(resultsDir(), 'group-chat.png'));
      await carolListens.waitFor((events) => lastGroupIDs(events)?.length === 0);
      await bobListens.waitFor((events) =>
        events.some((e) => e.name === 'onMessageReceived' && e.data.some((m) => m.type === 'TIMGroupTipElem' && m.payload?.operationType === 3)),
      );
    } finally {
      try {
        await app.browser.saveScreenshot(join(resultsDir(), 'groups-end.png'));
      } catch (e) {
        console.error(`screenshot: ${e.message}`);
      }
      await bobListens.stop();
      await carolListens.stop();
      await quitApp(app);
    }
  });
});
