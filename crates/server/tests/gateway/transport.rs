//! The transport under attack: slow and greedy clients, WebSockets that
//! never log in, frames that are not requests, and TLS. Deadlines are
//! measured by the server closing the socket; the time it took is printed,
//! never asserted.

use super::*;
use rustls::pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use tokio::time::Instant;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;

/// How long a trickling client waits for the server between two bytes.
const TRICKLE_PACE: Duration = Duration::from_millis(20);

/// Whether the server closed `tcp`: waits up to [`WAIT`] for EOF (or a
/// reset), skipping anything it answered first.
async fn closed_by_server<S: tokio::io::AsyncRead + Unpin>(tcp: &mut S) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(WAIT, tcp.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Sends `head` one byte at a time, then endless header bytes, pausing
/// [`TRICKLE_PACE`] after each, until the server closes the connection;
/// returns how long that took. Panics if it is still open after [`WAIT`].
async fn trickle_until_closed(tcp: &mut TcpStream, head: &[u8]) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    for byte in head.iter().copied().chain(std::iter::repeat(b'a')) {
        assert!(start.elapsed() < WAIT, "a trickling client is still connected after {WAIT:?}");
        if tcp.write_all(&[byte]).await.is_err() {
            return start.elapsed();
        }
        match tokio::time::timeout(TRICKLE_PACE, tcp.read(&mut buf)).await {
            // Still open: the next byte.
            Err(_) => {}
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            // An error response (e.g. 408); the close follows.
            Ok(Ok(_)) => {
                assert!(closed_by_server(tcp).await, "no close after the error response");
                return start.elapsed();
            }
        }
    }
    unreachable!("the byte source is endless")
}

/// `GET /healthz` on a kept-alive connection; the status line's code.
async fn health_on<S>(stream: &mut S) -> Option<u16>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.ok()?;
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    // "ok" is the whole body: read until it arrived.
    while !response.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(WAIT, stream.read(&mut buf)).await.ok()?.ok()?;
        if n == 0 {
            return None;
        }
        response.extend_from_slice(&buf[..n]);
    }
    std::str::from_utf8(response.get(9..12)?).ok()?.parse().ok()
}

