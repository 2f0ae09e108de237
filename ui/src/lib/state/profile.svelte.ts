import type { ImError, Profile, ProfilePatch } from '$lib/types';
import { EVENT, type Tim } from '$lib/tim';
import { toImError } from '$lib/backend';

/** The signed-in user's profile: nickname, avatar URL, signature. */
export class MyProfile {
  profile: Profile | null = $state.raw(null);
  saving = $state(false);
  saved = $state(false);
  error: ImError | null = $state.raw(null);
  #tim: Tim;

  constructor(tim: Tim) {
    this.#tim = tim;
    tim.on(EVENT.PROFILE_UPDATED, (e) => {
      const mine = e.data?.find((p) => p.userID === tim.userID);
      if (mine) this.profile = mine;
    });
  }

  async load(): Promise<void> {
    try {
      this.profile = (await this.#tim.getMyProfile()).data;
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

  reset(): void {
    this.profile = null;
    this.error = null;
    this.saved = false;
  }
}
