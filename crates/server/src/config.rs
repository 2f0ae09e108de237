//! Server configuration: the [`Config`] values, where they come from and the
//! secret key's persistence.
//!
//! Every field can be set in a TOML file (`--config PATH` / `CONFABD_CONFIG`),
//! by an environment variable `CONFABD_<FIELD>` and by a command-line flag
//! `--<field>`; the flag wins over the variable, the variable over the file,
//! the file over the defaults. [`ConfigArgs`] is the clap side of that.
//!
//! The secret key is the exception: it has no flag (the command line shows
//! in `ps`); it comes from `CONFABD_SECRET_KEY`, the file, a key file
//! (`secret_key_file`) or, by default, `data_dir/secret.key`, generated once.
//! Whatever its source, a key must pass [`check_secret_key`]: a guessable
//! key lets anyone who sees one UserSig recover it offline and sign in as
//! anybody.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Prefix every custom profile field key must have.
pub const CUSTOM_FIELD_PREFIX: &str = "Tag_Profile_Custom_";

/// The REST API's administrator unless `admin_identifiers` says otherwise.
pub const DEFAULT_ADMIN: &str = "administrator";

/// Name of the file, inside the data directory, holding the generated secret key.
pub const SECRET_KEY_FILE: &str = "secret.key";

/// Name of the SQLite database file inside the data directory.
pub const DATABASE_FILE: &str = "confab.db";

/// Fewest bytes a secret key may have: 32, as random as the generated key.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// Least entropy, in bits, that [`check_secret_key`] must estimate for a key.
pub const MIN_SECRET_KEY_BITS: u32 = 128;

/// Default largest upload of every kind: 100 MB, TIM's limit.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Default largest `sync` reply: 1 MiB.
pub const DEFAULT_MAX_SYNC_REPLY_BYTES: usize = 1024 * 1024;

/// Smallest accepted `max_sync_reply_bytes`: room for one entry of the
/// largest message (12 KB body) with its envelope, many times over.
pub const MIN_SYNC_REPLY_BYTES: usize = 64 * 1024;

/// Default upload quota of one user: 2 GiB.
pub const DEFAULT_UPLOAD_QUOTA_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Default budget of the whole file store: 20 GiB.
pub const DEFAULT_FILE_STORAGE_BUDGET_BYTES: u64 = 20 * 1024 * 1024 * 1024;
/// Default cap on connections open at once from one client address.
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 64;

/// Default cap on connections open at once in total.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

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

/// Which database the server keeps its state in. Any other name is refused
/// when the configuration is read (by the flag, the environment variable or
/// the TOML file) with the list of the names that exist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StoreBackend {
    /// The embedded SQLite database `data_dir/confab.db`: one node.
    #[default]
    Sqlite,
    /// A PostgreSQL database (`database_url`) that several nodes share.
    Postgres,
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

/// What a before-callback's failure (no answer in time, an HTTP error, a
/// body that is not TIM's answer) does to the request it was asked about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CallbackFailure {
    /// Let the request through unchanged (TIM's behaviour).
    #[default]
    Allow,
    /// Refuse it with 20006 (`ERR_SVR_MSG_PUSH_DENY`).
    Refuse,
}

/// Which terminals of one account (instances of every platform but `web`)
/// may be online together; a login that breaks the rule kicks the other
/// terminals with `multipleDevice` (TIM's `KICKED_OUT_MULT_DEVICE`). Web
/// pages are never counted here: they follow `max_instances_per_user`, and
/// a web page and a terminal never kick each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DevicePolicy {
    /// TIM's default ("single platform"): one terminal at a time, whatever
    /// its platform. A second desktop app, or the CLI, kicks the desktop app.
    #[default]
    Single,
    /// TIM's "multi-platform" policy: one terminal per platform. The desktop
    /// app and the CLI are online together; a second desktop app kicks the
    /// first.
    PerPlatform,
}

