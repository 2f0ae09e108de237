// The UI in Chromium through the real web host against a real confabd, with
// the confab CLI as the other real SDK client (bob). Run: npm run test:e2e
// (needs `npm run build` and the debug binaries confabd, confab-web, confab).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  cli,
  cliListen,
  ensureResultsDir,
  launchBrowser,
  openPage,
  signIn,
  sleep,
  startConfabd,
  startWeb,
  tearDown,
  tempDir,
} from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const BOB_PASSWORD = 'bob-secret-12';

describe('Confab UI against a real server', { timeout: 240_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const aliceElsewhere = tempDir('alice2');
  const dirs = [bob, aliceElsewhere];

  const list = () => page.getByRole('listbox', { name: 'Chats' });
  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const bubbles = () => page.locator('[data-testid="message"]');
  const bubble = (text) => bubbles().filter({ hasText: text });

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', BOB_PASSWORD);
    // alice exists before the UI logs in; bob has written to her already.
    await cli(aliceElsewhere, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(aliceElsewhere, 'logout');
    await cli(bob, 'send', 'alice', 'hello from bob');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url));
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('logs in through the UI and shows the conversation list', async () => {
    // With --server the web host preselects the server; otherwise choose it.
    const remote = page.getByRole('radio', { name: /Connect to a server/ });
    const userField = page.locator('input[name="userID"]');
    await Promise.race([remote.waitFor(), userField.waitFor()]);
    await page.screenshot({ path: join(ensureResultsDir(), 'login.png'), animations: 'disabled' });
    if (await remote.isVisible()) {
      await remote.check({ force: true });
      await page.locator('input[name="server-url"]').fill(server.url);
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await userField.fill('alice');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await list().waitFor();
    await row('bob').waitFor();
    await assert.doesNotReject(row('bob').getByText('hello from bob').waitFor());
    assert.equal(await row('bob').getByTestId('unread-badge').textContent(), '1');
    await page.waitForFunction(() => document.title === '(1) Confab');
  });

  it('shows a message from bob (CLI) live, with the unread badge', async () => {
    await cli(bob, 'send', 'alice', 'are you there?');
    await row('bob').getByText('are you there?').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-conversation="C2Cbob"] [data-testid="unread-badge"]')?.textContent === '2',
    );
    // The total arrives in its own event (TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).
    await page.waitForFunction(() => document.querySelector('[data-testid="total-unread"]')?.textContent === '2');
    await page.waitForFunction(() => document.title === '(2) Confab');
  });

  it('opening the chat shows history and marks it read', async () => {
    await row('bob').click();
    await bubble('hello from bob').waitFor();
    await bubble('are you there?').waitFor();
    await row('bob').getByTestId('unread-badge').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.title === 'Confab');
  });

  it('sends from the UI and bob receives it; bob reading shows the double check', async () => {
    // Typing the text also sends bob online-only typing messages (TUIKit's
    // user_typing_status): counted by --count, so bob listens until the text.
    const listen = cliListen(bob);
    // Let bob's listener log in before alice writes.
    await listen.waitFor((ev) => ev.some((e) => e.name === 'sdkStateReady' || e.name === 'netStateChange'), 20_000).catch(() => sleep(1500));
    const composer = page.getByTestId('composer');
    await composer.fill('hi bob, from the browser');
    await composer.press('Enter');
    const mine = bubble('hi bob, from the browser');
    await mine.waitFor();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('from the browser') && m.getAttribute('data-status') === 'sent'),
    );
    await listen.waitFor((ev) => JSON.stringify(ev).includes('hi bob, from the browser'));
    listen.child.kill();
    await listen.exited;
    assert.equal(await composer.inputValue(), '');

    await cli(bob, 'read', 'C2Calice');
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('from the browser') && m.getAttribute('data-status') === 'read'),
      undefined,
      { timeout: 15_000 },
    );
    ensureResultsDir();
    await page.screenshot({ path: join(ensureResultsDir(), 'chat-light.png') });
  });

  it('Shift+Enter makes a new line and the draft stays with its conversation', async () => {
    const composer = page.getByTestId('composer');
    await composer.fill('line one');
    await composer.press('Shift+Enter');
    await composer.type('line two');
    assert.equal(await composer.inputValue(), 'line one\nline two');
    await page.keyboard.press('Control+k');
    await page.getByRole('dialog', { name: 'Find a chat' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Find a chat' }).waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), 'line one\nline two');
    await composer.fill('');
  });

  it('settings switch theme and language (dark, 简体中文) and back', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check({ force: true });
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    await page.screenshot({ path: join(ensureResultsDir(), 'chat-dark-zh.png'), animations: 'disabled' });
    await page.getByRole('radio', { name: '跟随系统' }).check({ force: true });
    await page.locator('select[name="language"]').selectOption('en');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  });

  it('queues messages while the server is down and sends them when it is back', async () => {
    await server.stop();
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 20_000 });
    const composer = page.getByTestId('composer');
    await composer.fill('sent while offline');
    await composer.press('Enter');
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('sent while offline') && m.getAttribute('data-status') === 'sending'),
    );
    await page.getByTestId('queued').waitFor();
    await page.screenshot({ path: join(ensureResultsDir(), 'offline.png') });
    server = await server.restart();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="message"]')].some((m) => m.textContent?.includes('sent while offline') && m.getAttribute('data-status') === 'sent'),
      undefined,
      { timeout: 60_000 },
    );
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    const history = await cli(bob, 'history', 'C2Calice', '--all');
    assert.match(history, /sent while offline/);
  });

  it('stays signed in beside the CLI, and says on the sign-in page that another web page took over', async () => {
    // The CLI is a terminal, not a web page: TIM's default lets both be
    // online. Were this page kicked, bob's next message would never reach it.
    await cli(aliceElsewhere, 'login', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(bob, 'send', 'alice', 'while the CLI signed in');
    await row('bob').getByText('while the CLI signed in').waitFor();
    assert.equal(await page.getByTestId('kicked-reason').count(), 0);

    // A second web page of alice is one more than the server allows (1).
    const other = await startWeb({ server: server.url });
    dirs.push(other.dataDir);
    const opened = await openPage(browser, other.url);
    await signIn(opened.page, 'alice', PASSWORD);
    await opened.page.getByRole('listbox', { name: 'Chats' }).waitFor();
    const reason = page.getByRole('form', { name: 'Sign in' }).getByTestId('kicked-reason');
    await reason.waitFor({ timeout: 20_000 });
    assert.match(await reason.textContent(), /another web page/);
    await page.screenshot({ path: join(ensureResultsDir(), 'kicked.png'), animations: 'disabled' });
    await page.locator('input[name="password"]').waitFor();
    await opened.context.close();
    await other.stop();
    assert.deepEqual(opened.errors, []);
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
