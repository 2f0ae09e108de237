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
//!   committed message naming it (see `store::sqlite::files`).
//!
//! - Uploads are admitted against the user's quota and the store's budget
//!   (`quota`); files no message names are collected after a grace period
//!   (`gc`).
//!
//! Every route needs `Authorization: UserSig <userID>:<userSig>`, checked
//! like a WebSocket login. Paths are built only from validated IDs (64 or
//! 32 lowercase hex characters), never from what a client sent otherwise.

mod gc;
mod quota;
pub(crate) mod range;
pub(crate) mod sniff;
pub(crate) mod uploads;

pub use gc::GcReport;
pub(crate) use gc::{collect_garbage, run_periodically as collect_garbage_periodically};

use crate::gateway;
use crate::http::{error, internal, AppState};
use crate::server::ServerContext;
use crate::store::{FileAccess, StoredFile};
use crate::usersig;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_proto::account::validate_user_id;
use confab_proto::{code, UserId};
use futures_util::StreamExt as _;
use range::Ranged;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use sniff::Family;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};
use uploads::{Lookup, Upload, Uploads};

/// Prefix of every file service route.
pub const FILES_PATH: &str = "/files";

/// Route creating uploads.
pub const UPLOADS_PATH: &str = "/files/uploads";

/// Header carrying the offset a `PATCH` appends at.
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// Longest accepted file name, in bytes.
const MAX_FILE_NAME_BYTES: usize = 1024;

/// A `PATCH` whose body sends nothing for this long is ended (keeping what
/// arrived), so a dead connection cannot hold an upload.
const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Size of the reads a download is streamed in.
const DOWNLOAD_CHUNK_BYTES: usize = 64 * 1024;

/// How often expired uploads are swept, at most (server clock).
const SWEEP_EVERY_MS: i64 = 60 * 60 * 1000;

/// What a file is for; decides its size limit and type check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// An image message's picture: JPEG, PNG, GIF, BMP or WEBP.
    Image,
    /// A video message's video: MP4/MOV (ISO-BMFF) or WEBM.
    Video,
    /// A sound message's audio.
    Audio,
    /// A file message's file.
    File,
    /// A merged message's `messageList` JSON.
    Merger,
}

impl FileKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::File => "file",
            Self::Merger => "merger",
        }
    }

    /// Largest size configured for this kind, and TIM's code for exceeding it.
    fn limit(self, config: &crate::config::Config) -> (u64, i32) {
        match self {
            Self::Image => (config.max_image_bytes, code::MESSAGE_IMAGE_SIZE_LIMIT),
            Self::Video => (config.max_video_bytes, code::MESSAGE_VIDEO_SIZE_LIMIT),
            Self::Audio => (config.max_audio_bytes, code::MESSAGE_AUDIO_SIZE_LIMIT),
            Self::File => (config.max_file_bytes, code::MESSAGE_FILE_SIZE_LIMIT),
            Self::Merger => (config.max_merger_bytes, code::MESSAGE_FILE_SIZE_LIMIT),
        }
    }

    /// The content type to serve, or the code refusing content that is not
    /// of this kind.
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

/// A stored file as the upload's last `PATCH` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// File ID: lowercase hex SHA-256 of the content.
    pub uuid: String,
    /// Download URL: `<scheme://host>/files/<uuid>`.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Kind it was uploaded as.
    pub kind: FileKind,
    /// The name the uploader gave.
    pub file_name: String,
    /// Sniffed MIME type.
    pub content_type: String,
}

/// `POST /files/uploads` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateUpload {
    kind: FileKind,
    #[serde(default)]
    file_name: String,
    size: u64,
}

/// `POST /files/uploads` answer.
#[derive(Debug, Serialize)]
struct UploadCreated {
    #[serde(rename = "uploadID")]
    upload_id: String,
    offset: u64,
}

/// `PATCH`/`GET /files/uploads/{id}` answer.
#[derive(Debug, Serialize)]
struct UploadOffset {
    offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<FileInfo>,
}

