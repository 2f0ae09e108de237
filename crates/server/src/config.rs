//! Server configuration: the [`Config`] values, where they come from and the
//! secret key's persistence.
//!
//! Every field can be set in a TOML file (`--config PATH` / `CONFABD_CONFIG`),
//! by an environment variable `CONFABD_<FIELD>` and by a command-line flag
//! `--<field>`; the flag wins over the variable, the variable over the file,
//! the file over the defaults. [`ConfigArgs`] is the clap side of that.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Prefix every custom profile field key must have.
pub const CUSTOM_FIELD_PREFIX: &str = "Tag_Profile_Custom_";

/// Name of the file, inside the data directory, holding the generated secret key.
pub const SECRET_KEY_FILE: &str = "secret.key";

/// Name of the SQLite database file inside the data directory.
pub const DATABASE_FILE: &str = "confab.db";

/// Default largest upload of every kind: 100 MB, TIM's limit.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Whether `POST /api/register` creates accounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// Anyone may register.
    #[default]
    Open,
    /// Registration is refused (code 90004); users log in with minted UserSigs.
    Closed,
}

/// What the profanity filter does with a text that contains a listed word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ModerationMode {
    /// Refuse the message with 80001 (`ERR_SVR_COMM_SENSITIVE_TEXT`).
    #[default]
    Block,
    /// Store and deliver it with every character of each match replaced by `*`.
    Mask,
}

/// Everything `confabd` can be told.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory holding the database and the generated secret key.
    pub data_dir: PathBuf,
    /// Address the HTTP/WebSocket listener binds.
    pub listen: SocketAddr,
    /// The SDKAppID UserSigs must be issued for.
    pub sdk_app_id: u64,
    /// Secret key UserSigs are signed with; when unset, one is generated once
    /// and kept in `data_dir/secret.key` (mode 0600).
    pub secret_key: Option<String>,
    /// How many instances of one user may be online at once; one more kicks
    /// the oldest.
    pub max_instances_per_user: usize,
    /// Whether HTTP registration is open.
    pub registration: Registration,
    /// Lifetime, in seconds, of the UserSigs that `/api/register` and
    /// `/api/login` hand out.
    pub user_sig_expire_secs: i64,
    /// Heartbeat interval told to clients, in milliseconds; a session silent
    /// for three intervals is closed.
    pub heartbeat_interval_ms: u64,
    /// Largest number of writes committed in one transaction (group commit).
    pub max_batch: usize,
    /// Custom profile field keys users may set (each `Tag_Profile_Custom_*`);
    /// empty means none.
    pub profile_custom_fields: Vec<String>,
    /// Log filter (`tracing` env-filter syntax, e.g. `info,confab_server=debug`).
    pub log: String,
    /// How long after sending, in seconds, a sender may revoke a message
    /// (TIM's default: 2 minutes).
    pub revoke_window_secs: i64,
    /// Words the profanity filter looks for in text messages (matched
    /// case-insensitively, anywhere in the text); empty with no
    /// `moderation_words_file` turns the filter off.
    pub moderation_words: Vec<String>,
    /// A file of more words for the filter: one per line, blank lines and
    /// lines starting with `#` ignored.
    pub moderation_words_file: Option<PathBuf>,
    /// What the filter does with a match.
    pub moderation_mode: ModerationMode,
    /// Largest image the file service accepts, in bytes.
    pub max_image_bytes: u64,
    /// Largest video the file service accepts, in bytes.
    pub max_video_bytes: u64,
    /// Largest audio file the file service accepts, in bytes.
    pub max_audio_bytes: u64,
    /// Largest plain file the file service accepts, in bytes.
    pub max_file_bytes: u64,
    /// Largest merged-messages body the file service accepts, in bytes.
    pub max_merger_bytes: u64,
    /// Seconds after its creation an unfinished upload is discarded.
    pub upload_expire_secs: i64,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("sdk_app_id", &self.sdk_app_id)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("max_instances_per_user", &self.max_instances_per_user)
            .field("registration", &self.registration)
            .field("user_sig_expire_secs", &self.user_sig_expire_secs)
            .field("heartbeat_interval_ms", &self.heartbeat_interval_ms)
            .field("max_batch", &self.max_batch)
            .field("profile_custom_fields", &self.profile_custom_fields)
            .field("log", &self.log)
            .field("revoke_window_secs", &self.revoke_window_secs)
            .field("moderation_words", &self.moderation_words.len())
            .field("moderation_words_file", &self.moderation_words_file)
            .field("moderation_mode", &self.moderation_mode)
            .field("max_image_bytes", &self.max_image_bytes)
            .field("max_video_bytes", &self.max_video_bytes)
            .field("max_audio_bytes", &self.max_audio_bytes)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("max_merger_bytes", &self.max_merger_bytes)
            .field("upload_expire_secs", &self.upload_expire_secs)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: default_data_dir(),
            listen: SocketAddr::from(([127, 0, 0, 1], 7788)),
            sdk_app_id: 1_400_000_000,
            secret_key: None,
            max_instances_per_user: 1,
            registration: Registration::Open,
            user_sig_expire_secs: 15_552_000,
            heartbeat_interval_ms: 30_000,
            max_batch: 512,
            profile_custom_fields: Vec::new(),
            log: "info".into(),
            revoke_window_secs: 120,
            moderation_words: Vec::new(),
            moderation_words_file: None,
            moderation_mode: ModerationMode::Block,
            max_image_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_video_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_audio_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_file_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            max_merger_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            upload_expire_secs: 86_400,
        }
    }
}

