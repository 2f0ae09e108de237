//! Transport security end to end: confabd behind a TLS terminator (a
//! tokio-rustls proxy with a certificate from a CA made in the test).
//! A client that trusts the CA through the SDK's custom CA option logs in
//! over `wss://`, chats, and moves files over `https://`; a client that
//! trusts only the platform's roots, a certificate for another host name
//! and an expired certificate are each refused with their own code, at
//! login and on reconnect (reported once, not retried silently).

use confab_proto::code;
use confab_sdk::{
    account, CreateMessageOptions, CustomCa, Event, FileSource, NetState, Rendition,
    SendMessageOptions, Tim, TimOptions, TlsConfig,
};
use confab_tests::tls::{tls_options, TestCa, TlsProxy};
use confab_tests::{text_of, within, TestClient, TestServer};
use std::sync::Arc;

/// A server behind a TLS proxy whose certificate (for 127.0.0.1 and
/// localhost) the test CA issued.
async fn server_behind_tls() -> (TestServer, TestCa, TlsProxy) {
    let server = TestServer::start().await;
    let ca = TestCa::new("Confab test CA");
    let proxy = TlsProxy::start(server.addr(), &ca.issue(&["127.0.0.1", "localhost"])).await;
    (server, ca, proxy)
}

/// A client of `user` reaching the server through `proxy`, trusting `ca`.
fn tls_client(server: &TestServer, proxy: &TlsProxy, ca: &TestCa, user: &str) -> TestClient {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let options = tls_options(server.sdk_app_id(), &proxy.ws_url(), dir.path(), ca);
    TestClient::create_with_options(options, user, Some(dir), false)
}

/// Logs `user` in through `url` with the platform's roots only (or
/// `tls`), on a fresh store; returns the login's error code.
async fn login_code(server: &TestServer, url: &str, tls: TlsConfig, user: &str) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut options = TimOptions::new(server.sdk_app_id(), url, dir.path());
    options.tls = tls;
    let tim = Tim::create(options);
    let error = within("a refused login", tim.login(user, &server.user_sig(user)))
        .await
        .expect_err("the login is refused");
    (error.code, error.message)
}