/// 409 answer of a `PATCH` at the wrong offset.
#[derive(Debug, Serialize)]
struct OffsetConflict {
    code: i32,
    message: String,
    offset: u64,
}

/// The file service's state: where files live and the unfinished uploads.
pub(crate) struct FileService {
    /// `<data_dir>/files`.
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
    /// Opens the storage under `data_dir/files`, creating it and dropping
    /// expired uploads. Blocking file I/O.
    pub fn open(config: &crate::config::Config, now_ms: i64) -> std::io::Result<Self> {
        let root = config.data_dir.join("files");
        let expire_ms = config.upload_expire_secs.saturating_mul(1000);
        let uploads = Uploads::open(root.join("tmp"), expire_ms, now_ms)?;
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

/// The file service's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOADS_PATH, post(create_upload))
        .route("/files/uploads/{upload_id}", get(upload_offset).patch(append).delete(cancel))
        .route("/files/{id}", get(download))
        .route("/files/{id}/{name}", get(download_named))
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

// ------------------------------------------------------------------ auth

/// The user named by a valid `Authorization: UserSig <userID>:<userSig>`.
async fn authenticate(ctx: &ServerContext, headers: &HeaderMap) -> Result<UserId, Response> {
    let unauthorized = |code: i32, message: String| error(StatusCode::UNAUTHORIZED, code, message);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            code::NO_USERSIG,
            "Authorization: UserSig <userID>:<userSig> is required".into(),
        ));
    };
    let Some((user_id, user_sig)) = user_sig_credentials(value) else {
        return Err(unauthorized(
            code::NO_USERSIG,
            "expected Authorization: UserSig <userID>:<userSig>".into(),
        ));
    };
    if let Err(why) = validate_user_id(user_id) {
        return Err(unauthorized(code::INVALID_USER_ID, why.into()));
    }
    let verified = usersig::verify_user_sig(
        ctx.config.sdk_app_id,
        &ctx.secret_key,
        user_id,
        user_sig,
        ctx.clock.now_secs(),
    )
    .map_err(|e| unauthorized(e.code(), e.to_string()))?;
    let user = UserId::new(user_id);
    gateway::ensure_user(ctx, &user)
        .await
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e.code, e.message))?;
    // A UserSig retired by a logout, renewal or sign-out opens no file either.
    crate::session_keys::admit(ctx, &user, &verified).await.map_err(|e| {
        let status = if e.code == code::INTERNAL {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::UNAUTHORIZED
        };
        error(status, e.code, e.message)
    })?;
    Ok(user)
}

/// The `<userID>` and `<userSig>` of `Authorization: UserSig <userID>:<userSig>`.
pub(crate) fn user_sig_credentials(value: &HeaderValue) -> Option<(&str, &str)> {
    value.to_str().ok()?.strip_prefix("UserSig ")?.trim().rsplit_once(':')
}

// --------------------------------------------------------------- uploads

async fn create_upload(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let ctx = &state.ctx;
    let user = match authenticate(ctx, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let request: CreateUpload = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                code::MALFORMED_FRAME,
                format!("expected {{\"kind\", \"fileName\", \"size\"}}: {e}"),
            )
        }
    };
    if request.file_name.len() > MAX_FILE_NAME_BYTES
        || request.file_name.chars().any(char::is_control)
    {
        return error(
            StatusCode::BAD_REQUEST,
            code::MESSAGE_FILE_UPLOAD_FAIL,
            format!(
                "fileName must be at most {MAX_FILE_NAME_BYTES} bytes without control characters"
            ),
        );
    }
    if request.size == 0 {
        return error(StatusCode::BAD_REQUEST, code::MESSAGE_FILE_IS_EMPTY, "the file is empty");
    }
    let (limit, too_big) = request.kind.limit(&ctx.config);
    if request.size > limit {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_big,
            format!("{} is {} bytes; the limit is {limit}", request.kind.as_str(), request.size),
        );
    }
    match quota::admit(ctx, user, request.kind, request.file_name, request.size).await {
        Ok(upload) => {
            (StatusCode::CREATED, Json(UploadCreated { upload_id: upload.id.clone(), offset: 0 }))
                .into_response()
        }
        Err(refused) => refused,
    }
}