/// `$XDG_DATA_HOME/confab`, else `~/.local/share/confab`, else `./confab-data`.
pub fn default_data_dir() -> PathBuf {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        PathBuf::from(xdg).join("confab")
    } else if let Some(home) = non_empty("HOME") {
        PathBuf::from(home).join(".local").join("share").join("confab")
    } else {
        PathBuf::from("confab-data")
    }
}

/// Configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML file is not a valid configuration.
    #[error("invalid config file {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<toml::de::Error>,
    },
    /// A value is out of range.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// The secret key file could not be read or written.
    #[error("secret key file {path}: {source}")]
    SecretKey {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Config {
    /// Path of the SQLite database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// Checks that the values can be served.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.max_instances_per_user == 0 {
            return invalid("max_instances_per_user must be at least 1".into());
        }
        if self.max_batch == 0 {
            return invalid("max_batch must be at least 1".into());
        }
        if self.heartbeat_interval_ms == 0 {
            return invalid("heartbeat_interval_ms must be at least 1".into());
        }
        if self.user_sig_expire_secs <= 0 {
            return invalid("user_sig_expire_secs must be positive".into());
        }
        if self.revoke_window_secs < 0 {
            return invalid("revoke_window_secs must not be negative".into());
        }
        if self.secret_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return invalid("secret_key must not be empty".into());
        }
        if self.upload_expire_secs <= 0 {
            return invalid("upload_expire_secs must be positive".into());
        }
        for key in &self.profile_custom_fields {
            if !key.starts_with(CUSTOM_FIELD_PREFIX) || key.len() == CUSTOM_FIELD_PREFIX.len() {
                return invalid(format!(
                    "profile custom field {key:?} must start with {CUSTOM_FIELD_PREFIX} and name a field"
                ));
            }
        }
        Ok(())
    }

    /// The secret key: the configured one, else the one kept in
    /// `data_dir/secret.key`, generating that file (64 hex characters, mode
    /// 0600) the first time.
    pub fn resolve_secret_key(&self) -> Result<String, ConfigError> {
        if let Some(key) = &self.secret_key {
            return Ok(key.clone());
        }
        let path = self.data_dir.join(SECRET_KEY_FILE);
        let io_err = |source| ConfigError::SecretKey { path: path.clone(), source };
        confab_private_fs::create_dir_all(&self.data_dir).map_err(io_err)?;
        match read_secret(&path) {
            Ok(key) => return Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        let key = generate_secret();
        match write_new_secret(&path, &key) {
            Ok(()) => Ok(key),
            // Someone else created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                read_secret(&path).map_err(io_err)
            }
            Err(e) => Err(io_err(e)),
        }
    }
}

