//! The `confab` binary against a real server: register, send, list, page,
//! listen, and machine-readable failures with their exit codes.

use confab_server::clock::SystemClock;
use confab_server::config::Config;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn confab(profile: &Path, args: &[&str]) -> Output {
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_confab"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env_remove("CONFAB_SERVER")
        .env_remove("CONFAB_PASSWORD")
        .output();
    let out = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("confab finishes within a minute")
        .expect("confab runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn error_json(out: &Output) -> Value {
    let line = out.stderr.lines().rev().find(|l| l.starts_with('{')).expect("a JSON error line");
    json(line)
}

#[tokio::test]
async fn register_send_list_page_and_listen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config { data_dir: dir.path().join("server"), ..Config::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let server =
        confab_server::start(config, listener, Arc::new(SystemClock)).await.expect("server");
    let url = server.http_url();
    let alice = dir.path().join("alice");
    let bob = dir.path().join("bob");

    let out =
        confab(&alice, &["register", "alice", "--server", &url, "--password", "alice-secret"])
            .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["userID"], "alice");
    let out =
        confab(&bob, &["register", "bob", "--server", &url, "--password", "bob-secret!"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again = confab(
        &dir.path().join("x"),
        &["register", "alice", "--server", &url, "--password", "whatever1"],
    )
    .await;
    assert_eq!(again.code, 1);
    assert_eq!(error_json(&again)["code"], confab_proto::code::ACCOUNT_EXISTS);
    let wrong = confab(
        &dir.path().join("y"),
        &["login", "alice", "--server", &url, "--password", "wrong-pass"],
    )
    .await;
    assert_eq!(wrong.code, 1);
    assert_eq!(error_json(&wrong)["code"], confab_proto::code::INVALID_CREDENTIALS);

    // Bob's local store exists before alice writes, so `listen` sees it arrive.
    let out = confab(&bob, &["conversations"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout), serde_json::json!([]));

    let out = confab(&alice, &["send", "bob", "hello from the cli"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sent = json(&out.stdout);
    assert_eq!(sent["status"], "success");
    assert_eq!(sent["payload"]["text"], "hello from the cli");
    let out = confab(&alice, &["send", "bob", "{\"k\":1}", "--custom", "--description", "d"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["type"], "TIMCustomElem");

    let out = confab(&bob, &["listen", "--count", "2"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events: Vec<Value> = out.stdout.lines().map(json).collect();
    let received: Vec<&Value> = events
        .iter()
        .filter(|e| e["name"] == "onMessageReceived")
        .flat_map(|e| e["data"].as_array().expect("message list"))
        .collect();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["payload"]["text"], "hello from the cli");
    assert_eq!(received[1]["payload"]["data"], "{\"k\":1}");

    let out = confab(&bob, &["conversations"]).await;
    let list = json(&out.stdout);
    assert_eq!(list[0]["conversationID"], "C2Calice");
    assert_eq!(list[0]["unreadCount"], 2);
    let out = confab(&bob, &["history", "C2Calice", "--all"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let history = json(&out.stdout);
    assert_eq!(history["messageList"].as_array().expect("list").len(), 2);
    let out = confab(&bob, &["read", "C2Calice"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = confab(&bob, &["conversations"]).await;
    assert_eq!(json(&out.stdout)[0]["unreadCount"], 0);

    // Failures are machine-readable.
    let out = confab(&alice, &["send", "nobody", "x"]).await;
    assert_eq!(out.code, 1);
    assert_eq!(error_json(&out)["code"], confab_proto::code::USER_OR_GROUP_NOT_FOUND);
    let out = confab(&dir.path().join("nobody"), &["conversations"]).await;
    assert_eq!(out.code, 2, "no saved session is a usage error");

    server.shutdown().await.expect("shutdown");
}

/// `--ca-file` trusts a self-hosted server's CA: register over https://,
/// then (the CA file saved with the session) send over wss://. Without
/// it the certificate is refused with 90100; with an unreadable one, 90104.
#[tokio::test]
async fn ca_file_reaches_a_self_hosted_https_server() {
    use confab_proto::code;
    use confab_tests::tls::{TestCa, TlsProxy};
    let server = confab_tests::TestServer::start().await;
    let ca = TestCa::new("Self-hosted CA");
    let proxy = TlsProxy::start(server.addr(), &ca.issue(&["127.0.0.1"])).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = ca.write_pem(dir.path(), "ca.pem");
    let ca_file = ca_file.to_str().expect("UTF-8 path");
    let url = proxy.https_url();
    let (alice, bob) = (dir.path().join("alice"), dir.path().join("bob"));

    let refused =
        confab(&alice, &["register", "alice", "--server", &url, "--password", "alice-secret"])
            .await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_eq!(error_json(&refused)["code"], code::TLS_CERTIFICATE_UNTRUSTED);
    let missing = dir.path().join("missing.pem");
    let bad = confab(
        &alice,
        &[
            "register",
            "alice",
            "--server",
            &url,
            "--ca-file",
            missing.to_str().expect("UTF-8 path"),
            "--password",
            "alice-secret",
        ],
    )
    .await;
    assert_eq!(error_json(&bad)["code"], code::TLS_CA_FILE_INVALID);

    for (profile, user) in [(&alice, "alice"), (&bob, "bob")] {
        let password = format!("{user}-secret");
        let out = confab(
            profile,
            &["register", user, "--server", &url, "--ca-file", ca_file, "--password", &password],
        )
        .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let out = confab(&alice, &["send", "bob", "hello over TLS"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = confab(&bob, &["history", "C2Calice"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("hello over TLS"), "{}", out.stdout);
}
