//! Downloads of a message's files into the local cache
//! `<data_dir>/<sdkAppID>/<userID>.files/<uuid>.<ext>`, where `<ext>` comes
//! from the content type the server sniffed, through the allow-list of
//! [`super::cache`] (never from the payload the sender wrote).
//!
//! A download streams into `<uuid>.part` (resumed with `Range` after an
//! interruption), is verified against its file ID (SHA-256 of the content)
//! and then renamed, so a file in the cache is always complete and right;
//! a second call finds it and returns at once. One lock per file ID keeps
//! concurrent downloads of the same file apart. The requests are
//! [`super::http`], shared with uploads.

use super::cache::{cache_file_name, CacheKind, FALLBACK_EXTENSION};
use super::http::{self, Failure};
use super::upload::FileService;
use super::{is_file_id, Rendition};
use crate::event::Event;
use crate::model::Message;
use crate::TimError;
use confab_proto::code;
use confab_proto::message::{file_id_of_url, MessageElement};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// Attempts of one download before it fails with 2800.
const ATTEMPTS: u32 = 6;
/// Least progress between two progress events.
const PROGRESS_STEP: u64 = 64 * 1024;

/// Which file to fetch and which extension allow-list names it.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    uuid: String,
    size: u64,
    /// The kind of content expected: picks the extension allow-list.
    kind: CacheKind,
}

fn no_file(what: &str) -> TimError {
    TimError::new(code::MESSAGE_FILE_URL_IS_EMPTY, format!("the message has no {what}"))
}

fn target(message: &Message, rendition: Rendition) -> Result<Target, TimError> {
    let element = message.element()?;
    // Only file IDs and sizes come from the payload: its formats and file
    // names are the sender's word and never name a file on this disk.
    let target = match (&element, rendition) {
        (MessageElement::Image(p), Rendition::Original | Rendition::Big | Rendition::Small) => {
            let index = match rendition {
                Rendition::Original => 0,
                Rendition::Big => 1,
                _ => 2,
            };
            let info = p.image_info_array.iter().find(|i| i.kind == index);
            let uuid = match (index, info) {
                (0, _) => p.uuid.clone(),
                (_, Some(i)) => file_id_of_url(&i.url).unwrap_or_default().to_owned(),
                (_, None) => String::new(),
            };
            Target { size: info.map(|i| i.size).unwrap_or(0), kind: CacheKind::Image, uuid }
        }
        (MessageElement::Video(p), Rendition::Original) => {
            Target { uuid: p.video_uuid.clone(), size: p.video_size, kind: CacheKind::Video }
        }
        (MessageElement::Video(p), Rendition::VideoCover) => {
            let uuid = if p.thumb_uuid.is_empty() {
                file_id_of_url(&p.snapshot_url).unwrap_or_default().to_owned()
            } else {
                p.thumb_uuid.clone()
            };
            Target { uuid, size: p.thumb_size, kind: CacheKind::Image }
        }
        (MessageElement::Sound(p), Rendition::Original) => {
            Target { uuid: p.uuid.clone(), size: p.size, kind: CacheKind::Audio }
        }
        (MessageElement::File(p), Rendition::Original) => {
            Target { uuid: p.uuid.clone(), size: p.file_size, kind: CacheKind::File }
        }
        (MessageElement::Merger(p), Rendition::Original) => {
            Target { uuid: p.download_key.clone(), size: 0, kind: CacheKind::Merger }
        }
        (_, rendition) => return Err(no_file(&format!("{} file", rendition.as_str()))),
    };
    if target.uuid.is_empty() {
        return Err(no_file("uploaded file (not sent yet?)"));
    }
    if !is_file_id(&target.uuid) {
        return Err(TimError::new(code::MESSAGE_FILE_URL_IS_EMPTY, "the file ID is malformed"));
    }
    Ok(target)
}

