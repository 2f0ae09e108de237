// Friends in the real UI (issue 14): alice asks bob to be her friend by
// user ID with a message; bob sees the badge on Contacts and the request
// (opening it clears the badge) and accepts; both see each other in their
// friend lists. alice puts bob in a new friend group, renames it, gives bob
// a remark, opens a chat from his card, and deletes him. Refusals are
// worded by code (adding oneself: 90014; adding a friend: 2701). One real
// confabd; alice and bob each in their own real web host and page
// (Chromium). Accounts are made with the real confab CLI.
// SCREENSHOTS=<dir> saves the friend list, the requests, the add-friend
// dialog and a friend's card at the UI-DESIGN sizes, light English and
// dark 简体中文.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { auditAxe, cli, launchBrowser, openPage, removeDir, signIn, sizeShots, startConfabd, startWeb, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };
const WORDING = 'Hi Bob, it’s Alice from the design team';

describe('Friends in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const webs = [];
  const dirs = [];
  /** userID → {page, errors}. */
  const p = {};
  const axeLines = [];
  const axe = (page, screen) => auditAxe(page, screen, axeLines);

  const friendRow = (who, id) => p[who].page.locator(`[data-testid="friend-row"][data-user="${id}"]`);
  const section = (who, name) => p[who].page.locator(`[data-testid="friend-section"][data-group="${name}"]`);

  async function openContacts(who) {
    await p[who].page.getByTestId('contacts-button').click();
    await p[who].page.getByTestId('contacts-list').waitFor();
  }

  /** Opens the add-friend dialog, asks `userID`, and returns the dialog. */
  async function addFriend(who, userID, wording = '') {
    const page = p[who].page;
    await page.getByTestId('add-friend').click();
    const dialog = page.getByRole('dialog', { name: /Add a friend|添加好友/ });
    await dialog.waitFor();
    await dialog.locator('input[name="userID"]').fill(userID);
    await dialog.locator('textarea[name="wording"]').fill(wording);
    await dialog.getByTestId('add-friend-submit').click();
    return dialog;
  }

  /** The larger UI-DESIGN sizes (sizeShots takes 1100×720 and 720×480). */
  async function largeShots(page, name, dir = process.env.SCREENSHOTS) {
    if (!dir) return;
    const before = page.viewportSize();
    for (const [w, h] of [
      [1280, 800],
      [1920, 1080],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await page.screenshot({ path: join(dir, `${name}-${w}x${h}.png`), animations: 'disabled' });
    }
    await page.setViewportSize(before);
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    for (const [userID, password] of Object.entries(USERS)) {
      const profile = tempDir(`${userID}-cli`);
      dirs.push(profile);
      await cli(profile, 'register', userID, '--server', server.url, '--password', password);
      await cli(profile, 'set-profile', '--nick', userID === 'alice' ? 'Alice' : 'Bob');
      await cli(profile, 'logout');
    }
    // carol (CLI only) asks alice to be her friend before alice signs in.
    const carol = tempDir('carol-cli');
    dirs.push(carol);
    await cli(carol, 'register', 'carol', '--server', server.url, '--password', 'carol-secret-1');
    await cli(carol, 'set-profile', '--nick', 'Carol');
    await cli(carol, 'friend', 'add', 'alice', '--wording', 'Carol here, from the book club');
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

  it('alice opens Contacts: no friends yet, and says what to do', async () => {
    await openContacts('alice');
    const page = p.alice.page;
    await page.getByTestId('contacts-list').getByText('No friends yet').waitFor();
    await page.getByTestId('contacts-details').getByText('Choose a friend').waitFor();
    await axe(page, 'contacts, empty');
    await sizeShots(page, 'friends-empty');
  });

  it('adding oneself is refused in words (90014)', async () => {
    const dialog = await addFriend('alice', 'alice');
    const error = dialog.getByTestId('add-friend-error');
    await error.getByText('You can’t add yourself as a friend.').waitFor();
    assert.equal(await error.getAttribute('data-code'), '90014');
    assert.match(await error.textContent(), /Code 90014/);
  });

  it('alice asks bob with a message: a request is sent (30539), and waits under Sent', async () => {
    const page = p.alice.page;
    const dialog = page.getByRole('dialog', { name: 'Add a friend' });
    await dialog.locator('input[name="userID"]').fill('bob');
    await dialog.locator('textarea[name="wording"]').fill(WORDING);
    await dialog.getByTestId('add-friend-submit').click();
    const outcome = dialog.getByTestId('add-friend-outcome');
    await outcome.getByText('Request sent. bob will appear in your friends once they accept.').waitFor();
    assert.equal(await outcome.getAttribute('data-code'), '30539');
    await axe(page, 'add-friend dialog');
    await sizeShots(page, 'friends-add-dialog');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('friend-requests-entry').click();
    const sent = page.locator('[data-testid="friend-request"][data-type="Pendency_Type_SendOut"][data-user="bob"]');
    await sent.getByRole('button', { name: 'Withdraw' }).waitFor();
  });

  it('bob sees the badge and the request; opening the requests clears the badge', async () => {
    const page = p.bob.page;
    const badge = page.getByTestId('contacts-badge');
    await badge.getByText('1', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Contacts, 1 new friend request' }).waitFor();
    await openContacts('bob');
    await page.getByTestId('requests-unread').waitFor();
    await page.getByTestId('friend-requests-entry').click();
    const request = page.locator('[data-testid="friend-request"][data-type="Pendency_Type_ComeIn"][data-user="alice"]');
    await request.getByText('Alice', { exact: true }).waitFor();
    await request.getByText(`“${WORDING}”`).waitFor();
    await badge.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('requests-unread').count(), 0);
    await axe(page, 'friend requests');
    await sizeShots(page, 'friends-requests');
  });

  it('bob accepts: both see each other in their friend lists', async () => {
    const page = p.bob.page;
    await page.locator('[data-testid="friend-request"][data-user="alice"]').getByRole('button', { name: 'Accept' }).click();
    await friendRow('bob', 'alice').getByText('Alice', { exact: true }).waitFor();
    await page.getByTestId('friend-requests').getByText('No requests. When someone asks').waitFor();
    await friendRow('alice', 'bob').getByText('Bob', { exact: true }).waitFor();
    await section('alice', '').getByText('Ungrouped').waitFor();
    await p.alice.page.getByTestId('friend-requests').getByText('No requests waiting for an answer.').waitFor();
  });

  it('adding a friend again is refused in words (2701)', async () => {
    const page = p.alice.page;
    const dialog = await addFriend('alice', 'bob', 'again');
    const error = dialog.getByTestId('add-friend-error');
    await error.getByText('You’re already friends.').waitFor();
    assert.equal(await error.getAttribute('data-code'), '2701');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('contacts-list').waitFor();
  });

  it('alice makes a friend group, puts bob in it, and renames it', async () => {
    const page = p.alice.page;
    await page.getByTestId('new-friend-group').click();
    let dialog = page.getByRole('dialog', { name: 'New friend group' });
    await dialog.locator('input[name="groupName"]').fill('Work');
    await dialog.getByTestId('friend-group-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await section('alice', 'Work').getByText('No one in this group yet.').waitFor();
    // A second group of the same name: 2710, in words.
    await page.getByTestId('new-friend-group').click();
    dialog = page.getByRole('dialog', { name: 'New friend group' });
    await dialog.locator('input[name="groupName"]').fill('Work');
    await dialog.getByTestId('friend-group-submit').click();
    await dialog.getByTestId('friend-group-error').getByText('You already have a friend group with that name').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await friendRow('alice', 'bob').click();
    const card = page.getByTestId('friend-card');
    await card.getByRole('heading', { name: 'Bob' }).waitFor();
    // bob's page is open: his card and row say he is online.
    await card.getByTestId('friend-presence').getByText('Online').waitFor();
    assert.equal(await friendRow('alice', 'bob').locator('[data-testid="presence-dot"]').getAttribute('data-status'), '1');
    await card.getByTestId('friend-group-select').selectOption('Work');
    await card.getByTestId('friend-group-add').click();
    await card.locator('[data-testid="friend-group-chip"][data-group="Work"]').waitFor();
    await section('alice', 'Work').locator('[data-user="bob"]').waitFor();
    await section('alice', '').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Rename Work' }).click();
    dialog = page.getByRole('dialog', { name: 'Rename friend group' });
    await dialog.locator('input[name="groupName"]').fill('Team');
    await dialog.getByTestId('friend-group-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await section('alice', 'Team').locator('[data-user="bob"]').waitFor();
    await card.locator('[data-testid="friend-group-chip"][data-group="Team"]').waitFor();
    assert.equal(await section('alice', 'Work').count(), 0);
  });

  it('alice gives bob a remark: his row and card say it; the search finds him by it', async () => {
    const page = p.alice.page;
    const card = page.getByTestId('friend-card');
    await card.getByTestId('friend-remark').fill('Bob from Design');
    await card.getByTestId('friend-remark-save').click();
    await card.getByRole('status').getByText('Saved').waitFor();
    await card.getByRole('heading', { name: 'Bob from Design' }).waitFor();
    await friendRow('alice', 'bob').getByText('Bob from Design').waitFor();
    await page.getByTestId('friend-search').fill('design');
    await friendRow('alice', 'bob').waitFor();
    await page.getByTestId('friend-search').fill('zzz');
    await page.getByText('No friend matches “zzz”.').waitFor();
    await page.getByTestId('friend-search').fill('');
    await friendRow('alice', 'bob').waitFor();
    await axe(page, 'friend card');
    await sizeShots(page, 'friends-card');
    await largeShots(page, 'friends-card');
  });

  it('Send message opens the chat with bob', async () => {
    const page = p.alice.page;
    await page.getByTestId('friend-send-message').click();
    await page.getByTestId('composer').waitFor();
    await page.locator('[data-conversation="C2Cbob"]').waitFor();
    await openContacts('alice');
    await friendRow('alice', 'bob').click();
  });

  it('the contacts view in dark 简体中文', async () => {
    const page = p.alice.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.locator('input[name="theme"][value="dark"]').check({ force: true });
    await page.getByRole('button', { name: '关闭' }).first().click();
    await page.getByTestId('friend-card').getByText('好友分组').waitFor();
    await section('alice', 'Team').waitFor();
    await axe(page, 'friend card, dark zh');
    await sizeShots(page, 'friends-card-zh-dark');
    await page.getByTestId('friend-requests-entry').click();
    await page.getByTestId('friend-requests').getByText('收到的申请').waitFor();
    await axe(page, 'friend requests, dark zh');
    await sizeShots(page, 'friends-requests-zh-dark');
    const dialog = await addFriend('alice', 'alice');
    await dialog.getByTestId('add-friend-error').getByText('不能添加自己为好友。').waitFor();
    await axe(page, 'add-friend dialog, dark zh');
    await sizeShots(page, 'friends-add-dialog-zh-dark');
    await dialog.getByRole('button', { name: '取消' }).click();
    // Back to light English for the rest.
    await page.getByRole('button', { name: '设置' }).click();
    await page.locator('select[name="language"]').selectOption('en');
    await page.locator('input[name="theme"][value="light"]').check({ force: true });
    await page.getByRole('button', { name: 'Close' }).first().click();
  });

  it('alice deletes bob, after confirming: he leaves both lists', async () => {
    const page = p.alice.page;
    await friendRow('alice', 'bob').click();
    await page.getByTestId('friend-delete').click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete Bob from Design from your friends?' });
    await dialog.waitFor();
    await axe(page, 'delete friend confirmation');
    await dialog.getByTestId('confirm-delete-friend').click();
    await friendRow('alice', 'bob').waitFor({ state: 'detached' });
    await page.getByTestId('contacts-details').getByText('Choose a friend').waitFor();
    // The group stays, empty.
    await section('alice', 'Team').getByText('No one in this group yet.').waitFor();
    await friendRow('bob', 'alice').waitFor({ state: 'detached' });
    await p.bob.page.getByTestId('contacts-list').getByText('No friends yet').waitFor();
  });

  it("alice accepts carol's request and blocks her from her card: she leaves the list for Blocked users", async () => {
    const page = p.alice.page;
    await page.getByTestId('friend-requests-entry').click();
    await page.locator('[data-testid="friend-request"][data-user="carol"]').getByRole('button', { name: 'Accept' }).click();
    await friendRow('alice', 'carol').click();
    const card = page.getByTestId('friend-card');
    await card.getByRole('heading', { name: 'Carol' }).waitFor();
    await card.getByTestId('friend-block').click();
    const dialog = page.getByRole('alertdialog', { name: 'Block Carol?' });
    await dialog.getByText('you’ll no longer be friends').waitFor();
    await dialog.getByTestId('confirm-block').click();
    const blocked = page.getByTestId('contacts-blacklist');
    await blocked.getByTestId('blocked-user').filter({ hasText: 'carol' }).waitFor();
    await friendRow('alice', 'carol').waitFor({ state: 'detached' });
    await axe(page, 'blocked users in contacts');
    await blocked.getByRole('button', { name: 'Unblock' }).click();
    await blocked.getByText('No one is blocked.').waitFor();
  });

  it('alice deletes the empty group, after confirming; no page errors; axe found nothing', async () => {
    const page = p.alice.page;
    await page.getByRole('button', { name: 'Delete Team' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete the group Team?' });
    await dialog.getByTestId('friend-group-submit').click();
    await section('alice', 'Team').waitFor({ state: 'detached' });
    await page.getByTestId('contacts-list').getByText('No friends yet').waitFor();
    for (const who of Object.keys(USERS)) assert.deepEqual(p[who].errors, [], `${who}: ${p[who].errors.join('\n')}`);
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });
});
