// Sign-in security in the real UI: changing the password in one browser
// signs alice's other browser out (KICKED_OUT userSigExpired) and kills the
// old UserSigs; "Sign out of all devices" ends every session, the CLI's
// included. Real confabd, two real web hosts, the real CLI, Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  cli,
  cliListen,
  ensureResultsDir,
  launchBrowser,
  openPage,
  removeDir,
  signIn as fillSignIn,
  startConfabd,
  startWeb,
  tempDir,
} from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const NEW_PASSWORD = 'alice-secret-2';

describe('Password change and signing out everywhere', { timeout: 240_000 }, () => {
  let server;
  const webs = [];
  let browser;
  const pages = [];
  const errors = [];
  const cliAlice = tempDir('alice-cli');
  const dirs = [cliAlice];

  async function signIn(page, password) {
    await fillSignIn(page, 'alice', password);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  }

  before(async () => {
    server = await startConfabd({ env: { CONFABD_MAX_INSTANCES_PER_USER: '4' } });
    dirs.push(server.dataDir);
    await cli(cliAlice, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    browser = await launchBrowser();
    for (let i = 0; i < 2; i++) {
      const web = await startWeb({ server: server.url });
      webs.push(web);
      dirs.push(web.dataDir);
      const opened = await openPage(browser, web.url);
      pages.push(opened.page);
      errors.push(opened.errors);
      await signIn(opened.page, PASSWORD);
    }
  });

  after(async () => {
    await browser?.close();
    for (const web of webs) await web.stop();
    await server?.stop();
    for (const d of dirs) removeDir(d);
  });

  it('changing the password signs the other browser out and retires the old UserSig', async () => {
    const [mine, other] = pages;
    await mine.getByRole('button', { name: 'Settings' }).click();
    const form = mine.getByRole('form', { name: 'Change password' });
    await form.locator('input[name="oldPassword"]').fill('not-the-password');
    await form.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    assert.match(await form.getByRole('alert').textContent(), /current password is wrong/);

    await form.locator('input[name="oldPassword"]').fill(PASSWORD);
    await form.locator('input[name="newPassword"]').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    await mine.screenshot({ path: join(ensureResultsDir(), 'password-changed.png'), animations: 'disabled' });

    // The sign-in page says why, with the user ID kept.
    const reason = other.getByRole('form', { name: 'Sign in' }).getByTestId('kicked-reason');
    await reason.waitFor({ timeout: 20_000 });
    assert.match(await reason.textContent(), /password was changed/);
    assert.equal(await other.locator('input[name="userID"]').inputValue(), 'alice');
    await other.screenshot({ path: join(ensureResultsDir(), 'kicked-password-changed.png'), animations: 'disabled' });

    // The CLI's saved UserSig (issued before the change) no longer logs in.
    await assert.rejects(cli(cliAlice, 'conversations'), /70001/);
    await assert.rejects(cli(cliAlice, 'login', 'alice', '--server', server.url, '--password', PASSWORD), /90005/);
    await cli(cliAlice, 'login', 'alice', '--server', server.url, '--password', NEW_PASSWORD);

    // This browser is still signed in (it took the new UserSig).
    assert.equal(await mine.getByRole('listbox', { name: 'Chats' }).count(), 1);
  });

  it('signing out of all devices ends every session', async () => {
    const [mine, other] = pages;
    await signIn(other, NEW_PASSWORD);
    const listen = cliListen(cliAlice);
    await listen.waitFor((events) => events.some((e) => e.name === 'sdkStateReady'));

    await mine.getByRole('button', { name: 'Sign out of all devices' }).click();
    await mine.getByRole('button', { name: 'Sign out everywhere' }).click();
    await mine.locator('input[name="password"]').waitFor();

    await other.getByRole('form', { name: 'Sign in' }).getByTestId('kicked-reason').waitFor({ timeout: 20_000 });
    await listen.waitFor((events) => events.some((e) => e.name === 'kickedOut' && e.data?.type === 'userSigExpired'));
    assert.equal(await listen.exited, 0);
    await assert.rejects(cli(cliAlice, 'conversations'), /70001/);
    await signIn(mine, NEW_PASSWORD);
  });

  it('had no console errors', () => {
    assert.deepEqual(errors.flat(), []);
  });
});