/// The cached file of a target, if present: `<uuid>.<ext>` for an
/// extension of its kind's allow-list (or [`FALLBACK_EXTENSION`]).
fn cached(dir: &Path, target: &Target) -> Option<PathBuf> {
    target
        .kind
        .extensions()
        .chain(std::iter::once(FALLBACK_EXTENSION))
        .map(|ext| dir.join(format!("{}.{ext}", target.uuid)))
        .find(|p| p.is_file())
}

/// Fetches a file of `message` into the cache (or finds it there) and
/// returns its path.
pub(crate) async fn download(
    service: &FileService,
    message: &Message,
    rendition: Rendition,
) -> Result<PathBuf, TimError> {
    let target = target(message, rendition)?;
    into_cache(service, &target, Some((&message.id, rendition))).await
}

/// Fetches the image with file ID `uuid` (an avatar, which names no
/// message) into the cache, or finds it there; its path.
pub(crate) async fn download_image(service: &FileService, uuid: &str) -> Result<PathBuf, TimError> {
    if !is_file_id(uuid) {
        return Err(TimError::new(code::MESSAGE_FILE_URL_IS_EMPTY, "the file ID is malformed"));
    }
    let target = Target { uuid: uuid.to_owned(), size: 0, kind: CacheKind::Image };
    into_cache(service, &target, None).await
}

/// Fetches `target` into the cache (or finds it there), reporting progress
/// as `onFileDownloadProgress` of `progress` (a message ID and rendition)
/// when given; its path.
async fn into_cache(
    service: &FileService,
    target: &Target,
    progress: Option<(&str, Rendition)>,
) -> Result<PathBuf, TimError> {
    let ctx = &service.ctx;
    let dir = &ctx.cache_dir;
    if let Some(path) = cached(dir, target) {
        return Ok(path);
    }
    let lock = {
        let mut locks = service.downloads.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry(target.uuid.clone()).or_default())
    };
    let _guard = lock.lock().await;
    if let Some(path) = cached(dir, target) {
        return Ok(path);
    }
    confab_private_fs::create_dir_all(dir)
        .map_err(|e| TimError::internal(format!("download cache: {e}")))?;
    let part = dir.join(format!("{}.part", target.uuid));
    let mut attempt = 0;
    let content_type = loop {
        match fetch(service, progress, target, &part).await {
            Ok(content_type) => break content_type,
            Err(Failure::Final(e)) => return Err(e),
            Err(Failure::Retry(why)) => {
                attempt += 1;
                if attempt >= ATTEMPTS {
                    return Err(TimError::network(format!("download failed: {why}")));
                }
                tokio::time::sleep(ctx.backoff.delay(attempt - 1, rand::random())).await;
            }
        }
    };
    let check = part.clone();
    let digest = tokio::task::spawn_blocking(move || sha256_of(&check))
        .await
        .map_err(|e| TimError::internal(format!("verifying: {e}")))?
        .map_err(|e| TimError::internal(format!("verifying: {e}")))?;
    if digest != target.uuid {
        remove_quietly(&part).await;
        return Err(TimError::network("the downloaded file does not match its ID"));
    }
    let path = dir.join(cache_file_name(&target.uuid, target.kind, &content_type));
    tokio::fs::rename(&part, &path)
        .await
        .map_err(|e| TimError::internal(format!("download cache: {e}")))?;
    Ok(path)
}

async fn remove_quietly(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await {
        tracing::debug!("removing {}: {e}", path.display());
    }
}

