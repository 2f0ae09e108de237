// The relation-chain methods of the facade: the blacklist (each call
// resolves with the whole list, as TIM's do), friends, friend requests and
// friend groups (TIM's options and `imResponse.data`). The lists come from
// the SDK's store, which the server's events keep current; every change
// fires its TIM event with the whole list.
import type {
  AddFriend,
  AddFriendResponse,
  ApplicationType,
  CheckFriendResponse,
  CheckType,
  DeleteType,
  Friend,
  FriendApplicationList,
  FriendGroup,
  FriendGroupChange,
  FriendProfileResponse,
  FriendResultResponse,
  ResponseAction,
  UpdateFriend,
  UserResult,
} from '$lib/types';
import type { ImResponse, TimCore } from './core';

/** The relation-chain methods over `core`. */
export function relationApi(core: TimCore) {
  return {
    /** My blacklist's userIDs. */
    getBlacklist(): Promise<ImResponse<string[]>> {
      return core.tim('tim.getBlacklist', {});
    },

    /** Blocks users (1 to 1,000; even one goes in a list); 2742 for my own userID. Ends any friendship both ways. */
    addToBlacklist(options: { userIDList: string[] }): Promise<ImResponse<string[]>> {
      return core.tim('tim.addToBlacklist', options);
    },

    /** Unblocks users (1 to 1,000). */
    removeFromBlacklist(options: { userIDList: string[] }): Promise<ImResponse<string[]>> {
      return core.tim('tim.removeFromBlacklist', options);
    },

    /** My friends, in the order added (FRIEND_LIST_UPDATED on every change). */
    getFriendList(): Promise<ImResponse<Friend[]>> {
      return core.tim('tim.getFriendList', {});
    },

    /**
     * Asks `to` to be a friend: `data.code` 0 added (their allowType is AllowAny),
     * 30539 a request waits for them (NeedConfirm). Refusals: 2701 already a
     * friend, 20007 a blacklist, 30516 they take no requests, 90014 myself.
     */
    addFriend(options: Pick<AddFriend, 'to' | 'source'> & Partial<AddFriend>): Promise<ImResponse<AddFriendResponse>> {
      return core.tim('tim.addFriend', { wording: '', type: 'Add_Type_Both', remark: '', groupName: '', ...options });
    },

    /** Removes friends (1 to 100), both ways unless `type` is SNS_DELETE_TYPE_SINGLE. */
    deleteFriend(options: { userIDList: string[]; type?: DeleteType }): Promise<ImResponse<FriendResultResponse>> {
      return core.tim('tim.deleteFriend', { type: 'Delete_Type_Both', ...options });
    },

    /** The relation with each user (1 to 1,000). */
    checkFriend(options: { userIDList: string[]; type?: CheckType }): Promise<ImResponse<CheckFriendResponse>> {
      return core.tim('tim.checkFriend', { type: 'CheckResult_Type_Both', ...options });
    },

    /** Friends with their profiles from the server; others in `failureUserIDList` (2700). */
    getFriendProfile(options: { userIDList: string[] }): Promise<ImResponse<FriendProfileResponse>> {
      return core.tim('tim.getFriendProfile', options);
    },

    /** My remark (≤ 96 bytes) and custom fields for a friend; 2700 when not a friend. */
    updateFriend(options: Pick<UpdateFriend, 'userID'> & Partial<UpdateFriend>): Promise<ImResponse<Friend>> {
      return core.tim('tim.updateFriend', { remark: null, friendCustomField: [], ...options });
    },

    /** Requests to and by me, newest first, with the unread count of those to me. */
    getFriendApplicationList(): Promise<ImResponse<FriendApplicationList>> {
      return core.tim('tim.getFriendApplicationList', {});
    },

    /** Accepts `userID`'s request: Agree (they gain me) or AgreeAndAdd (each gains the other); 2716 when none. */
    acceptFriendApplication(options: { userID: string; type: ResponseAction; remark?: string }): Promise<ImResponse<UserResult>> {
      return core.tim('tim.acceptFriendApplication', { remark: '', ...options });
    },

    /** Refuses `userID`'s request; 2716 when none. */
    refuseFriendApplication(options: { userID: string }): Promise<ImResponse<UserResult>> {
      return core.tim('tim.refuseFriendApplication', options);
    },

    /** Removes a request to me or withdraws mine; 2716 when none. */
    deleteFriendApplication(options: { userID: string; type: ApplicationType }): Promise<ImResponse<UserResult>> {
      return core.tim('tim.deleteFriendApplication', options);
    },

    /** Marks every request to me read (unreadCount 0). */
    async setFriendApplicationRead(): Promise<ImResponse<Record<string, never>>> {
      await core.tim('tim.setFriendApplicationRead', {});
      return { code: 0, data: {} };
    },

    /** My friend groups, in the order made. */
    getFriendGroupList(): Promise<ImResponse<FriendGroup[]>> {
      return core.tim('tim.getFriendGroupList', {});
    },

    /** A new friend group (name ≤ 30 bytes) with those of `userIDList` who are friends; 2710 name taken. */
    createFriendGroup(options: { name: string; userIDList: string[] }): Promise<ImResponse<FriendGroupChange>> {
      return core.tim('tim.createFriendGroup', options);
    },

    /** Deletes a friend group (its friends stay friends); 2711 when none. */
    deleteFriendGroup(options: { name: string }): Promise<ImResponse<FriendGroup>> {
      return core.tim('tim.deleteFriendGroup', options);
    },

    /** Puts friends in a group. */
    addToFriendGroup(options: { name: string; userIDList: string[] }): Promise<ImResponse<FriendGroupChange>> {
      return core.tim('tim.addToFriendGroup', options);
    },

    /** Takes friends out of a group. */
    removeFromFriendGroup(options: { name: string; userIDList: string[] }): Promise<ImResponse<FriendGroupChange>> {
      return core.tim('tim.removeFromFriendGroup', options);
    },

    /** Renames a friend group; 2711 when none, 2710 when the new name is taken. */
    renameFriendGroup(options: { oldName: string; newName: string }): Promise<ImResponse<FriendGroup>> {
      return core.tim('tim.renameFriendGroup', options);
    },
  };
}

/** The relation-chain methods of `Tim`. */
export type RelationApi = ReturnType<typeof relationApi>;
