//! `confabd admin …` against a real confabd process: an operator imports
//! users from a CSV file, sends them a message and kicks one, without curl.

use confab_tests::{confabd_binary, text_of, within, ConfabdProcess, TestClient, TEST_KEY};
use std::path::Path;
use std::process::Output;
use std::sync::Arc;

/// Runs `confabd <args>` with the process's configuration.
async fn confabd(data_dir: &Path, args: &[&str]) -> Output {
    let run = tokio::process::Command::new(confabd_binary())
        .args(args)
        .env("CONFABD_DATA_DIR", data_dir)
        .env("CONFABD_SECRET_KEY", TEST_KEY)
        .env("CONFABD_LOG", "warn")
        .output();
    within("confabd admin", run).await.expect("confabd runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn an_operator_imports_messages_and_kicks_users_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("server");
    let server = ConfabdProcess::start(&data).await;
    let url = format!("http://{}", server.addr);
    let csv = dir.path().join("users.csv");
    std::fs::write(&csv, "userID,nick,faceUrl\nalice,Alice,https://example.invalid/a.png\nbob\n")
        .expect("write the CSV");

    let imported =
        confabd(&data, &["admin", "--url", &url, "import-users", csv.to_str().expect("path")])
            .await;
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert_eq!(stdout(&imported), "imported 2 of 2 users\n");

    // alice logs in with a UserSig of the same key.
    let sig = stdout(&confabd(&data, &["usersig", "alice"]).await).trim().to_owned();
    let client_dir = Arc::new(tempfile::tempdir().expect("dir"));
    let options = confab_sdk::TimOptions::new(1_400_000_000, server.ws_url(), client_dir.path());
    let alice = TestClient::create_with_options(options, "alice", Some(client_dir), false);
    alice.login_and_wait(&sig).await;
    let me = within("profile", alice.tim.get_my_profile()).await.expect("profile");
    assert_eq!(me.nick, "Alice");

    // A message to many: whoever does not exist is named, the rest get it.
    let sent = confabd(
        &data,
        &[
            "admin",
            "--url",
            &url,
            "broadcast",
            "--text",
            "maintenance at 22:00",
            "--to",
            "alice,bob,nobody",
        ],
    )
    .await;
    assert!(!sent.status.success(), "one receiver does not exist");
    assert!(stderr(&sent).contains("nobody: not sent (90012)"), "{}", stderr(&sent));
    assert!(stdout(&sent).contains("sent to 2 of 3 users"), "{}", stdout(&sent));
    let got = alice.events.wait_received(1).await;
    assert_eq!(
        (got[0].from.as_str(), text_of(&got[0]).as_str()),
        ("administrator", "maintenance at 22:00")
    );

    let kicked = confabd(&data, &["admin", "--url", &url, "kick", "alice"]).await;
    assert!(kicked.status.success(), "{}", stderr(&kicked));
    let kind = alice.events.wait_kicked().await;
    assert_eq!(kind, "REST_API_Kick");
    let unknown = confabd(&data, &["admin", "--url", &url, "kick", "nobody"]).await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("70107"), "{}", stderr(&unknown));
    // A bad CSV is refused before anything is sent, naming the line.
    std::fs::write(&csv, "carol\n\"dave\n").expect("write");
    let bad =
        confabd(&data, &["admin", "--url", &url, "import-users", csv.to_str().expect("path")])
            .await;
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("line 2"), "{}", stderr(&bad));
}
