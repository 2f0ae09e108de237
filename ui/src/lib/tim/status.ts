// The user status methods of the facade (TIM's setSelfStatus,
// getUserStatus, subscribeUserStatus, unsubscribeUserStatus). Statuses are
// live facts from the server: asked for, or pushed as USER_STATUS_UPDATED
// while subscribed; nothing is cached here.
import type { StatusFailures, UserStatus, UserStatusResponse } from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** The user status methods over `core`. */
export function statusApi(core: TimCore) {
  return {
    /** Sets (`''`: clears) my custom status (≤ 256 bytes); my instances and subscribers get USER_STATUS_UPDATED. */
    setSelfStatus(options: { customStatus: string }): Promise<ImResponse<UserStatus>> {
      return core.tim('tim.setSelfStatus', options);
    },

    /** Statuses of 1 to 500 users; 2996 past 20 calls per 5 s for others. */
    getUserStatus(options: { userIDList: string[] }): Promise<ImResponse<UserStatusResponse>> {
      return core.tim('tim.getUserStatus', options);
    },

    /** Follows 1 to 100 users' statuses (USER_STATUS_UPDATED on every change). */
    subscribeUserStatus(options: { userIDList: string[] }): Promise<ImResponse<StatusFailures>> {
      return core.tim('tim.subscribeUserStatus', options);
    },

    /** Stops following users; without a list (or with []), everyone. */
    unsubscribeUserStatus(options?: { userIDList?: string[] }): Promise<ImResponse<StatusFailures>> {
      const userIDList = options?.userIDList;
      return core.tim('tim.unsubscribeUserStatus', userIDList && userIDList.length > 0 ? { userIDList } : {});
    },
  };
}

/** The user status methods of `Tim`. */
export type StatusApi = ReturnType<typeof statusApi>;
