// The own-profile panel in the real UI (issue 14): alice sets a custom
// status (setSelfStatus) and every editable standard field of her profile
// (gender, birthday, location, who may add her as a friend), the values
// survive a reload, and bob — through the real confab CLI — reads her
// status and is added at once because she now allows anyone.
// One real confabd, one real web host, real Chromium.
// SCREENSHOTS=<dir> saves the panel at the UI-DESIGN sizes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, removeDir, signIn, sizeShots, startConfabd, startWeb, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };

describe('The profile panel against a real server', { timeout: 300_000 }, () => {
  let server;
  let browser;
  let web;
  let page;
  const dirs = [];
  const profiles = {};
  const axeLines = [];

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    for (const [userID, password] of Object.entries(USERS)) {
      const profile = tempDir(`${userID}-cli`);
      dirs.push(profile);
      profiles[userID] = profile;
      await cli(profile, 'register', userID, '--server', server.url, '--password', password);
    }
    await cli(profiles.alice, 'logout');
    browser = await launchBrowser();
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    ({ page } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', USERS.alice);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await web?.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  const openPanel = async () => {
    await page.getByRole('button', { name: /Your profile/ }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  };

  it('sets a custom status that others read', async () => {
    await openPanel();
    await page.getByTestId('custom-status').fill('in a meeting');
    await page.getByTestId('status-form').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Status updated' }).waitFor();
    const out = JSON.parse(await cli(profiles.bob, 'status', 'get', 'alice'));
    assert.equal(out.successUserList[0].customStatus, 'in a meeting');
    assert.equal(out.successUserList[0].statusType, 1, 'alice is online in the page');
  });

  it('saves every editable field, and they survive a reload', async () => {
    const form = page.locator('form').filter({ has: page.locator('[name="nick"]') });
    await form.locator('[name="nick"]').fill('Alice A.');
    await form.locator('[name="gender"]').selectOption({ label: 'Female' });
    await form.locator('[name="birthday"]').fill('1990-04-12');
    await form.locator('[name="location"]').fill('Shenzhen');
    await form.getByTestId('allow-type').selectOption({ label: 'Anyone can add me' });
    await auditAxe(page, 'profile panel', axeLines);
    await sizeShots(page, 'profile-panel');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await page.reload();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    await openPanel();
    assert.equal(await form.locator('[name="nick"]').inputValue(), 'Alice A.');
    assert.equal(await form.locator('[name="birthday"]').inputValue(), '1990-04-12');
    assert.equal(await form.locator('[name="location"]').inputValue(), 'Shenzhen');
    assert.equal(await form.getByTestId('allow-type').inputValue(), 'AllowType_Type_AllowAny');
    assert.equal(await page.getByTestId('custom-status').inputValue(), 'in a meeting');
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('allowing anyone lets bob add her at once', async () => {
    const out = JSON.parse(await cli(profiles.bob, 'friend', 'add', 'alice'));
    assert.equal(out.code, 0, 'added at once, not a request');
  });

  it("shows bob's presence and custom status in his chat, live", async () => {
    await cli(profiles.bob, 'send', 'alice', 'ping');
    await page.getByRole('button', { name: 'Close' }).first().click();
    await page.locator('[data-conversation="C2Cbob"]').click();
    // bob's CLI runs ended without logging out: offline, not "not logged in".
    await page.getByTestId('chat-presence').filter({ hasText: 'Offline' }).waitFor();
    const dot = page.locator('header [data-testid="presence-dot"]');
    assert.equal(await dot.getAttribute('data-status'), '2');
    assert.equal(await dot.getAttribute('aria-hidden'), 'true', 'the words beside it say it');
    await cli(profiles.bob, 'status', 'set', 'out for lunch');
    await page.getByTestId('chat-presence').filter({ hasText: 'Offline · out for lunch' }).waitFor();
    await sizeShots(page, 'chat-presence');
  });
});
