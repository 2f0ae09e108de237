// Sign-in and sign-up in Chromium against a real confabd and web host
// (issue 10, defects 3 and 11): the form focuses its first field, sign-up
// shows the server's rules before anything is typed, checks them the same
// way, says what is wrong in words (the code only in small print, never
// "90,007"), and a session kicked by another web page of the same user
// (one more than the server allows) says so on the sign-in page with the
// user ID kept.
// SCREENSHOTS=<dir> saves the screens to <dir>/<name>.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, launchBrowser, openPage, signIn, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const SHOTS = process.env.SCREENSHOTS;

describe('sign-in and sign-up', { timeout: 180_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const cliBob = tempDir('signin-bob');
  const cliCarol = tempDir('signin-carol');
  const dirs = [cliBob, cliCarol];
  /** Who the browser is signed in as. */
  let signedIn = null;

  const shot = async (name, p = page) => {
    if (SHOTS) await p.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  };
  const focusedName = (p = page) => p.evaluate(() => document.activeElement?.getAttribute('name') ?? null);

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(cliBob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(cliCarol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(cliCarol, 'logout');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it('focuses the first field of the sign-in and the sign-up form', async () => {
    await page.locator('input[name="userID"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'userID', undefined, { timeout: 5000 });
    // Typing stays in the field (focus is set once, not on every change).
    await page.keyboard.type('ab');
    assert.equal(await focusedName(), 'userID');
    assert.equal(await page.locator('input[name="userID"]').inputValue(), 'ab');
    await page.locator('input[name="userID"]').fill('');
    await shot('11-signin-focus-1100x720');
    await page.getByRole('button', { name: 'New here? Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    assert.equal(await focusedName(), 'userID');
  });

  it('sign-up shows the rules before typing and says what is wrong', async () => {
    const toSignUp = page.getByRole('button', { name: 'New here? Create an account' });
    if (await toSignUp.isVisible()) await toSignUp.click();
    const form = page.getByRole('form', { name: 'Create an account' });
    const user = form.locator('input[name="userID"]');
    const password = form.locator('input[name="password"]');
    // The rules are on screen before anything is typed, tied to the fields.
    const userHint = await user.getAttribute('aria-describedby');
    const passwordHint = await password.getAttribute('aria-describedby');
    assert.ok(userHint && passwordHint, 'fields describe their rules');
    assert.match(await page.locator(`[id="${userHint.split(' ')[0]}"]`).innerText(), /letters, digits.*32/i);
    assert.match(await page.locator(`[id="${passwordHint.split(' ')[0]}"]`).innerText(), /at least 8 characters/i);
    await shot('3-signup-rules-1100x720');

    const assertNoRawCode = async () => {
      const text = await form.innerText();
      assert.doesNotMatch(text, /Something went wrong/);
      assert.doesNotMatch(text, /\d{1,3},\d{3}/, 'no grouped code');
    };

    await user.fill('has space');
    await password.fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    assert.equal(await user.getAttribute('aria-invalid'), 'true');
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.match(await form.innerText(), /User IDs may use only letters, digits/);
    assert.match(await form.innerText(), /Use at least 8 characters/);
    await assertNoRawCode();
    await shot('3-signup-invalid-1100x720');

    // 33 bytes: eleven Chinese characters are too long, as on the server.
    await user.fill('用户甲用户乙用户丙用户');
    await password.fill('long-enough-1');
    await form.getByRole('button', { name: 'Create account' }).click();
    assert.match(await form.innerText(), /too long/);
    assert.equal(await password.getAttribute('aria-invalid'), 'false');

    // A taken user ID passes the rules; the server's answer in words, the code as small print.
    await user.fill('bob');
    await form.getByRole('button', { name: 'Create account' }).click();
    await form.getByText('That user ID is taken').waitFor();
    assert.equal(await form.locator('.code').innerText(), 'Code 90003');
    await assertNoRawCode();

    await user.fill('dave');
    await password.fill('dave-secret-12');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
    signedIn = { userID: 'dave', password: 'dave-secret-12' };
  });

  it('a session kicked by another web page says so on the sign-in page, user ID kept', async () => {
    if (!signedIn) {
      // The sign-up test failed before signing anyone in: sign carol in.
      const toSignIn = page.getByRole('button', { name: 'Already have an account? Sign in' });
      if (await toSignIn.isVisible()) await toSignIn.click();
      await page.locator('input[name="userID"]').fill('carol');
      await page.locator('input[name="password"]').fill('carol-secret-1');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('listbox', { name: 'Chats' }).waitFor();
      signedIn = { userID: 'carol', password: 'carol-secret-1' };
    }
    const { userID, password } = signedIn;
    const other = await startWeb({ server: server.url });
    dirs.push(other.dataDir);
    const opened = await openPage(browser, other.url);
    await signIn(opened.page, userID, password);
    await opened.page.getByRole('listbox', { name: 'Chats' }).waitFor();
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.waitFor({ timeout: 20_000 });
    await form.getByTestId('kicked-reason').waitFor();
    assert.match(await form.getByTestId('kicked-reason').innerText(), /another web page/);
    await opened.context.close();
    await other.stop();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'no dialog hides the sign-in page');
    assert.equal(await form.locator('input[name="userID"]').inputValue(), userID);
    assert.equal(await focusedName(), 'password');
    await shot('3-kicked-signin-1100x720');

    await form.locator('input[name="password"]').fill(password);
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  });

  it('in Chinese, a kicked web page says so in Chinese (multipleAccount)', async () => {
    const hostA = await startWeb({ server: server.url });
    const hostB = await startWeb({ server: server.url });
    dirs.push(hostA.dataDir, hostB.dataDir);
    const zh = await openPage(browser, hostA.url, { locale: 'zh-CN', viewport: { width: 1100, height: 720 } });
    const other = await openPage(browser, hostB.url);
    try {
      // The form in Chinese: the fields by name, the button by its type.
      await zh.page.locator('input[name="userID"]').fill('bob');
      await zh.page.locator('input[name="password"]').fill('bob-secret-12');
      await zh.page.locator('form button[type="submit"]').click();
      await zh.page.locator('[data-testid="net-dot"][data-state="connected"]').waitFor();
      await signIn(other.page, 'bob', 'bob-secret-12');
      const reason = zh.page.getByTestId('kicked-reason');
      await reason.waitFor({ timeout: 20_000 });
      assert.match(await reason.innerText(), /另一个网页/);
      assert.equal(await zh.page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await shot('3b-kicked-signin-zh-1100x720', zh.page);
      assert.deepEqual(zh.errors.filter((e) => !/status of 40\d|Failed to load resource/.test(e)), []);
    } finally {
      await zh.context.close();
      await other.context.close();
      await hostA.stop();
      await hostB.stop();
    }
  });

  it('had no console errors', () => {
    assert.deepEqual(
      errors.filter((e) => !/status of 40\d|Failed to load resource/.test(e)),
      [],
    );
  });
});
