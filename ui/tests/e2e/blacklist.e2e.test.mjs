// The blacklist in the real UI (issue 14, first slice): alice blocks bob
// from their chat's header (with a confirmation), bob's next message is
// refused with the words for 20007, alice finds bob under Blocked users in
// Settings and unblocks him there, and bob's message then goes through.
// One real confabd; alice and bob each in their own real web host and page
// (Chromium). Accounts are made with the real confab CLI.
// SCREENSHOTS=<dir> saves the confirmation, the blocked chat, bob's refused
// send and the Settings list, at the UI-DESIGN sizes (and in dark 简体中文).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, removeDir, signIn, sizeShots, startConfabd, startWeb, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };

describe('The blacklist in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const webs = [];
  const dirs = [];
  /** userID → {page, errors}. */
  const p = {};
  const axeLines = [];

  const row = (who, id) => p[who].page.locator(`[data-conversation="${id}"]`);
  const bubble = (who, text) => p[who].page.locator('[data-testid="message"]').filter({ hasText: text });

  const axe = (page, screen) => auditAxe(page, screen, axeLines);


  async function send(who, text) {
    const composer = p[who].page.getByTestId('composer');
    await composer.fill(text);
    await composer.press('Enter');
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    const profiles = {};
    for (const [userID, password] of Object.entries(USERS)) {
      const profile = tempDir(`${userID}-cli`);
      dirs.push(profile);
      profiles[userID] = profile;
      await cli(profile, 'register', userID, '--server', server.url, '--password', password);
    }
    // A conversation both already have.
    await cli(profiles.bob, 'send', 'alice', 'hello alice');
    for (const profile of Object.values(profiles)) await cli(profile, 'logout');
    browser = await launchBrowser();
    for (const [userID, password] of Object.entries(USERS)) {
      const web = await startWeb({ server: server.url });
      webs.push(web);
      dirs.push(web.dataDir);
      p[userID] = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } });
      await signIn(p[userID].page, userID, password);
      await p[userID].page.getByRole('listbox', { name: 'Chats' }).waitFor();
    }
  });

  after(async () => {
    await browser?.close();
    for (const web of webs) await web.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  it('alice blocks bob from the chat header, after confirming', async () => {
    const page = p.alice.page;
    await row('alice', 'C2Cbob').click();
    await bubble('alice', 'hello alice').waitFor();
    await page.getByRole('button', { name: 'Block' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Block bob?' });
    await dialog.waitFor();
    await dialog.getByText('Neither of you can message the other').waitFor();
    await axe(page, 'block confirmation');
    await sizeShots(page, 'blacklist-confirm');
    await dialog.getByTestId('confirm-block').click();
    await page.getByTestId('blocked-bar').getByText('You blocked bob').waitFor();
    await page.getByTestId('unblock-button').waitFor();
    assert.equal(await page.getByTestId('block-button').count(), 0);
    await axe(page, 'blocked chat');
    await sizeShots(page, 'blacklist-chat');
  });

  it("bob's message to alice is refused with 20007, in words", async () => {
    const page = p.bob.page;
    await row('bob', 'C2Calice').click();
    await send('bob', 'can you hear me?');
    // Under the failed bubble, in words, with the code in small print.
    const failed = bubble('bob', 'can you hear me?').getByRole('alert');
    await failed.getByText('one of you blocked the other').waitFor();
    assert.match(await failed.textContent(), /20007/);
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('can you hear me?') && m.getAttribute('data-status') === 'failed'),
    );
    await sizeShots(page, 'blacklist-refused');
  });

  it('alice finds bob under Blocked users in Settings and unblocks him there', async () => {
    const page = p.alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    const list = page.getByTestId('blacklist');
    await list.getByTestId('blocked-user').filter({ hasText: 'bob' }).waitFor();
    await axe(page, 'settings with a blocked user');
    await sizeShots(page, 'blacklist-settings');
    await list.getByRole('button', { name: 'Unblock' }).click();
    await list.getByText('No one is blocked.').waitFor();
    await page.getByRole('button', { name: 'Close' }).first().click();
    // The chat knows at once: the bar is gone, Block is back.
    await page.getByTestId('block-button').waitFor();
    assert.equal(await page.getByTestId('blocked-bar').count(), 0);
  });

  it("bob's next message reaches alice", async () => {
    await send('bob', 'and now?');
    await bubble('alice', 'and now?').waitFor();
  });

  it('the blocked chat and the list in dark 简体中文; unblocking from the header', async () => {
    const page = p.alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.locator('input[name="theme"][value="dark"]').check({ force: true });
    await page.getByRole('button', { name: '关闭' }).first().click();
    await page.getByRole('button', { name: '拉黑' }).click();
    const dialog = page.getByRole('alertdialog', { name: '拉黑 bob？' });
    await dialog.getByTestId('confirm-block').click();
    await page.getByTestId('blocked-bar').getByText('你已拉黑 bob').waitFor();
    await axe(page, 'blocked chat, dark zh');
    await sizeShots(page, 'blacklist-chat-zh-dark');
    await page.getByRole('button', { name: '设置' }).click();
    await page.getByTestId('blacklist').getByTestId('blocked-user').filter({ hasText: 'bob' }).waitFor();
    await sizeShots(page, 'blacklist-settings-zh-dark');
    // Unblocking from the chat's header says so once; the bar goes.
    await page.getByRole('button', { name: '关闭' }).first().click();
    await page.getByTestId('unblock-button').click();
    await page.getByTestId('chat-notice').getByText('已解除拉黑 bob').waitFor();
    assert.equal(await page.getByTestId('blocked-bar').count(), 0);
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });
});
