//! [`AppCore`]: one app instance over the SDK. It owns the settings, the
//! embedded server (local mode), one SDK instance ([`Tim`]) per signed-in
//! account — the active one's, and the others' in the background
//! ([`crate::accounts`]) — and the tasks that forward their events to the
//! app's event channel; the shells only carry [`AppCore::call`] and
//! [`AppCore::events`]. The command handlers are `impl AppCore` blocks in
//! [`crate::commands`]' area files, over the state kept here.
//!
//! Invariants: app-level transitions (choose server, register, log in,
//! resume, log out, shut down) are serialized by one async lock; the
//! settings on disk are updated before a transition's result is returned;
//! every task is owned (an event forwarder is aborted when its client is
//! dropped or the core is); no lock is held across an await.

use crate::commands::{self, NotifyArgs};
use crate::embedded::EmbeddedServer;
use crate::error::{self, from_tim};
use crate::native::{self, ClipboardImage};
use crate::settings::{SavedSession, Settings};
use crate::state::{system_locale, AppEvent, AppOwnEvent, AppState, Mode};
use confab_proto::files::FileKind;
use confab_proto::{code, ErrorBody};
use confab_sdk::{CustomCa, Event, NetState, Platform, Tim, TimError, TimOptions, TlsConfig};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// How many events a slow subscriber may fall behind before it lags.
const EVENT_CAPACITY: usize = 4096;
/// How long the `GET /healthz` check of a remote server may take.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a login waits for SDK_READY before resolving anyway.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// Directory of the SDK's local stores inside the app data directory.
pub const SDK_DIR: &str = "sdk";

/// What a shell can do natively: desktop notifications and the unread
/// badge (window title, tray). The web host has none ([`NoDesktop`]).
pub trait DesktopHooks: Send + Sync + 'static {
    /// Shows a desktop notification.
    fn notify(&self, notification: &NotifyArgs) -> Result<(), HookError>;
    /// Shows the total unread count (0 clears it).
    fn set_unread_badge(&self, count: u64) -> Result<(), HookError>;
    /// A native file picker; blocks until the user chooses (empty when
    /// cancelled). Called off the async runtime.
    fn pick_files(&self, kind: FileKind, multiple: bool) -> Result<Vec<PathBuf>, HookError> {
        let _ = (kind, multiple);
        Err(native::unsupported("a file picker"))
    }
    /// Opens a file with the system's handler.
    fn open_path(&self, path: &Path) -> Result<(), HookError> {
        let _ = path;
        Err(native::unsupported("opening files"))
    }
    /// Shows a file in the file manager.
    fn reveal_path(&self, path: &Path) -> Result<(), HookError> {
        let _ = path;
        Err(native::unsupported("revealing files"))
    }
    /// A native "save as" dialog suggesting `file_name`; blocks until the
    /// user chooses (`None` when cancelled).
    fn choose_save_path(&self, file_name: &str) -> Result<Option<PathBuf>, HookError> {
        let _ = file_name;
        Err(native::unsupported("a save dialog"))
    }
    /// The image on the system clipboard, if there is one.
    fn clipboard_image(&self) -> Result<Option<ClipboardImage>, HookError> {
        Err(native::unsupported("the clipboard"))
    }
    /// The URL under which the webview loads a local (cached) file.
    fn file_url(&self, path: &Path) -> String {
        format!("file://{}", path.display())
    }
    /// The URL under which the webview may load any local file the user
    /// chose (`app.localFileUrl`, e.g. a dropped video to take its cover
    /// frame): the shell first allows that one file to be read. `path` is
    /// absolute and an existing file.
    fn local_file_url(&self, path: &Path) -> Result<String, HookError> {
        let _ = path;
        Err(native::unsupported("loading local files"))
    }
    /// Whether a command may use the local file at `path` (absolute, as
    /// the UI sent it) for `purpose`; a refusal answers
    /// [`code::PATH_NOT_ALLOWED`]. Called off the async runtime. The
    /// default allows every path: the desktop's paths come from its native
    /// picker, drop and clipboard. The web host allows only its staging
    /// directory, so a page that reached its bridge cannot send any file
    /// of the user's.
    fn path_allowed(&self, path: &Path, purpose: PathPurpose) -> bool {
        let _ = (path, purpose);
        true
    }
}

