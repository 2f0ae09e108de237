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
//! Access (any page the browser shows, and any local process, can reach
//! 127.0.0.1): every request must carry `Host: 127.0.0.1:PORT`,
//! `localhost:PORT` or `[::1]:PORT` of the listener's own port, else 403 (a
//! DNS-rebinding page sends its own name). A random per-launch token
//! ([`WebHost::token`], 256 bits) is printed with the URL; visiting any
//! page with `?token=<token>` sets it as the `HttpOnly; SameSite=Strict`
//! cookie [`WebHost::cookie_name`] and redirects to the URL without it.
//! [`BRIDGE_PATH`], [`STAGE_PATH`] and [`LOCAL_PATH`] answer 401 without
//! that cookie; the bridge and staging also require an `Origin` that is
//! the host's own (or one given with `--allow-origin`), else 403. The UI
//! itself loads without the cookie (it then tells the user to open the
//! printed URL) and carries a CSP (`frame-ancestors 'none'`, scripts only
//! from itself) and `X-Frame-Options: DENY`.
//!
//! Files: a browser has no file paths, so the UI stages dropped, picked or
//! pasted files with `POST /stage?name=<file name>` (raw body, streamed to
//! `<data dir>/staging/`; answers `{"path"}`) and sends them by path like
//! the desktop app does; file commands accept no other path
//! ([`WebHooks::path_allowed`]). The files the SDK downloaded are user
//! content: they are served from a second listener, another origin
//! ([`Listeners`]), under [`LOCAL_PATH`] — the download cache only, never
//! the stores — with `nosniff`, `CSP: sandbox`, a type from an allow-list
//! and `attachment` unless media ([`confab_app::loopback`]).
//! [`WebHooks::file_url`] gives their URLs.

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_app::loopback;
use confab_app::native::STAGING_DIR;
use confab_app::{
    AppCore, AppEvent, DesktopHooks, ErrorBody, HookError, NotifyArgs, PathPurpose, SDK_DIR,
};
use confab_proto::files::percent_encode_segment;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinSet;
use tower_http::services::{ServeDir, ServeFile};

/// Path of the WebSocket bridge.
pub const BRIDGE_PATH: &str = "/bridge";
/// Where browser files are staged (`POST`).
pub const STAGE_PATH: &str = "/stage";
/// Prefix of the URLs of the SDK's downloaded files (on the content
/// listener).
pub const LOCAL_PATH: &str = "/local";
/// The query parameter that carries the per-launch token.
pub const TOKEN_PARAM: &str = "token";
/// Largest staged file: the file service's 100 MB limit plus one byte, so
/// an over-size file reaches the SDK and gets TIM's size-limit code.
const MAX_STAGED_BYTES: u64 = 100 * 1024 * 1024 + 1;

/// The web host's two loopback listeners: the UI (with the bridge and
/// staging) and, on another port so another origin, the user content
/// under [`LOCAL_PATH`].
#[derive(Debug)]
pub struct Listeners {
    ui: TcpListener,
    content: TcpListener,
}

impl Listeners {
    /// Binds the UI on `127.0.0.1:ui_port` (0: any free port) and the
    /// content on any free port of 127.0.0.1.
    pub async fn bind(ui_port: u16) -> std::io::Result<Listeners> {
        let ui = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, ui_port))).await?;
        let content = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        Ok(Listeners { ui, content })
    }

    /// The UI's address.
    pub fn ui_addr(&self) -> std::io::Result<SocketAddr> {
        self.ui.local_addr()
    }

    /// The content listener's address.
    pub fn content_addr(&self) -> std::io::Result<SocketAddr> {
        self.content.local_addr()
    }

    /// The content origin, `http://127.0.0.1:PORT` (what [`WebHooks`]
    /// puts in front of [`LOCAL_PATH`]).
    pub fn content_origin(&self) -> std::io::Result<String> {
        Ok(format!("http://{}", self.content_addr()?))
    }
}

/// The web host's [`DesktopHooks`]: no native features, the URLs of
/// downloaded files on the content origin, and file commands limited to
/// the staging directory.
#[derive(Clone, Debug)]
pub struct WebHooks {
    /// The app data directory (`AppOptions::data_dir`).
    pub data_dir: PathBuf,
    /// The content listener's origin ([`Listeners::content_origin`]).
    pub content_origin: String,
}

