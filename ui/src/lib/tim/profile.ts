// The profile methods of the facade (TIM's profile API).
import type { Profile, ProfilePatch } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** The profile methods over `core`. */
export function profileApi(core: TimCore) {
  return {
    async getMyProfile(): Promise<ImResponse<Profile>> {
      const res = await core.tim('tim.getMyProfile', {});
      core.myProfile = res.data;
      return res;
    },

    getUserProfile(options: { userIDList: string[] }): Promise<ImResponse<Profile[]>> {
      return core.tim('tim.getUserProfile', options);
    },

    async updateMyProfile(patch: ProfilePatch): Promise<ImResponse<Profile>> {
      const res = await core.tim('tim.updateMyProfile', patch);
      core.myProfile = res.data;
      return res;
    },
  };
}

/** The profile methods of `Tim`. */
export type ProfileApi = ReturnType<typeof profileApi>;
