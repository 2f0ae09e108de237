// My avatar in the file service: which avatar URLs are fetched through the
// session, each once per session; the upload and removal of my own; the
// words for their errors; the picker shared with the composer.
import { describe, expect, it } from 'vitest';
import { Tim } from '../../src/lib/tim';
import { AvatarImages, isAvatarFileUrl } from '../../src/lib/state/avatars.svelte';
import { MediaFiles } from '../../src/lib/state/files.svelte';
import { MAX_AVATAR_SOURCE_BYTES, MyProfile } from '../../src/lib/state/profile.svelte';
import { hostPathOf, pickNative } from '../../src/lib/state/pick-files';
import { avatarErrorKey } from '../../src/lib/i18n/avatar-errors';
import { en, zhCN } from '../../src/lib/i18n/messages';
import type { ImError } from '../../src/lib/types';
import { appState, loggedInBackend, profile } from './fixtures';

const HEX = 'ab'.repeat(32);
const FILE_URL = `http://127.0.0.1:7788/files/${HEX}`;

describe('isAvatarFileUrl', () => {
  it('is true for a file-service URL: /files/ then 64 lowercase hex digits ending its path', () => {
    expect(isAvatarFileUrl(FILE_URL)).toBe(true);
    expect(isAvatarFileUrl(`https://chat.example.com/api/files/${'0123456789abcdef'.repeat(4)}`)).toBe(true);
    expect(isAvatarFileUrl(`${FILE_URL}?v=2`)).toBe(true);
    expect(isAvatarFileUrl(`/files/${HEX}`)).toBe(true);
  });

  it('is false for any other URL', () => {
    expect(isAvatarFileUrl('')).toBe(false);
    expect(isAvatarFileUrl('https://example.com/me.png')).toBe(false);
    expect(isAvatarFileUrl(`http://h/files/${HEX.toUpperCase()}`)).toBe(false);
    expect(isAvatarFileUrl(`http://h/files/${HEX.slice(1)}`)).toBe(false);
    expect(isAvatarFileUrl(`http://h/files/${HEX}0`)).toBe(false);
    expect(isAvatarFileUrl(`http://h/files/${HEX}/thumb`)).toBe(false);
    expect(isAvatarFileUrl(`http://h/file/${HEX}`)).toBe(false);
    expect(isAvatarFileUrl(`http://h/files/${'g'.repeat(64)}`)).toBe(false);
  });
});

