// Generated from the Rust types by crates/app (ts-rs). Do not edit:
// regenerate with `UPDATE_TS=1 cargo test -p confab-app --test generated_ts`.
import type { AcceptFriendApplication } from "./AcceptFriendApplication";
import type { AddConversationsToGroup } from "./AddConversationsToGroup";
import type { AddFriend } from "./AddFriend";
import type { AddFriendResponse } from "./AddFriendResponse";
import type { AddGroupMember } from "./AddGroupMember";
import type { AddGroupMemberResponse } from "./AddGroupMemberResponse";
import type { AddToFriendGroup } from "./AddToFriendGroup";
import type { AppState } from "./AppState";
import type { AvatarUrl } from "./AvatarUrl";
import type { ChangeGroupOwner } from "./ChangeGroupOwner";
import type { ChangePasswordArgs } from "./ChangePasswordArgs";
import type { CheckFriend } from "./CheckFriend";
import type { CheckFriendResponse } from "./CheckFriendResponse";
import type { ChooseServerArgs } from "./ChooseServerArgs";
import type { ConversationArgs } from "./ConversationArgs";
import type { ConversationGroupNameResponse } from "./ConversationGroupNameResponse";
import type { ConversationIdResponse } from "./ConversationIdResponse";
import type { ConversationListResult } from "./ConversationListResult";
import type { ConversationProfileResult } from "./ConversationProfileResult";
import type { ConversationResultResponse } from "./ConversationResultResponse";
import type { CreateConversationGroup } from "./CreateConversationGroup";
import type { CreateFriendGroup } from "./CreateFriendGroup";
import type { CreateGroup } from "./CreateGroup";
import type { CreateGroupResponse } from "./CreateGroupResponse";
import type { CreateMessageArgs } from "./CreateMessageArgs";
import type { CreateTopicInCommunity } from "./CreateTopicInCommunity";
import type { CredentialsArgs } from "./CredentialsArgs";
import type { DecreaseGroupCounter } from "./DecreaseGroupCounter";
import type { DeleteConversationArgs } from "./DeleteConversationArgs";
import type { DeleteConversationGroup } from "./DeleteConversationGroup";
import type { DeleteConversationResult } from "./DeleteConversationResult";
import type { DeleteConversationsFromGroup } from "./DeleteConversationsFromGroup";
import type { DeleteFriend } from "./DeleteFriend";
import type { DeleteFriendApplication } from "./DeleteFriendApplication";
import type { DeleteFriendGroup } from "./DeleteFriendGroup";
import type { DeleteGroupAttributes } from "./DeleteGroupAttributes";
import type { DeleteGroupMember } from "./DeleteGroupMember";
import type { DeleteGroupMemberResponse } from "./DeleteGroupMemberResponse";
import type { DeleteMessageExtensionsArgs } from "./DeleteMessageExtensionsArgs";
import type { DeleteTopicFromCommunity } from "./DeleteTopicFromCommunity";
import type { DeleteTopicResponse } from "./DeleteTopicResponse";
import type { DismissGroup } from "./DismissGroup";
import type { DownloadAvatarArgs } from "./DownloadAvatarArgs";
import type { DownloadFileArgs } from "./DownloadFileArgs";
import type { DownloadFileResult } from "./DownloadFileResult";
import type { Empty } from "./Empty";
import type { ExportConversationArgs } from "./ExportConversationArgs";
import type { ExportedFile } from "./ExportedFile";
import type { ExtensionListResponse } from "./ExtensionListResponse";
import type { ExtensionResultResponse } from "./ExtensionResultResponse";
import type { FileSource } from "./FileSource";
import type { FindMessageArgs } from "./FindMessageArgs";
import type { Friend } from "./Friend";
import type { FriendApplicationList } from "./FriendApplicationList";
import type { FriendGroup } from "./FriendGroup";
import type { FriendGroupChange } from "./FriendGroupChange";
import type { FriendProfileResponse } from "./FriendProfileResponse";
import type { FriendResultResponse } from "./FriendResultResponse";
import type { GetConversationListArgs } from "./GetConversationListArgs";
import type { GetFriendProfile } from "./GetFriendProfile";
import type { GetGroupApplicationListResponse } from "./GetGroupApplicationListResponse";
import type { GetGroupAttributes } from "./GetGroupAttributes";
import type { GetGroupCounters } from "./GetGroupCounters";
import type { GetGroupList } from "./GetGroupList";
import type { GetGroupListResponse } from "./GetGroupListResponse";
import type { GetGroupMemberList } from "./GetGroupMemberList";
import type { GetGroupMemberListResponse } from "./GetGroupMemberListResponse";
import type { GetGroupMemberProfile } from "./GetGroupMemberProfile";
import type { GetGroupOnlineMemberCount } from "./GetGroupOnlineMemberCount";
import type { GetGroupProfile } from "./GetGroupProfile";
import type { GetMessageListArgs } from "./GetMessageListArgs";
import type { GetMessageListHoppingOptions } from "./GetMessageListHoppingOptions";
import type { GetTopicList } from "./GetTopicList";
import type { GetUserProfileArgs } from "./GetUserProfileArgs";
import type { GroupAttributesResponse } from "./GroupAttributesResponse";
import type { GroupCounterResponse } from "./GroupCounterResponse";
import type { GroupCountersResponse } from "./GroupCountersResponse";
import type { GroupIdResponse } from "./GroupIdResponse";
import type { GroupMemberResponse } from "./GroupMemberResponse";
import type { GroupResponse } from "./GroupResponse";
import type { HandleGroupApplication } from "./HandleGroupApplication";
import type { HoppingPage } from "./HoppingPage";
import type { IncreaseGroupCounter } from "./IncreaseGroupCounter";
import type { InitGroupAttributes } from "./InitGroupAttributes";
import type { JoinGroup } from "./JoinGroup";
import type { JoinGroupResponse } from "./JoinGroupResponse";
import type { KeyListResponse } from "./KeyListResponse";
import type { LocalFileUrl } from "./LocalFileUrl";
import type { LocalMessagesArgs } from "./LocalMessagesArgs";
import type { MarkConversation } from "./MarkConversation";
import type { MarkGroupMemberList } from "./MarkGroupMemberList";
import type { MarkGroupMemberListResponse } from "./MarkGroupMemberListResponse";
import type { MaybePath } from "./MaybePath";
import type { MemberListResponse } from "./MemberListResponse";
import type { MergerMessagePayload } from "./MergerMessagePayload";
import type { Message } from "./Message";
import type { MessageArgs } from "./MessageArgs";
import type { MessageListArgs } from "./MessageListArgs";
import type { MessageListPage } from "./MessageListPage";
import type { MessageResult } from "./MessageResult";
import type { NotifyArgs } from "./NotifyArgs";
import type { OnlineMemberCountResponse } from "./OnlineMemberCountResponse";
import type { OptionalUserIdListArgs } from "./OptionalUserIdListArgs";
import type { PathArgs } from "./PathArgs";
import type { PickFilesArgs } from "./PickFilesArgs";
import type { PickFilesResult } from "./PickFilesResult";
import type { PinConversationArgs } from "./PinConversationArgs";
import type { Profile } from "./Profile";
import type { ProfilePatch } from "./ProfilePatch";
import type { QuitGroup } from "./QuitGroup";
import type { ReadMemberListArgs } from "./ReadMemberListArgs";
import type { ReadMemberListResponse } from "./ReadMemberListResponse";
import type { RefuseFriendApplication } from "./RefuseFriendApplication";
import type { RegisterPluginArgs } from "./RegisterPluginArgs";
import type { RemindTypeResponse } from "./RemindTypeResponse";
import type { RemoveFromFriendGroup } from "./RemoveFromFriendGroup";
import type { RenameConversationGroup } from "./RenameConversationGroup";
import type { RenameFriendGroup } from "./RenameFriendGroup";
import type { ResendMessageArgs } from "./ResendMessageArgs";
import type { SaveFileAsArgs } from "./SaveFileAsArgs";
import type { SearchGroupByID } from "./SearchGroupByID";
import type { SearchLocalMessagesOptions } from "./SearchLocalMessagesOptions";
import type { SearchResult } from "./SearchResult";
import type { SendMessageArgs } from "./SendMessageArgs";
import type { SendResult } from "./SendResult";
import type { SetAllMessageRead } from "./SetAllMessageRead";
import type { SetConversationCustomData } from "./SetConversationCustomData";
import type { SetGroupAttributes } from "./SetGroupAttributes";
import type { SetGroupCounters } from "./SetGroupCounters";
import type { SetGroupMemberCustomField } from "./SetGroupMemberCustomField";
import type { SetGroupMemberMuteTime } from "./SetGroupMemberMuteTime";
import type { SetGroupMemberNameCard } from "./SetGroupMemberNameCard";
import type { SetGroupMemberRole } from "./SetGroupMemberRole";
import type { SetMessageExtensionsArgs } from "./SetMessageExtensionsArgs";
import type { SetMessageRemindType } from "./SetMessageRemindType";
import type { SetSelfStatusArgs } from "./SetSelfStatusArgs";
import type { SetUnreadBadgeArgs } from "./SetUnreadBadgeArgs";
import type { StagedFile } from "./StagedFile";
import type { StatusFailures } from "./StatusFailures";
import type { SwitchAccountArgs } from "./SwitchAccountArgs";
import type { TopicIdResponse } from "./TopicIdResponse";
import type { TopicList } from "./TopicList";
import type { TranslateText } from "./TranslateText";
import type { TranslateTextResponse } from "./TranslateTextResponse";
import type { UpdateFriend } from "./UpdateFriend";
import type { UpdateGroupProfile } from "./UpdateGroupProfile";
import type { UpdateTopicProfile } from "./UpdateTopicProfile";
import type { UpdatedTopic } from "./UpdatedTopic";
import type { UserIdListArgs } from "./UserIdListArgs";
import type { UserResult } from "./UserResult";
import type { UserSigLoginArgs } from "./UserSigLoginArgs";
import type { UserStatus } from "./UserStatus";
import type { UserStatusResponse } from "./UserStatusResponse";
import type { WriteStagedFileArgs } from "./WriteStagedFileArgs";

