// The profile methods of the facade (TIM's profile API), plus Confab's
// `uploadAvatar`: a picture made into an avatar in the server's file service.
import type { AvatarUrl, Profile, ProfilePatch } from '$lib/types';
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

    /**
     * Confab: makes the picture at `path` (a local path the host lets
     * commands send) an avatar: its centre square, at most 256 px, uploaded
     * to the server's file service. Put the URL in `updateMyProfile({avatar})`;
     * 2251 unreadable or empty, 2252 not a picture, 2253 over 20 MB, 2800 offline.
     */
    uploadAvatar(path: string): Promise<ImResponse<AvatarUrl>> {
      return core.tim('tim.uploadAvatar', { path });
    },
  };
}

/** The profile methods of `Tim`. */
export type ProfileApi = ReturnType<typeof profileApi>;
