//! How the session actor reaches the server: the [`Transport`] seam, the
//! real WebSocket implementation ([`WsTransport`]) and a wrapper for fault
//! drills and tests ([`SwitchableTransport`]).
//!
//! `wss://` URLs are TLS (rustls) with the Tim's [`TlsConfig`]; a
//! certificate or handshake the client refuses ends the attempt with
//! [`TransportError::Tls`], never a plain network error, so it is reported
//! rather than silently retried.
//!
//! A [`Connection`] carries JSON text frames both ways. Its stream ends
//! after a close frame, reporting the close code and reason as a final
//! `Err(TransportError::Closed {..})`, so the actor can tell a kick (4001),
//! a logout (4004) and a server shutdown (4003) apart.

use crate::tls::{TlsConfig, TlsFailure};
use futures_util::future::BoxFuture;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::{watch, Notify};

/// Why a connection could not be made or ended.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Connecting failed or the connection broke.
    #[error("network error: {0}")]
    Network(String),
    /// TLS refused the server (its certificate, or the handshake), or the
    /// TLS configuration could not be built (a bad custom CA).
    #[error("{detail}")]
    Tls {
        /// The TLS failure; `None` when the configuration itself failed.
        failure: Option<TlsFailure>,
        /// Its stable code (`confab_proto::code::TLS_*`).
        code: i32,
        /// What happened, for people.
        detail: String,
    },
    /// The peer closed the connection with a close frame.
    #[error("connection closed with code {code}: {reason}")]
    Closed {
        /// WebSocket close code (e.g. 4001 kicked out).
        code: u16,
        /// Close reason text.
        reason: String,
    },
}

impl TransportError {
    /// The error of a refused TLS connection or configuration, with its
    /// `TLS_*` code; `None` for other failures.
    pub fn tls_error(&self) -> Option<crate::TimError> {
        match self {
            Self::Tls { code, detail, .. } => Some(crate::TimError::new(*code, detail.clone())),
            _ => None,
        }
    }

    /// A failed WebSocket connect: TLS when TLS refused it, else network.
    fn connect_failed(error: &tokio_tungstenite::tungstenite::Error) -> Self {
        match TlsFailure::find_in(error) {
            Some(failure) => {
                let tls = crate::TimError::tls(failure, error);
                Self::Tls { failure: Some(failure), code: tls.code, detail: tls.message }
            }
            None => Self::Network(error.to_string()),
        }
    }
}

impl From<crate::TimError> for TransportError {
    /// A TLS configuration that could not be built.
    fn from(e: crate::TimError) -> Self {
        Self::Tls { failure: None, code: e.code, detail: e.message }
    }
}

/// The sending half of a connection: text frames.
pub type FrameSink = Pin<Box<dyn Sink<String, Error = TransportError> + Send>>;
/// The receiving half of a connection: text frames, ending after an error
/// or a close (reported as `Err(TransportError::Closed {..})`).
pub type FrameStream = Pin<Box<dyn Stream<Item = Result<String, TransportError>> + Send>>;

/// One established connection.
pub struct Connection {
    /// Frames to the server.
    pub sink: FrameSink,
    /// Frames from the server.
    pub stream: FrameStream,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}

/// Makes connections to a server URL.
pub trait Transport: Send + Sync + 'static {
    /// Opens a connection; a `wss://` one trusts what `tls` trusts.
    fn connect(
        &self,
        url: &str,
        tls: &TlsConfig,
    ) -> BoxFuture<'static, Result<Connection, TransportError>>;

    /// Resolves when the network may have come back (e.g. a switch turned
    /// back on), so that a waiting reconnect can retry at once instead of
    /// sleeping out its backoff. The default never resolves.
    fn network_restored(&self) -> BoxFuture<'static, ()> {
        Box::pin(futures_util::future::pending())
    }
}

/// The real transport: a WebSocket (tokio-tungstenite), over TLS (rustls)
/// for `wss://` URLs.
#[derive(Clone, Copy, Debug, Default)]
pub struct WsTransport;

