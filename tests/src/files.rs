//! The file service over HTTP as one user, for scenarios that upload and
//! download directly (not through the SDK).

use crate::{within, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// HTTP calls to the file service as one user.
pub struct FileClient<'a> {
    server: &'a TestServer,
    http: reqwest::Client,
    auth: String,
}

impl<'a> FileClient<'a> {
    /// A client signed in as `user` with a UserSig the server mints.
    pub fn new(server: &'a TestServer, user: &str) -> Self {
        Self {
            server,
            http: reqwest::Client::new(),
            auth: format!("UserSig {user}:{}", server.user_sig(user)),
        }
    }

    /// The server's URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.http_url())
    }

    /// A request to `path` carrying the user's `Authorization`.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).header("Authorization", &self.auth)
    }

    /// Sends `request`; the status and the JSON body (`Null` when empty).
    pub async fn send(&self, what: &str, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = within(what, request.send()).await.expect("request completes");
        let status = response.status();
        let text = within(what, response.text()).await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, body)
    }

    /// `POST /files/uploads` for a file of `kind`, `name` and `size`.
    pub async fn create(&self, kind: &str, name: &str, size: usize) -> (StatusCode, Value) {
        let body = json!({"kind": kind, "fileName": name, "size": size});
        self.send("create upload", self.request(Method::POST, "/files/uploads").json(&body)).await
    }

    /// Creates an upload that must succeed; its upload ID.
    pub async fn create_ok(&self, kind: &str, name: &str, size: usize) -> String {
        let (status, body) = self.create(kind, name, size).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["offset"], 0);
        body["uploadID"].as_str().expect("uploadID").to_owned()
    }

    /// Appends `bytes` at `offset` to an upload.
    pub async fn patch(&self, upload: &str, offset: usize, bytes: &[u8]) -> (StatusCode, Value) {
        let request = self
            .request(Method::PATCH, &format!("/files/uploads/{upload}"))
            .header("Upload-Offset", offset.to_string())
            .body(bytes.to_vec());
        self.send("patch upload", request).await
    }

    /// The upload's current offset.
    pub async fn offset(&self, upload: &str) -> (StatusCode, Value) {
        self.send("upload offset", self.request(Method::GET, &format!("/files/uploads/{upload}")))
            .await
    }

    /// Uploads `bytes` in one PATCH; returns the FileInfo.
    pub async fn upload(&self, kind: &str, name: &str, bytes: &[u8]) -> Value {
        let upload = self.create_ok(kind, name, bytes.len()).await;
        let (status, body) = self.patch(&upload, 0, bytes).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["offset"], bytes.len());
        body["file"].clone()
    }

    /// `GET path`, with a `Range` header when given.
    pub async fn get(&self, path: &str, range: Option<&str>) -> reqwest::Response {
        let mut request = self.request(Method::GET, path);
        if let Some(range) = range {
            request = request.header("Range", range);
        }
        within("download", request.send()).await.expect("request completes")
    }

    /// The status and TIM code of a refused `GET path`.
    pub async fn error_of(&self, path: &str) -> (StatusCode, i32) {
        let response = self.get(path, None).await;
        let status = response.status();
        let body: Value = within("error body", response.json()).await.expect("JSON error");
        (status, body["code"].as_i64().expect("code") as i32)
    }
}
