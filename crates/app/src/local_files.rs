//! The desktop app's loopback file server: how the webview loads local
//! files — downloads in the SDK's cache, and files the user chose (a
//! dropped video whose cover frame the UI takes). WebKitGTK's media stack
//! (GStreamer) cannot play custom URI schemes such as Tauri's `asset:`, but
//! plays HTTP; so the app serves those files on `127.0.0.1:<random port>`
//! under a random secret path prefix (256 bits, per launch), with `Range`
//! (seeking, streaming a 100 MB video without loading it) and CORS for the
//! webview's own origin only (so the UI may draw a frame on a canvas).
//! Nothing else is served: the SDK's download cache (not its stores), and
//! single files registered one by one (those the user chose). Requests
//! whose `Host` is not this server's loopback address are refused (DNS
//! rebinding), and every file goes out as user content
//! ([`loopback::secure_user_content`]: `nosniff`, `CSP: sandbox`, an
//! allow-listed type, `attachment` unless media).

use crate::loopback;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use confab_proto::files::percent_encode_segment;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;

/// The running server: its base URL (with the secret prefix) and the
/// files registered with [`LocalFiles::url_of`].
#[derive(Clone, Debug)]
pub struct LocalFiles {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `http://127.0.0.1:PORT/<token>`.
    base: String,
    /// The port (the `Host` check).
    port: u16,
    /// The SDK directory (`<data dir>/sdk`), of which only the download
    /// cache is served.
    sdk_dir: PathBuf,
    /// Single files by their random ID.
    files: Mutex<HashMap<String, PathBuf>>,
}

fn random_hex() -> String {
    loopback::random_token()
}

impl LocalFiles {
    /// Binds `127.0.0.1:0` and returns the server and the future that runs
    /// it (the caller spawns it on its runtime).
    pub fn bind(
        sdk_dir: PathBuf,
    ) -> std::io::Result<(LocalFiles, impl Future<Output = ()> + Send + 'static)> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let token = random_hex();
        let inner = Arc::new(Inner {
            base: format!("http://127.0.0.1:{port}/{token}"),
            port,
            sdk_dir,
            files: Mutex::new(HashMap::new()),
        });
        let app = router(Arc::clone(&inner), &token);
        let serve = async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => {
                    tracing::error!(error = %e, "local file server");
                    return;
                }
            };
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "local file server stopped");
            }
        };
        Ok((LocalFiles { inner }, serve))
    }

    /// The URL of a local file: under the SDK directory it is served as
    /// it is; any other existing file is registered first.
    pub fn url_of(&self, path: &Path) -> String {
        let inner = &self.inner;
        if let Ok(relative) = path.strip_prefix(&inner.sdk_dir) {
            let mut url = format!("{}/sdk", inner.base);
            for part in relative.components() {
                url.push('/');
                url.push_str(&percent_encode_segment(&part.as_os_str().to_string_lossy()));
            }
            return url;
        }
        let id = random_hex();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        inner.files.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), path.into());
        format!("{}/file/{id}/{}", inner.base, percent_encode_segment(&name))
    }
}

fn router(inner: Arc<Inner>, token: &str) -> Router {
    Router::new()
        .route(&format!("/{token}/sdk/{{*path}}"), get(cached_file))
        .route(&format!("/{token}/file/{{id}}/{{name}}"), get(one_file))
        .layer(middleware::from_fn_with_state(Arc::clone(&inner), guard))
        .with_state(inner)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        ))
}

/// The origins of the app's own webview: Tauri's custom scheme (Linux,
/// macOS), its `http(s)://tauri.localhost` form (Windows), and the Vite
/// dev server of `tauri dev` in debug builds.
fn webview_origin(origin: &str) -> bool {
    matches!(origin, "tauri://localhost" | "http://tauri.localhost" | "https://tauri.localhost")
        || (cfg!(debug_assertions) && origin == "http://localhost:5173")
}

