//! File messages (server: the file service, `crates/server/src/files/`):
//! `createImageMessage`, `createAudioMessage`, `createVideoMessage`,
//! `createFileMessage`, sending them through resumable uploads,
//! `cancelUploading` and downloads into the local cache; and merger
//! messages too big for the 12 KB message body (TIM's cloud-stored
//! merger messages) and `downloadMergerMessage`.
//!
//! Sending: `send_message` of a merger without a `downloadKey` whose body
//! is over the limit uploads the JSON of its `messageList` (file-service
//! kind `merger`, through the resumable upload jobs of file messages), then
//! sends the message with `downloadKey` = the file ID and an empty
//! `messageList`. The sender's store keeps the list (`merger_bodies`), so
//! its copy stays complete.
//!
//! Receiving: the message arrives with the key and no list;
//! [`Tim::download_merger_message`] fetches the body (the receiver holds a
//! grant for every file its messages name), verifies it against the key
//! (SHA-256), parses it and keeps it in the store, so the message reads
//! complete from then on.

use super::{Session, Tim};
use crate::event::Event;
use crate::files::upload::UploadJob;
use crate::files::{self, FileSource, Rendition};
use crate::model::{
    CreateMessageOptions, Message, MessageFlow, MessageStatus, SendMessageOptions, SendResult,
};
use crate::TimError;
use confab_proto::code;
use confab_proto::message::{body_size, MessageElement};
use confab_proto::MAX_MESSAGE_BODY_BYTES;
use std::path::PathBuf;
use tracing::Instrument as _;

