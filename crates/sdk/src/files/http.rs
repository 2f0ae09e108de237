//! The file service's HTTP client, shared by uploads and downloads: the
//! `Authorization` header of the login, the requests of the resumable
//! upload protocol and of a (ranged) download, and how an answer that is
//! not a success becomes a retry or a final error. The wire types are
//! `confab_proto::files`.

use super::upload::FileContext;
use crate::tls::TlsFailure;
use crate::TimError;
use confab_proto::files::{
    self, CreateUpload, FileError, UploadCreated, UploadOffset, PATCH_CONTENT_TYPE, UPLOADS_PATH,
    UPLOAD_OFFSET,
};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

/// Bytes read from disk at a time while streaming a chunk.
const READ_SIZE: usize = 64 * 1024;

/// Why one attempt failed.
pub(crate) enum Failure {
    /// Try again after a backoff (connection trouble, server hiccup).
    Retry(String),
    /// Give up with this error.
    Final(TimError),
}

impl From<TimError> for Failure {
    fn from(e: TimError) -> Self {
        Failure::Final(e)
    }
}

impl FileContext {
    /// The `Authorization` header value: the login's current UserSig
    /// (renewals replace it).
    pub(crate) fn authorization(&self) -> String {
        files::authorization(self.core.user_id.as_str(), &self.core.user_sig())
    }

    fn uploads_url(&self) -> String {
        format!("{}{UPLOADS_PATH}", self.base_url)
    }
}

/// A failed upload request is retried, unless TLS refused the server: that
/// fails the upload with the TLS code instead of retrying forever.
pub(crate) fn retry(e: &reqwest::Error) -> Failure {
    match TlsFailure::find_in(e) {
        Some(failure) => Failure::Final(TimError::tls(failure, e)),
        None => Failure::Retry(e.to_string()),
    }
}

/// The file service's error body of a response, when it has one.
pub(crate) async fn error_body(response: reqwest::Response) -> Option<FileError> {
    response.json::<FileError>().await.ok()
}

/// Reads an upload's error response: final with the server's code for 4xx
/// and for a full file store (507 90022, which waiting does not fix),
/// retried for other 5xx.
pub(crate) async fn refusal(response: reqwest::Response, fallback: i32) -> Failure {
    let status = response.status();
    let body = error_body(response).await;
    if let Some(b) = body.as_ref().filter(|b| b.code == confab_proto::code::STORAGE_FULL) {
        return Failure::Final(TimError::new(b.code, b.message.clone()));
    }
    if status.is_server_error()
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
    {
        return Failure::Retry(format!("server answered {status}"));
    }
    match body {
        Some(b) => Failure::Final(TimError::new(b.code, b.message)),
        None => {
            Failure::Final(TimError::new(fallback, format!("the file service answered {status}")))
        }
    }
}

/// `GET /files/uploads/{id}`: the offset the server has of an unfinished
/// upload; `None` when it is gone (expired, or finished without our seeing
/// the answer).
pub(crate) async fn upload_offset(
    ctx: &FileContext,
    upload_id: &str,
    fail_code: i32,
) -> Result<Option<u64>, Failure> {
    let response = ctx
        .http
        .get(format!("{}/{upload_id}", ctx.uploads_url()))
        .header(reqwest::header::AUTHORIZATION, ctx.authorization())
        .send()
        .await
        .map_err(|e| retry(&e))?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !response.status().is_success() {
        return Err(refusal(response, fail_code).await);
    }
    let at: UploadOffset = response.json().await.map_err(|e| retry(&e))?;
    Ok(Some(at.offset))
}

/// `POST /files/uploads`: creates an upload.
pub(crate) async fn create_upload(
    ctx: &FileContext,
    request: &CreateUpload,
    fail_code: i32,
) -> Result<UploadCreated, Failure> {
    let response = ctx
        .http
        .post(ctx.uploads_url())
        .header(reqwest::header::AUTHORIZATION, ctx.authorization())
        .json(request)
        .send()
        .await
        .map_err(|e| retry(&e))?;
    if !response.status().is_success() {
        return Err(refusal(response, fail_code).await);
    }
    response.json().await.map_err(|e| retry(&e))
}

/// What a `PATCH` came to.
pub(crate) enum Appended {
    /// Accepted: the server's offset, and the file once complete.
    At(UploadOffset),
    /// Sent at the wrong offset: the server has this many bytes.
    Conflict(u64),
    /// The upload is gone on the server.
    Gone,
}

/// `PATCH /files/uploads/{id}`: appends `body` (`length` bytes) at `offset`.
pub(crate) async fn append(
    ctx: &FileContext,
    upload_id: &str,
    offset: u64,
    length: u64,
    body: reqwest::Body,
    fail_code: i32,
) -> Result<Appended, Failure> {
    let response = ctx
        .http
        .patch(format!("{}/{upload_id}", ctx.uploads_url()))
        .header(reqwest::header::AUTHORIZATION, ctx.authorization())
        .header(UPLOAD_OFFSET, offset.to_string())
        .header(reqwest::header::CONTENT_TYPE, PATCH_CONTENT_TYPE)
        .header(reqwest::header::CONTENT_LENGTH, length.to_string())
        .body(body)
        .send()
        .await
        .map_err(|e| retry(&e))?;
    match response.status() {
        s if s.is_success() => Ok(Appended::At(response.json().await.map_err(|e| retry(&e))?)),
        reqwest::StatusCode::CONFLICT => {
            let body: FileError = response.json().await.map_err(|e| retry(&e))?;
            match body.offset {
                Some(at) => Ok(Appended::Conflict(at)),
                None => Err(Failure::Final(TimError::new(body.code, body.message))),
            }
        }
        reqwest::StatusCode::NOT_FOUND => Ok(Appended::Gone),
        _ => Err(refusal(response, fail_code).await),
    }
}

/// `GET /files/{uuid}`, from byte `from` on (a `Range` request when it is
/// not 0).
pub(crate) async fn get_file(
    ctx: &FileContext,
    uuid: &str,
    from: u64,
) -> reqwest::Result<reqwest::Response> {
    let url = format!("{}{}/{uuid}", ctx.base_url, files::FILES_PATH);
    let mut request =
        ctx.http.get(&url).header(reqwest::header::AUTHORIZATION, ctx.authorization());
    if from > 0 {
        request = request.header(reqwest::header::RANGE, format!("bytes={from}-"));
    }
    request.send().await
}

/// A request body streaming `length` bytes of `path` from `offset`, read
/// [`READ_SIZE`] at a time (never the whole chunk in memory).
pub(crate) async fn chunk_body(
    path: &std::path::Path,
    offset: u64,
    length: u64,
) -> std::io::Result<reqwest::Body> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    let stream = futures_util::stream::try_unfold((file, length), |(mut file, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let want = usize::try_from(left).unwrap_or(READ_SIZE).min(READ_SIZE);
        let mut buffer = vec![0u8; want];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file got shorter while uploading",
            ));
        }
        buffer.truncate(read);
        Ok::<_, std::io::Error>(Some((bytes::Bytes::from(buffer), (file, left - read as u64))))
    });
    Ok(reqwest::Body::wrap_stream(stream))
}
