// My avatar in the real UI: alice (the browser, real confab-web and
// confabd) opens her profile and uploads a picture through the file input
// (a 300×200 PNG made here); the SDK makes it an avatar in the server's
// file service and her profile points to it. The panel and the rail show
// it at once, loaded from the web host's local copy (app.downloadAvatar).
// A file that is not a picture is refused with words that say so (2252),
// her avatar unchanged. bob, signed in on a second web host, sees her
// picture in his conversation list. "Remove photo" brings the initials
// back, for her and in her profile on the server. axe-core runs on the
// panel; SCREENSHOTS=<dir> saves it with the new avatar (light and dark,
// English and Chinese).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { auditAxe, cli, launchBrowser, openPage, signIn, sizeShots, startConfabd, startWeb, tearDown, tempDir } from './harness.mjs';

const USERS = { alice: 'alice-secret-1', bob: 'bob-secret-12' };
const FILE_URL = /\/files\/[0-9a-f]{64}$/;

// ---- a real PNG, made here ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A `width`×`height` RGB PNG: a diagonal gradient with a disc in its centre (what the crop keeps). */
function png(width, height) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      const o = 1 + x * 3;
      row[o] = inDisc ? 250 : Math.round((x / width) * 80);
      row[o + 1] = inDisc ? 190 : Math.round(90 + (y / height) * 100);
      row[o + 2] = inDisc ? 40 : 200;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What an `<img>` inside `locator` shows once it has loaded: its src and natural width. */
async function loadedImage(locator) {
  const img = locator.locator('img');
  await img.waitFor();
  await img.evaluate((el) => (el.complete ? null : new Promise((r) => el.addEventListener('load', r, { once: true }))));
  return img.evaluate((el) => ({ src: el.currentSrc || el.src, naturalWidth: el.naturalWidth }));
}