/// The caller's live upload `upload_id`, or the error response.
async fn caller_upload(
    ctx: &ServerContext,
    headers: &HeaderMap,
    upload_id: &str,
) -> Result<Arc<Upload>, Response> {
    let user = authenticate(ctx, headers).await?;
    let not_found =
        || error(StatusCode::NOT_FOUND, code::UPLOAD_NOT_FOUND, "no such unfinished upload");
    if !uploads::is_upload_id(upload_id) {
        return Err(not_found());
    }
    match ctx.files.uploads.find(upload_id, &user, ctx.clock.now_ms()).await {
        Ok(upload) => Ok(upload),
        Err(Lookup::NotFound) => Err(not_found()),
        Err(Lookup::NotOwner) => Err(error(
            StatusCode::FORBIDDEN,
            code::FILE_ACCESS_DENIED,
            "this upload belongs to another user",
        )),
    }
}

async fn upload_offset(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match caller_upload(&state.ctx, &headers, &upload_id).await {
        Ok(upload) => Json(UploadOffset { offset: upload.offset(), file: None }).into_response(),
        Err(response) => response,
    }
}

async fn cancel(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match caller_upload(&state.ctx, &headers, &upload_id).await {
        Ok(upload) => {
            state.ctx.files.uploads.discard(&upload).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(response) => response,
    }
}

/// How receiving a `PATCH` body ended.
enum Received {
    /// The body ended.
    End,
    /// The connection failed or the client aborted; what arrived is kept.
    Aborted(String),
    /// Nothing arrived for [`BODY_IDLE_TIMEOUT`].
    Stalled,
    /// The body goes past the declared size.
    TooLong,
    /// The upload was cancelled or expired meanwhile.
    Gone,
    /// Writing the temp file failed.
    WriteFailed(std::io::Error),
}

async fn append(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let ctx = &state.ctx;
    let upload = match caller_upload(ctx, &headers, &upload_id).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let Some(claimed) = claimed_offset(&headers) else {
        return error(
            StatusCode::BAD_REQUEST,
            code::MESSAGE_FILE_UPLOAD_FAIL,
            "Upload-Offset: <bytes already sent> is required",
        );
    };
    // One writer at a time; a second PATCH waits for the first to end.
    let mut progress = upload.progress.lock().await;
    if upload.is_gone() {
        return error(StatusCode::NOT_FOUND, code::UPLOAD_NOT_FOUND, "no such unfinished upload");
    }
    let offset = upload.offset();
    if claimed != offset {
        let conflict = OffsetConflict {
            code: code::MESSAGE_FILE_UPLOAD_FAIL,
            message: format!("the server has {offset} bytes of this upload; continue from there"),
            offset,
        };
        return (StatusCode::CONFLICT, Json(conflict)).into_response();
    }
    let (_, too_big) = upload.kind.limit(&ctx.config);
    let declared = declared_length(&headers);
    if declared.is_some_and(|len| offset.saturating_add(len) > upload.size) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_big,
            format!("the body goes past the declared size of {} bytes", upload.size),
        );
    }
    let part = ctx.files.uploads.part_path(&upload.id);
    if progress.hashed != offset {
        let path = part.clone();
        match tokio::task::spawn_blocking(move || uploads::hash_prefix(&path, offset)).await {
            Ok(Ok(hasher)) => {
                progress.hasher = hasher;
                progress.hashed = offset;
            }
            Ok(Err(e)) => return internal("cannot read the upload's data", e),
            Err(e) => return internal("upload hashing task failed", e),
        }
    }
    let mut file = match open_at(&part, offset).await {
        Ok(file) => file,
        Err(e) => return internal("cannot open the upload's data", e),
    };
    let mut stream = body.into_data_stream();
    let mut written = offset;
    let received = loop {
        let chunk = match tokio::time::timeout(BODY_IDLE_TIMEOUT, stream.next()).await {
            Err(_) => break Received::Stalled,
            Ok(None) => break Received::End,
            Ok(Some(Err(e))) => break Received::Aborted(e.to_string()),
            Ok(Some(Ok(chunk))) => chunk,
        };
        if upload.is_gone() {
            break Received::Gone;
        }
        if written.saturating_add(chunk.len() as u64) > upload.size {
            break Received::TooLong;
        }
        if let Err(e) = file.write_all(&chunk).await {
            break Received::WriteFailed(e);
        }
        progress.hasher.update(&chunk);
        written += chunk.len() as u64;
        progress.hashed = written;
        upload.offset.store(written, Ordering::Release);
    };
    // What was received is kept (flushed) whatever ended the body.
    let flushed = match &received {
        Received::WriteFailed(_) => Err(std::io::Error::other("write failed")),
        _ => file.flush().await,
    };
    if let Err(e) = flushed {
        // The data on disk is uncertain: resume from what is there and
        // rebuild the hash from it.
        let on_disk = tokio::fs::metadata(&part).await.map_or(0, |m| m.len()).min(written);
        upload.offset.store(on_disk, Ordering::Release);
        progress.hashed = u64::MAX;
        let e = match received {
            Received::WriteFailed(e) => e,
            _ => e,
        };
        return internal("cannot write the upload's data", e);
    }
    match received {
        Received::End => {}
        Received::Aborted(why) => {
            tracing::debug!(upload = %upload.id, offset = written, error = %why, "upload body ended early");
            return error(
                StatusCode::BAD_REQUEST,
                code::MESSAGE_FILE_UPLOAD_FAIL,
                format!("the body ended early; {written} bytes are kept"),
            );
        }
        Received::Stalled => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                code::MESSAGE_FILE_UPLOAD_FAIL,
                format!("the body stalled; {written} bytes are kept"),
            );
        }
        Received::TooLong => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                too_big,
                format!("the body goes past the declared size of {} bytes", upload.size),
            );
        }
        Received::Gone => {
            return error(
                StatusCode::NOT_FOUND,
                code::UPLOAD_NOT_FOUND,
                "the upload was cancelled",
            );
        }
        Received::WriteFailed(e) => return internal("cannot write the upload's data", e),
    }
    if written < upload.size {
        return Json(UploadOffset { offset: written, file: None }).into_response();
    }
    let hasher = std::mem::take(&mut progress.hasher);
    progress.hashed = 0;
    let finished = finish(ctx, &upload, file, hasher, &headers).await;
    // Whatever the outcome, this upload is over.
    ctx.files.uploads.retire(&upload);
    ctx.files.uploads.remove_files(&upload.id).await;
    match finished {
        Ok(info) => Json(UploadOffset { offset: upload.size, file: Some(info) }).into_response(),
        Err(response) => response,
    }
}

