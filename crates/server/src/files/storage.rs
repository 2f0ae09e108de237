//! Storing a finished upload: the content's type is sniffed and checked
//! against its kind, the content is moved to `<data_dir>/files/<id[0..2]>/<id>`
//! (its ID is its SHA-256: identical contents are stored once), recorded
//! with the files a merger body names, and the uploader is granted it. No
//! HTTP here: [`super::routes`] turns a [`Refused`] into its answer.

use super::uploads::Upload;
use super::{hex, sniff, KindRules as _};
use crate::server::ServerContext;
use crate::store::{StoreError, StoredFile};
use confab_proto::files::FileKind;
use sha2::Digest as _;
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

/// A stored upload.
#[derive(Debug)]
pub(crate) struct Stored {
    /// File ID: lowercase hex SHA-256 of the content.
    pub id: String,
    /// The content type it is served with (sniffed).
    pub content_type: &'static str,
}

/// Why an upload was not stored.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The content is not of the upload's kind: TIM's code for that.
    WrongType(i32),
    /// A merger body names a file (this ID) the uploader may not access.
    MergerNamesForeignFile(String),
    /// The server failed: what it was doing, and why.
    Failed(&'static str, String),
}

/// The server failed at `what`.
fn failed(what: &'static str, e: impl std::fmt::Display) -> Refused {
    Refused::Failed(what, e.to_string())
}

/// Opens an upload's part file for appending at `offset`, dropping any
/// bytes past it (from a failed write).
pub(crate) async fn open_at(
    path: &std::path::Path,
    offset: u64,
) -> std::io::Result<tokio::fs::File> {
    let mut file = tokio::fs::OpenOptions::new().write(true).open(path).await?;
    // Bytes past the accepted offset (from a failed write) are dropped.
    file.set_len(offset).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    Ok(file)
}

/// Checks the complete upload's type, stores it by its hash, records it and
/// grants the uploader.
pub(crate) async fn store_upload(
    ctx: &ServerContext,
    upload: &Upload,
    file: tokio::fs::File,
    hasher: sha2::Sha256,
) -> Result<Stored, Refused> {
    let part = ctx.files.uploads.part_path(&upload.id);
    file.sync_all().await.map_err(|e| failed("cannot sync the upload's data", e))?;
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
    read.await.map_err(|e| failed("cannot read the upload's data", e))?;
    let content_type = upload.kind.content_type(sniff::sniff(&head)).map_err(Refused::WrongType)?;
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
        Ok(Err(e)) => return Err(failed("cannot store the file", e)),
        Err(e) => return Err(failed("file storing task failed", e)),
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
            Err(e) => return Err(failed("merger body task failed", e)),
        }
    } else {
        Vec::new()
    };
    match ctx.store.record_file(record, upload.owner.clone(), refs).await {
        Ok(()) => {}
        Err(StoreError::FileAccessDenied(named)) => {
            return Err(Refused::MergerNamesForeignFile(named))
        }
        Err(e) => return Err(failed("cannot record the file", e)),
    }
    tracing::debug!(file = %id, size = upload.size, kind = upload.kind.as_str(), "upload finished");
    Ok(Stored { id, content_type })
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
