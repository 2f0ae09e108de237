// The group info panel and the applications inbox (issue 13) in Chromium
// through real web hosts against one real confabd: alice, bob and carol
// each have their own web host and page (the confab CLI has no group
// commands). Groups are seeded through each page's own bridge (the
// facade's `tim.*` commands, as the app sends them); everything after
// that is done in the UI and checked in every participant's view.
// SCREENSHOTS=<dir> saves the owner's and a member's panel and the inbox
// at 1100×720 and 720×480.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli, injectAxe, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12', carol: 'carol-secret-1' };



/** axe-core on the page in the light and the dark theme: no critical or serious violation. */
async function audit(page, screen) {
  await injectAxe(page);
  const lines = [];
  for (const colorScheme of ['light', 'dark']) {
    // Reduced motion: no colour transition is caught half way by the audit.
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.flatMap((v) =>
        v.nodes.filter((n) => n.impact === 'critical' || n.impact === 'serious').map((n) => `${v.id}: ${n.target.join(' ')} | ${n.failureSummary}`),
      );
    });
    for (const f of found) lines.push(`[${screen}, ${colorScheme}] ${f}`);
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  assert.deepEqual(lines, [], `axe found critical/serious violations:\n${lines.join('\n')}`);
}

/**
 * One facade command through a bridge connection of the page's own web
 * host (the same frames the app sends): resolves `{ok}` or `{error}`.
 */
function bridge(page, command, args) {
  return page.evaluate(
    async ({ command, args }) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('bridge did not open'));
      });
      const frame = await new Promise((resolve) => {
        ws.onmessage = (e) => {
          const f = JSON.parse(e.data);
          if (f.id === 1) resolve(f);
        };
        ws.send(JSON.stringify({ id: 1, command, args }));
      });
      ws.close();
      return frame;
    },
    { command, args },
  );
}

const newGroup = (fields) => ({ introduction: '', notification: '', avatar: '', isSupportTopic: false, ...fields });

