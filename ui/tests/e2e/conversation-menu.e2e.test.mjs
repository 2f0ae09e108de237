// Issue 15: the conversation menu and folders in the browser. Alice (the
// browser, real confab-web and confabd) pins carol, mutes bob (his next
// message brings no notification while carol's does), marks a chat unread,
// puts carol in a folder and reads the folder tab's count, marks everything
// read, clears bob's history, and translates one of carol's messages
// through a LibreTranslate-compatible provider (a small HTTP server here,
// named in confabd's config). Bob and carol are the real confab CLI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { cli, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';

/** A LibreTranslate-compatible provider: `[target] text` for each text. */
function startProvider() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { q, target } = JSON.parse(body || '{}');
      const texts = Array.isArray(q) ? q : [q];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ translatedText: texts.map((t) => `[${target}] ${t}`) }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('The conversation menu: pin, mute, unread, folders, read all, clear, translate', { timeout: 240_000 }, () => {
  let server;
  let provider;
  let web;
  let browser;
  let page;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const setup = tempDir('setup');
  const dirs = [bob, carol, setup];
  /** The conversation IDs of every `app.notify` the page asked for. */
  const notified = [];

  /** Resolves once `check()` holds (polled every 25 ms, up to 20 s). */
  async function until(check, what) {
    const end = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  /** The conversation IDs of the list (all chats, or the open folder's), top to bottom. */
  const order = () =>
    page.locator('#conversation-items [role="option"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')));
  const menuItem = (name) => page.getByTestId('conversation-menu').getByRole('menuitem', { name });

  async function openMenu(peer) {
    await row(peer).click({ button: 'right' });
    await page.getByTestId('conversation-menu').waitFor();
  }

  before(async () => {
    provider = await startProvider();
    server = await startConfabd({ env: { CONFABD_TRANSLATE_URL: `http://127.0.0.1:${provider.address().port}` } });
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(setup, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(setup, 'logout');
    await cli(bob, 'send', 'alice', 'hi from bob');
    await cli(carol, 'send', 'alice', 'hi from carol');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    // Every command goes over the bridge's WebSocket: note the notifications asked for.
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        const text = String(payload);
        if (!text.includes('app.notify')) return;
        const id = /"conversationID":"([^"]+)"/.exec(text)?.[1];
        if (id) notified.push(id);
      }),
    );
    await signIn(page, 'alice', PASSWORD);
    await row('carol').waitFor();
    await row('bob').waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
    provider?.close();
  });

  it('pins carol: she moves to the top with a pin icon, and stays there when bob writes', async () => {
    await openMenu('bob');
    await menuItem('Pin').waitFor();
    await sizeShots(page, 'conversation-menu');
    await page.keyboard.press('Escape');
    await openMenu('carol');
    await menuItem('Pin').click();
    await page.locator('[data-conversation="C2Ccarol"][data-pinned="true"]').waitFor();
    await row('carol').getByTestId('pinned-icon').waitFor();
    await cli(bob, 'send', 'alice', 'are you there?');
    await row('bob').getByText('are you there?').waitFor();
    assert.deepEqual(await order(), ['C2Ccarol', 'C2Cbob']);
  });

  it('mutes bob: a bell-off icon, and his next message brings no notification while carol’s does', async () => {
    await openMenu('bob');
    await menuItem('Mute notifications').click();
    await page.locator('[data-conversation="C2Cbob"][data-muted="true"]').waitFor();
    await row('bob').getByTestId('muted-icon').waitFor();
    notified.length = 0;
    await cli(bob, 'send', 'alice', 'quiet one');
    await cli(carol, 'send', 'alice', 'loud one');
    await row('carol').getByText('loud one').waitFor();
    await row('bob').getByText('quiet one').waitFor();
    // Bob's message came first: once carol's notification is asked for, bob's would have been.
    await until(() => notified.includes('C2Ccarol'), 'carol’s notification');
    assert.ok(notified.includes('C2Ccarol'), `carol notifies: ${notified}`);
    assert.ok(!notified.includes('C2Cbob'), `muted bob does not: ${notified}`);
  });

  it('marks carol read from the menu, then unread again: a dot instead of a count', async () => {
    await openMenu('carol');
    await menuItem('Mark as read').click();
    await row('carol').getByTestId('unread-badge').waitFor({ state: 'detached' });
    await openMenu('carol');
    await menuItem('Mark as unread').click();
    await row('carol').getByTestId('marked-unread').waitFor();
  });

  it('puts carol in a new folder “Friends”: a tab with her unread mark counted, showing only her', async () => {
    await openMenu('carol');
    await menuItem('Folders…').click();
    const dialog = page.getByTestId('folder-dialog');
    await dialog.locator('input[name="folderName"]').fill('Friends');
    await page.getByTestId('folder-submit').click();
    await dialog.locator('input[data-folder="Friends"]:checked').waitFor();
    await page.getByTestId('folder-done').click();
    const tab = page.getByTestId('folder-tabs').locator('[data-folder="Friends"]');
    await tab.waitFor();
    assert.equal(await tab.getAttribute('aria-label'), 'Friends, 1 unread');
    await tab.click();
    await page.waitForFunction(() => document.querySelectorAll('[role="listbox"] [role="option"]').length === 1);
    assert.deepEqual(await order(), ['C2Ccarol']);
    await sizeShots(page, 'conversation-folders');
    await page.getByTestId('folder-tabs').getByRole('tab', { name: 'All' }).click();
    await row('bob').waitFor();
  });

  it('“Mark all as read” reads every chat and takes the unread marks away', async () => {
    await cli(carol, 'send', 'alice', 'one more thing');
    await row('carol').getByTestId('unread-badge').waitFor();
    await page.getByTestId('read-all').click();
    await row('carol').getByTestId('unread-badge').waitFor({ state: 'detached' });
    await row('bob').getByTestId('unread-badge').waitFor({ state: 'detached' });
    await row('carol').getByTestId('marked-unread').waitFor({ state: 'detached' });
    await page.getByTestId('read-all').waitFor({ state: 'detached' });
  });

  it('clears bob’s history after a confirmation: the chat stays, empty; bob keeps his', async () => {
    await row('bob').click();
    await page.getByTestId('message').filter({ hasText: 'quiet one' }).waitFor();
    await openMenu('bob');
    await menuItem('Clear history').click();
    const confirm = page.getByRole('alertdialog', { name: 'Clear the history with bob?' });
    await confirm.waitFor();
    await sizeShots(page, 'conversation-clear');
    await page.getByTestId('confirm-clear-chat').click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('message').first().waitFor({ state: 'detached' });
    await row('bob').waitFor();
    assert.equal(await row('bob').getByText('quiet one').count(), 0);
    const history = await cli(bob, 'history', 'C2Calice', '--all');
    assert.match(history, /quiet one/);
    // A new message shows as usual.
    await cli(bob, 'send', 'alice', 'fresh start');
    await page.getByTestId('message').filter({ hasText: 'fresh start' }).waitFor();
    assert.equal(await page.getByTestId('message').count(), 1);
  });

  it('translates one of carol’s messages, shown under it; asking again hides it', async () => {
    await row('carol').click();
    const message = page.getByTestId('message').filter({ hasText: 'loud one' });
    await message.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Translate' }).click();
    const translation = message.getByTestId('translation');
    await translation.filter({ hasText: '[en] loud one' }).waitFor();
    assert.equal(await translation.getAttribute('data-state'), 'done');
    await sizeShots(page, 'message-translation');
    await message.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Translate' }).click();
    await translation.waitFor({ state: 'detached' });
  });

  it('deletes bob’s chat after a confirmation: it leaves the list', async () => {
    await openMenu('bob');
    await menuItem('Delete chat').click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete the chat with bob?' });
    await confirm.waitFor();
    await page.getByTestId('confirm-delete-chat').click();
    await row('bob').waitFor({ state: 'detached' });
    assert.deepEqual(await order(), ['C2Ccarol']);
  });
});