/// Everything `confabd` can be told.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory holding the database and the generated secret key.
    pub data_dir: PathBuf,
    /// The database backend: `sqlite` (one node) or `postgres`.
    pub store: StoreBackend,
    /// The PostgreSQL database (`store = "postgres"`), as a libpq URL
    /// (`postgres://confab:…@db.internal/confab`) or key=value string.
    /// From the file or `CONFABD_DATABASE_URL` only: it may hold a
    /// password, and a command line shows in `ps`.
    pub database_url: Option<String>,
    /// The NATS server(s) nodes of a cluster exchange pushes and presence
    /// through (`nats://127.0.0.1:4222`, comma-separated for several).
    /// Unset: this node is alone.
    pub nats_url: Option<String>,
    /// This node's name in a cluster: unique per node, in logs and in
    /// what nodes tell each other. Needed with `nats_url`.
    pub node_name: Option<String>,
    /// Where stored files live [default: `data_dir/files`]. The nodes of a
    /// cluster share one directory (a mount every node has); contents are
    /// named by their SHA-256, so nodes never write different bytes to one
    /// name. Unfinished uploads stay with the node they started on.
    pub files_dir: Option<PathBuf>,
    /// Address the HTTP/WebSocket listener binds.
    pub listen: SocketAddr,
    /// The SDKAppID UserSigs must be issued for.
    pub sdk_app_id: u64,
    /// Secret key UserSigs are signed with (at least 32 random bytes, see
    /// [`check_secret_key`]); when neither this nor `secret_key_file` is set,
    /// one is generated once and kept in `data_dir/secret.key` (mode 0600).
    pub secret_key: Option<String>,
    /// A file holding the secret key (surrounding whitespace ignored).
    pub secret_key_file: Option<PathBuf>,
    /// How many web instances (platform `web`) of one user may be online at
    /// once, TIM's "Web端实例同时在线"; one more kicks the oldest web instance
    /// with `multipleAccount`. Terminals follow [`Config::device_policy`].
    pub max_instances_per_user: usize,
    /// Which terminals (the desktop app, the CLI) of one user may be online
    /// together; see [`DevicePolicy`].
    pub device_policy: DevicePolicy,
    /// Whether HTTP registration is open.
    pub registration: Registration,
    /// Lifetime, in seconds, of the UserSigs that `/api/register`,
    /// `/api/login`, `renewUserSig` and `changePassword` hand out (the SDK
    /// renews them once half of it is over).
    pub user_sig_expire_secs: i64,
    /// Heartbeat interval told to clients, in milliseconds; a session silent
    /// for three intervals is closed.
    pub heartbeat_interval_ms: u64,
    /// Largest number of writes committed in one transaction (group commit).
    pub max_batch: usize,
    /// Custom profile field keys users may set (each `Tag_Profile_Custom_*`);
    /// empty means none.
    pub profile_custom_fields: Vec<String>,
    /// Custom friend field keys users may set on their friends (each
    /// `Tag_SNS_Custom_*`, `updateFriend`); empty means none.
    pub friend_custom_fields: Vec<String>,
    /// Whether one-to-one messages need a friendship (TIM's relation-chain
    /// check for C2C): off (the default, as in TIM) lets anyone message
    /// anyone; on refuses a message unless each has the other (20009
    /// neither, 20010 the receiver lacks the sender, 20011 the sender lacks
    /// the receiver).
    pub c2c_requires_friendship: bool,
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
    /// Messages one user may send per second, sustained (a token bucket
    /// refilled at this rate, on the server clock); over it `sendMessage`
    /// fails with 2996 `OVER_FREQUENCY_LIMIT`. 0 turns the limit off.
    pub send_rate_per_sec: u32,
    /// Messages one user may send at once before the rate applies (the
    /// bucket's size).
    pub send_burst: u32,
    /// Messages one group takes per second, from all its members together
    /// (TIM's per-group limit, 40 by default). Over it, lower priorities
    /// are refused first with 2996: `Lowest` once less than half a second's
    /// allowance is left, `Low` below a quarter, `Normal` when none is left;
    /// `High` always goes (checklist: message priority). 0 turns it off.
    pub group_send_rate_per_sec: u32,
    /// Whether an AVChatRoom's joiners are told of each join and quit
    /// (GRP_TIP_MBR_JOIN / GRP_TIP_MBR_QUIT tips, pushed live). Off by
    /// default: in a room of thousands a wave of joins is a push per joiner
    /// per join. Removals and bans are told either way.
    pub av_chat_room_join_tips: bool,
    /// Largest `sync` reply, in bytes of its frame; entries beyond it are
    /// left for the next `sync` (the client pages on while `head` is ahead).
    pub max_sync_reply_bytes: usize,
    /// Requests one session may have awaiting their replies; one more is
    /// answered at once with 90020 `TOO_MANY_REQUESTS_IN_FLIGHT`.
    pub max_in_flight_per_session: usize,
    /// Bytes of stored files (and unfinished uploads) one user may have
    /// uploaded; beyond it an upload is refused with 90021
    /// `UPLOAD_QUOTA_EXCEEDED`. 0 means no limit.
    pub upload_quota_bytes_per_user: u64,
    /// Bytes the whole file store (stored files and unfinished uploads) may
    /// hold; beyond it an upload is refused with 90022 `STORAGE_FULL`. 0
    /// means no limit.
    pub file_storage_budget_bytes: u64,
    /// Seconds a stored file that no message names is kept (its upload may
    /// still be waiting for its message) before garbage collection removes it.
    pub file_gc_grace_secs: i64,
    /// Seconds between garbage collection passes over stored files (server clock).
    pub file_gc_interval_secs: i64,
    /// Whether the receiver of a message may change its `payload` (TIM's
    /// permissive rule). By default only the sender may; either participant
    /// may always change `cloudCustomData`.
    pub modify_by_receiver: bool,
    /// Whether clients may skip the profanity filter with
    /// `messageControlInfo.excludedFromContentModeration`; when not, the
    /// flag is ignored and the filter applies.
    pub allow_moderation_exclusion: bool,
    /// Most connections open at once from one client address (an IPv6
    /// client counts by its /64); one more is closed at once. `0`: no cap
    /// (behind a reverse proxy, where every connection comes from the proxy).
    pub max_connections_per_ip: usize,
    /// Most connections open at once in total; one more is closed at once.
    /// `0`: no cap.
    pub max_connections: usize,
    /// Milliseconds a connection has to send a complete request head (and
    /// to finish the TLS handshake); also how long a keep-alive connection
    /// may wait for its next request.
    pub header_read_timeout_ms: u64,
    /// Milliseconds an HTTP connection may move no byte either way while a
    /// request is under way (a stalled body or reader) before it is closed;
    /// WebSocket sessions use the heartbeat instead.
    pub http_idle_timeout_ms: u64,
    /// Milliseconds a WebSocket has to log in; then it is closed with 4006.
    pub login_timeout_ms: u64,
    /// PEM certificate chain for TLS (`https://`, `wss://`); needs
    /// `tls_key_file`. Unset: plain HTTP (put a TLS proxy in front).
    pub tls_cert_file: Option<PathBuf>,
    /// PEM private key of `tls_cert_file`.
    pub tls_key_file: Option<PathBuf>,
    /// Base URL of a LibreTranslate-compatible server that `translateText`
    /// calls (`POST <url>/translate`). Unset: `translateText` fails with
    /// 2117.
    pub translate_url: Option<String>,
    /// The `api_key` sent to `translate_url`, if it wants one (from the file
    /// or `CONFABD_TRANSLATE_API_KEY`; no flag).
    pub translate_api_key: Option<String>,
    /// Milliseconds a translation may take before it fails with 2117.
    pub translate_timeout_ms: u64,
    /// The userIDs whose UserSigs authenticate REST API requests.
    pub admin_identifiers: Vec<String>,
    /// Where TIM's third-party callbacks (webhooks) are posted; unset: none.
    pub callback_url: Option<String>,
    /// Which callbacks are posted (`CallbackCommand` names, e.g.
    /// `C2C.CallbackAfterSendMsg`); empty: every one confabd makes.
    pub callback_commands: Vec<String>,
    /// The token callbacks are signed with (`Sign` = SHA-256 of token and
    /// `RequestTime`); from the file or `CONFABD_CALLBACK_TOKEN`, no flag.
    pub callback_token: Option<String>,
    /// Milliseconds a callback may take before it counts as failed.
    pub callback_timeout_ms: u64,
    /// What a failed before-callback does to its request.
    pub callback_on_failure: CallbackFailure,
    /// How many times a failed after-callback is tried again.
    pub callback_retries: u32,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("store", &self.store)
            .field("database_url", &self.database_url.as_deref().map(redact_database_url))
            .field("nats_url", &self.nats_url)
            .field("node_name", &self.node_name)
            .field("files_dir", &self.files_dir)
            .field("listen", &self.listen)
            .field("sdk_app_id", &self.sdk_app_id)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<redacted>"))
            .field("secret_key_file", &self.secret_key_file)
            .field("max_instances_per_user", &self.max_instances_per_user)
            .field("device_policy", &self.device_policy)
            .field("registration", &self.registration)
            .field("user_sig_expire_secs", &self.user_sig_expire_secs)
            .field("heartbeat_interval_ms", &self.heartbeat_interval_ms)
            .field("max_batch", &self.max_batch)
            .field("profile_custom_fields", &self.profile_custom_fields)
            .field("friend_custom_fields", &self.friend_custom_fields)
            .field("c2c_requires_friendship", &self.c2c_requires_friendship)
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
            .field("send_rate_per_sec", &self.send_rate_per_sec)
            .field("send_burst", &self.send_burst)
            .field("group_send_rate_per_sec", &self.group_send_rate_per_sec)
            .field("av_chat_room_join_tips", &self.av_chat_room_join_tips)
            .field("max_sync_reply_bytes", &self.max_sync_reply_bytes)
            .field("max_in_flight_per_session", &self.max_in_flight_per_session)
            .field("upload_quota_bytes_per_user", &self.upload_quota_bytes_per_user)
            .field("file_storage_budget_bytes", &self.file_storage_budget_bytes)
            .field("file_gc_grace_secs", &self.file_gc_grace_secs)
            .field("file_gc_interval_secs", &self.file_gc_interval_secs)
            .field("modify_by_receiver", &self.modify_by_receiver)
            .field("allow_moderation_exclusion", &self.allow_moderation_exclusion)
            .field("max_connections_per_ip", &self.max_connections_per_ip)
            .field("max_connections", &self.max_connections)
            .field("header_read_timeout_ms", &self.header_read_timeout_ms)
            .field("http_idle_timeout_ms", &self.http_idle_timeout_ms)
            .field("login_timeout_ms", &self.login_timeout_ms)
            .field("tls_cert_file", &self.tls_cert_file)
            .field("tls_key_file", &self.tls_key_file)
            .field("translate_url", &self.translate_url)
            .field("translate_api_key", &self.translate_api_key.as_ref().map(|_| "<redacted>"))
            .field("translate_timeout_ms", &self.translate_timeout_ms)
            .field("admin_identifiers", &self.admin_identifiers)
            .field("callback_url", &self.callback_url)
            .field("callback_commands", &self.callback_commands)
            .field("callback_token", &self.callback_token.as_ref().map(|_| "<redacted>"))
            .field("callback_timeout_ms", &self.callback_timeout_ms)
            .field("callback_on_failure", &self.callback_on_failure)
            .field("callback_retries", &self.callback_retries)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: default_data_dir(),
            store: StoreBackend::Sqlite,
            database_url: None,
            nats_url: None,
            node_name: None,
            files_dir: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 7788)),
            sdk_app_id: 1_400_000_000,
            secret_key: None,
            secret_key_file: None,
            max_instances_per_user: 1,
            device_policy: DevicePolicy::Single,
            registration: Registration::Open,
            user_sig_expire_secs: 604_800,
            heartbeat_interval_ms: 30_000,
            max_batch: 512,
            profile_custom_fields: Vec::new(),
            friend_custom_fields: Vec::new(),
            c2c_requires_friendship: false,
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
            send_rate_per_sec: 10,
            send_burst: 100,
            group_send_rate_per_sec: 40,
            av_chat_room_join_tips: false,
            max_sync_reply_bytes: DEFAULT_MAX_SYNC_REPLY_BYTES,
            max_in_flight_per_session: 128,
            upload_quota_bytes_per_user: DEFAULT_UPLOAD_QUOTA_BYTES,
            file_storage_budget_bytes: DEFAULT_FILE_STORAGE_BUDGET_BYTES,
            file_gc_grace_secs: 7 * 86_400,
            file_gc_interval_secs: 3_600,
            modify_by_receiver: false,
            allow_moderation_exclusion: false,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout_ms: 10_000,
            http_idle_timeout_ms: 60_000,
            login_timeout_ms: 10_000,
            tls_cert_file: None,
            tls_key_file: None,
            translate_url: None,
            translate_api_key: None,
            translate_timeout_ms: 10_000,
            admin_identifiers: vec![DEFAULT_ADMIN.to_owned()],
            callback_url: None,
            callback_commands: Vec::new(),
            callback_token: None,
            callback_timeout_ms: 2_000,
            callback_on_failure: CallbackFailure::Allow,
            callback_retries: 3,
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
    /// The secret key is too weak to sign UserSigs with.
    #[error("the secret key from {origin} is refused: {reason}")]
    WeakSecretKey {
        /// Where it came from (setting or file).
        origin: String,
        /// Why.
        #[source]
        reason: WeakSecretKey,
    },
}

