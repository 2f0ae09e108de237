//! Session keys: UserSigs issued for a password stop working when the user
//! logs out, signs out of all devices or changes the password, and the SDK
//! renews them while logged in so a short lifetime costs nothing.

use confab_proto::ops::{ChangePassword, RenewUserSig};
use confab_proto::{code, constants::types};
use confab_sdk::account;
use confab_sdk::{Event, Grant, NetState};
use confab_tests::{within, ManualSdkClock, RawClient, TestClient, TestServer, START_MS};
use std::sync::Arc;

const PASSWORD: &str = "alice-password-1";
const NEW_PASSWORD: &str = "alice-password-2";

fn kicked_with(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::KickedOut { kick_type } => Some(kick_type.clone()),
        _ => None,
    })
}

fn renewed_sigs(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::UserSigRenewed { user_sig, .. } => Some(user_sig.clone()),
            _ => None,
        })
        .collect()
}

async fn register(server: &TestServer, user: &str, password: &str) -> Grant {
    within("register", account::register(&server.http_url(), user, password))
        .await
        .expect("registration")
}

async fn password_login(server: &TestServer, user: &str, password: &str) -> Grant {
    within("password login", account::login(&server.http_url(), user, password))
        .await
        .expect("password login")
}

/// A new instance of `user` (own fresh store) logged in with `user_sig`.
async fn instance(server: &TestServer, user: &str, user_sig: &str) -> TestClient {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let client = TestClient::create(server, user, dir.path().to_path_buf(), Some(dir), false);
    client.login_and_wait(user_sig).await;
    client
}

/// The code a fresh instance's login with `user_sig` is refused with.
async fn refused_login(server: &TestServer, user: &str, user_sig: &str) -> i32 {
    let dir = tempfile::tempdir().expect("temp dir");
    let client = TestClient::create(server, user, dir.path().to_path_buf(), None, false);
    let err = within("refused login", client.tim.login(user, user_sig))
        .await
        .expect_err("the UserSig must be refused");
    assert!(!client.tim.is_ready());
    err.code
}

#[tokio::test]
async fn signing_out_everywhere_kicks_every_instance_and_retires_every_user_sig() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 4).await;
    let grant = register(&server, "alice", PASSWORD).await;
    let second = password_login(&server, "alice", PASSWORD).await;
    let minted_before = server.user_sig("alice");
    let a1 = instance(&server, "alice", &grant.user_sig).await;
    let a2 = instance(&server, "alice", &second.user_sig).await;
    // An instance that is offline while it happens learns it when it
    // reconnects.
    let a3 = instance(&server, "alice", &second.user_sig).await;
    a3.transport.set_offline(true);

    within("sign out everywhere", a1.tim.sign_out_everywhere()).await.expect("signed out");
    assert!(!a1.tim.is_ready());
    assert_eq!(a1.events.count(|e| matches!(e, Event::SdkNotReady)), 1);
    assert_eq!(a1.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
    let kind = a2.events.wait_for("a2 kicked", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_USERSIG_EXPIRED);
    assert!(!a2.tim.is_ready());
    a3.transport.set_offline(false);
    let kind = a3.events.wait_for("a3 refused on reconnect", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_USERSIG_EXPIRED);

    // Every UserSig issued so far is refused, password-issued or minted.
    for sig in [&grant.user_sig, &second.user_sig, &minted_before] {
        assert_eq!(refused_login(&server, "alice", sig).await, code::ACCOUNT_A2KEY_EXPIRED);
    }
    // A sig minted in the very second of the sign-out is refused too
    // (whole seconds cannot tell before from after); a second later works.
    let same_second = server.user_sig("alice");
    assert_eq!(refused_login(&server, "alice", &same_second).await, code::ACCOUNT_A2KEY_EXPIRED);
    server.clock.advance_ms(1_000);
    instance(&server, "alice", &server.user_sig("alice")).await;
    // The password still works and issues a working sig.
    let again = password_login(&server, "alice", PASSWORD).await;
    instance(&server, "alice", &again.user_sig).await;
}

