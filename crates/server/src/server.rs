//! Starting and stopping a server: [`start`] opens the store, spawns the
//! HTTP/WebSocket accept loop (see [`crate::listener`]: connection caps,
//! timeouts, TLS) and returns a [`ServerHandle`];
//! [`ServerHandle::shutdown`] stops accepting, closes every session (4003),
//! waits for them, lets the writer finish what is queued and closes the
//! database.
//!
//! Task ownership: the accept loop is a task whose handle the
//! [`ServerHandle`] keeps, as are the upload sweeper and the file garbage
//! collector (which shutdown lets finish its pass); every connection holds a clone of an `alive`
//! sender, so shutdown knows when the last one ended; the store's writer
//! thread is joined by [`crate::store::Store::close`].

use crate::clock::Clock;
use crate::config::Config;
use crate::files::{self, FileService};
use crate::http::{self, AppState};
use crate::listener::{self, Transport};
use crate::login_throttle::LoginThrottle;
use crate::passwords::PasswordService;
use crate::sessions::{SessionPolicy, SessionRegistry};
use crate::store::Store;
use crate::usersig;
use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// The link to the other nodes of a cluster.
#[cfg(feature = "cluster")]
type Link = crate::cluster::Cluster;
/// A build without the cluster feature has no link.
#[cfg(not(feature = "cluster"))]
type Link = std::convert::Infallible;

/// Connects to the other nodes when the configuration makes this node one
/// of a cluster; the link and the fan-out the store hands its pushes to.
#[cfg(feature = "cluster")]
async fn connect_cluster(
    config: &Config,
    sessions: &Arc<SessionRegistry>,
) -> anyhow::Result<(Option<Link>, Arc<dyn crate::fanout::Fanout>)> {
    match (&config.nats_url, &config.node_name) {
        (Some(url), Some(node)) => {
            // Boxed: a NATS connection's future is large, and `start` is
            // awaited inside other futures (the app's embedded server).
            let (cluster, fanout) = Box::pin(crate::cluster::Cluster::connect(
                url,
                node,
                config.sdk_app_id,
                Arc::clone(sessions),
            ))
            .await
            .context("connecting to NATS")?;
            Ok((Some(cluster), fanout))
        }
        _ => Ok((None, Arc::clone(sessions) as Arc<dyn crate::fanout::Fanout>)),
    }
}

/// Without the cluster feature a node is alone; a configuration that asks
/// for a cluster is refused. (Async to match the clustered build's.)
#[cfg(not(feature = "cluster"))]
#[allow(clippy::unused_async)]
async fn connect_cluster(
    config: &Config,
    sessions: &Arc<SessionRegistry>,
) -> anyhow::Result<(Option<Link>, Arc<dyn crate::fanout::Fanout>)> {
    if config.clustered() {
        anyhow::bail!("this confabd was built without cluster support (the `cluster` feature)");
    }
    Ok((None, Arc::clone(sessions) as Arc<dyn crate::fanout::Fanout>))
}

/// What the gateway, the services and the HTTP handlers share.
pub(crate) struct ServerContext {
    /// The configuration served.
    pub config: Config,
    /// The UserSig secret key.
    pub secret_key: String,
    /// The server clock.
    pub clock: Arc<dyn Clock>,
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Live sessions.
    pub sessions: Arc<SessionRegistry>,
    /// Broadcast-only group messages, merged per group.
    pub broadcaster: Arc<crate::broadcast::Broadcaster>,
    /// The profanity filter, compiled once.
    pub moderation: Arc<crate::moderation::Moderator>,
    /// File storage and unfinished uploads.
    pub files: FileService,
    /// Per-user send rate.
    pub send_rate: crate::limits::SendRate,
    /// Per-group send rate, by message priority.
    pub group_send_rate: crate::limits::GroupSendRate,
    /// Per-user rate of `getTopicList` (checklist 951).
    pub topic_list_rate: crate::limits::CallRate,
    /// Password hashing: bounded concurrency, reused memory.
    pub passwords: PasswordService,
    /// Password login back-off per account and per address.
    pub login_throttle: LoginThrottle,
    /// Which handler serves each operation.
    pub operations: crate::handlers::Registry,
    /// Who is logged in and who follows whose status.
    pub presence: Arc<crate::presence::Presence>,
    /// The translation provider of `translateText`, if one is configured.
    pub translator: Option<Arc<crate::translate::Translator>>,
    /// The third-party callbacks, when `callback_url` is set.
    pub webhooks: Option<Arc<crate::webhook::Webhooks>>,
    /// The REST API's commands and OpenAPI document.
    #[cfg(feature = "rest")]
    pub rest: crate::rest::Commands,
}

impl ServerContext {
    /// How long a session may stay silent: three heartbeat intervals.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_millis(self.config.heartbeat_interval_ms.saturating_mul(3))
    }

    /// A UserSig for `user_id`, issued now by the server clock.
    pub fn mint_user_sig(&self, user_id: &str, expire_secs: i64) -> String {
        usersig::gen_user_sig(
            self.config.sdk_app_id,
            &self.secret_key,
            user_id,
            expire_secs,
            self.clock.now_secs(),
        )
    }
}

