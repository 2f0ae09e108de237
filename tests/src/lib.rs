//! Test harness for cross-crate scenarios: a real `confabd` (the server
//! library, in this process, on `127.0.0.1:0` with a temporary data
//! directory) and several real SDK clients talking to it over real
//! WebSockets.
//!
//! - [`TestServer`] starts, stops and restarts the server on the same data
//!   directory and port, with a [`ManualClock`] the test can advance.
//! - [`TestClient`] is one logged-in SDK instance with a
//!   [`SwitchableTransport`] (cut the connection, go offline) and a lossless
//!   log of every event it emitted.
//! - [`RawClient`] speaks the wire protocol directly, for malformed input.
//! - [`tls`]: a test CA, server certificates and a TLS-terminating proxy,
//!   for clients that reach the server over `wss://`/`https://`.
//!
//! Waits never sleep: they await events with a generous timeout, so a
//! failure shows up as a clear panic instead of a hang.

use confab_proto::frame::{RequestFrame, ServerFrame};
use confab_proto::message::TextPayload;
use confab_proto::ops::Operation;
use confab_sdk::transport::{SwitchableTransport, WsTransport};
use confab_sdk::{
    CreateMessageOptions, Event, Message, ReconnectPolicy, SendMessageOptions, Tim, TimOptions,
};
use confab_server::clock::{Clock, ManualClock};
use confab_server::config::Config;
use confab_server::ServerHandle;
use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

pub mod callbacks;
pub mod cluster;
pub mod files;
pub mod rest;
pub mod tls;

/// How long any wait in a scenario may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(30);

/// The clock's start: 2025-11-26T00:00:00Z, inside no UserSig vector's
/// validity on purpose.
pub const START_MS: i64 = 1_764_115_200_000;

/// Installs a test log subscriber once (`RUST_LOG` to see more).
pub fn init_logging() {
    // Several tests share one process under `cargo test`; only the first
    // installs the subscriber, and the others' attempts are expected to fail.
    let _already_installed = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}

/// Awaits `future` for at most [`WAIT`], panicking with `what` on timeout.
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, future).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {WAIT:?} waiting for {what}"),
    }
}

/// A server running in this process.
pub struct TestServer {
    handle: Option<ServerHandle>,
    config: Config,
    addr: SocketAddr,
    /// The server's clock; advance it to expire UserSigs.
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with the default test configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `adjust` changed the test configuration.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        init_logging();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            data_dir: dir.path().join("server"),
            secret_key: Some(
                "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e".into(),
            ),
            ..Config::default()
        };
        adjust(&mut config);
        let clock = Arc::new(ManualClock::new(START_MS));
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let handle =
            confab_server::start(config.clone(), listener, clock.clone() as Arc<dyn Clock>)
                .await
                .expect("server starts");
        Self { handle: Some(handle), config, addr, clock, _dir: dir }
    }

    /// The running server's handle (garbage collection, configuration).
    pub fn handle(&self) -> &ServerHandle {
        self.handle.as_ref().expect("server is running")
    }

    /// The server's address (`127.0.0.1:PORT`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// WebSocket URL of the server (`wss://` when it terminates TLS).
    pub fn ws_url(&self) -> String {
        let scheme = if self.config.tls_enabled() { "wss" } else { "ws" };
        format!("{scheme}://{}{}", self.addr, confab_proto::WS_PATH)
    }

    /// HTTP base URL of the server (`https://` when it terminates TLS).
    pub fn http_url(&self) -> String {
        let scheme = if self.config.tls_enabled() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The server's SDKAppID.
    pub fn sdk_app_id(&self) -> u64 {
        self.config.sdk_app_id
    }

    /// A UserSig for `user`, valid for a day of the server's clock.
    pub fn user_sig(&self, user: &str) -> String {
        self.handle().mint_user_sig(user, 86_400)
    }

    /// A UserSig for `user` valid for `expire_secs` of the server's clock.
    pub fn user_sig_expiring(&self, user: &str, expire_secs: i64) -> String {
        self.handle().mint_user_sig(user, expire_secs)
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// Stops the server gracefully (clients see the connection close).
    pub async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            within("server shutdown", handle.shutdown()).await.expect("clean shutdown");
        }
    }

    /// Starts the server again on the same data directory and port.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener =
            tokio::net::TcpListener::bind(self.addr).await.expect("re-bind the same port");
        let handle = confab_server::start(
            self.config.clone(),
            listener,
            self.clock.clone() as Arc<dyn Clock>,
        )
        .await
        .expect("server restarts");
        self.handle = Some(handle);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the handle aborts the server's tasks; a test that wants a
        // clean shutdown calls `stop`.
        self.handle.take();
    }
}

