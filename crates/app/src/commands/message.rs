//! The message commands (`tim.getMessageList`, `tim.sendMessage`,
//! `tim.resendMessage`, `tim.createForwardMessage`,
//! `tim.createMergerMessage`, `tim.downloadMergerMessage`,
//! `tim.revokeMessage`, `tim.modifyMessage`, `tim.deleteMessage`,
//! `tim.findMessage`, `tim.getLocalMessages`, `tim.getMessageListHopping`,
//! `tim.searchLocalMessages`): their argument and result types (TIM's option objects) and handlers, one SDK call each.

use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::message::{ConversationType, MessageControlInfo, Priority};
use confab_proto::ErrorBody;
use confab_sdk::{
    CreateMessageOptions, GetMessageListHoppingOptions, GetMessageListOptions, HoppingPage,
    MergerMessagePayload, Message, MessageListPage, SendMessageOptions, SendResult,
};
use serde::{Deserialize, Serialize};

/// `tim.getMessageList` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetMessageListArgs {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The previous page's `nextReqMessageID`; the newest page when absent.
    #[serde(rename = "nextReqMessageID", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_req_message_id: Option<String>,
}

/// `tim.sendMessage` options.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SendOptions {
    /// Deliver only to receivers online now (not stored, not queued).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub online_user_only: bool,
    /// Unread / last-message control.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message_control_info: Option<MessageControlInfo>,
    /// Fail at once (2800) instead of waiting in the outbox while
    /// disconnected (Confab extension; the message is kept as `fail`).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub fail_when_offline: bool,
}

/// `tim.sendMessage` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SendMessageArgs {
    /// The message, as built by the facade (`from` = the logged-in user).
    pub message: Message,
    /// Send options.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub options: Option<SendOptions>,
}

/// `tim.resendMessage` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResendMessageArgs {
    /// The failed message.
    pub message: Message,
}

/// Arguments of the `tim.create*Message` commands (TIM's MESSAGE_OPTIONS).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMessageArgs<P> {
    /// Receiver: userID (C2C) or groupID.
    pub to: String,
    /// `C2C` or `GROUP`.
    pub conversation_type: ConversationType,
    /// The element's payload.
    pub payload: P,
    /// Priority (default `Normal`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub priority: Option<Priority>,
    /// Stored and delivered with the message.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cloud_custom_data: Option<String>,
    /// Ask for read receipts.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub need_read_receipt: Option<bool>,
    /// Make the message extensible (TIM `isSupportExtension`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub is_support_extension: Option<bool>,
    /// A targeted group message's receivers (TIM `receiverList`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub receiver_list: Option<Vec<String>>,
    /// The creation time (seconds) of the message the facade already made
    /// and shows; with `random`, the SDK's message keeps its ID.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub time: Option<i64>,
    /// That message's `random` (see `time`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub random: Option<u64>,
}

impl<P> CreateMessageArgs<P> {
    /// The SDK's options, with the payload converted.
    pub fn into_options<Q>(self, payload: impl FnOnce(P) -> Q) -> CreateMessageOptions<Q> {
        CreateMessageOptions {
            to: self.to,
            conversation_type: self.conversation_type,
            payload: payload(self.payload),
            priority: self.priority.unwrap_or_default(),
            cloud_custom_data: self.cloud_custom_data.unwrap_or_default(),
            need_read_receipt: self.need_read_receipt.unwrap_or_default(),
            is_support_extension: self.is_support_extension.unwrap_or_default(),
            receiver_list: self.receiver_list.unwrap_or_default(),
            identity: self
                .time
                .zip(self.random)
                .map(|(time, random)| confab_sdk::MessageIdentity { time, random }),
        }
    }
}

/// Arguments carrying one message (`tim.revokeMessage`,
/// `tim.modifyMessage`, `tim.downloadMergerMessage`, `tim.cancelUpload`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageArgs {
    /// The message.
    pub message: Message,
}

