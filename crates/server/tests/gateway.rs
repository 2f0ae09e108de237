//! The server over real sockets: a `confabd` on 127.0.0.1:0 with a temporary
//! data directory and a manual clock, driven by raw WebSocket and HTTP
//! clients.

use confab_server::clock::{Clock as _, ManualClock};
use confab_server::config::{Config, Registration};
use confab_server::ServerHandle;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

#[path = "gateway/transport.rs"]
mod transport;

const START_MS: i64 = 1_764_115_200_000;
const WAIT: Duration = Duration::from_secs(10);
/// A secret key as strong as a generated one (32 random bytes in hex).
const TEST_KEY: &str = "6a0f2c9e81d34b7fa5c2e90b4d17f3a8c5e6b29d0f14a7c3e8b5d2f9061ac4e7";

struct TestServer {
    dir: tempfile::TempDir,
    handle: ServerHandle,
    clock: Arc<ManualClock>,
}

async fn start_with(
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    tweak: impl FnOnce(&mut Config),
) -> TestServer {
    let mut config = Config {
        data_dir: dir.path().join("data"),
        secret_key: Some(TEST_KEY.into()),
        ..Config::default()
    };
    tweak(&mut config);
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let handle = confab_server::start(config, listener, clock.clone()).await.expect("start");
    TestServer { dir, handle, clock }
}

async fn server(tweak: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().expect("tempdir");
    start_with(dir, Arc::new(ManualClock::new(START_MS)), tweak).await
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What arrived on a socket.
#[derive(Debug)]
enum Got {
    Frame(Value),
    Close(u16),
    End,
}

struct Client {
    ws: Ws,
    next_id: u64,
    /// Pushes that arrived while waiting for a response.
    pushes: Vec<Value>,
}

impl Client {
    async fn connect(server: &TestServer) -> Self {
        Self::connect_url(&server.handle.ws_url()).await
    }

    async fn connect_url(url: &str) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
        Self { ws, next_id: 1, pushes: Vec::new() }
    }

    async fn login_as(server: &TestServer, user: &str, instance: &str) -> (Self, Value) {
        let sig = server.handle.mint_user_sig(user, 86_400);
        let mut client = Self::connect(server).await;
        let answer = client.login(server, user, &sig, instance).await;
        assert_eq!(answer["t"], "ok", "login failed: {answer}");
        (client, answer["data"].clone())
    }

    async fn login(&mut self, server: &TestServer, user: &str, sig: &str, instance: &str) -> Value {
        self.login_to(server.handle.sdk_app_id(), user, sig, instance).await
    }

    async fn login_to(&mut self, sdk_app_id: u64, user: &str, sig: &str, instance: &str) -> Value {
        self.request(
            "login",
            json!({"sdkAppID": sdk_app_id, "userID": user, "userSig": sig,
                   "instanceID": instance, "protocolVersion": 1}),
        )
        .await
    }

    async fn send_text(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.expect("send");
    }

    /// Sends a request without waiting; returns its id.
    async fn submit(&mut self, op: &str, data: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send_text(json!({"id": id, "op": op, "data": data}).to_string()).await;
        id
    }

    async fn request(&mut self, op: &str, data: Value) -> Value {
        let id = self.submit(op, data).await;
        self.response(id).await
    }

    async fn response(&mut self, id: u64) -> Value {
        loop {
            match self.next().await {
                Got::Frame(frame) if frame["t"] == "push" => {
                    self.pushes.push(frame["push"].clone())
                }
                Got::Frame(frame) => {
                    assert_eq!(frame["id"], id, "unexpected frame {frame}");
                    return frame;
                }
                other => panic!("expected the response to {id}, got {other:?}"),
            }
        }
    }

    async fn next(&mut self) -> Got {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next()).await.expect("frame in time");
            return match message {
                Some(Ok(Message::Text(text))) => {
                    Got::Frame(serde_json::from_str(text.as_str()).expect("frame is JSON"))
                }
                Some(Ok(Message::Close(frame))) => {
                    Got::Close(frame.map_or(1005, |f| u16::from(f.code)))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => Got::End,
            };
        }
    }

    /// The next push (buffered first).
    async fn push(&mut self) -> Value {
        if !self.pushes.is_empty() {
            return self.pushes.remove(0);
        }
        match self.next().await {
            Got::Frame(frame) if frame["t"] == "push" => frame["push"].clone(),
            other => panic!("expected a push, got {other:?}"),
        }
    }

    async fn closed_with(&mut self) -> u16 {
        loop {
            match self.next().await {
                Got::Close(code) => return code,
                Got::Frame(frame) if frame["t"] == "push" => {
                    self.pushes.push(frame["push"].clone())
                }
                other => panic!("expected a close, got {other:?}"),
            }
        }
    }
}