/// Every event a client emitted, in order, without loss.
#[derive(Clone, Default)]
pub struct EventLog {
    events: Arc<Mutex<Vec<Event>>>,
    changed: Arc<Notify>,
}

impl EventLog {
    fn push(&self, event: Event) {
        self.events.lock().expect("event log lock").push(event);
        self.changed.notify_waiters();
    }

    /// A copy of every event so far.
    pub fn all(&self) -> Vec<Event> {
        self.events.lock().expect("event log lock").clone()
    }

    /// Waits until `check` finds what it looks for in the events so far.
    pub async fn wait_for<T>(&self, what: &str, mut check: impl FnMut(&[Event]) -> Option<T>) -> T {
        within(what, async {
            loop {
                let notified = self.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(v) = check(&self.events.lock().expect("event log lock")) {
                    return v;
                }
                notified.await;
            }
        })
        .await
    }

    /// Every message delivered by MESSAGE_RECEIVED so far, in order.
    pub fn received(&self) -> Vec<Message> {
        received_in(&self.events.lock().expect("event log lock"))
    }

    /// Waits until MESSAGE_RECEIVED delivered at least `n` messages.
    pub async fn wait_received(&self, n: usize) -> Vec<Message> {
        self.wait_for(&format!("{n} received messages"), |events| {
            let got = received_in(events);
            (got.len() >= n).then_some(got)
        })
        .await
    }

    /// Waits for a MESSAGE_MODIFIED carrying message `id` at `version`.
    pub async fn wait_modified(&self, id: &str, version: u32) -> Message {
        self.wait_for(&format!("MESSAGE_MODIFIED for {id} v{version}"), |events| {
            events.iter().find_map(|e| match e {
                Event::MessageModified(list) => {
                    list.iter().find(|m| m.id == id && m.version == version).cloned()
                }
                _ => None,
            })
        })
        .await
    }

    /// Waits for a MESSAGE_REVOKED carrying message `id`; that message.
    pub async fn wait_revoked(&self, id: &str) -> Message {
        self.wait_for(&format!("MESSAGE_REVOKED for {id}"), |events| {
            events.iter().find_map(|e| match e {
                Event::MessageRevoked(list) => list.iter().find(|m| m.id == id).cloned(),
                _ => None,
            })
        })
        .await
    }

    /// Waits until the latest BLACKLIST_UPDATED list equals `want`.
    pub async fn wait_blacklist(&self, want: &[&str]) {
        self.wait_for(&format!("BLACKLIST_UPDATED {want:?}"), |events| {
            let latest = events.iter().rev().find_map(|e| match e {
                Event::BlacklistUpdated(list) => Some(list),
                _ => None,
            })?;
            (latest == want).then_some(())
        })
        .await;
    }

    /// Waits for KICKED_OUT; its `TIM.TYPES.KICKED_OUT_*` type.
    pub async fn wait_kicked(&self) -> String {
        self.wait_for("KICKED_OUT", |events| {
            events.iter().find_map(|e| match e {
                Event::KickedOut { kick_type } => Some(kick_type.clone()),
                _ => None,
            })
        })
        .await
    }

    /// Counts events matching `pred`.
    pub fn count(&self, pred: impl Fn(&Event) -> bool) -> usize {
        self.events.lock().expect("event log lock").iter().filter(|e| pred(e)).count()
    }

    /// Forgets the events so far.
    pub fn clear(&self) {
        self.events.lock().expect("event log lock").clear();
    }
}

