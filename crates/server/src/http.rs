//! The HTTP surface: the WebSocket upgrade at `/ws`, account registration
//! and password login under `/api`, the file service under `/files` (see
//! [`crate::files`]), and `/healthz`.
//!
//! Account endpoints answer `200` with a [`Grant`] or an error status with
//! an [`ErrorBody`]: 400 (malformed body 20001, bad userID 90006, bad
//! password 90007), 401 (wrong userID or password, 90005), 403
//! (registration closed, 90004), 409 (userID taken, 90003), 500 (90500).

use crate::config::Registration;
use crate::files;
use crate::gateway;
use crate::handlers;
use crate::server::ServerContext;
use crate::session_keys;
use crate::store::StoreError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_proto::account::{self, Credentials, Grant};
use confab_proto::{code, ErrorBody, UserId, MAX_FRAME_BYTES, WS_PATH};
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
    Router::new()
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

fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> std::future::Ready<Response> {
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
        .on_upgrade(move |socket| gateway::serve(socket, ctx, shutdown, alive));
    std::future::ready(response)
}

pub(crate) fn error(status: StatusCode, code: i32, message: impl Into<String>) -> Response {
    (status, Json(ErrorBody::new(code, message))).into_response()
}

pub(crate) fn internal(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{what}");
    error(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, format!("{what}; try again"))
}

fn credentials(body: &[u8]) -> Result<Credentials, Box<Response>> {
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

async fn register(State(state): State<AppState>, body: Bytes) -> Response {
    let ctx = &state.ctx;
    if ctx.config.registration == Registration::Closed {
        return error(
            StatusCode::FORBIDDEN,
            code::REGISTRATION_CLOSED,
            "this server does not accept registrations",
        );
    }
    let Credentials { user_id, password } = match credentials(&body) {
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
        Err(e) => return internal("cannot read accounts", e),
    }
    let hashed = tokio::task::spawn_blocking(move || {
        use rand::RngCore as _;
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt)?;
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await;
    let hash = match hashed {
        Ok(Ok(hash)) => hash,
        Ok(Err(e)) => return internal("cannot hash the password", e),
        Err(e) => return internal("password hashing task failed", e),
    };
    match ctx.store.register_account(user_id.clone(), hash, ctx.clock.now_secs()).await {
        Ok(()) => {
            tracing::info!(user = %user_id, "registered");
            grant(ctx, user_id).await
        }
        Err(StoreError::AccountExists(_)) => exists(&user_id),
        Err(e) => {
            let body = handlers::store_error(e);
            error(StatusCode::INTERNAL_SERVER_ERROR, body.code, body.message)
        }
    }
}

fn exists(user: &UserId) -> Response {
    error(StatusCode::CONFLICT, code::ACCOUNT_EXISTS, format!("userID {user} is taken"))
}

async fn login(State(state): State<AppState>, body: Bytes) -> Response {
    let ctx = &state.ctx;
    let Credentials { user_id, password } = match credentials(&body) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let denied =
        || error(StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS, "wrong userID or password");
    let hash = match ctx.store.password_hash(user_id.clone()).await {
        Ok(Some(hash)) => hash,
        Ok(None) => return denied(),
        Err(e) => return internal("cannot read accounts", e),
    };
    let verified = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await;
    match verified {
        Ok(Ok(true)) => grant(ctx, user_id).await,
        Ok(Ok(false)) => denied(),
        Ok(Err(e)) => internal("stored password hash is unreadable", e),
        Err(e) => internal("password check task failed", e),
    }
}
