//! The app's native file interactions: file pickers, opening and revealing
//! files with the system, "save as", images from the clipboard, and the
//! URLs under which the webview loads cached files. The shell implements
//! them in [`crate::DesktopHooks`]; this module holds the command handlers
//! and their argument types. File *paths* cross the app boundary, never
//! file bytes: the SDK reads and uploads the files itself. The one
//! exception is `app.writeStagedFile`: a small image the webview made
//! itself (a video's cover frame, at most [`MAX_STAGED_WRITE`] bytes),
//! written to `<data dir>/staging/` so the SDK can send it by path.
//! `app.localFileUrl` lets the webview load a file the user chose (the
//! video the frame is taken from); the desktop registers that one file
//! with its loopback file server ([`crate::local_files`]) first.
//!
//! The web host has no native side: pickers and the clipboard answer
//! [`code::UNSUPPORTED_ON_HOST`] and the UI falls back to the browser's own
//! (staging the bytes with the web host's `POST /stage`).

use crate::core::{AppCore, HookError};
use crate::error::internal;
pub use confab_proto::files::FileKind;
use confab_proto::{code, ErrorBody};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The filter a file picker shows for a kind of file message
/// (`app.pickFiles`): a name and the extensions it lets through (empty: any
/// file). `None` for a merger body, which is never picked.
pub fn picker_filter(kind: FileKind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        FileKind::Image => Some(("Images", &["jpg", "jpeg", "png", "gif", "webp", "bmp"])),
        FileKind::Video => Some(("Videos", &["mp4", "mov", "webm"])),
        FileKind::Audio => Some(("Audio", &["mp3", "m4a", "aac", "wav", "ogg", "opus"])),
        FileKind::File => Some(("All files", &[])),
        FileKind::Merger => None,
    }
}

/// `app.pickFiles` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickFilesArgs {
    /// What to offer (`merger` is refused).
    pub kind: FileKind,
    /// Several files may be chosen.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub multiple: Option<bool>,
}

/// `app.pickFiles` result: the chosen paths (empty when cancelled).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickFilesResult {
    /// Absolute paths.
    pub paths: Vec<String>,
}

/// Arguments naming a local file (`app.openFile`, `app.revealFile`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathArgs {
    /// Absolute path.
    pub path: String,
}

/// `app.saveFileAs` arguments: copy a (downloaded) file to where the user
/// chooses.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveFileAsArgs {
    /// The file to copy.
    pub path: String,
    /// The name the dialog suggests.
    pub file_name: String,
}

/// A path, or none (`app.saveFileAs` cancelled, `app.pasteImage` with no
/// image on the clipboard).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaybePath {
    /// Absolute path, or null.
    pub path: Option<String>,
}

/// `app.localFileUrl` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalFileUrl {
    /// The URL the webview loads the file from (desktop: the loopback file
    /// server).
    pub url: String,
}

/// `app.writeStagedFile` arguments: a small file the webview generated
/// (a video's cover frame), as base64.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteStagedFileArgs {
    /// The file name to keep (only its last component; e.g. `cover.jpg`).
    pub name: String,
    /// The content, standard base64 (at most [`MAX_STAGED_WRITE`] bytes
    /// decoded).
    pub base64: String,
}

/// `app.writeStagedFile` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedFile {
    /// Absolute path of the written file, inside `<data dir>/staging/`.
    pub path: String,
}

/// Largest file `app.writeStagedFile` writes: file bytes do not cross the
/// app boundary, except small images the webview makes itself.
pub const MAX_STAGED_WRITE: usize = 2 * 1024 * 1024;

/// An image read from the clipboard, as RGBA pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipboardImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, row-major RGBA.
    pub rgba: Vec<u8>,
}

/// The error of a native feature this host does not have.
pub(crate) fn unsupported(what: &str) -> HookError {
    Box::new(Unsupported(what.to_owned()))
}

/// A native feature the host does not have (web host, tests).
#[derive(Debug, thiserror::Error)]
#[error("{0} is not available in this host")]
pub struct Unsupported(pub String);

fn hook_error(e: &HookError) -> ErrorBody {
    if e.downcast_ref::<Unsupported>().is_some() {
        ErrorBody::new(code::UNSUPPORTED_ON_HOST, e.to_string())
    } else {
        internal(e)
    }
}

/// Runs a (possibly blocking: dialogs wait for the user) hook off the
/// async runtime.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HookError> + Send + 'static,
) -> Result<T, ErrorBody> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(|e| hook_error(&e)),
        Err(e) => Err(internal(&e)),
    }
}