/// The messages of every MESSAGE_RECEIVED in `events`.
pub fn received_in(events: &[Event]) -> Vec<Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MessageReceived(list) => Some(list.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// One SDK instance of a user.
pub struct TestClient {
    /// The SDK handle.
    pub tim: Tim,
    /// The transport, for cutting the connection or going offline.
    pub transport: Arc<SwitchableTransport>,
    /// Everything the instance emitted.
    pub events: EventLog,
    /// The user.
    pub user_id: String,
    data_dir: PathBuf,
    _dir: Option<Arc<tempfile::TempDir>>,
    _pump: AbortOnDrop,
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl TestClient {
    /// A new instance of `user` with its own fresh local store, logged in
    /// and ready.
    pub async fn login(server: &TestServer, user: &str) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let path = dir.path().to_path_buf();
        let client = Self::create(server, user, path, Some(dir), false);
        client.login_and_wait(&server.user_sig(user)).await;
        client
    }

    /// A new instance of `user` on an existing local store directory.
    pub async fn login_at(server: &TestServer, user: &str, data_dir: &Path) -> Self {
        let client = Self::create(server, user, data_dir.to_path_buf(), None, false);
        client.login_and_wait(&server.user_sig(user)).await;
        client
    }

    /// An instance that is not logged in yet; `offline` starts it with the
    /// network switched off.
    pub fn create(
        server: &TestServer,
        user: &str,
        data_dir: PathBuf,
        keep: Option<Arc<tempfile::TempDir>>,
        offline: bool,
    ) -> Self {
        Self::create_with_clock(server, user, data_dir, keep, offline, None)
    }

    /// [`TestClient::create`] with the SDK's clock replaced (e.g. by a
    /// [`ManualSdkClock`]).
    pub fn create_with_clock(
        server: &TestServer,
        user: &str,
        data_dir: PathBuf,
        keep: Option<Arc<tempfile::TempDir>>,
        offline: bool,
        clock: Option<Arc<dyn confab_sdk::Clock>>,
    ) -> Self {
        let mut options = TimOptions::new(server.sdk_app_id(), server.ws_url(), data_dir);
        if let Some(clock) = clock {
            options.clock = clock;
        }
        Self::create_with_options(options, user, keep, offline)
    }

    /// An instance of `user` made from `options` (e.g. a `wss://` server URL
    /// and a custom CA, see [`tls::tls_options`]), not logged in yet. Its
    /// transport is replaced by a [`SwitchableTransport`] over the real
    /// WebSocket and its reconnect backoff shortened; `offline` starts it
    /// with the network switched off.
    pub fn create_with_options(
        mut options: TimOptions,
        user: &str,
        keep: Option<Arc<tempfile::TempDir>>,
        offline: bool,
    ) -> Self {
        let data_dir = options.data_dir.clone();
        let transport = Arc::new(SwitchableTransport::new(Arc::new(WsTransport)));
        transport.set_offline(offline);
        options.transport = transport.clone();
        options.reconnect = ReconnectPolicy {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(200),
            ..ReconnectPolicy::default()
        };
        let tim = Tim::create(options);
        let events = EventLog::default();
        let mut rx = tim.subscribe();
        let log = events.clone();
        let pump = tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(event) => log.push(event),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        panic!(
                            "test event log lagged by {n} events: raise the SDK's event capacity"
                        )
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        Self {
            tim,
            transport,
            events,
            user_id: user.to_owned(),
            data_dir,
            _dir: keep,
            _pump: AbortOnDrop(pump),
        }
    }

    /// Logs in and waits for the SDK_READY of this login.
    pub async fn login_and_wait(&self, user_sig: &str) {
        let before = self.events.count(|e| matches!(e, Event::SdkReady));
        within("login", self.tim.login(&self.user_id, user_sig)).await.expect("login succeeds");
        self.wait_ready_after(before).await;
    }

    /// Waits until SDK_READY has fired (at least once since the start).
    pub async fn wait_ready(&self) {
        self.wait_ready_after(0).await;
    }

    async fn wait_ready_after(&self, seen: usize) {
        self.events
            .wait_for("SDK_READY", |events| {
                (events.iter().filter(|e| matches!(e, Event::SdkReady)).count() > seen)
                    .then_some(())
            })
            .await;
    }

    /// The local store directory (to restart the SDK on it).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Keeps the temporary directory alive beyond this client.
    pub fn keep_dir(&self) -> Option<Arc<tempfile::TempDir>> {
        self._dir.clone()
    }

    /// Creates and sends a text message to `to`, returning the sent message.
    pub async fn send_text(&self, to: &str, text: &str) -> Message {
        let message = self.text(to, text);
        within("send", self.tim.send_message(&message, SendMessageOptions::default()))
            .await
            .expect("send succeeds")
            .message
    }

    /// Creates a text message to `to`.
    pub fn text(&self, to: &str, text: &str) -> Message {
        self.tim
            .create_text_message(CreateMessageOptions::c2c(
                to.to_owned(),
                TextPayload { text: text.to_owned() },
            ))
            .expect("create text message")
    }

    /// Every message of a conversation, oldest first, paging to the start.
    pub async fn history(&self, conversation_id: &str) -> Vec<Message> {
        full_history(&self.tim, conversation_id).await
    }
}

/// An SDK clock that moves only when told to (for the SDK's own time
/// rules, such as deleteMessage's once-per-second limit).
#[derive(Debug)]
pub struct ManualSdkClock(std::sync::atomic::AtomicI64);

impl ManualSdkClock {
    /// A clock reading `start_ms`.
    pub fn new(start_ms: i64) -> Arc<Self> {
        Arc::new(Self(std::sync::atomic::AtomicI64::new(start_ms)))
    }

    /// Moves the clock forward.
    pub fn advance_ms(&self, delta_ms: i64) {
        self.0.fetch_add(delta_ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl confab_sdk::Clock for ManualSdkClock {
    fn now_millis(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl TestClient {
    /// A new instance of `user` with its own fresh store and `clock` as the
    /// SDK clock, logged in and ready.
    pub async fn login_with_clock(
        server: &TestServer,
        user: &str,
        clock: Arc<dyn confab_sdk::Clock>,
    ) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let path = dir.path().to_path_buf();
        let client = Self::create_with_clock(server, user, path, Some(dir), false, Some(clock));
        client.login_and_wait(&server.user_sig(user)).await;
        client
    }
}

/// The text of a text message (panics for other types).
pub fn text_of(message: &Message) -> String {
    message.payload["text"].as_str().expect("a text message").to_owned()
}

/// A raw protocol client for malformed input and wire-level checks.
pub struct RawClient {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
    /// Pushes that arrived while a reply was awaited, oldest first.
    pushes: std::collections::VecDeque<confab_proto::frame::Push>,
}

impl RawClient {
    /// Connects without logging in.
    pub async fn connect(server: &TestServer) -> Self {
        let (socket, _) = within("raw connect", tokio_tungstenite::connect_async(server.ws_url()))
            .await
            .expect("websocket connects");
        Self { socket, next_id: 1, pushes: std::collections::VecDeque::new() }
    }

    /// Connects and logs in as `user`.
    pub async fn login(server: &TestServer, user: &str) -> Self {
        Self::login_instance(server, user, &format!("raw-{user}"), confab_proto::ops::Platform::Web)
            .await
    }

    /// Connects and logs in as `user` from the instance `instance_id` of
    /// `platform` (another instance of a user already online).
    pub async fn login_instance(
        server: &TestServer,
        user: &str,
        instance_id: &str,
        platform: confab_proto::ops::Platform,
    ) -> Self {
        let mut raw = Self::connect(server).await;
        let login = confab_proto::ops::Login {
            sdk_app_id: server.sdk_app_id(),
            user_id: user.into(),
            user_sig: server.user_sig(user),
            instance_id: instance_id.to_owned(),
            protocol_version: confab_proto::PROTOCOL_VERSION,
            platform,
        };
        raw.call(&login).await.expect("raw login succeeds");
        raw
    }

    /// Sends a text frame as is.
    pub async fn send_raw(&mut self, text: &str) {
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Text(text.into()))
            .await
            .expect("send raw frame");
    }

    /// Sends a binary frame (not part of the protocol).
    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Binary(bytes.to_vec().into()))
            .await
            .expect("send binary frame");
    }

    /// Reads until the server closes the connection; the close frame's
    /// code (1005 when the close frame had none, 1006 when the connection
    /// ended without one). Frames before the close are skipped.
    pub async fn close_code(&mut self) -> u16 {
        within("the server closes the connection", async {
            while let Some(frame) = self.socket.next().await {
                match frame {
                    Ok(tokio_tungstenite::tungstenite::Message::Close(close)) => {
                        return close.map_or(1005, |c| u16::from(c.code));
                    }
                    Ok(_) => {}
                    Err(_) => return 1006,
                }
            }
            1006
        })
        .await
    }

    /// The next response or error frame (pushes are kept for
    /// [`Self::next_push`]); `None` when the server closed the connection.
    pub async fn next_reply(&mut self) -> Option<ServerFrame> {
        let pushes = &mut self.pushes;
        let socket = &mut self.socket;
        within("raw reply", async {
            while let Some(frame) = socket.next().await {
                match frame {
                    Ok(tokio_tungstenite::tungstenite::Message::Text(text)) => {
                        let frame: ServerFrame =
                            serde_json::from_str(&text).expect("server frames parse");
                        match frame {
                            ServerFrame::Push { push } => pushes.push_back(push),
                            other => return Some(other),
                        }
                    }
                    Ok(tokio_tungstenite::tungstenite::Message::Close(_)) | Err(_) => return None,
                    Ok(_) => {}
                }
            }
            None
        })
        .await
    }

    /// Sends a request and returns the reply frame's text exactly as it
    /// arrived (to measure frames); pushes are skipped.
    pub async fn call_text<O: Operation>(&mut self, request: &O) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let frame = RequestFrame::new(id, request).expect("encode request");
        self.send_raw(&serde_json::to_string(&frame).expect("encode frame")).await;
        within("raw reply text", async {
            while let Some(frame) = self.socket.next().await {
                if let Ok(tokio_tungstenite::tungstenite::Message::Text(text)) = frame {
                    let parsed: ServerFrame =
                        serde_json::from_str(&text).expect("server frames parse");
                    if !matches!(parsed, ServerFrame::Push { .. }) {
                        return text.to_string();
                    }
                }
            }
            panic!("the connection closed before the reply");
        })
        .await
    }

    /// The next push: one that arrived while a reply was awaited, or the
    /// next one from the socket (within the harness timeout).
    pub async fn next_push(&mut self) -> confab_proto::frame::Push {
        if let Some(push) = self.pushes.pop_front() {
            return push;
        }
        let socket = &mut self.socket;
        within("raw push", async {
            while let Some(frame) = socket.next().await {
                if let Ok(tokio_tungstenite::tungstenite::Message::Text(text)) = frame {
                    let frame: ServerFrame =
                        serde_json::from_str(&text).expect("server frames parse");
                    if let ServerFrame::Push { push } = frame {
                        return push;
                    }
                }
            }
            panic!("the connection closed before a push");
        })
        .await
    }

    /// Waits for the first push `pick` maps to a value (skipping others).
    pub async fn wait_push<T>(
        &mut self,
        mut pick: impl FnMut(&confab_proto::frame::Push) -> Option<T>,
    ) -> T {
        loop {
            let push = self.next_push().await;
            if let Some(found) = pick(&push) {
                return found;
            }
        }
    }

    /// Pushes received so far that were kept while replies were awaited.
    pub fn kept_pushes(&self) -> Vec<confab_proto::frame::Push> {
        self.pushes.iter().cloned().collect()
    }

    /// Performs an operation and decodes its response.
    pub async fn call<O: Operation>(
        &mut self,
        request: &O,
    ) -> Result<O::Response, confab_proto::ErrorBody> {
        let id = self.next_id;
        self.next_id += 1;
        let frame = RequestFrame::new(id, request).expect("encode request");
        self.send_raw(&serde_json::to_string(&frame).expect("encode frame")).await;
        match self.next_reply().await {
            Some(ServerFrame::Ok { id: got, data }) => {
                assert_eq!(got, id, "response id");
                Ok(serde_json::from_value(data).expect("response decodes"))
            }
            Some(ServerFrame::Err { error, .. }) => Err(error),
            other => panic!("expected a response, got {other:?}"),
        }
    }
}

/// Path of the `confabd` binary built beside the test binaries; builds it
/// with cargo when it is missing (the README's test command builds it first).
pub fn confabd_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("confabd");
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-p", "confab-server", "--bin", "confabd"])
            .status()
            .expect("run cargo build for confabd");
        assert!(status.success(), "building confabd failed");
    }
    binary
}

