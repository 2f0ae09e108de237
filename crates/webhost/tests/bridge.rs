//! The web host end to end: a real confabd in this process, the web host on
//! 127.0.0.1:0 with its own app data directory, a WebSocket client on
//! `/bridge` driving the command set, and another real SDK client; and the
//! attacks on it (DNS rebinding, other pages and local processes without
//! the token, foreign origins, the stores and planted HTML under `/local`,
//! file commands naming the user's other files), each refused.

use confab_app::{AppCore, AppOptions};
use confab_tests::{within, TestClient, TestServer};
use confab_webhost::{Listeners, WebHooks, WebHost, BRIDGE_PATH, LOCAL_PATH, STAGE_PATH};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tempfile::TempDir;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Bridge {
    socket: Socket,
    next_id: u64,
    /// Events seen while waiting for responses.
    events: Vec<Value>,
}

impl Bridge {
    /// Opens the bridge as the UI does: its own origin and the session cookie.
    async fn connect(host: &Host) -> Bridge {
        let request = host.bridge_request(Some(&host.origin()), Some(&host.cookie()));
        let (socket, _) = within("bridge connect", tokio_tungstenite::connect_async(request))
            .await
            .expect("connect to the bridge");
        Bridge { socket, next_id: 1, events: Vec::new() }
    }

    async fn frame(&mut self) -> Value {
        loop {
            match within("bridge frame", self.socket.next()).await {
                Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).expect("json"),
                Some(Ok(_)) => continue,
                other => panic!("bridge closed: {other:?}"),
            }
        }
    }

    /// Sends a command and returns its `{id, ok}` or `{id, error}` frame.
    async fn call(&mut self, command: &str, args: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let frame = json!({"id": id, "command": command, "args": args}).to_string();
        self.socket.send(Message::Text(frame.into())).await.expect("send");
        loop {
            let frame = self.frame().await;
            if frame.get("event").is_some() {
                self.events.push(frame["event"].clone());
            } else if frame["id"] == id {
                return frame;
            }
        }
    }

    async fn ok(&mut self, command: &str, args: Value) -> Value {
        let frame = self.call(command, args).await;
        assert!(frame.get("ok").is_some(), "{command}: {frame}");
        frame["ok"].clone()
    }

    /// Waits for an event named `name` (including ones already seen).
    async fn event(&mut self, name: &str) -> Value {
        if let Some(i) = self.events.iter().position(|e| e["name"] == name) {
            return self.events.remove(i);
        }
        loop {
            let frame = self.frame().await;
            if frame["event"]["name"] == name {
                return frame["event"].clone();
            }
        }
    }
}

/// A running web host: its two listeners and its token.
struct Host {
    ui: SocketAddr,
    content: SocketAddr,
    token: String,
    serve: tokio::task::JoinHandle<()>,
}

impl Host {
    /// The UI's own origin.
    fn origin(&self) -> String {
        format!("http://{}", self.ui)
    }

    /// The `Cookie` header a browser sends after the token visit.
    fn cookie(&self) -> String {
        format!("{}={}", WebHost::cookie_name(self.ui.port()), self.token)
    }

    fn bridge_request(
        &self,
        origin: Option<&str>,
        cookie: Option<&str>,
    ) -> tokio_tungstenite::tungstenite::handshake::client::Request {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
        let mut request =
            format!("ws://{}{BRIDGE_PATH}", self.ui).into_client_request().expect("url");
        if let Some(origin) = origin {
            request.headers_mut().insert("origin", origin.parse().expect("origin"));
        }
        if let Some(cookie) = cookie {
            request.headers_mut().insert("cookie", cookie.parse().expect("cookie"));
        }
        request
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.serve.abort();
    }
}