/// Why a secret key is refused by [`check_secret_key`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakSecretKey {
    /// Shorter than [`MIN_SECRET_KEY_BYTES`].
    #[error("it is {0} bytes long; use at least 32 random bytes, e.g. the output of `openssl rand -hex 32`")]
    TooShort(usize),
    /// Made of a repeated piece or a run of neighbouring characters.
    #[error("it repeats itself or runs through neighbouring characters; use random bytes, e.g. `openssl rand -hex 32`")]
    Patterned,
    /// Contains a word that guessers try first.
    #[error("it contains the word {0:?}; use random bytes, e.g. `openssl rand -hex 32`")]
    Dictionary(&'static str),
    /// Too few different characters for its length.
    #[error("it carries about {0} bits of entropy, fewer than 128; use random bytes, e.g. `openssl rand -hex 32`")]
    LowEntropy(u32),
}

/// Words that make a key guessable wherever they appear (compared without
/// case). Guessing lists start with them.
const GUESSABLE_WORDS: &[&str] = &[
    "changeme", "secret", "password", "passwd", "confab", "example", "default", "letmein",
    "qwerty", "admin", "test",
];

/// Checks that `key` could be random bytes: at least
/// [`MIN_SECRET_KEY_BYTES`] bytes; at least three quarters of its 4-byte
/// windows different and at most half of its neighbouring pairs one step
/// apart (no repeated phrase, no `abcdef…`); none of a few well-known words;
/// and an estimated entropy (its length times the Shannon entropy of its
/// byte frequencies) of at least [`MIN_SECRET_KEY_BITS`]. The generated key
/// (64 hex digits) passes by a wide margin. A heuristic: it refuses the keys
/// people type, it cannot prove a key random.
pub fn check_secret_key(key: &str) -> Result<(), WeakSecretKey> {
    let bytes = key.as_bytes();
    if bytes.len() < MIN_SECRET_KEY_BYTES {
        return Err(WeakSecretKey::TooShort(bytes.len()));
    }
    let windows: std::collections::HashSet<&[u8]> = bytes.windows(4).collect();
    let window_count = bytes.len() - 3;
    let steps = bytes.windows(2).filter(|pair| pair[0].abs_diff(pair[1]) <= 1).count();
    if windows.len() * 4 < window_count * 3 || steps * 2 > bytes.len() - 1 {
        return Err(WeakSecretKey::Patterned);
    }
    let lower = key.to_ascii_lowercase();
    if let Some(word) = GUESSABLE_WORDS.iter().find(|w| lower.contains(*w)) {
        return Err(WeakSecretKey::Dictionary(word));
    }
    let mut counts = [0u32; 256];
    for b in bytes {
        counts[usize::from(*b)] += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let len = bytes.len() as f64;
    let per_byte: f64 = counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / len;
            -p * p.log2()
        })
        .sum();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bits = (per_byte * len) as u32;
    if bits < MIN_SECRET_KEY_BITS {
        return Err(WeakSecretKey::LowEntropy(bits));
    }
    Ok(())
}

impl Config {
    /// Whether this node is one of several (`nats_url` is set).
    pub fn clustered(&self) -> bool {
        self.nats_url.is_some()
    }

