//! The transport under the HTTP routes: the accept loop, optional TLS, and
//! HTTP/1.1 connections served by hyper with a timer.
//!
//! What it owns and guarantees:
//! - **Connection caps.** A connection is admitted only while its client
//!   address has fewer than `max_connections_per_ip` open (an IPv6 client
//!   counts by its /64, an IPv4-mapped IPv6 address as IPv4) and the server
//!   fewer than `max_connections`; otherwise it is closed at once, before a
//!   byte is read. The [`ConnectionPermit`] that counts it travels in every
//!   request's extensions, so a WebSocket session keeps it after the upgrade
//!   and the slot is freed only when both the HTTP connection and the
//!   session are gone.
//! - **Timeouts.** The TLS handshake and each request head must complete
//!   within `header_read_timeout_ms` (hyper's header-read timer, which also
//!   bounds a keep-alive connection waiting for its next request); while a
//!   request is under way, a connection that moves no byte either way for
//!   `http_idle_timeout_ms` is closed. After a WebSocket upgrade the gateway's
//!   own deadlines (login, heartbeat) take over.
//! - **Shutdown.** When the stop signal turns `true` the loop stops
//!   accepting, asks every HTTP connection to finish its current request and
//!   close, and returns once all connection tasks have ended (they are owned
//!   by a [`JoinSet`]). WebSocket sessions are tracked by the server's
//!   liveness channel instead.

use crate::config::Config;
use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower_service::Service as _;

/// How long the loop waits after an accept error that is not about one
/// connection (e.g. out of file descriptors) before accepting again.
const ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// ALPN protocol the TLS listener offers: only HTTP/1.1 is served.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// A certificate or key file that cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not PEM of the expected kind.
    #[error("{path} is not a PEM {expected}: {reason}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What it should contain.
        expected: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// rustls refused the certificate chain and key (e.g. they do not match).
    #[error("the TLS certificate and key cannot be used: {0}")]
    Rejected(#[from] rustls::Error),
}

/// Builds the TLS acceptor from a PEM certificate chain and private key
/// (PKCS#8, PKCS#1 or SEC1), with the `ring` provider.
pub(crate) fn load_tls(cert_file: &Path, key_file: &Path) -> Result<TlsAcceptor, TlsError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| TlsError::Read { path: path.to_owned(), source })
    };
    let pem_error = |path: &Path, expected, reason: String| TlsError::Pem {
        path: path.to_owned(),
        expected,
        reason,
    };
    let cert_pem = read(cert_file)?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(cert_file, "certificate chain", e.to_string()))?;
    if chain.is_empty() {
        return Err(pem_error(cert_file, "certificate chain", "no CERTIFICATE section".into()));
    }
    let key_pem = read(key_file)?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| pem_error(key_file, "private key", e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// What every connection is served with.
pub(crate) struct Transport {
    /// The routes.
    pub router: Router,
    /// Present when the server speaks TLS.
    pub tls: Option<TlsAcceptor>,
    /// Connection caps.
    pub limits: Arc<ConnectionLimits>,
    /// Request-head (and TLS handshake) deadline.
    pub header_read_timeout: Duration,
    /// Longest silence of a connection with a request under way.
    pub idle_timeout: Duration,
}

impl Transport {
    /// The transport `config` describes, around `router`.
    pub fn new(config: &Config, router: Router, tls: Option<TlsAcceptor>) -> Self {
        Self {
            router,
            tls,
            limits: Arc::new(ConnectionLimits::new(
                config.max_connections_per_ip,
                config.max_connections,
            )),
            header_read_timeout: Duration::from_millis(config.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(config.http_idle_timeout_ms),
        }
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|stop| *stop).await.is_err() {
        // The server handle is gone, which also means stop.
    }
}

/// Accepts connections on `listener` until `stop` turns `true`, then waits
/// for every HTTP connection to finish (see the module docs).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    transport: Transport,
    mut stop: watch::Receiver<bool>,
) {
    let transport = Arc::new(transport);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            Some(ended) = connections.join_next(), if !connections.is_empty() => {
                if let Err(e) = ended {
                    tracing::error!(error = %e, "a connection task failed");
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let permit = match transport.limits.admit(peer.ip()) {
                        Ok(permit) => permit,
                        Err(refused) => {
                            // Dropping the stream closes it before a byte is read.
                            tracing::debug!(%peer, %refused, "connection refused");
                            continue;
                        }
                    };
                    // Frames are small and every one is awaited by somebody:
                    // Nagle's algorithm would hold them back behind delayed
                    // ACKs (40 ms stalls).
                    if let Err(e) = tcp.set_nodelay(true) {
                        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
                    }
                    connections.spawn(serve_connection(
                        tcp,
                        peer,
                        permit,
                        Arc::clone(&transport),
                        stop.clone(),
                    ));
                }
                Err(e) if is_connection_error(&e) => {
                    tracing::debug!(error = %e, "accept: connection failed");
                }
                Err(e) => {
                    tracing::error!(error = %e, "accept failed; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                        () = stopped(&mut stop) => break,
                    }
                }
            }
        }
    }
    drop(listener);
    while let Some(ended) = connections.join_next().await {
        if let Err(e) = ended {
            tracing::error!(error = %e, "a connection task failed");
        }
    }
}

/// Errors about one connection, after which accepting goes on at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// Runs the TLS handshake when configured, then serves HTTP.
async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    permit: ConnectionPermit,
    transport: Arc<Transport>,
    mut stop: watch::Receiver<bool>,
) {
    let Some(acceptor) = &transport.tls else {
        serve_http(tcp, peer, permit, &transport, stop).await;
        return;
    };
    let handshake = tokio::time::timeout(transport.header_read_timeout, acceptor.accept(tcp));
    let tls = tokio::select! {
        finished = handshake => finished,
        () = stopped(&mut stop) => return,
    };
    match tls {
        Ok(Ok(tls)) => serve_http(tls, peer, permit, &transport, stop).await,
        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
    }
}