/** Every command name (docs/app-commands.md). */
export const COMMANDS = [
  "app.getState",
  "app.chooseServer",
  "app.register",
  "app.login",
  "app.resume",
  "app.logout",
  "app.changePassword",
  "app.signOutEverywhere",
  "app.addAccount",
  "app.switchAccount",
  "app.notify",
  "app.setUnreadBadge",
  "app.pickFiles",
  "app.openFile",
  "app.revealFile",
  "app.saveFileAs",
  "app.pasteImage",
  "app.localFileUrl",
  "app.writeStagedFile",
  "tim.login",
  "tim.logout",
  "tim.getConversationList",
  "tim.getConversationProfile",
  "tim.deleteConversation",
  "tim.getMessageList",
  "tim.sendMessage",
  "tim.resendMessage",
  "tim.setMessageRead",
  "tim.setAllMessageRead",
  "tim.clearHistoryMessage",
  "tim.translateText",
  "tim.registerPlugin",
  "tim.getTotalUnreadMessageCount",
  "tim.getMyProfile",
  "tim.getUserProfile",
  "tim.updateMyProfile",
  "tim.createImageMessage",
  "tim.createAudioMessage",
  "tim.createVideoMessage",
  "tim.createFileMessage",
  "tim.cancelUpload",
  "app.downloadFile",
  "tim.uploadAvatar",
  "app.exportConversation",
  "app.backupLocalStore",
  "app.restoreLocalStore",
  "app.downloadAvatar",
  "tim.createForwardMessage",
  "tim.createMergerMessage",
  "tim.downloadMergerMessage",
  "tim.revokeMessage",
  "tim.modifyMessage",
  "tim.deleteMessage",
  "tim.sendMessageReadReceipt",
  "tim.getMessageReadReceiptList",
  "tim.getGroupMessageReadMemberList",
  "tim.setMessageExtensions",
  "tim.getMessageExtensions",
  "tim.deleteMessageExtensions",
  "tim.findMessage",
  "tim.getLocalMessages",
  "tim.getMessageListHopping",
  "tim.searchLocalMessages",
  "tim.createGroup",
  "tim.getGroupList",
  "tim.getGroupProfile",
  "tim.dismissGroup",
  "tim.updateGroupProfile",
  "tim.joinGroup",
  "tim.quitGroup",
  "tim.searchGroupByID",
  "tim.addGroupMember",
  "tim.deleteGroupMember",
  "tim.getGroupMemberList",
  "tim.getGroupMemberProfile",
  "tim.changeGroupOwner",
  "tim.setGroupMemberRole",
  "tim.setGroupMemberMuteTime",
  "tim.setGroupMemberNameCard",
  "tim.getGroupApplicationList",
  "tim.handleGroupApplication",
  "tim.getGroupOnlineMemberCount",
  "tim.initGroupAttributes",
  "tim.setGroupAttributes",
  "tim.deleteGroupAttributes",
  "tim.getGroupAttributes",
  "tim.setGroupCounters",
  "tim.increaseGroupCounter",
  "tim.decreaseGroupCounter",
  "tim.getGroupCounters",
  "tim.setGroupMemberCustomField",
  "tim.markGroupMemberList",
  "tim.getJoinedCommunityList",
  "tim.createTopicInCommunity",
  "tim.deleteTopicFromCommunity",
  "tim.updateTopicProfile",
  "tim.getTopicList",
  "tim.getBlacklist",
  "tim.addToBlacklist",
  "tim.removeFromBlacklist",
  "tim.getFriendList",
  "tim.addFriend",
  "tim.deleteFriend",
  "tim.checkFriend",
  "tim.getFriendProfile",
  "tim.updateFriend",
  "tim.getFriendApplicationList",
  "tim.acceptFriendApplication",
  "tim.refuseFriendApplication",
  "tim.deleteFriendApplication",
  "tim.setFriendApplicationRead",
  "tim.getFriendGroupList",
  "tim.createFriendGroup",
  "tim.deleteFriendGroup",
  "tim.addToFriendGroup",
  "tim.removeFromFriendGroup",
  "tim.renameFriendGroup",
  "tim.pinConversation",
  "tim.setMessageRemindType",
  "tim.markConversation",
  "tim.setConversationCustomData",
  "tim.getConversationGroupList",
  "tim.createConversationGroup",
  "tim.deleteConversationGroup",
  "tim.renameConversationGroup",
  "tim.addConversationsToGroup",
  "tim.deleteConversationsFromGroup",
  "tim.setSelfStatus",
  "tim.getUserStatus",
  "tim.subscribeUserStatus",
  "tim.unsubscribeUserStatus",
] as const;