describe('AvatarImages', () => {
  function images(answer: (url: string) => Promise<{ url: string }>, signedIn = () => true) {
    const asked: string[] = [];
    const source = new AvatarImages((url) => {
      asked.push(url);
      return answer(url);
    }, signedIn);
    return { source, asked };
  }

  it('shows other URLs as they are, never fetching them', async () => {
    const { source, asked } = images(async () => ({ url: 'x' }));
    expect(source.current('https://example.com/a.png')).toBe('https://example.com/a.png');
    expect(await source.load('https://example.com/a.png')).toBe('https://example.com/a.png');
    expect(asked).toEqual([]);
  });

  it('fetches a file URL once, however often and however many at once ask', async () => {
    const { source, asked } = images(async (url) => ({ url: `http://local/${url.slice(-4)}` }));
    expect(source.current(FILE_URL)).toBeNull();
    const [a, b] = await Promise.all([source.load(FILE_URL), source.load(FILE_URL)]);
    expect(a).toBe(`http://local/${HEX.slice(-4)}`);
    expect(b).toBe(a);
    expect(await source.load(FILE_URL)).toBe(a);
    expect(source.current(FILE_URL)).toBe(a);
    expect(asked).toEqual([FILE_URL]);
  });

  it('shows the initials for good after a lasting failure (nobody’s avatar, not this server’s)', async () => {
    const { source, asked } = images(() => Promise.reject({ code: 90009, message: 'not an avatar' }));
    expect(await source.load(FILE_URL)).toBeNull();
    expect(await source.load(FILE_URL)).toBeNull();
    expect(source.current(FILE_URL)).toBeNull();
    expect(asked).toHaveLength(1);
  });

  it('asks again after a passing failure (offline), on the next load', async () => {
    let offline = true;
    const { source, asked } = images(async () => {
      if (offline) throw { code: 2800, message: 'offline' };
      return { url: 'http://local/a' };
    });
    expect(await source.load(FILE_URL)).toBeNull();
    offline = false;
    expect(await source.load(FILE_URL)).toBe('http://local/a');
    expect(asked).toHaveLength(2);
  });

  it('asks nothing before the session is signed in, and once it is', async () => {
    let signedIn = false;
    const { source, asked } = images(async () => ({ url: 'http://local/a' }), () => signedIn);
    expect(await source.load(FILE_URL)).toBeNull();
    expect(asked).toEqual([]);
    signedIn = true;
    expect(await source.load(FILE_URL)).toBe('http://local/a');
    expect(asked).toHaveLength(1);
  });

  it('forgets everything when the session ends', async () => {
    const { source, asked } = images(async () => ({ url: 'http://local/a' }));
    await source.load(FILE_URL);
    source.reset();
    expect(source.current(FILE_URL)).toBeNull();
    await source.load(FILE_URL);
    expect(asked).toHaveLength(2);
  });

  it('is the media cache’s, over app.downloadAvatar, and emptied with it', async () => {
    const b = loggedInBackend();
    b.handle('app.downloadAvatar', (a) => ({ path: '/cache/av', url: `http://local/${String(a.url).slice(-6)}` }));
    const tim = new Tim(b);
    const files = new MediaFiles(tim);
    // Not signed in yet: nothing is asked.
    expect(await files.avatars.load(FILE_URL)).toBeNull();
    await tim.app.getState();
    expect(await files.avatars.load(FILE_URL)).toBe(`http://local/${HEX.slice(-6)}`);
    expect(b.callsOf('app.downloadAvatar')).toEqual([{ url: FILE_URL }]);
    files.reset();
    await files.avatars.load(FILE_URL);
    expect(b.callsOf('app.downloadAvatar')).toHaveLength(2);
  });
});

describe('MyProfile: my avatar', () => {
  async function signedIn() {
    const b = loggedInBackend();
    let current = profile('alice');
    b.handle('tim.updateMyProfile', (a) => (current = { ...current, ...a }));
    b.handle('tim.uploadAvatar', () => ({ url: FILE_URL }));
    const tim = new Tim(b);
    await tim.app.getState();
    return { b, tim, me: new MyProfile(tim) };
  }

  it('stages a browser File, uploads it as an avatar and sets its URL in my profile', async () => {
    const { b, me } = await signedIn();
    const done = me.changeAvatar({ file: new File([new Uint8Array([137, 80, 78, 71])], 'me.png', { type: 'image/png' }) });
    expect(me.avatarBusy).toBe('uploading');
    expect(await done).toBe(true);
    expect(b.staged.map((f) => f.name)).toEqual(['me.png']);
    expect(b.callsOf('tim.uploadAvatar')).toEqual([{ path: '/staged/1/me.png' }]);
    expect(b.callsOf('tim.updateMyProfile')).toEqual([{ avatar: FILE_URL }]);
    expect(me.profile?.avatar).toBe(FILE_URL);
    expect(me.avatarBusy).toBeNull();
    expect(me.avatarDone).toBe('changed');
    expect(me.avatarError).toBeNull();
  });

  it('uploads a desktop path as it is', async () => {
    const { b, me } = await signedIn();
    expect(await me.changeAvatar({ path: '/home/alice/me.jpg' })).toBe(true);
    expect(b.staged).toEqual([]);
    expect(b.callsOf('tim.uploadAvatar')).toEqual([{ path: '/home/alice/me.jpg' }]);
  });

  it('keeps the profile as it was when the upload fails, with the error', async () => {
    const { b, me } = await signedIn();
    b.handle('tim.uploadAvatar', () => Promise.reject({ code: 2252, message: 'not a picture' }));
    expect(await me.changeAvatar({ path: '/home/alice/notes.txt' })).toBe(false);
    expect(me.avatarError?.code).toBe(2252);
    expect(me.avatarDone).toBeNull();
    expect(b.callsOf('tim.updateMyProfile')).toEqual([]);
    me.clearAvatarNotice();
    expect(me.avatarError).toBeNull();
  });

  it('refuses a File over 20 MB at once (2253), without staging it', async () => {
    const { b, me } = await signedIn();
    const big = new File([new Uint8Array(MAX_AVATAR_SOURCE_BYTES + 1)], 'big.png', { type: 'image/png' });
    expect(await me.changeAvatar({ file: big })).toBe(false);
    expect(me.avatarError?.code).toBe(2253);
    expect(b.staged).toEqual([]);
    expect(b.callsOf('tim.uploadAvatar')).toEqual([]);
  });

  it('removes my avatar: an empty avatar URL', async () => {
    const { b, me } = await signedIn();
    await me.changeAvatar({ path: '/p.png' });
    expect(await me.removeAvatar()).toBe(true);
    expect(b.callsOf('tim.updateMyProfile').at(-1)).toEqual({ avatar: '' });
    expect(me.profile?.avatar).toBe('');
    expect(me.avatarDone).toBe('removed');
  });

  it('does one change at a time', async () => {
    const { b, me } = await signedIn();
    const first = me.changeAvatar({ path: '/a.png' });
    expect(await me.removeAvatar()).toBe(false);
    await first;
    expect(b.callsOf('tim.updateMyProfile')).toEqual([{ avatar: FILE_URL }]);
  });
});

