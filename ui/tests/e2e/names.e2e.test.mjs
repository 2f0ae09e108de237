// Names (issue 10, defect 7): a peer's nickname and signature, set with the
// confab CLI after their messages were sent, show in alice's conversation
// list, chat header and on the peer's messages; a change shows when the
// chat is opened again. Real confabd, web host and Chromium; bob and carol
// are confab CLI clients. SCREENSHOTS=<dir> also saves pictures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, launchBrowser, openPage, signIn, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const PASSWORD = 'alice-secret-1';
const SHOTS = process.env.SCREENSHOTS;

describe('peer names and signatures', { timeout: 180_000 }, () => {
  let server;
  let web;
  let browser;
  let page;
  let errors;
  const bob = tempDir('bob');
  const carol = tempDir('carol');
  const aliceElsewhere = tempDir('alice2');
  const dirs = [bob, carol, aliceElsewhere];

  const row = (peer) => page.locator(`[data-conversation="C2C${peer}"]`);
  const bobsMessage = () => page.locator('[data-testid="message"]', { hasText: 'hello from bob' });

  async function shot(name) {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    await cli(bob, 'register', 'bob', '--server', server.url, '--password', 'bob-secret-12');
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(aliceElsewhere, 'register', 'alice', '--server', server.url, '--password', PASSWORD);
    await cli(aliceElsewhere, 'logout');
    // bob writes first, and only then names himself: his message carries no nickname.
    await cli(bob, 'send', 'alice', 'hello from bob');
    await cli(carol, 'send', 'alice', 'hello from carol');
    await cli(bob, 'set-profile', '--nick', 'Bobby Tables', '--self-signature', 'Little Bobby, as we call him');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', PASSWORD);
    await row('bob').waitFor();
  });

  after(async () => {
    await tearDown({ browser, web, server, dirs });
  });

  it("the list row shows bob's nickname, not his user ID", async () => {
    try {
      await row('bob').locator('.name').filter({ hasText: 'Bobby Tables' }).waitFor({ timeout: 10_000 });
      // The row's accessible name is its text (name first), its tooltip the name.
      assert.equal(await row('bob').getAttribute('title'), 'Bobby Tables');
      assert.equal(await page.getByRole('option', { name: /^Bobby Tables/ }).count(), 1);
    } finally {
      await shot('7-list-1100x720');
    }
  });

  it('the chat header shows his nickname with his signature, the user ID in small print', async () => {
    await row('bob').click();
    await bobsMessage().waitFor();
    try {
      await page.getByTestId('chat-title').filter({ hasText: 'Bobby Tables' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.getByTestId('chat-signature').textContent(), 'Little Bobby, as we call him');
      assert.match(await page.getByTestId('chat-user-id').textContent(), /bob/);
    } finally {
      await shot('7-header-1100x720');
      await page.setViewportSize({ width: 720, height: 480 });
      await shot('7-header-720x480');
      await page.setViewportSize({ width: 1100, height: 720 });
    }
  });

  it('his messages show his nickname (avatar initials and tooltip)', async () => {
    await bobsMessage().waitFor();
    const gutter = bobsMessage().locator('.gutter');
    assert.equal(await gutter.getAttribute('title'), 'Bobby Tables');
    assert.equal(await gutter.locator('.avatar').getAttribute('data-initials'), 'BT');
  });

  it('a changed nickname and signature show when the chat is opened again', async () => {
    await cli(bob, 'set-profile', '--nick', 'Robert', '--self-signature', 'Robert now');
    await row('carol').click();
    await page.getByTestId('chat-title').filter({ hasText: 'carol' }).waitFor();
    await row('bob').click();
    await page.getByTestId('chat-title').filter({ hasText: 'Robert' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('chat-signature').filter({ hasText: 'Robert now' }).waitFor();
    await row('bob').locator('.name').filter({ hasText: 'Robert' }).waitFor();
    assert.equal(await bobsMessage().locator('.gutter .avatar').getAttribute('data-initials'), 'RO');
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