/// Serves HTTP/1.1 (with upgrades) on one connection until it ends, is idle
/// too long, or finishes its request after shutdown began.
async fn serve_http<I>(
    io: I,
    peer: SocketAddr,
    permit: ConnectionPermit,
    transport: &Transport,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { inner: io, activity: Arc::clone(&activity) });
    let permit = Arc::new(permit);
    let router = transport.router.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(Arc::clone(&permit));
        // The peer address, as axum's `ConnectInfo` (the login back-off).
        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        router.clone().call(request.map(Body::new))
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(transport.header_read_timeout)
        .keep_alive(true);
    let connection = builder.serve_connection(io, service).with_upgrades();
    tokio::pin!(connection);
    let mut stopping = false;
    loop {
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(error = %e, "HTTP connection ended");
                }
                break;
            }
            () = stopped(&mut stop), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
            () = activity.silent_for(transport.idle_timeout) => {
                tracing::debug!("HTTP connection idle; closing");
                break;
            }
        }
    }
}

/// When a connection last moved a byte.
struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Self { start: Instant::now(), last_ms: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Resolves once no byte has moved for `limit`.
    async fn silent_for(&self, limit: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = last + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// An I/O stream that records each read or write that moved bytes.
struct Watched<I> {
    inner: I,
    activity: Arc<Activity>,
}

impl<I: AsyncRead + Unpin> AsyncRead for Watched<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Watched<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Which client a connection counts against: the IPv4 address, or the /64
/// of an IPv6 one (one host usually holds a whole /64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ClientKey {
    V4(std::net::Ipv4Addr),
    V6Prefix(u64),
}

impl ClientKey {
    fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self::V4(v4),
            IpAddr::V6(v6) => Self::V6Prefix(prefix_64(v6)),
        }
    }
}

fn prefix_64(ip: Ipv6Addr) -> u64 {
    (u128::from(ip) >> 64) as u64
}

/// Why a connection was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refused {
    /// The client address has `max_connections_per_ip` open.
    #[error("too many connections from this address")]
    PerIp,
    /// The server has `max_connections` open.
    #[error("too many connections")]
    Total,
}

/// Counts of open connections, per client and in total.
pub(crate) struct ConnectionLimits {
    per_ip: usize,
    total: usize,
    open: Mutex<OpenConnections>,
}

#[derive(Default)]
struct OpenConnections {
    total: usize,
    per_client: HashMap<ClientKey, usize>,
}

impl ConnectionLimits {
    /// Caps of `per_ip` connections per client and `total` in all; `0`
    /// means no cap.
    pub fn new(per_ip: usize, total: usize) -> Self {
        Self { per_ip, total, open: Mutex::new(OpenConnections::default()) }
    }

    /// Counts a new connection from `ip`, or refuses it.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionPermit, Refused> {
        let client = ClientKey::of(ip);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if self.total != 0 && open.total >= self.total {
            return Err(Refused::Total);
        }
        let from_client = open.per_client.entry(client).or_insert(0);
        if self.per_ip != 0 && *from_client >= self.per_ip {
            return Err(Refused::PerIp);
        }
        *from_client += 1;
        open.total += 1;
        Ok(ConnectionPermit { limits: Arc::clone(self), client })
    }

    /// Connections open now.
    #[cfg(test)]
    fn open(&self) -> usize {
        self.open.lock().unwrap_or_else(PoisonError::into_inner).total
    }

    fn release(&self, client: ClientKey) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.per_client.get_mut(&client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.per_client.remove(&client);
            }
        }
    }
}

/// One admitted connection; dropping it frees the slot. Every request of
/// the connection carries it (as `Arc<ConnectionPermit>`) in its extensions,
/// so an upgraded WebSocket can keep it.
pub(crate) struct ConnectionPermit {
    limits: Arc<ConnectionLimits>,
    client: ClientKey,
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        self.limits.release(self.client);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn per_client_and_total_caps() {
        let limits = Arc::new(ConnectionLimits::new(2, 3));
        let a1 = limits.admit(ip("10.0.0.1")).expect("first");
        let a2 = limits.admit(ip("::ffff:10.0.0.1")).expect("mapped IPv4 is the same client");
        assert_eq!(limits.admit(ip("10.0.0.1")).err(), Some(Refused::PerIp));
        let b1 = limits.admit(ip("10.0.0.2")).expect("another client");
        assert_eq!(limits.admit(ip("10.0.0.3")).err(), Some(Refused::Total));
        drop(a1);
        assert_eq!(limits.open(), 2);
        let a3 = limits.admit(ip("10.0.0.1")).expect("a slot was freed");
        drop((a2, a3, b1));
        assert_eq!(limits.open(), 0);
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let limits = Arc::new(ConnectionLimits::new(1, 0));
        let _held = limits.admit(ip("2001:db8:1:2::1")).expect("first");
        assert_eq!(limits.admit(ip("2001:db8:1:2:ffff::9")).err(), Some(Refused::PerIp));
        let _other = limits.admit(ip("2001:db8:1:3::1")).expect("another /64");
    }

    #[test]
    fn zero_means_no_cap() {
        let limits = Arc::new(ConnectionLimits::new(0, 0));
        let held: Vec<_> =
            (0..100).map(|_| limits.admit(ip("127.0.0.1")).expect("no cap")).collect();
        assert_eq!(limits.open(), held.len());
    }
}
