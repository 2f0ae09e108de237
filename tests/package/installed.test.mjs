// The installed .deb (issue 17), run by tests/package/run.sh after
// `dpkg -i`: the package's metadata, its desktop entry and icons, and the
// installed /usr/bin/confab-desktop itself under Xvfb through tauri-driver:
// it starts its embedded server, alice registers on it, bob (the real
// confab CLI) writes to her through the app's server and reads her reply.
// Prints the start-up time (launch → the first screen of the app).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP, cli, click, launchApp, quitApp, removeDir, resultsDir, signIn, tempDir, waitForSelector } from '../e2e/harness.mjs';

const DEB = process.env.CONFAB_DEB;

/** A field of the .deb's control file. */
const field = (name) => execFileSync('dpkg-deb', ['-f', DEB, name], { encoding: 'utf8' }).trim();

describe('the installed package', { timeout: 300_000 }, () => {
  const dirs = [];

  after(() => {
    for (const dir of dirs) removeDir(dir);
  });

  it('says who made it, what it is and where it lives', () => {
    assert.equal(APP, '/usr/bin/confab-desktop', 'run through tests/package/run.sh');
    assert.match(field('Maintainer'), /^.+ <[^@\s]+@[^>\s]+>$/, 'a maintainer with an address');
    assert.match(field('Description'), /chat/i);
    assert.notEqual(field('Description'), '(none)');
    assert.match(field('Homepage'), /^https:\/\//);
    assert.equal(field('Section'), 'net');
    assert.equal(field('Priority'), 'optional');
    assert.match(field('Depends'), /libwebkit2gtk-4\.1-0/);
    const depends = field('Depends').split(',').map((d) => d.trim());
    assert.equal(new Set(depends).size, depends.length, `no dependency twice: ${depends}`);
  });

  it('installs a desktop entry and an icon at every size', () => {
    const entries = execFileSync('dpkg-query', ['-L', field('Package')], { encoding: 'utf8' }).split('\n');
    const desktop = entries.find((p) => p.startsWith('/usr/share/applications/') && p.endsWith('.desktop'));
    assert.ok(desktop, `a desktop entry among:\n${entries.join('\n')}`);
    const entry = readFileSync(desktop, 'utf8');
    assert.match(entry, /^Exec=confab-desktop/m);
    assert.match(entry, /^Name=Confab$/m);
    assert.match(entry, /^Categories=Network;InstantMessaging;Chat;$/m);
    const icon = entry.match(/^Icon=(.+)$/m)?.[1];
    assert.ok(icon, 'the entry names an icon');
    for (const size of ['16x16', '32x32', '48x48', '64x64', '128x128', '256x256', '512x512']) {
      const path = `/usr/share/icons/hicolor/${size}/apps/${icon}.png`;
      assert.ok(existsSync(path), `${path} is installed`);
    }
  });

  it('starts its embedded server; alice and a CLI peer chat through it', async () => {
    const dataDir = tempDir('installed');
    const bob = tempDir('bob');
    dirs.push(dataDir, bob);
    const app = await launchApp({ CONFAB_DATA_DIR: dataDir, CONFAB_SERVER_URL: '' });
    try {
      const { browser } = app;
      const local = await browser.$('input[name="mode"][value="local"]');
      await local.waitForExist();
      console.log(`startup: launch → first screen ${Math.round(performance.now() - app.started)} ms`);
      await (await local.parentElement()).click(); // the radio itself is visually hidden
      await (await browser.$('form button[type="submit"]')).click();
      await signIn(browser, 'alice', 'alice-secret-1', { register: true });
      await waitForSelector(browser, '[data-testid="net-dot"][data-state="connected"]');
      const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
      const url = `http://127.0.0.1:${settings.localPort}`;
      await cli(bob, ['register', 'bob', '--server', url], { env: { CONFAB_PASSWORD: 'bob-secret-12' } });
      await cli(bob, ['send', 'alice', 'hi alice, installed?']);
      await click(browser, '[data-conversation="C2Cbob"]');
      const composer = await browser.$('[data-testid="composer"]');
      await composer.waitForDisplayed();
      await composer.setValue('installed with dpkg');
      await browser.keys('Enter');
      await waitForSelector(browser, '[data-testid="message"][data-status="sent"]');
      const history = JSON.parse(await cli(bob, ['history', 'C2Calice']));
      assert.ok((history.messageList ?? history).some((m) => m.payload?.text === 'installed with dpkg'), 'bob reads the reply');
      await browser.saveScreenshot(join(resultsDir(), 'installed-package.png'));
    } finally {
      await quitApp(app);
    }
  });
});
