//! Unfinished uploads: the in-memory registry and their temp files.
//!
//! Each upload is two files in `<data_dir>/files/tmp/`: `<uploadID>.part`
//! (the bytes received so far) and `<uploadID>.json` (who, what kind, name,
//! declared size, creation time), so uploads survive a restart. The offset
//! is the number of bytes accepted; it is published after every chunk so
//! `GET /files/uploads/{id}` answers without waiting for a running `PATCH`.
//!
//! Only one `PATCH` of an upload runs at a time (the [`Progress`] lock);
//! the SHA-256 state it holds covers `hashed` bytes and is rebuilt from the
//! `.part` file whenever that differs from the offset (after a restart or a
//! failed write).

use super::FileKind;
use confab_proto::UserId;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Length of an upload ID: 32 lowercase hex characters (128 random bits).
pub(crate) const UPLOAD_ID_LEN: usize = 32;

/// Whether `id` has the shape of an upload ID (and so is safe in a path).
pub(crate) fn is_upload_id(id: &str) -> bool {
    id.len() == UPLOAD_ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A fresh random upload ID.
fn new_upload_id() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; UPLOAD_ID_LEN / 2];
    rand::rng().fill_bytes(&mut bytes);
    super::hex(&bytes)
}

/// What the `.json` beside an upload's bytes records.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    owner: UserId,
    kind: FileKind,
    file_name: String,
    size: u64,
    created_ms: i64,
}

/// The hashing state of an upload; held by the `PATCH` receiving it.
pub(crate) struct Progress {
    /// SHA-256 of the first `hashed` bytes.
    pub hasher: Sha256,
    /// How many bytes `hasher` covers.
    pub hashed: u64,
}

/// One unfinished upload.
pub(crate) struct Upload {
    /// Its ID.
    pub id: String,
    /// Who created it; nobody else may touch it.
    pub owner: UserId,
    /// Declared kind.
    pub kind: FileKind,
    /// Declared file name (echoed in the FileInfo).
    pub file_name: String,
    /// Declared size in bytes.
    pub size: u64,
    /// Creation time on the server clock, ms.
    pub created_ms: i64,
    /// Bytes accepted so far.
    pub offset: AtomicU64,
    /// Set once it was finished, cancelled or expired.
    pub gone: AtomicBool,
    /// Hashing state; locked by the request writing to it.
    pub progress: tokio::sync::Mutex<Progress>,
}

impl Upload {
    /// Bytes accepted so far.
    pub fn offset(&self) -> u64 {
        self.offset.load(Ordering::Acquire)
    }

    /// Whether it was finished, cancelled or expired.
    pub fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Acquire)
    }
}

/// The registry of unfinished uploads and the temp directory.
pub(crate) struct Uploads {
    dir: PathBuf,
    expire_ms: i64,
    live: Mutex<HashMap<String, Arc<Upload>>>,
}

/// Why an upload cannot be used by a caller.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// No such (live) upload.
    NotFound,
    /// Someone else's.
    NotOwner,
}

impl Uploads {
    /// Opens the temp directory `dir` (creating it), dropping uploads that
    /// expired before `now_ms` and stray files, and registering the rest.
    /// Blocking file I/O.
    pub fn open(dir: PathBuf, expire_ms: i64, now_ms: i64) -> std::io::Result<Self> {
        confab_private_fs::create_dir_all(&dir)?;
        let mut live = HashMap::new();
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir)? {
            names.push(entry?.file_name().to_string_lossy().into_owned());
        }
        for name in &names {
            let (id, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let keep = is_upload_id(id)
                && match ext {
                    "json" => match load(&dir, id, expire_ms, now_ms) {
                        Some(upload) => {
                            live.insert(id.to_owned(), Arc::new(upload));
                            true
                        }
                        None => false,
                    },
                    "part" => names.contains(&format!("{id}.json")),
                    _ => false,
                };
            if !keep {
                remove_quietly(&dir.join(name));
            }
        }
        // A `.part` kept beside a `.json` that was dropped goes too.
        for name in &names {
            if let Some(id) = name.strip_suffix(".part") {
                if !live.contains_key(id) {
                    remove_quietly(&dir.join(name));
                }
            }
        }
        if !live.is_empty() {
            tracing::info!(uploads = live.len(), "resumable uploads kept from before the restart");
        }
        Ok(Self { dir, expire_ms, live: Mutex::new(live) })
    }

    /// Path of an upload's received bytes.
    pub fn part_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    fn meta_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Creates an upload: writes its empty `.part` and its `.json`, then
    /// registers it.
    pub async fn create(
        &self,
        owner: UserId,
        kind: FileKind,
        file_name: String,
        size: u64,
        now_ms: i64,
    ) -> std::io::Result<Arc<Upload>> {
        let id = new_upload_id();
        let meta = Meta { owner, kind, file_name, size, created_ms: now_ms };
        let json = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
        let (part, meta_path) = (self.part_path(&id), self.meta_path(&id));
        tokio::task::spawn_blocking(move || {
            confab_private_fs::create_new_file(&part)?;
            confab_private_fs::write_atomic(&meta_path, &json)
        })
        .await
        .map_err(std::io::Error::other)??;
        let upload = Arc::new(from_meta(id.clone(), meta, 0));
        self.live.lock().unwrap_or_else(|p| p.into_inner()).insert(id, Arc::clone(&upload));
        Ok(upload)
    }

    /// The live upload `id` if `user` owns it; an expired one is discarded.
    pub async fn find(&self, id: &str, user: &UserId, now_ms: i64) -> Result<Arc<Upload>, Lookup> {
        let found = self.live.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned();
        let upload = found.ok_or(Lookup::NotFound)?;
        if self.is_expired(&upload, now_ms) {
            self.discard(&upload).await;
            return Err(Lookup::NotFound);
        }
        if &upload.owner != user {
            return Err(Lookup::NotOwner);
        }
        Ok(upload)
    }