/// Every request: 403 unless `Host` is this server's own loopback address
/// (a DNS-rebinding page sends its own name); the response allows the
/// webview's origin (and only it) to read it, so the UI may draw a frame
/// of a video on a canvas.
async fn guard(State(inner): State<Arc<Inner>>, request: Request<Body>, next: Next) -> Response {
    if !loopback::host_allowed(request.headers(), inner.port) {
        return (StatusCode::FORBIDDEN, "host not allowed").into_response();
    }
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .filter(|o| o.to_str().is_ok_and(webview_origin))
        .cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// Serves `path` (with `Range`, through `ServeFile`) as user content: only
/// a regular file (404 for anything else, a symlink included), with the
/// headers of [`loopback::secure_user_content`]. The web host serves the
/// download cache through it too.
pub async fn serve_user_file(path: PathBuf, request: Request<Body>) -> Response {
    // Only regular files: a symlink planted in the cache could point anywhere.
    let regular = tokio::fs::symlink_metadata(&path).await.is_ok_and(|m| m.is_file());
    if !regular {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut response = match ServeFile::new(&path).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(e) => match e {},
    };
    loopback::secure_user_content(response.headers_mut(), &path);
    response
}

/// A file of the download cache (nothing else of the SDK directory).
async fn cached_file(
    State(inner): State<Arc<Inner>>,
    UrlPath(path): UrlPath<String>,
    request: Request<Body>,
) -> Response {
    let Some(file) = loopback::cache_file(&inner.sdk_dir, &path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    serve_user_file(file, request).await
}

/// A registered file.
async fn one_file(
    State(inner): State<Arc<Inner>>,
    UrlPath((id, _name)): UrlPath<(String, String)>,
    request: Request<Body>,
) -> Response {
    let path = inner.files.lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned();
    let Some(path) = path else { return StatusCode::NOT_FOUND.into_response() };
    serve_user_file(path, request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw HTTP/1.1 GET with the given `Host` (reqwest always sends the
    /// URL's own); returns the status line and headers.
    async fn get_with_host(url: &str, host: &str) -> String {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let rest = url.strip_prefix("http://").expect("http url");
        let (addr, path) = rest.split_once('/').expect("path");
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        response
    }

    #[tokio::test]
    async fn serves_the_download_cache_and_registered_files_only_with_the_token() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sdk = dir.path().join("sdk");
        let cache = sdk.join("1400/a%20b.files");
        std::fs::create_dir_all(&cache).expect("dirs");
        let hash = "0a".repeat(32);
        std::fs::write(cache.join(format!("{hash}.mp4")), b"0123456789").expect("write");
        std::fs::write(cache.join(format!("{hash}.part")), b"partial").expect("write");
        std::fs::write(sdk.join("1400/a%20b.sqlite"), b"SQLite format 3").expect("write");
        std::fs::write(dir.path().join("settings.json"), b"{}").expect("write");
        let chosen = dir.path().join("clip.webm");
        std::fs::write(&chosen, b"video").expect("write");
        let (files, serve) = LocalFiles::bind(sdk.clone()).expect("bind");
        let task = tokio::spawn(serve);
        let http = reqwest::Client::new();

        let cached = files.url_of(&cache.join(format!("{hash}.mp4")));
        assert!(cached.contains(&format!("/sdk/1400/a%2520b.files/{hash}.mp4")), "{cached}");
        let r = http
            .get(&cached)
            .header("range", "bytes=2-4")
            .header("origin", "tauri://localhost")
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 206);
        assert_eq!(r.headers()["access-control-allow-origin"], "tauri://localhost");
        assert_eq!(r.headers()["content-type"], "video/mp4");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["content-security-policy"], "sandbox");
        assert_eq!(r.bytes().await.expect("body").as_ref(), b"234");

        // Another page's origin is not allowed to read it.
        let r = http.get(&cached).header("origin", "http://evil.example").send().await;
        let r = r.expect("get");
        assert!(r.headers().get("access-control-allow-origin").is_none());

        let one = files.url_of(&chosen);
        let r = http.get(&one).send().await.expect("get");
        assert_eq!(r.headers()["content-type"], "video/webm");
        assert_eq!(r.text().await.expect("t"), "video");

        // A DNS-rebinding page reaches the port under its own name: refused.
        let base = cached.split("/sdk/").next().expect("base").to_owned();
        let host = base.trim_start_matches("http://").split('/').next().expect("host");
        let port = host.rsplit(':').next().expect("port");
        let rebound = get_with_host(&cached, &format!("rebind.evil.example:{port}")).await;
        assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
        let own = get_with_host(&cached, &format!("localhost:{port}")).await;
        assert!(own.starts_with("HTTP/1.1 200"), "{own}");

        // Without the token, or outside the download cache: nothing.
        let no_token = base.rsplit_once('/').expect("token").0.to_owned();
        for url in [
            format!("{no_token}/sdk/1400/a%2520b.files/{hash}.mp4"),
            format!("{base}/sdk/../settings.json"),
            format!("{base}/sdk/1400/a%2520b.sqlite"),
            format!("{base}/sdk/1400/a%2520b.files/{hash}.part"),
            format!("{base}/sdk/1400/a%2520b.files/..%2F..%2Fa%2520b.sqlite"),
            format!("{base}/file/{}/x", random_hex()),
        ] {
            let status = http.get(&url).send().await.expect("get").status();
            assert!(status.is_client_error(), "{url}: {status}");
        }
        task.abort();
    }

    #[tokio::test]
    async fn planted_html_in_the_cache_is_downloaded_in_a_sandbox_not_rendered() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sdk = dir.path().join("sdk");
        let cache = sdk.join("1400/bob.files");
        std::fs::create_dir_all(&cache).expect("dirs");
        let planted = cache.join(format!("{}.html", "ee".repeat(32)));
        std::fs::write(&planted, b"GIF89a<script>parent.pwned()</script>").expect("write");
        let (files, serve) = LocalFiles::bind(sdk.clone()).expect("bind");
        let task = tokio::spawn(serve);
        let r = reqwest::get(files.url_of(&planted)).await.expect("get");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/octet-stream");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["content-security-policy"], "sandbox");
        assert_eq!(r.headers()["content-disposition"], "attachment");
        task.abort();
    }
}
