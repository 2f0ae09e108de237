//! The file service: resumable uploads and authorized downloads of the
//! files messages refer to (images, sounds, videos, files, merged-message
//! bodies). The HTTP contract is in `docs/protocol.md` ("File service").
//!
//! - `POST /files/uploads` creates an upload (kind, name, size; limits
//!   checked), `PATCH /files/uploads/{uploadID}` appends bytes at the
//!   `Upload-Offset` the server has, `GET` tells that offset, `DELETE`
//!   cancels. Bodies are streamed to a temp file and hashed (SHA-256) as
//!   they arrive; nothing holds a whole file in memory.
//! - When the last byte arrives the content is type-sniffed, moved to
//!   `<data_dir>/files/<id[0..2]>/<id>` (the ID is its SHA-256; identical
//!   contents are stored once), recorded, and the uploader is granted it.
//! - `GET`/`HEAD /files/{id}[/{name}]` stream a file (with `Range`) to users
//!   holding a grant: the uploader, and sender and receiver of every
//!   committed message naming it (see `services::files`).
//!
//! - Uploads are admitted against the user's quota and the store's budget
//!   (`quota`); files no message names are collected after a grace period
//!   (`gc`).
//!
//! Every route needs `Authorization: UserSig <userID>:<userSig>`, checked
//! like a WebSocket login (`crate::auth`). Paths are built only from
//! validated IDs (64 or 32 lowercase hex characters), never from what a
//! client sent otherwise.
//!
//! The wire types (routes, headers, bodies, [`FileKind`]) are
//! `confab_proto::files`. This module owns the service's state and the
//! rules of each kind; `routes` is the HTTP side (authentication,
//! requests and answers, streaming), `storage` stores a finished upload
//! (type check, content-addressed move, record, grant).

mod gc;
mod quota;
pub(crate) mod range;
mod routes;
pub(crate) mod sniff;
mod storage;
pub(crate) mod uploads;

pub use confab_proto::files::{FileInfo, FileKind, FILES_PATH, UPLOADS_PATH, UPLOAD_OFFSET};
pub use gc::GcReport;
pub(crate) use gc::{collect_garbage, run_periodically as collect_garbage_periodically};
pub(crate) use routes::{claimed_offset, declared_length, routes, user_sig_credentials};

use crate::server::ServerContext;
use confab_proto::code;
use sniff::Family;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use uploads::Uploads;

/// Longest accepted file name, in bytes.
const MAX_FILE_NAME_BYTES: usize = 1024;

/// A `PATCH` whose body sends nothing for this long is ended (keeping what
/// arrived), so a dead connection cannot hold an upload.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Size of the reads a download is streamed in.
const DOWNLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// How often expired uploads are swept, at most (server clock).
const SWEEP_EVERY_MS: i64 = 60 * 60 * 1000;

/// What the server decides by a file's kind: its size limit and which
/// contents it accepts.
pub(crate) trait KindRules {
    /// Largest size configured for this kind, and TIM's code for exceeding it.
    fn limit(self, config: &crate::config::Config) -> (u64, i32);

    /// The content type to serve, or the code refusing content that is not
    /// of this kind.
    fn content_type(self, sniffed: Option<sniff::Sniffed>) -> Result<&'static str, i32>;
}

impl KindRules for FileKind {
    fn limit(self, config: &crate::config::Config) -> (u64, i32) {
        let bytes = match self {
            Self::Image => config.max_image_bytes,
            Self::Video => config.max_video_bytes,
            Self::Audio => config.max_audio_bytes,
            Self::File => config.max_file_bytes,
            Self::Merger => config.max_merger_bytes,
        };
        (bytes, self.size_limit_code())
    }

    fn content_type(self, sniffed: Option<sniff::Sniffed>) -> Result<&'static str, i32> {
        let family = sniffed.map(|s| s.family);
        match self {
            Self::Image if family != Some(Family::Image) => Err(code::MESSAGE_IMAGE_TYPES_LIMIT),
            Self::Video if family != Some(Family::Video) => Err(code::MESSAGE_VIDEO_TYPES_LIMIT),
            Self::Merger => Ok("application/json"),
            _ => Ok(sniffed.map_or("application/octet-stream", |s| s.mime)),
        }
    }
}

