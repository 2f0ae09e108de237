import type { ImError, Profile, ProfilePatch } from '$lib/types';
import { EVENT, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';
import { hostPathOf, type ChosenFile } from './pick-files';

/** The largest picture an avatar is made from (the SDK's limit; 2253 beyond). */
export const MAX_AVATAR_SOURCE_BYTES = 20 * 1024 * 1024;

/** The signed-in user's profile: nickname, avatar URL, signature. */
export class MyProfile {
  profile: Profile | null = $state.raw(null);
  saving = $state(false);
  saved = $state(false);
  error: ImError | null = $state.raw(null);
  /** The avatar being uploaded and set, or removed; null when neither. */
  avatarBusy: 'uploading' | 'removing' | null = $state(null);
  /** The last avatar change's outcome: done (for a status line) or its error. */
  avatarDone: 'changed' | 'removed' | null = $state(null);
  avatarError: ImError | null = $state.raw(null);
  #tim: Tim;
  /** Counts resets: a profile read for an earlier session (another account) is dropped. */
  #session = 0;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.PROFILE_UPDATED, (e) => {
      const mine = e.data?.find((p) => p.userID === tim.userID);
      if (mine) this.profile = mine;
    });
  }

  async load(): Promise<void> {
    const session = this.#session;
    try {
      const profile = (await this.#tim.getMyProfile()).data;
      // Signed out or switched to another account meanwhile: not this session's profile.
      if (session === this.#session) this.profile = profile;
    } catch (e) {
      console.warn('getMyProfile failed', toImError(e));
    }
  }

  async save(patch: ProfilePatch): Promise<boolean> {
    this.saving = true;
    this.saved = false;
    this.error = null;
    try {
      this.profile = (await this.#tim.updateMyProfile(patch)).data;
      this.saved = true;
      return true;
    } catch (e) {
      this.error = toImError(e);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /**
   * Makes the chosen picture my avatar: a browser File staged on the host,
   * the picture uploaded as an avatar, its URL set in my profile (which
   * every view of my avatar follows at once).
   */
  changeAvatar(chosen: ChosenFile): Promise<boolean> {
    return this.#changeAvatar('uploading', async () => {
      // The SDK refuses it too; a browser need not stage 20 MB first to hear so.
      if ('file' in chosen && chosen.file.size > MAX_AVATAR_SOURCE_BYTES) {
        throw { code: 2253, message: 'an avatar is made from a picture of at most 20 MB' } satisfies ImError;
      }
      const path = await hostPathOf(this.#tim, chosen);
      return (await this.#tim.uploadAvatar(path)).data.url;
    });
  }

  /** Forgets what the last avatar change said (its status line or error). */
  clearAvatarNotice(): void {
    this.avatarDone = null;
    this.avatarError = null;
  }

  /** Removes my avatar (the initials show). */
  removeAvatar(): Promise<boolean> {
    return this.#changeAvatar('removing', async () => '');
  }

  async #changeAvatar(busy: 'uploading' | 'removing', avatar: () => Promise<string>): Promise<boolean> {
    if (this.avatarBusy) return false;
    this.avatarBusy = busy;
    this.avatarDone = null;
    this.avatarError = null;
    try {
      const url = await avatar();
      this.profile = (await this.#tim.updateMyProfile({ avatar: url })).data;
      this.avatarDone = url ? 'changed' : 'removed';
      return true;
    } catch (e) {
      this.avatarError = toImError(e);
      return false;
    } finally {
      this.avatarBusy = null;
    }
  }

  reset(): void {
    this.#session++;
    this.profile = null;
    this.error = null;
    this.saved = false;
    this.avatarDone = null;
    this.avatarError = null;
  }
}