describe('avatarErrorKey', () => {
  it('names each error of an avatar change by its code, in both languages', () => {
    const cases: [number, string][] = [
      [2252, 'That file is not a picture (JPEG, PNG, GIF, BMP or WEBP)'],
      [2253, '20 MB'],
      [2251, 'couldn’t be read'],
      [2800, 'offline'],
      [90021, 'upload limit'],
      [90022, 'out of storage'],
      [-1, 'Couldn’t update your photo'],
    ];
    for (const [code, words] of cases) {
      const key = avatarErrorKey({ code });
      expect(en[key]).toContain(words);
      expect(zhCN[key]).toBeTruthy();
    }
    expect(zhCN[avatarErrorKey({ code: 2252 })]).toContain('不是图片');
  });
});

describe('pickNative (the composer’s and the avatar’s picker)', () => {
  it('gives the desktop picker’s paths, and null in the browser (a file input chooses)', async () => {
    const b = loggedInBackend(appState());
    b.withMedia();
    const tim = new Tim(b);
    expect(await pickNative(tim, 'image', false)).toBeNull();
    expect(b.callsOf('app.pickFiles')).toEqual([]);
    b.nativeFiles = true;
    expect(await pickNative(tim, 'image', false)).toEqual(['/pick/a.png']);
    expect(b.callsOf('app.pickFiles')).toEqual([{ kind: 'image', multiple: false }]);
  });

  it('falls back to the file input where the host has no picker (90011), and rejects with other errors', async () => {
    const b = loggedInBackend();
    b.nativeFiles = true;
    const tim = new Tim(b);
    b.handle('app.pickFiles', () => Promise.reject({ code: 90011, message: 'unsupported' }));
    expect(await pickNative(tim, 'file', true)).toBeNull();
    b.handle('app.pickFiles', () => Promise.reject({ code: 5, message: 'dialog failed' }));
    await expect(pickNative(tim, 'file', true)).rejects.toMatchObject({ code: 5 } satisfies Partial<ImError>);
  });

  it('hostPathOf: a path as it is, a File staged', async () => {
    const b = loggedInBackend();
    const tim = new Tim(b);
    expect(await hostPathOf(tim, { path: '/x.png' })).toBe('/x.png');
    expect(await hostPathOf(tim, { file: new File(['x'], 'x.png') })).toBe('/staged/1/x.png');
  });
});
