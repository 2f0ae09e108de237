//! The per-connection session: login first (its checks are shared with the
//! file service in `auth`), then decode each frame, route it through the
//! operation registry (`handlers::registry`) to a service, encode the answer; deliver pushes; enforce the heartbeat
//! idle timeout, kicks, the UserSig's expiry and server shutdown.
//!
//! The gateway holds no domain rules. Every request gets exactly one
//! response. Requests are handed to the services as they arrive (so writes
//! are queued in arrival order) and their replies are awaited concurrently
//! ([`FuturesUnordered`]), up to `max_in_flight_per_session` per session;
//! a request beyond that is answered at once with 90020
//! `TOO_MANY_REQUESTS_IN_FLIGHT` without being run (heartbeats and logout
//! are always served), so nothing is dropped and the session stays usable.
//!
//! Close codes: 4001 kicked (after a `kickedOut` push), 4002 login failed or
//! missing, 4003 server shutdown, 4004 logout, 4005 idle, 4006 no login
//! within `login_timeout_ms`, 1007 a text frame that is not UTF-8, 1009
//! frame too big, 1013 push queue overflow (reconnect and sync), 1000
//! replaced by a newer session of the same instance.
//!
//! A frame that is not a request (not JSON, or without a numeric `id` or a
//! string `op`) is answered with `id: null` and 20001; the session goes on.

use crate::auth;
use crate::handlers::registry::{FrameText, Route, Served, SessionOp};
use crate::handlers::{self, Caller};
use crate::server::ServerContext;
use crate::session_keys::{self, SessionSig};
use crate::sessions::{CloseReason, EncodedPush, SessionLink};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use confab_proto::constants::types;
use confab_proto::frame::{close, push_frame_json, Push, RequestFrame, ServerFrame};
use confab_proto::ops::{
    ChangePassword, IssuedUserSig, RenewUserSig, SignOutEverywhere, SignOutEverywhereResponse,
};
use confab_proto::ops::{
    Heartbeat, HeartbeatResponse, Login, LoginResponse, Logout, LogoutResponse, Operation,
};
use confab_proto::{code, ErrorBody, PROTOCOL_VERSION};
use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt as _, StreamExt as _};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

pub(crate) use crate::handlers::registry::{decode, respond};

/// Most frames queued before one flush.
const SEND_BATCH: usize = 64;

/// How long sending one frame may take before the peer counts as gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest accepted `instanceID`, in bytes.
const MAX_INSTANCE_ID_BYTES: usize = 128;

/// WebSocket close code for a frame over the size limit.
const CLOSE_TOO_BIG: u16 = 1009;
/// WebSocket close code for a text frame that is not valid UTF-8 (RFC 6455
/// "invalid frame payload data").
const CLOSE_INVALID_PAYLOAD: u16 = 1007;
/// WebSocket close code for a normal close.
const CLOSE_NORMAL: u16 = 1000;
/// WebSocket close code asking the client to come back later.
const CLOSE_TRY_AGAIN_LATER: u16 = 1013;

/// The peer is gone (send failed or timed out).
struct Gone;

/// A WebSocket with frame-level helpers.
struct Socket {
    ws: WebSocket,
}

impl Socket {
    async fn send_frame(&mut self, frame: &ServerFrame) -> Result<(), Gone> {
        self.send_encoded(serde_json::to_string(frame)).await
    }

    async fn send_encoded(&mut self, text: serde_json::Result<String>) -> Result<(), Gone> {
        self.queue_encoded(text).await?;
        self.flush().await
    }