impl Tim {
    /// TIM `createImageMessage`: an image message from a local JPEG, PNG,
    /// GIF, BMP or WebP file (sniffed by content). The payload has the
    /// format, dimensions and size (and the thumbnails' dimensions); URLs
    /// and `uuid` stay empty until `send_message` uploaded it. Errors:
    /// 2251 no readable file, 2108 empty, 2253 over 100 MB, 2252 not a
    /// supported image. Reads only the file's header.
    pub fn create_image_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Image, options)
    }

    /// TIM `createAudioMessage`: a sound message from a local recording.
    /// `second` comes from `payload.duration_ms` (TIM Web's
    /// `file.duration`), else from a WAV header, else 0. Errors: 2401 no
    /// readable file, 2108 empty, 2301 over 100 MB.
    pub fn create_audio_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Audio, options)
    }

    /// TIM `createVideoMessage`: a video message from a local MP4, MOV or
    /// WebM file; duration and dimensions from the MP4/MOV header (0 when
    /// unknown). No cover image is made. Errors: 2401 no readable file,
    /// 2108 empty, 2351 over 100 MB, 2352 not MP4/MOV/WebM.
    pub fn create_video_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::Video, options)
    }

    /// TIM `createFileMessage`: a file message (any file up to 100 MB) with
    /// its name and size. Errors: 2401 no readable file, 2108 empty, 2402
    /// over 100 MB.
    pub fn create_file_message(
        &self,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        self.create_file_kind(files::FileKind::File, options)
    }

    fn create_file_kind(
        &self,
        kind: files::FileKind,
        options: CreateMessageOptions<FileSource>,
    ) -> Result<Message, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let (element, source) = files::prepare(kind, &options.payload)?;
        if let Some(problem) = &source.cover_problem {
            // A video without a cover is still a valid video message.
            session.core.log(tracing::Level::WARN, format_args!("{problem}"));
        }
        let message = self.create_message(CreateMessageOptions {
            to: options.to,
            conversation_type: options.conversation_type,
            payload: files::Prepared(element),
            receiver_list: options.receiver_list.clone(),
            priority: options.priority,
            cloud_custom_data: options.cloud_custom_data,
            need_read_receipt: options.need_read_receipt,
            is_support_extension: options.is_support_extension,
            identity: options.identity,
        })?;
        self.inner
            .file_sources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(message.id.clone(), source);
        Ok(message)
    }

    /// `send_message` of a file message not uploaded yet: stored at once
    /// (unSend, with its upload job), uploaded, then queued; resolves when
    /// the server stored the message, or with the upload's error. Such a
    /// message always goes through the outbox (`online_user_only` does not
    /// apply to it).
    pub(super) async fn send_with_upload(
        &self,
        session: &Session,
        message: &Message,
        kind: files::FileKind,
        options: SendMessageOptions,
    ) -> Result<SendResult, TimError> {
        let core = &session.core;
        if let Some(key) = core.store.key_of(&message.id)? {
            let stored = core.store.message_by_key(key)?.ok_or_else(|| {
                TimError::new(code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE, "message vanished")
            })?;
            let has_job = core.store.upload_job::<UploadJob>(key)?.is_some();
            return match stored.status {
                MessageStatus::Success => Ok(SendResult { message: stored }),
                MessageStatus::Fail if has_job => self.resume_upload(session, key).await,
                MessageStatus::UnSend if has_job => self.await_upload(session, key).await,
                MessageStatus::Fail => {
                    self.requeue(core, key)?;
                    self.await_send(session, key).await
                }
                MessageStatus::UnSend => self.await_send(session, key).await,
            };
        }
        let source = if kind == files::FileKind::Merger {
            files::stage_merger_body(
                &session.files.ctx.cache_dir,
                message.random,
                &message.element()?,
            )?
        } else {
            self.inner
                .file_sources
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&message.id)
                .cloned()
                .ok_or_else(|| {
                    TimError::new(
                        kind.select_first_code(),
                        "no local file for this message: create it with create_*_message",
                    )
                })?
        };
        let mut queued = message.clone();
        queued.status = MessageStatus::UnSend;
        queued.flow = MessageFlow::Out;
        let job = UploadJob::new(&source, options.message_control_info);
        let (key, conversation) = core.store.insert_upload(&queued, &job, core.now_millis())?;
        self.inner
            .file_sources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&message.id);
        if let Some(c) = conversation {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        self.await_upload(session, key).await
    }

    /// Restarts a stopped upload (resend) and awaits it.
    pub(super) async fn resume_upload(
        &self,
        session: &Session,
        key: i64,
    ) -> Result<SendResult, TimError> {
        let core = &session.core;
        if let Some(conversation) = core.store.restart_upload(key, core.now_millis())? {
            if let Some(m) = core.store.message_by_key(key)? {
                core.emit(Event::MessageStatusChanged(vec![m]));
            }
            if let Some(c) = conversation {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
        }
        self.await_upload(session, key).await
    }

    /// Runs (or joins) the upload of `key` and awaits the send.
    async fn await_upload(&self, session: &Session, key: i64) -> Result<SendResult, TimError> {
        let mut outcome = session.files.start(key);
        let result = match outcome.wait_for(Option::is_some).await {
            Ok(value) => value.clone(),
            Err(_) => None,
        };
        match result {
            Some(Ok(message)) => Ok(SendResult { message }),
            Some(Err(e)) => Err(e),
            None => Err(TimError::new(
                code::SDK_IS_NOT_READY,
                "logged out during the upload; it resumes at the next login",
            )),
        }
    }

    /// Stops the upload of a file message being sent (TIM Web's
    /// `cancelUploading`): the message becomes `fail`
    /// (`onMessageStatusChanged`), its `send_message` fails, and
    /// `resend_message` resumes the upload where the server stopped.
    /// Fails with `INVALID_OPERATION` when the message has no upload in
    /// progress.
    pub fn cancel_upload(&self, message: &Message) -> Result<(), TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let key = session.core.store.key_of(&message.id)?.ok_or_else(|| {
            TimError::new(code::INVALID_OPERATION, "the message is not being sent")
        })?;
        if session.files.cancel(key)? {
            Ok(())
        } else {
            Err(TimError::new(code::INVALID_OPERATION, "the message has no upload in progress"))
        }
    }

    /// Downloads a file of a message into the local cache
    /// (`<data_dir>/<sdkAppID>/<userID>.files/<uuid>.<ext>`) and returns its
    /// path; a file already cached returns at once. The download is
    /// streamed, resumed after interruptions, verified against the file ID
    /// and reported by `onFileDownloadProgress`. Errors: 2403 when the
    /// message has no such file, the server's code (90009) when access is
    /// denied, 2800 when the server cannot be reached.
    pub async fn download_file(
        &self,
        message: &Message,
        rendition: Rendition,
    ) -> Result<PathBuf, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        // Downloads run in the caller's task: log them as the login's.
        files::download::download(&session.files, message, rendition)
            .instrument(session.core.span.clone())
            .await
    }

    /// Makes my avatar from the picture at `path` (its centre square,
    /// at most 256 px) and uploads it to the file service; resolves its
    /// URL, for `update_my_profile({avatar})` (Confab extension: TIM has
    /// the app host avatars). While a file is someone's avatar every user
    /// may download it. Errors: 2251 unreadable or empty, 2253 over 20 MB,
    /// 2252 not a picture, the file service's code, 2800 offline.
    pub async fn upload_avatar(&self, path: &std::path::Path) -> Result<String, TimError> {
        let session = self.ready_session()?;
        files::avatar::upload(&session.files, path).instrument(session.core.span.clone()).await
    }

    /// Fetches an avatar URL of this server (`…/files/<id>`) into the local
    /// cache (verified against its file ID) and returns the path; a cached
    /// one returns at once. 2403 for a URL that is not this server's
    /// file, 90009 when it is nobody's avatar (Confab extension).
    pub async fn download_avatar(&self, url: &str) -> Result<PathBuf, TimError> {
        let session = self.session().ok_or_else(TimError::not_ready)?;
        files::avatar::download(&session.files, url).instrument(session.core.span.clone()).await
    }

    // ----- merger bodies in the file service ----------------------------

    /// Refuses (80002) a merger message whose envelope (title, summary
    /// lines, fallback text, `cloudCustomData`) alone is over 12 KB: even
    /// with its list stored in the file service it would not fit.
    pub(super) fn check_merger_envelope(
        &self,
        element: &MessageElement,
        cloud_custom_data: &str,
    ) -> Result<(), TimError> {
        let mut envelope = element.clone();
        if let MessageElement::Merger(p) = &mut envelope {
            p.message_list.clear();
            // As long as the key it will carry.
            p.download_key = "0".repeat(64);
        }
        let size = body_size(&envelope, cloud_custom_data);
        if size > MAX_MESSAGE_BODY_BYTES {
            return Err(TimError::new(
                code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
                format!("the merger message without its list is {size} bytes; the limit is 12 KB"),
            ));
        }
        Ok(())
    }

    /// TIM `downloadMergerMessage`: completes a merger message whose body
    /// is stored in the file service (`payload.downloadKey` set): resolves
    /// with the message, `payload.messageList` filled (`downloadKey`
    /// unchanged), and keeps the list in the local store, so the message
    /// reads complete afterwards (`get_message_list`, a second call
    /// without downloading). A merger without a key is returned as is.
    ///
    /// Errors: 2450 when the message is not a merger message; 2451 when
    /// the key is malformed, unknown or not this user's to fetch (the file
    /// service's 90009, in `data.code`); 2452 when the download failed or
    /// the body is not a message list.
    pub async fn download_merger_message(&self, message: &Message) -> Result<Message, TimError> {
        let element = message.element().ok();
        let Some(MessageElement::Merger(payload)) = element else {
            return Err(TimError::new(
                code::MESSAGE_MERGER_TYPE_INVALID,
                format!("{} is not a merger message", message.r#type),
            ));
        };
        if payload.download_key.is_empty() {
            return Ok(message.clone());
        }
        let key = payload.download_key;
        if !files::is_file_id(&key) {
            return Err(TimError::new(
                code::MESSAGE_MERGER_KEY_INVALID,
                "downloadKey is not a file ID",
            ));
        }
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let store = &session.core.store;
        let list = match store.merger_body(&key)? {
            Some(list) => list,
            None => {
                let path = files::download::download(&session.files, message, Rendition::Original)
                    .instrument(session.core.span.clone())
                    .await
                    .map_err(|e| download_error(&e))?;
                let body = tokio::fs::read(&path).await.map_err(|e| {
                    TimError::new(code::MESSAGE_MERGER_DOWNLOAD_FAIL, format!("reading: {e}"))
                })?;
                let parsed = match files::parse_merger_body(&body) {
                    Ok(list) => list,
                    Err(e) => {
                        // Not a body: keep nothing of it.
                        if let Err(io) = tokio::fs::remove_file(&path).await {
                            tracing::debug!("removing {}: {io}", path.display());
                        }
                        return Err(e);
                    }
                };
                let text = serde_json::to_string(&parsed)?;
                store.save_merger_body(&key, &text)?;
                serde_json::to_value(&parsed)?
            }
        };
        let mut complete = message.clone();
        if let Some(p) = complete.payload.as_object_mut() {
            p.insert("messageList".into(), list);
        }
        Ok(complete)
    }
}