impl WebHooks {
    /// `path` resolved (symbolic links, `..`) and inside `dir` (resolved
    /// too), not `dir` itself.
    fn resolves_inside(path: &Path, dir: &Path) -> Option<PathBuf> {
        let path = path.canonicalize().ok()?;
        let dir = dir.canonicalize().ok()?;
        (path != dir && path.starts_with(&dir)).then_some(path)
    }
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
        if !loopback::is_cache_path(&root, path) {
            return String::new();
        }
        match path.strip_prefix(&root) {
            Ok(relative) => {
                let mut url = format!("{}{LOCAL_PATH}", self.content_origin);
                for part in relative.components() {
                    url.push('/');
                    url.push_str(&percent_encode_segment(&part.as_os_str().to_string_lossy()));
                }
                url
            }
            Err(_) => String::new(),
        }
    }

    /// Sending: only files staged through this host (`<data
    /// dir>/staging/`); a page that got hold of the bridge cannot send the
    /// user's other files. Opening: staged files and the download cache.
    fn path_allowed(&self, path: &Path, purpose: PathPurpose) -> bool {
        if Self::resolves_inside(path, &self.data_dir.join(STAGING_DIR)).is_some() {
            return true;
        }
        match purpose {
            PathPurpose::Send => false,
            PathPurpose::Open => {
                let sdk = self.data_dir.join(SDK_DIR);
                match (Self::resolves_inside(path, &sdk), sdk.canonicalize()) {
                    (Some(resolved), Ok(sdk)) => loopback::is_cache_path(&sdk, &resolved),
                    _ => false,
                }
            }
        }
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
    /// The per-launch secret ([`loopback::random_token`]): printed in the
    /// URL, then kept in the [`WebHost::cookie_name`] cookie.
    pub token: String,
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

/// What the handlers share: the host and the facts of its two listeners.
struct Shared {
    host: WebHost,
    ui_port: u16,
    content_port: u16,
    /// `confab_web_<UI port>`: cookies are not port-scoped, so two web
    /// hosts on one machine need different names.
    cookie_name: String,
    /// Origins allowed to use the bridge and staging.
    origins: Vec<String>,
    /// The content origin (CSP sources of images and media).
    content_origin: String,
}

impl WebHost {
    /// The name of the cookie holding the token for a UI on `ui_port`.
    pub fn cookie_name(ui_port: u16) -> String {
        format!("confab_web_{ui_port}")
    }

    /// The URL to open: the UI with the token, which the host turns into
    /// its cookie.
    pub fn url(&self, ui_addr: SocketAddr) -> String {
        format!("http://{ui_addr}/?{TOKEN_PARAM}={}", self.token)
    }

    /// Serves the UI and the content on `listeners` until `shutdown`
    /// resolves, then drains both gracefully.
    pub async fn serve(
        self,
        listeners: Listeners,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let ui_port = listeners.ui_addr()?.port();
        let content_port = listeners.content_addr()?.port();
        let mut origins: Vec<String> =
            loopback::allowed_hosts(ui_port).iter().map(|h| format!("http://{h}")).collect();
        origins.extend(self.allowed_origins.iter().map(|o| o.trim_end_matches('/').to_owned()));
        let shared = Arc::new(Shared {
            content_origin: listeners.content_origin()?,
            cookie_name: Self::cookie_name(ui_port),
            origins,
            ui_port,
            content_port,
            host: self,
        });
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let wait = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            if stopped.wait_for(|stop| *stop).await.is_err() {
                tracing::debug!("the shutdown signal is gone: stopping");
            }
        };
        let signal = async move {
            shutdown.await;
            stop.send_replace(true);
            Ok::<(), std::io::Error>(())
        };
        let ui = axum::serve(listeners.ui, ui_router(Arc::clone(&shared)))
            .with_graceful_shutdown(wait(stopped.clone()));
        let content = axum::serve(listeners.content, content_router(shared))
            .with_graceful_shutdown(wait(stopped));
        tokio::try_join!(
            signal,
            std::future::IntoFuture::into_future(ui),
            std::future::IntoFuture::into_future(content)
        )?;
        Ok(())
    }
}

