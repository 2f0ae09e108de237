// Group chat in the real UI (issue 13, part 1): alice creates a Work group
// with bob and carol in the app, the message goes both ways, alice
// @-mentions carol through the composer's autocompletion and carol's row
// shows the @ marker, alice removes carol and the tip line appears for
// everyone still in it; bob joins a Public group by its ID. One real
// confabd; alice, bob and carol each in their own real web host and page
// (Chromium). Accounts are made with the real confab CLI.
// SCREENSHOTS=<dir> saves the group chat, the create and the join dialogs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditAxe, cli, launchBrowser, openPage, removeDir, signIn, sizeShots, startConfabd, startWeb, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12', carol: 'carol-secret-1' };
const GROUP = 'team-e2e';

/** Critical and serious axe findings of every screen checked, one line each. */
const axeLines = [];

/** Audits the page with axe-core into `axeLines`. */
const axe = (page, screen) => auditAxe(page, screen, axeLines);


/** One command through a page's own web host bridge (a second connection to the same app instance). */
function bridge(page, command, args) {
  return page.evaluate(
    async ([command, args]) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`);
      await new Promise((ok, fail) => {
        ws.onopen = ok;
        ws.onerror = fail;
      });
      const reply = new Promise((ok) => {
        ws.onmessage = (e) => {
          const frame = JSON.parse(e.data);
          if (frame.id === 1) ok(frame);
        };
      });
      ws.send(JSON.stringify({ id: 1, command, args }));
      const frame = await reply;
      ws.close();
      return frame;
    },
    [command, args],
  );
}

describe('Group chat in the UI against a real server', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const webs = [];
  const dirs = [];
  /** userID → {page, errors}. */
  const p = {};

  const row = (who, id) => p[who].page.locator(`[data-conversation="${id}"]`);
  const bubble = (who, text) => p[who].page.locator('[data-testid="message"]').filter({ hasText: text });
  const tip = (who, text) => p[who].page.locator('[data-testid="group-tip"]').filter({ hasText: text });

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    for (const [userID, password] of Object.entries(USERS)) {
      const profile = tempDir(`${userID}-cli`);
      dirs.push(profile);
      await cli(profile, 'register', userID, '--server', server.url, '--password', password);
      if (userID === 'carol') await cli(profile, 'set-profile', '--nick', 'Carol');
      await cli(profile, 'logout');
    }
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

  it('alice creates a Work group with bob and carol; it opens, with its name and member count', async () => {
    const page = p.alice.page;
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.waitFor();
    await dialog.locator('input[name="group-name"]').fill('Team');
    // Work is the default kind; every kind says what it is.
    assert.equal(await dialog.locator('input[data-kind="work"]').isChecked(), true);
    assert.equal(await dialog.locator('.kind').count(), 6);
    const members = dialog.locator('input[name="group-members"]');
    await members.fill('bob');
    await members.press('Enter');
    await members.fill('carol');
    await members.press('Enter');
    assert.deepEqual(await dialog.getByTestId('member-chip').allTextContents().then((l) => l.map((s) => s.trim())), ['bob', 'carol']);
    await dialog.locator('input[name="group-id"]').fill(GROUP);
    await dialog.locator('input[name="group-name"]').focus();
    await sizeShots(page, 'groups-create-dialog');
    await axe(page, 'create dialog');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('chat-title').filter({ hasText: 'Team' }).waitFor();
    await page.getByTestId('chat-member-count').filter({ hasText: '3 members' }).waitFor();
    await page.getByTestId('group-info-button').waitFor();
  });

  it('the same group ID again is refused in words, by its code', async () => {
    const page = p.alice.page;
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.locator('input[name="group-name"]').fill('Team again');
    await dialog.locator('input[name="group-id"]').fill(GROUP);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    const error = dialog.getByTestId('group-error');
    await error.filter({ hasText: 'This group ID is taken' }).waitFor();
    assert.match(await error.textContent(), /Code 10021/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('alice writes; bob sees the row (name, "alice: …") and the bubble with her name; his answer reaches alice', async () => {
    const composer = p.alice.page.getByTestId('composer');
    await composer.fill('hello team');
    await composer.press('Enter');
    await p.alice.page.locator('[data-testid="message"][data-status="sent"]').filter({ hasText: 'hello team' }).waitFor();
    // No read receipts in groups: a sent group message never shows the double check.
    assert.equal(await p.alice.page.locator('[data-testid="message"][data-status="read"]').count(), 0);

    const bobRow = row('bob', `GROUP${GROUP}`);
    await bobRow.filter({ hasText: 'Team' }).filter({ hasText: 'alice: hello team' }).waitFor();
    assert.equal(await bobRow.getByTestId('unread-badge').textContent(), '1');
    await row('carol', `GROUP${GROUP}`).filter({ hasText: 'alice: hello team' }).waitFor();

    await bobRow.click();
    await bubble('bob', 'hello team').waitFor();
    assert.equal(await p.bob.page.getByTestId('sender-name').first().textContent(), 'alice');
    // Opening it marks it read.
    await bobRow.getByTestId('unread-badge').waitFor({ state: 'detached' });
    await p.bob.page.getByTestId('composer').fill('hi alice');
    await p.bob.page.getByTestId('composer').press('Enter');
    await bubble('alice', 'hi alice').waitFor();
    await p.alice.page.getByTestId('sender-name').filter({ hasText: 'bob' }).waitFor();
    await row('alice', `GROUP${GROUP}`).filter({ hasText: 'bob: hi alice' }).waitFor();
  });

  it('alice @-mentions carol through the autocompletion; carol’s row shows the @ marker and her bubble is highlighted', async () => {
    const page = p.alice.page;
    const composer = page.getByTestId('composer');
    await composer.click();
    await composer.pressSequentially('@');
    const list = page.getByTestId('mention-list');
    await list.waitFor();
    // Alice owns the group: "@all" first, then the members but her.
    assert.deepEqual(await list.getByRole('option').evaluateAll((l) => l.map((o) => o.getAttribute('data-user'))), [
      '__kImSDK_MesssageAtALL__',
      'bob',
      'carol',
    ]);
    await axe(page, 'mention list');
    await sizeShots(page, 'groups-mention-list');
    await composer.pressSequentially('car');
    assert.deepEqual(await list.getByRole('option').evaluateAll((l) => l.map((o) => o.getAttribute('data-user'))), ['carol']);
    await composer.press('Enter');
    await list.waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), '@Carol ');
    await composer.pressSequentially('please look');
    // Esc closes a reopened list without touching the text.
    await composer.press('Enter');
    await bubble('alice', '@Carol please look').locator('.mention').filter({ hasText: '@Carol' }).waitFor();

    const carolRow = row('carol', `GROUP${GROUP}`);
    await carolRow.getByTestId('at-marker').filter({ hasText: '[@ me]' }).waitFor();
    assert.equal(await carolRow.getByTestId('at-marker').getAttribute('data-at'), 'me');
    // bob was not mentioned: no marker in his (read) row.
    await row('bob', `GROUP${GROUP}`).filter({ hasText: '@Carol please look' }).waitFor();
    assert.equal(await row('bob', `GROUP${GROUP}`).getByTestId('at-marker').count(), 0);

    await carolRow.click();
    await p.carol.page.locator('[data-testid="message"] [data-mentions-me="true"]').filter({ hasText: '@Carol please look' }).waitFor();
    // Reading clears the mention marker.
    await carolRow.getByTestId('at-marker').waitFor({ state: 'detached' });
    await sizeShots(p.carol.page, 'groups-chat-mentioned');
  });

  it('Esc closes the @ list and keeps the text', async () => {
    const composer = p.alice.page.getByTestId('composer');
    await composer.pressSequentially('x @b');
    await p.alice.page.getByTestId('mention-list').waitFor();
    await composer.press('Escape');
    await p.alice.page.getByTestId('mention-list').waitFor({ state: 'detached' });
    assert.equal(await composer.inputValue(), 'x @b');
    await composer.fill('');
  });

  it('alice removes carol: the tip line appears for alice and bob; carol gets the notice', async () => {
    await sizeShots(p.alice.page, 'groups-chat');
    await axe(p.alice.page, 'group chat');
    await axe(p.carol.page, 'group chat with a mention');
    // The member panel is the other half of this issue: the removal goes
    // through alice's own web host bridge, as her panel will send it.
    const res = await bridge(p.alice.page, 'tim.deleteGroupMember', { groupID: GROUP, userIDList: ['carol'], reason: '', duration: 0 });
    assert.ok(res.ok, JSON.stringify(res));
    await tip('alice', 'You removed carol').or(tip('alice', 'You removed Carol')).waitFor();
    await tip('bob', 'alice removed').waitFor();
    assert.match(await tip('bob', 'alice removed').textContent(), /alice removed (carol|Carol)/);
    await p.alice.page.getByTestId('chat-member-count').filter({ hasText: '2 members' }).waitFor();
    // carol's old mention still reads as one for bob, though she has left.
    await bubble('bob', '@Carol please look').locator('.mention').filter({ hasText: '@Carol' }).waitFor();
    await sizeShots(p.bob.page, 'groups-chat-tip');
    // carol hears it as a system notice, in words.
    const system = row('carol', '@TIM#SYSTEM');
    await system.filter({ hasText: 'Group notifications' }).waitFor();
    await system.filter({ hasText: 'removed you from Team' }).waitFor();
    await system.click();
    await p.carol.page.getByTestId('chat-title').filter({ hasText: 'Group notifications' }).waitFor();
    await p.carol.page.locator('[data-testid="group-tip"]').filter({ hasText: 'alice removed you from Team' }).waitFor();
    assert.equal(await p.carol.page.getByTestId('composer').count(), 0);
  });

  it('bob’s group chat and the create dialog in dark and 简体中文: tips, member count and kinds in Chinese, axe-clean', async () => {
    const page = p.bob.page;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check({ force: true });
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '设置' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: '设置' }).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.locator('[data-testid="group-tip"]').filter({ hasText: '移出了群聊' }).waitFor();
    await page.getByTestId('chat-member-count').filter({ hasText: '2 位成员' }).waitFor();
    await sizeShots(page, 'groups-chat-dark-zh');
    await axe(page, 'group chat, dark, zh');
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog', { name: '新建群聊' });
    await dialog.waitFor();
    assert.equal(await dialog.locator('.kind').count(), 6);
    await sizeShots(page, 'groups-create-dialog-dark-zh');
    await axe(page, 'create dialog, dark, zh');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '设置' }).click();
    await page.getByRole('radio', { name: '跟随系统' }).check({ force: true });
    await page.locator('select[name="language"]').selectOption('en');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  });

  it('below 900 px, where the list hides its buttons, New chat (the rail’s +) leads on to New group and Join a group', async () => {
    const page = p.bob.page;
    await page.setViewportSize({ width: 720, height: 480 });
    assert.equal(await page.getByTestId('new-group').isVisible(), false);
    for (const [link, title] of [
      ['new-chat-new-group', 'New group'],
      ['new-chat-join-group', 'Join a group'],
    ]) {
      await page.getByRole('navigation').getByRole('button', { name: 'New chat' }).click();
      await page.getByRole('dialog', { name: 'New chat' }).getByTestId(link).click();
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor();
      await axe(page, `${title} from New chat at 720x480`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    await page.setViewportSize({ width: 1100, height: 720 });
  });

  it('bob joins a Public group by its ID: found with kind and count, joined, opened; again: already a member', async () => {
    // alice makes the Public group that anyone may join at once.
    const page = p.alice.page;
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.locator('input[name="group-name"]').fill('Open house');
    await dialog.locator('input[data-kind="public"]').check();
    await dialog.locator('select[name="join-option"]').selectOption('FreeAccess');
    await dialog.locator('input[name="group-id"]').fill('open-house');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByTestId('chat-title').filter({ hasText: 'Open house' }).waitFor();

    const bob = p.bob.page;
    await bob.getByTestId('join-group').click();
    const join = bob.getByRole('dialog', { name: 'Join a group' });
    await join.locator('input[name="join-group-id"]').fill('nope-404');
    await join.getByRole('button', { name: 'Search' }).click();
    await join.getByTestId('group-error').filter({ hasText: 'There is no group with this ID' }).waitFor();
    await join.locator('input[name="join-group-id"]').fill('open-house');
    await join.getByRole('button', { name: 'Search' }).click();
    await join.getByTestId('found-name').filter({ hasText: 'Open house' }).waitFor();
    assert.equal(await join.getByTestId('found-kind').textContent(), 'Public');
    assert.equal(await join.getByTestId('found-count').textContent(), '1 member');
    await sizeShots(bob, 'groups-join-dialog');
    await axe(bob, 'join dialog');
    await join.getByTestId('join-button').click();
    await join.locator('[data-testid="join-status"][data-status="JoinedSuccess"]').waitFor();
    await join.getByTestId('open-joined').click();
    await join.waitFor({ state: 'detached' });
    await bob.getByTestId('chat-title').filter({ hasText: 'Open house' }).waitFor();
    await bob.getByTestId('chat-member-count').filter({ hasText: '2 members' }).waitFor();
    await tip('alice', 'bob joined the group').waitFor();

    await bob.getByTestId('join-group').click();
    await join.locator('input[name="join-group-id"]').fill('open-house');
    await join.getByRole('button', { name: 'Search' }).click();
    await join.getByTestId('join-button').click();
    await join.locator('[data-testid="join-status"][data-status="AlreadyInGroup"]').waitFor();
    await bob.keyboard.press('Escape');
  });

  it('carol asks to join a Public group that needs approval: waiting; alice gets the request as a notice', async () => {
    const page = p.alice.page;
    await page.getByTestId('new-group').click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.locator('input[name="group-name"]').fill('Guild');
    await dialog.locator('input[data-kind="public"]').check();
    // Approval is the default way in for a Public group.
    assert.equal(await dialog.locator('select[name="join-option"]').inputValue(), 'NeedPermission');
    await dialog.locator('input[name="group-id"]').fill('guild');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await page.getByTestId('chat-title').filter({ hasText: 'Guild' }).waitFor();

    const carol = p.carol.page;
    await carol.getByTestId('join-group').click();
    const join = carol.getByRole('dialog', { name: 'Join a group' });
    await join.locator('input[name="join-group-id"]').fill('guild');
    await join.getByRole('button', { name: 'Search' }).click();
    await join.getByTestId('found-name').filter({ hasText: 'Guild' }).waitFor();
    await join.locator('input[name="apply-message"]').fill('let me in');
    await join.getByTestId('join-button').click();
    await join.locator('[data-testid="join-status"][data-status="WaitAdminApproval"]').filter({ hasText: 'waiting for an admin' }).waitFor();
    // Nothing to open yet.
    assert.equal(await join.getByTestId('open-joined').count(), 0);
    await carol.keyboard.press('Escape');
    await join.waitFor({ state: 'detached' });

    await row('alice', '@TIM#SYSTEM').filter({ hasText: 'carol asked to join Guild (“let me in”)' }).waitFor();
    // The notice leads to the requests inbox, where alice lets carol in.
    await row('alice', '@TIM#SYSTEM').click();
    const notice = p.alice.page.locator('[data-testid="group-tip"]').filter({ hasText: 'carol asked to join Guild' });
    await notice.getByTestId('review-requests').click();
    const item = p.alice.page.locator('[data-testid="application"][data-group="guild"][data-applicant="carol"]');
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.getByTestId('application-outcome').waitFor();
    await row('carol', 'GROUPguild').waitFor();
    await p.alice.page.keyboard.press('Escape');
    await p.alice.page.getByTestId('applications-inbox').waitFor({ state: 'detached' });
  });

  it('carol, removed from the Work group, cannot find or join it again: said in words, code in small print', async () => {
    const carol = p.carol.page;
    await carol.getByTestId('join-group').click();
    const join = carol.getByRole('dialog', { name: 'Join a group' });
    await join.locator('input[name="join-group-id"]').fill(GROUP);
    await join.getByRole('button', { name: 'Search' }).click();
    // Either the search already refuses (Work groups are not searchable) or joining does.
    const error = join.getByTestId('group-error');
    await error.or(join.getByTestId('join-button')).waitFor();
    if (!(await error.isVisible())) await join.getByTestId('join-button').click();
    await error.waitFor();
    // Work groups are not searchable (TIM) and take no join requests.
    assert.match(await error.textContent(), /(There is no group with this ID|Work groups cannot be joined|does not take join requests).* Code \d+/);
    await carol.keyboard.press('Escape');
  });

  it('axe-core: no critical or serious findings on the group screens', () => {
    assert.deepEqual(axeLines, []);
  });

  it('no page logged an error', () => {
    for (const [who, { errors }] of Object.entries(p)) assert.deepEqual(errors, [], who);
  });
});