/** A command name. */
export type CommandName = (typeof COMMANDS)[number];

/** Each command's arguments and result. */
export type CommandMap = {
  "app.getState": { args: Empty; result: AppState };
  "app.chooseServer": { args: ChooseServerArgs; result: AppState };
  "app.register": { args: CredentialsArgs; result: AppState };
  "app.login": { args: CredentialsArgs; result: AppState };
  "app.resume": { args: Empty; result: AppState };
  "app.logout": { args: Empty; result: AppState };
  "app.changePassword": { args: ChangePasswordArgs; result: Empty };
  "app.signOutEverywhere": { args: Empty; result: AppState };
  "app.addAccount": { args: Empty; result: AppState };
  "app.switchAccount": { args: SwitchAccountArgs; result: AppState };
  "app.notify": { args: NotifyArgs; result: Empty };
  "app.setUnreadBadge": { args: SetUnreadBadgeArgs; result: Empty };
  "app.pickFiles": { args: PickFilesArgs; result: PickFilesResult };
  "app.openFile": { args: PathArgs; result: Empty };
  "app.revealFile": { args: PathArgs; result: Empty };
  "app.saveFileAs": { args: SaveFileAsArgs; result: MaybePath };
  "app.pasteImage": { args: Empty; result: MaybePath };
  "app.localFileUrl": { args: PathArgs; result: LocalFileUrl };
  "app.writeStagedFile": { args: WriteStagedFileArgs; result: StagedFile };
  "tim.login": { args: UserSigLoginArgs; result: AppState };
  "tim.logout": { args: Empty; result: AppState };
  "tim.getConversationList": { args: GetConversationListArgs; result: ConversationListResult };
  "tim.getConversationProfile": { args: ConversationArgs; result: ConversationProfileResult };
  "tim.deleteConversation": { args: DeleteConversationArgs; result: DeleteConversationResult };
  "tim.getMessageList": { args: GetMessageListArgs; result: MessageListPage };
  "tim.sendMessage": { args: SendMessageArgs; result: SendResult };
  "tim.resendMessage": { args: ResendMessageArgs; result: SendResult };
  "tim.setMessageRead": { args: ConversationArgs; result: Empty };
  "tim.setAllMessageRead": { args: SetAllMessageRead; result: Empty };
  "tim.clearHistoryMessage": { args: ConversationArgs; result: Empty };
  "tim.translateText": { args: TranslateText; result: TranslateTextResponse };
  "tim.registerPlugin": { args: RegisterPluginArgs; result: Empty };
  "tim.getTotalUnreadMessageCount": { args: Empty; result: number };
  "tim.getMyProfile": { args: Empty; result: Profile };
  "tim.getUserProfile": { args: GetUserProfileArgs; result: Array<Profile> };
  "tim.updateMyProfile": { args: ProfilePatch; result: Profile };
  "tim.createImageMessage": { args: CreateMessageArgs<FileSource>; result: Message };
  "tim.createAudioMessage": { args: CreateMessageArgs<FileSource>; result: Message };
  "tim.createVideoMessage": { args: CreateMessageArgs<FileSource>; result: Message };
  "tim.createFileMessage": { args: CreateMessageArgs<FileSource>; result: Message };
  "tim.cancelUpload": { args: MessageArgs; result: Empty };
  "app.downloadFile": { args: DownloadFileArgs; result: DownloadFileResult };
  "tim.uploadAvatar": { args: PathArgs; result: AvatarUrl };
  "app.exportConversation": { args: ExportConversationArgs; result: ExportedFile };
  "app.backupLocalStore": { args: Empty; result: ExportedFile };
  "app.restoreLocalStore": { args: PathArgs; result: Empty };
  "app.downloadAvatar": { args: DownloadAvatarArgs; result: DownloadFileResult };
  "tim.createForwardMessage": { args: CreateMessageArgs<Message>; result: Message };
  "tim.createMergerMessage": { args: CreateMessageArgs<MergerMessagePayload>; result: Message };
  "tim.downloadMergerMessage": { args: MessageArgs; result: Message };
  "tim.revokeMessage": { args: MessageArgs; result: MessageResult };
  "tim.modifyMessage": { args: MessageArgs; result: MessageResult };
  "tim.deleteMessage": { args: MessageListArgs; result: MessageListArgs };
  "tim.sendMessageReadReceipt": { args: MessageListArgs; result: Empty };
  "tim.getMessageReadReceiptList": { args: MessageListArgs; result: MessageListArgs };
  "tim.getGroupMessageReadMemberList": { args: ReadMemberListArgs; result: ReadMemberListResponse };
  "tim.setMessageExtensions": { args: SetMessageExtensionsArgs; result: ExtensionResultResponse };
  "tim.getMessageExtensions": { args: MessageArgs; result: ExtensionListResponse };
  "tim.deleteMessageExtensions": { args: DeleteMessageExtensionsArgs; result: ExtensionResultResponse };
  "tim.findMessage": { args: FindMessageArgs; result: Message | null };
  "tim.getLocalMessages": { args: LocalMessagesArgs; result: Array<Message> };
  "tim.getMessageListHopping": { args: GetMessageListHoppingOptions; result: HoppingPage };
  "tim.searchLocalMessages": { args: SearchLocalMessagesOptions; result: SearchResult };
  "tim.createGroup": { args: CreateGroup; result: CreateGroupResponse };
  "tim.getGroupList": { args: GetGroupList; result: GetGroupListResponse };
  "tim.getGroupProfile": { args: GetGroupProfile; result: GroupResponse };
  "tim.dismissGroup": { args: DismissGroup; result: GroupIdResponse };
  "tim.updateGroupProfile": { args: UpdateGroupProfile; result: GroupResponse };
  "tim.joinGroup": { args: JoinGroup; result: JoinGroupResponse };
  "tim.quitGroup": { args: QuitGroup; result: GroupIdResponse };
  "tim.searchGroupByID": { args: SearchGroupByID; result: GroupResponse };
  "tim.addGroupMember": { args: AddGroupMember; result: AddGroupMemberResponse };
  "tim.deleteGroupMember": { args: DeleteGroupMember; result: DeleteGroupMemberResponse };
  "tim.getGroupMemberList": { args: GetGroupMemberList; result: GetGroupMemberListResponse };
  "tim.getGroupMemberProfile": { args: GetGroupMemberProfile; result: MemberListResponse };
  "tim.changeGroupOwner": { args: ChangeGroupOwner; result: GroupResponse };
  "tim.setGroupMemberRole": { args: SetGroupMemberRole; result: GroupMemberResponse };
  "tim.setGroupMemberMuteTime": { args: SetGroupMemberMuteTime; result: GroupMemberResponse };
  "tim.setGroupMemberNameCard": { args: SetGroupMemberNameCard; result: GroupMemberResponse };
  "tim.getGroupApplicationList": { args: Empty; result: GetGroupApplicationListResponse };
  "tim.handleGroupApplication": { args: HandleGroupApplication; result: GroupResponse };
  "tim.getGroupOnlineMemberCount": { args: GetGroupOnlineMemberCount; result: OnlineMemberCountResponse };
  "tim.initGroupAttributes": { args: InitGroupAttributes; result: GroupAttributesResponse };
  "tim.setGroupAttributes": { args: SetGroupAttributes; result: GroupAttributesResponse };
  "tim.deleteGroupAttributes": { args: DeleteGroupAttributes; result: KeyListResponse };
  "tim.getGroupAttributes": { args: GetGroupAttributes; result: GroupAttributesResponse };
  "tim.setGroupCounters": { args: SetGroupCounters; result: GroupCountersResponse };
  "tim.increaseGroupCounter": { args: IncreaseGroupCounter; result: GroupCounterResponse };
  "tim.decreaseGroupCounter": { args: DecreaseGroupCounter; result: GroupCounterResponse };
  "tim.getGroupCounters": { args: GetGroupCounters; result: GroupCountersResponse };
  "tim.setGroupMemberCustomField": { args: SetGroupMemberCustomField; result: GroupMemberResponse };
  "tim.markGroupMemberList": { args: MarkGroupMemberList; result: MarkGroupMemberListResponse };
  "tim.getJoinedCommunityList": { args: Empty; result: GetGroupListResponse };
  "tim.createTopicInCommunity": { args: CreateTopicInCommunity; result: TopicIdResponse };
  "tim.deleteTopicFromCommunity": { args: DeleteTopicFromCommunity; result: DeleteTopicResponse };
  "tim.updateTopicProfile": { args: UpdateTopicProfile; result: UpdatedTopic };
  "tim.getTopicList": { args: GetTopicList; result: TopicList };
  "tim.getBlacklist": { args: Empty; result: Array<string> };
  "tim.addToBlacklist": { args: UserIdListArgs; result: Array<string> };
  "tim.removeFromBlacklist": { args: UserIdListArgs; result: Array<string> };
  "tim.getFriendList": { args: Empty; result: Array<Friend> };
  "tim.addFriend": { args: AddFriend; result: AddFriendResponse };
  "tim.deleteFriend": { args: DeleteFriend; result: FriendResultResponse };
  "tim.checkFriend": { args: CheckFriend; result: CheckFriendResponse };
  "tim.getFriendProfile": { args: GetFriendProfile; result: FriendProfileResponse };
  "tim.updateFriend": { args: UpdateFriend; result: Friend };
  "tim.getFriendApplicationList": { args: Empty; result: FriendApplicationList };
  "tim.acceptFriendApplication": { args: AcceptFriendApplication; result: UserResult };
  "tim.refuseFriendApplication": { args: RefuseFriendApplication; result: UserResult };
  "tim.deleteFriendApplication": { args: DeleteFriendApplication; result: UserResult };
  "tim.setFriendApplicationRead": { args: Empty; result: Empty };
  "tim.getFriendGroupList": { args: Empty; result: Array<FriendGroup> };
  "tim.createFriendGroup": { args: CreateFriendGroup; result: FriendGroupChange };
  "tim.deleteFriendGroup": { args: DeleteFriendGroup; result: FriendGroup };
  "tim.addToFriendGroup": { args: AddToFriendGroup; result: FriendGroupChange };
  "tim.removeFromFriendGroup": { args: RemoveFromFriendGroup; result: FriendGroupChange };
  "tim.renameFriendGroup": { args: RenameFriendGroup; result: FriendGroup };
  "tim.pinConversation": { args: PinConversationArgs; result: ConversationIdResponse };
  "tim.setMessageRemindType": { args: SetMessageRemindType; result: RemindTypeResponse };
  "tim.markConversation": { args: MarkConversation; result: ConversationResultResponse };
  "tim.setConversationCustomData": { args: SetConversationCustomData; result: ConversationResultResponse };
  "tim.getConversationGroupList": { args: Empty; result: Array<string> };
  "tim.createConversationGroup": { args: CreateConversationGroup; result: ConversationResultResponse };
  "tim.deleteConversationGroup": { args: DeleteConversationGroup; result: ConversationGroupNameResponse };
  "tim.renameConversationGroup": { args: RenameConversationGroup; result: ConversationGroupNameResponse };
  "tim.addConversationsToGroup": { args: AddConversationsToGroup; result: ConversationResultResponse };
  "tim.deleteConversationsFromGroup": { args: DeleteConversationsFromGroup; result: ConversationResultResponse };
  "tim.setSelfStatus": { args: SetSelfStatusArgs; result: UserStatus };
  "tim.getUserStatus": { args: UserIdListArgs; result: UserStatusResponse };
  "tim.subscribeUserStatus": { args: UserIdListArgs; result: StatusFailures };
  "tim.unsubscribeUserStatus": { args: OptionalUserIdListArgs; result: StatusFailures };
};

/** The arguments of command `C`. */
export type CommandArgs<C extends CommandName> = CommandMap[C]["args"];

/** The result of command `C`. */
export type CommandResult<C extends CommandName> = CommandMap[C]["result"];
