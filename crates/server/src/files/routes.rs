//! The file service's HTTP side: its routes, the `Authorization` check of
//! every request, the upload requests (create, append, offset, cancel) and
//! downloads (with `Range` and `If-None-Match`), and the headers that keep
//! user content from being rendered as a document. Storing a finished
//! upload is [`super::storage`].

use super::range::{self, Ranged};
use super::storage::{self, Refused};
use super::uploads::{self, Lookup, Upload};
use super::{quota, KindRules as _, BODY_IDLE_TIMEOUT, DOWNLOAD_CHUNK_BYTES, MAX_FILE_NAME_BYTES};
use crate::auth;
use crate::http::{error, internal, store_failure, AppState};
use crate::server::ServerContext;
use crate::store::FileAccess;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_proto::files::{
    parse_authorization, CreateUpload, FileError, FileInfo, UploadCreated, UploadOffset,
    FILES_PATH, UPLOADS_PATH, UPLOAD_OFFSET,
};
use confab_proto::{code, UserId};
use futures_util::StreamExt as _;
use sha2::Digest as _;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

/// The file service's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(UPLOADS_PATH, post(create_upload))
        .route("/files/uploads/{upload_id}", get(upload_offset).patch(append).delete(cancel))
        .route("/files/{id}", get(download))
        .route("/files/{id}/{name}", get(download_named))
}

/// The user named by a valid `Authorization: UserSig <userID>:<userSig>`:
/// the sign-in checks of a WebSocket login ([`crate::auth`]), answered
/// with 401 (500 when the server failed).
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
    let refused = |e: confab_proto::ErrorBody| {
        let status = if e.code == code::INTERNAL {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::UNAUTHORIZED
        };
        error(status, e.code, e.message)
    };
    auth::check_user_id(user_id).map_err(refused)?;
    let verified = auth::verify_sig(ctx, user_id, user_sig).map_err(refused)?;
    let user = UserId::new(user_id);
    // A UserSig retired by a logout, renewal or sign-out opens no file either.
    auth::admit(ctx, &user, &verified).await.map_err(refused)?;
    Ok(user)
}

/// The `<userID>` and `<userSig>` of `Authorization: UserSig <userID>:<userSig>`.
pub(crate) fn user_sig_credentials(value: &HeaderValue) -> Option<(&str, &str)> {
    parse_authorization(value.to_str().ok()?)
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
        let conflict = FileError {
            code: code::MESSAGE_FILE_UPLOAD_FAIL,
            message: format!("the server has {offset} bytes of this upload; continue from there"),
            offset: Some(offset),
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
    let mut file = match storage::open_at(&part, offset).await {
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

/// Stores the complete upload and describes it, or the error response.
async fn finish(
    ctx: &ServerContext,
    upload: &Upload,
    file: tokio::fs::File,
    hasher: sha2::Sha256,
    headers: &HeaderMap,
) -> Result<FileInfo, Response> {
    match storage::store_upload(ctx, upload, file, hasher).await {
        Ok(stored) => Ok(FileInfo {
            url: format!("{}{FILES_PATH}/{}", base_url(ctx, headers), stored.id),
            uuid: stored.id,
            size: upload.size,
            kind: upload.kind,
            file_name: upload.file_name.clone(),
            content_type: stored.content_type.to_owned(),
        }),
        Err(Refused::WrongType(code)) => Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code,
            format!("the content is not an accepted {} format", upload.kind.as_str()),
        )),
        Err(Refused::MergerNamesForeignFile(named)) => Err(error(
            StatusCode::FORBIDDEN,
            code::FILE_ACCESS_DENIED,
            format!("the merger body names file {named}, which the uploader may not access"),
        )),
        Err(Refused::Failed(what, e)) => Err(internal(what, e)),
    }
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
    if !super::is_file_id(id) {
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
        Err(e) => return store_failure("cannot read file records", e),
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
}