async fn start_host(server: &TestServer, dir: &Path, ui: &Path) -> Host {
    let listeners = Listeners::bind(0).await.expect("bind");
    let hooks = Arc::new(WebHooks {
        data_dir: dir.to_owned(),
        content_origin: listeners.content_origin().expect("origin"),
    });
    let core = AppCore::open(AppOptions {
        hooks,
        remote_server: Some(server.http_url()),
        ..AppOptions::new(dir)
    })
    .expect("open app");
    let token = confab_app::loopback::random_token();
    let host = WebHost {
        core: Arc::new(core),
        ui_dir: ui.to_owned(),
        allowed_origins: Vec::new(),
        token: token.clone(),
    };
    let ui = listeners.ui_addr().expect("addr");
    let content = listeners.content_addr().expect("addr");
    let serve = tokio::spawn(async move {
        host.serve(listeners, std::future::pending()).await.expect("serve");
    });
    Host { ui, content, token, serve }
}

/// One raw HTTP/1.1 request (any `Host`, any headers) to `addr`; the whole
/// response as text.
async fn raw(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        request.push_str("Content-Length: 1\r\n\r\nx");
    } else {
        request.push_str("\r\n");
    }
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    within("http", tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut response))
        .await
        .expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

/// The status code of a raw response.
fn status(response: &str) -> u16 {
    response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_default()
}

/// A header of a raw response (lowercase name).
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.split("\r\n\r\n").next()?.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A confabd, an app data directory, a UI directory (with an
/// `index.html` when `with_index`) and a web host over them; bound in this
/// order, so the host is dropped first.
async fn started(with_index: bool) -> (TestServer, TempDir, TempDir, Host) {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = tempfile::tempdir().expect("ui dir");
    if with_index {
        write_ui(ui.path());
    }
    let host = start_host(&server, dir.path(), ui.path()).await;
    (server, dir, ui, host)
}

fn write_ui(ui: &Path) {
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Confab</title>").expect("index");
}

/// A download-cache directory of the host's data dir, and a 64-hex name.
fn cache_dir(dir: &Path) -> (PathBuf, String) {
    let cache = dir.join(confab_app::SDK_DIR).join("1400").join("alice.files");
    std::fs::create_dir_all(&cache).expect("cache dir");
    (cache, "5e".repeat(32))
}

#[tokio::test]
async fn register_send_and_receive_over_the_bridge() {
    let (server, _dir, _ui, host) = started(true).await;

    let mut bridge = Bridge::connect(&host).await;
    let state = bridge.ok("app.getState", json!({})).await;
    assert_eq!(state["mode"], "remote", "--server preselects the remote server");
    assert_eq!(state["serverUrl"], server.http_url());
    let state =
        bridge.ok("app.register", json!({"userID": "alice", "password": "alice-secret"})).await;
    assert_eq!(state["loggedIn"], true);
    assert_eq!(state["userID"], "alice");
    bridge.event("confab.appState").await;

    let bob = TestClient::login(&server, "bob").await;
    let message = json!({
        "ID": "alice-0-5", "type": "TIMTextElem", "payload": {"text": "hi bob"},
        "conversationID": "C2Cbob", "conversationType": "C2C", "to": "bob", "from": "alice",
        "flow": "out", "time": 0, "status": "unSend", "isRevoked": false, "priority": "Normal",
        "nick": "", "avatar": "", "isPeerRead": false, "nameCard": "", "atUserList": [],
        "cloudCustomData": "", "isDeleted": false, "isModified": false,
        "needReadReceipt": false, "readReceiptInfo": {"isPeerRead": false},
        "isBroadcastMessage": false, "sequence": 0, "random": 5
    });
    let sent = bridge.ok("tim.sendMessage", json!({"message": message})).await;
    assert_eq!(sent["message"]["status"], "success");
    assert_eq!(confab_tests::text_of(&bob.events.wait_received(1).await[0]), "hi bob");

    bob.send_text("alice", "hi alice").await;
    let event = bridge.event("onMessageReceived").await;
    assert_eq!(event["data"][0]["payload"]["text"], "hi alice");
    assert_eq!(event["data"][0]["from"], "bob");

    let error = bridge.call("tim.nope", json!({})).await;
    assert_eq!(error["error"]["code"], confab_proto::code::CANNOT_FIND_PROTOCOL);
    bridge.socket.send(Message::Text("not json".into())).await.expect("send");
    let frame = loop {
        let frame = bridge.frame().await;
        if frame.get("error").is_some() {
            break frame;
        }
    };
    assert_eq!(frame["id"], Value::Null);

    // The UI is served too (without the cookie: it then asks for the
    // printed URL), with index.html for client-side routes, a CSP that
    // forbids framing and foreign scripts, and X-Frame-Options.
    let own = host.ui.to_string();
    for path in ["/", "/chat/C2Cbob"] {
        let response = raw(host.ui, "GET", path, &[("Host", &own)]).await;
        assert_eq!(status(&response), 200, "{path}: {response}");
        assert!(response.contains("<title>Confab</title>"), "{path}: {response}");
        let csp = header(&response, "content-security-policy").expect("a CSP");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains(&format!("ws://{own}")), "{csp}");
        assert!(csp.contains(&format!("http://{}", host.content)), "{csp}");
        assert_eq!(header(&response, "x-frame-options"), Some("DENY"));
    }
}

