// The ONE place the UI imports the boundary types from: the ts-rs output
// in ../generated/ (never edited by hand).
export type {
  AppEvent,
  AppState,
  ChangePasswordArgs,
  ChooseServerArgs,
  CommandArgs,
  CommandMap,
  CommandName,
  CommandResult,
  Conversation,
  ConversationListResult,
  ConversationProfileResult,
  ConversationType,
  CreateMessageArgs,
  CredentialsArgs,
  DeleteConversationArgs,
  DeleteConversationResult,
  DownloadFileResult,
  Empty,
  ErrorBody,
  FileSource,
  GetMessageListArgs,
  GetMessageListHoppingOptions,
  HoppingPage,
  LastMessage,
  LocalFileUrl,
  MaybePath,
  MergerMessagePayload,
  Message,
  MessageFlow,
  MessageListArgs,
  MessageListPage,
  MessageResult,
  MessageStatus,
  Mode as AppMode,
  NetState,
  NotifyArgs,
  PickFilesResult,
  FileKind,
  Priority,
  Profile,
  ProfilePatch,
  Rendition,
  SendOptions,
  SendResult,
  StagedFile,
  // Groups (the wire types of confab_proto::group).
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
  GroupMember,
  GroupMemberResponse,
  GroupProfile,
  GroupResponse,
  GroupSelfInfo,
  GroupType,
  HandleAction,
  InviteOption,
  JoinGroupResponse,
  JoinOption,
  JoinStatus,
  KeyListResponse,
  MarkGroupMemberListResponse,
  MemberListOffset,
  MemberListResponse,
  MemberRole,
  NewGroupMember,
  OnlineMemberCountResponse,
  UpdateGroupProfile,
} from '../generated';
export { COMMANDS } from '../generated';

/** The kinds of file the composer's pickers offer (`app.pickFiles`). */
export type PickKind = Extract<import('../generated').FileKind, 'image' | 'video' | 'file'>;

import type { ErrorBody } from '../generated';

/** TIM's imError: `{code, message}` (ErrorBody) plus `data` for a failed send. */
export type ImError = ErrorBody;

/** `{name, data}`: every event on the channel (AppEvent, loosely typed for routing). */
export interface BackendEvent {
  name: string;
  data?: unknown;
}