/// `{message}`: the result of revoke and modify (TIM `imResponse.data`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageResult {
    /// The message after the operation.
    pub message: Message,
}

/// `tim.deleteMessage` arguments and result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageListArgs {
    /// At most 30 messages of one conversation (more: the first 30).
    #[serde(rename = "messageList")]
    pub message_list: Vec<Message>,
}

/// `tim.findMessage` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindMessageArgs {
    /// The message ID.
    #[serde(rename = "messageID")]
    pub message_id: String,
}

/// `tim.getLocalMessages` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalMessagesArgs {
    /// At most this many (the newest), capped at [`MAX_LOCAL_MESSAGES`].
    pub count: u32,
}

/// The most `tim.getLocalMessages` returns at once.
pub const MAX_LOCAL_MESSAGES: u32 = 5_000;

impl AppCore {
    pub(crate) async fn get_message_list(
        &self,
        args: GetMessageListArgs,
    ) -> Result<MessageListPage, ErrorBody> {
        let options = GetMessageListOptions {
            conversation_id: args.conversation_id,
            next_req_message_id: args.next_req_message_id,
        };
        self.tim()?.get_message_list(options).await.map_err(from_tim)
    }

    pub(crate) async fn send_message(
        &self,
        args: SendMessageArgs,
    ) -> Result<SendResult, ErrorBody> {
        let options = args.options.unwrap_or_default();
        let options = SendMessageOptions {
            online_user_only: options.online_user_only,
            message_control_info: options.message_control_info,
            fail_when_offline: options.fail_when_offline,
        };
        self.tim()?.send_message(&args.message, options).await.map_err(from_tim)
    }

