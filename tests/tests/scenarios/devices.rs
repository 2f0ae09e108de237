//! Multi-instance versus multi-device, as TIM keeps them apart: web pages
//! of one account are limited in number (the oldest is kicked with
//! `multipleAccount`), terminals (the desktop app, the CLI) follow the
//! server's device policy (kicked with `multipleDevice`), and a web page and
//! a terminal are online together. Every instance here is a real SDK client
//! that says its platform at login.

use confab_proto::message::TextPayload;
use confab_proto::{code, constants::types};
use confab_sdk::{CreateMessageOptions, Event, Platform, TimOptions};
use confab_tests::{within, TestClient, TestServer};
use std::sync::Arc;

/// A new instance of `user` on `platform` (own fresh store), logged in and
/// ready.
async fn instance(server: &TestServer, user: &str, platform: Platform) -> TestClient {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let mut options = TimOptions::new(server.sdk_app_id(), server.ws_url(), dir.path());
    options.platform = platform;
    let client = TestClient::create_with_options(options, user, Some(dir), false);
    client.login_and_wait(&server.user_sig(user)).await;
    client
}

fn kicked_with(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::KickedOut { kick_type } => Some(kick_type.clone()),
        _ => None,
    })
}

/// Waits for `client`'s kick and checks what TIM promises about it: the
/// instance ran its logout first (SDK_NOT_READY before KICKED_OUT), can no
/// longer send, and does not reconnect to fight back.
async fn assert_kicked(client: &TestClient, expected: &str) {
    let kind = client.events.wait_for("KICKED_OUT", kicked_with).await;
    assert_eq!(kind, expected);
    let events = client.events.all();
    let not_ready = events.iter().rposition(|e| matches!(e, Event::SdkNotReady));
    let kicked = events.iter().position(|e| matches!(e, Event::KickedOut { .. }));
    assert!(not_ready.is_some() && not_ready < kicked, "logged out before KICKED_OUT: {events:?}");
    assert!(!client.tim.is_ready());
    let text = TextPayload { text: "x".into() };
    let refused =
        match client.tim.create_text_message(CreateMessageOptions::c2c("bob".into(), text)) {
            Ok(message) => client.tim.send_message(&message, Default::default()).await.map(|_| ()),
            Err(error) => Err(error),
        };
    assert_eq!(refused.expect_err("a kicked instance cannot send").code, code::SDK_IS_NOT_READY);
    assert_eq!(client.transport.connect_count(), 1, "a kicked instance does not reconnect");
}