/// A real `confabd` process on a data directory, listening on
/// `127.0.0.1:0`.
pub struct ConfabdProcess {
    child: tokio::process::Child,
    /// The address it printed.
    pub addr: SocketAddr,
    _drain: AbortOnDrop,
}

/// The secret key the process tests configure.
pub const TEST_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

impl ConfabdProcess {
    /// Starts `confabd` on `data_dir` and waits until it prints its address.
    pub async fn start(data_dir: &Path) -> Self {
        Self::start_with_env(data_dir, &[]).await
    }

    /// Starts `confabd` as node `node` of a cluster: the database at
    /// `database_url`, NATS at `nats_url`, stored files in `files_dir`.
    pub async fn start_node(
        data_dir: &Path,
        node: &str,
        database_url: &str,
        nats_url: &str,
        files_dir: &Path,
    ) -> Self {
        let files_dir = files_dir.display().to_string();
        Self::start_with_env(
            data_dir,
            &[
                ("CONFABD_STORE", "postgres"),
                ("CONFABD_DATABASE_URL", database_url),
                ("CONFABD_NATS_URL", nats_url),
                ("CONFABD_NODE_NAME", node),
                ("CONFABD_FILES_DIR", &files_dir),
            ],
        )
        .await
    }

    /// Starts `confabd` on `data_dir` with these environment variables
    /// added, and waits until it prints its address.
    pub async fn start_with_env(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(confabd_binary())
            .envs(env.iter().copied())
            .env("CONFABD_DATA_DIR", data_dir)
            .env("CONFABD_LISTEN", "127.0.0.1:0")
            .env("CONFABD_SECRET_KEY", TEST_KEY)
            .env("CONFABD_LOG", "warn")
            // Process tests send in bulk; the send rate has its own tests.
            .env("CONFABD_SEND_RATE_PER_SEC", "0")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn confabd");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let addr = within("confabd prints its address", async {
            while let Some(line) = lines.next_line().await.expect("read confabd output") {
                if let Some(addr) = parse_listen_line(&line) {
                    return addr;
                }
            }
            panic!("confabd exited before printing its address");
        })
        .await;
        // Keep draining its output so it never blocks on a full pipe.
        let drain = tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, addr, _drain: AbortOnDrop(drain) }
    }

    /// WebSocket URL of the process.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{}", self.addr, confab_proto::WS_PATH)
    }

    /// Kills the process with SIGKILL and waits for it to die.
    pub async fn kill9(mut self) {
        self.child.start_kill().expect("send SIGKILL");
        within("confabd dies", self.child.wait()).await.expect("wait for confabd");
    }
}

