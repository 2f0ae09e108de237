// The group methods of the facade (TIM's group API, all 29): each wraps
// one `tim.*` group command and resolves TIM's `imResponse.data`
// (`{group, overLimitUserIDList}`, `{groupList}`, `{groupID}`,
// `{status, group?}`, `{memberList, offset}`, …). TIM's methods that take
// a bare group ID (`dismissGroup`, `quitGroup`, `searchGroupByID`,
// `getGroupOnlineMemberCount`) send `{groupID}`; options TIM lets the
// caller leave out are filled with TIM's defaults here, since the
// generated argument types name every field the server defaults.
import type {
  AddGroupMemberResponse,
  CreateGroup,
  CreateGroupResponse,
  DeleteGroupMemberResponse,
  GetGroupApplicationListResponse,
  GetGroupListResponse,
  GetGroupMemberListResponse,
  GroupApplication,
  GroupAttributesResponse,
  GroupCounterResponse,
  GroupCountersResponse,
  GroupCustomField,
  GroupIdResponse,
  GroupMemberResponse,
  GroupResponse,
  HandleAction,
  JoinGroupResponse,
  KeyListResponse,
  MarkGroupMemberListResponse,
  MemberListOffset,
  MemberListResponse,
  MemberRole,
  Message,
  OnlineMemberCountResponse,
  UpdateGroupProfile,
} from '$lib/types';
import { TYPES } from './constants';
import { ERROR_CODE } from './errors';
import type { ImResponse, TimCore } from './core';

/** `createGroup` options (TIM's): only `name` is required; `type` defaults to `TIM.TYPES.GRP_WORK`. */
export type CreateGroupOptions = Partial<CreateGroup> & Pick<CreateGroup, 'name'>;

/** `getGroupMemberList` options: `count` defaults to 15, `offset` to 0. */
export interface GroupMemberListOptions {
  groupID: string;
  count?: number;
  offset?: MemberListOffset;
  /** AVChatRoom only: the joiners carrying this mark. */
  filter?: number;
}

/**
 * `handleGroupApplication` options: the request as an item of
 * `getGroupApplicationList` (`application`), or the join-request group
 * system notice (`message`).
 */
export interface HandleGroupApplicationOptions {
  handleAction: HandleAction;
  handleMessage?: string;
  application?: GroupApplication;
  message?: Message;
}

/** The request a join-request notice stands for (its group and applicant). */
function applicationOf(message: Message): GroupApplication {
  const payload = message.payload as { groupProfile?: { groupID?: string; name?: string }; operatorID?: string; handleMessage?: string };
  return {
    applicant: payload.operatorID ?? '',
    applicantNick: '',
    groupID: payload.groupProfile?.groupID ?? '',
    groupName: payload.groupProfile?.name ?? '',
    applicationType: 0,
    userID: '',
    note: payload.handleMessage ?? '',
    time: message.time,
  };
}