/// What a command does with a local path ([`DesktopHooks::path_allowed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Read and upload it (`tim.create*Message`: the file and a video's
    /// cover).
    Send,
    /// Open, reveal, copy or load it in the webview (`app.openFile`,
    /// `app.revealFile`, `app.saveFileAs`, `app.localFileUrl`): a
    /// downloaded or chosen file.
    Open,
}

/// A failure of a [`DesktopHooks`] call; logged, never returned to the UI.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Hooks that do nothing (the web host, tests).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDesktop;

impl DesktopHooks for NoDesktop {
    fn notify(&self, _: &NotifyArgs) -> Result<(), HookError> {
        Ok(())
    }

    fn set_unread_badge(&self, _: u64) -> Result<(), HookError> {
        Ok(())
    }
}

/// How to open an [`AppCore`].
pub struct AppOptions {
    /// The app data directory: settings, SDK stores, embedded server data.
    pub data_dir: PathBuf,
    /// The shell's native side.
    pub hooks: Arc<dyn DesktopHooks>,
    /// The locale reported in [`AppState`]; the system's when `None`.
    pub locale: Option<String>,
    /// Preselects a remote server (tests, `--server`): the mode becomes
    /// remote with this URL, without a health check. A saved session of
    /// another server is forgotten.
    pub remote_server: Option<String>,
    /// With `remote_server`: a CA certificate file (PEM) to trust for it,
    /// besides the platform's roots.
    pub remote_ca_file: Option<PathBuf>,
    /// What kind of client the shell is, sent at every login: the desktop
    /// app says [`Platform::Desktop`], the web host [`Platform::Web`] (the
    /// server lets one of each be online together, see
    /// [`confab_sdk::TimOptions::platform`]).
    pub platform: Platform,
}

impl AppOptions {
    /// Options with no native hooks, the system locale, the saved server
    /// choice and the web platform.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            hooks: Arc::new(NoDesktop),
            locale: None,
            remote_server: None,
            remote_ca_file: None,
            platform: Platform::Web,
        }
    }
}

/// The app could not open its data directory.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The directory could not be created.
    #[error("app data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The settings could not be read or written.
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
    /// The preselected server URL is not an http(s) URL.
    #[error("{0}")]
    ServerUrl(String),
}

/// One app instance: commands in, events out.
pub struct AppCore {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for AppCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCore").field("data_dir", &self.inner.data_dir).finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) data_dir: PathBuf,
    hooks: Arc<dyn DesktopHooks>,
    locale: String,
    /// Sent at every login of the SDK instance.
    platform: Platform,
    events: broadcast::Sender<AppEvent>,
    pub(crate) settings: Mutex<Settings>,
    /// What the chosen server's certificate may be issued by (settings'
    /// `ca_file`): one configuration for the SDK instance, the account
    /// calls and the health check.
    pub(crate) tls: Mutex<TlsConfig>,
    /// The active account's SDK instance (or the one a sign-in uses).
    pub(crate) client: Mutex<Option<Arc<Client>>>,
    /// The other signed-in accounts' SDK instances, by account key (those
    /// of `settings.accounts` that were logged in since the start).
    pub(crate) background: Mutex<HashMap<String, Arc<Client>>>,
    /// Numbers the clients (their forwarders tell whose events they carry).
    next_client: AtomicU64,
    server: Mutex<Option<EmbeddedServer>>,
    /// Serializes app-level transitions (guards no data).
    pub(crate) lifecycle: tokio::sync::Mutex<()>,
}

/// The SDK instance for one server and SDKAppID, and the task forwarding
/// its events (aborted when the client is dropped).
pub(crate) struct Client {
    /// Unique within the core.
    pub(crate) serial: u64,
    pub(crate) tim: Tim,
    ws_url: String,
    sdk_app_id: u64,
    tls: TlsConfig,
    /// Where its local stores are (one directory per server).
    store_dir: PathBuf,
    /// Its user: one instance per account ([`TimOptions::instance`]).
    user_id: String,
    forwarder: JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section is a plain read or replacement: a panic inside
    // one cannot leave the value half-updated.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `http://h:p/` → `http://h:p`; only http and https URLs.
pub(crate) fn normalize_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() => Ok(url.to_owned()),
        _ => Err(format!("{url:?} is not an http:// or https:// URL")),
    }
}

/// The WebSocket URL of a server's HTTP base URL.
fn ws_url_of(http_url: &str) -> String {
    let ws = match http_url.strip_prefix("https://") {
        Some(rest) => format!("wss://{rest}"),
        None => format!("ws://{}", http_url.strip_prefix("http://").unwrap_or(http_url)),
    };
    format!("{ws}{}", confab_proto::WS_PATH)
}