    /// Queues a frame without flushing; frames reach the peer at the next
    /// [`Socket::flush`] (or when the write buffer fills).
    async fn queue_encoded(&mut self, text: serde_json::Result<String>) -> Result<(), Gone> {
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e, "cannot encode a frame");
                return Err(Gone);
            }
        };
        self.queue_message(Message::Text(text.into())).await
    }

    /// Queues one WebSocket message without flushing.
    async fn queue_message(&mut self, message: Message) -> Result<(), Gone> {
        match tokio::time::timeout(SEND_TIMEOUT, self.ws.feed(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "send failed");
                Err(Gone)
            }
            Err(_) => {
                tracing::debug!("send timed out");
                Err(Gone)
            }
        }
    }

    /// Queues an encoded frame without flushing.
    async fn queue_text(&mut self, frame: FrameText) -> Result<(), Gone> {
        self.queue_message(Message::Text(frame.0.into())).await
    }

    /// Sends an encoded frame now.
    async fn send_text(&mut self, frame: FrameText) -> Result<(), Gone> {
        self.queue_text(frame).await?;
        self.flush().await
    }

    /// Queues a push the registry encoded (once for all its sessions).
    async fn queue_push(&mut self, push: EncodedPush) -> Result<(), Gone> {
        self.queue_message(Message::Text(push)).await
    }

    /// Writes every queued frame to the peer.
    async fn flush(&mut self) -> Result<(), Gone> {
        match tokio::time::timeout(SEND_TIMEOUT, self.ws.flush()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "flush failed");
                Err(Gone)
            }
            Err(_) => {
                tracing::debug!("flush timed out");
                Err(Gone)
            }
        }
    }

    async fn send_push(&mut self, push: &Push) -> Result<(), Gone> {
        self.send_encoded(push_frame_json(push)).await
    }

    /// Sends a close frame; the connection ends when the socket is dropped.
    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame { code, reason: reason.into() };
        match tokio::time::timeout(SEND_TIMEOUT, self.ws.send(Message::Close(Some(frame)))).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(error = %e, code, "close frame not sent"),
            Err(_) => tracing::debug!(code, "close frame timed out"),
        }
    }
}

/// What one received WebSocket message amounts to.
pub(crate) enum Incoming {
    Request(RequestFrame),
    /// Not a request frame; answer with this error and go on.
    Malformed(Option<u64>, ErrorBody),
    /// Control frames.
    Ignore,
    /// Over [`confab_proto::MAX_FRAME_BYTES`].
    TooBig,
    /// A text frame that is not valid UTF-8.
    InvalidUtf8,
    /// The peer closed or the connection failed.
    Closed,
}

fn classify(message: Option<Result<Message, axum::Error>>) -> Incoming {
    match message {
        None => Incoming::Closed,
        Some(Err(e)) => match e.into_inner().downcast_ref::<tungstenite::Error>() {
            Some(tungstenite::Error::Capacity(_)) => Incoming::TooBig,
            Some(tungstenite::Error::Utf8(_)) => Incoming::InvalidUtf8,
            _ => Incoming::Closed,
        },
        Some(Ok(Message::Text(text))) => parse_request(text.as_str()),
        Some(Ok(Message::Binary(_))) => Incoming::Malformed(
            None,
            ErrorBody::new(code::MALFORMED_FRAME, "binary frames are not part of the protocol"),
        ),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Incoming::Ignore,
        Some(Ok(Message::Close(_))) => Incoming::Closed,
    }
}

/// A request frame, or the error for a frame that is not one. Such a frame
/// is answered with `id: null` even when it has an `id`: it is not a
/// request, so there is nothing to answer (docs/protocol.md).
pub(crate) fn parse_request(text: &str) -> Incoming {
    match serde_json::from_str::<RequestFrame>(text) {
        Ok(frame) => Incoming::Request(frame),
        Err(e) => {
            let why = if e.is_data() {
                format!("frame is not a request {{id, op, data}}: {e}")
            } else {
                format!("frame is not JSON: {e}")
            };
            Incoming::Malformed(None, ErrorBody::new(code::MALFORMED_FRAME, why))
        }
    }
}

async fn shutting_down(shutdown: &mut watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        // The server handle is gone, which also means stop.
    }
}

