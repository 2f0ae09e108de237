//! File messages (image, audio, video, file): what `create_*_message`
//! reads from the local file, how `send_message` uploads it through
//! confabd's resumable upload protocol before the message goes into the
//! outbox, and the local cache `download_file` fills.
//!
//! - [`media`]: probing (image format and dimensions, thumbnails, MP4/MOV
//!   duration and size, WAV duration).
//! - [`upload`]: the upload tasks of a session (persisted jobs, resume,
//!   retry with backoff, cancel, progress events).
//! - [`http`]: the file service's requests (uploads and downloads) and how
//!   their failures are retried; the wire types are `confab_proto::files`.
//! - [`download`]: streamed, verified, resumable downloads into
//!   `<data_dir>/<sdkAppID>/<userID>.files/`.
//! - [`cache`]: the cache's file names (file ID and an allow-listed
//!   extension from the server-sniffed type).
//! - [`avatar`]: my avatar made from a picture and uploaded, and avatars
//!   of this server fetched into the cache.
//!
//! Invariant: a file message whose upload is not finished is stored
//! (status `unSend`, or `fail` once cancelled) with a row in `uploads` and
//! no row in the outbox; finishing the upload fills the payload's URLs and
//! moves it to the outbox in one transaction.

pub(crate) mod avatar;
pub(crate) mod cache;
pub use cache::is_safe_to_open;
pub(crate) mod download;
pub(crate) mod http;
pub(crate) mod media;
pub(crate) mod upload;

use crate::TimError;
use confab_proto::code;
use confab_proto::message::{
    FilePayload, ImageInfo, ImagePayload, MessageElement, SoundPayload, VideoPayload,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Largest file a message may carry (TIM's 100 MB).
pub const MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;

/// The payload of `create_image_message`, `create_audio_message`,
/// `create_video_message` and `create_file_message`: a local file (TIM
/// Web's `payload.file`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSource {
    /// Path of the local file. It must stay readable until the upload
    /// finished (the SDK reads it while sending, and again to resume).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    /// Audio: the recording's duration in milliseconds (TIM Web's
    /// `file.duration`). Without it, WAV files are measured from their
    /// header; other formats get 0 seconds. Video: the duration the
    /// caller measured (e.g. from a `<video>` element), used when the
    /// file's header does not say (WebM).
    #[serde(default, rename = "duration", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub duration_ms: Option<u64>,
    /// Video only: the width in pixels the caller measured, used (with
    /// `height`) when the file's header does not say (WebM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub width: Option<u32>,
    /// Video only: the height in pixels the caller measured (see `width`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub height: Option<u32>,
    /// Video only: a local image (JPEG or PNG) of a frame, the video's
    /// cover. `create_video_message` reads its dimensions into
    /// `snapshotWidth`/`snapshotHeight` and `thumbWidth`/`thumbHeight`/
    /// `thumbFormat`; sending uploads it (as an `image`) with the video
    /// and fills `thumbUUID`/`thumbUrl`/`thumbSize` and `snapshotUrl`, so
    /// receivers get it with `download_file(…, Rendition::VideoCover)`.
    /// The SDK has no video decoder: the caller takes the frame. A cover
    /// that cannot be read (missing, not an image) is left out with a
    /// logged warning; the video goes out without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "string"))]
    pub snapshot: Option<PathBuf>,
}

impl FileSource {
    /// A source for a file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { file: path.into(), duration_ms: None, width: None, height: None, snapshot: None }
    }

    /// With video dimensions the caller measured (see [`FileSource::width`]).
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }

    /// With a video cover image (see [`FileSource::snapshot`]).
    pub fn with_snapshot(mut self, path: impl Into<PathBuf>) -> Self {
        self.snapshot = Some(path.into());
        self
    }

    /// With an audio duration in milliseconds.
    pub fn with_duration_ms(mut self, duration_ms: u64) -> Self {
        self.duration_ms = Some(duration_ms);
        self
    }
}

