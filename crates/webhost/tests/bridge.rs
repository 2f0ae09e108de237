//! The web host end to end: a real confabd in this process, the web host on
//! 127.0.0.1:0 with its own app data directory, a WebSocket client on
//! `/bridge` driving the command set, and another real SDK client.

use confab_app::{AppCore, AppOptions};
use confab_tests::{within, TestClient, TestServer};
use confab_webhost::{WebHost, BRIDGE_PATH, LOCAL_PATH, STAGE_PATH};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::Arc;
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
    async fn connect(addr: std::net::SocketAddr) -> Bridge {
        let (socket, _) = within(
            "bridge connect",
            tokio_tungstenite::connect_async(format!("ws://{addr}{BRIDGE_PATH}")),
        )
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

async fn start_host(
    server: &TestServer,
    dir: &std::path::Path,
    ui: &std::path::Path,
) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let core = AppCore::open(AppOptions {
        remote_server: Some(server.http_url()),
        ..AppOptions::new(dir)
    })
    .expect("open app");
    let host = WebHost { core: Arc::new(core), ui_dir: ui.to_owned(), allowed_origins: Vec::new() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let serve = tokio::spawn(async move {
        axum::serve(listener, host.router()).await.expect("serve");
    });
    (addr, serve)
}

#[tokio::test]
async fn register_send_and_receive_over_the_bridge() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = tempfile::tempdir().expect("ui dir");
    std::fs::write(ui.path().join("index.html"), "<!doctype html><title>Confab</title>")
        .expect("index");
    let (addr, serve) = start_host(&server, dir.path(), ui.path()).await;

    let mut bridge = Bridge::connect(addr).await;
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
        "ID": "local-5", "type": "TIMTextElem", "payload": {"text": "hi bob"},
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

    // The UI is served too, with index.html for client-side routes.
    for path in ["/", "/chat/C2Cbob"] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        tokio::io::AsyncWriteExt::write_all(&mut stream, request.as_bytes()).await.expect("write");
        let mut response = String::new();
        within("http", tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut response))
            .await
            .expect("read");
        assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
        assert!(response.contains("<title>Confab</title>"), "{path}: {response}");
    }
    serve.abort();
}

#[tokio::test]
async fn foreign_origins_are_refused() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = tempfile::tempdir().expect("ui dir");
    let (addr, serve) = start_host(&server, dir.path(), ui.path()).await;
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{addr}{BRIDGE_PATH}"
        ))
        .expect("request");
    request.headers_mut().insert("origin", "https://evil.example".parse().expect("origin"));
    let refused = tokio_tungstenite::connect_async(request).await;
    assert!(refused.is_err(), "a foreign origin must not open the bridge");
    serve.abort();
}

#[tokio::test]
async fn browser_files_are_staged_and_downloads_served_from_the_sdk_cache_only() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = tempfile::tempdir().expect("ui dir");
    let (addr, serve) = start_host(&server, dir.path(), ui.path()).await;
    let http = reqwest::Client::new();
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let response = http
        .post(format!("http://{addr}{STAGE_PATH}?name=..%2F..%2Fevil%20name.bin"))
        .body(bytes.clone())
        .send()
        .await
        .expect("stage");
    assert_eq!(response.status(), 200);
    let staged: Value = response.json().await.expect("json");
    let path = std::path::PathBuf::from(staged["path"].as_str().expect("path"));
    assert!(path.starts_with(dir.path().join("staging")), "{path:?}");
    assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("evil name.bin"));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);

    let foreign = http
        .post(format!("http://{addr}{STAGE_PATH}?name=x"))
        .header("origin", "https://evil.example")
        .body("x")
        .send()
        .await
        .expect("foreign");
    assert_eq!(foreign.status(), 403);

    let cached = dir.path().join(confab_app::SDK_DIR).join("1400").join("a.files");
    std::fs::create_dir_all(&cached).expect("cache dir");
    std::fs::write(cached.join("f.txt"), b"cached").expect("write");
    let got = http.get(format!("http://{addr}{LOCAL_PATH}/1400/a.files/f.txt")).send().await;
    assert_eq!(got.expect("get").text().await.expect("text"), "cached");
    std::fs::write(dir.path().join("secret.json"), b"{}").expect("write");
    let outside = http.get(format!("http://{addr}{LOCAL_PATH}/../secret.json")).send().await;
    assert_ne!(outside.expect("get").status(), 200, "only the SDK cache is served");
    serve.abort();
}

#[tokio::test]
async fn cover_frames_are_written_over_the_bridge_and_local_file_urls_are_desktop_only() {
    use base64::Engine as _;
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = tempfile::tempdir().expect("ui dir");
    let hooks = Arc::new(confab_webhost::WebHooks { data_dir: dir.path().to_owned() });
    let core = AppCore::open(AppOptions {
        hooks,
        remote_server: Some(server.http_url()),
        ..AppOptions::new(dir.path())
    })
    .expect("open app");
    let host =
        WebHost { core: Arc::new(core), ui_dir: ui.path().to_owned(), allowed_origins: vec![] };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let serve = tokio::spawn(async move {
        axum::serve(listener, host.router()).await.expect("serve");
    });
    let mut bridge = Bridge::connect(addr).await;

    let jpeg = b"\xFF\xD8\xFF\xE0 a cover".to_vec();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let ok =
        bridge.ok("app.writeStagedFile", json!({"name": "cover.jpg", "base64": encoded})).await;
    let path = std::path::PathBuf::from(ok["path"].as_str().expect("path"));
    assert!(path.starts_with(dir.path().join("staging")), "{path:?}");
    assert_eq!(std::fs::read(&path).expect("read"), jpeg);

    let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 2 * 1024 * 1024 + 1]);
    let refused = bridge.call("app.writeStagedFile", json!({"name": "c.jpg", "base64": big})).await;
    assert_eq!(refused["error"]["code"], 2905, "{refused}");

    let no_url = bridge.call("app.localFileUrl", json!({"path": path})).await;
    assert_eq!(no_url["error"]["code"], 90011, "{no_url}");
    let relative = bridge.call("app.localFileUrl", json!({"path": "cover.jpg"})).await;
    assert_eq!(relative["error"]["code"], 2905, "{relative}");
    serve.abort();
}