fn read_secret(path: &Path) -> std::io::Result<String> {
    let key = std::fs::read_to_string(path)?.trim().to_owned();
    if key.is_empty() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the key file is empty"));
    }
    Ok(key)
}

fn generate_secret() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a new key file whole (never a half-written key), mode 0600;
/// `AlreadyExists` when another process created it first.
fn write_new_secret(path: &Path, key: &str) -> std::io::Result<()> {
    confab_private_fs::write_new_atomic(path, format!("{key}\n").as_bytes())
}

/// Command-line flags and environment variables for every [`Config`] field.
/// Unset ones fall back to the TOML file, then to the defaults.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ConfigArgs {
    /// TOML configuration file (keys named like the flags, with `_`).
    #[arg(long, env = "CONFABD_CONFIG", value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (database, secret key) [default: $XDG_DATA_HOME/confab or ~/.local/share/confab].
    #[arg(long, env = "CONFABD_DATA_DIR", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:7788].
    #[arg(long, env = "CONFABD_LISTEN", value_name = "ADDR", global = true)]
    pub listen: Option<SocketAddr>,
    /// SDKAppID that UserSigs must be issued for [default: 1400000000].
    #[arg(long, env = "CONFABD_SDK_APP_ID", global = true)]
    pub sdk_app_id: Option<u64>,
    /// UserSig secret key [default: generated once into DATA_DIR/secret.key].
    #[arg(long, env = "CONFABD_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,
    /// Instances of one user online at once; one more kicks the oldest [default: 1].
    #[arg(long, env = "CONFABD_MAX_INSTANCES_PER_USER", global = true)]
    pub max_instances_per_user: Option<usize>,
    /// Whether POST /api/register creates accounts [default: open].
    #[arg(long, env = "CONFABD_REGISTRATION", value_enum, global = true)]
    pub registration: Option<Registration>,
    /// Lifetime in seconds of UserSigs handed out over HTTP (and by `usersig`) [default: 15552000].
    #[arg(long, env = "CONFABD_USER_SIG_EXPIRE_SECS", global = true)]
    pub user_sig_expire_secs: Option<i64>,
    /// Client heartbeat interval in ms; three silent intervals close a session [default: 30000].
    #[arg(long, env = "CONFABD_HEARTBEAT_INTERVAL_MS", global = true)]
    pub heartbeat_interval_ms: Option<u64>,
    /// Most writes committed in one transaction (group commit) [default: 512].
    #[arg(long, env = "CONFABD_MAX_BATCH", global = true)]
    pub max_batch: Option<usize>,
    /// Custom profile field keys users may set, `Tag_Profile_Custom_*` (repeat or comma-separate) [default: none].
    #[arg(
        long = "profile-custom-field",
        env = "CONFABD_PROFILE_CUSTOM_FIELDS",
        value_delimiter = ',',
        value_name = "KEY",
        global = true
    )]
    pub profile_custom_fields: Option<Vec<String>>,
    /// Log filter, e.g. `info` or `info,confab_server=debug` [default: info].
    #[arg(long, env = "CONFABD_LOG", value_name = "FILTER", global = true)]
    pub log: Option<String>,
    /// Seconds after sending during which the sender may revoke a message [default: 120].
    #[arg(long, env = "CONFABD_REVOKE_WINDOW_SECS", global = true)]
    pub revoke_window_secs: Option<i64>,
    /// Words the profanity filter looks for in text messages (repeat or comma-separate) [default: none].
    #[arg(
        long = "moderation-word",
        env = "CONFABD_MODERATION_WORDS",
        value_delimiter = ',',
        value_name = "WORD",
        global = true
    )]
    pub moderation_words: Option<Vec<String>>,
    /// File of profanity filter words, one per line (`#` starts a comment line) [default: none].
    #[arg(long, env = "CONFABD_MODERATION_WORDS_FILE", value_name = "PATH", global = true)]
    pub moderation_words_file: Option<PathBuf>,
    /// What the profanity filter does with a match: refuse (80001) or mask with `*` [default: block].
    #[arg(long, env = "CONFABD_MODERATION_MODE", value_enum, global = true)]
    pub moderation_mode: Option<ModerationMode>,
    /// Largest image upload in bytes [default: 104857600].
    #[arg(long, env = "CONFABD_MAX_IMAGE_BYTES", value_name = "BYTES", global = true)]
    pub max_image_bytes: Option<u64>,
    /// Largest video upload in bytes [default: 104857600].
    #[arg(long, env = "CONFABD_MAX_VIDEO_BYTES", value_name = "BYTES", global = true)]
    pub max_video_bytes: Option<u64>,
    /// Largest audio upload in bytes [default: 104857600].
    #[arg(long, env = "CONFABD_MAX_AUDIO_BYTES", value_name = "BYTES", global = true)]
    pub max_audio_bytes: Option<u64>,
    /// Largest plain file upload in bytes [default: 104857600].
    #[arg(long, env = "CONFABD_MAX_FILE_BYTES", value_name = "BYTES", global = true)]
    pub max_file_bytes: Option<u64>,
    /// Largest merged-messages body upload in bytes [default: 104857600].
    #[arg(long, env = "CONFABD_MAX_MERGER_BYTES", value_name = "BYTES", global = true)]
    pub max_merger_bytes: Option<u64>,
    /// Seconds after which an unfinished upload is discarded [default: 86400].
    #[arg(long, env = "CONFABD_UPLOAD_EXPIRE_SECS", value_name = "SECS", global = true)]
    pub upload_expire_secs: Option<i64>,
}