fn local_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// Errors of a login with a saved session that mean "try again later"
/// rather than "this session is no good": the network, and a refused TLS
/// certificate (the server is not the problem's source: a CA file to
/// choose, a certificate to renew).
pub(crate) fn is_transient(code: i32) -> bool {
    matches!(
        code,
        code::NETWORK_ERROR
            | code::NETWORK_TIMEOUT
            | code::NO_NETWORK
            | code::TLS_CERTIFICATE_UNTRUSTED
            | code::TLS_CERTIFICATE_WRONG_HOST
            | code::TLS_CERTIFICATE_EXPIRED
            | code::TLS_HANDSHAKE_FAILED
            | code::TLS_CA_FILE_INVALID
    )
}

/// The TLS configuration trusting the platform's roots and `ca_file`.
pub(crate) fn tls_for(ca_file: Option<&Path>) -> TlsConfig {
    match ca_file {
        Some(path) => TlsConfig::with_custom_ca(CustomCa::PemFile(path.to_owned())),
        None => TlsConfig::platform(),
    }
}

/// `caFile` of `app.chooseServer`: none when absent or blank, else an
/// absolute path.
pub(crate) fn ca_file_arg(ca_file: Option<&str>) -> Result<Option<PathBuf>, ErrorBody> {
    match ca_file.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(path) if Path::new(path).is_absolute() => Ok(Some(PathBuf::from(path))),
        Some(path) => Err(error::invalid(format!("caFile {path:?} is not an absolute path"))),
    }
}