impl Transport for WsTransport {
    fn connect(
        &self,
        url: &str,
        tls: &TlsConfig,
    ) -> BoxFuture<'static, Result<Connection, TransportError>> {
        use tokio_tungstenite::tungstenite::Message as WsMessage;
        let url = url.to_owned();
        // Only a wss:// URL needs (and builds) the TLS configuration.
        let connector = if crate::tls::is_tls_url(&url) {
            match tls.client_config() {
                Ok(config) => Some(tokio_tungstenite::Connector::Rustls(config)),
                Err(e) => return Box::pin(async move { Err(TransportError::from(e)) }),
            }
        } else {
            None
        };
        Box::pin(async move {
            // No Nagle: requests are small and each is waited for.
            let (socket, _response) = tokio_tungstenite::connect_async_tls_with_config(
                url.as_str(),
                None,
                true,
                connector,
            )
            .await
            .map_err(|e| TransportError::connect_failed(&e))?;
            let (sink, stream) = socket.split();
            let sink = sink.sink_map_err(|e| TransportError::Network(e.to_string())).with(
                |text: String| {
                    futures_util::future::ready(Ok::<_, TransportError>(WsMessage::Text(
                        text.into(),
                    )))
                },
            );
            let stream = futures_util::stream::unfold(Some(stream), |state| async move {
                let mut stream = state?;
                loop {
                    match stream.next().await {
                        None => return None,
                        Some(Ok(WsMessage::Text(text))) => {
                            return Some((Ok(text.as_str().to_owned()), Some(stream)))
                        }
                        Some(Ok(WsMessage::Binary(bytes))) => {
                            let item = String::from_utf8(bytes.to_vec())
                                .map_err(|e| TransportError::Network(e.to_string()));
                            return Some((item, Some(stream)));
                        }
                        Some(Ok(WsMessage::Close(frame))) => {
                            let (code, reason) = frame
                                .map(|f| (u16::from(f.code), f.reason.as_str().to_owned()))
                                .unwrap_or((1005, String::new()));
                            return Some((Err(TransportError::Closed { code, reason }), None));
                        }
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => {
                            return Some((Err(TransportError::Network(e.to_string())), None))
                        }
                    }
                }
            });
            Ok(Connection { sink: Box::pin(sink), stream: Box::pin(stream) })
        })
    }
}

/// A transport wrapper with switches, for fault drills and tests: cut the
/// live connection, go offline, or lose the acknowledgement of the next
/// request of some operation.
#[derive(Clone)]
pub struct SwitchableTransport {
    inner: Arc<dyn Transport>,
    shared: Arc<SwitchShared>,
}

struct SwitchShared {
    offline: AtomicBool,
    /// Cut switches of the connections made so far (dead ones are pruned).
    connections: Mutex<Vec<Arc<watch::Sender<bool>>>>,
    cut_after_send: Mutex<Option<String>>,
    connect_count: AtomicU64,
    restored: Notify,
}

impl SwitchShared {
    fn lock_connections(&self) -> std::sync::MutexGuard<'_, Vec<Arc<watch::Sender<bool>>>> {
        // The list stays consistent under poisoning: every change is a push
        // or a retain.
        self.connections.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take_cut_after_send(&self, frame: &str) -> bool {
        let mut armed =
            self.cut_after_send.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(op) = armed.as_deref() else { return false };
        let frame_op = serde_json::from_str::<serde_json::Value>(frame)
            .ok()
            .and_then(|v| v.get("op").and_then(|o| o.as_str()).map(str::to_owned));
        if frame_op.as_deref() == Some(op) {
            *armed = None;
            true
        } else {
            false
        }
    }
}

impl SwitchableTransport {
    /// Wraps a transport; all switches start off (online, nothing armed).
    pub fn new(inner: Arc<dyn Transport>) -> Self {
        Self {
            inner,
            shared: Arc::new(SwitchShared {
                offline: AtomicBool::new(false),
                connections: Mutex::new(Vec::new()),
                cut_after_send: Mutex::new(None),
                connect_count: AtomicU64::new(0),
                restored: Notify::new(),
            }),
        }
    }

    /// Drops the current connection(s) now: their streams end at once with a
    /// network error and frames not yet read are discarded.
    pub fn cut(&self) {
        let mut connections = self.shared.lock_connections();
        for switch in connections.iter() {
            switch.send_replace(true);
        }
        connections.clear();
    }

    /// While offline every connect fails with a network error; going
    /// offline also cuts. Going back online wakes a waiting reconnect.
    pub fn set_offline(&self, offline: bool) {
        let was = self.shared.offline.swap(offline, Ordering::SeqCst);
        if offline {
            self.cut();
        } else if was {
            self.shared.restored.notify_waiters();
            self.shared.restored.notify_one();
        }
    }

