//! The HTTP surface: the WebSocket upgrade at `/ws`, account registration
//! and password login under `/api`, the file service under `/files` (see
//! [`crate::files`]), and `/healthz`.
//!
//! Account endpoints answer `200` with a [`Grant`] or an error status with
//! an [`ErrorBody`]: 400 (malformed body 20001, bad userID 90006, bad
//! password 90007), 401 (wrong userID or password, 90005; the same for an
//! unknown userID, after the same work), 403 (registration closed, 90004;
//! a request from a web page, 90023), 409 (userID taken, 90003), 415 (a body
//! not declared `application/json`, 20001), 429 (login back-off, 2996, with
//! `Retry-After` and `data.retryAfterMs`), 500 (90500).
//!
//! The account endpoints are for native clients: a browser page could post
//! a `text/plain` form to them from any site (CSRF), so they demand
//! `Content-Type: application/json` (which a page cannot send cross-origin
//! without a CORS preflight, which confabd never grants) and refuse any
//! request that carries an `Origin` header (confabd serves no page of its
//! own, so every origin is foreign).

use crate::config::Registration;
use crate::files;
use crate::gateway;
use crate::handlers;
use crate::listener::ConnectionPermit;
use crate::login_throttle::RetryAfter;
use crate::server::ServerContext;
use crate::session_keys;
use crate::store::StoreError;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use axum::{Json, Router};
use confab_proto::account::{self, Credentials, Grant};
use confab_proto::{code, ErrorBody, UserId, MAX_FRAME_BYTES, WS_PATH};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Path of the health check.
pub const HEALTH_PATH: &str = "/healthz";

/// What every HTTP handler can reach.
#[derive(Clone)]
pub(crate) struct AppState {
    /// Services and configuration.
    pub ctx: Arc<ServerContext>,
    /// Becomes `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
    /// Held by every connection; shutdown waits until all are dropped.
    pub alive: mpsc::Sender<()>,
}

/// The server's routes.
pub(crate) fn router(state: AppState) -> Router {
    let router = Router::new();
    #[cfg(feature = "rest")]
    let router = router.merge(crate::rest::routes());
    router
        .route(WS_PATH, get(upgrade))
        .route(account::REGISTER_PATH, post(register))
        .route(account::LOGIN_PATH, post(login))
        .route(HEALTH_PATH, get(health))
        .merge(files::routes())
        .with_state(state)
}

fn health() -> std::future::Ready<&'static str> {
    std::future::ready("ok")
}

/// Initial read buffer of a WebSocket session, in bytes.
const WS_READ_BUFFER_BYTES: usize = 4096;

/// Queued outgoing bytes that force a write before the next flush.
const WS_WRITE_BUFFER_BYTES: usize = 32 * 1024;

fn upgrade(
    State(state): State<AppState>,
    Extension(permit): Extension<Arc<ConnectionPermit>>,
    ws: WebSocketUpgrade,
) -> std::future::Ready<Response> {
    let AppState { ctx, shutdown, alive } = state;
    // Small buffers: an idle session must cost kilobytes, not the 128 KiB
    // read buffer tungstenite allocates by default; frames are small and
    // the buffer grows for the rare large one. Frames are written at the
    // session's explicit flushes (several ready frames share one), or when
    // this much is queued.
    let response = ws
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            gateway::serve(socket, ctx, shutdown, alive).await;
            // The session counted against the connection caps until now.
            drop(permit);
        });
    std::future::ready(response)
}

pub(crate) fn error(status: StatusCode, code: i32, message: impl Into<String>) -> Response {
    (status, Json(ErrorBody::new(code, message))).into_response()
}

pub(crate) fn internal(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{what}");
    error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, format!("{what}; try again"))
}

/// A store failure: 503 with 90501 when the database cannot be reached
/// (nothing was stored; retry shortly), else [`internal`].
pub(crate) fn store_failure(what: &str, e: crate::store::StoreError) -> Response {
    match e {
        crate::store::StoreError::Unavailable(why) => {
            tracing::warn!(error = %why, "{what}: the database is unavailable");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                code::STORE_UNAVAILABLE,
                format!("{what}: the database is unavailable; retry shortly"),
            )
        }
        other => internal(what, other),
    }
}

/// Refuses what a web page could send: a request with an `Origin` header
/// (403, 90023) or a body not declared as JSON (415, 20001).
fn native_client_only(headers: &HeaderMap) -> Result<(), Box<Response>> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        tracing::info!(origin = ?origin, "account request from a web page refused");
        return Err(Box::new(error(
            StatusCode::FORBIDDEN,
            code::ORIGIN_NOT_ALLOWED,
            "account requests from web pages are not accepted",
        )));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(Box::new(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code::MALFORMED_FRAME,
            "the body must be sent as Content-Type: application/json",
        )));
    }
    Ok(())
}