/// TIM's code for a failed body download: 2451 when the file service
/// refused the key (unknown, or no grant: 90009), else 2452; the original
/// code stays in `data.code`.
fn download_error(e: &TimError) -> TimError {
    let tim_code = if e.code == code::FILE_ACCESS_DENIED {
        code::MESSAGE_MERGER_KEY_INVALID
    } else {
        code::MESSAGE_MERGER_DOWNLOAD_FAIL
    };
    TimError::new(tim_code, format!("downloading the merger body: {}", e.message))
        .with_data(serde_json::json!({ "code": e.code }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_keys_are_invalid_and_other_failures_are_download_failures() {
        let refused = download_error(&TimError::new(code::FILE_ACCESS_DENIED, "no grant"));
        assert_eq!(refused.code, code::MESSAGE_MERGER_KEY_INVALID);
        assert_eq!(refused.data.as_ref().and_then(|d| d["code"].as_i64()), Some(90009));
        let network = download_error(&TimError::network("reset"));
        assert_eq!(network.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
    }

    #[test]
    fn bodies_must_be_message_lists() {
        assert!(files::parse_merger_body(b"[]").expect("empty list").is_empty());
        let e = files::parse_merger_body(b"\x89PNG").unwrap_err();
        assert_eq!(e.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
        let e = files::parse_merger_body(br#"{"a":1}"#).unwrap_err();
        assert_eq!(e.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
    }
}