/// Serves one WebSocket connection until it ends. `_alive` is dropped when
/// the connection is finished, which is how shutdown knows it may close the
/// store.
pub(crate) async fn serve(
    ws: WebSocket,
    ctx: Arc<ServerContext>,
    mut shutdown: watch::Receiver<bool>,
    _alive: mpsc::Sender<()>,
) {
    let mut socket = Socket { ws };
    if *shutdown.borrow() {
        socket.close(close::SHUTTING_DOWN, "the server is shutting down").await;
        return;
    }
    let Some(login) = login(&mut socket, &ctx, &mut shutdown).await else { return };
    let LoggedIn { caller, link, sig, instance_id, platform } = login;
    let user = caller.user.clone();
    let id = link.id;
    ctx.presence.session_started(&user, &instance_id, platform).await;
    let opt_platform = crate::webhook::opt_platform(platform);
    crate::webhook::state_changed(&ctx, &user, opt_platform, "Login");
    let session = Session { ctx: Arc::clone(&ctx), caller, pending: FuturesUnordered::new(), sig };
    let logged_out = session.run(socket, link, &mut shutdown).await;
    ctx.sessions.unregister(&user, id);
    ctx.presence.session_ended(&user, &instance_id, logged_out).await;
    let action = if logged_out { "Logout" } else { "Disconnect" };
    crate::webhook::state_changed(&ctx, &user, opt_platform, action);
    tracing::debug!(%user, session = %id, "session ended");
}

struct LoggedIn {
    caller: Caller,
    link: SessionLink,
    /// The UserSig the session logged in with.
    sig: SessionSig,
    /// The instance it is.
    instance_id: String,
    /// The instance's platform.
    platform: confab_proto::ops::Platform,
}

/// Waits for the `login` frame and performs it; `None` when the connection
/// was closed instead.
async fn login(
    socket: &mut Socket,
    ctx: &Arc<ServerContext>,
    shutdown: &mut watch::Receiver<bool>,
) -> Option<LoggedIn> {
    // The whole login frame must arrive by then, however slowly it trickles.
    let deadline = Instant::now() + Duration::from_millis(ctx.config.login_timeout_ms);
    let frame = loop {
        let message = tokio::select! {
            () = shutting_down(shutdown) => {
                socket.close(close::SHUTTING_DOWN, "the server is shutting down").await;
                return None;
            }
            () = tokio::time::sleep_until(deadline) => {
                socket.close(close::LOGIN_TIMEOUT, "no login within the login timeout").await;
                return None;
            }
            message = socket.ws.recv() => message,
        };
        match classify(message) {
            Incoming::Ignore => continue,
            Incoming::Closed => return None,
            Incoming::TooBig => {
                socket.close(CLOSE_TOO_BIG, "frame exceeds 64 KiB").await;
                return None;
            }
            Incoming::InvalidUtf8 => {
                socket.close(CLOSE_INVALID_PAYLOAD, "text frame is not valid UTF-8").await;
                return None;
            }
            Incoming::Malformed(id, error) => {
                fail_login(socket, id, error).await;
                return None;
            }
            Incoming::Request(frame) => break frame,
        }
    };
    if frame.op != Login::NAME {
        let error = ErrorBody::new(code::NOT_LOGGED_IN, "the first request must be login");
        fail_login(socket, Some(frame.id), error).await;
        return None;
    }
    let id = frame.id;
    let attempt = async {
        let request: Login = decode(frame.data)?;
        let verified = authenticate(ctx, &request).await?;
        Ok::<_, ErrorBody>((request, verified))
    };
    let (request, sig) = match attempt.await {
        Ok(done) => done,
        Err(error) => {
            tracing::debug!(code = error.code, reason = %error.message, "login refused");
            fail_login(socket, Some(id), error).await;
            return None;
        }
    };
    let user = request.user_id;
    let link = ctx.sessions.register(&user, &request.instance_id, request.platform);
    // A sign-out of all devices that committed between the check above and
    // the registration did not see this session: check again.
    if let Err(error) = session_keys::still_stands(ctx, &user, &sig).await {
        ctx.sessions.unregister(&user, link.id);
        fail_login(socket, Some(id), error).await;
        return None;
    }
    let caller = Caller {
        user: user.clone(),
        session: link.id,
        sends: Default::default(),
        platform: crate::webhook::opt_platform(request.platform),
    };
    if let Err(e) = load_groups(ctx, &user).await {
        ctx.sessions.unregister(&user, link.id);
        fail_login(socket, Some(id), handlers::store_error(e)).await;
        return None;
    }
    let head = match ctx.store.inbox_head(user.clone()).await {
        Ok(head) => head,
        Err(e) => {
            ctx.sessions.unregister(&user, link.id);
            fail_login(socket, Some(id), handlers::store_error(e)).await;
            return None;
        }
    };
    let response = LoginResponse {
        user_id: user.clone(),
        inbox_seq: head,
        server_time: ctx.clock.now_ms(),
        user_sig_expire_at: sig.expire_at,
        heartbeat_interval_ms: ctx.config.heartbeat_interval_ms,
        user_sig_issued_at: sig.issued_at,
        user_sig_renewable: sig.renewable(),
    };
    if socket.send_text(respond(id, Ok(response))).await.is_err() {
        ctx.sessions.unregister(&user, link.id);
        return None;
    }
    tracing::info!(%user, instance = %request.instance_id, platform = %request.platform,
        session = %link.id, "logged in");
    Some(LoggedIn {
        caller,
        link,
        sig,
        instance_id: request.instance_id,
        platform: request.platform,
    })
}