/// Which file of a message `download_file` fetches.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rendition {
    /// The original (image, video, sound or file).
    #[default]
    #[serde(rename = "original")]
    Original,
    /// An image's big thumbnail (the original when it is small).
    #[serde(rename = "big")]
    Big,
    /// An image's small thumbnail (the original when it is small).
    #[serde(rename = "small")]
    Small,
    /// A video's cover image (`thumb` in the app's commands).
    #[serde(rename = "thumb", alias = "videoCover")]
    VideoCover,
}

impl Rendition {
    /// The serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Big => "big",
            Self::Small => "small",
            Self::VideoCover => "thumb",
        }
    }
}

pub(crate) use confab_proto::files::{FileInfo, FileKind};

// ----- merger messages with a stored body ------------------------------

/// Whether a merger message goes out with its body stored in the file
/// service: a merger element without a `downloadKey` yet whose message
/// body (payload plus `cloudCustomData`) is over TIM's 12 KB.
pub(crate) fn merger_needs_upload(element: &MessageElement, cloud_custom_data: &str) -> bool {
    matches!(element, MessageElement::Merger(p) if p.download_key.is_empty())
        && confab_proto::message::body_size(element, cloud_custom_data)
            > confab_proto::MAX_MESSAGE_BODY_BYTES
}

/// The element as it goes on the wire: a merger whose body is stored in
/// the file service (`downloadKey` set) travels with an empty
/// `messageList` (the local copy may hold the list).
pub(crate) fn wire_element(mut element: MessageElement) -> MessageElement {
    if let MessageElement::Merger(p) = &mut element {
        if !p.download_key.is_empty() {
            p.message_list.clear();
        }
    }
    element
}

/// Writes the body of a merger message (the JSON of its `messageList`)
/// to `<cache_dir>/staging/merger-<random>.json` for the upload job.
pub(crate) fn stage_merger_body(
    cache_dir: &Path,
    random: u64,
    element: &MessageElement,
) -> Result<PendingSource, TimError> {
    let MessageElement::Merger(p) = element else {
        return Err(TimError::new(code::MESSAGE_MERGER_TYPE_INVALID, "not a merger message"));
    };
    let body = serde_json::to_vec(&p.message_list)?;
    let dir = cache_dir.join("staging");
    confab_private_fs::create_dir_all(&dir)
        .map_err(|e| TimError::internal(format!("staging the merger body: {e}")))?;
    let path = dir.join(format!("merger-{random}.json"));
    confab_private_fs::write_atomic(&path, &body)
        .map_err(|e| TimError::internal(format!("staging the merger body: {e}")))?;
    Ok(PendingSource {
        kind: FileKind::Merger,
        path,
        file_name: "merger.json".into(),
        size: body.len() as u64,
        cover: None,
        cover_problem: None,
    })
}

/// Parses a downloaded merger body: the JSON array of the merged
/// messages. Anything else is TIM's 2452 (download failed).
pub(crate) fn parse_merger_body(
    body: &[u8],
) -> Result<Vec<confab_proto::message::SimplifiedMessage>, TimError> {
    serde_json::from_slice(body).map_err(|e| {
        TimError::new(
            code::MESSAGE_MERGER_DOWNLOAD_FAIL,
            format!("the merger body is not a message list: {e}"),
        )
    })
}

/// What `create_*_message` remembers about a file until `send_message`
/// persists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingSource {
    /// The kind of message.
    pub(crate) kind: FileKind,
    /// The local file.
    pub(crate) path: PathBuf,
    /// Its name as shown.
    pub(crate) file_name: String,
    /// Its size when the message was created.
    pub(crate) size: u64,
    /// A video's cover image, when the caller gave a readable one.
    pub(crate) cover: Option<media::Cover>,
    /// Why the caller's cover was left out (logged by the caller).
    pub(crate) cover_problem: Option<String>,
}

/// A file element ready for `create_message`.
pub(crate) struct Prepared(pub(crate) MessageElement);