/// The offset a `PATCH` says it continues from (`Upload-Offset`), when it
/// is a number.
pub(crate) fn claimed_offset(headers: &HeaderMap) -> Option<u64> {
    headers.get(UPLOAD_OFFSET)?.to_str().ok()?.trim().parse().ok()
}

/// The body length a `PATCH` declares (`Content-Length`), when it is a number.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

async fn open_at(path: &std::path::Path, offset: u64) -> std::io::Result<tokio::fs::File> {
    let mut file = tokio::fs::OpenOptions::new().write(true).open(path).await?;
    // Bytes past the accepted offset (from a failed write) are dropped.
    file.set_len(offset).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    Ok(file)
}

/// Checks the complete upload's type, stores it by its hash, records it and
/// grants the uploader.
async fn finish(
    ctx: &ServerContext,
    upload: &Upload,
    file: tokio::fs::File,
    hasher: sha2::Sha256,
    headers: &HeaderMap,
) -> Result<FileInfo, Response> {
    let part = ctx.files.uploads.part_path(&upload.id);
    if let Err(e) = file.sync_all().await {
        return Err(internal("cannot sync the upload's data", e));
    }
    drop(file);
    let id = hex(&hasher.finalize());
    let mut head = Vec::with_capacity(sniff::HEAD_BYTES);
    let read = async {
        tokio::fs::File::open(&part)
            .await?
            .take(sniff::HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .await
    };
    if let Err(e) = read.await {
        return Err(internal("cannot read the upload's data", e));
    }
    let content_type = match upload.kind.content_type(sniff::sniff(&head)) {
        Ok(t) => t,
        Err(code) => {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code,
                format!("the content is not an accepted {} format", upload.kind.as_str()),
            ))
        }
    };
    // Garbage collection must not delete this content between the check
    // below and its record.
    let _storing = ctx.files.storing.read().await;
    let target = ctx.files.path_of(&id);
    let stored = target.clone();
    let moved = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        if target.exists() {
            // Same hash, same bytes: keep the stored copy.
            return std::fs::remove_file(&part);
        }
        if let Some(dir) = target.parent() {
            confab_private_fs::create_dir_all(dir)?;
        }
        // The part was created 0600 (`Uploads::create`); stored files stay so.
        std::fs::rename(&part, &target)
    })
    .await;
    match moved {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(internal("cannot store the file", e)),
        Err(e) => return Err(internal("file storing task failed", e)),
    }
    let record = StoredFile {
        id: id.clone(),
        size: upload.size,
        kind: upload.kind.as_str().to_owned(),
        content_type: content_type.to_owned(),
        created_at: ctx.clock.now_secs(),
    };
    let refs = if upload.kind == FileKind::Merger {
        match tokio::task::spawn_blocking(move || merger_refs(&stored)).await {
            Ok(refs) => refs,
            Err(e) => return Err(internal("merger body task failed", e)),
        }
    } else {
        Vec::new()
    };
    match ctx.store.record_file(record, upload.owner.clone(), refs).await {
        Ok(()) => {}
        Err(crate::store::StoreError::FileAccessDenied(named)) => {
            return Err(error(
                StatusCode::FORBIDDEN,
                code::FILE_ACCESS_DENIED,
                format!("the merger body names file {named}, which the uploader may not access"),
            ))
        }
        Err(e) => return Err(internal("cannot record the file", e)),
    }
    tracing::debug!(file = %id, size = upload.size, kind = upload.kind.as_str(), "upload finished");
    Ok(FileInfo {
        url: format!("{}{FILES_PATH}/{id}", base_url(ctx, headers)),
        uuid: id,
        size: upload.size,
        kind: upload.kind,
        file_name: upload.file_name.clone(),
        content_type: content_type.to_owned(),
    })
}