fn absolute(path: &str) -> Result<PathBuf, ErrorBody> {
    let path = PathBuf::from(path);
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(crate::error::invalid(format!("{path:?} is not an absolute path")))
    }
}

fn to_strings(paths: Vec<PathBuf>) -> Vec<String> {
    paths.into_iter().map(|p| p.to_string_lossy().into_owned()).collect()
}

/// Encodes clipboard pixels as a PNG file in `dir`; returns its path.
pub(crate) fn write_png(dir: &std::path::Path, image: &ClipboardImage) -> std::io::Result<PathBuf> {
    confab_private_fs::create_dir_all(dir)?;
    let name = format!("pasted-{}.png", rand::random::<u64>());
    let path = dir.join(name);
    let buffer = image::RgbaImage::from_raw(image.width, image.height, image.rgba.clone())
        .ok_or_else(|| std::io::Error::other("clipboard image has the wrong size"))?;
    let mut png = Vec::new();
    buffer
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(std::io::Error::other)?;
    confab_private_fs::write_atomic(&path, &png)?;
    Ok(path)
}

/// Directory of pasted and staged files inside the app data directory.
pub const STAGING_DIR: &str = "staging";

/// How long staged files are kept: the SDK reads a file again to resume
/// its upload, so they stay well beyond any upload that can still finish.
pub const STAGING_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Removes what was staged (pasted images, browser files, cover frames)
/// longer than `max_age` ago: the entries of `<data dir>/staging` whose
/// modification time is older. Best effort; returns how many went.
pub fn sweep_staging(data_dir: &std::path::Path, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join(STAGING_DIR)) else { return 0 };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > max_age));
        if !old {
            continue;
        }
        let path = entry.path();
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match gone {
            Ok(()) => removed += 1,
            Err(e) => tracing::debug!(path = %path.display(), error = %e, "sweeping staging"),
        }
    }
    removed
}

/// A file name made from text someone else chose: one function for every
/// crate (see [`confab_proto::files::safe_file_name`]: the last path
/// component, cleaned, at most 100 characters, never empty).
pub use confab_proto::files::safe_file_name;

/// Decodes `app.writeStagedFile`'s content: 2905 when it is not base64 or
/// over [`MAX_STAGED_WRITE`] bytes (checked before decoding).
fn decode_staged(base64: &str) -> Result<Vec<u8>, ErrorBody> {
    use base64::Engine as _;
    let too_big = || {
        crate::error::invalid(format!("a staged file may have at most {MAX_STAGED_WRITE} bytes"))
    };
    if base64.len() > MAX_STAGED_WRITE.div_ceil(3) * 4 {
        return Err(too_big());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64.trim())
        .map_err(|e| crate::error::invalid(format!("the content is not base64: {e}")))?;
    if bytes.len() > MAX_STAGED_WRITE {
        return Err(too_big());
    }
    Ok(bytes)
}

impl AppCore {
    /// `path` as an absolute path the host's policy lets commands open
    /// ([`crate::DesktopHooks::path_allowed`]); 2905 when relative, 90012
    /// when refused.
    async fn openable(&self, path: &str) -> Result<PathBuf, ErrorBody> {
        let path = absolute(path)?;
        let hooks = self.hooks();
        let checked = path.clone();
        let allowed = tokio::task::spawn_blocking(move || {
            hooks.path_allowed(&checked, crate::core::PathPurpose::Open)
        })
        .await
        .map_err(|e| internal(&e))?;
        if allowed {
            Ok(path)
        } else {
            Err(crate::error::path_not_allowed(&path))
        }
    }

    pub(crate) async fn pick_files(
        &self,
        args: PickFilesArgs,
    ) -> Result<PickFilesResult, ErrorBody> {
        let hooks = self.hooks();
        let multiple = args.multiple.unwrap_or(false);
        if picker_filter(args.kind).is_none() {
            return Err(ErrorBody::new(
                code::INVALID_OPERATION,
                format!("app.pickFiles: no picker for {} files", args.kind.as_str()),
            ));
        }
        let paths = blocking(move || hooks.pick_files(args.kind, multiple)).await?;
        Ok(PickFilesResult { paths: to_strings(paths) })
    }

