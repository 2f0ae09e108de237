//! Sign-in: UserSig checks, the instance limit and signature expiry.

use confab_proto::{code, constants::types};
use confab_sdk::Event;
use confab_server::usersig::gen_user_sig;
use confab_tests::{within, TestClient, TestServer, START_MS};

const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

fn kicked_with(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::KickedOut { kick_type } => Some(kick_type.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn a_login_beyond_the_instance_limit_kicks_the_oldest() {
    let server = TestServer::start().await;
    let first = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let second = TestClient::login(&server, "alice").await;

    let kind = first.events.wait_for("KICKED_OUT", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_MULT_ACCOUNT);
    assert!(first.events.count(|e| matches!(e, Event::SdkNotReady)) >= 1);
    assert!(!first.tim.is_ready());
    let err = first.tim.send_message(&second.text("bob", "x"), Default::default()).await;
    assert_eq!(err.expect_err("kicked instance cannot send").code, code::SDK_IS_NOT_READY);

    // The new instance works; the old one stays out (it does not fight back).
    second.send_text("bob", "from the new instance").await;
    bob.events.wait_received(1).await;
    assert!(second.events.count(|e| matches!(e, Event::KickedOut { .. })) == 0);
    assert_eq!(first.transport.connect_count(), 1, "a kicked instance does not reconnect");
}

#[tokio::test]
async fn three_instances_with_a_limit_of_two_kick_only_the_first() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let a1 = TestClient::login(&server, "alice").await;
    let a2 = TestClient::login(&server, "alice").await;
    let a3 = TestClient::login(&server, "alice").await;
    let kind = a1.events.wait_for("a1 kicked", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_MULT_ACCOUNT);
    let bob = TestClient::login(&server, "bob").await;
    bob.send_text("alice", "to the two left").await;
    a2.events.wait_received(1).await;
    a3.events.wait_received(1).await;
    assert_eq!(a2.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
    assert_eq!(a3.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
}

#[tokio::test]
async fn invalid_wrong_app_and_expired_user_sigs_are_refused() {
    let server = TestServer::start().await;
    let now = START_MS / 1000;
    let cases = [
        ("garbage", "not-a-sig".to_owned(), code::USERSIG_INVALID),
        (
            "other key",
            gen_user_sig(server.sdk_app_id(), "another-key", "alice", 3600, now),
            code::USERSIG_INVALID,
        ),
        (
            "other user",
            gen_user_sig(server.sdk_app_id(), KEY, "bob", 3600, now),
            code::USERSIG_IDENTIFIER_MISMATCH,
        ),
        (
            "other app",
            gen_user_sig(server.sdk_app_id() + 1, KEY, "alice", 3600, now),
            code::USERSIG_SDKAPPID_MISMATCH,
        ),
        (
            "expired",
            gen_user_sig(server.sdk_app_id(), KEY, "alice", 60, now - 3600),
            code::ACCOUNT_A2KEY_EXPIRED,
        ),
    ];
    for (what, sig, expected) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let client = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
        let err = within("refused login", client.tim.login("alice", &sig)).await.expect_err(what);
        assert_eq!(err.code, expected, "{what}: {err:?}");
        assert!(!client.tim.is_ready(), "{what}");
        assert_eq!(client.events.count(|e| matches!(e, Event::SdkReady)), 0, "{what}");
    }
    // Missing fields are caught by the SDK itself.
    let dir = tempfile::tempdir().expect("temp dir");
    let client = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
    assert_eq!(client.tim.login("", "sig").await.expect_err("no user").code, code::NO_IDENTIFIER);
    assert_eq!(client.tim.login("alice", "").await.expect_err("no sig").code, code::NO_USERSIG);
    // The server is fine for a valid login afterwards.
    TestClient::login(&server, "alice").await;
}

#[tokio::test]
async fn a_user_sig_expiring_mid_session_kicks_with_user_sig_expired() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
    alice.login_and_wait(&server.user_sig_expiring("alice", 60)).await;
    server.clock.advance_ms(59_000);
    let bob = TestClient::login(&server, "bob").await;
    alice.send_text("bob", "still valid").await;
    bob.events.wait_received(1).await;
    server.clock.advance_ms(2_000);
    let kind = alice.events.wait_for("KICKED_OUT", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_USERSIG_EXPIRED);
    assert!(!alice.tim.is_ready());
}