/// The files a merger body (the JSON array of a merger message's
/// `SimplifiedMessage`s) names: what its receivers may open besides the
/// body. A body that is not such an array names nothing (bodies are not
/// checked).
fn merger_refs(path: &std::path::Path) -> Vec<String> {
    let parsed = std::fs::File::open(path).map(std::io::BufReader::new).map(|reader| {
        serde_json::from_reader::<_, Vec<confab_proto::message::SimplifiedMessage>>(reader)
    });
    let Ok(Ok(list)) = parsed else { return Vec::new() };
    let mut refs: Vec<String> = list
        .iter()
        .flat_map(|m| &m.message_body)
        .flat_map(confab_proto::message::MessageElement::file_ids)
        .map(str::to_owned)
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

/// `scheme://host` the request came to (the `Host` header, else the
/// listen address); `https` when confabd speaks TLS or a proxy says so.
fn base_url(ctx: &ServerContext, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                })
        })
        .map_or_else(|| ctx.config.listen.to_string(), str::to_owned);
    let https = ctx.config.tls_enabled()
        || headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

// ------------------------------------------------------------- downloads

async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&state.ctx, &id, &headers).await
}

async fn download_named(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&state.ctx, &id, &headers).await
}

async fn serve(ctx: &ServerContext, id: &str, headers: &HeaderMap) -> Response {
    let user = match authenticate(ctx, headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if !is_file_id(id) {
        return error(
            StatusCode::BAD_REQUEST,
            code::FILE_ACCESS_DENIED,
            "a file ID is 64 lowercase hex characters",
        );
    }
    let denied = |status| {
        error(status, code::FILE_ACCESS_DENIED, "no such file, or it is not shared with you")
    };
    let stored = match ctx.store.file_access(user, id.to_owned()).await {
        Ok(FileAccess::Granted(file)) => file,
        // The same answer whether the file exists or not: a hash nobody
        // shared with you must not tell you that content is stored here.
        Ok(FileAccess::Denied | FileAccess::Unknown) => return denied(StatusCode::NOT_FOUND),
        Err(e) => return internal("cannot read file records", e),
    };
    let path = ctx.files.path_of(id);
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) => {
            tracing::error!(file = id, error = %e, "a recorded file is missing from storage");
            return denied(StatusCode::NOT_FOUND);
        }
    };
    let size = match file.metadata().await {
        Ok(m) => m.len(),
        Err(e) => return internal("cannot read the file", e),
    };
    let etag = format!("\"{id}\"");
    let mut response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, max-age=31536000, immutable");
    for (name, value) in user_content_headers(&stored.content_type) {
        response = response.header(name, value);
    }
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if not_modified {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(build_failed);
    }
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, len) = match range::parse(range, size) {
        Ranged::Full => (StatusCode::OK, 0, size),
        Ranged::Part { start, end } => {
            response =
                response.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        Ranged::Unsatisfiable => {
            return response
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Body::empty())
                .unwrap_or_else(build_failed);
        }
    };
    if start > 0 {
        if let Err(e) = file.seek(std::io::SeekFrom::Start(start)).await {
            return internal("cannot read the file", e);
        }
    }
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        file.take(len),
        DOWNLOAD_CHUNK_BYTES,
    ));
    response
        .status(status)
        .header(header::CONTENT_LENGTH, len)
        .body(body)
        .unwrap_or_else(build_failed)
}