    pub(crate) async fn open_file(
        &self,
        args: PathArgs,
    ) -> Result<crate::commands::Empty, ErrorBody> {
        let path = self.openable(&args.path).await?;
        // The system picks a handler by extension (or by content when it
        // does not know it): only the names the download cache derives
        // from the server-sniffed type are opened, never a sender's.
        if !confab_sdk::is_safe_to_open(&path) {
            return Err(crate::error::invalid(format!(
                "{} is not a type that is opened directly; save it instead",
                path.display()
            )));
        }
        let hooks = self.hooks();
        blocking(move || hooks.open_path(&path)).await?;
        Ok(crate::commands::Empty {})
    }

    pub(crate) async fn reveal_file(
        &self,
        args: PathArgs,
    ) -> Result<crate::commands::Empty, ErrorBody> {
        let path = self.openable(&args.path).await?;
        let hooks = self.hooks();
        blocking(move || hooks.reveal_path(&path)).await?;
        Ok(crate::commands::Empty {})
    }

    pub(crate) async fn save_file_as(&self, args: SaveFileAsArgs) -> Result<MaybePath, ErrorBody> {
        let source = self.openable(&args.path).await?;
        let hooks = self.hooks();
        // The suggested name is the sender's text: one plain component.
        let name = safe_file_name(&args.file_name);
        let target = blocking(move || hooks.choose_save_path(&name)).await?;
        let Some(target) = target else { return Ok(MaybePath::default()) };
        tokio::fs::copy(&source, &target).await.map_err(|e| internal(&e))?;
        Ok(MaybePath { path: Some(target.to_string_lossy().into_owned()) })
    }