    /// Whether the switch is offline.
    pub fn is_offline(&self) -> bool {
        self.shared.offline.load(Ordering::SeqCst)
    }

    /// The next frame the client sends whose `op` equals `op` is written,
    /// and then the connection is cut before anything more is read, so its
    /// response is never seen (a lost acknowledgement).
    pub fn cut_after_send(&self, op: &str) {
        *self.shared.cut_after_send.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(op.to_owned());
    }

    /// How many connections were established through this transport.
    pub fn connect_count(&self) -> u64 {
        self.shared.connect_count.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for SwitchableTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwitchableTransport")
            .field("offline", &self.is_offline())
            .field("connect_count", &self.connect_count())
            .finish_non_exhaustive()
    }
}

fn cut_error() -> TransportError {
    TransportError::Network("connection cut".into())
}

impl Transport for SwitchableTransport {
    fn connect(
        &self,
        url: &str,
        tls: &TlsConfig,
    ) -> BoxFuture<'static, Result<Connection, TransportError>> {
        let shared = Arc::clone(&self.shared);
        if shared.offline.load(Ordering::SeqCst) {
            return Box::pin(async { Err(TransportError::Network("network is offline".into())) });
        }
        let connecting = self.inner.connect(url, tls);
        Box::pin(async move {
            let inner = connecting.await?;
            if shared.offline.load(Ordering::SeqCst) {
                return Err(TransportError::Network("network is offline".into()));
            }
            let (switch, receiver) = watch::channel(false);
            let switch = Arc::new(switch);
            {
                let mut connections = shared.lock_connections();
                connections.retain(|s| s.receiver_count() > 0);
                connections.push(Arc::clone(&switch));
            }
            shared.connect_count.fetch_add(1, Ordering::SeqCst);
            let stream =
                futures_util::stream::unfold(Some((inner.stream, receiver)), |state| async move {
                    let (mut stream, mut receiver) = state?;
                    let item = tokio::select! {
                        biased;
                        _ = receiver.wait_for(|cut| *cut) => None,
                        item = stream.next() => Some(item),
                    };
                    match item {
                        None => Some((Err(cut_error()), None)),
                        Some(None) => None,
                        Some(Some(Ok(text))) => Some((Ok(text), Some((stream, receiver)))),
                        Some(Some(Err(e))) => Some((Err(e), None)),
                    }
                });
            let sink = SwitchSink { inner: Some(inner.sink), switch, shared, cut_on_flush: false };
            Ok(Connection { sink: Box::pin(sink), stream: Box::pin(stream) })
        })
    }

    fn network_restored(&self) -> BoxFuture<'static, ()> {
        let shared = Arc::clone(&self.shared);
        Box::pin(async move { shared.restored.notified().await })
    }
}

struct SwitchSink {
    inner: Option<FrameSink>,
    switch: Arc<watch::Sender<bool>>,
    shared: Arc<SwitchShared>,
    cut_on_flush: bool,
}

impl SwitchSink {
    fn live(&mut self) -> Result<&mut FrameSink, TransportError> {
        if *self.switch.borrow() {
            self.inner = None;
        }
        self.inner.as_mut().ok_or_else(cut_error)
    }
}