/// Finds `ws://ADDR/ws` or `http://ADDR` in a line `confabd` printed.
fn parse_listen_line(line: &str) -> Option<SocketAddr> {
    for scheme in ["ws://", "http://"] {
        if let Some(start) = line.find(scheme) {
            let rest = &line[start + scheme.len()..];
            let end = rest.find(|c: char| c == '/' || c.is_whitespace()).unwrap_or(rest.len());
            if let Ok(addr) = rest[..end].parse() {
                return Some(addr);
            }
        }
    }
    None
}

/// Plain members for a `createGroup` `memberList` (no role, no custom
/// fields).
pub fn group_members(users: &[&str]) -> Vec<confab_proto::group::NewGroupMember> {
    users
        .iter()
        .map(|u| confab_proto::group::NewGroupMember {
            user_id: confab_proto::UserId::new(*u),
            role: None,
            member_custom_field: Vec::new(),
        })
        .collect()
}

/// A `createGroup` of `kind` named "team" with `members` (the server makes
/// the group ID).
pub fn new_group(
    kind: confab_proto::group::GroupType,
    members: &[&str],
) -> confab_proto::group::CreateGroup {
    confab_proto::group::CreateGroup {
        name: "team".into(),
        group_type: kind,
        member_list: group_members(members),
        ..Default::default()
    }
}