/// Tells the session registry the user's groups, so group pushes reach
/// the new session; reads again when a membership change passed while
/// reading (the registry's epoch moved).
async fn load_groups(
    ctx: &ServerContext,
    user: &confab_proto::UserId,
) -> Result<(), crate::store::StoreError> {
    loop {
        let epoch = ctx.sessions.membership_epoch(user);
        let groups: Vec<String> = ctx
            .store
            .memberships(user.clone())
            .await?
            .into_iter()
            .map(|(profile, _)| profile.group_id.0)
            .collect();
        if ctx.sessions.load_groups(user, &groups, epoch) || ctx.sessions.session_count(user) == 0 {
            return Ok(());
        }
    }
}

async fn fail_login(socket: &mut Socket, id: Option<u64>, error: ErrorBody) {
    if socket.send_frame(&ServerFrame::Err { id, error }).await.is_ok() {
        socket.close(close::LOGIN_FAILED, "login failed").await;
    }
}

/// Checks a login request (including the session keys: a UserSig retired
/// by a logout, a renewal, a password change or a sign-out of all devices
/// is refused with 70001); returns what the session keeps of the UserSig
/// and makes sure the user exists.
async fn authenticate(ctx: &ServerContext, request: &Login) -> Result<SessionSig, ErrorBody> {
    if request.protocol_version != PROTOCOL_VERSION {
        return Err(ErrorBody::new(
            code::PROTOCOL_VERSION_UNSUPPORTED,
            format!(
                "protocol version {} is not supported; this server speaks {PROTOCOL_VERSION}",
                request.protocol_version
            ),
        ));
    }
    if request.sdk_app_id != ctx.config.sdk_app_id {
        return Err(ErrorBody::new(
            code::USERSIG_SDKAPPID_MISMATCH,
            format!("this server's SDKAppID is {}", ctx.config.sdk_app_id),
        ));
    }
    let verified = auth::verify_sig(ctx, request.user_id.as_str(), &request.user_sig)?;
    auth::check_user_id(request.user_id.as_str())?;
    if request.instance_id.is_empty() || request.instance_id.len() > MAX_INSTANCE_ID_BYTES {
        return Err(ErrorBody::new(
            code::MALFORMED_FRAME,
            format!("instanceID must be 1 to {MAX_INSTANCE_ID_BYTES} bytes"),
        ));
    }
    auth::admit(ctx, &request.user_id, &verified).await
}