    /// Checks the store and cluster settings: a cluster needs PostgreSQL
    /// (SQLite is one node's file) and a node name; PostgreSQL needs a URL.
    fn validate_cluster(&self) -> Result<(), ConfigError> {
        let invalid = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        match self.store {
            StoreBackend::Sqlite if self.clustered() => {
                return invalid(
                    "nats_url makes this node one of a cluster, which needs store = \"postgres\": \
                     an SQLite database is one node's file",
                );
            }
            StoreBackend::Sqlite if self.database_url.is_some() => {
                return invalid("database_url is for store = \"postgres\"; this node uses SQLite");
            }
            StoreBackend::Postgres
                if self.database_url.as_deref().is_none_or(|u| u.trim().is_empty()) =>
            {
                return invalid(
                    "store = \"postgres\" needs database_url (CONFABD_DATABASE_URL or the config file)",
                );
            }
            _ => {}
        }
        if self.nats_url.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return invalid("nats_url is empty");
        }
        match self.node_name.as_deref() {
            None if self.clustered() => {
                return invalid("a cluster node needs node_name (--node-name), unique per node")
            }
            Some(name) if !valid_node_name(name) => {
                return invalid("node_name must be 1 to 64 ASCII letters, digits, '-' or '_'")
            }
            _ => {}
        }
        Ok(())
    }

    /// Where stored files live: `files_dir`, or `data_dir/files`.
    pub fn files_root(&self) -> PathBuf {
        self.files_dir.clone().unwrap_or_else(|| self.data_dir.join("files"))
    }

    /// Where this node keeps unfinished uploads: `tmp/` under the files
    /// root (the same file system, so a finished upload is renamed into
    /// place), in a directory of the node's own in a cluster.
    pub fn uploads_dir(&self) -> PathBuf {
        match &self.node_name {
            Some(node) => self.files_root().join("tmp").join(node),
            None => self.files_root().join("tmp"),
        }
    }

    /// Path of the SQLite database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// Whether the server speaks TLS itself (`https://`, `wss://`).
    pub fn tls_enabled(&self) -> bool {
        self.tls_cert_file.is_some() && self.tls_key_file.is_some()
    }

    /// Checks that the values can be served.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        self.validate_cluster()?;
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
        if self.secret_key.is_some() && self.secret_key_file.is_some() {
            return invalid("set secret_key or secret_key_file, not both".into());
        }
        if let Some(key) = &self.secret_key {
            check_secret_key(key).map_err(|reason| ConfigError::WeakSecretKey {
                origin: "secret_key (CONFABD_SECRET_KEY or the config file)".into(),
                reason,
            })?;
        }
        if self.upload_expire_secs <= 0 {
            return invalid("upload_expire_secs must be positive".into());
        }
        if self.send_rate_per_sec > 0 && self.send_burst == 0 {
            return invalid("send_burst must be at least 1 when send_rate_per_sec is set".into());
        }
        if self.max_sync_reply_bytes < MIN_SYNC_REPLY_BYTES {
            return invalid(format!(
                "max_sync_reply_bytes must be at least {MIN_SYNC_REPLY_BYTES}"
            ));
        }
        if self.max_in_flight_per_session == 0 {
            return invalid("max_in_flight_per_session must be at least 1".into());
        }
        if self.file_gc_grace_secs < 0 {
            return invalid("file_gc_grace_secs must not be negative".into());
        }
        if self.file_gc_interval_secs <= 0 {
            return invalid("file_gc_interval_secs must be positive".into());
        }
        if self.header_read_timeout_ms == 0 {
            return invalid("header_read_timeout_ms must be at least 1".into());
        }
        if self.http_idle_timeout_ms == 0 {
            return invalid("http_idle_timeout_ms must be at least 1".into());
        }
        if self.login_timeout_ms == 0 {
            return invalid("login_timeout_ms must be at least 1".into());
        }
        if self.translate_timeout_ms == 0 {
            return invalid("translate_timeout_ms must be at least 1".into());
        }
        if self.callback_timeout_ms == 0 {
            return invalid("callback_timeout_ms must be at least 1".into());
        }
        if let Some(url) = &self.callback_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return invalid(format!(
                    "callback_url must be an http:// or https:// URL, not {url:?}"
                ));
            }
        }
        for admin in &self.admin_identifiers {
            if confab_proto::account::validate_user_id(admin).is_err() {
                return invalid(format!("admin_identifiers: {admin:?} is not a valid userID"));
            }
        }
        if let Some(url) = &self.translate_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return invalid(format!(
                    "translate_url must be an http:// or https:// URL, not {url:?}"
                ));
            }
        }
        match (&self.tls_cert_file, &self.tls_key_file) {
            (Some(_), None) => {
                return invalid(
                    "tls_cert_file is set without tls_key_file: set both or neither".into(),
                )
            }
            (None, Some(_)) => {
                return invalid(
                    "tls_key_file is set without tls_cert_file: set both or neither".into(),
                )
            }
            _ => {}
        }
        for key in &self.profile_custom_fields {
            if !key.starts_with(CUSTOM_FIELD_PREFIX) || key.len() == CUSTOM_FIELD_PREFIX.len() {
                return invalid(format!(
                    "profile custom field {key:?} must start with {CUSTOM_FIELD_PREFIX} and name a field"
                ));
            }
        }
        let sns = confab_proto::relation::FRIEND_CUSTOM_FIELD_PREFIX;
        for key in &self.friend_custom_fields {
            if !key.starts_with(sns) || key.len() == sns.len() {
                return invalid(format!(
                    "friend custom field {key:?} must start with {sns} and name a field"
                ));
            }
        }
        Ok(())
    }

    /// The secret key: the configured one, else the content of
    /// `secret_key_file`, else the one kept in `data_dir/secret.key`,
    /// generating that file (64 hex characters, mode 0600) the first time.
    /// Every one must pass [`check_secret_key`].
    pub fn resolve_secret_key(&self) -> Result<String, ConfigError> {
        let checked = |key: String, origin: &dyn fmt::Display| {
            check_secret_key(&key)
                .map(|()| key)
                .map_err(|reason| ConfigError::WeakSecretKey { origin: origin.to_string(), reason })
        };
        if let Some(key) = &self.secret_key {
            return checked(key.clone(), &"secret_key (CONFABD_SECRET_KEY or the config file)");
        }
        if let Some(path) = &self.secret_key_file {
            let key = read_secret(path)
                .map_err(|source| ConfigError::SecretKey { path: path.clone(), source })?;
            return checked(key, &path.display());
        }
        let path = self.data_dir.join(SECRET_KEY_FILE);
        let io_err = |source| ConfigError::SecretKey { path: path.clone(), source };
        confab_private_fs::create_dir_all(&self.data_dir).map_err(io_err)?;
        match read_secret(&path) {
            Ok(key) => return checked(key, &path.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        let key = generate_secret();
        match write_new_secret(&path, &key) {
            Ok(()) => Ok(key),
            // Someone else created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                checked(read_secret(&path).map_err(io_err)?, &path.display())
            }
            Err(e) => Err(io_err(e)),
        }
    }
}

