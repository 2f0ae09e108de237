//! The file message commands: creating image, audio, video and file
//! messages by local path (`tim.create*Message`, under the host's path
//! policy), `tim.cancelUpload`, `app.downloadFile` (the SDK's cached
//! download plus the URL the webview loads it from), and avatars in the
//! file service (`tim.uploadAvatar`, `app.downloadAvatar`).

use crate::commands::message::{CreateMessageArgs, MessageArgs};
use crate::commands::Empty;
use crate::core::{AppCore, PathPurpose};
use crate::error::from_tim;
use confab_proto::files::FileKind;
use confab_proto::ErrorBody;
use confab_sdk::{FileSource, Message, Rendition};
use serde::{Deserialize, Serialize};

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

/// `tim.uploadAvatar` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarUrl {
    /// The avatar's URL in the file service, for `updateMyProfile`.
    pub url: String,
}

/// `app.downloadAvatar` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadAvatarArgs {
    /// An avatar URL of this server (`…/files/<id>`).
    pub url: String,
}

impl AppCore {
    async fn create_file_kind(
        &self,
        kind: FileKind,
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
                FileKind::Image => tim.create_image_message(options).map_err(from_tim),
                FileKind::Audio => tim.create_audio_message(options).map_err(from_tim),
                FileKind::Video => tim.create_video_message(options).map_err(from_tim),
                FileKind::File => tim.create_file_message(options).map_err(from_tim),
                // A merger body is uploaded by `createMergerMessage`, never from a path.
                FileKind::Merger => Err(ErrorBody::new(
                    confab_proto::code::INVALID_OPERATION,
                    "a merger message is made by createMergerMessage",
                )),
            }
        })
        .await
        .map_err(|e| crate::error::internal(&e))?
    }

    pub(crate) async fn create_image_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileKind::Image, args).await
    }

    pub(crate) async fn create_audio_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileKind::Audio, args).await
    }

    pub(crate) async fn create_video_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileKind::Video, args).await
    }

    pub(crate) async fn create_file_message(
        &self,
        args: CreateMessageArgs<FileSource>,
    ) -> Result<Message, ErrorBody> {
        self.create_file_kind(FileKind::File, args).await
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

    /// Makes my avatar from a picture (under the host's path policy for
    /// sending) and uploads it.
    pub(crate) async fn upload_avatar(
        &self,
        args: crate::native::PathArgs,
    ) -> Result<AvatarUrl, ErrorBody> {
        let path = std::path::PathBuf::from(&args.path);
        if !self.hooks().path_allowed(&path, PathPurpose::Send) {
            return Err(crate::error::path_not_allowed(&path));
        }
        let url = self.tim()?.upload_avatar(&path).await.map_err(from_tim)?;
        Ok(AvatarUrl { url })
    }

    /// Fetches an avatar of this server into the cache; the URL the
    /// webview loads it from.
    pub(crate) async fn download_avatar(
        &self,
        args: DownloadAvatarArgs,
    ) -> Result<DownloadFileResult, ErrorBody> {
        let path = self.tim()?.download_avatar(&args.url).await.map_err(from_tim)?;
        let url = self.hooks().file_url(&path);
        Ok(DownloadFileResult { path: path.to_string_lossy().into_owned(), url })
    }
}