/// Every message of a conversation in `tim`'s view, oldest first, paging
/// `getMessageList` to the start.
pub async fn full_history(tim: &confab_sdk::Tim, conversation_id: &str) -> Vec<Message> {
    let mut pages = Vec::new();
    let mut next = None;
    loop {
        let page = within(
            "history page",
            tim.get_message_list(confab_sdk::GetMessageListOptions {
                conversation_id: conversation_id.to_owned(),
                next_req_message_id: next,
            }),
        )
        .await
        .expect("getMessageList");
        let done = page.is_completed || page.message_list.is_empty();
        next = Some(page.next_req_message_id.clone());
        pages.push(page.message_list);
        if done {
            break;
        }
    }
    pages.into_iter().rev().flatten().collect()
}

/// The group timeline entries a push carries: a `timeline` push's one, a
/// `room` push's every merged one; none for any other push.
pub fn pushed_entries(
    push: &confab_proto::frame::Push,
) -> Vec<&confab_proto::inbox::TimelineEntry> {
    use confab_proto::frame::Push;
    match push {
        Push::Timeline { entry, .. } => vec![entry],
        Push::Room { entries, .. } => entries.iter().collect(),
        _ => Vec::new(),
    }
}

/// The code of a call's error, 0 when it succeeded.
pub fn code_of<T>(result: Result<T, confab_sdk::TimError>) -> i32 {
    result.map_or_else(|e| e.code, |_| 0)
}