describe('group info panel and applications inbox', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const webs = {};
  const pages = {};
  const errors = {};
  const dirs = [];

  const panel = (who) => pages[who].getByTestId('group-info-panel');
  const memberRow = (who, userID) => panel(who).locator(`[data-testid="member"][data-user="${userID}"]`);
  const row = (who, conversationID) => pages[who].locator(`[data-conversation="${conversationID}"]`);

  /** Opens the group's chat and its info panel in `who`'s window. */
  async function openPanel(who, groupID) {
    const page = pages[who];
    await row(who, `GROUP${groupID}`).click();
    await page.getByTestId('group-info-button').click();
    await panel(who).waitFor();
    await panel(who).locator(`[data-testid="member"]`).first().waitFor();
  }

  /** Runs a member action from alice's panel. */
  async function memberAction(who, userID, label) {
    const r = memberRow(who, userID);
    await r.getByTestId('member-actions-toggle').click();
    await r.getByRole('button', { name: label, exact: true }).click();
  }

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    for (const [user, password] of Object.entries(USERS)) {
      const profile = tempDir(`${user}-cli`);
      dirs.push(profile);
      await cli(profile, 'register', user, '--server', server.url, '--password', password);
      await cli(profile, 'logout');
    }
    browser = await launchBrowser();
    for (const user of Object.keys(USERS)) {
      webs[user] = await startWeb({ server: server.url });
      dirs.push(webs[user].dataDir);
      const opened = await openPage(browser, webs[user].url, { viewport: { width: 1100, height: 720 } });
      pages[user] = opened.page;
      errors[user] = opened.errors;
      await signIn(pages[user], user, USERS[user]);
      await pages[user].getByRole('listbox', { name: 'Chats' }).waitFor();
    }
  });

  after(async () => {
    await browser?.close();
    for (const web of Object.values(webs)) await web.stop();
    await tearDown({ server, dirs });
  });

  it('seeds a Public group of alice with bob; both open its info panel', async () => {
    const created = await bridge(pages.alice, 'tim.createGroup', newGroup({ name: 'Club', type: 'Public', groupID: 'club', memberList: [{ userID: 'bob' }] }));
    assert.equal(created.ok?.group?.groupID, 'club', JSON.stringify(created));
    // A change makes the group's first tip, which gives both a conversation row.
    const updated = await bridge(pages.alice, 'tim.updateGroupProfile', { groupID: 'club', introduction: 'A club for trying the panel' });
    assert.equal(updated.ok?.group?.introduction, 'A club for trying the panel', JSON.stringify(updated));
    await openPanel('alice', 'club');
    await openPanel('bob', 'club');
    for (const who of ['alice', 'bob']) {
      assert.equal(await panel(who).getByTestId('group-name').textContent(), 'Club');
      assert.equal(await panel(who).getByTestId('group-kind').textContent(), 'Public group');
      assert.equal(await panel(who).getByTestId('group-member-count').textContent(), '2 members');
      assert.equal(await memberRow(who, 'alice').getAttribute('data-role'), 'Owner');
      assert.equal(await memberRow(who, 'alice').getByTestId('role-badge').textContent(), 'Owner');
      assert.equal(await memberRow(who, 'bob').getAttribute('data-role'), 'Member');
      assert.equal(await panel(who).getByTestId('group-introduction').textContent(), 'A club for trying the panel');
    }
    assert.equal(await panel('alice').getAttribute('data-role'), 'Owner');
    // The owner edits, invites, dismisses; a member of a Public group does none of these.
    await panel('alice').getByTestId('group-edit').waitFor();
    await panel('alice').getByTestId('group-dismiss').waitFor();
    assert.equal(await panel('alice').getByTestId('group-leave').count(), 0, 'the owner of a Public group may not leave');
    assert.equal(await panel('bob').getByTestId('group-edit').count(), 0);
    assert.equal(await panel('bob').getByTestId('invite-form').count(), 0);
    assert.equal(await panel('bob').getByTestId('group-dismiss').count(), 0);
    assert.equal(await memberRow('bob', 'alice').getByTestId('member-actions-toggle').count(), 0, 'a member has no actions on others');
    await panel('bob').getByTestId('group-leave').waitFor();
    await audit(pages.bob, 'member panel');
    await sizeShots(pages.bob, 'panel-member');
  });

  it('alice edits the announcement: over 300 bytes is refused before sending; bob sees the new one live', async () => {
    const p = panel('alice');
    await p.getByTestId('group-edit').click();
    const field = p.locator('textarea[name="notification"]');
    await field.fill('公'.repeat(101));
    await p.getByTestId('count-notification').filter({ hasText: 'Too long: 303 bytes, at most 300' }).waitFor();
    assert.equal(await p.getByTestId('group-profile-form').getByRole('button', { name: 'Save' }).isDisabled(), true);
    await field.fill('Welcome to the club');
    assert.equal(await p.getByTestId('count-notification').textContent(), '19 / 300 bytes');
    await p.getByTestId('group-profile-form').getByRole('button', { name: 'Save' }).click();
    await p.getByTestId('group-notification').filter({ hasText: 'Welcome to the club' }).waitFor();
    await panel('bob').getByTestId('group-notification').filter({ hasText: 'Welcome to the club' }).waitFor();
  });

  it('alice invites carol (and an unknown user, who fails); everyone sees carol', async () => {
    const p = panel('alice');
    await p.locator('input[name="invite"]').fill('carol, ghost-user');
    await p.getByRole('button', { name: 'Invite', exact: true }).click();
    await p.getByTestId('invite-added').filter({ hasText: '1 person added.' }).waitFor();
    assert.match(await p.getByTestId('invite-failed').textContent(), /ghost-user/);
    await memberRow('alice', 'carol').waitFor();
    await memberRow('bob', 'carol').waitFor();
    await panel('bob').getByTestId('group-member-count').filter({ hasText: '3 members' }).waitFor();
    await row('carol', 'GROUPclub').waitFor();
    await openPanel('carol', 'club');
    assert.equal(await panel('carol').getByTestId('group-notification').textContent(), 'Welcome to the club');
  });

  it('alice makes bob admin: his badge changes for everyone and he may now edit', async () => {
    await memberAction('alice', 'bob', 'Make admin');
    for (const who of ['alice', 'bob', 'carol']) {
      await memberRow(who, 'bob').and(pages[who].locator('[data-role="Admin"]')).waitFor();
      assert.equal(await memberRow(who, 'bob').getByTestId('role-badge').textContent(), 'Admin');
    }
    await panel('bob').getByTestId('group-edit').waitFor();
    await panel('bob').getByTestId('invite-form').waitFor();
    // An admin may act on ordinary members but not on the owner.
    assert.equal(await memberRow('bob', 'alice').getByTestId('member-actions-toggle').count(), 0);
    await memberRow('bob', 'carol').getByTestId('member-actions-toggle').waitFor();
    // bob sets his own name card: shown in place of his user ID. (The server
    // makes no tip for a name card, so the others see it at their next reload.)
    await panel('bob').locator('input[name="myNameCard"]').fill('Bobby');
    await panel('bob').getByTestId('my-name-card').getByRole('button', { name: 'Save' }).click();
    await memberRow('bob', 'bob').filter({ hasText: 'Bobby' }).waitFor();
  });

  it('alice mutes carol for 10 minutes; carol and bob see it', async () => {
    await memberAction('alice', 'carol', 'Mute…');
    const dialog = pages.alice.getByRole('dialog', { name: 'Mute carol' });
    await dialog.waitFor();
    await dialog.locator('input[name="muteMinutes"]').fill('10');
    await dialog.getByTestId('mute-confirm').click();
    for (const who of ['alice', 'bob', 'carol']) {
      await memberRow(who, 'carol').and(pages[who].locator('[data-muted="true"]')).waitFor();
      await memberRow(who, 'carol').getByTestId('member-muted').waitFor();
    }
    await audit(pages.alice, 'owner panel');
    await sizeShots(pages.alice, 'panel-owner');
    // carol's view in Chinese: a second window on her web host, in a zh-CN browser.
    const zh = await openPage(browser, webs.carol.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN' });
    await zh.page.locator('[data-conversation="GROUPclub"]').click();
    await zh.page.getByTestId('group-info-button').click();
    const zhPanel = zh.page.getByTestId('group-info-panel');
    await zhPanel.locator('[data-testid="member"][data-user="carol"][data-muted="true"]').waitFor();
    assert.equal(await zhPanel.getByTestId('group-kind').textContent(), '公开群');
    assert.equal(await zhPanel.locator('[data-user="alice"]').getByTestId('role-badge').textContent(), '群主');
    await audit(zh.page, 'member panel, zh-CN');
    await sizeShots(zh.page, 'panel-member-zh');
    await zh.context.close();
    assert.deepEqual(zh.errors, []);
    // The mute's tip reloaded every view: bob's name card is there too.
    for (const who of ['alice', 'carol']) await memberRow(who, 'bob').filter({ hasText: 'Bobby' }).waitFor();
    // Unmute: everyone sees it lifted.
    await memberAction('alice', 'carol', 'Unmute');
    for (const who of ['alice', 'bob', 'carol']) await memberRow(who, 'carol').and(pages[who].locator('[data-muted="false"]')).waitFor();
  });

  it('alice removes carol: gone from every list; carol’s panel says she is no longer a member', async () => {
    await memberAction('alice', 'carol', 'Remove from group…');
    const confirm = pages.alice.getByRole('alertdialog', { name: 'Remove carol from the group?' });
    await confirm.getByTestId('confirm').click();
    await memberRow('alice', 'carol').waitFor({ state: 'detached' });
    await memberRow('bob', 'carol').waitFor({ state: 'detached' });
    await panel('carol').getByTestId('group-gone').and(pages.carol.locator('[data-gone="removed"]')).waitFor();
    await panel('bob').getByTestId('group-member-count').filter({ hasText: '2 members' }).waitFor();
  });

  it('alice makes bob the owner, then leaves; bob sees himself owner and alice gone', async () => {
    await memberAction('alice', 'bob', 'Make owner…');
    await pages.alice.getByRole('alertdialog', { name: 'Make Bobby the owner?' }).getByTestId('confirm').click();
    await memberRow('alice', 'bob').and(pages.alice.locator('[data-role="Owner"]')).waitFor();
    await memberRow('alice', 'alice').and(pages.alice.locator('[data-role="Member"]')).waitFor();
    await panel('alice').and(pages.alice.locator('[data-role="Member"]')).waitFor();
    assert.equal(await panel('alice').getByTestId('group-dismiss').count(), 0);
    await panel('bob').and(pages.bob.locator('[data-role="Owner"]')).waitFor();
    await panel('bob').getByTestId('group-dismiss').waitFor();
    assert.equal(await memberRow('bob', 'bob').getByTestId('role-badge').textContent(), 'Owner');

    await panel('alice').getByTestId('group-leave').click();
    await pages.alice.getByRole('alertdialog', { name: 'Leave Club?' }).getByTestId('confirm').click();
    await panel('alice').getByTestId('group-gone').and(pages.alice.locator('[data-gone="quit"]')).waitFor();
    await memberRow('bob', 'alice').waitFor({ state: 'detached' });
    await panel('bob').getByTestId('group-member-count').filter({ hasText: '1 member' }).waitFor();
    // Esc closes the panel.
    await pages.alice.keyboard.press('Escape');
    await panel('alice').waitFor({ state: 'detached' });
  });

  it('bob, the owner now, dismisses the group behind a confirmation', async () => {
    await panel('bob').getByTestId('group-dismiss').click();
    const confirm = pages.bob.getByRole('alertdialog', { name: 'Dismiss Club?' });
    // Cancel first: nothing happens.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await panel('bob').getByTestId('group-dismiss').click();
    await confirm.getByTestId('confirm').click();
    await panel('bob').getByTestId('group-gone').and(pages.bob.locator('[data-gone="dismissed"]')).waitFor();
    assert.equal(await panel('bob').getByTestId('group-dismiss').count(), 0);
  });

  it('a Work group: its owner may leave but not dismiss; nobody is muted or made admin; any member edits', async () => {
    const created = await bridge(pages.alice, 'tim.createGroup', newGroup({ name: 'Desk', type: 'Private', groupID: 'desk', memberList: [{ userID: 'bob' }] }));
    assert.equal(created.ok?.group?.type, 'Private', JSON.stringify(created));
    await bridge(pages.alice, 'tim.updateGroupProfile', { groupID: 'desk', notification: 'Work only' });
    await openPanel('alice', 'desk');
    assert.equal(await panel('alice').getByTestId('group-kind').textContent(), 'Work group');
    await panel('alice').getByTestId('group-leave').waitFor();
    assert.equal(await panel('alice').getByTestId('group-dismiss').count(), 0);
    await memberRow('alice', 'bob').getByTestId('member-actions-toggle').click();
    const offered = await memberRow('alice', 'bob').getByRole('group').getByRole('button').allTextContents();
    assert.deepEqual(offered, ['Set name card…', 'Make owner…', 'Remove from group…']);
    await openPanel('bob', 'desk');
    // checklist 715: any member of a Work group edits its profile; no join option or mute-all there.
    await panel('bob').getByTestId('group-edit').click();
    assert.equal(await panel('bob').locator('select[name="joinOption"]').count(), 0);
    assert.equal(await panel('bob').locator('input[name="muteAllMembers"]').count(), 0);
    await panel('bob').locator('textarea[name="introduction"]').fill('Desk of alice and bob');
    await panel('bob').getByTestId('group-profile-form').getByRole('button', { name: 'Save' }).click();
    await panel('alice').getByTestId('group-introduction').filter({ hasText: 'Desk of alice and bob' }).waitFor();
    // The owner leaves; the group stays, without an owner.
    await panel('alice').getByTestId('group-leave').click();
    const confirm = pages.alice.getByRole('alertdialog', { name: 'Leave Desk?' });
    assert.match(await confirm.textContent(), /left without one/);
    await confirm.getByTestId('confirm').click();
    await panel('alice').getByTestId('group-gone').and(pages.alice.locator('[data-gone="quit"]')).waitFor();
    await memberRow('bob', 'alice').waitFor({ state: 'detached' });
    await pages.alice.keyboard.press('Escape');
    await pages.bob.keyboard.press('Escape');
  });

  it('a join request to a NeedPermission group: badges for owner and admin; alice approves, carol joins; bob’s late answer shows 10024', async () => {
    const created = await bridge(
      pages.alice,
      'tim.createGroup',
      newGroup({ name: 'Book club', type: 'Public', groupID: 'books', joinOption: 'NeedPermission', memberList: [{ userID: 'bob', role: 'Admin' }] }),
    );
    assert.equal(created.ok?.group?.joinOption, 'NeedPermission', JSON.stringify(created));
    const joined = await bridge(pages.carol, 'tim.joinGroup', { groupID: 'books', applyMessage: 'let me in please' });
    assert.equal(joined.ok?.status, 'WaitAdminApproval', JSON.stringify(joined));

    for (const who of ['alice', 'bob']) {
      await pages[who].getByTestId('inbox-badge').filter({ hasText: '1' }).waitFor();
      await pages[who].getByRole('button', { name: 'Group requests, 1 waiting' }).waitFor();
    }
    assert.equal(await pages.carol.getByTestId('inbox-badge').count(), 0);

    for (const who of ['alice', 'bob']) {
      await pages[who].getByTestId('inbox-button').click();
      const item = pages[who].locator('[data-testid="application"][data-group="books"][data-applicant="carol"]');
      await item.waitFor();
      assert.match(await item.textContent(), /carol asks to join Book club/);
      assert.match(await item.textContent(), /let me in please/);
    }
    await audit(pages.alice, 'inbox');
    await sizeShots(pages.alice, 'inbox');

    const aliceItem = pages.alice.locator('[data-testid="application"][data-applicant="carol"]');
    await aliceItem.getByRole('button', { name: 'Approve' }).click();
    await aliceItem.getByTestId('application-outcome').and(pages.alice.locator('[data-action="Agree"]')).waitFor();
    await pages.alice.getByTestId('inbox-badge').waitFor({ state: 'detached' });

    // carol is a member: the group is in her list and in alice's panel.
    await row('carol', 'GROUPbooks').waitFor();
    const list = await bridge(pages.carol, 'tim.getGroupList', {});
    assert.ok(list.ok.groupList.some((g) => g.groupID === 'books'), JSON.stringify(list));
    await pages.alice.getByTestId('inbox-button').click();
    await pages.alice.getByTestId('applications-inbox').waitFor({ state: 'detached' });
    await openPanel('alice', 'books');
    await memberRow('alice', 'carol').waitFor();

    // bob answered too late: the request was handled by alice.
    const bobItem = pages.bob.locator('[data-testid="application"][data-applicant="carol"]');
    await bobItem.getByRole('button', { name: 'Approve' }).click();
    const late = bobItem.getByTestId('application-error');
    await late.waitFor();
    assert.equal(await late.getAttribute('data-code'), '10024');
    assert.match(await late.textContent(), /Another owner or admin answered this request first/);
    // Esc closes the inbox.
    await pages.bob.keyboard.press('Escape');
    await pages.bob.getByTestId('applications-inbox').waitFor({ state: 'detached' });
  });

  it('no page logged an error', () => {
    for (const [who, list] of Object.entries(errors)) assert.deepEqual(list, [], who);
  });
});
