//! Data on disk is the user's alone: every directory Confab creates is
//! `0700` and every file `0600`, whatever the process umask, and a file
//! written whole (settings, sessions, keys) is replaced atomically (a
//! temporary file in the same directory, `fsync`, `rename`, `fsync` of the
//! directory), so a reader sees the old content or the new, never a part.
//!
//! The server (database, stored files, uploads, secret key), the SDK
//! (stores, download cache, staged bodies), the app (settings, staged
//! files) and the CLI (`session.json`) all create their files through this
//! crate. On other platforms than Unix the modes do not apply (the user's
//! profile directory's ACL governs) and the functions only do the I/O.
//!
//! Existing directories are left as they are (a configured data directory
//! may be shared); existing files that a function opens for writing or
//! prepares are narrowed to `0600`.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Mode of the directories Confab creates.
pub const DIR_MODE: u32 = 0o700;

/// Mode of the files Confab creates.
pub const FILE_MODE: u32 = 0o600;

/// Creates `path` and its missing parents, each new one with mode
/// [`DIR_MODE`]. Existing directories are not changed.
pub fn create_dir_all(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(path)
}

/// Open options that create files with mode [`FILE_MODE`]; the caller adds
/// the access flags (`write`, `create`, …). Tokio callers convert them
/// with `tokio::fs::OpenOptions::from`.
pub fn open_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Creates (or truncates) `path` for writing, with mode [`FILE_MODE`]
/// (an existing file is narrowed to it too).
pub fn create_file(path: &Path) -> std::io::Result<File> {
    let file = open_options().write(true).create(true).truncate(true).open(path)?;
    narrow(&file)?;
    Ok(file)
}

/// Creates `path` for writing with mode [`FILE_MODE`]; fails with
/// `AlreadyExists` when it exists.
pub fn create_new_file(path: &Path) -> std::io::Result<File> {
    open_options().write(true).create_new(true).open(path)
}

/// Writes `bytes` as the whole content of `path`, atomically: through a
/// temporary file in the same directory that is synced and renamed over
/// `path`, then the directory is synced. The file has mode [`FILE_MODE`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, temp, written) = write_temp(path, bytes, |temp| std::fs::rename(temp, path))?;
    if let Err(e) = written {
        // The temporary file is ours alone and useless now; the write's
        // error is the one to report.
        if let Err(cleanup) = std::fs::remove_file(&temp) {
            return Err(std::io::Error::new(e.kind(), format!("{e} (and {cleanup})")));
        }
        return Err(e);
    }
    sync_dir(dir)
}

/// Writes `bytes` as a new file `path` (mode [`FILE_MODE`]) that appears
/// whole or not at all; fails with `AlreadyExists` (leaving the existing
/// file alone) when `path` exists, so concurrent creators agree on one.
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, temp, written) = write_temp(path, bytes, |temp| std::fs::hard_link(temp, path))?;
    // The temporary name goes whatever happened; the file lives on under
    // `path` when the link was made.
    let removed = std::fs::remove_file(&temp);
    written?;
    removed?;
    sync_dir(dir)
}

/// Writes `bytes` to a new temporary file beside `path` (mode
/// [`FILE_MODE`]), syncs it, closes it and then `publish`es it under
/// `path`. Returns the directory, the temporary file's path and whether
/// writing and publishing worked; the caller decides what becomes of the
/// temporary name.
fn write_temp<'p>(
    path: &'p Path,
    bytes: &[u8],
    publish: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<(&'p Path, std::path::PathBuf, std::io::Result<()>)> {
    let dir = parent_of(path);
    let name = file_name_of(path)?;
    let (temp, mut file) = create_temp(dir, &name)?;
    let synced = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let written = synced.and_then(|()| publish(&temp));
    Ok((dir, temp, written))
}

/// Copies `from` to a new or truncated `to` with mode [`FILE_MODE`].
pub fn copy_file(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = File::open(from)?;
    let mut target = create_file(to)?;
    std::io::copy(&mut source, &mut target)?;
    target.flush()
}