/// The headers every answer carrying (or describing) user content gets:
/// the type sniffed at upload (never one a client declared), `nosniff`
/// so a browser keeps to it, `CSP: sandbox` so a document runs no script
/// and has no origin, and `Content-Disposition: attachment` for anything
/// that is not an image, audio or video, so a browser never renders it.
fn user_content_headers(sniffed: &str) -> Vec<(header::HeaderName, HeaderValue)> {
    let content_type = HeaderValue::from_str(sniffed)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut headers = vec![
        (header::CONTENT_TYPE, content_type),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox")),
    ];
    let media = ["image/", "audio/", "video/"].iter().any(|prefix| sniffed.starts_with(prefix));
    if !media {
        headers.push((header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment")));
    }
    headers
}

fn build_failed(e: axum::http::Error) -> Response {
    internal("cannot build the response", e)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn user_content_is_never_rendered_as_a_document() {
        let value = |sniffed: &str, name: header::HeaderName| {
            user_content_headers(sniffed)
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_str().expect("ascii").to_owned())
        };
        for sniffed in ["image/gif", "video/mp4", "audio/ogg"] {
            assert_eq!(value(sniffed, header::CONTENT_TYPE).as_deref(), Some(sniffed));
            assert_eq!(value(sniffed, header::CONTENT_DISPOSITION), None);
        }
        for sniffed in ["application/octet-stream", "application/pdf", "application/json"] {
            assert_eq!(value(sniffed, header::CONTENT_DISPOSITION).as_deref(), Some("attachment"));
        }
        for sniffed in ["image/gif", "application/octet-stream"] {
            assert_eq!(value(sniffed, header::X_CONTENT_TYPE_OPTIONS).as_deref(), Some("nosniff"));
            assert_eq!(value(sniffed, header::CONTENT_SECURITY_POLICY).as_deref(), Some("sandbox"));
        }
        // A stored value that is not a header value is served as bytes.
        assert_eq!(
            value("text/html\n", header::CONTENT_TYPE).as_deref(),
            Some("application/octet-stream")
        );
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
