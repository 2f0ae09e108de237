//! A lean protocol client: one WebSocket speaking `crates/proto` frames
//! directly, with no local store. It is what high connection counts and
//! raw server throughput are measured with; the SDK is measured where the
//! SDK is the thing measured.

use anyhow::{bail, Context};
use confab_proto::frame::{RequestFrame, ServerFrame};
use confab_proto::ops::{Login, LoginResponse, Operation};
use futures_util::{SinkExt, StreamExt};
use std::net::{IpAddr, SocketAddr};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

/// One protocol connection.
pub struct Lean {
    ws: WebSocketStream<tokio::net::TcpStream>,
    next_id: u64,
}

/// A UserSig for `user` signed with the bench servers' key.
pub fn user_sig(user: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    confab_server::usersig::gen_user_sig(
        crate::process::SDK_APP_ID,
        crate::process::BENCH_KEY,
        user,
        7 * 86_400,
        now,
    )
}

impl Lean {
    /// Connects to `server`, from `source` when given (to use more than one
    /// loopback address's ephemeral ports).
    pub async fn connect(server: SocketAddr, source: Option<IpAddr>) -> anyhow::Result<Self> {
        Self::connect_with(server, source, false).await
    }

    /// Like [`Lean::connect`]; `large_frames` lifts the client's frame and
    /// message size limits (16 and 64 MiB by default), for a `sync` answer
    /// with many groups' pages in one frame.
    pub async fn connect_with(
        server: SocketAddr,
        source: Option<IpAddr>,
        large_frames: bool,
    ) -> anyhow::Result<Self> {
        let socket = tokio::net::TcpSocket::new_v4().context("socket")?;
        if let Some(ip) = source {
            // Ports of earlier runs linger in TIME_WAIT; they may be reused
            // toward a new peer port.
            socket.set_reuseaddr(true).context("SO_REUSEADDR")?;
            socket.bind(SocketAddr::new(ip, 0)).with_context(|| format!("bind {ip}"))?;
        }
        let stream = socket.connect(server).await.context("connect")?;
        stream.set_nodelay(true).context("nodelay")?;
        let url = format!("ws://{server}{}", confab_proto::WS_PATH);
        let mut config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0);
        if large_frames {
            config = config.max_frame_size(None).max_message_size(None);
        }
        let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
            .await
            .context("websocket handshake")?;
        Ok(Self { ws, next_id: 1 })
    }

    /// Connects and logs in as `user`.
    pub async fn login(
        server: SocketAddr,
        source: Option<IpAddr>,
        user: &str,
    ) -> anyhow::Result<(Self, LoginResponse)> {
        Self::connect(server, source).await?.log_in(user).await
    }

    /// Logs in as `user` on a connection made with [`Lean::connect_with`].
    pub async fn log_in(mut self, user: &str) -> anyhow::Result<(Self, LoginResponse)> {
        let response = self
            .call(&Login {
                sdk_app_id: crate::process::SDK_APP_ID,
                user_id: user.into(),
                user_sig: user_sig(user),
                instance_id: format!("bench-{user}"),
                protocol_version: confab_proto::PROTOCOL_VERSION,
                platform: confab_proto::ops::Platform::Web,
            })
            .await?;
        Ok((self, response))
    }

    /// Sends a request without waiting; returns its ID.
    pub async fn send<O: Operation>(&mut self, request: &O) -> anyhow::Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let frame = RequestFrame::new(id, request)?;
        self.ws.send(WsMessage::Text(serde_json::to_string(&frame)?.into())).await?;
        Ok(id)
    }

    /// Queues a request without flushing (flush with [`Lean::flush`]).
    pub async fn feed<O: Operation>(&mut self, request: &O) -> anyhow::Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let frame = RequestFrame::new(id, request)?;
        self.ws.feed(WsMessage::Text(serde_json::to_string(&frame)?.into())).await?;
        Ok(id)
    }

    /// Flushes queued requests.
    pub async fn flush(&mut self) -> anyhow::Result<()> {
        self.ws.flush().await?;
        Ok(())
    }

    /// The next frame from the server.
    pub async fn next(&mut self) -> anyhow::Result<ServerFrame> {
        next_frame(&mut self.ws).await
    }

    /// The next text frame from the server, undecoded (for clients that
    /// only count pushes and must not spend the machine's CPU decoding them).
    pub async fn next_text(&mut self) -> anyhow::Result<String> {
        loop {
            match self.ws.next().await {
                Some(Ok(WsMessage::Text(text))) => return Ok(text.as_str().to_owned()),
                Some(Ok(WsMessage::Close(reason))) => bail!("closed by server: {reason:?}"),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => bail!("connection ended"),
            }
        }
    }

    /// Closes the connection and waits until the server has closed its
    /// side too, so the session is over when this returns.
    pub async fn close(mut self) -> anyhow::Result<()> {
        self.ws.close(None).await?;
        while let Some(frame) = self.ws.next().await {
            if frame.is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Splits the connection into a sender of requests and a stream of
    /// server frames, for clients that write and read at the same time.
    pub fn split(self) -> (LeanSender, LeanReceiver) {
        let (sink, stream) = self.ws.split();
        (LeanSender { sink, next_id: self.next_id }, LeanReceiver { stream })
    }

    /// Performs one request and waits for its response, skipping pushes.
    pub async fn call<O: Operation>(&mut self, request: &O) -> anyhow::Result<O::Response> {
        let id = self.send(request).await?;
        loop {
            match self.next().await? {
                ServerFrame::Ok { id: got, data } if got == id => {
                    return Ok(serde_json::from_value(data)?)
                }
                ServerFrame::Err { id: Some(got), error } if got == id => {
                    bail!("{} failed: {error}", O::NAME)
                }
                ServerFrame::Err { id: None, error } => bail!("{} failed: {error}", O::NAME),
                _ => {}
            }
        }
    }
}

/// The sending half of a split [`Lean`].
pub struct LeanSender {
    sink: futures_util::stream::SplitSink<WebSocketStream<tokio::net::TcpStream>, WsMessage>,
    next_id: u64,
}

impl LeanSender {
    /// Sends a request without waiting for its answer.
    pub async fn send<O: Operation>(&mut self, request: &O) -> anyhow::Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let frame = RequestFrame::new(id, request)?;
        self.sink.send(WsMessage::Text(serde_json::to_string(&frame)?.into())).await?;
        Ok(id)
    }
}

/// The receiving half of a split [`Lean`].
pub struct LeanReceiver {
    stream: futures_util::stream::SplitStream<WebSocketStream<tokio::net::TcpStream>>,
}

impl LeanReceiver {
    /// The next frame from the server.
    pub async fn next(&mut self) -> anyhow::Result<ServerFrame> {
        next_frame(&mut self.stream).await
    }
}

/// The next server frame from a WebSocket stream (either a whole
/// connection or its receiving half), skipping control frames.
async fn next_frame<S>(stream: &mut S) -> anyhow::Result<ServerFrame>
where
    S: futures_util::Stream<Item = Result<WsMessage, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
{
    loop {
        match stream.next().await {
            Some(Ok(WsMessage::Text(text))) => return Ok(serde_json::from_str(&text)?),
            Some(Ok(WsMessage::Close(reason))) => bail!("closed by server: {reason:?}"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => bail!("connection ended"),
        }
    }
}
