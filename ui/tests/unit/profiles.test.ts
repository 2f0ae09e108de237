import { describe, expect, it } from 'vitest';
import { Tim } from '../../src/lib/tim';
import { Profiles, PROFILE_BATCH } from '../../src/lib/state/profiles.svelte';
import { loggedInBackend } from './fixtures';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Profiles (issue 10, defect 7)', () => {
  it('asks once per session for everyone shown, batched, and again for a chat being opened', async () => {
    const b = loggedInBackend();
    b.handle('tim.getUserProfile', () => []);
    const tim = new Tim(b);
    await tim.app.getState();
    const profiles = new Profiles(tim);
    profiles.want(['bob', 'carol']);
    profiles.want(['bob', 'dave']);
    await tick();
    expect(b.callsOf('tim.getUserProfile')).toEqual([{ userIDList: ['bob', 'carol', 'dave'] }]);
    profiles.want(['carol']);
    profiles.refresh('bob');
    await tick();
    expect(b.callsOf('tim.getUserProfile').slice(1)).toEqual([{ userIDList: ['bob'] }]);
    profiles.want(Array.from({ length: PROFILE_BATCH + 1 }, (_, i) => `u${i}`));
    await tick();
    expect(b.callsOf('tim.getUserProfile').slice(2).map((a) => (a as { userIDList: string[] }).userIDList.length)).toEqual([
      PROFILE_BATCH,
      1,
    ]);
  });

  it('asks again after a failed call or a sign-out', async () => {
    const b = loggedInBackend();
    b.handle('tim.getUserProfile', () => Promise.reject({ code: 2800, message: 'offline' }));
    const tim = new Tim(b);
    await tim.app.getState();
    const profiles = new Profiles(tim);
    const warn = console.warn;
    console.warn = () => {};
    try {
      profiles.want(['bob']);
      await tick();
      profiles.want(['bob']);
      await tick();
    } finally {
      console.warn = warn;
    }
    expect(b.callsOf('tim.getUserProfile')).toHaveLength(2);
    b.handle('tim.getUserProfile', () => []);
    profiles.reset();
    profiles.want(['bob']);
    await tick();
    expect(b.callsOf('tim.getUserProfile')).toHaveLength(3);
  });
});