impl ConfigArgs {
    /// Builds the configuration: defaults, then the TOML file, then these
    /// values (flags and environment), then validates it.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut config = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: path.clone(), source })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.clone(),
                    source: Box::new(source),
                })?
            }
            None => Config::default(),
        };
        self.apply(&mut config);
        config.validate()?;
        Ok(config)
    }

    /// Overrides the fields of `config` that are set here.
    pub fn apply(&self, config: &mut Config) {
        let Self {
            config: _,
            data_dir,
            listen,
            sdk_app_id,
            secret_key,
            max_instances_per_user,
            registration,
            user_sig_expire_secs,
            heartbeat_interval_ms,
            max_batch,
            profile_custom_fields,
            log,
            revoke_window_secs,
            moderation_words,
            moderation_words_file,
            moderation_mode,
            max_image_bytes,
            max_video_bytes,
            max_audio_bytes,
            max_file_bytes,
            max_merger_bytes,
            upload_expire_secs,
        } = self.clone();
        if let Some(v) = data_dir {
            config.data_dir = v;
        }
        if let Some(v) = listen {
            config.listen = v;
        }
        if let Some(v) = sdk_app_id {
            config.sdk_app_id = v;
        }
        if secret_key.is_some() {
            config.secret_key = secret_key;
        }
        if let Some(v) = max_instances_per_user {
            config.max_instances_per_user = v;
        }
        if let Some(v) = registration {
            config.registration = v;
        }
        if let Some(v) = user_sig_expire_secs {
            config.user_sig_expire_secs = v;
        }
        if let Some(v) = heartbeat_interval_ms {
            config.heartbeat_interval_ms = v;
        }
        if let Some(v) = max_batch {
            config.max_batch = v;
        }
        if let Some(v) = profile_custom_fields {
            config.profile_custom_fields = v.into_iter().filter(|k| !k.is_empty()).collect();
        }
        if let Some(v) = log {
            config.log = v;
        }
        if let Some(v) = revoke_window_secs {
            config.revoke_window_secs = v;
        }
        if let Some(v) = moderation_words {
            config.moderation_words = v.into_iter().filter(|w| !w.is_empty()).collect();
        }
        if moderation_words_file.is_some() {
            config.moderation_words_file = moderation_words_file;
        }
        if let Some(v) = moderation_mode {
            config.moderation_mode = v;
        }
        if let Some(v) = max_image_bytes {
            config.max_image_bytes = v;
        }
        if let Some(v) = max_video_bytes {
            config.max_video_bytes = v;
        }
        if let Some(v) = max_audio_bytes {
            config.max_audio_bytes = v;
        }
        if let Some(v) = max_file_bytes {
            config.max_file_bytes = v;
        }
        if let Some(v) = max_merger_bytes {
            config.max_merger_bytes = v;
        }
        if let Some(v) = upload_expire_secs {
            config.upload_expire_secs = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_then_args_override_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\nsdk_app_id = 7\nregistration = \"closed\"\nprofile_custom_fields = [\"Tag_Profile_Custom_A\"]\n",
        )
        .expect("write");
        let args = ConfigArgs {
            config: Some(file),
            sdk_app_id: Some(8),
            max_batch: Some(3),
            max_video_bytes: Some(1000),
            ..Default::default()
        };
        let config = args.load().expect("load");
        assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 9000)));
        assert_eq!(config.sdk_app_id, 8);
        assert_eq!(config.max_batch, 3);
        assert_eq!(config.max_video_bytes, 1000);
        assert_eq!(config.max_image_bytes, DEFAULT_MAX_UPLOAD_BYTES);
        assert_eq!(config.registration, Registration::Closed);
        assert_eq!(config.profile_custom_fields, vec!["Tag_Profile_Custom_A".to_owned()]);
        assert_eq!(config.heartbeat_interval_ms, 30_000);
        assert_eq!(config.revoke_window_secs, 120);
        assert_eq!(config.moderation_mode, ModerationMode::Block);
    }

    #[test]
    fn message_operation_settings_from_toml_and_flags() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(
            &file,
            "revoke_window_secs = 30\nmoderation_words = [\"darn\"]\nmoderation_mode = \"mask\"\nmoderation_words_file = \"/etc/words.txt\"\n",
        )
        .expect("write");
        let args = ConfigArgs { config: Some(file.clone()), ..Default::default() };
        let config = args.load().expect("load");
        assert_eq!(config.revoke_window_secs, 30);
        assert_eq!(config.moderation_words, vec!["darn".to_owned()]);
        assert_eq!(config.moderation_mode, ModerationMode::Mask);
        assert_eq!(config.moderation_words_file, Some(PathBuf::from("/etc/words.txt")));
        let args = ConfigArgs {
            config: Some(file),
            revoke_window_secs: Some(5),
            moderation_words: Some(vec!["a".into(), String::new(), "b".into()]),
            moderation_mode: Some(ModerationMode::Block),
            ..Default::default()
        };
        let config = args.load().expect("load");
        assert_eq!(config.revoke_window_secs, 5);
        assert_eq!(config.moderation_words, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(config.moderation_mode, ModerationMode::Block);
        assert!(Config { revoke_window_secs: -1, ..Config::default() }.validate().is_err());
    }

    #[test]
    fn invalid_values_are_refused() {
        let bad = Config { profile_custom_fields: vec!["Nick".into()], ..Config::default() };
        assert!(bad.validate().is_err());
        assert!(Config { max_batch: 0, ..Config::default() }.validate().is_err());
        assert!(Config::default().validate().is_ok());
        assert!(toml::from_str::<Config>("no_such_field = 1").is_err());
    }

    #[test]
    fn secret_key_is_generated_once_with_private_permissions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config { data_dir: dir.path().join("data"), ..Config::default() };
        let first = config.resolve_secret_key().expect("generate");
        assert_eq!(first.len(), 64);
        assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(config.resolve_secret_key().expect("reuse"), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(config.data_dir.join(SECRET_KEY_FILE))
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let fixed = Config { secret_key: Some("abc".into()), ..config };
        assert_eq!(fixed.resolve_secret_key().expect("configured"), "abc");
    }
}