    pub(crate) async fn local_file_url(&self, args: PathArgs) -> Result<LocalFileUrl, ErrorBody> {
        let path = self.openable(&args.path).await?;
        let is_file = tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_file());
        if !is_file {
            return Err(crate::error::invalid(format!("{} is not a file", path.display())));
        }
        let hooks = self.hooks();
        let url = blocking(move || hooks.local_file_url(&path)).await?;
        Ok(LocalFileUrl { url })
    }

    pub(crate) async fn write_staged_file(
        &self,
        args: WriteStagedFileArgs,
    ) -> Result<StagedFile, ErrorBody> {
        let bytes = decode_staged(&args.base64)?;
        let dir = self.data_dir().join(STAGING_DIR);
        let path =
            dir.join(format!("{:016x}-{}", rand::random::<u64>(), safe_file_name(&args.name)));
        let target = path.clone();
        let written = tokio::task::spawn_blocking(move || {
            confab_private_fs::create_dir_all(&dir)?;
            confab_private_fs::write_atomic(&target, &bytes)
        })
        .await;
        written.map_err(|e| internal(&e))?.map_err(|e| internal(&e))?;
        Ok(StagedFile { path: path.to_string_lossy().into_owned() })
    }

    pub(crate) async fn paste_image(
        &self,
        _: crate::commands::Empty,
    ) -> Result<MaybePath, ErrorBody> {
        let hooks = self.hooks();
        let dir = self.data_dir().join(STAGING_DIR);
        blocking(move || {
            let Some(image) = hooks.clipboard_image()? else { return Ok(MaybePath::default()) };
            let path = write_png(&dir, &image)?;
            Ok(MaybePath { path: Some(path.to_string_lossy().into_owned()) })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_pixels_become_a_png_of_the_same_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let image = ClipboardImage { width: 3, height: 2, rgba: vec![200; 3 * 2 * 4] };
        let path = write_png(dir.path(), &image).expect("png");
        let back = image::open(&path).expect("decode");
        assert_eq!((back.width(), back.height()), (3, 2));
        let short = ClipboardImage { width: 3, height: 2, rgba: vec![0; 5] };
        assert!(write_png(dir.path(), &short).is_err());
    }

    #[test]
    fn old_staged_files_are_swept_and_recent_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staging = dir.path().join(STAGING_DIR);
        std::fs::create_dir_all(staging.join("0123")).expect("dirs");
        std::fs::write(staging.join("0123/old.bin"), b"x").expect("write");
        std::fs::write(staging.join("new.png"), b"x").expect("write");
        let long_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
        std::fs::File::open(staging.join("0123"))
            .and_then(|f| f.set_modified(long_ago))
            .expect("age the directory");
        assert_eq!(sweep_staging(dir.path(), STAGING_MAX_AGE), 1);
        assert!(!staging.join("0123").exists());
        assert!(staging.join("new.png").exists());
        assert_eq!(sweep_staging(&dir.path().join("nothing"), STAGING_MAX_AGE), 0);
    }

    #[test]
    fn filters_and_paths() {
        assert!(picker_filter(FileKind::Image).expect("image").1.contains(&"webp"));
        assert!(picker_filter(FileKind::File).expect("file").1.is_empty());
        assert!(picker_filter(FileKind::Merger).is_none());
        assert!(absolute("relative/x").is_err());
        assert!(absolute("/tmp/x").is_ok());
    }

    #[test]
    fn staged_names_keep_only_the_last_component() {
        assert_eq!(safe_file_name("cover.jpg"), "cover.jpg");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a\\b\\c.png"), "c.png");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name("x/\n"), "file");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a<b>:c|d?*\".txt. . "), "abcd.txt");
        assert_eq!(safe_file_name(" . "), "file");
        assert_eq!(safe_file_name(&"x".repeat(300)).len(), 100);
    }

    #[tokio::test]
    async fn staged_files_are_written_into_staging_up_to_2_mb() {
        use base64::Engine as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let core = AppCore::open(crate::AppOptions::new(dir.path())).expect("open");
        let encode = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let ok = core
            .call(
                "app.writeStagedFile",
                serde_json::json!({"name": "../cover.jpg", "base64": encode(b"\xFF\xD8\xFFjpeg")}),
            )
            .await
            .expect("written");
        let path = PathBuf::from(ok["path"].as_str().expect("path"));
        assert_eq!(path.parent(), Some(dir.path().join(STAGING_DIR).as_path()));
        assert!(path.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-cover.jpg")));
        assert_eq!(std::fs::read(&path).expect("read"), b"\xFF\xD8\xFFjpeg");

        // Exactly the limit is fine; one byte more is 2905, and nothing is written.
        let at_limit = vec![7u8; MAX_STAGED_WRITE];
        let args = serde_json::json!({"name": "big.jpg", "base64": encode(&at_limit)});
        let ok = core.call("app.writeStagedFile", args).await.expect("2 MB is allowed");
        assert_eq!(std::fs::metadata(ok["path"].as_str().expect("p")).expect("m").len(), 2 << 20);
        let over = vec![7u8; MAX_STAGED_WRITE + 1];
        let args = serde_json::json!({"name": "huge.jpg", "base64": encode(&over)});
        let e = core.call("app.writeStagedFile", args).await.expect_err("too big");
        assert_eq!(e.code, code::INVALID_OPERATION);
        let args = serde_json::json!({"name": "x.jpg", "base64": "not base64!"});
        let e = core.call("app.writeStagedFile", args).await.expect_err("not base64");
        assert_eq!(e.code, code::INVALID_OPERATION);
        let staged = std::fs::read_dir(dir.path().join(STAGING_DIR)).expect("dir").count();
        assert_eq!(staged, 2, "refused writes leave nothing behind");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn staged_files_and_settings_are_the_users_alone() {
        use base64::Engine as _;
        let root = tempfile::tempdir().expect("tempdir");
        let data_dir = root.path().join("app");
        let core = AppCore::open(crate::AppOptions::new(&data_dir)).expect("open");
        let args = serde_json::json!({
            "name": "cover.jpg",
            "base64": base64::engine::general_purpose::STANDARD.encode(b"\xFF\xD8\xFF"),
        });
        let staged = core.call("app.writeStagedFile", args).await.expect("written");
        let staged = PathBuf::from(staged["path"].as_str().expect("path"));
        let pasted = write_png(
            &data_dir.join(STAGING_DIR),
            &ClipboardImage { width: 1, height: 1, rgba: vec![0; 4] },
        )
        .expect("png");
        let settings = crate::settings::Settings::path_in(&data_dir);
        crate::settings::Settings::default().save(&settings).expect("save");
        let mode = |p: &std::path::Path| confab_private_fs::mode_of(p).expect("mode");
        assert_eq!(mode(&data_dir), 0o700);
        assert_eq!(mode(&data_dir.join(STAGING_DIR)), 0o700);
        assert_eq!(mode(&staged), 0o600);
        assert_eq!(mode(&pasted), 0o600);
        assert_eq!(mode(&settings), 0o600);
    }

    /// Hooks that record what they were asked to open and save.
    #[derive(Default)]
    struct RecordingHooks {
        opened: std::sync::Mutex<Vec<PathBuf>>,
        suggested: std::sync::Mutex<Vec<String>>,
    }

    impl crate::DesktopHooks for std::sync::Arc<RecordingHooks> {
        fn notify(&self, _: &crate::NotifyArgs) -> Result<(), HookError> {
            Ok(())
        }
        fn set_unread_badge(&self, _: u64) -> Result<(), HookError> {
            Ok(())
        }
        fn open_path(&self, path: &std::path::Path) -> Result<(), HookError> {
            self.opened.lock().expect("lock").push(path.to_owned());
            Ok(())
        }
        fn choose_save_path(&self, file_name: &str) -> Result<Option<PathBuf>, HookError> {
            self.suggested.lock().expect("lock").push(file_name.to_owned());
            Ok(None)
        }
    }

    #[tokio::test]
    async fn only_files_named_by_a_sniffed_type_are_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let hooks = std::sync::Arc::new(RecordingHooks::default());
        let mut options = crate::AppOptions::new(dir.path());
        options.hooks = std::sync::Arc::new(std::sync::Arc::clone(&hooks));
        let core = AppCore::open(options).expect("open");
        let id = "ab".repeat(32);
        for refused in [format!("/c/{id}.html"), format!("/c/{id}.bin"), "/c/x.desktop".into()] {
            let e = core
                .call("app.openFile", serde_json::json!({ "path": refused }))
                .await
                .expect_err("refused");
            assert_eq!(e.code, code::INVALID_OPERATION, "{refused}");
        }
        assert!(hooks.opened.lock().expect("lock").is_empty(), "nothing reached the system");
        let image = format!("/c/{id}.gif");
        core.call("app.openFile", serde_json::json!({ "path": image })).await.expect("opened");
        assert_eq!(*hooks.opened.lock().expect("lock"), vec![PathBuf::from(&image)]);

        let args = serde_json::json!({"path": image, "fileName": "../../.bashrc"});
        let saved = core.call("app.saveFileAs", args).await.expect("cancelled");
        assert_eq!(saved["path"], serde_json::Value::Null);
        assert_eq!(*hooks.suggested.lock().expect("lock"), vec!["bashrc".to_owned()]);
    }

    /// Hooks whose local file URLs are made up (as the desktop's are).
    struct UrlHooks;

    impl crate::DesktopHooks for UrlHooks {
        fn notify(&self, _: &crate::NotifyArgs) -> Result<(), HookError> {
            Ok(())
        }
        fn set_unread_badge(&self, _: u64) -> Result<(), HookError> {
            Ok(())
        }
        fn local_file_url(&self, path: &std::path::Path) -> Result<String, HookError> {
            Ok(format!("asset://localhost/{}", path.display()))
        }
    }

    #[tokio::test]
    async fn local_file_urls_need_an_existing_absolute_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let video = dir.path().join("clip.webm");
        std::fs::write(&video, b"video").expect("write");
        let options = crate::AppOptions {
            hooks: std::sync::Arc::new(UrlHooks),
            ..crate::AppOptions::new(dir.path().join("data"))
        };
        let core = AppCore::open(options).expect("open");
        let ok =
            core.call("app.localFileUrl", serde_json::json!({"path": video})).await.expect("a url");
        assert_eq!(ok["url"], format!("asset://localhost/{}", video.display()));
        for bad in [
            serde_json::json!({"path": "clip.webm"}),
            serde_json::json!({"path": dir.path().join("missing.webm")}),
            serde_json::json!({"path": dir.path()}),
        ] {
            let e = core.call("app.localFileUrl", bad).await.expect_err("refused");
            assert_eq!(e.code, code::INVALID_OPERATION);
        }
        // Without a native side (the web host): 90011.
        let plain = AppCore::open(crate::AppOptions::new(dir.path().join("web"))).expect("open");
        let e = plain
            .call("app.localFileUrl", serde_json::json!({"path": video}))
            .await
            .expect_err("unsupported");
        assert_eq!(e.code, code::UNSUPPORTED_ON_HOST);
    }

    #[tokio::test]
    async fn the_web_host_has_no_pickers_or_clipboard() {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = AppCore::open(crate::AppOptions::new(dir.path())).expect("open");
        let e = core
            .call("app.pickFiles", serde_json::json!({"kind": "image"}))
            .await
            .expect_err("no picker");
        assert_eq!(e.code, code::UNSUPPORTED_ON_HOST);
        let e = core.call("app.pasteImage", serde_json::json!({})).await.expect_err("no clipboard");
        assert_eq!(e.code, code::UNSUPPORTED_ON_HOST);
        let e = core
            .call("app.openFile", serde_json::json!({"path": "x"}))
            .await
            .expect_err("relative");
        assert_eq!(e.code, code::INVALID_OPERATION);
    }
}