/// Sets an existing file's mode to [`FILE_MODE`].
pub fn restrict_file(path: &Path) -> std::io::Result<()> {
    set_mode(path, FILE_MODE)
}

/// Prepares the file of a SQLite database before it is opened: creates it
/// empty with mode [`FILE_MODE`] when missing, else narrows it (and its
/// `-wal`, `-shm` and `-journal` files, when present) to that mode. SQLite
/// creates those companion files with the database file's mode, so they
/// stay private too.
pub fn prepare_database_file(path: &Path) -> std::io::Result<()> {
    let file = open_options().write(true).create(true).truncate(false).open(path)?;
    narrow(&file)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        match restrict_file(Path::new(&companion)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The directory `path` is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The last component of `path`, for naming a temporary file beside it.
fn file_name_of(path: &Path) -> std::io::Result<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })
}

/// A new file `.<name>.<pid>-<n>.tmp` in `dir`.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(std::path::PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match create_new_file(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Left over by an earlier process with the same ID: next number.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(unix)]
fn narrow(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))
}

#[cfg(not(unix))]
fn narrow(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(path: &Path, _mode: u32) -> std::io::Result<()> {
    std::fs::metadata(path).map(drop)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The permission bits of `path` (Unix), for tests that check modes.
#[cfg(unix)]
pub fn mode_of(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn directories_are_0700_and_files_0600() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join("a/b/c");
        create_dir_all(&dir).expect("dirs");
        for d in [root.path().join("a"), root.path().join("a/b"), dir.clone()] {
            assert_eq!(mode_of(&d).expect("mode"), 0o700, "{}", d.display());
        }
        let file = dir.join("f");
        create_file(&file).expect("create");
        assert_eq!(mode_of(&file).expect("mode"), 0o600);
        // A world-readable file left by an older version is narrowed.
        let old = dir.join("old");
        std::fs::write(&old, b"x").expect("write");
        set_mode(&old, 0o644).expect("chmod");
        create_file(&old).expect("reopen");
        assert_eq!(mode_of(&old).expect("mode"), 0o600);
    }

    #[test]
    fn atomic_writes_replace_the_whole_file_and_leave_no_temporary() {
        let root = tempfile::tempdir().expect("tempdir");
        let path = root.path().join("session.json");
        write_atomic(&path, b"first").expect("write");
        std::fs::write(&path, b"first").expect("same");
        set_mode(&path, 0o644).expect("chmod");
        write_atomic(&path, b"second").expect("rewrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        assert_eq!(mode_of(&path).expect("mode"), 0o600);
        let names: Vec<_> = std::fs::read_dir(root.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("session.json")]);
    }

    #[test]
    fn new_atomic_files_never_replace_an_existing_one() {
        let root = tempfile::tempdir().expect("tempdir");
        let path = root.path().join("secret.key");
        write_new_atomic(&path, b"mine").expect("first");
        assert_eq!(mode_of(&path).expect("mode"), 0o600);
        let e = write_new_atomic(&path, b"theirs").expect_err("exists");
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).expect("read"), b"mine");
        assert_eq!(std::fs::read_dir(root.path()).expect("list").count(), 1);
    }

    #[test]
    fn database_files_and_their_companions_are_private() {
        let root = tempfile::tempdir().expect("tempdir");
        let db = root.path().join("x.db");
        prepare_database_file(&db).expect("new");
        assert_eq!(mode_of(&db).expect("mode"), 0o600);
        let wal = root.path().join("x.db-wal");
        std::fs::write(&wal, b"").expect("wal");
        set_mode(&wal, 0o644).expect("chmod");
        set_mode(&db, 0o644).expect("chmod");
        prepare_database_file(&db).expect("existing");
        assert_eq!(mode_of(&db).expect("mode"), 0o600);
        assert_eq!(mode_of(&wal).expect("mode"), 0o600);
    }
}