/// Lowercase hex SHA-256 of a file.
fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// One attempt: appends to `part` from its current length; returns the
/// response's content type.
async fn fetch(
    service: &FileService,
    progress: Option<(&str, Rendition)>,
    target: &Target,
    part: &Path,
) -> Result<String, Failure> {
    let ctx = &service.ctx;
    let have = match tokio::fs::metadata(part).await {
        Ok(m) => m.len(),
        Err(_) => 0,
    };
    let response =
        http::get_file(ctx, &target.uuid, have).await.map_err(|e| Failure::Retry(e.to_string()))?;
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let append = match status {
        reqwest::StatusCode::PARTIAL_CONTENT => true,
        reqwest::StatusCode::OK => false,
        reqwest::StatusCode::RANGE_NOT_SATISFIABLE => {
            // Everything is here already (or the part is wrong: start over).
            if have == target.size && target.size > 0 {
                return Ok(content_type);
            }
            remove_quietly(part).await;
            return Err(Failure::Retry("range not satisfiable".into()));
        }
        s if s.is_server_error() => return Err(Failure::Retry(format!("server answered {s}"))),
        s => {
            let error = match http::error_body(response).await {
                Some(b) => TimError::new(b.code, b.message),
                None => TimError::new(code::MESSAGE_FILE_URL_IS_EMPTY, format!("answered {s}")),
            };
            return Err(Failure::Final(error));
        }
    };
    let start = if append { have } else { 0 };
    let total = response.content_length().map(|l| l + start).unwrap_or(target.size.max(start));
    let mut file = tokio::fs::OpenOptions::from(confab_private_fs::open_options())
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .await
        .map_err(|e| Failure::Final(TimError::internal(format!("download cache: {e}"))))?;
    let mut loaded = start;
    let mut reported = 0u64;
    let emit = |loaded: u64| {
        if let Some((id, rendition)) = progress {
            ctx.core.emit(Event::FileDownloadProgress {
                id: id.to_owned(),
                rendition,
                loaded,
                total,
            });
        }
    };
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                // Keep what arrived: the next attempt resumes after it.
                file.flush().await.map_err(|e| Failure::Retry(e.to_string()))?;
                return Err(Failure::Retry(e.to_string()));
            }
        };
        file.write_all(&chunk)
            .await
            .map_err(|e| Failure::Final(TimError::internal(format!("download cache: {e}"))))?;
        loaded += chunk.len() as u64;
        if loaded - reported >= PROGRESS_STEP {
            reported = loaded;
            emit(loaded);
        }
    }
    file.flush().await.map_err(|e| Failure::Final(TimError::internal(e.to_string())))?;
    if reported != loaded {
        emit(loaded);
    }
    Ok(content_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::sample_message;
    use confab_proto::message::{FilePayload, ImageInfo, ImagePayload};

    #[test]
    fn targets_come_from_the_payload() {
        let id = |c: char| c.to_string().repeat(64);
        let mut message = sample_message();
        message.set_element(&MessageElement::Image(ImagePayload {
            uuid: id('a'),
            image_format: 3,
            image_info_array: vec![
                ImageInfo {
                    kind: 0,
                    width: 9,
                    height: 9,
                    size: 90,
                    url: format!("http://h/files/{}", id('a')),
                },
                ImageInfo {
                    kind: 1,
                    width: 9,
                    height: 9,
                    size: 90,
                    url: format!("http://h/files/{}", id('a')),
                },
                ImageInfo {
                    kind: 2,
                    width: 3,
                    height: 3,
                    size: 30,
                    url: format!("http://h/files/{}", id('b')),
                },
            ],
        }));
        let t = target(&message, Rendition::Big).expect("big");
        assert_eq!((t.uuid, t.kind), (id('a'), CacheKind::Image));
        let t = target(&message, Rendition::Small).expect("small");
        assert_eq!((t.uuid, t.size, t.kind), (id('b'), 30, CacheKind::Image));
        assert_eq!(target(&message, Rendition::VideoCover).unwrap_err().code, 2403);

        message.set_element(&MessageElement::File(FilePayload {
            uuid: id('c'),
            file_name: "report.final.PDF".into(),
            file_url: String::new(),
            file_size: 5,
        }));
        // The sender's file name says nothing about the cached file.
        let t = target(&message, Rendition::Original).expect("file");
        assert_eq!(t.kind, CacheKind::File);
        message.set_element(&MessageElement::File(FilePayload {
            uuid: "../../x".into(),
            ..FilePayload::default()
        }));
        assert_eq!(target(&message, Rendition::Original).unwrap_err().code, 2403);
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").expect("write");
        assert_eq!(
            sha256_of(&path).expect("hash"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