/// What the session does with one request.
enum Dispatch {
    /// Answer now.
    Now(FrameText),
    /// Answer when the service replies.
    Later(BoxFuture<'static, FrameText>),
    /// An operation on the session's own UserSig or lifecycle: run after
    /// every earlier reply was sent, by the session itself.
    Lifecycle(u64, Lifecycle),
}

/// The operations that change what a session is signed in with.
enum Lifecycle {
    /// `logout`: retire the UserSig, answer, close.
    Logout,
    /// `renewUserSig`.
    Renew,
    /// `changePassword`.
    ChangePassword(ChangePassword),
    /// `signOutEverywhere`: answer, then close.
    SignOutEverywhere,
}

/// What the session does after a [`Lifecycle`] operation answered.
enum After {
    /// Go on (with the expiry of the session's possibly new UserSig).
    Continue,
    /// Close as logged out.
    Close,
}

/// A logged-in session.
struct Session {
    ctx: Arc<ServerContext>,
    caller: Caller,
    pending: FuturesUnordered<BoxFuture<'static, FrameText>>,
    /// The UserSig the session works with (replaced by a renewal or a
    /// password change).
    sig: SessionSig,
}

/// How a session loop ended.
enum End {
    Close(u16, &'static str),
    Gone,
}

impl Session {
    /// Serves the session until it ends; whether it ended logged out (a
    /// logout, a sign-out everywhere, a kick), not merely disconnected.
    async fn run(
        mut self,
        mut socket: Socket,
        mut link: SessionLink,
        shutdown: &mut watch::Receiver<bool>,
    ) -> bool {
        let idle = self.ctx.idle_timeout();
        let idle_timer = tokio::time::sleep(idle);
        tokio::pin!(idle_timer);
        let mut sig_expiry = self.ctx.clock.sleep_until_ms(self.sig.expire_at.saturating_mul(1000));
        let end = loop {
            tokio::select! {
                biased;
                () = shutting_down(shutdown) => {
                    break match self.flush(&mut socket).await {
                        Ok(()) => End::Close(close::SHUTTING_DOWN, "the server is shutting down"),
                        Err(Gone) => End::Gone,
                    };
                }
                changed = link.close.changed() => {
                    let reason = link.close.borrow_and_update().clone();
                    if changed.is_err() && reason.is_none() {
                        break End::Close(CLOSE_TRY_AGAIN_LATER, "session dropped; reconnect");
                    }
                    if let Some(reason) = reason {
                        break self.closed_by_registry(&mut socket, reason).await;
                    }
                }
                () = &mut sig_expiry => {
                    let kick = Push::KickedOut {
                        kick_type: types::KICKED_OUT_USERSIG_EXPIRED.into(),
                        message: "the UserSig expired".into(),
                    };
                    break match socket.send_push(&kick).await {
                        Ok(()) => End::Close(close::KICKED_OUT, "UserSig expired"),
                        Err(Gone) => End::Gone,
                    };
                }
                () = &mut idle_timer => {
                    break End::Close(close::IDLE, "no heartbeat within three intervals");
                }
                Some(frame) = self.pending.next(), if !self.pending.is_empty() => {
                    if socket.queue_text(frame).await.is_err()
                        || self.send_ready(&mut socket, &mut link).await.is_err()
                    {
                        break End::Gone;
                    }
                }
                push = link.outbound.recv() => match push {
                    Some(push) => {
                        if socket.queue_push(push).await.is_err()
                            || self.send_ready(&mut socket, &mut link).await.is_err()
                        {
                            break End::Gone;
                        }
                    }
                    // The registry dropped this session; the close reason
                    // arrives on `link.close`.
                    None => {
                        let reason = link.close.borrow_and_update().clone();
                        break match reason {
                            Some(reason) => self.closed_by_registry(&mut socket, reason).await,
                            None => End::Close(CLOSE_TRY_AGAIN_LATER, "session dropped; reconnect"),
                        };
                    }
                },
                message = socket.ws.recv() => {
                    idle_timer.as_mut().reset(Instant::now() + idle);
                    match classify(message) {
                        Incoming::Ignore => {}
                        Incoming::Closed => break End::Gone,
                        Incoming::TooBig => break End::Close(CLOSE_TOO_BIG, "frame exceeds 64 KiB"),
                        Incoming::InvalidUtf8 => {
                            break End::Close(CLOSE_INVALID_PAYLOAD, "text frame is not valid UTF-8")
                        }
                        Incoming::Malformed(id, error) => {
                            if socket.send_frame(&ServerFrame::Err { id, error }).await.is_err() {
                                break End::Gone;
                            }
                        }
                        Incoming::Request(frame) if self.over_in_flight_cap(&frame) => {
                            let error = ErrorBody::new(
                                code::TOO_MANY_REQUESTS_IN_FLIGHT,
                                format!(
                                    "{} requests of this session are awaiting replies; retry after one arrives",
                                    self.pending.len()
                                ),
                            );
                            let answer = ServerFrame::Err { id: Some(frame.id), error };
                            if socket.send_frame(&answer).await.is_err() {
                                break End::Gone;
                            }
                        }
                        Incoming::Request(frame) => match self.dispatch(frame) {
                            Dispatch::Now(answer) => {
                                if socket.send_text(answer).await.is_err() {
                                    break End::Gone;
                                }
                            }
                            Dispatch::Later(reply) => self.pending.push(reply),
                            Dispatch::Lifecycle(id, operation) => {
                                if self.flush(&mut socket).await.is_err() {
                                    break End::Gone;
                                }
                                let (answer, after) = self.lifecycle(id, operation).await;
                                if socket.send_text(answer).await.is_err() {
                                    break End::Gone;
                                }
                                match after {
                                    After::Continue => {
                                        sig_expiry = self
                                            .ctx
                                            .clock
                                            .sleep_until_ms(self.sig.expire_at.saturating_mul(1000));
                                    }
                                    After::Close => {
                                        break End::Close(close::LOGGED_OUT, "logged out");
                                    }
                                }
                            }
                        },
                    }
                }
            }
        };
        let logged_out = matches!(end, End::Close(code, _) if code == close::LOGGED_OUT || code == close::KICKED_OUT);
        if let End::Close(code, reason) = end {
            tracing::debug!(user = %self.caller.user, code, reason, "closing session");
            socket.close(code, reason).await;
        }
        logged_out
    }