/// The file service's state: where files live and the unfinished uploads.
pub(crate) struct FileService {
    /// `files_dir`, by default `<data_dir>/files`.
    root: PathBuf,
    /// Unfinished uploads.
    uploads: Uploads,
    /// Serializes upload admission (quota checks and registration).
    admission: tokio::sync::Mutex<()>,
    /// Held for reading while an upload's content is stored and recorded,
    /// for writing while garbage collection forgets and deletes contents.
    storing: tokio::sync::RwLock<()>,
}

impl FileService {
    /// Opens the storage under the files root (`files_dir`, by default
    /// `data_dir/files`), creating it and dropping expired uploads of this
    /// node. Blocking file I/O.
    pub fn open(config: &crate::config::Config, now_ms: i64) -> std::io::Result<Self> {
        let root = config.files_root();
        let expire_ms = config.upload_expire_secs.saturating_mul(1000);
        let uploads = Uploads::open(config.uploads_dir(), expire_ms, now_ms)?;
        Ok(Self {
            root,
            uploads,
            admission: tokio::sync::Mutex::new(()),
            storing: tokio::sync::RwLock::new(()),
        })
    }

    /// Where the content with file ID `id` (validated) is stored.
    fn path_of(&self, id: &str) -> PathBuf {
        self.root.join(&id[..2]).join(id)
    }
}

/// Discards expired uploads now and then, until the server stops (the
/// server owns and aborts this task).
pub(crate) async fn sweep_expired_uploads(ctx: Arc<ServerContext>) {
    let every = ctx.config.upload_expire_secs.saturating_mul(1000).min(SWEEP_EVERY_MS);
    loop {
        let now = ctx.clock.now_ms();
        let swept = ctx.files.uploads.sweep(now).await;
        if swept > 0 {
            tracing::info!(swept, "expired uploads discarded");
        }
        ctx.clock.sleep_until_ms(now.saturating_add(every)).await;
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `id` is a file ID: 64 lowercase hex characters.
pub(crate) fn is_file_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest as _;

    #[test]
    fn file_ids_are_the_hex_sha256_of_the_content() {
        assert_eq!(hex(&[0x00, 0xab, 0x0f, 0xff]), "00ab0fff");
        assert_eq!(
            hex(&sha2::Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn file_ids_are_64_lowercase_hex() {
        let good = "a".repeat(64);
        assert!(is_file_id(&good));
        assert!(is_file_id(&hex(&sha2::Sha256::digest(b"x"))));
        for bad in [
            "",
            "../../etc/passwd",
            &"A".repeat(64),
            &"a".repeat(63),
            &"a".repeat(65),
            &format!("{}/", "a".repeat(63)),
            &format!("..{}", "a".repeat(62)),
            &"g".repeat(64),
        ] {
            assert!(!is_file_id(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_check_their_content() {
        let png = sniff::sniff(b"\x89PNG\r\n\x1a\n");
        let mp4 = sniff::sniff(b"\0\0\0\x20ftypisom");
        assert_eq!(FileKind::Image.content_type(png), Ok("image/png"));
        assert_eq!(FileKind::Image.content_type(mp4), Err(code::MESSAGE_IMAGE_TYPES_LIMIT));
        assert_eq!(FileKind::Image.content_type(None), Err(code::MESSAGE_IMAGE_TYPES_LIMIT));
        assert_eq!(FileKind::Video.content_type(mp4), Ok("video/mp4"));
        assert_eq!(FileKind::Video.content_type(png), Err(code::MESSAGE_VIDEO_TYPES_LIMIT));
        assert_eq!(FileKind::File.content_type(None), Ok("application/octet-stream"));
        assert_eq!(FileKind::File.content_type(png), Ok("image/png"));
        assert_eq!(FileKind::Merger.content_type(None), Ok("application/json"));
        let config = crate::config::Config { max_video_bytes: 5, ..Default::default() };
        assert_eq!(FileKind::Video.limit(&config), (5, code::MESSAGE_VIDEO_SIZE_LIMIT));
        assert_eq!(serde_json::from_str::<FileKind>("\"merger\"").expect("kind"), FileKind::Merger);
    }
}