/// Checks that every one of `clients` is online and was never kicked: bob's
/// message reaches each of them (a kicked session is out of the server's
/// registry, so the message could not).
async fn assert_online(server: &TestServer, clients: &[&TestClient], text: &str) {
    let bob = TestClient::login(server, "bob").await;
    let before: Vec<usize> = clients.iter().map(|c| c.events.received().len()).collect();
    bob.send_text("alice", text).await;
    for (client, seen) in clients.iter().zip(before) {
        let got = client.events.wait_received(seen + 1).await;
        assert_eq!(confab_tests::text_of(&got[seen]), text);
        assert_eq!(client.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
        assert!(client.tim.is_ready());
    }
}

// The default: "the desktop and a web page online together".
// checklist 39: the default limit is one *Web* instance; a terminal is not one.
// checklist 187: the account's other endpoints get what one of them sends.
#[tokio::test]
async fn a_desktop_app_and_a_web_page_are_online_together() {
    let server = TestServer::start().await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let web = instance(&server, "alice", Platform::Web).await;
    assert_online(&server, &[&desktop, &web], "to both").await;

    // Each endpoint sees what the other sends, as MESSAGE_RECEIVED.
    web.send_text("bob", "from the web page").await;
    let got = desktop.events.wait_received(2).await;
    assert_eq!(confab_tests::text_of(&got[1]), "from the web page");
    desktop.send_text("bob", "from the desktop").await;
    let got = web.events.wait_received(2).await;
    assert_eq!(confab_tests::text_of(&got[1]), "from the desktop");

    // A web page that logs in after the desktop does not displace it either.
    let later = instance(&server, "alice", Platform::Web).await;
    assert_kicked(&web, types::KICKED_OUT_MULT_ACCOUNT).await;
    assert_online(&server, &[&desktop, &later], "still both").await;
}

// checklist 1091: KICKED_OUT_MULT_DEVICE ('multipleDevice'): kicked by a
// login on another terminal.
// checklist 1094: the kicked instance has already logged out when the event
// fires.
#[tokio::test]
async fn a_second_desktop_kicks_the_first_with_multiple_device() {
    let server = TestServer::start().await;
    let first = instance(&server, "alice", Platform::Desktop).await;
    let web = instance(&server, "alice", Platform::Web).await;
    let second = instance(&server, "alice", Platform::Desktop).await;

    assert_kicked(&first, types::KICKED_OUT_MULT_DEVICE).await;
    // The new desktop and the web page work; the web page was not touched.
    assert_online(&server, &[&second, &web], "after the desktop switch").await;
}

// checklist 40-41: by default one Web instance per account; a login on
// another page kicks the first with KICKED_OUT_MULT_ACCOUNT.
// checklist 1124: the multi-instance rule is about web instances; the
// desktop app of the same account stays.
#[tokio::test]
async fn a_second_web_page_kicks_the_first_with_multiple_account_and_not_the_desktop() {
    let server = TestServer::start().await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let first = instance(&server, "alice", Platform::Web).await;
    let second = instance(&server, "alice", Platform::Web).await;

    assert_kicked(&first, types::KICKED_OUT_MULT_ACCOUNT).await;
    assert_online(&server, &[&desktop, &second], "after the page switch").await;
}

// checklist 42, 49-52: with the web limit at 2, a third web login kicks
// exactly one, normally the first; the others (and the terminal) keep
// working.
#[tokio::test]
async fn with_two_web_pages_allowed_a_third_kicks_only_the_first() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let a1 = instance(&server, "alice", Platform::Web).await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let a2 = instance(&server, "alice", Platform::Web).await;
    let a3 = instance(&server, "alice", Platform::Web).await;

    assert_kicked(&a1, types::KICKED_OUT_MULT_ACCOUNT).await;
    assert_online(&server, &[&a2, &a3, &desktop], "to the three left").await;
}

// TIM's default device policy is "one terminal": the CLI is a terminal
// too, so it displaces the desktop app (and a web page beside both stays).
#[tokio::test]
async fn under_the_default_policy_the_cli_kicks_the_desktop() {
    let server = TestServer::start().await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let web = instance(&server, "alice", Platform::Web).await;
    let cli = instance(&server, "alice", Platform::Cli).await;

    assert_kicked(&desktop, types::KICKED_OUT_MULT_DEVICE).await;
    assert_online(&server, &[&cli, &web], "to the CLI and the page").await;
}

// The configurable device policy: `per-platform` keeps one terminal of each
// platform, so the desktop app and the CLI are online together, and only a
// second terminal of the same platform kicks (multipleDevice).
#[tokio::test]
async fn the_per_platform_policy_keeps_a_desktop_and_a_cli_together() {
    let server = TestServer::start_with(|c| {
        c.device_policy = confab_server::config::DevicePolicy::PerPlatform;
    })
    .await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let cli = instance(&server, "alice", Platform::Cli).await;
    let web = instance(&server, "alice", Platform::Web).await;
    assert_online(&server, &[&desktop, &cli, &web], "to all three").await;

    let cli2 = instance(&server, "alice", Platform::Cli).await;
    assert_kicked(&cli, types::KICKED_OUT_MULT_DEVICE).await;
    assert_online(&server, &[&desktop, &cli2, &web], "after the CLI switch").await;

    let desktop2 = instance(&server, "alice", Platform::Desktop).await;
    assert_kicked(&desktop, types::KICKED_OUT_MULT_DEVICE).await;
    assert_online(&server, &[&desktop2, &cli2, &web], "after the desktop switch").await;
}

// checklist 48 and 1126: logout on one instance never affects the others,
// across platforms too.
#[tokio::test]
async fn logging_out_one_platform_leaves_the_other_online() {
    let server = TestServer::start().await;
    let desktop = instance(&server, "alice", Platform::Desktop).await;
    let web = instance(&server, "alice", Platform::Web).await;
    within("logout", desktop.tim.logout()).await.expect("logout");
    assert_online(&server, &[&web], "to the page left").await;
    assert_eq!(desktop.events.count(|e| matches!(e, Event::KickedOut { .. })), 0);
}
