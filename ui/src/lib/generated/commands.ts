// Generated from the Rust types by crates/app (ts-rs). Do not edit:
// regenerate with `UPDATE_TS=1 cargo test -p confab-app --test generated_ts`.
import type { AppState } from "./AppState";
import type { ChangePasswordArgs } from "./ChangePasswordArgs";
import type { ChooseServerArgs } from "./ChooseServerArgs";
import type { ConversationArgs } from "./ConversationArgs";
import type { ConversationListResult } from "./ConversationListResult";
import type { ConversationProfileResult } from "./ConversationProfileResult";
import type { CreateMessageArgs } from "./CreateMessageArgs";
import type { CredentialsArgs } from "./CredentialsArgs";
import type { DeleteConversationArgs } from "./DeleteConversationArgs";
import type { DeleteConversationResult } from "./DeleteConversationResult";
import type { DownloadFileArgs } from "./DownloadFileArgs";
import type { DownloadFileResult } from "./DownloadFileResult";
import type { Empty } from "./Empty";
import type { FileSource } from "./FileSource";
import type { FindMessageArgs } from "./FindMessageArgs";
import type { GetConversationListArgs } from "./GetConversationListArgs";
import type { GetMessageListArgs } from "./GetMessageListArgs";
import type { GetMessageListHoppingOptions } from "./GetMessageListHoppingOptions";
import type { GetUserProfileArgs } from "./GetUserProfileArgs";
import type { HoppingPage } from "./HoppingPage";
import type { LocalFileUrl } from "./LocalFileUrl";
import type { LocalMessagesArgs } from "./LocalMessagesArgs";
import type { MaybePath } from "./MaybePath";
import type { MergerMessagePayload } from "./MergerMessagePayload";
import type { Message } from "./Message";
import type { MessageArgs } from "./MessageArgs";
import type { MessageListArgs } from "./MessageListArgs";
import type { MessageListPage } from "./MessageListPage";
import type { MessageResult } from "./MessageResult";
import type { NotifyArgs } from "./NotifyArgs";
import type { PathArgs } from "./PathArgs";
import type { PickFilesArgs } from "./PickFilesArgs";
import type { PickFilesResult } from "./PickFilesResult";
import type { Profile } from "./Profile";
import type { ProfilePatch } from "./ProfilePatch";
import type { ResendMessageArgs } from "./ResendMessageArgs";
import type { SaveFileAsArgs } from "./SaveFileAsArgs";
import type { SendMessageArgs } from "./SendMessageArgs";
import type { SendResult } from "./SendResult";
import type { SetUnreadBadgeArgs } from "./SetUnreadBadgeArgs";
import type { StagedFile } from "./StagedFile";
import type { UserSigLoginArgs } from "./UserSigLoginArgs";
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
  "tim.createForwardMessage",
  "tim.createMergerMessage",
  "tim.downloadMergerMessage",
  "tim.revokeMessage",
  "tim.modifyMessage",
  "tim.deleteMessage",
  "tim.findMessage",
  "tim.getLocalMessages",
  "tim.getMessageListHopping",
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
  "tim.createForwardMessage": { args: CreateMessageArgs<Message>; result: Message };
  "tim.createMergerMessage": { args: CreateMessageArgs<MergerMessagePayload>; result: Message };
  "tim.downloadMergerMessage": { args: MessageArgs; result: Message };
  "tim.revokeMessage": { args: MessageArgs; result: MessageResult };
  "tim.modifyMessage": { args: MessageArgs; result: MessageResult };
  "tim.deleteMessage": { args: MessageListArgs; result: MessageListArgs };
  "tim.findMessage": { args: FindMessageArgs; result: Message | null };
  "tim.getLocalMessages": { args: LocalMessagesArgs; result: Array<Message> };
  "tim.getMessageListHopping": { args: GetMessageListHoppingOptions; result: HoppingPage };
};

/** The arguments of command `C`. */
export type CommandArgs<C extends CommandName> = CommandMap[C]["args"];

/** The result of command `C`. */
export type CommandResult<C extends CommandName> = CommandMap[C]["result"];