/// `CONFABD_SECRET_KEY`, the only way to give the key in the environment
/// (never as a flag: the command line of a process shows in `ps`).
fn secret_key_from_env() -> Option<String> {
    std::env::var("CONFABD_SECRET_KEY").ok()
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
    /// Database backend: `sqlite` (one node) or `postgres` (needs CONFABD_DATABASE_URL) [default: sqlite].
    #[arg(long, env = "CONFABD_STORE", value_enum, global = true)]
    pub store: Option<StoreBackend>,
    /// The PostgreSQL URL, from `CONFABD_DATABASE_URL` only: it has no
    /// flag, since it may hold a password and a command line shows in `ps`.
    #[arg(skip = std::env::var("CONFABD_DATABASE_URL").ok())]
    pub database_url: Option<String>,
    /// NATS server(s) of a cluster, comma-separated (needs --store postgres and --node-name) [default: none, one node].
    #[arg(long, env = "CONFABD_NATS_URL", value_name = "URL", global = true)]
    pub nats_url: Option<String>,
    /// This node's name in a cluster, unique per node [default: none].
    #[arg(long, env = "CONFABD_NODE_NAME", value_name = "NAME", global = true)]
    pub node_name: Option<String>,
    /// Directory of stored files, shared by the nodes of a cluster [default: DATA_DIR/files].
    #[arg(long, env = "CONFABD_FILES_DIR", value_name = "DIR", global = true)]
    pub files_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:7788].
    #[arg(long, env = "CONFABD_LISTEN", value_name = "ADDR", global = true)]
    pub listen: Option<SocketAddr>,
    /// SDKAppID that UserSigs must be issued for [default: 1400000000].
    #[arg(long, env = "CONFABD_SDK_APP_ID", global = true)]
    pub sdk_app_id: Option<u64>,
    /// The UserSig secret key, from `CONFABD_SECRET_KEY` only: it has no
    /// flag, since a command line shows in `ps`.
    #[arg(skip = secret_key_from_env())]
    pub secret_key: Option<String>,
    /// File holding the UserSig secret key, at least 32 random bytes (or set
    /// CONFABD_SECRET_KEY) [default: generated once into DATA_DIR/secret.key].
    #[arg(long, env = "CONFABD_SECRET_KEY_FILE", value_name = "PATH", global = true)]
    pub secret_key_file: Option<PathBuf>,
    /// Web instances (browser pages) of one user online at once; one more kicks the oldest with multipleAccount [default: 1].
    #[arg(long, env = "CONFABD_MAX_INSTANCES_PER_USER", global = true)]
    pub max_instances_per_user: Option<usize>,
    /// Terminals (desktop app, CLI) of one user online together: `single` (one; another kicks it with multipleDevice) or `per-platform` (one per platform) [default: single].
    #[arg(long, env = "CONFABD_DEVICE_POLICY", value_enum, global = true)]
    pub device_policy: Option<DevicePolicy>,
    /// Whether POST /api/register creates accounts [default: open].
    #[arg(long, env = "CONFABD_REGISTRATION", value_enum, global = true)]
    pub registration: Option<Registration>,
    /// Lifetime in seconds of UserSigs handed out for passwords (and by `usersig`) [default: 604800].
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
    /// Custom friend field keys users may set, `Tag_SNS_Custom_*` (repeat or comma-separate) [default: none].
    #[arg(
        long = "friend-custom-field",
        env = "CONFABD_FRIEND_CUSTOM_FIELDS",
        value_delimiter = ',',
        value_name = "KEY",
        global = true
    )]
    pub friend_custom_fields: Option<Vec<String>>,
    /// Whether one-to-one messages need a friendship both ways (true/false) [default: false].
    #[arg(long, env = "CONFABD_C2C_REQUIRES_FRIENDSHIP", value_name = "BOOL", global = true)]
    pub c2c_requires_friendship: Option<bool>,
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
    /// Messages one user may send per second, sustained; 0 turns the limit off [default: 10].
    #[arg(long, env = "CONFABD_SEND_RATE_PER_SEC", value_name = "N", global = true)]
    pub send_rate_per_sec: Option<u32>,
    /// Messages one user may send at once before the rate applies [default: 100].
    #[arg(long, env = "CONFABD_SEND_BURST", value_name = "N", global = true)]
    pub send_burst: Option<u32>,
    /// Messages one group takes per second; lower priorities are refused first over it; 0 turns it off [default: 40].
    #[arg(long, env = "CONFABD_GROUP_SEND_RATE_PER_SEC", value_name = "N", global = true)]
    pub group_send_rate_per_sec: Option<u32>,
    /// Tell an AVChatRoom's joiners of each join and quit [default: false].
    #[arg(long, env = "CONFABD_AV_CHAT_ROOM_JOIN_TIPS", value_name = "BOOL", global = true)]
    pub av_chat_room_join_tips: Option<bool>,
    /// Largest sync reply in bytes; the client pages for the rest [default: 1048576].
    #[arg(long, env = "CONFABD_MAX_SYNC_REPLY_BYTES", value_name = "BYTES", global = true)]
    pub max_sync_reply_bytes: Option<usize>,
    /// Requests one session may have awaiting replies; more are refused (90020) [default: 128].
    #[arg(long, env = "CONFABD_MAX_IN_FLIGHT_PER_SESSION", value_name = "N", global = true)]
    pub max_in_flight_per_session: Option<usize>,
    /// Bytes of files one user may have stored; 0 means no limit [default: 2147483648].
    #[arg(long, env = "CONFABD_UPLOAD_QUOTA_BYTES_PER_USER", value_name = "BYTES", global = true)]
    pub upload_quota_bytes_per_user: Option<u64>,
    /// Bytes the whole file store may hold; 0 means no limit [default: 21474836480].
    #[arg(long, env = "CONFABD_FILE_STORAGE_BUDGET_BYTES", value_name = "BYTES", global = true)]
    pub file_storage_budget_bytes: Option<u64>,
    /// Seconds a stored file no message names is kept before garbage collection [default: 604800].
    #[arg(long, env = "CONFABD_FILE_GC_GRACE_SECS", value_name = "SECS", global = true)]
    pub file_gc_grace_secs: Option<i64>,
    /// Seconds between garbage collection passes over stored files [default: 3600].
    #[arg(long, env = "CONFABD_FILE_GC_INTERVAL_SECS", value_name = "SECS", global = true)]
    pub file_gc_interval_secs: Option<i64>,
    /// Whether a message's receiver may change its payload (TIM's permissive rule) [default: false].
    #[arg(long, env = "CONFABD_MODIFY_BY_RECEIVER", value_name = "BOOL", global = true)]
    pub modify_by_receiver: Option<bool>,
    /// Whether clients may skip the profanity filter (excludedFromContentModeration) [default: false].
    #[arg(long, env = "CONFABD_ALLOW_MODERATION_EXCLUSION", value_name = "BOOL", global = true)]
    pub allow_moderation_exclusion: Option<bool>,
    /// Connections open at once from one client address (IPv6: per /64); 0 for no cap [default: 64].
    #[arg(long, env = "CONFABD_MAX_CONNECTIONS_PER_IP", value_name = "N", global = true)]
    pub max_connections_per_ip: Option<usize>,
    /// Connections open at once in total; 0 for no cap [default: 10000].
    #[arg(long, env = "CONFABD_MAX_CONNECTIONS", value_name = "N", global = true)]
    pub max_connections: Option<usize>,
    /// Ms to send a request head (and finish TLS), or to send the next one on a keep-alive connection [default: 10000].
    #[arg(long, env = "CONFABD_HEADER_READ_TIMEOUT_MS", value_name = "MS", global = true)]
    pub header_read_timeout_ms: Option<u64>,
    /// Ms an HTTP request may move no byte either way before its connection is closed [default: 60000].
    #[arg(long, env = "CONFABD_HTTP_IDLE_TIMEOUT_MS", value_name = "MS", global = true)]
    pub http_idle_timeout_ms: Option<u64>,
    /// Ms a WebSocket has to log in before it is closed with 4006 [default: 10000].
    #[arg(long, env = "CONFABD_LOGIN_TIMEOUT_MS", value_name = "MS", global = true)]
    pub login_timeout_ms: Option<u64>,
    /// PEM certificate chain: serve https:// and wss:// (needs --tls-key-file) [default: plain HTTP].
    #[arg(long, env = "CONFABD_TLS_CERT_FILE", value_name = "PATH", global = true)]
    pub tls_cert_file: Option<PathBuf>,
    /// PEM private key of --tls-cert-file [default: none].
    #[arg(long, env = "CONFABD_TLS_KEY_FILE", value_name = "PATH", global = true)]
    pub tls_key_file: Option<PathBuf>,
    /// Base URL of a LibreTranslate-compatible server for translateText [default: none, translateText fails with 2117].
    #[arg(long, env = "CONFABD_TRANSLATE_URL", value_name = "URL", global = true)]
    pub translate_url: Option<String>,
    /// The translation server's API key, from `CONFABD_TRANSLATE_API_KEY`
    /// only: it has no flag, since a command line shows in `ps`.
    #[arg(skip = std::env::var("CONFABD_TRANSLATE_API_KEY").ok())]
    pub translate_api_key: Option<String>,
    /// Ms a translation may take before translateText fails with 2117 [default: 10000].
    #[arg(long, env = "CONFABD_TRANSLATE_TIMEOUT_MS", value_name = "MS", global = true)]
    pub translate_timeout_ms: Option<u64>,
    /// UserIDs whose UserSigs authenticate REST API requests (repeat or comma-separate) [default: administrator].
    #[arg(
        long = "admin-identifier",
        env = "CONFABD_ADMIN_IDENTIFIERS",
        value_delimiter = ',',
        value_name = "USER_ID",
        global = true
    )]
    pub admin_identifiers: Option<Vec<String>>,
    /// URL the third-party callbacks (webhooks) are posted to [default: none].
    #[arg(long, env = "CONFABD_CALLBACK_URL", value_name = "URL", global = true)]
    pub callback_url: Option<String>,
    /// Callbacks to post, by CallbackCommand (repeat or comma-separate) [default: all].
    #[arg(
        long = "callback-command",
        env = "CONFABD_CALLBACK_COMMANDS",
        value_delimiter = ',',
        value_name = "COMMAND",
        global = true
    )]
    pub callback_commands: Option<Vec<String>>,
    /// The callbacks' signing token, from `CONFABD_CALLBACK_TOKEN` only: it
    /// has no flag, since a command line shows in `ps`.
    #[arg(skip = std::env::var("CONFABD_CALLBACK_TOKEN").ok())]
    pub callback_token: Option<String>,
    /// Ms a callback may take before it counts as failed [default: 2000].
    #[arg(long, env = "CONFABD_CALLBACK_TIMEOUT_MS", value_name = "MS", global = true)]
    pub callback_timeout_ms: Option<u64>,
    /// What a failed before-callback does to its request [default: allow].
    #[arg(long, env = "CONFABD_CALLBACK_ON_FAILURE", value_name = "POLICY", global = true)]
    pub callback_on_failure: Option<CallbackFailure>,
    /// Times a failed after-callback is tried again [default: 3].
    #[arg(long, env = "CONFABD_CALLBACK_RETRIES", value_name = "N", global = true)]
    pub callback_retries: Option<u32>,
}