#[tokio::test]
async fn a_dns_rebinding_host_is_refused_on_every_route() {
    let (_server, dir, _ui, host) = started(true).await;
    let (cache, hash) = cache_dir(dir.path());
    std::fs::write(cache.join(format!("{hash}.png")), b"\x89PNG").expect("write");
    let cookie = host.cookie();
    let rebound_ui = format!("rebind.evil.example:{}", host.ui.port());
    let rebound_origin = format!("http://{rebound_ui}");
    // The rebinding page has the right cookie too (worst case) and its own
    // name as Host and Origin, which the old origin check accepted.
    let headers = [("Host", rebound_ui.as_str()), ("Origin", &rebound_origin), ("Cookie", &cookie)];
    for (method, path) in
        [("GET", "/"), ("GET", "/chat/x"), ("GET", BRIDGE_PATH), ("POST", STAGE_PATH)]
    {
        let response = raw(host.ui, method, path, &headers).await;
        assert_eq!(status(&response), 403, "{method} {path}: {response}");
        assert!(!response.contains("<title>Confab</title>"));
    }
    let mut upgrade = headers.to_vec();
    upgrade.extend([
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]);
    let response = raw(host.ui, "GET", BRIDGE_PATH, &upgrade).await;
    assert_eq!(status(&response), 403, "{response}");
    let rebound_content = format!("rebind.evil.example:{}", host.content.port());
    let local = format!("{LOCAL_PATH}/1400/alice.files/{hash}.png");
    let response =
        raw(host.content, "GET", &local, &[("Host", &rebound_content), ("Cookie", &cookie)]).await;
    assert_eq!(status(&response), 403, "{response}");
    // A Host of the other listener's port is refused as well.
    let ui_port_host = host.ui.to_string();
    let response =
        raw(host.content, "GET", &local, &[("Host", &ui_port_host), ("Cookie", &cookie)]).await;
    assert_eq!(status(&response), 403, "{response}");
    // Its own names are answered.
    let own = format!("localhost:{}", host.content.port());
    let response = raw(host.content, "GET", &local, &[("Host", &own), ("Cookie", &cookie)]).await;
    assert_eq!(status(&response), 200, "{response}");
}