/// The UI listener: the bridge and staging (token and origin required),
/// then the UI with `index.html` as the fallback of unknown paths
/// (client-side routes); the `Host` check, token visits and the UI's
/// security headers around everything.
fn ui_router(shared: Arc<Shared>) -> Router {
    let ui_dir = &shared.host.ui_dir;
    let index = ui_dir.join("index.html");
    let ui = ServeDir::new(ui_dir).fallback(ServeFile::new(index));
    Router::new()
        .route(BRIDGE_PATH, get(upgrade))
        .route(STAGE_PATH, post(stage))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&shared), require_session))
        .fallback_service(ui)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), ui_guard))
        .with_state(shared)
}

/// The content listener: [`LOCAL_PATH`] behind the `Host` and cookie
/// checks; nothing else.
fn content_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(&format!("{LOCAL_PATH}/{{*path}}"), get(local_file))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), content_guard))
        .with_state(shared)
}

fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, why).into_response()
}

/// The token of a `?token=` query, if any.
fn token_in_query(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix(TOKEN_PARAM)?.strip_prefix('='))
}

/// Whether the request carries the session cookie with the right token.
fn has_session(shared: &Shared, headers: &HeaderMap) -> bool {
    loopback::cookie(headers, &shared.cookie_name).is_some_and(|value| {
        loopback::secrets_equal(value.as_bytes(), shared.host.token.as_bytes())
    })
}