impl Sink<String> for SwitchSink {
    type Error = TransportError;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.live() {
            Ok(sink) => sink.as_mut().poll_ready(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn start_send(mut self: Pin<&mut Self>, item: String) -> Result<(), Self::Error> {
        if self.shared.take_cut_after_send(&item) {
            self.cut_on_flush = true;
        }
        self.live()?.as_mut().start_send(item)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let result = match self.live() {
            Ok(sink) => match sink.as_mut().poll_flush(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r,
            },
            Err(e) => Err(e),
        };
        if result.is_ok() && self.cut_on_flush {
            self.cut_on_flush = false;
            self.switch.send_replace(true);
            self.inner = None;
        }
        Poll::Ready(result)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.inner.as_mut() {
            Some(sink) => sink.as_mut().poll_close(cx),
            None => Poll::Ready(Ok(())),
        }
    }
}

#[cfg(test)]
pub(crate) mod memory {
    //! An in-process transport: each connect hands the server side of a
    //! channel pair to whoever holds the [`MemoryListener`].

    use super::*;
    use tokio::sync::mpsc;

    /// The server side of one in-memory connection.
    pub(crate) struct ServerSide {
        /// Frames from the client.
        pub(crate) incoming: mpsc::UnboundedReceiver<String>,
        /// Frames (or a final close) to the client.
        pub(crate) outgoing: mpsc::UnboundedSender<Result<String, TransportError>>,
    }

    /// Accepts in-memory connections.
    pub(crate) struct MemoryListener {
        pub(crate) accepted: mpsc::UnboundedReceiver<ServerSide>,
    }

    /// Client side factory.
    #[derive(Clone)]
    pub(crate) struct MemoryTransport {
        accept: mpsc::UnboundedSender<ServerSide>,
    }

    pub(crate) fn pair() -> (MemoryTransport, MemoryListener) {
        let (accept, accepted) = mpsc::unbounded_channel();
        (MemoryTransport { accept }, MemoryListener { accepted })
    }

    impl Transport for MemoryTransport {
        fn connect(
            &self,
            _url: &str,
            _tls: &TlsConfig,
        ) -> BoxFuture<'static, Result<Connection, TransportError>> {
            let (to_server, incoming) = mpsc::unbounded_channel::<String>();
            let (outgoing, from_server) = mpsc::unbounded_channel();
            let accepted = self.accept.send(ServerSide { incoming, outgoing }).is_ok();
            Box::pin(async move {
                if !accepted {
                    return Err(TransportError::Network("connection refused".into()));
                }
                let sink =
                    futures_util::sink::unfold(to_server, |to_server, frame: String| async {
                        to_server
                            .send(frame)
                            .map_err(|_| TransportError::Network("server went away".into()))?;
                        Ok::<_, TransportError>(to_server)
                    });
                let stream = futures_util::stream::unfold(Some(from_server), |state| async {
                    let mut from_server = state?;
                    match from_server.recv().await {
                        None => None,
                        Some(Ok(frame)) => Some((Ok(frame), Some(from_server))),
                        Some(Err(e)) => Some((Err(e), None)),
                    }
                });
                Ok(Connection { sink: Box::pin(sink), stream: Box::pin(stream) })
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::*;
    use super::*;

    #[tokio::test]
    async fn switchable_cuts_offline_and_loses_acks() {
        let (memory, mut listener) = pair();
        let switch = SwitchableTransport::new(Arc::new(memory));
        let mut conn = switch.connect("mem", &TlsConfig::platform()).await.expect("connect");
        let mut server = listener.accepted.recv().await.expect("accepted");
        assert_eq!(switch.connect_count(), 1);

        conn.sink.send(r#"{"id":1,"op":"heartbeat"}"#.into()).await.expect("send");
        assert_eq!(server.incoming.recv().await.as_deref(), Some(r#"{"id":1,"op":"heartbeat"}"#));
        server.outgoing.send(Ok("pong".into())).expect("server send");
        assert_eq!(conn.stream.next().await, Some(Ok("pong".into())));

        // A lost acknowledgement: the frame arrives, the answer is never seen.
        switch.cut_after_send("sendMessage");
        conn.sink.send(r#"{"id":2,"op":"heartbeat"}"#.into()).await.expect("send");
        conn.sink.send(r#"{"id":3,"op":"sendMessage"}"#.into()).await.expect("send");
        assert!(server.incoming.recv().await.is_some());
        assert_eq!(server.incoming.recv().await.as_deref(), Some(r#"{"id":3,"op":"sendMessage"}"#));
        server.outgoing.send(Ok("ack".into())).expect("server send");
        assert_eq!(conn.stream.next().await, Some(Err(cut_error())));
        assert_eq!(conn.stream.next().await, None);
        assert!(conn.sink.send("x".into()).await.is_err());

        // Cut: pending frames are discarded.
        let mut conn = switch.connect("mem", &TlsConfig::platform()).await.expect("connect");
        let server = listener.accepted.recv().await.expect("accepted");
        server.outgoing.send(Ok("pending".into())).expect("server send");
        switch.cut();
        assert_eq!(conn.stream.next().await, Some(Err(cut_error())));

        // Offline: connects fail; back online wakes a waiter.
        switch.set_offline(true);
        assert!(switch.is_offline());
        assert!(switch.connect("mem", &TlsConfig::platform()).await.is_err());
        let restored = switch.network_restored();
        switch.set_offline(false);
        restored.await;
        assert!(switch.connect("mem", &TlsConfig::platform()).await.is_ok());
        assert_eq!(switch.connect_count(), 3);
    }
}