#[tokio::test]
async fn the_bridge_stage_and_local_need_the_token_cookie() {
    let (_server, dir, _ui, host) = started(true).await;
    let (cache, hash) = cache_dir(dir.path());
    std::fs::write(cache.join(format!("{hash}.png")), b"\x89PNG").expect("write");
    let own = host.ui.to_string();
    let origin = host.origin();
    let content_host = host.content.to_string();
    let local = format!("{LOCAL_PATH}/1400/alice.files/{hash}.png");
    let wrong = format!("{}={}", WebHost::cookie_name(host.ui.port()), "0".repeat(64));
    for cookie in [None, Some(wrong.as_str()), Some("confab_web=x")] {
        let mut headers = vec![("Host", own.as_str()), ("Origin", origin.as_str())];
        headers.extend(cookie.map(|c| ("Cookie", c)));
        for (method, path) in [("GET", BRIDGE_PATH), ("POST", STAGE_PATH)] {
            let response = raw(host.ui, method, path, &headers).await;
            assert_eq!(status(&response), 401, "{method} {path} {cookie:?}: {response}");
        }
        let mut headers = vec![("Host", content_host.as_str())];
        headers.extend(cookie.map(|c| ("Cookie", c)));
        let response = raw(host.content, "GET", &local, &headers).await;
        assert_eq!(status(&response), 401, "{cookie:?}: {response}");
    }
    let refused = tokio_tungstenite::connect_async(host.bridge_request(Some(&origin), None)).await;
    assert!(refused.is_err(), "the bridge needs the cookie");
    assert!(!dir.path().join("staging").exists(), "nothing was staged");

    // The printed URL sets the cookie and drops the token from the address.
    let visit = format!("/?token={}", host.token);
    let response = raw(host.ui, "GET", &visit, &[("Host", &own)]).await;
    assert_eq!(status(&response), 303, "{response}");
    assert_eq!(header(&response, "location"), Some("/"));
    let set = header(&response, "set-cookie").expect("a cookie");
    assert!(set.starts_with(&format!("{}=", WebHost::cookie_name(host.ui.port()))), "{set}");
    assert!(set.contains(&host.token), "{set}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    // Through another of its names it first moves to 127.0.0.1 (the host of
    // the file URLs, so the cookie reaches them).
    let localhost = format!("localhost:{}", host.ui.port());
    let response = raw(host.ui, "GET", &visit, &[("Host", &localhost)]).await;
    assert_eq!(status(&response), 303, "{response}");
    assert_eq!(header(&response, "location"), Some(format!("http://{own}{visit}").as_str()));
    assert!(header(&response, "set-cookie").is_none());
    // A wrong token sets nothing.
    let response =
        raw(host.ui, "GET", &format!("/?token={}", "1".repeat(64)), &[("Host", &own)]).await;
    assert_eq!(status(&response), 401, "{response}");
    assert!(header(&response, "set-cookie").is_none());

    // With the cookie: everything works.
    let cookie = host.cookie();
    let response =
        raw(host.content, "GET", &local, &[("Host", &content_host), ("Cookie", &cookie)]).await;
    assert_eq!(status(&response), 200, "{response}");
    let mut bridge = Bridge::connect(&host).await;
    bridge.ok("app.getState", json!({})).await;
}

#[tokio::test]
async fn the_bridge_and_stage_need_an_allowed_origin() {
    let (_server, dir, _ui, host) = started(false).await;
    let cookie = host.cookie();
    let other_loopback = format!("http://127.0.0.1:{}", host.content.port());
    for origin in [None, Some("https://evil.example"), Some(other_loopback.as_str()), Some("null")]
    {
        let refused =
            tokio_tungstenite::connect_async(host.bridge_request(origin, Some(&cookie))).await;
        assert!(refused.is_err(), "{origin:?} must not open the bridge");
        let mut request = reqwest::Client::new()
            .post(format!("http://{}{STAGE_PATH}?name=x", host.ui))
            .header("cookie", &cookie)
            .body("x");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.expect("stage");
        assert_eq!(response.status(), 403, "{origin:?}");
    }
    assert!(!dir.path().join("staging").exists(), "nothing was staged");
    for origin in [host.origin(), format!("http://localhost:{}", host.ui.port())] {
        let opened =
            tokio_tungstenite::connect_async(host.bridge_request(Some(&origin), Some(&cookie)))
                .await;
        assert!(opened.is_ok(), "{origin}");
    }
}

#[tokio::test]
async fn browser_files_are_staged_and_downloads_served_from_the_sdk_cache_only() {
    let (_server, dir, _ui, host) = started(false).await;
    let http = reqwest::Client::new();
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let response = http
        .post(format!("http://{}{STAGE_PATH}?name=..%2F..%2Fevil%20name.bin", host.ui))
        .header("origin", host.origin())
        .header("cookie", host.cookie())
        .body(bytes.clone())
        .send()
        .await
        .expect("stage");
    assert_eq!(response.status(), 200);
    let staged: Value = response.json().await.expect("json");
    let path = PathBuf::from(staged["path"].as_str().expect("path"));
    assert!(path.starts_with(dir.path().join("staging")), "{path:?}");
    assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("evil name.bin"));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);

    let (cache, hash) = cache_dir(dir.path());
    std::fs::write(cache.join(format!("{hash}.mp3")), b"cached").expect("write");
    std::fs::write(cache.join(format!("{hash}.part")), b"partial").expect("write");
    let sdk_app = dir.path().join(confab_app::SDK_DIR).join("1400");
    std::fs::write(sdk_app.join("alice.sqlite"), b"SQLite format 3\0 the store").expect("store");
    std::fs::write(sdk_app.join("alice.sqlite-wal"), b"wal").expect("wal");
    std::fs::write(dir.path().join("settings.json"), b"{}").expect("write");
    let get = |path: String| {
        let http = http.clone();
        let cookie = host.cookie();
        let url = format!("http://{}{path}", host.content);
        async move { http.get(url).header("cookie", cookie).send().await.expect("get") }
    };
    let got = get(format!("{LOCAL_PATH}/1400/alice.files/{hash}.mp3")).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "audio/mpeg");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.headers()["content-security-policy"], "sandbox");
    assert!(got.headers().get("content-disposition").is_none(), "audio plays inline");
    assert_eq!(got.text().await.expect("text"), "cached");
    for outside in [
        format!("{LOCAL_PATH}/../sdk/1400/alice.sqlite"),
        format!("{LOCAL_PATH}/%2E%2E/sdk/1400/alice.sqlite"),
        format!("{LOCAL_PATH}/1400/alice.sqlite"),
        format!("{LOCAL_PATH}/1400/alice.sqlite-wal"),
        format!("{LOCAL_PATH}/1400/alice.files/..%2F..%2F1400%2Falice.sqlite"),
        format!("{LOCAL_PATH}/1400/alice.files/{hash}.part"),
        format!("{LOCAL_PATH}/../settings.json"),
        format!("{LOCAL_PATH}/../staging"),
        "/settings.json".to_owned(),
    ] {
        let response = get(outside.clone()).await;
        assert_eq!(response.status(), 404, "{outside}");
        let body = response.bytes().await.expect("body");
        assert!(!body.starts_with(b"SQLite"), "{outside}");
    }
    // The UI origin serves no user content at all.
    let on_ui = http
        .get(format!("http://{}{LOCAL_PATH}/1400/alice.files/{hash}.mp3", host.ui))
        .header("cookie", host.cookie())
        .send()
        .await
        .expect("get");
    assert_ne!(on_ui.text().await.expect("text"), "cached");
}