    pub(crate) async fn resend_message(
        &self,
        args: ResendMessageArgs,
    ) -> Result<SendResult, ErrorBody> {
        self.tim()?.resend_message(&args.message).await.map_err(from_tim)
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn create_forward_message(
        &self,
        args: CreateMessageArgs<Message>,
    ) -> Result<Message, ErrorBody> {
        self.tim()?.create_forward_message(args.into_options(|m| m)).map_err(from_tim)
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn create_merger_message(
        &self,
        args: CreateMessageArgs<MergerMessagePayload>,
    ) -> Result<Message, ErrorBody> {
        self.tim()?.create_merger_message(args.into_options(|p| p)).map_err(from_tim)
    }

    pub(crate) async fn download_merger_message(
        &self,
        args: MessageArgs,
    ) -> Result<Message, ErrorBody> {
        self.tim()?.download_merger_message(&args.message).await.map_err(from_tim)
    }

    pub(crate) async fn revoke_message(
        &self,
        args: MessageArgs,
    ) -> Result<MessageResult, ErrorBody> {
        let message = self.tim()?.revoke_message(&args.message).await.map_err(from_tim)?;
        Ok(MessageResult { message })
    }

    pub(crate) async fn modify_message(
        &self,
        args: MessageArgs,
    ) -> Result<MessageResult, ErrorBody> {
        let message = self.tim()?.modify_message(&args.message).await.map_err(from_tim)?;
        Ok(MessageResult { message })
    }

    pub(crate) async fn delete_message(
        &self,
        args: MessageListArgs,
    ) -> Result<MessageListArgs, ErrorBody> {
        let message_list = self.tim()?.delete_message(args.message_list).await.map_err(from_tim)?;
        Ok(MessageListArgs { message_list })
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn find_message(
        &self,
        args: FindMessageArgs,
    ) -> Result<Option<Message>, ErrorBody> {
        Ok(self.tim()?.find_message(&args.message_id))
    }

    /// The newest messages of the local store (what `tim.findMessage`
    /// finds), for the facade's synchronous `findMessage`.
    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn get_local_messages(
        &self,
        args: LocalMessagesArgs,
    ) -> Result<Vec<Message>, ErrorBody> {
        let count = args.count.min(MAX_LOCAL_MESSAGES);
        Ok(self.tim()?.local_messages(usize::try_from(count).unwrap_or(usize::MAX)))
    }

    pub(crate) async fn get_message_list_hopping(
        &self,
        args: GetMessageListHoppingOptions,
    ) -> Result<HoppingPage, ErrorBody> {
        self.tim()?.get_message_list_hopping(args).await.map_err(from_tim)
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn search_local_messages(
        &self,
        args: confab_sdk::SearchLocalMessagesOptions,
    ) -> Result<confab_sdk::SearchResult, ErrorBody> {
        self.tim()?.search_local_messages(args).map_err(from_tim)
    }
}

/// `tim.getGroupMessageReadMemberList` arguments (TIM's).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadMemberListArgs {
    /// A group message that asked for read receipts.
    pub message: Message,
    /// `""` first, then the previous page's.
    #[serde(default)]
    pub cursor: String,
    /// 0: members who read it; 1: those who have not.
    pub filter: u8,
    /// Members per page, 1 to 100.
    pub count: u32,
}

impl AppCore {
    pub(crate) async fn send_message_read_receipt(
        &self,
        args: MessageListArgs,
    ) -> Result<crate::commands::Empty, ErrorBody> {
        self.tim()?.send_message_read_receipt(&args.message_list).await.map_err(from_tim)?;
        Ok(crate::commands::Empty {})
    }

    pub(crate) async fn get_message_read_receipt_list(
        &self,
        args: MessageListArgs,
    ) -> Result<MessageListArgs, ErrorBody> {
        let message_list = self
            .tim()?
            .get_message_read_receipt_list(&args.message_list)
            .await
            .map_err(from_tim)?;
        Ok(MessageListArgs { message_list })
    }

    pub(crate) async fn get_group_message_read_member_list(
        &self,
        args: ReadMemberListArgs,
    ) -> Result<confab_proto::receipt::ReadMemberListResponse, ErrorBody> {
        let options = confab_sdk::ReadMemberListOptions {
            message: args.message,
            cursor: args.cursor,
            filter: args.filter,
            count: args.count,
        };
        self.tim()?.get_group_message_read_member_list(options).await.map_err(from_tim)
    }
}

/// `tim.setMessageExtensions` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetMessageExtensionsArgs {
    /// An extensible, sent message.
    pub message: Message,
    /// `{key, value}` pairs (1 to 20).
    pub extensions: Vec<confab_proto::extension::MessageExtension>,
}

/// `tim.deleteMessageExtensions` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteMessageExtensionsArgs {
    /// An extensible, sent message.
    pub message: Message,
    /// The keys; absent: every extension.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub key_list: Option<Vec<String>>,
}

impl AppCore {
    pub(crate) async fn set_message_extensions(
        &self,
        args: SetMessageExtensionsArgs,
    ) -> Result<confab_proto::extension::ExtensionResultResponse, ErrorBody> {
        let extensions = self
            .tim()?
            .set_message_extensions(&args.message, args.extensions)
            .await
            .map_err(from_tim)?;
        Ok(confab_proto::extension::ExtensionResultResponse { extensions })
    }

    pub(crate) async fn get_message_extensions(
        &self,
        args: MessageArgs,
    ) -> Result<confab_proto::extension::ExtensionListResponse, ErrorBody> {
        let extensions =
            self.tim()?.get_message_extensions(&args.message).await.map_err(from_tim)?;
        Ok(confab_proto::extension::ExtensionListResponse { extensions })
    }

    pub(crate) async fn delete_message_extensions(
        &self,
        args: DeleteMessageExtensionsArgs,
    ) -> Result<confab_proto::extension::ExtensionResultResponse, ErrorBody> {
        let extensions = self
            .tim()?
            .delete_message_extensions(&args.message, args.key_list)
            .await
            .map_err(from_tim)?;
        Ok(confab_proto::extension::ExtensionResultResponse { extensions })
    }
}
