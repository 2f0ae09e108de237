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

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use confab_app::{AppCore, AppEvent, ErrorBody};
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::broadcast;
use tokio::task::JoinSet;
use tower_http::services::{ServeDir, ServeFile};

/// Path of the WebSocket bridge.
pub const BRIDGE_PATH: &str = "/bridge";

/// TIM `INVALID_OPERATION`: a frame that is not a command.
const INVALID_FRAME: i32 = 2905;

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
        Router::new()
            .route(BRIDGE_PATH, get(upgrade))
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