#[tokio::test]
async fn planted_html_in_the_cache_is_a_sandboxed_attachment() {
    let (_server, dir, _ui, host) = started(false).await;
    let (cache, hash) = cache_dir(dir.path());
    let planted = b"GIF89a<html><script>fetch('/bridge')</script></html>";
    std::fs::write(cache.join(format!("{hash}.html")), planted).expect("write");
    std::fs::write(cache.join(format!("{hash}.gif")), planted).expect("write");
    std::fs::write(cache.join(format!("{hash}.svg")), b"<svg onload=alert(1)/>").expect("write");
    let get = |ext: &str| {
        let url = format!("http://{}{LOCAL_PATH}/1400/alice.files/{hash}.{ext}", host.content);
        reqwest::Client::new().get(url).header("cookie", host.cookie()).send()
    };
    for ext in ["html", "svg"] {
        let response = get(ext).await.expect("get");
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["content-type"], "application/octet-stream", "{ext}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{ext}");
        assert_eq!(headers["content-security-policy"], "sandbox", "{ext}");
        assert_eq!(headers["content-disposition"], "attachment", "{ext}");
    }
    // Named as an image: shown as one, never sniffed into HTML, and sandboxed.
    let response = get("gif").await.expect("get");
    let headers = response.headers();
    assert_eq!(headers["content-type"], "image/gif");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox");
}