#[tokio::test]
async fn trickled_request_heads_and_idle_keep_alive_connections_are_cut() {
    // Long enough for the kept-alive request below to be sent in time on a
    // loaded machine.
    let s = server(|c| c.header_read_timeout_ms = 500).await;
    let addr = s.handle.local_addr();

    let mut slow = TcpStream::connect(addr).await.expect("connect");
    let took =
        trickle_until_closed(&mut slow, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .await;
    println!("trickled request head closed after {took:?} (header_read_timeout_ms 500)");

    let mut idle = TcpStream::connect(addr).await.expect("connect");
    assert_eq!(health_on(&mut idle).await, Some(200));
    let start = Instant::now();
    assert!(closed_by_server(&mut idle).await, "an idle keep-alive connection stayed open");
    println!("idle keep-alive connection closed after {:?}", start.elapsed());

    let mut silent = TcpStream::connect(addr).await.expect("connect");
    assert!(closed_by_server(&mut silent).await, "a connection that sent nothing stayed open");
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_stalled_request_body_is_cut_by_the_idle_timeout() {
    let s = server(|c| c.http_idle_timeout_ms = 200).await;
    let mut tcp = TcpStream::connect(s.handle.local_addr()).await.expect("connect");
    let head = "POST /api/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"userID\":";
    tcp.write_all(head.as_bytes()).await.expect("write");
    let start = Instant::now();
    assert!(closed_by_server(&mut tcp).await, "a stalled body kept its connection open");
    println!("stalled body closed after {:?} (http_idle_timeout_ms 200)", start.elapsed());
    s.handle.shutdown().await.expect("shutdown");
}

/// A TCP connection to `addr` from the loopback address `source`.
async fn connect_from(source: [u8; 4], addr: SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::from((source, 0))).expect("bind the source address");
    socket.connect(addr).await.expect("connect")
}

#[tokio::test]
async fn connections_beyond_the_per_address_cap_are_closed_at_once() {
    let s = server(|c| c.max_connections_per_ip = 3).await;
    let addr = s.handle.local_addr();
    // Two WebSocket sessions and one kept-alive HTTP connection: the cap.
    let (mut alice, _) = Client::login_as(&s, "alice", "a1").await;
    let (_bob, _) = Client::login_as(&s, "bob", "b1").await;
    let mut third = TcpStream::connect(addr).await.expect("connect");
    assert_eq!(health_on(&mut third).await, Some(200));

    let mut extra = TcpStream::connect(addr).await.expect("the kernel accepts it");
    let start = Instant::now();
    assert!(closed_by_server(&mut extra).await, "a connection over the cap was served");
    println!("over-cap connection closed after {:?}", start.elapsed());
    assert_eq!(health_on(&mut extra).await, None);

    // Another address is not affected, and the sessions go on.
    let mut elsewhere = connect_from([127, 0, 0, 2], addr).await;
    assert_eq!(health_on(&mut elsewhere).await, Some(200));
    assert_eq!(alice.request("heartbeat", json!({})).await["t"], "ok");

    // A closed connection frees its slot (once the server has seen it go).
    drop(third);
    let deadline = Instant::now() + WAIT;
    loop {
        let mut again = TcpStream::connect(addr).await.expect("connect");
        if health_on(&mut again).await == Some(200) {
            break;
        }
        assert!(Instant::now() < deadline, "the freed slot was never reused");
        tokio::task::yield_now().await;
    }
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn websockets_that_do_not_log_in_are_closed_with_4006() {
    let s = server(|c| c.login_timeout_ms = 100).await;
    let mut lurker = Client::connect(&s).await;
    let start = Instant::now();
    assert_eq!(lurker.closed_with().await, confab_proto::frame::close::LOGIN_TIMEOUT);
    println!("WebSocket without login closed after {:?} (login_timeout_ms 100)", start.elapsed());
    s.handle.shutdown().await.expect("shutdown");
}

/// A text frame carrying bytes that are not UTF-8.
fn invalid_utf8_text() -> Message {
    Message::Frame(Frame::message(vec![b'{', 0xff, 0xfe, b'}'], OpCode::Data(Data::Text), true))
}

#[tokio::test]
async fn text_frames_that_are_not_utf8_close_with_1007() {
    let s = server(|_| {}).await;
    let mut before_login = Client::connect(&s).await;
    before_login.ws.send(invalid_utf8_text()).await.expect("send");
    assert_eq!(before_login.closed_with().await, 1007);

    let (mut alice, _) = Client::login_as(&s, "alice", "a1").await;
    alice.ws.send(invalid_utf8_text()).await.expect("send");
    assert_eq!(alice.closed_with().await, 1007);
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn frames_without_an_op_are_answered_with_id_null() {
    let s = server(|_| {}).await;
    let (mut alice, _) = Client::login_as(&s, "alice", "a1").await;
    for frame in [json!({"id": 5, "data": {}}), json!({"id": 6, "op": 7, "data": {}})] {
        alice.send_text(frame.to_string()).await;
        let Got::Frame(err) = alice.next().await else { panic!("expected an error frame") };
        assert_eq!((code_of(&err), err["id"].clone()), (20001, Value::Null), "{frame}");
    }
    assert_eq!(alice.request("heartbeat", json!({})).await["t"], "ok");
    s.handle.shutdown().await.expect("shutdown");
}

// ------------------------------------------------------------------ TLS

/// A certificate authority and a server certificate it signed, as PEM files.
struct Pki {
    dir: tempfile::TempDir,
    ca: CertificateDer<'static>,
}

impl Pki {
    /// A new CA, and a certificate for `localhost` and 127.0.0.1 signed by it.
    fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().expect("server key");
        let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("server params");
        let cert = params.signed_by(&key, &issuer).expect("server certificate");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("cert.pem"), cert.pem()).expect("write cert");
        std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).expect("write key");
        Self { dir, ca: ca_cert.der().clone() }
    }

    fn configure(&self, config: &mut Config) {
        config.tls_cert_file = Some(self.dir.path().join("cert.pem"));
        config.tls_key_file = Some(self.dir.path().join("key.pem"));
    }

    /// A TLS client that trusts this CA only.
    fn connector(&self) -> tokio_rustls::TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca.clone()).expect("add the CA");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }
}

async fn tls_connect(
    connector: &tokio_rustls::TlsConnector,
    addr: SocketAddr,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").expect("server name");
    tokio::time::timeout(WAIT, connector.connect(name, tcp)).await.expect("handshake in time")
}