impl crate::model::IntoElement for Prepared {
    fn into_element(self) -> MessageElement {
        self.0
    }
}

/// The download cache of an account:
/// `<data_dir>/<sdkAppID>/<percent-encoded userID>.files`.
pub(crate) fn cache_dir(data_dir: &Path, sdk_app_id: u64, user_id: &str) -> PathBuf {
    data_dir
        .join(sdk_app_id.to_string())
        .join(format!("{}.files", crate::store::encode_file_name(user_id)))
}

/// Whether `id` is a file ID: 64 lowercase hex characters (safe in a path).
pub(crate) fn is_file_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The file service's base URL (`http://host:port`) from the WebSocket
/// URL of the server.
pub(crate) fn http_base_url(server_url: &str) -> String {
    let (scheme, rest) = server_url.split_once("://").unwrap_or(("ws", server_url));
    let scheme = match scheme {
        "wss" | "https" => "https",
        _ => "http",
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

/// Reads a local file for a new message of `kind`: TIM's checks (present,
/// not empty, at most 100 MB, a supported type) and the payload they
/// allow, with sizes, dimensions and durations filled and URLs empty.
pub(crate) fn prepare(
    kind: FileKind,
    source: &FileSource,
) -> Result<(MessageElement, PendingSource), TimError> {
    let path = &source.file;
    let unreadable =
        |why: String| TimError::new(kind.select_first_code(), format!("{}: {why}", path.display()));
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable("not a file".into()));
    }
    let size = metadata.len();
    if size == 0 {
        return Err(TimError::new(
            code::MESSAGE_FILE_IS_EMPTY,
            format!("{} is empty", path.display()),
        ));
    }
    if size > MAX_FILE_SIZE {
        return Err(TimError::new(
            kind.size_limit_code(),
            format!("{} is {size} bytes; the limit is {MAX_FILE_SIZE}", path.display()),
        ));
    }
    // Opening proves readability (metadata alone does not).
    std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let file_name = display_name(path);
    let mut cover = None;
    let mut cover_problem = None;
    let element = match kind {
        FileKind::Image => {
            let probe = media::probe_image(path).map_err(|e| match e {
                media::ProbeError::Io(e) => unreadable(e.to_string()),
                media::ProbeError::Unsupported(why) => TimError::new(
                    code::MESSAGE_IMAGE_TYPES_LIMIT,
                    format!("{}: {why} (JPEG, PNG, GIF, BMP or WebP)", path.display()),
                ),
            })?;
            MessageElement::Image(image_payload(&probe, size))
        }
        FileKind::Video => {
            let probe = media::probe_video(path).map_err(|e| match e {
                media::ProbeError::Io(e) => unreadable(e.to_string()),
                media::ProbeError::Unsupported(why) => TimError::new(
                    code::MESSAGE_VIDEO_TYPES_LIMIT,
                    format!("{}: {why} (MP4, MOV or WebM)", path.display()),
                ),
            })?;
            let mut probe = probe;
            // The header wins; the caller's measurements fill what it lacks.
            if probe.duration_ms == 0 {
                probe.duration_ms = source.duration_ms.unwrap_or(0);
            }
            if let (0, 0, Some(w), Some(h)) =
                (probe.width, probe.height, source.width, source.height)
            {
                (probe.width, probe.height) = (w, h);
            }
            let mut payload = VideoPayload {
                video_format: probe.format,
                video_second: media::seconds(probe.duration_ms),
                video_size: size,
                video_width: probe.width,
                video_height: probe.height,
                ..VideoPayload::default()
            };
            if let Some(snapshot) = &source.snapshot {
                match media::probe_cover(snapshot) {
                    Ok(c) => {
                        payload.thumb_width = c.width;
                        payload.thumb_height = c.height;
                        payload.thumb_format = c.extension.clone();
                        payload.snapshot_width = c.width;
                        payload.snapshot_height = c.height;
                        cover = Some(c);
                    }
                    Err(why) => {
                        cover_problem =
                            Some(format!("video cover {} left out: {why}", snapshot.display()));
                    }
                }
            }
            MessageElement::Video(payload)
        }
        FileKind::Audio => {
            let duration_ms = match source.duration_ms {
                Some(ms) => ms,
                None => media::wav_duration_ms(path)
                    .map_err(|e| unreadable(e.to_string()))?
                    .unwrap_or(0),
            };
            MessageElement::Sound(SoundPayload {
                size,
                second: media::seconds(duration_ms),
                download_flag: 2,
                ..SoundPayload::default()
            })
        }
        FileKind::File => MessageElement::File(FilePayload {
            file_name: file_name.clone(),
            file_size: size,
            ..FilePayload::default()
        }),
        FileKind::Merger => {
            return Err(TimError::new(
                code::MESSAGE_MERGER_TYPE_INVALID,
                "merger bodies are not local files",
            ))
        }
    };
    // An absolute path: the upload may resume after a restart elsewhere.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
    Ok((element, PendingSource { kind, path, file_name, size, cover, cover_problem }))
}