#[tokio::test]
async fn file_commands_over_the_bridge_send_only_staged_files() {
    let (_server, dir, _ui, host) = started(false).await;
    let home = tempfile::tempdir().expect("the user's files");
    let secret = home.path().join("id_ed25519");
    std::fs::write(&secret, b"-----BEGIN OPENSSH PRIVATE KEY-----").expect("write");
    let mut bridge = Bridge::connect(&host).await;
    bridge.ok("app.register", json!({"userID": "alice", "password": "alice-secret"})).await;
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).expect("staging");
    let escape = staging.join("..").join("..").join(home.path().strip_prefix("/").expect("abs"));
    std::os::unix::fs::symlink(&secret, staging.join("link")).expect("symlink");
    let settings = dir.path().join("settings.json");
    for path in [
        secret.clone(),
        escape.join("id_ed25519"),
        staging.join("link"),
        staging.clone(),
        settings.clone(),
    ] {
        for command in ["tim.createFileMessage", "tim.createImageMessage", "tim.createVideoMessage"]
        {
            let args = json!({"to": "bob", "conversationType": "C2C", "payload": {"file": path}});
            let refused = bridge.call(command, args).await;
            assert_eq!(refused["error"]["code"], confab_proto::code::PATH_NOT_ALLOWED, "{refused}");
        }
        let refused = bridge.call("app.openFile", json!({"path": path})).await;
        assert_eq!(refused["error"]["code"], confab_proto::code::PATH_NOT_ALLOWED, "{refused}");
    }
    // A staged file is fine, but not with a cover from elsewhere.
    let staged = staging.join("0001").join("notes.txt");
    std::fs::create_dir_all(staged.parent().expect("dir")).expect("dir");
    std::fs::write(&staged, b"notes").expect("write");
    let args = json!({"to": "bob", "conversationType": "C2C",
        "payload": {"file": staged, "snapshot": secret}});
    let refused = bridge.call("tim.createVideoMessage", args).await;
    assert_eq!(refused["error"]["code"], confab_proto::code::PATH_NOT_ALLOWED, "{refused}");
    let args = json!({"to": "bob", "conversationType": "C2C", "payload": {"file": staged}});
    let message = bridge.ok("tim.createFileMessage", args).await;
    assert_eq!(message["type"], "TIMFileElem");
}

#[tokio::test]
async fn cover_frames_are_written_over_the_bridge_and_local_file_urls_are_desktop_only() {
    use base64::Engine as _;
    let (_server, dir, _ui, host) = started(false).await;
    let mut bridge = Bridge::connect(&host).await;

    let jpeg = b"\xFF\xD8\xFF\xE0 a cover".to_vec();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let ok =
        bridge.ok("app.writeStagedFile", json!({"name": "cover.jpg", "base64": encoded})).await;
    let path = PathBuf::from(ok["path"].as_str().expect("path"));
    assert!(path.starts_with(dir.path().join("staging")), "{path:?}");
    assert_eq!(std::fs::read(&path).expect("read"), jpeg);

    let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 2 * 1024 * 1024 + 1]);
    let refused = bridge.call("app.writeStagedFile", json!({"name": "c.jpg", "base64": big})).await;
    assert_eq!(refused["error"]["code"], 2905, "{refused}");

    let no_url = bridge.call("app.localFileUrl", json!({"path": path})).await;
    assert_eq!(no_url["error"]["code"], 90011, "{no_url}");
    let relative = bridge.call("app.localFileUrl", json!({"path": "cover.jpg"})).await;
    assert_eq!(relative["error"]["code"], 2905, "{relative}");
}