    fn is_expired(&self, upload: &Upload, now_ms: i64) -> bool {
        now_ms.saturating_sub(upload.created_ms) >= self.expire_ms
    }

    /// Marks the upload gone and unregisters it, so no new request uses it
    /// and a running `PATCH` stops at its next chunk.
    pub fn retire(&self, upload: &Upload) {
        upload.gone.store(true, Ordering::Release);
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        if live.get(&upload.id).is_some_and(|u| std::ptr::eq(Arc::as_ptr(u), upload)) {
            live.remove(&upload.id);
        }
    }

    /// Retires the upload and deletes its files (after a running `PATCH`
    /// let go of it).
    pub async fn discard(&self, upload: &Upload) {
        self.retire(upload);
        let _writer_done = upload.progress.lock().await;
        self.remove_files(&upload.id).await;
    }

    /// Deletes an upload's temp files (the `.part` may already be gone).
    pub async fn remove_files(&self, id: &str) {
        for path in [self.part_path(id), self.meta_path(id)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cannot remove upload data")
                }
            }
        }
    }

    /// Declared bytes of the live uploads: `owner`'s, and everyone's (space
    /// they will take once finished, counted against quotas meanwhile).
    pub fn reserved_bytes(&self, owner: &UserId) -> (u64, u64) {
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.values().fold((0, 0), |(mine, all), u| {
            let own = if &u.owner == owner { u.size } else { 0 };
            (mine.saturating_add(own), all.saturating_add(u.size))
        })
    }

    /// Discards every upload expired at `now_ms`; returns how many.
    pub async fn sweep(&self, now_ms: i64) -> usize {
        let expired: Vec<Arc<Upload>> = self
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .filter(|u| self.is_expired(u, now_ms))
            .cloned()
            .collect();
        for upload in &expired {
            self.discard(upload).await;
        }
        expired.len()
    }
}

fn from_meta(id: String, meta: Meta, offset: u64) -> Upload {
    Upload {
        id,
        owner: meta.owner,
        kind: meta.kind,
        file_name: meta.file_name,
        size: meta.size,
        created_ms: meta.created_ms,
        offset: AtomicU64::new(offset),
        gone: AtomicBool::new(false),
        progress: tokio::sync::Mutex::new(Progress { hasher: Sha256::new(), hashed: 0 }),
    }
}

/// Reads an upload kept on disk; `None` (so it is deleted) when expired,
/// unreadable or without its bytes.
fn load(dir: &Path, id: &str, expire_ms: i64, now_ms: i64) -> Option<Upload> {
    let meta: Meta = serde_json::from_slice(&std::fs::read(dir.join(format!("{id}.json"))).ok()?)
        .map_err(|e| tracing::warn!(upload = id, error = %e, "unreadable upload record dropped"))
        .ok()?;
    if now_ms.saturating_sub(meta.created_ms) >= expire_ms {
        return None;
    }
    let len = std::fs::metadata(dir.join(format!("{id}.part"))).ok()?.len();
    let offset = len.min(meta.size);
    Some(from_meta(id.to_owned(), meta, offset))
}

fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove stale upload data");
        }
    }
}

/// SHA-256 of the first `len` bytes of `path`, read in chunks. Blocking.
pub(crate) fn hash_prefix(path: &Path, len: u64) -> std::io::Result<Sha256> {
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?.take(len);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
    }
    if read != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("expected {len} bytes, found {read}"),
        ));
    }
    Ok(hasher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_ids_are_32_lowercase_hex() {
        let id = new_upload_id();
        assert!(is_upload_id(&id), "{id}");
        assert_ne!(new_upload_id(), id);
        for bad in
            ["", "../x", &id.to_uppercase(), &id[1..], &format!("{id}0"), "g".repeat(32).as_str()]
        {
            assert!(!is_upload_id(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn uploads_survive_a_reopen_until_they_expire() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = dir.path().join("tmp");
        let uploads = Uploads::open(tmp.clone(), 1_000, 0).expect("open");
        let alice = UserId::new("alice");
        let upload = uploads
            .create(alice.clone(), FileKind::File, "a.txt".into(), 10, 0)
            .await
            .expect("create");
        std::fs::write(uploads.part_path(&upload.id), b"hello").expect("write");
        std::fs::write(tmp.join("stray.txt"), b"x").expect("stray");
        let reopened = Uploads::open(tmp.clone(), 1_000, 500).expect("reopen");
        let found = reopened.find(&upload.id, &alice, 500).await.expect("kept");
        assert_eq!(found.offset(), 5);
        assert_eq!(found.file_name, "a.txt");
        assert!(!tmp.join("stray.txt").exists());
        assert_eq!(
            reopened.find(&upload.id, &UserId::new("bob"), 500).await.err(),
            Some(Lookup::NotOwner)
        );
        assert_eq!(reopened.find(&upload.id, &alice, 1_000).await.err(), Some(Lookup::NotFound));
        assert!(!reopened.part_path(&upload.id).exists(), "expired data removed");
        let again = Uploads::open(tmp, 1_000, 0).expect("open again");
        assert_eq!(again.find(&upload.id, &alice, 0).await.err(), Some(Lookup::NotFound));
    }

    #[test]
    fn hash_prefix_hashes_exactly_the_prefix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"abcdef").expect("write");
        let mut expected = Sha256::new();
        expected.update(b"abc");
        assert_eq!(hash_prefix(&path, 3).expect("hash").finalize(), expected.finalize());
        assert!(hash_prefix(&path, 7).is_err());
    }
}
