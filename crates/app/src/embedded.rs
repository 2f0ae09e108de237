//! The embedded server of local mode: a `confab_server` on 127.0.0.1 owned
//! by the app, with its data under `<app data dir>/server`.
//!
//! It listens on the port it used last time when that port is free (so the
//! server URL, and with it the saved session, stays the same across
//! restarts), else on a port the system picks.

use confab_server::clock::SystemClock;
use confab_server::config::Config;
use confab_server::ServerHandle;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

/// Name of the embedded server's directory inside the app data directory.
pub const SERVER_DIR: &str = "server";

/// The embedded server could not start or stop.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No port could be bound on 127.0.0.1.
    #[error("binding 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
    /// The server refused to start (configuration, database).
    #[error("starting the embedded server: {0:#}")]
    Start(anyhow::Error),
    /// The server did not stop cleanly.
    #[error("stopping the embedded server: {0:#}")]
    Stop(anyhow::Error),
}

/// A running embedded server.
pub struct EmbeddedServer {
    handle: ServerHandle,
}

impl std::fmt::Debug for EmbeddedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedServer").field("addr", &self.handle.local_addr()).finish()
    }
}

impl EmbeddedServer {
    /// Starts a server with its data in `<app_data_dir>/server`, on
    /// `preferred_port` when it is free, else on any free port.
    pub async fn start(
        app_data_dir: &Path,
        preferred_port: Option<u16>,
    ) -> Result<EmbeddedServer, EmbeddedError> {
        let listener = bind(preferred_port).await?;
        let config = Config {
            data_dir: app_data_dir.join(SERVER_DIR),
            listen: listener.local_addr().map_err(EmbeddedError::Bind)?,
            ..Config::default()
        };
        let handle = confab_server::start(config, listener, Arc::new(SystemClock))
            .await
            .map_err(EmbeddedError::Start)?;
        Ok(EmbeddedServer { handle })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.handle.local_addr().port()
    }

    /// Its HTTP base URL, `http://127.0.0.1:PORT`.
    pub fn http_url(&self) -> String {
        self.handle.http_url()
    }

    /// Stops it gracefully (sessions closed, database closed).
    pub async fn shutdown(self) -> Result<(), EmbeddedError> {
        self.handle.shutdown().await.map_err(EmbeddedError::Stop)
    }
}

async fn bind(preferred_port: Option<u16>) -> Result<tokio::net::TcpListener, EmbeddedError> {
    if let Some(port) = preferred_port.filter(|p| *p != 0) {
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(listener) => return Ok(listener),
            Err(e) => tracing::info!(port, error = %e, "last port of the embedded server is taken"),
        }
    }
    tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(EmbeddedError::Bind)
}