/** The group methods over `core`. */
export function groupApi(core: TimCore) {
  return {
    createGroup(options: CreateGroupOptions): Promise<ImResponse<CreateGroupResponse>> {
      return core.tim('tim.createGroup', {
        type: TYPES.GRP_WORK,
        introduction: '',
        notification: '',
        avatar: '',
        isSupportTopic: false,
        ...options,
      });
    },

    /** The caller's groups (never AVChatRooms). */
    getGroupList(options: { groupProfileFilter?: string[] } = {}): Promise<ImResponse<GetGroupListResponse>> {
      return core.tim('tim.getGroupList', options);
    },

    getGroupProfile(options: { groupID: string; groupCustomFieldFilter?: string[] }): Promise<ImResponse<GroupResponse>> {
      return core.tim('tim.getGroupProfile', options);
    },

    dismissGroup(groupID: string): Promise<ImResponse<GroupIdResponse>> {
      return core.tim('tim.dismissGroup', { groupID });
    },

    updateGroupProfile(options: UpdateGroupProfile): Promise<ImResponse<GroupResponse>> {
      return core.tim('tim.updateGroupProfile', options);
    },

    /** Resolves `{status}` (`TIM.TYPES.JOIN_STATUS_*`) and, when joined, `{group}`. */
    joinGroup(options: { groupID: string; applyMessage?: string }): Promise<ImResponse<JoinGroupResponse>> {
      return core.tim('tim.joinGroup', { applyMessage: '', ...options });
    },

    quitGroup(groupID: string): Promise<ImResponse<GroupIdResponse>> {
      return core.tim('tim.quitGroup', { groupID });
    },

    searchGroupByID(groupID: string): Promise<ImResponse<GroupResponse>> {
      return core.tim('tim.searchGroupByID', { groupID });
    },

    addGroupMember(options: { groupID: string; userIDList: string[] }): Promise<ImResponse<AddGroupMemberResponse>> {
      return core.tim('tim.addGroupMember', options);
    },

    deleteGroupMember(options: {
      groupID: string;
      userIDList: string[];
      reason?: string;
      duration?: number;
    }): Promise<ImResponse<DeleteGroupMemberResponse>> {
      return core.tim('tim.deleteGroupMember', { reason: '', duration: 0, ...options });
    },

    getGroupMemberList(options: GroupMemberListOptions): Promise<ImResponse<GetGroupMemberListResponse>> {
      return core.tim('tim.getGroupMemberList', { count: 15, offset: 0, ...options });
    },

    getGroupMemberProfile(options: {
      groupID: string;
      userIDList: string[];
      memberCustomFieldFilter?: string[];
    }): Promise<ImResponse<MemberListResponse>> {
      return core.tim('tim.getGroupMemberProfile', options);
    },

    changeGroupOwner(options: { groupID: string; newOwnerID: string }): Promise<ImResponse<GroupResponse>> {
      return core.tim('tim.changeGroupOwner', options);
    },

    setGroupMemberRole(options: { groupID: string; userID: string; role: MemberRole }): Promise<ImResponse<GroupMemberResponse>> {
      return core.tim('tim.setGroupMemberRole', options);
    },

    setGroupMemberMuteTime(options: { groupID: string; userID: string; muteTime: number }): Promise<ImResponse<GroupMemberResponse>> {
      return core.tim('tim.setGroupMemberMuteTime', options);
    },

    setGroupMemberNameCard(options: { groupID: string; userID?: string; nameCard: string }): Promise<ImResponse<GroupMemberResponse>> {
      return core.tim('tim.setGroupMemberNameCard', options);
    },

    getGroupApplicationList(): Promise<ImResponse<GetGroupApplicationListResponse>> {
      return core.tim('tim.getGroupApplicationList', {});
    },

    handleGroupApplication(options: HandleGroupApplicationOptions): Promise<ImResponse<GroupResponse>> {
      const application = options.application ?? (options.message ? applicationOf(options.message) : undefined);
      if (!application) {
        // As the command set answers arguments it cannot parse.
        return Promise.reject({ code: ERROR_CODE.INVALID_OPERATION, message: 'handleGroupApplication needs application or message' });
      }
      return core.tim('tim.handleGroupApplication', {
        handleAction: options.handleAction,
        handleMessage: options.handleMessage ?? '',
        application,
      });
    },

    getGroupOnlineMemberCount(groupID: string): Promise<ImResponse<OnlineMemberCountResponse>> {
      return core.tim('tim.getGroupOnlineMemberCount', { groupID });
    },

    initGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<ImResponse<GroupAttributesResponse>> {
      return core.tim('tim.initGroupAttributes', options);
    },

    setGroupAttributes(options: { groupID: string; groupAttributes: Record<string, string> }): Promise<ImResponse<GroupAttributesResponse>> {
      return core.tim('tim.setGroupAttributes', options);
    },

    deleteGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<ImResponse<KeyListResponse>> {
      return core.tim('tim.deleteGroupAttributes', { keyList: [], ...options });
    },

    getGroupAttributes(options: { groupID: string; keyList?: string[] }): Promise<ImResponse<GroupAttributesResponse>> {
      return core.tim('tim.getGroupAttributes', { keyList: [], ...options });
    },

    setGroupCounters(options: { groupID: string; counters: Record<string, number> }): Promise<ImResponse<GroupCountersResponse>> {
      return core.tim('tim.setGroupCounters', options);
    },

    increaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<ImResponse<GroupCounterResponse>> {
      return core.tim('tim.increaseGroupCounter', options);
    },

    decreaseGroupCounter(options: { groupID: string; key: string; value: number }): Promise<ImResponse<GroupCounterResponse>> {
      return core.tim('tim.decreaseGroupCounter', options);
    },

    getGroupCounters(options: { groupID: string; keyList?: string[] }): Promise<ImResponse<GroupCountersResponse>> {
      return core.tim('tim.getGroupCounters', options);
    },

    setGroupMemberCustomField(options: {
      groupID: string;
      userID?: string;
      memberCustomField: GroupCustomField[];
    }): Promise<ImResponse<GroupMemberResponse>> {
      return core.tim('tim.setGroupMemberCustomField', options);
    },

    markGroupMemberList(options: {
      groupID: string;
      userIDList: string[];
      markType: number;
      enableMark: boolean;
    }): Promise<ImResponse<MarkGroupMemberListResponse>> {
      return core.tim('tim.markGroupMemberList', options);
    },
  };
}

/** The group methods of `Tim`. */
export type GroupApi = ReturnType<typeof groupApi>;