/// `POST path` with a JSON body over any stream; the status and JSON body.
async fn post_on<S>(stream: &mut S, path: &str, body: &Value) -> (u16, Value)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let body = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut response))
        .await
        .expect("in time")
        .expect("read");
    let response = String::from_utf8(response).expect("UTF-8 response");
    let status = response[9..12].parse().expect("status");
    let (_, body) = response.split_once("\r\n\r\n").expect("body");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn tls_serves_clients_that_trust_its_ca_and_only_them() {
    let pki = Pki::new();
    let s = server(|c| pki.configure(c)).await;
    let addr = s.handle.local_addr();
    assert!(s.handle.ws_url().starts_with("wss://"), "{}", s.handle.ws_url());
    assert!(s.handle.http_url().starts_with("https://"), "{}", s.handle.http_url());
    let trusted = pki.connector();

    // HTTPS: register, then log in over WSS with the UserSig it granted.
    let mut https = tls_connect(&trusted, addr).await.expect("TLS handshake");
    let (status, grant) = post_on(
        &mut https,
        "/api/register",
        &json!({"userID": "carol", "password": "long enough"}),
    )
    .await;
    assert_eq!(status, 200, "{grant}");
    let tls = tls_connect(&trusted, addr).await.expect("TLS handshake");
    let url = format!("wss://localhost:{}{}", addr.port(), confab_proto::WS_PATH);
    let (mut ws, _) = tokio_tungstenite::client_async(url, tls).await.expect("WebSocket over TLS");
    let login = json!({"id": 1, "op": "login", "data": {
        "sdkAppID": s.handle.sdk_app_id(), "userID": "carol", "userSig": grant["userSig"],
        "instanceID": "c1", "protocolVersion": 1}});
    ws.send(Message::Text(login.to_string().into())).await.expect("send login");
    let answer = tokio::time::timeout(WAIT, ws.next()).await.expect("in time");
    let Some(Ok(Message::Text(answer))) = answer else { panic!("expected the login response") };
    let answer: Value = serde_json::from_str(answer.as_str()).expect("JSON");
    assert_eq!((answer["t"].clone(), answer["id"].clone()), (json!("ok"), json!(1)), "{answer}");

    // A client that trusts another CA refuses the server's certificate.
    let stranger = Pki::new().connector();
    let refused = tls_connect(&stranger, addr).await.expect_err("an unknown issuer");
    let cause = refused.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
    assert!(
        matches!(cause, Some(rustls::Error::InvalidCertificate(_))),
        "expected a certificate error, got {refused:?}"
    );

    // Plain HTTP to the TLS port gets no HTTP answer, only a close.
    let mut plain = TcpStream::connect(addr).await.expect("connect");
    plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(WAIT, plain.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "plain HTTP to the TLS port stayed open");
    assert!(!answer.starts_with(b"HTTP/"), "plain HTTP was answered: {answer:?}");

    // The server is unharmed.
    let mut again = tls_connect(&trusted, addr).await.expect("TLS handshake");
    assert_eq!(health_on(&mut again).await, Some(200));
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_silent_tls_client_is_cut_by_the_header_read_timeout() {
    let pki = Pki::new();
    let s = server(|c| {
        pki.configure(c);
        c.header_read_timeout_ms = 200;
    })
    .await;
    let mut silent = TcpStream::connect(s.handle.local_addr()).await.expect("connect");
    let start = Instant::now();
    assert!(closed_by_server(&mut silent).await, "a TLS handshake that never starts stayed open");
    println!("silent TLS client closed after {:?} (header_read_timeout_ms 200)", start.elapsed());
    s.handle.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn unusable_tls_files_stop_the_start_with_a_clear_error() {
    let pki = Pki::new();
    let garbage = pki.dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").expect("write");
    let missing = pki.dir.path().join("missing.pem");
    for (cert, key, names) in [
        (garbage.clone(), pki.dir.path().join("key.pem"), &garbage),
        (pki.dir.path().join("cert.pem"), missing.clone(), &missing),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config {
            data_dir: dir.path().join("data"),
            secret_key: Some(TEST_KEY.into()),
            tls_cert_file: Some(cert),
            tls_key_file: Some(key),
            ..Config::default()
        };
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let clock = Arc::new(ManualClock::new(START_MS));
        let Err(e) = confab_server::start(config, listener, clock).await else {
            panic!("started with unusable TLS files")
        };
        let message = format!("{e:#}");
        assert!(message.contains(&names.display().to_string()), "{message}");
    }
}
