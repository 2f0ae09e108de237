// Issue 10, defects 10 and 12: the conversation list shows a new chat at its
// top while it is open (and drops it if left without a message), marks drafts
// ("Draft: …"), and a reload keeps the drafts and reopens the last open chat.
// Alice is the browser (real confab-web, real confabd); the others are the
// real confab CLI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, launchBrowser, openPage, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

describe('The conversation list: new chats, drafts, reopening', { timeout: 240_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const setup = tempDir('setup');
  const dirs = [bob, setup];

  const list = () => page.getByRole('listbox', { name: 'Chats' });
  const options = () => list().getByRole('option');
  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const composer = () => page.getByTestId('composer');
  /** The conversation IDs of the list, top to bottom. */
  const order = () => options().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')));

  async function newChat(userID) {
    await page.getByRole('button', { name: 'New chat' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('textbox').fill(userID);
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    for (const user of ['carol', 'dave']) {
      await cli(setup, 'register', user, '--server', server.url, '--password', `${user}-secret-1`);
      await cli(setup, 'logout');
    }
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await page.locator('input[name="userID"]').fill('alice');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('No conversations yet', { exact: false }).waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('a new chat shows at the top of the list, selected, instead of "No conversations yet"', async () => {
    await newChat('carol');
    await composer().waitFor();
    await row('carol').waitFor();
    assert.deepEqual(await order(), ['C2Ccarol']);
    assert.equal(await row('carol').getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByText('No conversations yet', { exact: false }).count(), 0);
  });

  it('sending makes it the real conversation; a new chat left without a message disappears', async () => {
    await composer().fill('see you at noon');
    await composer().press('Enter');
    await row('carol').getByText('You: see you at noon').waitFor();

    await newChat('dave');
    await row('dave').waitFor();
    assert.deepEqual(await order(), ['C2Cdave', 'C2Ccarol']);
    assert.equal(await row('dave').getAttribute('aria-selected'), 'true');
    assert.equal(await row('carol').getAttribute('aria-selected'), 'false');

    await row('carol').click();
    await row('dave').waitFor({ state: 'detached' });
    assert.deepEqual(await order(), ['C2Ccarol']);
    assert.equal(await row('carol').getAttribute('aria-selected'), 'true');
  });

  it('a draft shows as "Draft: …" in its row once another chat is open', async () => {
    await cli(bob, 'send', 'alice', 'lunch tomorrow?');
    await row('bob').getByText('lunch tomorrow?').waitFor();
    await composer().fill('half-written reply');
    await row('bob').click();
    await page.locator('[data-testid="message"]', { hasText: 'lunch tomorrow?' }).waitFor();
    await row('carol').getByText('Draft:').waitFor();
    assert.match(await row('carol').textContent(), /Draft:\s*half-written reply/);
    assert.doesNotMatch(await row('carol').textContent(), /see you at noon/);
    // Emptying the draft brings the last message back.
    await composer().fill('another thought');
    await row('carol').click();
    await row('bob').getByText('Draft:').waitFor();
    await composer().fill('');
    await row('bob').click();
    await row('carol').getByText('You: see you at noon').waitFor();
    assert.equal(await row('carol').getByText('Draft:').count(), 0);
  });

  it('after a reload the last open chat is open again and the drafts are kept', async () => {
    // bob is open; carol has no draft any more, bob has one.
    await composer().fill('still thinking');
    await row('carol').click();
    await page.locator('[data-testid="message"]', { hasText: 'see you at noon' }).waitFor();
    await row('bob').click();
    await page.locator('[data-testid="message"]', { hasText: 'lunch tomorrow?' }).waitFor();
    await page.reload();
    await row('bob').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-conversation="C2Cbob"]')?.getAttribute('aria-selected') === 'true',
    );
    await page.locator('[data-testid="message"]', { hasText: 'lunch tomorrow?' }).waitFor();
    assert.equal(await composer().inputValue(), 'still thinking');

    await row('carol').click();
    await page.locator('[data-testid="message"]', { hasText: 'see you at noon' }).waitFor();
    await page.reload();
    await page.waitForFunction(
      () => document.querySelector('[data-conversation="C2Ccarol"]')?.getAttribute('aria-selected') === 'true',
    );
    await page.locator('[data-testid="message"]', { hasText: 'see you at noon' }).waitFor();
    assert.match(await row('bob').textContent(), /Draft:\s*still thinking/);
  });

  it('the new-chat dialog says in words when the user does not exist or is yourself (decided by code)', async () => {
    await page.getByRole('button', { name: 'New chat' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    const alert = dialog.getByRole('alert');
    await dialog.getByRole('textbox').fill('nobody-here');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await alert.waitFor();
    assert.match(await alert.innerText(), /There is no user “nobody-here” on this server/);
    assert.doesNotMatch(await alert.innerText(), /Code|\d{4}/, 'a known error needs no code');
    if (process.env.SCREENSHOTS) {
      for (const [width, height, theme] of [[1100, 720, 'light'], [720, 480, 'light'], [1280, 800, 'dark'], [1920, 1080, 'light']]) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: theme });
        await page.screenshot({ path: `${process.env.SCREENSHOTS}/new-chat-not-found-${width}x${height}${theme === 'dark' ? '-dark' : ''}.png`, animations: 'disabled' });
      }
      await page.setViewportSize({ width: 1100, height: 720 });
      await page.emulateMedia({ colorScheme: 'light' });
    }
    await dialog.getByRole('textbox').fill('alice');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await page.waitForFunction(() => /That is you\./.test(document.querySelector('[role="dialog"] [role="alert"]')?.textContent ?? ''));
    assert.doesNotMatch(await alert.innerText(), /Code|\d{4}/, 'a known error needs no code');
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/new-chat-self-1100x720.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