#[tokio::test]
async fn changing_the_password_signs_the_others_out_and_only_the_new_sig_works() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 4).await;
    let grant = register(&server, "alice", PASSWORD).await;
    let other = password_login(&server, "alice", PASSWORD).await;
    let a1 = instance(&server, "alice", &grant.user_sig).await;
    let a2 = instance(&server, "alice", &other.user_sig).await;
    let bob = TestClient::login(&server, "bob").await;

    let wrong = a1.tim.change_password("not the password", NEW_PASSWORD).await;
    assert_eq!(wrong.expect_err("wrong old password").code, code::INVALID_CREDENTIALS);
    let short = a1.tim.change_password(PASSWORD, "short").await;
    assert_eq!(short.expect_err("short new password").code, code::INVALID_PASSWORD);
    // The server enforces the rules itself, whatever the client checks.
    let mut raw = RawClient::login(&server, "alice").await;
    let raw_short = raw
        .call(&ChangePassword { old_password: PASSWORD.into(), new_password: "short".into() })
        .await;
    assert_eq!(raw_short.expect_err("short new password").code, code::INVALID_PASSWORD);
    assert_eq!(a2.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);

    let issued = within("change password", a1.tim.change_password(PASSWORD, NEW_PASSWORD))
        .await
        .expect("password changed");
    let kind = a2.events.wait_for("a2 kicked", kicked_with).await;
    assert_eq!(kind, types::KICKED_OUT_USERSIG_EXPIRED);
    // The caller goes on and is told its new sig (to store it).
    assert!(a1.tim.is_ready());
    let told = a1.events.wait_for("onUserSigRenewed", |events| renewed_sigs(events).pop()).await;
    assert_eq!(told, issued.user_sig);
    a1.send_text("bob", "still here").await;
    bob.events.wait_received(1).await;
    assert_eq!(a1.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);

    for sig in [&grant.user_sig, &other.user_sig] {
        assert_eq!(refused_login(&server, "alice", sig).await, code::ACCOUNT_A2KEY_EXPIRED);
    }
    instance(&server, "alice", &issued.user_sig).await;
    let old = account::login(&server.http_url(), "alice", PASSWORD).await;
    assert_eq!(old.expect_err("old password").code, code::INVALID_CREDENTIALS);
    password_login(&server, "alice", NEW_PASSWORD).await;
}

#[tokio::test]
async fn a_logout_retires_the_password_issued_user_sig_of_that_instance_only() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 4).await;
    let grant = register(&server, "alice", PASSWORD).await;
    let other = password_login(&server, "alice", PASSWORD).await;
    let a1 = instance(&server, "alice", &grant.user_sig).await;
    let a2 = instance(&server, "alice", &other.user_sig).await;

    within("logout", a1.tim.logout()).await.expect("logout");
    assert_eq!(refused_login(&server, "alice", &grant.user_sig).await, code::ACCOUNT_A2KEY_EXPIRED);
    // The other instance and its sig are untouched.
    assert!(a2.tim.is_ready());
    a2.events.clear();
    a2.transport.cut();
    a2.events
        .wait_for("a2 reconnected", |events| {
            events
                .iter()
                .any(|e| matches!(e, Event::NetStateChange { state: NetState::Connected }))
                .then_some(())
        })
        .await;
    instance(&server, "alice", &other.user_sig).await;
    assert_eq!(a2.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);

    // A sig an application minted is the application's to reuse (as in TIM).
    let minted = server.user_sig("alice");
    let a3 = instance(&server, "alice", &minted).await;
    within("logout", a3.tim.logout()).await.expect("logout");
    instance(&server, "alice", &minted).await;
}

#[tokio::test]
async fn a_short_user_sig_is_renewed_while_logged_in_and_a_restart_uses_the_renewed_one() {
    let server = TestServer::start_with(|c| {
        c.user_sig_expire_secs = 60;
        c.heartbeat_interval_ms = 1_000;
    })
    .await;
    let grant = register(&server, "alice", PASSWORD).await;
    assert_eq!(grant.expire_at, START_MS / 1000 + 60);
    let sdk_clock = ManualSdkClock::new(START_MS);
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let alice = TestClient::create_with_clock(
        &server,
        "alice",
        dir.path().to_path_buf(),
        Some(Arc::clone(&dir)),
        false,
        Some(sdk_clock.clone()),
    );
    alice.login_and_wait(&grant.user_sig).await;
    let bob = TestClient::login(&server, "bob").await;

    // Past half of its life (both clocks move; the SDK renews at a heartbeat).
    server.clock.advance_ms(31_000);
    sdk_clock.advance_ms(31_000);
    let renewed = alice
        .events
        .wait_for("UserSig renewed", |events| renewed_sigs(events).first().cloned())
        .await;
    assert_ne!(renewed, grant.user_sig);

    // Past the first sig's expiry (but not half of the new one's life): the
    // session was not kicked, it works.
    server.clock.advance_ms(29_500);
    sdk_clock.advance_ms(29_500);
    bob.send_text("alice", "after the first sig's expiry").await;
    alice.events.wait_received(1).await;
    alice.send_text("bob", "and back").await;
    bob.events.wait_received(1).await;
    assert_eq!(alice.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
    assert_eq!(renewed_sigs(&alice.events.all()), vec![renewed.clone()]);

    // A restart logs in with the renewed sig; the first one is dead.
    drop(alice);
    assert_eq!(refused_login(&server, "alice", &grant.user_sig).await, code::ACCOUNT_A2KEY_EXPIRED);
    let restarted = TestClient::create_with_clock(
        &server,
        "alice",
        dir.path().to_path_buf(),
        Some(dir),
        false,
        Some(sdk_clock),
    );
    restarted.login_and_wait(&renewed).await;
    assert_eq!(
        confab_tests::text_of(&restarted.history("C2Cbob").await[0]),
        "after the first sig's expiry"
    );
}

#[tokio::test]
async fn a_user_sig_minted_elsewhere_is_not_renewed_by_the_server() {
    let server = TestServer::start().await;
    let mut raw = RawClient::login(&server, "alice").await;
    let refused = raw.call(&RenewUserSig {}).await.expect_err("not renewable");
    assert_eq!(refused.code, code::USERSIG_NOT_RENEWABLE);
}