fn text_message(to: &str, random: u64, text: &str) -> Value {
    json!({"message": {"conversationType": "C2C", "to": to, "random": random,
                       "type": "TIMTextElem", "payload": {"text": text}}})
}

fn code_of(frame: &Value) -> i64 {
    assert_eq!(frame["t"], "err", "expected an error: {frame}");
    frame["error"]["code"].as_i64().expect("code")
}

#[tokio::test]
async fn bad_frames_get_errors_and_the_session_keeps_working() {
    let s = server(|_| {}).await;
    Client::login_as(&s, "bob", "b1").await;
    let (mut alice, login) = Client::login_as(&s, "alice", "a1").await;
    assert_eq!(login["userID"], "alice");
    assert_eq!(login["inboxSeq"], 0);
    assert_eq!(login["serverTime"], START_MS);
    assert_eq!(login["heartbeatIntervalMs"], 30_000);
    assert_eq!(login["userSigExpireAt"], START_MS / 1000 + 86_400);

    alice.send_text("this is not json".into()).await;
    let Got::Frame(err) = alice.next().await else { panic!("expected an error frame") };
    assert_eq!(code_of(&err), 20001);
    assert_eq!(err["id"], Value::Null);
    alice.send_text(r#"{"op":"heartbeat"}"#.into()).await;
    let Got::Frame(err) = alice.next().await else { panic!("expected an error frame") };
    assert_eq!((code_of(&err), err["id"].clone()), (20001, Value::Null));
    alice.ws.send(Message::Binary(vec![1u8, 2, 3].into())).await.expect("send");
    let Got::Frame(err) = alice.next().await else { panic!("expected an error frame") };
    assert_eq!(code_of(&err), 20001);

    let unknown = alice.request("teleport", json!({})).await;
    assert_eq!(code_of(&unknown), 2997);
    let bad_data = alice.request("sendMessage", json!({"message": 5})).await;
    assert_eq!(code_of(&bad_data), 20001);
    assert_eq!(code_of(&alice.request("login", json!({})).await), 2025);

    s.clock.advance_ms(1_234);
    let beat = alice.request("heartbeat", json!({})).await;
    assert_eq!(beat["data"]["serverTime"], START_MS + 1_234);

    let big = alice.request("sendMessage", text_message("bob", 7, &"x".repeat(13 * 1024))).await;
    assert_eq!(code_of(&big), 80002);
    let me = alice.request("sendMessage", text_message("alice", 7, "me")).await;
    assert_eq!(code_of(&me), 90008);
    let nobody = alice.request("sendMessage", text_message("nobody", 7, "hi")).await;
    assert_eq!(code_of(&nobody), 2501);
    let group = alice
        .request(
            "sendMessage",
            json!({"message": {"conversationType": "GROUP", "to": "g", "random": 1,
                                        "type": "TIMTextElem", "payload": {"text": "x"}}}),
        )
        .await;
    // Group messages are served: a group that does not exist is not found.
    assert_eq!(code_of(&group), 10010);

    let first = alice.request("sendMessage", text_message("bob", 99, "hello")).await;
    assert_eq!(first["t"], "ok", "{first}");
    assert_eq!(first["data"]["duplicate"], false);
    assert_eq!(first["data"]["message"]["sequence"], 1);
    let again = alice.request("sendMessage", text_message("bob", 99, "hello")).await;
    assert_eq!(again["data"]["duplicate"], true);
    assert_eq!(again["data"]["message"]["ID"], first["data"]["message"]["ID"]);

    let oversize = "y".repeat(confab_proto::MAX_FRAME_BYTES + 1);
    alice.send_text(oversize).await;
    assert_eq!(alice.closed_with().await, 1009);
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn login_must_come_first_and_must_verify() {
    let s = server(|_| {}).await;
    let mut early = Client::connect(&s).await;
    assert_eq!(code_of(&early.request("heartbeat", json!({})).await), 2024);
    assert_eq!(early.closed_with().await, 4002);

    let cases = [
        ("alice", "not-a-sig".to_owned(), 1, 70003),
        ("bob", s.handle.mint_user_sig("alice", 100), 1, 70013),
        ("alice", s.handle.mint_user_sig("alice", 100), 2, 90001),
        (
            "alice",
            confab_server::usersig::gen_user_sig(1_400_000_000, TEST_KEY, "alice", 10, 0),
            1,
            70001,
        ),
    ];
    for (user, sig, version, expected) in cases {
        let mut client = Client::connect(&s).await;
        let answer = client
            .request(
                "login",
                json!({"sdkAppID": s.handle.sdk_app_id(), "userID": user, "userSig": sig,
                       "instanceID": "i", "protocolVersion": version}),
            )
            .await;
        assert_eq!(code_of(&answer), expected, "{user} v{version}");
        assert_eq!(client.closed_with().await, 4002);
    }
    let mut other_app = Client::connect(&s).await;
    let sig = s.handle.mint_user_sig("alice", 100);
    let answer = other_app
        .request(
            "login",
            json!({"sdkAppID": 1, "userID": "alice", "userSig": sig,
                                 "instanceID": "i", "protocolVersion": 1}),
        )
        .await;
    assert_eq!(code_of(&answer), 70014);
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn one_to_one_chat_with_pushes_sync_and_read_receipts() {
    let s = server(|c| c.max_instances_per_user = 2).await;
    let (mut bob, _) = Client::login_as(&s, "bob", "b1").await;
    let (mut alice, _) = Client::login_as(&s, "alice", "a1").await;
    let (mut alice2, _) = Client::login_as(&s, "alice", "a2").await;

    let sent = alice.request("sendMessage", text_message("bob", 1, "hi bob")).await;
    let id = sent["data"]["message"]["ID"].clone();
    assert_eq!(sent["data"]["message"]["time"], START_MS / 1000);
    for client in [&mut bob, &mut alice, &mut alice2] {
        let push = client.push().await;
        assert_eq!(push["kind"], "inbox");
        assert_eq!(push["seq"], 1);
        assert_eq!(push["event"]["kind"], "message");
        assert_eq!(push["event"]["message"]["ID"], id);
    }

    // Pipelined writes are applied in the order sent.
    let mut ids = Vec::new();
    for n in 0..20u64 {
        ids.push(bob.submit("sendMessage", text_message("alice", 100 + n, "pipelined")).await);
    }
    let mut sequences = Vec::new();
    for id in ids {
        let answer = bob.response(id).await;
        sequences.push(answer["data"]["message"]["sequence"].as_u64().expect("sequence"));
    }
    assert_eq!(sequences, (2..=21).collect::<Vec<u64>>());

    let sync = alice.request("sync", json!({"after": 0, "limit": 5})).await;
    assert_eq!(sync["data"]["head"], 21);
    let seqs: Vec<u64> = sync["data"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["seq"].as_u64().expect("seq"))
        .collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);

    let list = alice.request("getConversationList", json!({})).await;
    assert_eq!(list["data"]["inboxSeq"], 21);
    let conversation = &list["data"]["conversations"][0];
    assert_eq!(conversation["conversationID"], "C2Cbob");
    assert_eq!(conversation["unreadCount"], 20);

    let page =
        alice.request("getMessageList", json!({"conversationID": "C2Cbob", "count": 15})).await;
    assert_eq!(page["data"]["messages"].as_array().expect("messages").len(), 15);
    assert_eq!(page["data"]["isCompleted"], false);
    let bad =
        alice.request("getMessageList", json!({"conversationID": "nonsense", "count": 15})).await;
    assert_eq!(code_of(&bad), 2503);

    alice.pushes.clear();
    let read = alice.request("setMessageRead", json!({"conversationID": "C2Cbob"})).await;
    assert_eq!(read["data"]["readSequence"], 21);
    let mut peer_read = None;
    while peer_read.is_none() {
        let push = bob.push().await;
        if push["event"]["kind"] == "peerRead" {
            peer_read = Some(push);
        }
    }
    let peer_read = peer_read.expect("peerRead");
    assert_eq!(peer_read["event"]["conversationID"], "C2Calice");
    assert_eq!(peer_read["event"]["readSequence"], 21);
    let missing = alice.request("setMessageRead", json!({"conversationID": "C2Ccarol"})).await;
    assert_eq!(code_of(&missing), 2500);

    let profile = alice.request("updateMyProfile", json!({"patch": {"nick": "Alice"}})).await;
    assert_eq!(profile["data"]["profile"]["nick"], "Alice");
    assert_eq!(code_of(&alice.request("updateMyProfile", json!({"patch": {}})).await), 2722);
    let profiles = bob.request("getUserProfile", json!({"userIDList": ["alice", "ghost"]})).await;
    assert_eq!(profiles["data"]["profiles"].as_array().expect("profiles").len(), 1);

    let deleted = bob
        .request(
            "deleteConversation",
            json!({"conversationIDList": ["C2Calice"], "clearHistoryMessage": true}),
        )
        .await;
    assert_eq!(deleted["data"]["conversationIDList"], json!(["C2Calice"]));
    let list = bob.request("getConversationList", json!({})).await;
    assert_eq!(list["data"]["conversations"], json!([]));

    // onlineUserOnly: delivered to bob and alice's other instance, not stored.
    let mut transient = text_message("bob", 500, "typing…");
    transient["onlineUserOnly"] = json!(true);
    let answer = alice.request("sendMessage", transient).await;
    assert_eq!(answer["data"]["message"]["sequence"], 0);
    loop {
        let push = alice2.push().await;
        if push["kind"] == "transient" {
            break;
        }
    }
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn kicks_replacement_and_sig_expiry() {
    let s = server(|_| {}).await;
    let (mut first, _) = Client::login_as(&s, "alice", "i1").await;
    let (mut second, _) = Client::login_as(&s, "alice", "i2").await;
    let kick = first.push().await;
    assert_eq!(
        (kick["kind"].clone(), kick["type"].clone()),
        (json!("kickedOut"), json!("multipleAccount"))
    );
    assert_eq!(first.closed_with().await, 4001);

    // The same instance reconnecting replaces its old session quietly.
    let (mut third, _) = Client::login_as(&s, "alice", "i2").await;
    assert_eq!(second.closed_with().await, 1000);
    assert!(second.pushes.is_empty());

    // The UserSig's expiry (by the server clock) kicks the session.
    s.clock.advance_ms(86_400_000);
    let kick = third.push().await;
    assert_eq!(kick["type"], "userSigExpired");
    assert_eq!(third.closed_with().await, 4001);

    let (mut quitter, _) = Client::login_as(&s, "bob", "b1").await;
    assert_eq!(quitter.request("logout", json!({})).await["t"], "ok");
    assert_eq!(quitter.closed_with().await, 4004);
    s.handle.shutdown().await.expect("shutdown");
}

/// Logs `user` in on a raw socket as instance `instance` of `platform`.
async fn login_on(s: &TestServer, user: &str, instance: &str, platform: &str) -> Client {
    let mut client = Client::connect(s).await;
    let sig = s.handle.mint_user_sig(user, 86_400);
    let answer = client
        .request(
            "login",
            json!({"sdkAppID": s.handle.sdk_app_id(), "userID": user, "userSig": sig,
                   "instanceID": instance, "protocolVersion": 1, "platform": platform}),
        )
        .await;
    assert_eq!(answer["t"], "ok", "login failed: {answer}");
    client
}

// checklist 1091: a login on another terminal kicks with 'multipleDevice';
// checklist 41: a second web page kicks with 'multipleAccount'. On the wire:
// the push, then close 4001. A login without `platform` is a web page.
#[tokio::test]
async fn platforms_on_the_wire_and_the_kick_of_each_rule() {
    let s = server(|_| {}).await;
    let mut desktop = login_on(&s, "alice", "d1", "desktop").await;
    // No `platform`: a web page, online beside the desktop app.
    let (mut web, _) = Client::login_as(&s, "alice", "w1").await;
    let _web2 = login_on(&s, "alice", "w2", "web").await;
    let kick = web.push().await;
    assert_eq!(
        (kick["kind"].clone(), kick["type"].clone()),
        (json!("kickedOut"), json!("multipleAccount"))
    );
    assert_eq!(web.closed_with().await, 4001);

    let _cli = login_on(&s, "alice", "c1", "cli").await;
    let kick = desktop.push().await;
    assert_eq!(
        (kick["kind"].clone(), kick["type"].clone()),
        (json!("kickedOut"), json!("multipleDevice"))
    );
    assert_eq!(desktop.closed_with().await, 4001);

    // An unknown platform is bad login data: 20001, then close 4002.
    let mut unknown = Client::connect(&s).await;
    let sig = s.handle.mint_user_sig("alice", 86_400);
    let answer = unknown
        .request(
            "login",
            json!({"sdkAppID": s.handle.sdk_app_id(), "userID": "alice", "userSig": sig,
                   "instanceID": "t1", "protocolVersion": 1, "platform": "toaster"}),
        )
        .await;
    assert_eq!(code_of(&answer), 20001);
    assert_eq!(unknown.closed_with().await, 4002);
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn silent_sessions_are_closed() {
    let s = server(|c| c.heartbeat_interval_ms = 40).await;
    let (mut alice, _) = Client::login_as(&s, "alice", "i1").await;
    assert_eq!(alice.closed_with().await, 4005);
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn shutdown_closes_sessions_and_the_data_survives_a_restart() {
    let s = server(|_| {}).await;
    let (mut alice, _) = Client::login_as(&s, "alice", "i1").await;
    Client::login_as(&s, "bob", "b1").await;
    let sent = alice.request("sendMessage", text_message("bob", 1, "durable")).await;
    assert_eq!(sent["t"], "ok");
    let TestServer { dir, handle, clock } = s;
    let addr = handle.local_addr();
    let shutdown = tokio::spawn(handle.shutdown());
    assert_eq!(alice.closed_with().await, 4003);
    shutdown.await.expect("join").expect("shutdown");

    // Same directory, same port.
    let mut config = Config {
        data_dir: dir.path().join("data"),
        secret_key: Some(TEST_KEY.into()),
        ..Config::default()
    };
    config.listen = addr;
    let listener = TcpListener::bind(addr).await.expect("re-bind the same port");
    let handle = confab_server::start(config, listener, clock.clone()).await.expect("restart");
    let s = TestServer { dir, handle, clock };
    let (mut bob, login) = Client::login_as(&s, "bob", "b1").await;
    assert_eq!(login["inboxSeq"], 1);
    let page =
        bob.request("getMessageList", json!({"conversationID": "C2Calice", "count": 10})).await;
    assert_eq!(page["data"]["messages"][0]["payload"]["text"], "durable");
    s.handle.shutdown().await.expect("shutdown");
}

async fn http_post(server: &TestServer, path: &str, body: Value) -> (u16, Value) {
    let body = body.to_string();
    let mut stream = TcpStream::connect(server.handle.local_addr()).await.expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    tokio::time::timeout(WAIT, stream.read_to_string(&mut response))
        .await
        .expect("in time")
        .expect("read");
    let status = response[9..12].parse().expect("status");
    let (_, body) = response.split_once("\r\n\r\n").expect("body");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn http_accounts() {
    let s = server(|_| {}).await;
    let creds = json!({"userID": "carol", "password": "correct horse"});
    let (status, grant) = http_post(&s, "/api/register", creds.clone()).await;
    assert_eq!(status, 200, "{grant}");
    assert_eq!(grant["sdkAppID"], 1_400_000_000u64);
    assert_eq!(grant["expireAt"], START_MS / 1000 + 604_800);
    let (status, body) = http_post(&s, "/api/register", creds.clone()).await;
    assert_eq!((status, body["code"].clone()), (409, json!(90003)));
    let (status, body) =
        http_post(&s, "/api/register", json!({"userID": "a b", "password": "long enough"})).await;
    assert_eq!((status, body["code"].clone()), (400, json!(90006)));
    let (status, body) =
        http_post(&s, "/api/register", json!({"userID": "dan", "password": "short"})).await;
    assert_eq!((status, body["code"].clone()), (400, json!(90007)));
    let (status, body) =
        http_post(&s, "/api/login", json!({"userID": "carol", "password": "wrong password"})).await;
    assert_eq!((status, body["code"].clone()), (401, json!(90005)));
    let (status, login) = http_post(&s, "/api/login", creds).await;
    assert_eq!(status, 200);

    let mut client = Client::connect(&s).await;
    let sig = login["userSig"].as_str().expect("sig").to_owned();
    assert_eq!(client.login(&s, "carol", &sig, "c1").await["t"], "ok");
    assert_eq!(s.clock.now_ms(), START_MS);
    s.handle.shutdown().await.expect("shutdown");

    let closed = server(|c| c.registration = Registration::Closed).await;
    let (status, body) =
        http_post(&closed, "/api/register", json!({"userID": "erin", "password": "long enough"}))
            .await;
    assert_eq!((status, body["code"].clone()), (403, json!(90004)));
    closed.handle.shutdown().await.expect("shutdown");
}

/// The rest of a child's stdout, kept open: `confabd` exits with EPIPE when
/// it prints after its reader is gone.
type Stdout = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// A `confabd` command on a free port and `data_dir`, with no key settings
/// inherited from the environment.
fn confabd_command(data_dir: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_confabd"));
    command
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CONFABD_CONFIG")
        .env_remove("CONFABD_SECRET_KEY")
        .env_remove("CONFABD_SECRET_KEY_FILE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// Runs the `confabd` binary on a free port; returns it, its WebSocket URL
/// and its stdout (to be held as long as the child runs).
async fn spawn_confabd(data_dir: &std::path::Path) -> (tokio::process::Child, String, Stdout) {
    let mut command = confabd_command(data_dir);
    command.env("CONFABD_SECRET_KEY", TEST_KEY);
    spawn_serving(command).await
}

/// Spawns `command` and waits for its listen line; returns the child, the
/// WebSocket URL and the rest of its stdout (hold it while the child runs).
async fn spawn_serving(
    mut command: tokio::process::Command,
) -> (tokio::process::Child, String, Stdout) {
    use tokio::io::AsyncBufReadExt as _;
    let mut child = command.spawn().expect("spawn confabd");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let first = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("confabd starts in time")
        .expect("read stdout")
        .expect("a line");
    // "confabd listening on http://ADDR (WebSocket ws://ADDR/ws)"
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("ws://"))
        .expect("ws URL")
        .trim_end_matches(')')
        .to_owned();
    (child, url, lines)
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9() {
    use confab_server::clock::SystemClock;
    let dir = tempfile::tempdir().expect("tempdir");
    let sig = |user: &str| {
        confab_server::usersig::gen_user_sig(
            1_400_000_000,
            TEST_KEY,
            user,
            3_600,
            SystemClock.now_secs(),
        )
    };
    let (mut child, url, _stdout) = spawn_confabd(dir.path()).await;
    let mut bob = Client::connect_url(&url).await;
    assert_eq!(bob.login_to(1_400_000_000, "bob", &sig("bob"), "b1").await["t"], "ok");
    let mut alice = Client::connect_url(&url).await;
    assert_eq!(alice.login_to(1_400_000_000, "alice", &sig("alice"), "a1").await["t"], "ok");
    let mut ids = Vec::new();
    for n in 1..=50u64 {
        ids.push(alice.submit("sendMessage", text_message("bob", n, "must survive")).await);
    }
    for id in ids {
        assert_eq!(alice.response(id).await["t"], "ok");
    }
    child.kill().await.expect("kill -9");

    let (mut child, url, _stdout) = spawn_confabd(dir.path()).await;
    let mut bob = Client::connect_url(&url).await;
    let login = bob.login_to(1_400_000_000, "bob", &sig("bob"), "b1").await;
    assert_eq!(login["data"]["inboxSeq"], 50);
    let page =
        bob.request("getMessageList", json!({"conversationID": "C2Calice", "count": 100})).await;
    let sequences: Vec<u64> = page["data"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["sequence"].as_u64().expect("sequence"))
        .collect();
    assert_eq!(sequences, (1..=50).collect::<Vec<u64>>());
    child.kill().await.expect("kill");
}

#[tokio::test]
async fn confabd_refuses_weak_secret_keys_and_takes_one_from_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    let refused = |mut command: tokio::process::Command, what: &'static str| async move {
        let status =
            tokio::time::timeout(WAIT, command.stdout(std::process::Stdio::null()).status())
                .await
                .expect("confabd exits in time")
                .expect("run confabd");
        assert!(!status.success(), "{what}: confabd must refuse to start");
        status
    };
    // The key recovered offline in the issue, and a key one byte short.
    let mut command = confabd_command(&data_dir);
    command.env("CONFABD_SECRET_KEY", "changeme");
    refused(command, "changeme").await;
    let mut command = confabd_command(&data_dir);
    command.env("CONFABD_SECRET_KEY", &TEST_KEY[..31]);
    refused(command, "31 bytes").await;
    let weak_file = dir.path().join("weak.key");
    std::fs::write(&weak_file, "changeme\n").expect("write");
    let mut command = confabd_command(&data_dir);
    command.arg("--secret-key-file").arg(&weak_file);
    refused(command, "weak key file").await;
    // No flag for the key: it would show in `ps`.
    let mut command = confabd_command(&data_dir);
    command.args(["--secret-key", TEST_KEY]);
    let status = refused(command, "--secret-key flag").await;
    assert_eq!(status.code(), Some(2), "a usage error");
    assert!(!data_dir.join("secret.key").exists(), "nothing was generated on the way");

    // A strong key from a file signs the UserSigs.
    let key_file = dir.path().join("confabd.key");
    std::fs::write(&key_file, format!("{TEST_KEY}\n")).expect("write");
    let mut command = confabd_command(&data_dir);
    command.arg("--secret-key-file").arg(&key_file);
    let (mut child, url, _stdout) = spawn_serving(command).await;
    let sig = confab_server::usersig::gen_user_sig(
        1_400_000_000,
        TEST_KEY,
        "alice",
        3_600,
        confab_server::clock::SystemClock.now_secs(),
    );
    let mut alice = Client::connect_url(&url).await;
    assert_eq!(alice.login_to(1_400_000_000, "alice", &sig, "a1").await["t"], "ok");
    child.kill().await.expect("stop confabd");
}