    /// Sends every outstanding reply.
    /// Queues whatever else is ready to go right now (answers and pushes,
    /// up to [`SEND_BATCH`] frames), then writes it all with one flush: under
    /// load a session's frames leave in a few syscalls instead of one each.
    async fn send_ready(
        &mut self,
        socket: &mut Socket,
        link: &mut SessionLink,
    ) -> Result<(), Gone> {
        for _ in 0..SEND_BATCH {
            // Polled with this task's own context (not `now_or_never`, whose
            // no-op waker would replace the one the set wakes us with).
            let ready = std::future::poll_fn(|cx| match self.pending.poll_next_unpin(cx) {
                Poll::Ready(Some(frame)) => Poll::Ready(Some(frame)),
                Poll::Ready(None) | Poll::Pending => Poll::Ready(None),
            })
            .await;
            if let Some(frame) = ready {
                socket.queue_text(frame).await?;
            } else if let Ok(push) = link.outbound.try_recv() {
                socket.queue_push(push).await?;
            } else {
                break;
            }
        }
        socket.flush().await
    }

    async fn flush(&mut self, socket: &mut Socket) -> Result<(), Gone> {
        while let Some(frame) = self.pending.next().await {
            socket.send_text(frame).await?;
        }
        Ok(())
    }

    async fn closed_by_registry(&mut self, socket: &mut Socket, reason: CloseReason) -> End {
        match reason {
            CloseReason::Replaced => {
                End::Close(CLOSE_NORMAL, "replaced by a newer session of this instance")
            }
            CloseReason::Overflow => {
                End::Close(CLOSE_TRY_AGAIN_LATER, "too many pushes queued; reconnect and sync")
            }
            CloseReason::Kicked(kick_type) => {
                let message = match kick_type {
                    types::KICKED_OUT_USERSIG_EXPIRED => {
                        "the account signed out of all devices or changed its password"
                    }
                    types::KICKED_OUT_MULT_DEVICE => "the account logged in on another device",
                    _ => "the account logged in on another web page beyond the web instance limit",
                };
                let kick = Push::KickedOut { kick_type: kick_type.into(), message: message.into() };
                match socket.send_push(&kick).await {
                    Ok(()) => End::Close(close::KICKED_OUT, "kicked out"),
                    Err(Gone) => End::Gone,
                }
            }
        }
    }

    /// Whether `frame` would be one request too many awaiting its reply.
    /// Heartbeat, logout and the answered-at-once errors never wait, so
    /// they are always served.
    fn over_in_flight_cap(&self, frame: &RequestFrame) -> bool {
        self.pending.len() >= self.ctx.config.max_in_flight_per_session
            && !matches!(frame.op.as_str(), Login::NAME | Heartbeat::NAME | Logout::NAME)
    }

