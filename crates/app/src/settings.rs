//! The app's settings, persisted as JSON in `<app data dir>/settings.json`:
//! the chosen server mode and URL, the embedded server's port, the saved
//! session of the active account (what `app.resume` logs in with) and the
//! other signed-in accounts ([`SavedAccount`]).
//!
//! Writes are atomic (a temporary file renamed over the old one) and the
//! file is private to the user (mode 0600: it holds a UserSig). A settings
//! file that cannot be parsed is set aside as `settings.json.broken` and the
//! app starts from defaults rather than refusing to start.

use crate::state::Mode;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Name of the settings file inside the app data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// Everything the app remembers between runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The chosen mode; `None` until the first choice.
    pub mode: Option<Mode>,
    /// The remote server's HTTP base URL (remote mode).
    pub remote_url: Option<String>,
    /// A CA certificate file (PEM) the remote server's certificate may be
    /// issued by, besides the platform's roots (a self-hosted server).
    pub ca_file: Option<PathBuf>,
    /// The port the embedded server last listened on; reused so that the
    /// server URL stays the same across restarts.
    pub local_port: Option<u16>,
    /// The active account's session, forgotten on logout.
    pub session: Option<SavedSession>,
    /// The other signed-in accounts (in the background).
    pub accounts: Vec<SavedAccount>,
    /// The signed-in accounts' keys (the active one's too) in the order
    /// they signed in: the order `AppState.accounts` lists them in.
    pub account_order: Vec<String>,
    /// How the SDK stores are laid out: 0 before stores were kept apart
    /// per server, [`STORE_LAYOUT`] since (see `crate::accounts`).
    pub store_layout: u32,
}

/// The current [`Settings::store_layout`]: a remote server's stores live
/// in a directory of their own.
pub const STORE_LAYOUT: u32 = 1;

/// A signed-in account that is not the active one: its server and session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedAccount {
    /// Its server's mode.
    pub mode: Mode,
    /// The remote server's HTTP base URL (remote mode).
    #[serde(default)]
    pub remote_url: Option<String>,
    /// The CA file trusted for that server (remote mode).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Its session.
    pub session: SavedSession,
}

/// A session that `app.resume` can log in with, offline included.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedSession {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Its UserSig, as handed out by the server's login.
    pub user_sig: String,
    /// The server's SDKAppID.
    #[serde(rename = "sdkAppID")]
    pub sdk_app_id: u64,
    /// HTTP base URL of the server that issued it.
    pub server_url: String,
}

impl std::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSession")
            .field("user_id", &self.user_id)
            .field("user_sig", &"<redacted>")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("server_url", &self.server_url)
            .finish()
    }
}

/// A settings file that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Reading, writing or renaming failed.
    #[error("settings file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The settings could not be encoded.
    #[error("encoding settings: {0}")]
    Encode(#[from] serde_json::Error),
}

impl Settings {
    /// The settings file of an app data directory.
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(SETTINGS_FILE)
    }

    /// Loads the settings; defaults when the file does not exist. An
    /// unreadable file is renamed to `settings.json.broken` (and logged).
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => return Err(SettingsError::Io { path: path.to_owned(), source }),
        };
        match serde_json::from_slice(&bytes) {
            Ok(settings) => Ok(settings),
            Err(e) => {
                let aside = path.with_extension("json.broken");
                tracing::warn!(path = %path.display(), error = %e, "unreadable settings set aside");
                std::fs::rename(path, &aside)
                    .map_err(|source| SettingsError::Io { path: aside, source })?;
                Ok(Settings::default())
            }
        }
    }

    /// Writes the settings atomically, readable by the user only.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let io = |source| SettingsError::Io { path: path.to_owned(), source };
        let json = serde_json::to_vec_pretty(self)?;
        if let Some(dir) = path.parent() {
            confab_private_fs::create_dir_all(dir).map_err(io)?;
        }
        confab_private_fs::write_atomic(path, &json).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_garbage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = Settings::path_in(dir.path());
        assert_eq!(Settings::load(&path).expect("missing is default"), Settings::default());
        let settings = Settings {
            mode: Some(Mode::Remote),
            remote_url: Some("http://127.0.0.1:9".into()),
            ca_file: Some(PathBuf::from("/etc/confab/ca.pem")),
            local_port: Some(7788),
            session: Some(SavedSession {
                user_id: "alice".into(),
                user_sig: "sig".into(),
                sdk_app_id: 1_400_000_000,
                server_url: "http://127.0.0.1:9".into(),
            }),
            accounts: vec![SavedAccount {
                mode: Mode::Local,
                remote_url: None,
                ca_file: None,
                session: SavedSession {
                    user_id: "bob".into(),
                    user_sig: "sig2".into(),
                    sdk_app_id: 1_400_000_000,
                    server_url: "http://127.0.0.1:7788".into(),
                },
            }],
            account_order: vec!["local|bob".into(), "remote|alice".into()],
            store_layout: STORE_LAYOUT,
        };
        settings.save(&path).expect("save");
        assert_eq!(Settings::load(&path).expect("load"), settings);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        assert_eq!(json["session"]["userID"], "alice");
        assert_eq!(json["session"]["sdkAppID"], 1_400_000_000);
        assert_eq!(json["caFile"], "/etc/confab/ca.pem");
        assert_eq!(json["accounts"][0]["session"]["userID"], "bob");
        assert!(!format!("{settings:?}").contains("sig\""));
        assert!(!format!("{settings:?}").contains("sig2"));
        // A file of an older version (one account) reads as it was.
        let old = r#"{"mode":"local","session":{"userID":"a","userSig":"s","sdkAppID":1,"serverUrl":"u"}}"#;
        std::fs::write(&path, old).expect("write old");
        let read = Settings::load(&path).expect("old settings");
        assert!(read.accounts.is_empty() && read.store_layout == 0 && read.session.is_some());
        std::fs::write(&path, b"{not json").expect("write garbage");
        assert_eq!(Settings::load(&path).expect("garbage is default"), Settings::default());
        assert!(path.with_extension("json.broken").exists());
    }
}
