//! The web host: serves the built UI (`ui/dist`) and carries the app
//! command set and events (`docs/app-commands.md`) over a WebSocket at
//! [`BRIDGE_PATH`] to one [`AppCore`], so the UI runs in any browser against
//! the real SDK. It holds no domain logic: frames in, [`AppCore::call`],
//! frames out.
//!
//! Bridge frames: the client sends `{"id", "command", "args"}`; each gets
//! exactly one `{"id", "ok"}` or `{"id", "error": {code, message}}`, in
//! completion order (calls run concurrently); every app event is sent as
//! `{"event": {name, data}}`. Each connection owns its call tasks (a
//! `JoinSet`, aborted when the connection ends).
//!
//! Browsers let any page open a WebSocket to 127.0.0.1, so upgrades whose
//! `Origin` is neither this host nor an allowed origin are refused.
//!
//! Files: a browser has no file paths, so the UI stages dropped, picked or
//! pasted files with `POST /stage?name=<file name>` (raw body, streamed to
//! `<data dir>/staging/`; answers `{"path"}`) and sends them by path like
//! the desktop app does. Files the SDK downloaded are served read-only
//! under [`LOCAL_PATH`] (its cache inside `<data dir>/sdk`, nothing else);
//! [`WebHooks::file_url`] gives their URLs.

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_app::native::STAGING_DIR;
use confab_app::{AppCore, AppEvent, DesktopHooks, ErrorBody, HookError, NotifyArgs, SDK_DIR};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt as _;
use tokio::sync::broadcast;
use tokio::task::JoinSet;
use tower_http::services::{ServeDir, ServeFile};

/// Path of the WebSocket bridge.
pub const BRIDGE_PATH: &str = "/bridge";
/// Where browser files are staged (`POST`).
pub const STAGE_PATH: &str = "/stage";
/// Prefix of the URLs of the SDK's downloaded files.
pub const LOCAL_PATH: &str = "/local";
/// Largest staged file: the file service's 100 MB limit plus one byte, so
/// an over-size file reaches the SDK and gets TIM's size-limit code.
const MAX_STAGED_BYTES: u64 = 100 * 1024 * 1024 + 1;

/// The web host's [`DesktopHooks`]: no native features, and the URLs of
/// downloaded files under [`LOCAL_PATH`].
#[derive(Clone, Debug)]
pub struct WebHooks {
    /// The app data directory (`AppOptions::data_dir`).
    pub data_dir: PathBuf,
}

impl DesktopHooks for WebHooks {
    fn notify(&self, _: &NotifyArgs) -> Result<(), HookError> {
        Ok(())
    }

    fn set_unread_badge(&self, _: u64) -> Result<(), HookError> {
        Ok(())
    }

    fn file_url(&self, path: &Path) -> String {
        let root = self.data_dir.join(SDK_DIR);
        match path.strip_prefix(&root) {
            Ok(relative) => {
                let mut url = LOCAL_PATH.to_owned();
                for part in relative.components() {
                    url.push('/');
                    url.push_str(&percent_encode(&part.as_os_str().to_string_lossy()));
                }
                url
            }
            Err(_) => String::new(),
        }
    }
}

/// Percent-encodes one URL path segment (everything but unreserved
/// characters).
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A staged file's name: the last path component of what the browser
/// said, without control characters; never empty, never `.`/`..`.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    match clean.trim() {
        "" | "." | ".." => "file".to_owned(),
        _ => clean,
    }
}

/// TIM `INVALID_OPERATION`: a frame that is not a command.
const INVALID_FRAME: i32 = 2905;
/// TIM `UNCAUGHT_ERROR`: a local failure (disk).
const UNCAUGHT_ERROR: i32 = 2903;
/// TIM `MESSAGE_FILE_SIZE_LIMIT`.
const FILE_SIZE_LIMIT: i32 = 2402;

/// What the web host serves.
#[derive(Clone)]
pub struct WebHost {
    /// The one app instance every connection talks to.
    pub core: Arc<AppCore>,
    /// The built UI (`index.html` and assets).
    pub ui_dir: PathBuf,
    /// Origins (`http://host:port`) allowed to open the bridge besides the
    /// host itself, e.g. a Vite dev server.
    pub allowed_origins: Vec<String>,
}

impl std::fmt::Debug for WebHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebHost")
            .field("ui_dir", &self.ui_dir)
            .field("allowed_origins", &self.allowed_origins)
            .finish_non_exhaustive()
    }
}

/// A command frame from the UI.
#[derive(Debug, Deserialize)]
struct CallFrame {
    id: serde_json::Value,
    command: String,
    #[serde(default)]
    args: serde_json::Value,
}

/// A frame to the UI.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum OutFrame {
    Ok { id: serde_json::Value, ok: serde_json::Value },
    Error { id: serde_json::Value, error: ErrorBody },
    Event { event: AppEvent },
}

impl WebHost {
    /// The HTTP routes: the bridge, then the UI with `index.html` as the
    /// fallback of unknown paths (client-side routes).
    pub fn router(self) -> Router {
        let index = self.ui_dir.join("index.html");
        let ui = ServeDir::new(&self.ui_dir).fallback(ServeFile::new(index));
        let local = ServeDir::new(self.core.data_dir().join(SDK_DIR));
        Router::new()
            .route(BRIDGE_PATH, get(upgrade))
            .route(STAGE_PATH, post(stage))
            .nest_service(LOCAL_PATH, local)
            .fallback_service(ui)
            .with_state(Arc::new(self))
    }
}

/// Whether the `Origin` of an upgrade may use the bridge: none (not a
/// browser), the host itself, or an allowed origin.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get("origin").and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default();
    let own = ["http://", "https://"].iter().any(|scheme| origin == format!("{scheme}{host}"));
    own || allowed.iter().any(|a| a.trim_end_matches('/') == origin)
}