impl AppCore {
    /// Opens the app data directory (creating it) and loads the settings.
    /// Nothing starts until a command asks for it.
    pub fn open(options: AppOptions) -> Result<AppCore, OpenError> {
        let data_dir = options.data_dir;
        confab_private_fs::create_dir_all(&data_dir)
            .map_err(|source| OpenError::DataDir { path: data_dir.clone(), source })?;
        let swept = native::sweep_staging(&data_dir, native::STAGING_MAX_AGE);
        if swept > 0 {
            tracing::info!(swept, "removed old staged files");
        }
        let path = Settings::path_in(&data_dir);
        let mut settings = Settings::load(&path)?;
        crate::accounts::migrate_store_layout(&data_dir, &mut settings);
        if let Some(url) = options.remote_server {
            let url = normalize_url(&url).map_err(OpenError::ServerUrl)?;
            if settings.session.as_ref().is_some_and(|s| s.server_url != url) {
                settings.forget_active();
            }
            settings.mode = Some(Mode::Remote);
            settings.remote_url = Some(url);
            settings.ca_file = options.remote_ca_file;
            settings.save(&path)?;
        }
        let tls = tls_for(settings.ca_file.as_deref());
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Ok(AppCore {
            inner: Arc::new(Inner {
                data_dir,
                hooks: options.hooks,
                locale: options.locale.unwrap_or_else(system_locale),
                platform: options.platform,
                events,
                settings: Mutex::new(settings),
                tls: Mutex::new(tls),
                client: Mutex::new(None),
                background: Mutex::new(HashMap::new()),
                next_client: AtomicU64::new(1),
                server: Mutex::new(None),
                lifecycle: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Runs a command (`docs/app-commands.md`): JSON arguments in, JSON
    /// result or `{code, message}` out.
    pub async fn call(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ErrorBody> {
        let result = commands::dispatch(self, command, args).await;
        if let Err(e) = &result {
            tracing::debug!(command, code = e.code, message = %e.message, "command failed");
        }
        result
    }

    /// A receiver of every event from now on: the SDK's, then
    /// `confab.appState` whenever the app state changes.
    pub fn events(&self) -> broadcast::Receiver<AppEvent> {
        self.inner.events.subscribe()
    }

    /// The current app state.
    pub fn state(&self) -> AppState {
        self.inner.state()
    }

    /// The app data directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// Stops everything without logging out (the session stays saved for
    /// the next start): the SDK instance, then the embedded server,
    /// gracefully.
    pub async fn shutdown(&self) -> Result<(), crate::embedded::EmbeddedError> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        let client = lock(&self.inner.client).take();
        drop(client);
        let background = std::mem::take(&mut *lock(&self.inner.background));
        drop(background);
        let server = lock(&self.inner.server).take();
        match server {
            Some(server) => server.shutdown().await,
            None => Ok(()),
        }
    }

    /// The shell's native side.
    pub(crate) fn hooks(&self) -> Arc<dyn DesktopHooks> {
        Arc::clone(&self.inner.hooks)
    }

    /// The SDK instance, or 2999 before any login.
    pub(crate) fn tim(&self) -> Result<Tim, ErrorBody> {
        lock(&self.inner.client).as_ref().map(|c| c.tim.clone()).ok_or_else(error::not_ready)
    }
}

impl Inner {
    pub(crate) fn state(&self) -> AppState {
        let settings = lock(&self.settings).clone();
        let tim = lock(&self.client).as_ref().map(|c| c.tim.clone());
        let server_url = match settings.mode {
            Some(Mode::Local) => lock(&self.server)
                .as_ref()
                .map(EmbeddedServer::http_url)
                .or_else(|| settings.local_port.map(local_url)),
            Some(Mode::Remote) => settings.remote_url.clone(),
            None => None,
        };
        let insecure_transport =
            server_url.as_deref().is_some_and(confab_sdk::tls::is_plain_remote_url);
        let accounts = self.account_summaries(&settings, tim.as_ref());
        AppState {
            account_id: settings.active_account().map(|a| a.id()),
            accounts,
            mode: settings.mode,
            server_url,
            user_id: settings.session.map(|s| s.user_id),
            logged_in: tim.as_ref().is_some_and(|t| t.user_id().is_some()),
            ca_file: settings.ca_file.map(|p| p.display().to_string()),
            insecure_transport,
            net_state: tim.as_ref().map(Tim::net_state).unwrap_or(NetState::Disconnected),
            net_error: tim.and_then(|t| t.net_error()).map(from_tim),
            locale: self.locale.clone(),
        }
    }

    /// Emits `confab.appState` and returns the state.
    pub(crate) fn state_changed(&self) -> AppState {
        let state = self.state();
        self.emit(AppEvent::App(AppOwnEvent::AppState(state.clone())));
        state
    }

    /// The TLS configuration of the chosen server.
    pub(crate) fn tls(&self) -> TlsConfig {
        lock(&self.tls).clone()
    }

    pub(crate) fn emit(&self, event: AppEvent) {
        if self.events.send(event).is_err() {
            tracing::trace!("no event subscribers");
        }
    }

    pub(crate) fn update_settings(
        &self,
        change: impl FnOnce(&mut Settings),
    ) -> Result<(), ErrorBody> {
        let mut settings = lock(&self.settings);
        let mut updated = settings.clone();
        change(&mut updated);
        if updated != *settings {
            updated.save(&Settings::path_in(&self.data_dir)).map_err(|e| error::internal(&e))?;
            *settings = updated;
        }
        Ok(())
    }

    /// The chosen server's HTTP base URL, starting the embedded server in
    /// local mode. Fails with 2905 before a server was chosen.
    pub(crate) async fn server_url(&self) -> Result<String, ErrorBody> {
        let settings = lock(&self.settings).clone();
        match (settings.mode, settings.remote_url) {
            (Some(Mode::Local), _) => self.start_embedded().await,
            (Some(Mode::Remote), Some(url)) => Ok(url),
            _ => Err(error::invalid("choose a server first (app.chooseServer)")),
        }
    }

    /// Starts the embedded server unless it runs; returns its URL and
    /// remembers its port.
    pub(crate) async fn start_embedded(&self) -> Result<String, ErrorBody> {
        if let Some(url) = lock(&self.server).as_ref().map(EmbeddedServer::http_url) {
            return Ok(url);
        }
        let port = lock(&self.settings).local_port;
        let server =
            EmbeddedServer::start(&self.data_dir, port).await.map_err(|e| error::internal(&e))?;
        let (url, port) = (server.http_url(), server.port());
        *lock(&self.server) = Some(server);
        tracing::info!(%url, "embedded server started");
        self.update_settings(|s| s.local_port = Some(port))?;
        Ok(url)
    }

    pub(crate) async fn stop_embedded(&self) {
        let server = lock(&self.server).take();
        if let Some(server) = server {
            if let Err(e) = server.shutdown().await {
                tracing::warn!(error = %e, "embedded server shutdown");
            }
        }
    }

    /// Logs the SDK out if it is logged in; a failure (the server is gone)
    /// is logged: the local side is logged out either way.
    pub(crate) async fn logout_sdk(&self) {
        let tim = lock(&self.client).as_ref().map(|c| c.tim.clone());
        if let Some(tim) = tim.filter(|t| t.user_id().is_some()) {
            if let Err(e) = tim.logout().await {
                tracing::warn!(code = e.code, message = %e.message, "logout");
            }
        }
    }

    /// The active SDK instance of `user_id` for this server, SDKAppID and
    /// trusted CA (its stores in the chosen server's directory), replacing
    /// (and destroying) one for another server or user.
    pub(crate) async fn client_for(
        self: &Arc<Self>,
        http_url: &str,
        sdk_app_id: u64,
        user_id: &str,
    ) -> Tim {
        let ws_url = ws_url_of(http_url);
        let tls = self.tls();
        let store_dir = {
            let settings = lock(&self.settings);
            crate::accounts::store_dir(
                &self.data_dir,
                settings.mode,
                settings.remote_url.as_deref(),
            )
        };
        let previous = {
            let client = lock(&self.client);
            match client.as_ref() {
                Some(c)
                    if c.ws_url == ws_url
                        && c.sdk_app_id == sdk_app_id
                        && c.store_dir == store_dir
                        && c.user_id == user_id
                        && c.tls.custom_ca() == tls.custom_ca() =>
                {
                    return c.tim.clone();
                }
                _ => client.clone(),
            }
        };
        if let Some(previous) = previous {
            if let Err(e) = previous.tim.destroy().await {
                tracing::warn!(code = e.code, message = %e.message, "destroying the old SDK");
            }
        }
        let client = self.new_client(http_url, sdk_app_id, tls, store_dir, user_id);
        let tim = client.tim.clone();
        *lock(&self.client) = Some(client);
        tim
    }

    /// A new SDK instance of `user_id` and its event forwarder.
    pub(crate) fn new_client(
        self: &Arc<Self>,
        http_url: &str,
        sdk_app_id: u64,
        tls: TlsConfig,
        store_dir: PathBuf,
        user_id: &str,
    ) -> Arc<Client> {
        let ws_url = ws_url_of(http_url);
        let mut options = TimOptions::new(sdk_app_id, ws_url.clone(), store_dir.clone());
        options.tls = tls.clone();
        options.platform = self.platform;
        // Several accounts of one server share its directory: one
        // instance each (their stores are files of their own).
        options.instance = Some(user_id.to_owned());
        let tim = Tim::create(options);
        let serial = self.next_client.fetch_add(1, Ordering::Relaxed);
        let forwarder = tokio::spawn(forward_events(Arc::downgrade(self), serial, tim.subscribe()));
        let user_id = user_id.to_owned();
        Arc::new(Client { serial, tim, ws_url, sdk_app_id, tls, store_dir, user_id, forwarder })
    }

    /// Routes an event of the client `serial`: the active one's to the UI,
    /// a background account's to [`Inner::on_background_event`]; a
    /// client no longer kept (replaced meanwhile) is not heard.
    async fn on_client_event(self: &Arc<Self>, serial: u64, event: Event) {
        if lock(&self.client).as_ref().is_some_and(|c| c.serial == serial) {
            self.on_sdk_event(event);
            return;
        }
        let background = lock(&self.background)
            .iter()
            .find(|(_, c)| c.serial == serial)
            .map(|(id, c)| (id.clone(), c.tim.clone()));
        if let Some((account_id, tim)) = background {
            self.on_background_event(&account_id, &tim, event).await;
        }
    }

    /// Reacts to an SDK event after forwarding it: a kick-out forgets the
    /// session; login, logout and network changes update the app state.
    fn on_sdk_event(&self, event: Event) {
        let changes_state = matches!(
            event,
            Event::SdkReady
                | Event::SdkNotReady
                | Event::NetStateChange { .. }
                | Event::KickedOut { .. }
                | Event::Error { .. }
        );
        if let Event::UserSigRenewed { user_id, user_sig, .. } = &event {
            // The new UserSig replaces the saved one (so a restart logs in
            // with it); the UI has no use for it and does not get it.
            let stored = self.update_settings(|s| {
                if let Some(session) = s.session.as_mut().filter(|s| s.user_id == *user_id) {
                    session.user_sig.clone_from(user_sig);
                }
            });
            if let Err(e) = stored {
                tracing::warn!(code = e.code, message = %e.message, "storing the renewed UserSig");
            }
            return;
        }
        let kicked = matches!(event, Event::KickedOut { .. });
        self.emit(AppEvent::Sdk(event));
        if kicked {
            if let Err(e) = self.update_settings(Settings::forget_active) {
                tracing::warn!(code = e.code, message = %e.message, "forgetting the session");
            }
        }
        if changes_state {
            self.state_changed();
        }
    }
}

/// Forwards the events of the SDK instance `serial` to the app until the
/// instance or the app is gone.
async fn forward_events(inner: Weak<Inner>, serial: u64, mut events: broadcast::Receiver<Event>) {
    loop {
        match events.recv().await {
            Ok(event) => match inner.upgrade() {
                Some(inner) => inner.on_client_event(serial, event).await,
                None => break,
            },
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the app fell behind the SDK's events");
            }
            Err(broadcast::error::RecvError::Closed) => break,
        }
    }
}

/// Logs the SDK in and waits for SDK_READY (from the first sync, or from
/// the local store when offline), so that the `tim.*` commands work as soon
/// as the login command resolved.
pub(crate) async fn login_until_ready(tim: &Tim, session: &SavedSession) -> Result<(), TimError> {
    let mut events = tim.subscribe();
    tim.login(&session.user_id, &session.user_sig).await?;
    let ready = async {
        while !tim.is_ready() {
            match events.recv().await {
                Ok(Event::SdkReady) => break,
                // A previous account's logout also fires SDK_NOT_READY.
                Ok(Event::SdkNotReady) if tim.user_id().is_none() => {
                    return Err(TimError::new(
                        code::LOGIN_FAILED,
                        "the session ended before it was ready",
                    ))
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
        Ok(())
    };
    match tokio::time::timeout(READY_TIMEOUT, ready).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(user = %session.user_id, "logged in, but not ready after {READY_TIMEOUT:?}");
            Ok(())
        }
    }
}

/// `GET {url}/healthz` must answer 2xx; over `https://` the certificate
/// must be one `tls` trusts (else the TLS code: untrusted, wrong host…).
pub(crate) async fn check_health(url: &str, tls: &TlsConfig) -> Result<(), ErrorBody> {
    let health = format!("{url}{}", confab_server::HEALTH_PATH);
    let client = tls
        .http_client(&health)
        .map_err(from_tim)?
        .timeout(HEALTH_TIMEOUT)
        .build()
        .map_err(|e| error::internal(&e))?;
    let response = client
        .get(&health)
        .send()
        .await
        .map_err(|e| from_tim(confab_sdk::tls::http_error(&health, &e)))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(error::network(format!("{health}: HTTP {}", response.status())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url(" http://127.0.0.1:7788/ ").as_deref(),
            Ok("http://127.0.0.1:7788")
        );
        assert!(normalize_url("ftp://x").is_err());
        assert!(normalize_url("http://").is_err());
        assert_eq!(ws_url_of("http://127.0.0.1:1"), "ws://127.0.0.1:1/ws");
        assert_eq!(ws_url_of("https://chat.example"), "wss://chat.example/ws");
    }

    #[test]
    fn ca_file_arguments() {
        assert_eq!(ca_file_arg(None), Ok(None));
        assert_eq!(ca_file_arg(Some("  ")), Ok(None));
        assert_eq!(ca_file_arg(Some("/etc/ca.pem")), Ok(Some(PathBuf::from("/etc/ca.pem"))));
        assert_eq!(ca_file_arg(Some("ca.pem")).map_err(|e| e.code), Err(code::INVALID_OPERATION));
        assert!(is_transient(code::TLS_CERTIFICATE_UNTRUSTED), "a saved session survives");
    }

    #[test]
    fn the_state_warns_about_plain_http_to_another_machine() {
        let dir = tempfile::tempdir().expect("temp dir");
        let remote = |url: &str| {
            let core = AppCore::open(AppOptions {
                remote_server: Some(url.to_owned()),
                ..AppOptions::new(dir.path())
            })
            .expect("open");
            core.state().insecure_transport
        };
        assert!(remote("http://192.168.1.20:7788"));
        assert!(remote("http://chat.example.org"));
        assert!(!remote("https://chat.example.org"));
        assert!(!remote("http://127.0.0.1:7788"));
        assert!(!remote("http://localhost:7788"));
        assert!(!remote("http://[::1]:7788"));
    }
}
