//! The relation chain through the SDK against a real server: alice blocks
//! and unblocks, every instance of hers (online, offline, a fresh store)
//! follows, and messages between blocked users are refused both ways.

use confab_proto::code;
use confab_sdk::{Event, SendMessageOptions};
use confab_tests::{within, TestClient, TestServer};

/// How many BLACKLIST_UPDATED events `client` fired.
fn blacklist_events(client: &TestClient) -> usize {
    client.events.count(|e| matches!(e, Event::BlacklistUpdated(_)))
}

/// The code a C2C text from `from` to `to` is refused with (0: sent).
async fn send_code(from: &TestClient, to: &str, text: &str) -> i32 {
    let message = from.text(to, text);
    match within("send", from.tim.send_message(&message, SendMessageOptions::default())).await {
        Ok(_) => 0,
        Err(e) => e.code,
    }
}

// checklist 505-512 (addToBlacklist), 514-518 (removeFromBlacklist), 502
// (getBlacklist), 1070 (BLACKLIST_UPDATED).
#[tokio::test]
async fn a_blacklist_refuses_messages_both_ways_and_follows_every_instance() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 3).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    // checklist 510: the answer is the whole list; 511: the event fires.
    let list = alice.tim.add_to_blacklist(vec!["bob".into()]).await.expect("block bob");
    assert_eq!(list, ["bob"]);
    alice.events.wait_blacklist(&["bob"]).await;
    alice2.events.wait_blacklist(&["bob"]).await;
    assert_eq!(alice2.tim.get_blacklist().await.expect("list"), ["bob"]);

    // checklist 508: neither side can message the other (20007).
    assert_eq!(send_code(&bob, "alice", "let me in").await, code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    assert_eq!(send_code(&alice, "bob", "go away").await, code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    assert_eq!(send_code(&carol, "alice", "hi").await, 0, "others are not affected");

    // Refusals change nothing. checklist 512: not oneself (2742).
    let refused = |e: confab_sdk::TimError| e.code;
    let err = alice.tim.add_to_blacklist(vec!["alice".into()]).await.map_err(refused);
    assert_eq!(err, Err(code::CANNOT_ADD_SELF_TO_BLACKLIST));
    let err = alice.tim.add_to_blacklist(vec!["nobody".into()]).await.map_err(refused);
    assert_eq!(err, Err(code::USER_OR_GROUP_NOT_FOUND));
    let err = alice.tim.add_to_blacklist(Vec::new()).await.map_err(refused);
    assert_eq!(err, Err(code::MALFORMED_FRAME));
    // checklist 506: at most 1,000 userIDs per call.
    let many: Vec<String> = (0..1001).map(|n| format!("u{n}")).collect();
    let err = alice.tim.remove_from_blacklist(many).await.map_err(refused);
    assert_eq!(err, Err(code::MALFORMED_FRAME));
    assert_eq!(alice.tim.get_blacklist().await.expect("list"), ["bob"]);

    // Already there keeps its place; a name twice counts once.
    let list = alice
        .tim
        .add_to_blacklist(vec!["carol".into(), "bob".into(), "carol".into()])
        .await
        .expect("block carol");
    assert_eq!(list, ["bob", "carol"]);
    alice2.events.wait_blacklist(&["bob", "carol"]).await;

    // A fresh store learns the list when it begins.
    let alice3 = TestClient::login(&server, "alice").await;
    alice3.events.wait_blacklist(&["bob", "carol"]).await;
    assert_eq!(alice3.tim.get_blacklist().await.expect("list"), ["bob", "carol"]);

    // An instance that was offline catches up through its inbox.
    alice2.transport.set_offline(true);
    let list = alice.tim.remove_from_blacklist(vec!["carol".into()]).await.expect("unblock");
    assert_eq!(list, ["bob"]);
    alice2.transport.set_offline(false);
    alice2.events.wait_blacklist(&["bob"]).await;

    // checklist 518: once unblocked, messages go again.
    let list = alice.tim.remove_from_blacklist(vec!["bob".into()]).await.expect("unblock bob");
    assert!(list.is_empty());
    alice3.events.wait_blacklist(&[]).await;
    assert_eq!(send_code(&bob, "alice", "friends again?").await, 0);
    assert_eq!(send_code(&alice, "bob", "maybe").await, 0);

    // The calling instance heard each change once (its answer and its
    // inbox echo do not both announce it): bob, carol, -carol, -bob.
    assert_eq!(blacklist_events(&alice), 4);
}