impl TestClient {
    /// Waits until this client announced (CONVERSATION_LIST_UPDATED) its
    /// conversation `id` in a state satisfying `check` (`what` names it).
    pub async fn wait_conversation(
        &self,
        id: &str,
        what: &str,
        check: impl Fn(&confab_sdk::Conversation) -> bool,
    ) {
        self.events
            .wait_for(&format!("{id} {what} at {}", self.user_id), |events| {
                events.iter().rev().find_map(|e| match e {
                    Event::ConversationListUpdated(list) => list
                        .iter()
                        .find(|c| c.conversation_id == id)
                        .filter(|c| check(c))
                        .map(|_| ()),
                    _ => None,
                })
            })
            .await;
    }

    /// Waits until this client's unread total is `want`.
    pub async fn wait_total_unread(&self, want: u64) {
        self.events
            .wait_for(&format!("total unread {want} at {}", self.user_id), |_| {
                (self.tim.get_total_unread_message_count() == want).then_some(())
            })
            .await;
    }

    /// The copy of `sent` this client received (MESSAGE_RECEIVED).
    pub async fn wait_received(&self, sent: &Message) -> Message {
        self.events
            .wait_for(&format!("{} at {}", sent.id, self.user_id), |events| {
                received_in(events).into_iter().find(|m| m.id == sent.id)
            })
            .await
    }
}

/// Options of a text `text` to `to`: a user, or with `group` a group.
pub fn text_options(to: &str, group: bool, text: &str) -> CreateMessageOptions<TextPayload> {
    let mut options = CreateMessageOptions::c2c(to.to_owned(), TextPayload { text: text.into() });
    if group {
        options.conversation_type = confab_sdk::ConversationType::Group;
    }
    options
}

impl TestClient {
    /// Creates and sends a text made with `options`; the message as sent.
    pub async fn send_with(&self, options: CreateMessageOptions<TextPayload>) -> Message {
        let message = self.tim.create_text_message(options).expect("create text message");
        within("send", self.tim.send_message(&message, SendMessageOptions::default()))
            .await
            .expect("send")
            .message
    }
}