fn credentials(headers: &HeaderMap, body: &[u8]) -> Result<Credentials, Box<Response>> {
    native_client_only(headers)?;
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            code::MALFORMED_FRAME,
            format!("expected {{\"userID\", \"password\"}}: {e}"),
        ))
    })
}

/// A password grant: a UserSig of the user's current session generation
/// (see `session_keys`).
async fn grant(ctx: &ServerContext, user: UserId) -> Response {
    let issued = match session_keys::issue_current(ctx, &user).await {
        Ok(issued) => issued,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.code, e.message),
    };
    Json(Grant {
        user_id: user,
        user_sig: issued.user_sig,
        sdk_app_id: ctx.config.sdk_app_id,
        expire_at: issued.sig.expire_at,
    })
    .into_response()
}

async fn register(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let ctx = &state.ctx;
    if ctx.config.registration == Registration::Closed {
        return error(
            StatusCode::FORBIDDEN,
            code::REGISTRATION_CLOSED,
            "this server does not accept registrations",
        );
    }
    let Credentials { user_id, password } = match credentials(&headers, &body) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    if let Err(why) = account::validate_user_id(user_id.as_str()) {
        return error(StatusCode::BAD_REQUEST, code::INVALID_USER_ID, why);
    }
    if let Err(why) = account::validate_password(&password) {
        return error(StatusCode::BAD_REQUEST, code::INVALID_PASSWORD, why);
    }
    match ctx.store.user_exists(user_id.clone()).await {
        Ok(false) => {}
        Ok(true) => return exists(&user_id),
        Err(e) => return store_failure("cannot read accounts", e),
    }
    let hash = match ctx.passwords.acquire().await.hash(password).await {
        Ok(hash) => hash,
        Err(e) => return internal("cannot hash the password", e),
    };
    match ctx.store.register_account(user_id.clone(), hash, ctx.clock.now_secs()).await {
        Ok(()) => {
            tracing::info!(user = %user_id, "registered");
            grant(ctx, user_id).await
        }
        Err(StoreError::AccountExists(_)) => exists(&user_id),
        Err(e @ StoreError::Unavailable(_)) => store_failure("cannot register", e),
        Err(e) => {
            let body = handlers::store_error(e);
            error(StatusCode::INTERNAL_SERVER_ERROR, body.code, body.message)
        }
    }
}

fn exists(user: &UserId) -> Response {
    error(StatusCode::CONFLICT, code::ACCOUNT_EXISTS, format!("userID {user} is taken"))
}

/// 429 with 2996: the login back-off of the account or the address.
fn too_frequent(wait: RetryAfter) -> Response {
    let ms = wait.ms.max(1);
    let secs = ms.saturating_add(999) / 1000;
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(
            ErrorBody::new(
                code::OVER_FREQUENCY_LIMIT,
                format!("too many failed logins; try again in {secs} s"),
            )
            .with_data(serde_json::json!({ "retryAfterMs": ms })),
        ),
    )
        .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// Password login. Order matters: the back-off is checked before waiting
/// for a hashing permit and again once it is held (attempts queued behind
/// the permits must not outrun failures recorded meanwhile); an unknown
/// userID costs the same hash as a wrong password and gets the same answer.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = &state.ctx;
    let Credentials { user_id, password } = match credentials(&headers, &body) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let address = peer.ip();
    // A userID that could never be registered is not worth a record of its
    // own (nor its length in memory); the address still pays for it.
    let account = match account::validate_user_id(user_id.as_str()) {
        Ok(()) => user_id.as_str(),
        Err(_) => "",
    };
    if let Err(wait) = ctx.login_throttle.check(account, address, ctx.clock.now_ms()) {
        return too_frequent(wait);
    }
    let stored = if account.is_empty() {
        None
    } else {
        match ctx.store.password_hash(user_id.clone()).await {
            Ok(stored) => stored,
            Err(e) => return store_failure("cannot read accounts", e),
        }
    };
    let permit = ctx.passwords.acquire().await;
    if let Err(wait) = ctx.login_throttle.check(account, address, ctx.clock.now_ms()) {
        return too_frequent(wait);
    }
    match permit.verify(password, stored).await {
        Ok(true) => {
            ctx.login_throttle.succeeded(account);
            grant(ctx, user_id).await
        }
        Ok(false) => {
            ctx.login_throttle.failed(account, address, ctx.clock.now_ms());
            error(StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS, "wrong userID or password")
        }
        Err(e) => internal("cannot check the password", e),
    }
}