    /// Runs a [`Lifecycle`] operation; the services are in
    /// [`handlers::session`].
    async fn lifecycle(&mut self, id: u64, operation: Lifecycle) -> (FrameText, After) {
        let ctx = Arc::clone(&self.ctx);
        let caller = self.caller.clone();
        match operation {
            Lifecycle::Logout => {
                let retired = session_keys::retire(&ctx, &caller.user, &self.sig).await;
                if let Err(e) = &retired {
                    tracing::error!(user = %caller.user, code = e.code, "logout could not retire the UserSig");
                }
                (respond(id, retired.map(|()| LogoutResponse {})), After::Close)
            }
            Lifecycle::Renew => {
                let renewed = handlers::session::renew_user_sig(&ctx, &caller, &self.sig).await;
                (self.replace_sig(id, renewed), After::Continue)
            }
            Lifecycle::ChangePassword(request) => {
                let changed = handlers::session::change_password(&ctx, &caller, request).await;
                (self.replace_sig(id, changed), After::Continue)
            }
            Lifecycle::SignOutEverywhere => {
                let result = handlers::session::sign_out_everywhere(&ctx, &caller).await;
                let after = if result.is_ok() { After::Close } else { After::Continue };
                (respond(id, result), after)
            }
        }
    }

    /// Takes a newly issued UserSig as the session's own and answers with it.
    fn replace_sig(
        &mut self,
        id: u64,
        issued: Result<session_keys::Issued, ErrorBody>,
    ) -> FrameText {
        respond(
            id,
            issued.map(|issued| {
                self.sig = issued.sig;
                IssuedUserSig {
                    user_sig: issued.user_sig,
                    issued_at: self.sig.issued_at,
                    expire_at: self.sig.expire_at,
                }
            }),
        )
    }

    /// Routes a request through the operation registry.
    fn dispatch(&self, frame: RequestFrame) -> Dispatch {
        let id = frame.id;
        match self.ctx.operations.route(&frame.op) {
            Some(Route::Service(service)) => {
                match service(&self.ctx, &self.caller, id, frame.data) {
                    Served::Later(answer) => Dispatch::Later(answer),
                    Served::Now(answer) => Dispatch::Now(answer),
                }
            }
            Some(Route::Session(op)) => self.dispatch_session(*op, id, frame.data),
            None => Dispatch::Now(FrameText::err(
                Some(id),
                ErrorBody::new(code::UNKNOWN_OPERATION, format!("unknown op {:?}", frame.op)),
            )),
        }
    }

    /// Serves a session-lifecycle operation: answers at once, or hands it
    /// to [`Session::lifecycle`] (run after every earlier reply was sent).
    fn dispatch_session(&self, op: SessionOp, id: u64, data: serde_json::Value) -> Dispatch {
        match op {
            SessionOp::Login => Dispatch::Now(FrameText::err(
                Some(id),
                ErrorBody::new(code::REPEAT_LOGIN, "this session is already logged in"),
            )),
            SessionOp::Heartbeat => Dispatch::Now(respond(
                id,
                decode::<Heartbeat>(data)
                    .map(|_| HeartbeatResponse { server_time: self.ctx.clock.now_ms() }),
            )),
            SessionOp::Logout => match decode::<Logout>(data) {
                Ok(_) => Dispatch::Lifecycle(id, Lifecycle::Logout),
                Err(e) => Dispatch::Now(respond::<LogoutResponse>(id, Err(e))),
            },
            SessionOp::RenewUserSig => match decode::<RenewUserSig>(data) {
                Ok(_) => Dispatch::Lifecycle(id, Lifecycle::Renew),
                Err(e) => Dispatch::Now(respond::<IssuedUserSig>(id, Err(e))),
            },
            SessionOp::ChangePassword => match decode::<ChangePassword>(data) {
                Ok(request) => Dispatch::Lifecycle(id, Lifecycle::ChangePassword(request)),
                Err(e) => Dispatch::Now(respond::<IssuedUserSig>(id, Err(e))),
            },
            SessionOp::SignOutEverywhere => match decode::<SignOutEverywhere>(data) {
                Ok(_) => Dispatch::Lifecycle(id, Lifecycle::SignOutEverywhere),
                Err(e) => Dispatch::Now(respond::<SignOutEverywhereResponse>(id, Err(e))),
            },
        }
    }
}