/// A database URL (`postgres://user:password@host/db` or a key=value
/// string) without its password, for messages and logs.
pub fn redact_database_url(url: &str) -> String {
    if !url.contains("://") {
        return url
            .split_whitespace()
            .map(|kv| if kv.starts_with("password=") { "password=***" } else { kv })
            .collect::<Vec<_>>()
            .join(" ");
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Whether `name` can name a node (it is part of NATS subjects).
fn valid_node_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
            store,
            database_url,
            nats_url,
            node_name,
            files_dir,
            listen,
            sdk_app_id,
            secret_key,
            secret_key_file,
            max_instances_per_user,
            device_policy,
            registration,
            user_sig_expire_secs,
            heartbeat_interval_ms,
            max_batch,
            profile_custom_fields,
            friend_custom_fields,
            c2c_requires_friendship,
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
            send_rate_per_sec,
            send_burst,
            group_send_rate_per_sec,
            av_chat_room_join_tips,
            max_sync_reply_bytes,
            max_in_flight_per_session,
            upload_quota_bytes_per_user,
            file_storage_budget_bytes,
            file_gc_grace_secs,
            file_gc_interval_secs,
            modify_by_receiver,
            allow_moderation_exclusion,
            max_connections_per_ip,
            max_connections,
            header_read_timeout_ms,
            http_idle_timeout_ms,
            login_timeout_ms,
            tls_cert_file,
            tls_key_file,
            translate_url,
            translate_api_key,
            translate_timeout_ms,
            admin_identifiers,
            callback_url,
            callback_commands,
            callback_token,
            callback_timeout_ms,
            callback_on_failure,
            callback_retries,
        } = self.clone();
        if let Some(v) = data_dir {
            config.data_dir = v;
        }
        if let Some(v) = store {
            config.store = v;
        }
        if database_url.is_some() {
            config.database_url = database_url;
        }
        if nats_url.is_some() {
            config.nats_url = nats_url;
        }
        if node_name.is_some() {
            config.node_name = node_name;
        }
        if files_dir.is_some() {
            config.files_dir = files_dir;
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
        if secret_key_file.is_some() {
            config.secret_key_file = secret_key_file;
        }
        if let Some(v) = max_instances_per_user {
            config.max_instances_per_user = v;
        }
        if let Some(v) = device_policy {
            config.device_policy = v;
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
        if let Some(v) = friend_custom_fields {
            config.friend_custom_fields = v.into_iter().filter(|k| !k.is_empty()).collect();
        }
        if let Some(v) = c2c_requires_friendship {
            config.c2c_requires_friendship = v;
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
        if let Some(v) = send_rate_per_sec {
            config.send_rate_per_sec = v;
        }
        if let Some(v) = send_burst {
            config.send_burst = v;
        }
        if let Some(v) = group_send_rate_per_sec {
            config.group_send_rate_per_sec = v;
        }
        if let Some(v) = av_chat_room_join_tips {
            config.av_chat_room_join_tips = v;
        }
        if let Some(v) = max_sync_reply_bytes {
            config.max_sync_reply_bytes = v;
        }
        if let Some(v) = max_in_flight_per_session {
            config.max_in_flight_per_session = v;
        }
        if let Some(v) = upload_quota_bytes_per_user {
            config.upload_quota_bytes_per_user = v;
        }
        if let Some(v) = file_storage_budget_bytes {
            config.file_storage_budget_bytes = v;
        }
        if let Some(v) = file_gc_grace_secs {
            config.file_gc_grace_secs = v;
        }
        if let Some(v) = file_gc_interval_secs {
            config.file_gc_interval_secs = v;
        }
        if let Some(v) = modify_by_receiver {
            config.modify_by_receiver = v;
        }
        if let Some(v) = allow_moderation_exclusion {
            config.allow_moderation_exclusion = v;
        }
        if let Some(v) = max_connections_per_ip {
            config.max_connections_per_ip = v;
        }
        if let Some(v) = max_connections {
            config.max_connections = v;
        }
        if let Some(v) = header_read_timeout_ms {
            config.header_read_timeout_ms = v;
        }
        if let Some(v) = http_idle_timeout_ms {
            config.http_idle_timeout_ms = v;
        }
        if let Some(v) = login_timeout_ms {
            config.login_timeout_ms = v;
        }
        if tls_cert_file.is_some() {
            config.tls_cert_file = tls_cert_file;
        }
        if tls_key_file.is_some() {
            config.tls_key_file = tls_key_file;
        }
        if translate_url.is_some() {
            config.translate_url = translate_url;
        }
        if let Some(v) = admin_identifiers {
            config.admin_identifiers = v.into_iter().filter(|k| !k.is_empty()).collect();
        }
        if callback_url.is_some() {
            config.callback_url = callback_url;
        }
        if let Some(v) = callback_commands {
            config.callback_commands = v.into_iter().filter(|k| !k.is_empty()).collect();
        }
        if callback_token.is_some() {
            config.callback_token = callback_token;
        }
        if let Some(v) = callback_timeout_ms {
            config.callback_timeout_ms = v;
        }
        if let Some(v) = callback_on_failure {
            config.callback_on_failure = v;
        }
        if let Some(v) = callback_retries {
            config.callback_retries = v;
        }
        if translate_api_key.is_some() {
            config.translate_api_key = translate_api_key;
        }
        if let Some(v) = translate_timeout_ms {
            config.translate_timeout_ms = v;
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
    fn abuse_limit_settings_from_toml_and_flags() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(
            &file,
            "send_rate_per_sec = 3\nsend_burst = 7\nmodify_by_receiver = true\nfile_gc_grace_secs = 60\n",
        )
        .expect("write");
        let args = ConfigArgs {
            config: Some(file),
            max_sync_reply_bytes: Some(65_536),
            allow_moderation_exclusion: Some(true),
            upload_quota_bytes_per_user: Some(10),
            ..Default::default()
        };
        let config = args.load().expect("load");
        assert_eq!((config.send_rate_per_sec, config.send_burst), (3, 7));
        assert!(config.modify_by_receiver);
        assert!(config.allow_moderation_exclusion);
        assert_eq!(config.file_gc_grace_secs, 60);
        assert_eq!(config.max_sync_reply_bytes, 65_536);
        assert_eq!(config.upload_quota_bytes_per_user, 10);
        let defaults = Config::default();
        assert!(!defaults.modify_by_receiver, "only the sender changes payload by default");
        assert!(!defaults.allow_moderation_exclusion, "clients cannot skip moderation by default");
        assert!(Config { max_sync_reply_bytes: 1000, ..Config::default() }.validate().is_err());
        assert!(Config { max_in_flight_per_session: 0, ..Config::default() }.validate().is_err());
        assert!(Config { send_burst: 0, ..Config::default() }.validate().is_err());
        assert!(Config { send_burst: 0, send_rate_per_sec: 0, ..Config::default() }
            .validate()
            .is_ok());
    }

    #[test]
    fn session_rules_from_toml_env_names_and_flags() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: ConfigArgs,
        }
        // TIM's defaults: one web page; one terminal of any platform.
        let defaults = Config::default();
        assert_eq!(defaults.max_instances_per_user, 1);
        assert_eq!(defaults.device_policy, DevicePolicy::Single);

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(&file, "max_instances_per_user = 3\ndevice_policy = \"per-platform\"\n")
            .expect("write");
        let args = ConfigArgs { config: Some(file.clone()), ..Default::default() };
        let config = args.load().expect("load");
        assert_eq!(config.max_instances_per_user, 3);
        assert_eq!(config.device_policy, DevicePolicy::PerPlatform);

        let cli = Cli::try_parse_from(["confabd", "--device-policy", "single"]).expect("parse");
        assert_eq!(cli.config.device_policy, Some(DevicePolicy::Single));
        let config = ConfigArgs { config: Some(file.clone()), ..cli.config }.load().expect("load");
        assert_eq!(config.device_policy, DevicePolicy::Single, "the flag wins over the file");
        assert!(Cli::try_parse_from(["confabd", "--device-policy", "any"]).is_err());

        std::fs::write(&file, "device_policy = \"everything\"\n").expect("write");
        let refused = ConfigArgs { config: Some(file), ..Default::default() }.load();
        assert!(matches!(refused, Err(ConfigError::Parse { .. })));
        assert!(Config { max_instances_per_user: 0, ..Config::default() }.validate().is_err());
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
    fn transport_settings_from_toml_and_flags() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(
            &file,
            "max_connections_per_ip = 8\nmax_connections = 0\nlogin_timeout_ms = 5000\ntls_cert_file = \"/etc/confab/cert.pem\"\ntls_key_file = \"/etc/confab/key.pem\"\n",
        )
        .expect("write");
        let args = ConfigArgs {
            config: Some(file),
            header_read_timeout_ms: Some(2_000),
            http_idle_timeout_ms: Some(3_000),
            ..Default::default()
        };
        let config = args.load().expect("load");
        assert_eq!(config.max_connections_per_ip, 8);
        assert_eq!(config.max_connections, 0);
        assert_eq!(config.login_timeout_ms, 5_000);
        assert_eq!(config.header_read_timeout_ms, 2_000);
        assert_eq!(config.http_idle_timeout_ms, 3_000);
        assert!(config.tls_enabled());
        let defaults = Config::default();
        assert_eq!(defaults.max_connections_per_ip, DEFAULT_MAX_CONNECTIONS_PER_IP);
        assert_eq!(defaults.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert!(!defaults.tls_enabled());
    }

    #[test]
    fn store_backends_are_sqlite_or_postgres_and_other_names_are_refused() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: ConfigArgs,
        }
        assert_eq!(Config::default().store, StoreBackend::Sqlite);
        let cli = Cli::try_parse_from(["confabd", "--store", "sqlite"]).expect("parse");
        assert_eq!(cli.config.store, Some(StoreBackend::Sqlite));
        let cli = Cli::try_parse_from(["confabd", "--store", "postgres"]).expect("parse");
        assert_eq!(cli.config.store, Some(StoreBackend::Postgres));
        let refused = Cli::try_parse_from(["confabd", "--store", "mysql"]).err().expect("refused");
        let why = refused.to_string();
        assert!(
            why.contains("mysql") && why.contains("sqlite") && why.contains("postgres"),
            "{why}"
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.toml");
        std::fs::write(&file, "store = \"sqlite\"\n").expect("write");
        let args = ConfigArgs { config: Some(file.clone()), ..Default::default() };
        assert_eq!(args.load().expect("load").store, StoreBackend::Sqlite);
        std::fs::write(
            &file,
            "store = \"postgres\"\ndatabase_url = \"postgres://confab:pw@db/confab\"\n\
             nats_url = \"nats://127.0.0.1:4222\"\nnode_name = \"node-1\"\n",
        )
        .expect("write");
        let config = args.load().expect("load");
        assert_eq!(config.store, StoreBackend::Postgres);
        assert!(config.clustered());
        assert!(!format!("{config:?}").contains("pw"), "the password is not logged");
        std::fs::write(&file, "store = \"mysql\"\n").expect("write");
        let refused = args.load().expect_err("refused");
        assert!(matches!(refused, ConfigError::Parse { .. }), "{refused}");
        assert!(refused.to_string().contains("mysql"), "{refused}");
    }

    #[test]
    fn a_cluster_needs_postgres_a_database_url_and_a_node_name() {
        let refused = |config: Config| match config.validate() {
            Err(ConfigError::Invalid(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        };
        let nats = Some("nats://127.0.0.1:4222".to_owned());
        let url = Some("postgres://confab@db/confab".to_owned());
        let name = Some("node-1".to_owned());
        // Clustered on SQLite: refused, saying why.
        let why = refused(Config {
            nats_url: nats.clone(),
            node_name: name.clone(),
            ..Config::default()
        });
        assert!(why.contains("postgres") && why.contains("SQLite"), "{why}");
        let postgres = Config { store: StoreBackend::Postgres, ..Config::default() };
        assert!(refused(postgres.clone()).contains("database_url"));
        let one_node = Config { database_url: url.clone(), ..postgres.clone() };
        one_node.validate().expect("PostgreSQL without NATS is one node");
        let unnamed = Config { nats_url: nats.clone(), ..one_node.clone() };
        assert!(refused(unnamed).contains("node_name"));
        let bad_name =
            Config { nats_url: nats.clone(), node_name: Some("a.b".into()), ..one_node.clone() };
        assert!(refused(bad_name).contains("node_name"));
        Config { nats_url: nats, node_name: name, ..one_node }.validate().expect("a cluster node");
        let stray = Config { database_url: url, ..Config::default() };
        assert!(refused(stray).contains("database_url"));
    }

    #[test]
    fn transport_settings_have_flags() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: ConfigArgs,
        }
        let cli = Cli::try_parse_from([
            "confabd",
            "--max-connections-per-ip",
            "5",
            "--max-connections",
            "50",
            "--header-read-timeout-ms",
            "700",
            "--http-idle-timeout-ms",
            "800",
            "--login-timeout-ms",
            "900",
            "--tls-cert-file",
            "/tls/cert.pem",
            "--tls-key-file",
            "/tls/key.pem",
        ])
        .expect("parse");
        let mut config = Config::default();
        cli.config.apply(&mut config);
        assert_eq!((config.max_connections_per_ip, config.max_connections), (5, 50));
        assert_eq!(config.header_read_timeout_ms, 700);
        assert_eq!(config.http_idle_timeout_ms, 800);
        assert_eq!(config.login_timeout_ms, 900);
        assert_eq!(config.tls_cert_file, Some(PathBuf::from("/tls/cert.pem")));
        assert_eq!(config.tls_key_file, Some(PathBuf::from("/tls/key.pem")));
    }

    #[test]
    fn tls_needs_both_files() {
        let cert_only =
            Config { tls_cert_file: Some("/etc/confab/cert.pem".into()), ..Config::default() };
        let key_only =
            Config { tls_key_file: Some("/etc/confab/key.pem".into()), ..Config::default() };
        for config in [cert_only, key_only] {
            let Err(ConfigError::Invalid(why)) = config.validate() else {
                panic!("one TLS file without the other must be refused")
            };
            assert!(why.contains("both or neither"), "{why}");
        }
        assert!(Config { login_timeout_ms: 0, ..Config::default() }.validate().is_err());
        assert!(Config { header_read_timeout_ms: 0, ..Config::default() }.validate().is_err());
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
        let fixed = Config { secret_key: Some(STRONG.into()), ..config };
        assert_eq!(fixed.resolve_secret_key().expect("configured"), STRONG);
    }

    /// 32 random bytes, hex-encoded (like the generated key).
    const STRONG: &str = "9f3b1c0e7a5d4f2b8c6e0a1d3f5b7c9e2a4c6e8f0b1d3f5a7c9e1b3d5f7a9c0e";

    #[test]
    fn weak_secret_keys_are_refused() {
        // The key recovered offline from one UserSig in the issue.
        assert_eq!(check_secret_key("changeme"), Err(WeakSecretKey::TooShort(8)));
        // 31 random bytes (hex digits) are one short.
        assert_eq!(check_secret_key(&STRONG[..31]), Err(WeakSecretKey::TooShort(31)));
        assert_eq!(check_secret_key(&"changeme".repeat(4)), Err(WeakSecretKey::Patterned));
        assert_eq!(check_secret_key(&"a".repeat(64)), Err(WeakSecretKey::Patterned));
        assert_eq!(
            check_secret_key("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"),
            Err(WeakSecretKey::Patterned)
        );
        assert_eq!(
            check_secret_key("our-confab-server-key-for-production-2026"),
            Err(WeakSecretKey::Dictionary("confab"))
        );
        assert!(matches!(
            check_secret_key("0101010202020303030404040505050606060101"),
            Err(WeakSecretKey::Patterned | WeakSecretKey::LowEntropy(_))
        ));
        assert!(matches!(
            check_secret_key("xyxyzzyxzyzxyzyxxzyzxyzzyxyzxzyxzyzxyz"),
            Err(WeakSecretKey::Patterned | WeakSecretKey::LowEntropy(_))
        ));
        assert_eq!(check_secret_key(STRONG), Ok(()));
        // Every generated key passes.
        for _ in 0..200 {
            assert_eq!(check_secret_key(&generate_secret()), Ok(()));
        }

        // At start: from the setting, and from the files.
        let dir = tempfile::tempdir().expect("tempdir");
        let weak = Config { secret_key: Some("changeme".into()), ..Config::default() };
        let err = weak.validate().expect_err("weak key refused");
        assert!(matches!(
            err,
            ConfigError::WeakSecretKey { reason: WeakSecretKey::TooShort(8), .. }
        ));
        let file = dir.path().join("key");
        std::fs::write(&file, "changeme\n").expect("write");
        let from_file = Config { secret_key_file: Some(file), ..Config::default() };
        assert!(matches!(
            from_file.resolve_secret_key(),
            Err(ConfigError::WeakSecretKey { reason: WeakSecretKey::TooShort(8), .. })
        ));
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("mkdir");
        std::fs::write(data_dir.join(SECRET_KEY_FILE), "changeme").expect("write");
        let stored = Config { data_dir, ..Config::default() };
        assert!(matches!(stored.resolve_secret_key(), Err(ConfigError::WeakSecretKey { .. })));
    }

    #[test]
    fn secret_key_from_a_file_and_never_from_a_flag() {
        use clap::Parser as _;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: ConfigArgs,
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("confabd.key");
        std::fs::write(&file, format!("{STRONG}\n")).expect("write");
        let cli =
            Cli::try_parse_from(["confabd", "--secret-key-file", file.to_str().expect("utf-8")])
                .expect("parse");
        let config = cli.config.load().expect("load");
        assert_eq!(config.secret_key_file.as_deref(), Some(file.as_path()));
        assert_eq!(config.resolve_secret_key().expect("from the file"), STRONG);
        assert!(Cli::try_parse_from(["confabd", "--secret-key", STRONG]).is_err(), "no such flag");
        let toml = dir.path().join("confabd.toml");
        std::fs::write(&toml, format!("secret_key_file = {:?}\n", file.display().to_string()))
            .expect("write");
        let args = ConfigArgs { config: Some(toml), ..Default::default() };
        assert_eq!(args.load().expect("load").resolve_secret_key().expect("key"), STRONG);
        let both = Config {
            secret_key: Some(STRONG.into()),
            secret_key_file: Some(file),
            ..Config::default()
        };
        assert!(both.validate().is_err());
    }
}