/// Starts a server on `listener`: opens or creates the store in
/// `config.data_dir` (running migrations), starts the writer and the accept
/// loop, and returns once it is serving.
pub async fn start(
    config: Config,
    listener: TcpListener,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<ServerHandle> {
    config.validate()?;
    let operations = crate::handlers::registry()?;
    let local_addr = listener.local_addr().context("listener address")?;
    let tls = match (&config.tls_cert_file, &config.tls_key_file) {
        (Some(cert), Some(key)) => {
            let (cert, key) = (cert.clone(), key.clone());
            let acceptor = tokio::task::spawn_blocking(move || listener::load_tls(&cert, &key))
                .await
                .context("TLS certificate task")??;
            Some(acceptor)
        }
        _ => None,
    };
    let secret_key = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || config.resolve_secret_key())
            .await
            .context("secret key task")??
    };
    let moderation = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || crate::moderation::Moderator::from_config(&config))
            .await
            .context("moderation word list task")??
    };
    let sessions = Arc::new(SessionRegistry::new(SessionPolicy::from_config(&config)));
    let database_path = config.database_path();
    let database = match config.store {
        crate::config::StoreBackend::Sqlite => database_path.display().to_string(),
        crate::config::StoreBackend::Postgres => config
            .database_url
            .as_deref()
            .map(crate::config::redact_database_url)
            .unwrap_or_default(),
    };
    // A cluster node's pushes also go to the other nodes (NATS).
    let (cluster, fanout) = connect_cluster(&config, &sessions).await?;
    let store = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || crate::store::open(&config, fanout))
            .await
            .context("store open task")?
            .with_context(|| format!("opening {database}"))?
    };
    // The REST API's administrators are accounts (what they send comes
    // from them): made once here, not checked on every request.
    #[cfg(feature = "rest")]
    for admin in &config.admin_identifiers {
        let admin = confab_proto::UserId::new(admin.clone());
        store
            .ensure_user(admin.clone(), clock.now_secs())
            .await
            .with_context(|| format!("creating the administrator account {admin}"))?;
    }
    let files = {
        let config = config.clone();
        let now_ms = clock.now_ms();
        tokio::task::spawn_blocking(move || FileService::open(&config, now_ms))
            .await
            .context("file storage task")?
            .context("opening the file storage")?
    };
    let send_rate = crate::limits::SendRate::from_config(&config);
    let group_send_rate = crate::limits::GroupSendRate::from_config(&config);
    let broadcaster = crate::broadcast::Broadcaster::new(Arc::clone(&sessions));
    #[cfg(feature = "cluster")]
    let view = cluster.as_ref().map(crate::cluster::Cluster::view);
    #[cfg(not(feature = "cluster"))]
    let view: Option<Arc<crate::cluster::ClusterView>> = None;
    if let Some(view) = &view {
        sessions.set_cluster(Arc::clone(view));
        broadcaster.set_cluster(Arc::clone(view));
    }
    let presence =
        Arc::new(crate::presence::Presence::new(Arc::clone(&sessions), Arc::clone(&store), view));
    #[cfg(feature = "cluster")]
    let mut cluster = cluster;
    #[cfg(feature = "cluster")]
    if let Some(cluster) = cluster.as_mut() {
        Box::pin(cluster.serve(
            Arc::clone(&sessions),
            Arc::clone(&presence),
            Arc::clone(&broadcaster),
        ))
        .await
        .context("following the other nodes")?;
    }
    let translator =
        crate::translate::Translator::from_config(&config).context("translation provider")?;
    let webhooks = crate::webhook::Webhooks::start(&config, Arc::clone(&clock))
        .map_err(|why| anyhow::anyhow!("third-party callbacks: {why}"))?;
    let ctx = Arc::new(ServerContext {
        config,
        secret_key,
        clock,
        store,
        sessions,
        broadcaster,
        moderation: Arc::new(moderation),
        send_rate,
        group_send_rate,
        topic_list_rate: crate::limits::CallRate::new(
            "getTopicList",
            confab_proto::topic::TOPIC_LIST_RATE_PER_SEC,
        ),
        files,
        passwords: PasswordService::new(),
        login_throttle: LoginThrottle::default(),
        operations,
        presence,
        translator,
        webhooks,
        #[cfg(feature = "rest")]
        rest: crate::rest::Commands::build(),
    });
    let sweeper = tokio::spawn(files::sweep_expired_uploads(Arc::clone(&ctx)));
    let (stop, stopped) = watch::channel(false);
    let (gc_passes, gc_passes_seen) = watch::channel(0);
    let collector = tokio::spawn(files::collect_garbage_periodically(
        Arc::clone(&ctx),
        stopped.clone(),
        gc_passes,
    ));
    let (alive, all_gone) = mpsc::channel(1);
    let app = http::router(AppState { ctx: Arc::clone(&ctx), shutdown: stopped.clone(), alive });
    let transport = Transport::new(&ctx.config, app, tls);
    let serve = tokio::spawn(listener::accept_loop(listener, transport, stopped));
    tracing::info!(
        addr = %local_addr,
        tls = ctx.config.tls_enabled(),
        db = %database,
        node = ctx.config.node_name.as_deref().unwrap_or("-"),
        "confabd serving"
    );
    Ok(ServerHandle {
        local_addr,
        ctx,
        stop,
        serve: Some(serve),
        sweeper,
        collector: Some(collector),
        gc_passes: gc_passes_seen,
        all_gone,
        database_path,
        cluster,
    })
}