async fn upgrade(
    State(host): State<Arc<WebHost>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &host.allowed_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let core = Arc::clone(&host.core);
    ws.on_upgrade(move |socket| bridge(socket, core))
}

/// `?name=` of a staging request.
#[derive(Debug, Deserialize)]
struct StageQuery {
    #[serde(default)]
    name: String,
}

/// `POST /stage?name=…`: streams the body into a new file under the app's
/// staging directory and answers its path.
async fn stage(
    State(host): State<Arc<WebHost>>,
    headers: HeaderMap,
    Query(query): Query<StageQuery>,
    body: Body,
) -> Response {
    if !origin_allowed(&headers, &host.allowed_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let dir =
        host.core.data_dir().join(STAGING_DIR).join(format!("{:016x}", rand::random::<u64>()));
    let path = dir.join(safe_file_name(&query.name));
    match write_body(&dir, &path, body).await {
        Ok(()) => Json(serde_json::json!({ "path": path })).into_response(),
        Err(e) => {
            let _cleanup = tokio::fs::remove_dir_all(&dir).await;
            (e.0, Json(e.1)).into_response()
        }
    }
}

/// Streams a request body into a new file, at most [`MAX_STAGED_BYTES`].
async fn write_body(dir: &Path, path: &Path, body: Body) -> Result<(), (StatusCode, ErrorBody)> {
    let io = |e: std::io::Error| {
        (StatusCode::INTERNAL_SERVER_ERROR, ErrorBody::new(UNCAUGHT_ERROR, e.to_string()))
    };
    let private_dir = dir.to_owned();
    tokio::task::spawn_blocking(move || confab_private_fs::create_dir_all(&private_dir))
        .await
        .map_err(std::io::Error::other)
        .and_then(|created| created)
        .map_err(io)?;
    let mut file = tokio::fs::OpenOptions::from(confab_private_fs::open_options())
        .write(true)
        .create_new(true)
        .open(path)
        .await
        .map_err(io)?;
    let mut stream = body.into_data_stream();
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            (StatusCode::BAD_REQUEST, ErrorBody::new(INVALID_FRAME, format!("upload cut: {e}")))
        })?;
        written += chunk.len() as u64;
        if written > MAX_STAGED_BYTES {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody::new(FILE_SIZE_LIMIT, "files are limited to 100 MB"),
            ));
        }
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    Ok(())
}

/// One bridge connection: until the socket closes, run its calls
/// concurrently and forward every app event.
async fn bridge(socket: WebSocket, core: Arc<AppCore>) {
    let (mut sink, mut stream) = socket.split();
    let mut events = core.events();
    let mut calls: JoinSet<OutFrame> = JoinSet::new();
    loop {
        let out = tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<CallFrame>(&text) {
                    Ok(call) => {
                        let core = Arc::clone(&core);
                        calls.spawn(async move {
                            match core.call(&call.command, call.args).await {
                                Ok(ok) => OutFrame::Ok { id: call.id, ok },
                                Err(error) => OutFrame::Error { id: call.id, error },
                            }
                        });
                        continue;
                    }
                    Err(e) => OutFrame::Error {
                        id: serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|v| v.get("id").cloned())
                            .unwrap_or_default(),
                        error: ErrorBody::new(INVALID_FRAME, format!("not a command frame: {e}")),
                    },
                },
                Some(Ok(Message::Close(_))) | None => break,
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "bridge socket failed");
                    break;
                }
            },
            Some(done) = calls.join_next() => match done {
                Ok(frame) => frame,
                Err(e) => {
                    tracing::error!(error = %e, "bridge call task failed");
                    continue;
                }
            },
            event = events.recv() => match event {
                Ok(event) => OutFrame::Event { event },
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a bridge client fell behind the events");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        };
        let text = match serde_json::to_string(&out) {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e, "encoding a bridge frame");
                continue;
            }
        };
        if let Err(e) = sink.send(Message::Text(text.into())).await {
            tracing::debug!(error = %e, "bridge client gone");
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let mut headers = HeaderMap::new();
        assert!(origin_allowed(&headers, &[]), "no Origin: not a browser");
        headers.insert("host", "127.0.0.1:5000".parse().expect("header"));
        headers.insert("origin", "http://127.0.0.1:5000".parse().expect("header"));
        assert!(origin_allowed(&headers, &[]));
        headers.insert("origin", "https://evil.example".parse().expect("header"));
        assert!(!origin_allowed(&headers, &[]));
        assert!(origin_allowed(&headers, &["https://evil.example/".into()]));
    }

    #[test]
    fn file_names_and_urls() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\a b.png"), "a b.png");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name(""), "file");
        let hooks = WebHooks { data_dir: PathBuf::from("/d") };
        assert_eq!(
            hooks.file_url(Path::new("/d/sdk/1400/al ice.files/x.png")),
            "/local/1400/al%20ice.files/x.png"
        );
        assert_eq!(hooks.file_url(Path::new("/d/settings.json")), "");
    }

    #[test]
    fn frames() {
        let ok = OutFrame::Ok { id: 1.into(), ok: serde_json::json!({}) };
        assert_eq!(serde_json::to_string(&ok).expect("ok"), r#"{"id":1,"ok":{}}"#);
        let error = OutFrame::Error { id: 2.into(), error: ErrorBody::new(2999, "m") };
        assert_eq!(
            serde_json::to_string(&error).expect("error"),
            r#"{"id":2,"error":{"code":2999,"message":"m"}}"#
        );
        let call: CallFrame =
            serde_json::from_str(r#"{"id":"a","command":"app.getState"}"#).expect("call");
        assert!(call.args.is_null());
    }
}
