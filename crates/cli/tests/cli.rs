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

/// A real confabd on 127.0.0.1 (any port), its data under `dir/server`.
async fn start_server(dir: &Path) -> confab_server::ServerHandle {
    let config = Config { data_dir: dir.join("server"), ..Config::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    confab_server::start(config, listener, Arc::new(SystemClock)).await.expect("server")
}

#[tokio::test]
async fn register_send_list_page_and_listen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path()).await;
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

/// `confab group …` and `send --group`: alice creates a Work group with bob,
/// bob writes in it and mentions alice, alice's conversation shows the
/// mention (CONV_AT_ME), a Public group is joined by ID, and the group's
/// refusals come back with their TIM codes.
#[tokio::test]
async fn groups_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path()).await;
    let url = server.http_url();
    let [alice, bob, carol] = ["alice", "bob", "carol"].map(|u| dir.path().join(u));
    for (profile, user) in [(&alice, "alice"), (&bob, "bob"), (&carol, "carol")] {
        let out =
            confab(profile, &["register", user, "--server", &url, "--password", "secret-pass"])
                .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
    }

    let out =
        confab(&alice, &["group", "create", "--name", "Team", "--id", "team", "--member", "bob"])
            .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created = json(&out.stdout);
    assert_eq!(created["group"]["groupID"], "team");
    assert_eq!(created["group"]["type"], "Private");
    let out = confab(&bob, &["group", "list"]).await;
    assert_eq!(json(&out.stdout)["groupList"][0]["groupID"], "team");
    let out = confab(&alice, &["group", "members", "team"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut members: Vec<String> = json(&out.stdout)["memberList"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["userID"].as_str().expect("userID").to_owned())
        .collect();
    members.sort();
    assert_eq!(members, ["alice", "bob"]);

    let out = confab(&bob, &["send", "team", "hi team", "--group"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["conversationID"], "GROUPteam");
    let out = confab(&bob, &["send", "team", "@alice look", "--group", "--at", "alice"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["atUserList"], serde_json::json!(["alice"]));
    let out = confab(&alice, &["conversations"]).await;
    let list = json(&out.stdout);
    let team = list
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["conversationID"] == "GROUPteam")
        .expect("the group's conversation");
    assert_eq!(team["unreadCount"], 2);
    // The conversation's groupAtInfoList names the mention of me (CONV_AT_ME = 1).
    assert_eq!(team["groupAtInfoList"][0]["atType"], 1);

    // carol is not a member: 10007; `--at` without `--group` is bad usage.
    let out = confab(&carol, &["send", "team", "let me in", "--group"]).await;
    assert_eq!(out.code, 1);
    assert_eq!(error_json(&out)["code"], 10007);
    let out = confab(&alice, &["send", "bob", "x", "--at", "bob"]).await;
    assert_eq!(out.code, 2, "--at needs --group");

    let out = confab(
        &alice,
        &[
            "group",
            "create",
            "--name",
            "Open",
            "--id",
            "open",
            "--type",
            "Public",
            "--join-option",
            "FreeAccess",
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = confab(&carol, &["group", "join", "open"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["status"], "JoinedSuccess");
    let out = confab(&alice, &["group", "remove", "open", "carol"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = confab(&carol, &["group", "list"]).await;
    assert_eq!(json(&out.stdout)["groupList"], serde_json::json!([]));
    // A Work group cannot be dismissed (2622 in TIM's table).
    let out = confab(&alice, &["group", "dismiss", "team"]).await;
    assert_eq!(out.code, 1);
    assert_eq!(error_json(&out)["code"], confab_proto::code::CANNOT_DISMISS_WORK);
    let out = confab(&alice, &["group", "create", "--name", "x", "--type", "NoSuchKind"]).await;
    assert_eq!(out.code, 2, "an unknown kind is a usage error: {}", out.stderr);

    server.shutdown().await.expect("shutdown");
}

/// `confab friend …`, `block` and `status`: alice asks bob, bob sees the
/// request and accepts, both list each other, the relation checks both
/// ways; a status set by bob is what alice reads; bob blocks alice and
/// the friendship ends while her message and her request are refused with
/// 20007.
#[tokio::test]
async fn friends_blacklist_and_status_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path()).await;
    let url = server.http_url();
    let [alice, bob] = ["alice", "bob"].map(|u| dir.path().join(u));
    for (profile, user) in [(&alice, "alice"), (&bob, "bob")] {
        let out =
            confab(profile, &["register", user, "--server", &url, "--password", "secret-pass"])
                .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
    }

    let out = confab(&alice, &["friend", "add", "bob", "--wording", "hi, it's alice"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["code"], confab_proto::relation::ADD_FRIEND_PENDING);
    let out = confab(&bob, &["friend", "requests"]).await;
    let requests = json(&out.stdout);
    assert_eq!(requests["unreadCount"], 1);
    assert_eq!(requests["friendApplicationList"][0]["wording"], "hi, it's alice");
    let out = confab(&bob, &["friend", "accept", "alice", "--remark", "Al"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (profile, other) in [(&alice, "bob"), (&bob, "alice")] {
        let out = confab(profile, &["friend", "list"]).await;
        assert_eq!(json(&out.stdout)["friendList"][0]["userID"], other, "{}", out.stdout);
    }
    let out = confab(&alice, &["friend", "check", "bob"]).await;
    assert_eq!(json(&out.stdout)["successUserIDList"][0]["relation"], "CheckResult_Type_BothWay");

    let out = confab(&bob, &["status", "set", "away for lunch"]).await;
    assert_eq!(json(&out.stdout)["customStatus"], "away for lunch");
    let out = confab(&alice, &["status", "get", "bob"]).await;
    let status = &json(&out.stdout)["successUserList"][0];
    assert_eq!(status["customStatus"], "away for lunch");
    // bob's CLI run ended and logged nothing out: his instance is offline.
    assert_eq!(status["statusType"], confab_proto::status::USER_STATUS_OFFLINE);

    let out = confab(&bob, &["block", "alice"]).await;
    assert_eq!(json(&out.stdout), serde_json::json!(["alice"]));
    let out = confab(&alice, &["friend", "list"]).await;
    assert_eq!(json(&out.stdout)["friendList"], serde_json::json!([]));
    let out = confab(&alice, &["send", "bob", "still there?"]).await;
    assert_eq!(error_json(&out)["code"], confab_proto::code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    let out = confab(&alice, &["friend", "add", "bob"]).await;
    assert_eq!(error_json(&out)["code"], confab_proto::code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    let out = confab(&bob, &["unblock", "alice"]).await;
    assert_eq!(json(&out.stdout), serde_json::json!([]));

    server.shutdown().await.expect("shutdown");
}
