//! The desktop app's loopback file server: how the webview loads local
//! files — downloads in the SDK's cache, and files the user chose (a
//! dropped video whose cover frame the UI takes). WebKitGTK's media stack
//! (GStreamer) cannot play custom URI schemes such as Tauri's `asset:`, but
//! plays HTTP; so the app serves those files on `127.0.0.1:<random port>`
//! under a random secret path prefix, with `Range` (seeking, streaming a
//! 100 MB video without loading it) and CORS (`Access-Control-Allow-Origin:
//! *`, so the UI may draw a frame on a canvas). Nothing else is served:
//! the SDK directory, and single files registered one by one.

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};
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
    /// The SDK directory (`<data dir>/sdk`), served whole.
    sdk_dir: PathBuf,
    /// Single files by their random ID.
    files: Mutex<HashMap<String, PathBuf>>,
}

fn random_hex() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Percent-encodes one URL path segment (all but unreserved characters).
pub(crate) fn percent_encode(segment: &str) -> String {
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
                url.push_str(&percent_encode(&part.as_os_str().to_string_lossy()));
            }
            return url;
        }
        let id = random_hex();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        inner.files.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), path.into());
        format!("{}/file/{id}/{}", inner.base, percent_encode(&name))
    }
}

fn router(inner: Arc<Inner>, token: &str) -> Router {
    let sdk = ServeDir::new(&inner.sdk_dir);
    Router::new()
        .nest_service(&format!("/{token}/sdk"), sdk)
        .route(&format!("/{token}/file/{{id}}/{{name}}"), get(one_file))
        .with_state(inner)
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=3600"),
        ))
}

/// A registered file (with `Range`, through `ServeFile`).
async fn one_file(
    State(inner): State<Arc<Inner>>,
    UrlPath((id, _name)): UrlPath<(String, String)>,
    request: Request<Body>,
) -> Response {
    let path = inner.files.lock().unwrap_or_else(PoisonError::into_inner).get(&id).cloned();
    let Some(path) = path else { return StatusCode::NOT_FOUND.into_response() };
    match ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(e) => match e {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_the_sdk_directory_and_registered_files_only_with_the_token() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sdk = dir.path().join("sdk");
        std::fs::create_dir_all(sdk.join("1400/a b.files")).expect("dirs");
        std::fs::write(sdk.join("1400/a b.files/x.bin"), b"0123456789").expect("write");
        std::fs::write(dir.path().join("settings.json"), b"{}").expect("write");
        let chosen = dir.path().join("clip.webm");
        std::fs::write(&chosen, b"video").expect("write");
        let (files, serve) = LocalFiles::bind(sdk.clone()).expect("bind");
        let task = tokio::spawn(serve);
        let http = reqwest::Client::new();

        let cached = files.url_of(&sdk.join("1400/a b.files/x.bin"));
        assert!(cached.contains("/sdk/1400/a%20b.files/x.bin"), "{cached}");
        let r = http.get(&cached).header("range", "bytes=2-4").send().await.expect("get");
        assert_eq!(r.status(), 206);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        assert_eq!(r.bytes().await.expect("body").as_ref(), b"234");

        let one = files.url_of(&chosen);
        assert_eq!(http.get(&one).send().await.expect("get").text().await.expect("t"), "video");

        // Without the token, or outside what was served: nothing.
        let base = cached.split("/sdk/").next().expect("base").to_owned();
        let no_token = base.rsplit_once('/').expect("token").0.to_owned();
        for url in [
            format!("{no_token}/sdk/1400/a%20b.files/x.bin"),
            format!("{base}/sdk/../settings.json"),
            format!("{base}/file/{}/x", random_hex()),
        ] {
            let status = http.get(&url).send().await.expect("get").status();
            assert!(status.is_client_error(), "{url}: {status}");
        }
        task.abort();
    }
}