#[tokio::test]
async fn a_client_trusting_the_ca_chats_and_moves_files_over_wss_and_https() {
    let (server, ca, proxy) = server_behind_tls().await;
    let tls = TlsConfig::with_custom_ca(CustomCa::Pem(ca.pem().as_bytes().to_vec()));

    // Bob registers over https:// and logs in over wss:// with that grant.
    let grant =
        within("register", account::register_with(&tls, &proxy.https_url(), "bob", "bob-secret"))
            .await
            .expect("registration over https");
    let bob = tls_client(&server, &proxy, &ca, "bob");
    bob.login_and_wait(&grant.user_sig).await;
    let alice = tls_client(&server, &proxy, &ca, "alice");
    alice.login_and_wait(&server.user_sig("alice")).await;
    assert_eq!(alice.tim.net_state(), NetState::Connected);
    assert_eq!(alice.tim.net_error(), None);

    // Text both ways.
    alice.send_text("bob", "over TLS").await;
    let got = bob.events.wait_received(1).await;
    assert_eq!(text_of(&got[0]), "over TLS");
    bob.send_text("alice", "and back").await;
    assert_eq!(text_of(&alice.events.wait_received(1).await[0]), "and back");

    // A file up (resumable upload) and down, byte for byte, over https://.
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes: Vec<u8> =
        (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let path = dir.path().join("notes.bin");
    std::fs::write(&path, &bytes).expect("write the file");
    let message = alice
        .tim
        .create_file_message(CreateMessageOptions::c2c("bob".into(), FileSource::new(&path)))
        .expect("create a file message");
    let sent =
        within("send the file", alice.tim.send_message(&message, SendMessageOptions::default()))
            .await
            .expect("the file is uploaded and sent")
            .message;
    let received = bob.events.wait_received(2).await;
    let file = received.iter().find(|m| m.id == sent.id).expect("bob gets the file message");
    let downloaded = within("download", bob.tim.download_file(file, Rendition::Original))
        .await
        .expect("the download over https");
    assert_eq!(std::fs::read(&downloaded).expect("read the download"), bytes);
}

#[tokio::test]
async fn a_client_with_only_the_platform_roots_is_refused_as_untrusted() {
    let (server, _ca, proxy) = server_behind_tls().await;

    let (code, message) =
        login_code(&server, &proxy.ws_url(), TlsConfig::platform(), "alice").await;
    assert_eq!(code, code::TLS_CERTIFICATE_UNTRUSTED, "{message}");
    assert!(message.contains("not trusted"), "a clear message: {message}");

    // The account calls over https:// say the same.
    let refused = within("login over https", account::login(&proxy.https_url(), "alice", "x"))
        .await
        .expect_err("refused");
    assert_eq!(refused.code, code::TLS_CERTIFICATE_UNTRUSTED, "{}", refused.message);

    // So does a custom CA that did not issue the certificate.
    let other = TestCa::new("Someone else's CA");
    let tls = TlsConfig::with_custom_ca(CustomCa::Pem(other.pem().as_bytes().to_vec()));
    let (code, message) = login_code(&server, &proxy.ws_url(), tls, "alice").await;
    assert_eq!(code, code::TLS_CERTIFICATE_UNTRUSTED, "{message}");
}

#[tokio::test]
async fn a_certificate_for_another_host_name_is_refused() {
    let server = TestServer::start().await;
    let ca = TestCa::new("Confab test CA");
    let proxy = TlsProxy::start(server.addr(), &ca.issue(&["chat.example.org"])).await;
    let tls = TlsConfig::with_custom_ca(CustomCa::Pem(ca.pem().as_bytes().to_vec()));
    let (code, message) = login_code(&server, &proxy.ws_url(), tls.clone(), "alice").await;
    assert_eq!(code, code::TLS_CERTIFICATE_WRONG_HOST, "{message}");
    assert!(message.contains("another host name"), "a clear message: {message}");
    let refused = within(
        "register over https",
        account::register_with(&tls, &proxy.https_url(), "alice", "alice-secret"),
    )
    .await
    .expect_err("refused");
    assert_eq!(refused.code, code::TLS_CERTIFICATE_WRONG_HOST, "{}", refused.message);
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let server = TestServer::start().await;
    let ca = TestCa::new("Confab test CA");
    let proxy = TlsProxy::start(server.addr(), &ca.issue_expired(&["127.0.0.1"])).await;
    let tls = TlsConfig::with_custom_ca(CustomCa::Pem(ca.pem().as_bytes().to_vec()));
    let (code, message) = login_code(&server, &proxy.ws_url(), tls, "alice").await;
    assert_eq!(code, code::TLS_CERTIFICATE_EXPIRED, "{message}");
}

#[tokio::test]
async fn a_bad_ca_file_fails_the_login_with_its_code() {
    let (server, _ca, proxy) = server_behind_tls().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = TlsConfig::with_custom_ca(CustomCa::PemFile(dir.path().join("missing.pem")));
    let (code, message) = login_code(&server, &proxy.ws_url(), missing, "alice").await;
    assert_eq!(code, code::TLS_CA_FILE_INVALID, "{message}");
}

/// A client that synced before starts offline when the certificate is
/// refused, says why (`net_error`, one ERROR event) and keeps retrying
/// without repeating the report.
#[tokio::test]
async fn a_refused_certificate_on_reconnect_is_reported_once_not_retried_silently() {
    let (server, ca, proxy) = server_behind_tls().await;
    let alice = tls_client(&server, &proxy, &ca, "alice");
    alice.login_and_wait(&server.user_sig("alice")).await;
    let data_dir = alice.data_dir().to_path_buf();
    let _keep = alice.keep_dir();
    within("destroy", alice.tim.destroy()).await.expect("destroy");
    drop(alice);

    // The same store, but the client no longer trusts the certificate.
    let mut options = TimOptions::new(server.sdk_app_id(), proxy.ws_url(), &data_dir);
    options.tls = TlsConfig::platform();
    let again = TestClient::create_with_options(options, "alice", None, false);
    let result = within("offline login", again.tim.login("alice", &server.user_sig("alice")))
        .await
        .expect("starts offline from the local store");
    assert!(result.offline);
    let error = again.tim.net_error().expect("the reason is kept");
    assert_eq!(error.code, code::TLS_CERTIFICATE_UNTRUSTED);
    assert_ne!(again.tim.net_state(), NetState::Connected);

    // Several more attempts are made (each announces `connecting`)...
    again
        .events
        .wait_for("three more connection attempts", |events| {
            (events
                .iter()
                .filter(|e| matches!(e, Event::NetStateChange { state: NetState::Connecting }))
                .count()
                >= 4)
                .then_some(())
        })
        .await;
    // ...but the refusal was reported once.
    let reports = again.events.count(
        |e| matches!(e, Event::Error { code, .. } if *code == code::TLS_CERTIFICATE_UNTRUSTED),
    );
    assert_eq!(reports, 1, "reported once: {:?}", again.events.all());
    assert_eq!(again.tim.net_error().map(|e| e.code), Some(code::TLS_CERTIFICATE_UNTRUSTED));
}

/// `confabd` terminating TLS itself (`tls_cert_file`/`tls_key_file`, no
/// proxy): SDK clients that trust its CA register over `https://`, log in
/// over `wss://` and chat; a client with the platform's roots only is
/// refused as untrusted.
#[tokio::test]
async fn confabd_serves_tls_itself_to_sdk_clients() {
    let ca = TestCa::new("Self-hosted confabd CA");
    let pki = tempfile::tempdir().expect("temp dir");
    let (cert, key) = ca.issue(&["127.0.0.1", "localhost"]).write_pem(pki.path());
    let server = TestServer::start_with(|c| {
        c.tls_cert_file = Some(cert);
        c.tls_key_file = Some(key);
    })
    .await;
    assert!(server.ws_url().starts_with("wss://"), "{}", server.ws_url());
    assert!(server.http_url().starts_with("https://"), "{}", server.http_url());

    let tls = TlsConfig::with_custom_ca(CustomCa::Pem(ca.pem().as_bytes().to_vec()));
    let grant = within(
        "register over https",
        account::register_with(&tls, &server.http_url(), "bob", "bob-secret"),
    )
    .await
    .expect("registration over https");
    let client = |user: &str| {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let options = tls_options(server.sdk_app_id(), &server.ws_url(), dir.path(), &ca);
        TestClient::create_with_options(options, user, Some(dir), false)
    };
    let bob = client("bob");
    bob.login_and_wait(&grant.user_sig).await;
    let alice = client("alice");
    alice.login_and_wait(&server.user_sig("alice")).await;
    alice.send_text("bob", "straight to confabd over TLS").await;
    assert_eq!(text_of(&bob.events.wait_received(1).await[0]), "straight to confabd over TLS");

    let (refused, _) = login_code(&server, &server.ws_url(), TlsConfig::default(), "carol").await;
    assert_eq!(refused, code::TLS_CERTIFICATE_UNTRUSTED);
}