/// The UI's Content-Security-Policy for a request to `host` (already
/// checked): everything from itself, the bridge on the same host, media
/// from the content origin and the `blob:`/`data:` URLs the UI makes, no
/// plugins, no framing.
fn ui_csp(shared: &Shared, host: &str) -> String {
    let content = &shared.content_origin;
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' blob: data: {content}; media-src 'self' blob: data: {content}; \
         font-src 'self' data:; connect-src 'self' ws://{host}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Every request to the UI listener: 403 unless `Host` is its own; a
/// `?token=` visit sets the cookie (right token) or gets 401; responses
/// get the UI's CSP, `X-Frame-Options: DENY` and `nosniff`.
async fn ui_guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !loopback::host_allowed(request.headers(), shared.ui_port) {
        return refuse(StatusCode::FORBIDDEN, "host not allowed");
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let visit = token_in_query(request.uri().query()).map(str::to_owned);
    let mut response = match visit {
        Some(token) => token_visit(&shared, &host, &token, request.uri().path()),
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&ui_csp(&shared, &host)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// `GET <path>?token=…`: with the right token, sets the cookie and
/// redirects to `<path>` without it (on `127.0.0.1`, the host the file
/// URLs use, so the cookie reaches the content origin too).
fn token_visit(shared: &Shared, host: &str, token: &str, path: &str) -> Response {
    if !loopback::secrets_equal(token.as_bytes(), shared.host.token.as_bytes()) {
        return refuse(StatusCode::UNAUTHORIZED, "wrong token: open the URL confab-web printed");
    }
    let canonical = format!("127.0.0.1:{}", shared.ui_port);
    let path = if path.starts_with('/') && !path.starts_with("//") { path } else { "/" };
    if host != canonical {
        let location = format!("http://{canonical}{path}?{TOKEN_PARAM}={token}");
        return redirect(&location, None);
    }
    let cookie =
        format!("{}={}; Path=/; HttpOnly; SameSite=Strict", shared.cookie_name, shared.host.token);
    redirect(path, Some(&cookie))
}

fn redirect(location: &str, cookie: Option<&str>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    match HeaderValue::from_str(location) {
        Ok(location) => headers.insert(header::LOCATION, location),
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "bad path"),
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The bridge and staging: 401 without the session cookie, 403 unless
/// `Origin` is one of the allowed origins (browsers always send it on a
/// WebSocket upgrade and a POST; a page of another origin cannot forge it).
async fn require_session(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if !has_session(&shared, request.headers()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "open the URL confab-web printed (with its token)",
        );
    }
    if !origin_allowed(request.headers(), &shared.origins) {
        return refuse(StatusCode::FORBIDDEN, "origin not allowed");
    }
    next.run(request).await
}

/// Whether the request's `Origin` is one of `allowed` (a missing Origin
/// is not).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    allowed.iter().any(|a| a.eq_ignore_ascii_case(origin))
}

/// Every request to the content listener: 403 unless `Host` is its own,
/// 401 without the session cookie.
async fn content_guard(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if !loopback::host_allowed(request.headers(), shared.content_port) {
        return refuse(StatusCode::FORBIDDEN, "host not allowed");
    }
    if !has_session(&shared, request.headers()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "open the URL confab-web printed (with its token)",
        );
    }
    next.run(request).await
}

/// `?name=` of a download from the cache.
#[derive(Debug, Default, Deserialize)]
struct LocalQuery {
    #[serde(default)]
    name: Option<String>,
}

/// `GET /local/<sdkAppID>/<user>.files/<sha256>.<ext>[?name=…]`: a file of
/// the download cache (nothing else of the SDK directory), as user
/// content; `name` names the download of an attachment (an export, a
/// backup): the browser ignores `<a download>` across origins.
async fn local_file(
    State(shared): State<Arc<Shared>>,
    UrlPath(path): UrlPath<String>,
    Query(query): Query<LocalQuery>,
    request: Request,
) -> Response {
    let sdk = shared.host.core.data_dir().join(SDK_DIR);
    let Some(file) = loopback::cache_file(&sdk, &path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = confab_app::local_files::serve_user_file(file.clone(), request).await;
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        loopback::name_attachment(response.headers_mut(), &file, &name);
    }
    response
}

async fn upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    let core = Arc::clone(&shared.host.core);
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
    State(shared): State<Arc<Shared>>,
    Query(query): Query<StageQuery>,
    body: Body,
) -> Response {
    let dir = shared
        .host
        .core
        .data_dir()
        .join(STAGING_DIR)
        .join(format!("{:016x}", rand::random::<u64>()));
    let path = dir.join(confab_app::native::safe_file_name(&query.name));
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
    fn origins_must_be_present_and_allowed() {
        let allowed = vec!["http://127.0.0.1:5000".to_owned()];
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:5000".parse().expect("header"));
        assert!(!origin_allowed(&headers, &allowed), "no Origin is refused");
        headers.insert("origin", "http://127.0.0.1:5000".parse().expect("header"));
        assert!(origin_allowed(&headers, &allowed));
        // The old rule compared Origin with the request's own Host: a
        // rebinding page has both as its own name.
        headers.insert("host", "rebind.evil.example:5000".parse().expect("header"));
        headers.insert("origin", "http://rebind.evil.example:5000".parse().expect("header"));
        assert!(!origin_allowed(&headers, &allowed));
        headers.insert("origin", "http://127.0.0.1:5001".parse().expect("header"));
        assert!(!origin_allowed(&headers, &allowed), "another loopback port is another origin");
    }

    #[test]
    fn tokens_in_queries() {
        assert_eq!(token_in_query(Some("token=abc")), Some("abc"));
        assert_eq!(token_in_query(Some("x=1&token=abc")), Some("abc"));
        assert_eq!(token_in_query(Some("tokens=abc")), None);
        assert_eq!(token_in_query(None), None);
    }

    #[test]
    fn file_names_and_urls() {
        assert_eq!(confab_app::native::safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(confab_app::native::safe_file_name("C:\\x\\a b.png"), "a b.png");
        assert_eq!(confab_app::native::safe_file_name(".."), "file");
        assert_eq!(confab_app::native::safe_file_name(""), "file");
        let hooks = WebHooks {
            data_dir: PathBuf::from("/d"),
            content_origin: "http://127.0.0.1:9".to_owned(),
        };
        let hash = "ab".repeat(32);
        assert_eq!(
            hooks.file_url(&Path::new("/d/sdk/1400/al ice.files").join(format!("{hash}.png"))),
            format!("http://127.0.0.1:9/local/1400/al%20ice.files/{hash}.png")
        );
        assert_eq!(hooks.file_url(Path::new("/d/settings.json")), "");
        assert_eq!(hooks.file_url(Path::new("/d/sdk/1400/alice.sqlite")), "");
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