/// A running server.
pub struct ServerHandle {
    local_addr: SocketAddr,
    ctx: Arc<ServerContext>,
    stop: watch::Sender<bool>,
    serve: Option<JoinHandle<()>>,
    /// Discards expired uploads; aborted at shutdown.
    sweeper: JoinHandle<()>,
    /// Collects files no message names; stops between passes at shutdown.
    collector: Option<JoinHandle<()>>,
    /// How many collection passes the collector finished.
    gc_passes: watch::Receiver<u64>,
    all_gone: mpsc::Receiver<()>,
    database_path: PathBuf,
    /// The link to the other nodes of a cluster.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    cluster: Option<Link>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The WebSocket URL clients connect to: `ws://ADDR/ws`, or
    /// `wss://ADDR/ws` when the server speaks TLS.
    pub fn ws_url(&self) -> String {
        let scheme = if self.ctx.config.tls_enabled() { "wss" } else { "ws" };
        format!("{scheme}://{}{}", self.local_addr, confab_proto::WS_PATH)
    }

    /// The HTTP base URL: `http://ADDR`, or `https://ADDR` when the server
    /// speaks TLS.
    pub fn http_url(&self) -> String {
        let scheme = if self.ctx.config.tls_enabled() { "https" } else { "http" };
        format!("{scheme}://{}", self.local_addr)
    }

    /// The SDKAppID the server accepts.
    pub fn sdk_app_id(&self) -> u64 {
        self.ctx.config.sdk_app_id
    }

    /// The UserSig secret key.
    pub fn secret_key(&self) -> &str {
        &self.ctx.secret_key
    }

    /// The configuration being served.
    pub fn config(&self) -> &Config {
        &self.ctx.config
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.ctx.config.data_dir
    }

    /// The SQLite database file (of `store = "sqlite"`).
    pub fn database_path(&self) -> &Path {
        &self.database_path
    }

    /// A UserSig for `user_id` valid for `expire_secs`, issued at the server
    /// clock's now.
    pub fn mint_user_sig(&self, user_id: &str, expire_secs: i64) -> String {
        self.ctx.mint_user_sig(user_id, expire_secs)
    }

    /// Runs a garbage collection pass of the file store now (the server also
    /// runs one every `file_gc_interval_secs`): forgets and deletes stored
    /// files no message names that were last uploaded more than
    /// `file_gc_grace_secs` ago, and discards expired uploads.
    pub async fn collect_garbage(&self) -> anyhow::Result<files::GcReport> {
        files::collect_garbage(&self.ctx).await.context("file garbage collection")
    }

    /// The number of periodic garbage collection passes finished so far,
    /// watchable (tests wait on it after moving the clock).
    pub fn garbage_passes(&self) -> watch::Receiver<u64> {
        self.gc_passes.clone()
    }

    /// Graceful shutdown: stop accepting, close every session with 4003
    /// (after sending the replies it owes), wait for all connections, let
    /// the writer commit and answer everything queued, close the database.
    /// Afterwards the data directory can be opened again and the port
    /// re-bound.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.stop.send_replace(true);
        self.sweeper.abort();
        if let Some(collector) = self.collector.take() {
            collector.await.context("file garbage collection task")?;
        }
        if let Some(serve) = self.serve.take() {
            serve.await.context("accept loop task")?;
        }
        // Every connection holds an `alive` sender; `None` means all ended.
        if self.all_gone.recv().await.is_some() {
            anyhow::bail!("a connection sent on the liveness channel");
        }
        self.ctx.store.close().await.context("closing the store")?;
        #[cfg(feature = "cluster")]
        if let Some(cluster) = self.cluster.take() {
            Box::pin(cluster.close()).await;
        }
        tracing::info!(addr = %self.local_addr, "confabd stopped");
        Ok(())
    }
}

impl Drop for ServerHandle {
    /// Dropping a handle that was not shut down tells the server to stop but
    /// does not wait for it; use [`ServerHandle::shutdown`] to wait.
    fn drop(&mut self) {
        self.sweeper.abort();
        if let Some(collector) = self.collector.take() {
            collector.abort();
        }
        if self.serve.is_some() {
            self.stop.send_replace(true);
        }
    }
}