/// The image payload before upload: the original's dimensions and size,
/// the thumbnails' dimensions (the original's where it is not larger, or
/// for GIFs), URLs empty.
fn image_payload(probe: &media::ImageProbe, size: u64) -> ImagePayload {
    let original =
        ImageInfo { kind: 0, width: probe.width, height: probe.height, size, url: "".into() };
    let thumb = |kind: u8, side: u32| {
        let fitted = if probe.format == image::ImageFormat::Gif {
            None
        } else {
            media::fit(probe.width, probe.height, side)
        };
        match fitted {
            Some((width, height)) => ImageInfo { kind, width, height, size: 0, url: String::new() },
            None => ImageInfo { kind, ..original.clone() },
        }
    };
    ImagePayload {
        uuid: String::new(),
        image_format: probe.tim_format(),
        image_info_array: vec![
            original.clone(),
            thumb(1, media::BIG_SIDE),
            thumb(2, media::SMALL_SIDE),
        ],
    }
}

/// The file name to show for a path.
fn display_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_from_the_websocket_url() {
        assert_eq!(http_base_url("ws://127.0.0.1:7788/ws"), "http://127.0.0.1:7788");
        assert_eq!(http_base_url("wss://chat.example.org/ws?x=1"), "https://chat.example.org");
        assert_eq!(http_base_url("ws://[::1]:9"), "http://[::1]:9");
    }

    #[test]
    fn file_ids_are_64_lowercase_hex() {
        assert!(is_file_id(&"ab".repeat(32)));
        assert!(!is_file_id(&"AB".repeat(32)));
        assert!(!is_file_id("../../etc/passwd"));
        assert!(!is_file_id(&"a".repeat(63)));
    }

    #[test]
    fn renditions_serialize_as_the_app_names_them() {
        assert_eq!(serde_json::to_value(Rendition::VideoCover).expect("json"), "thumb");
        let parsed: Rendition = serde_json::from_str("\"videoCover\"").expect("alias");
        assert_eq!(parsed, Rendition::VideoCover);
        let source: FileSource =
            serde_json::from_str(r#"{"file":"/tmp/a.wav","duration":1500}"#).expect("source");
        assert_eq!(source, FileSource::new("/tmp/a.wav").with_duration_ms(1500));
        let source: FileSource =
            serde_json::from_str(r#"{"file":"/tmp/v.mp4","snapshot":"/tmp/c.jpg"}"#).expect("v");
        assert_eq!(source, FileSource::new("/tmp/v.mp4").with_snapshot("/tmp/c.jpg"));
        let source: FileSource =
            serde_json::from_str(r#"{"file":"/v.webm","duration":2400,"width":320,"height":240}"#)
                .expect("measured");
        assert_eq!(source, FileSource::new("/v.webm").with_duration_ms(2400).with_size(320, 240));
        let json = serde_json::to_value(FileSource::new("/tmp/v.mp4")).expect("json");
        assert_eq!(json, serde_json::json!({"file": "/tmp/v.mp4"}));
    }

    #[test]
    fn local_checks_give_tim_codes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = FileSource::new(dir.path().join("nope"));
        assert_eq!(prepare(FileKind::Image, &missing).map(|_| ()).unwrap_err().code, 2251);
        assert_eq!(prepare(FileKind::File, &missing).map(|_| ()).unwrap_err().code, 2401);
        let dir_source = FileSource::new(dir.path());
        assert_eq!(prepare(FileKind::File, &dir_source).map(|_| ()).unwrap_err().code, 2401);
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").expect("write");
        for kind in [FileKind::Image, FileKind::Video, FileKind::Audio, FileKind::File] {
            let e = prepare(kind, &FileSource::new(&empty)).map(|_| ()).unwrap_err();
            assert_eq!(e.code, 2108);
        }
        let huge = dir.path().join("huge");
        std::fs::File::create(&huge).expect("create").set_len(MAX_FILE_SIZE + 1).expect("sparse");
        for (kind, expected) in [
            (FileKind::Image, 2253),
            (FileKind::Video, 2351),
            (FileKind::Audio, 2301),
            (FileKind::File, 2402),
        ] {
            let e = prepare(kind, &FileSource::new(&huge)).map(|_| ()).unwrap_err();
            assert_eq!(e.code, expected);
        }
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, b"hello").expect("write");
        assert_eq!(
            prepare(FileKind::Image, &FileSource::new(&text)).map(|_| ()).unwrap_err().code,
            2252
        );
        assert_eq!(
            prepare(FileKind::Video, &FileSource::new(&text)).map(|_| ()).unwrap_err().code,
            2352
        );
        let (element, pending) = prepare(FileKind::File, &FileSource::new(&text)).expect("file");
        assert_eq!(
            element,
            MessageElement::File(FilePayload {
                uuid: String::new(),
                file_name: "notes.txt".into(),
                file_url: String::new(),
                file_size: 5
            })
        );
        assert_eq!((pending.kind, pending.size), (FileKind::File, 5));
        // Audio: the caller's duration wins; otherwise 0 for a non-WAV.
        let (element, _) =
            prepare(FileKind::Audio, &FileSource::new(&text).with_duration_ms(2600)).expect("a");
        assert!(matches!(element, MessageElement::Sound(SoundPayload { second: 3, size: 5, .. })));
        // Video: a WebM header says nothing; the caller's measurements fill in.
        let webm = dir.path().join("clip.webm");
        std::fs::write(&webm, [0x1A, 0x45, 0xDF, 0xA3, 1, 2, 3]).expect("write");
        let measured = FileSource::new(&webm).with_duration_ms(2400).with_size(320, 240);
        let (element, _) = prepare(FileKind::Video, &measured).expect("webm");
        let MessageElement::Video(p) = element else { panic!("not a video") };
        assert_eq!((p.video_second, p.video_width, p.video_height), (2, 320, 240));
        let (element, _) = prepare(FileKind::Video, &FileSource::new(&webm)).expect("webm");
        let MessageElement::Video(p) = element else { panic!("not a video") };
        assert_eq!((p.video_second, p.video_width, p.video_height), (0, 0, 0));
    }

    #[test]
    fn image_payload_has_three_renditions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("wide.png");
        image::RgbImage::new(1440, 900).save(&path).expect("write");
        let (element, _) = prepare(FileKind::Image, &FileSource::new(&path)).expect("image");
        let MessageElement::Image(p) = element else { panic!("not an image") };
        assert_eq!(p.image_format, 3);
        let dims: Vec<(u8, u32, u32)> =
            p.image_info_array.iter().map(|i| (i.kind, i.width, i.height)).collect();
        assert_eq!(dims, [(0, 1440, 900), (1, 720, 450), (2, 198, 124)]);
        let size = std::fs::metadata(&path).expect("meta").len();
        assert_eq!(p.image_info_array[0].size, size);
    }
}