describe('My avatar against a real server', { timeout: 300_000 }, () => {
  let server;
  let web;
  let bobWeb;
  let browser;
  let page;
  let errors;
  const profiles = {};
  const dirs = [];
  const axeLines = [];

  const panel = () => page.getByRole('complementary', { name: 'Your profile' });
  const panelAvatar = () => panel().getByTestId('avatar-photo').locator('.avatar');
  const railAvatar = () => page.getByRole('button', { name: /Your profile/ }).locator('.avatar');
  const myAvatarOnServer = async () => JSON.parse(await cli(profiles.bob, 'profile', 'alice'))[0].avatar;

  before(async () => {
    server = await startConfabd();
    dirs.push(server.dataDir);
    for (const [userID, password] of Object.entries(USERS)) {
      profiles[userID] = tempDir(`${userID}-cli`);
      dirs.push(profiles[userID]);
      await cli(profiles[userID], 'register', userID, '--server', server.url, '--password', password);
    }
    await cli(profiles.alice, 'logout');
    // A conversation between them: bob's list has a row for alice.
    await cli(profiles.bob, 'send', 'alice', 'hi alice');
    web = await startWeb({ server: server.url });
    dirs.push(web.dataDir);
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 } }));
    await signIn(page, 'alice', USERS.alice);
    await page.getByRole('listbox', { name: 'Chats' }).waitFor();
  });

  after(async () => {
    await bobWeb?.stop();
    await tearDown({ browser, web, server, dirs });
  });

  it('the panel offers to change the photo; no remove while there is none', async () => {
    await page.getByRole('button', { name: /Your profile/ }).click();
    await panel().waitFor();
    await panel().getByTestId('avatar-change').filter({ hasText: 'Change photo' }).waitFor();
    assert.equal(await panel().getByTestId('avatar-remove').count(), 0);
    assert.equal(await panelAvatar().getAttribute('data-initials'), 'AL');
    assert.equal(await panel().getByTestId('avatar-file-input').getAttribute('accept'), 'image/jpeg,image/png,image/gif,image/webp,image/bmp');
    await auditAxe(page, 'profile panel, no photo', axeLines);
  });

  it('alice uploads a PNG: her panel and the rail show it at once, from the local copy', async () => {
    await panel().getByTestId('avatar-file-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(300, 200) });
    await panel().getByRole('status').filter({ hasText: 'Photo updated' }).waitFor();
    const inPanel = await loadedImage(panelAvatar());
    assert.ok(inPanel.naturalWidth > 0, 'the panel’s picture loaded');
    assert.ok(inPanel.src.startsWith(`${web.filesOrigin}/local/`), `loaded from the web host’s copy: ${inPanel.src}`);
    // The centre square, at most 256 px.
    assert.equal(inPanel.naturalWidth, 200);
    const inRail = await loadedImage(railAvatar());
    assert.ok(inRail.naturalWidth > 0, 'the rail’s picture loaded');
    assert.equal(inRail.src, inPanel.src);
    assert.equal(await panelAvatar().getAttribute('data-initials'), null);
    await panel().getByTestId('avatar-remove').filter({ hasText: 'Remove photo' }).waitFor();
    // Her profile on the server points to the file service.
    assert.match(await myAvatarOnServer(), FILE_URL);
  });

  it('the panel with the photo: axe-core, and screenshots (light, dark, English, Chinese)', async () => {
    await auditAxe(page, 'profile panel, photo', axeLines);
    await sizeShots(page, 'avatar-profile');
    // The picture opens the picker too: a camera over it on hover.
    await panel().getByTestId('avatar-photo').hover();
    await sizeShots(page, 'avatar-profile-hover');
    await page.mouse.move(0, 0);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await auditAxe(page, 'profile panel, photo, dark', axeLines);
    await sizeShots(page, 'avatar-profile-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    for (const colorScheme of ['light', 'dark']) {
      const zh = await openPage(browser, web.url, { viewport: { width: 1100, height: 720 }, locale: 'zh-CN', colorScheme });
      try {
        await zh.page.getByRole('button', { name: /个人资料/ }).click();
        await zh.page.getByTestId('avatar-change').filter({ hasText: '更换头像' }).waitFor();
        await zh.page.getByTestId('avatar-remove').filter({ hasText: '移除头像' }).waitFor();
        const shown = await loadedImage(zh.page.getByTestId('avatar-photo'));
        assert.ok(shown.naturalWidth > 0);
        await auditAxe(zh.page, `profile panel, photo, zh ${colorScheme}`, axeLines);
        await sizeShots(zh.page, `avatar-profile-zh${colorScheme === 'dark' ? '-dark' : ''}`);
      } finally {
        await zh.context.close();
      }
    }
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('a file that is not a picture is refused in words (2252); her photo stays', async () => {
    const before = await myAvatarOnServer();
    await panel().getByTestId('avatar-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture at all\n') });
    const error = panel().getByTestId('avatar-error');
    await error.filter({ hasText: 'That file is not a picture (JPEG, PNG, GIF, BMP or WEBP)' }).waitFor();
    assert.match(await error.innerText(), /Code 2252/);
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.ok((await loadedImage(panelAvatar())).naturalWidth > 0, 'her photo still shows');
    assert.equal(await myAvatarOnServer(), before);
    await auditAxe(page, 'profile panel, error', axeLines);
    await sizeShots(page, 'avatar-profile-error');
    assert.deepEqual(axeLines, [], axeLines.join('\n'));
  });

  it('bob, on his own web host, sees her picture in his conversation list', async () => {
    bobWeb = await startWeb({ server: server.url });
    dirs.push(bobWeb.dataDir);
    const bob = await openPage(browser, bobWeb.url, { viewport: { width: 1100, height: 720 } });
    try {
      await signIn(bob.page, 'bob', USERS.bob);
      const row = bob.page.locator('[data-conversation="C2Calice"]');
      await row.waitFor();
      const shown = await loadedImage(row.locator('.avatar'));
      assert.ok(shown.naturalWidth > 0, 'alice’s picture loaded in bob’s list');
      assert.ok(shown.src.startsWith(`${bobWeb.filesOrigin}/local/`), `from bob’s web host: ${shown.src}`);
      await sizeShots(bob.page, 'avatar-bob-list');
      assert.deepEqual(bob.errors.filter((e) => e.startsWith('pageerror')), []);
    } finally {
      await bob.context.close();
    }
  });

  it('"Remove photo" brings the initials back, in the panel and the rail, and on the server', async () => {
    await panel().getByTestId('avatar-remove').click();
    await panel().getByRole('status').filter({ hasText: 'Photo removed' }).waitFor();
    await panelAvatar().and(page.locator('[data-initials="AL"]')).waitFor();
    assert.equal(await panelAvatar().locator('img').count(), 0);
    await railAvatar().and(page.locator('[data-initials="AL"]')).waitFor();
    assert.equal(await panel().getByTestId('avatar-remove').count(), 0);
    assert.equal(await panel().getByTestId('avatar-error').count(), 0, 'the old error went with the new change');
    // Focus stays with the photo's actions.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'avatar-change');
    assert.equal(await myAvatarOnServer(), '');
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror')), []);
  });
});
