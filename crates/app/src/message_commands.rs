//! The commands of message elements and message operations: creating
//! forward, merger and file messages (`tim.create*Message`, by local path),
//! cancelling an upload, revoke, modify, delete, find, hopping, and
//! `app.downloadFile` (the SDK's cached download plus the URL the webview
//! loads it from). Thin: each is one SDK call; the argument types are
//! TIM's option objects.

use crate::commands::Empty;
use crate::core::{AppCore, PathPurpose};
use crate::error::from_tim;
use confab_proto::message::{ConversationType, Priority};
use confab_proto::ErrorBody;
use confab_sdk::{
    CreateMessageOptions, FileSource, GetMessageListHoppingOptions, HoppingPage,
    MergerMessagePayload, Message, Rendition,
};
use serde::{Deserialize, Serialize};

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

impl AppCore {
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

    pub(crate) async fn get_message_list_hopping(
        &self,
        args: GetMessageListHoppingOptions,
    ) -> Result<HoppingPage, ErrorBody> {
        self.tim()?.get_message_list_hopping(args).await.map_err(from_tim)
    }
}

/// `app.downloadFile` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadFileArgs {
    /// A message with a file (image, video, sound, file).
    pub message: Message,
    /// Which of its files (default `original`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub rendition: Option<Rendition>,
}

/// `app.downloadFile` result: where the file is cached, and the URL the
/// webview loads it from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadFileResult {
    /// Absolute path of the cached file.
    pub path: String,
    /// A URL the webview can load (the loopback file server in the desktop
    /// app, `/local/…` in the web host).
    pub url: String,
}

/// Which `create_*_message` of the SDK a file command calls.
#[derive(Clone, Copy, Debug)]
enum FileMessageKind {
    Image,
    Audio,
    Video,
    File,
}

impl AppCore {
    async fn create_file_kind(
        &self,
        kind: FileMessageKind,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        let tim = self.tim()?;
        let hooks = self.hooks();
        // Creating reads the file's headers (up to a few MiB of an MP4's
        // index): off the async runtime.
        tokio::task::spawn_blocking(move || {
            // The file and its cover are read and uploaded: the host's path
            // policy decides which files a command may send.
            let source = &args.payload;
            for path in std::iter::once(&source.file).chain(&source.snapshot) {
                if !hooks.path_allowed(path, PathPurpose::Send) {
                    return Err(crate::error::path_not_allowed(path));
                }
            }
            let options = args.into_options(|p| p);
            match kind {
                FileMessageKind::Image => tim.create_image_message(options),
                FileMessageKind::Audio => tim.create_audio_message(options),
                FileMessageKind::Video => tim.create_video_message(options),
                FileMessageKind::File => tim.create_file_message(options),
            }
            .map_err(from_tim)
        })
        .await
        .map_err(|e| crate::error::internal(&e))?
    }

    pub(crate) async fn create_image_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileMessageKind::Image, args).await
    }

    pub(crate) async fn create_audio_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileMessageKind::Audio, args).await
    }

    pub(crate) async fn create_video_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileMessageKind::Video, args).await
    }

    pub(crate) async fn create_file_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileMessageKind::File, args).await
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn cancel_upload(&self, args: MessageArgs) -> Result<Empty, ErrorBody> {
        self.tim()?.cancel_upload(&args.message).map_err(from_tim)?;
        Ok(Empty {})
    }

    pub(crate) async fn download_file(
        &self,
        args: DownloadFileArgs,
    ) -> Result<DownloadFileResult, ErrorBody> {
        let rendition = args.rendition.unwrap_or_default();
        let path = self.tim()?.download_file(&args.message, rendition).await.map_err(from_tim)?;
        let url = self.hooks().file_url(&path);
        Ok(DownloadFileResult { path: path.to_string_lossy().into_owned(), url })
    }
}
