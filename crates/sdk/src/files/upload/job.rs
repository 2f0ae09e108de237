//! A message's upload job, persisted in the store (`uploads.job`) so an
//! upload resumes after a dropped connection or a restart: the files to
//! upload (the original, an image's thumbnails, a video's cover), their
//! server upload IDs and the finished files; and the payload the finished
//! job gives the message.

use crate::files::{FileInfo, FileKind, PendingSource};
use crate::model::Message;
use crate::TimError;
use confab_proto::message::{ImageInfo, MessageControlInfo, MessageElement};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which file of a message a part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PartRole {
    /// The file the user chose.
    Original,
    /// An image's big thumbnail.
    Big,
    /// An image's small thumbnail.
    Small,
    /// A video's cover image (the caller's file, uploaded as an `image`).
    Cover,
}

/// One file to upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadPart {
    /// Which file.
    pub(crate) role: PartRole,
    /// Where it is.
    pub(crate) path: PathBuf,
    /// Its size.
    pub(crate) size: u64,
    /// Thumbnails: dimensions.
    #[serde(default)]
    pub(crate) width: u32,
    /// Thumbnails: dimensions.
    #[serde(default)]
    pub(crate) height: u32,
    /// Thumbnails: `jpg` or `png` (the SDK made the file; it moves into
    /// the download cache once uploaded).
    #[serde(default)]
    pub(crate) extension: Option<String>,
    /// The server's upload ID once created.
    #[serde(default)]
    pub(crate) upload_id: Option<String>,
    /// The finished file.
    #[serde(default)]
    pub(crate) done: Option<FileInfo>,
}

/// A message's upload job, persisted in `uploads.job`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UploadJob {
    /// The message kind.
    pub(crate) kind: FileKind,
    /// Name of the original.
    pub(crate) file_name: String,
    /// Thumbnails were made (always true for other kinds than image).
    pub(crate) prepared: bool,
    /// The files.
    pub(crate) parts: Vec<UploadPart>,
    /// `send_message`'s `messageControlInfo`, for the outbox row.
    #[serde(default)]
    pub(crate) control_info: Option<MessageControlInfo>,
}

impl UploadJob {
    /// The job of a new message.
    pub(crate) fn new(source: &PendingSource, control_info: Option<MessageControlInfo>) -> Self {
        let mut parts = vec![UploadPart {
            role: PartRole::Original,
            path: source.path.clone(),
            size: source.size,
            width: 0,
            height: 0,
            extension: None,
            upload_id: None,
            done: None,
        }];
        if let Some(cover) = &source.cover {
            parts.push(UploadPart {
                role: PartRole::Cover,
                path: cover.path.clone(),
                size: cover.size,
                width: cover.width,
                height: cover.height,
                // Not an SDK-made file: the cache gets a copy (see `upload`).
                extension: None,
                upload_id: None,
                done: None,
            });
        }
        Self {
            kind: source.kind,
            file_name: source.file_name.clone(),
            prepared: source.kind != FileKind::Image,
            parts,
            control_info,
        }
    }
}

impl UploadPart {
    /// The upload `kind` of this part of a `job_kind` message: a video's
    /// cover is an image.
    pub(crate) fn upload_kind(&self, job_kind: FileKind) -> FileKind {
        match self.role {
            PartRole::Cover => FileKind::Image,
            _ => job_kind,
        }
    }
}

/// The message's payload with the uploaded files' IDs and URLs.
pub(crate) fn uploaded_element(
    message: &Message,
    job: &UploadJob,
) -> Result<MessageElement, TimError> {
    let part = |role: PartRole| job.parts.iter().find(|p| p.role == role);
    let original = part(PartRole::Original)
        .and_then(|p| p.done.clone())
        .ok_or_else(|| TimError::internal("the original was not uploaded"))?;
    let mut element = message.element()?;
    match &mut element {
        MessageElement::Image(p) => {
            let first = p.image_info_array.first().cloned().unwrap_or_default();
            let full = ImageInfo {
                kind: 0,
                width: first.width,
                height: first.height,
                size: original.size,
                url: original.url.clone(),
            };
            let rendition = |kind: u8, role: PartRole| match part(role) {
                Some(UploadPart { done: Some(info), width, height, .. }) => ImageInfo {
                    kind,
                    width: *width,
                    height: *height,
                    size: info.size,
                    url: info.url.clone(),
                },
                _ => ImageInfo { kind, ..full.clone() },
            };
            p.uuid = original.uuid;
            p.image_info_array =
                vec![full.clone(), rendition(1, PartRole::Big), rendition(2, PartRole::Small)];
        }
        MessageElement::Video(p) => {
            p.video_uuid = original.uuid;
            p.video_url = original.url;
            p.video_size = original.size;
            match part(PartRole::Cover) {
                Some(UploadPart { done: Some(cover), width, height, .. }) => {
                    p.thumb_uuid = cover.uuid.clone();
                    p.thumb_url = cover.url.clone();
                    p.thumb_size = cover.size;
                    p.thumb_width = *width;
                    p.thumb_height = *height;
                    p.snapshot_url = cover.url.clone();
                    p.snapshot_width = *width;
                    p.snapshot_height = *height;
                }
                // No cover (none given, or left out): no cover fields.
                _ => {
                    p.thumb_width = 0;
                    p.thumb_height = 0;
                    p.thumb_format = String::new();
                    p.snapshot_width = 0;
                    p.snapshot_height = 0;
                }
            }
        }
        MessageElement::Sound(p) => {
            p.uuid = original.uuid;
            p.url = original.url;
            p.size = original.size;
        }
        MessageElement::File(p) => {
            p.uuid = original.uuid;
            p.file_url = original.url;
            p.file_size = original.size;
        }
        MessageElement::Merger(p) => {
            // The wire form: the list is in the uploaded body.
            p.download_key = original.uuid;
            p.message_list.clear();
        }
        _ => return Err(TimError::internal("not a file message")),
    }
    Ok(element)
}
