//! Message extensions through the SDK against a real server: pairs set on
//! an extensible message reach everyone in the conversation (the writer's
//! own instance too) as MESSAGE_EXTENSIONS_UPDATED / _DELETED; two clients
//! writing one key at once cannot both win (23001 with the winner's value,
//! inside a successful answer), and the loser's retry goes through; the
//! limits and the refusals have their codes; group members hear them too.

use confab_proto::code;
use confab_proto::group::GroupType;
use confab_sdk::{Event, Message, MessageExtension};
use confab_tests::{code_of, within, TestClient, TestServer};

fn ext(key: &str, value: &str) -> MessageExtension {
    MessageExtension { key: key.into(), value: value.into(), seq: 0 }
}

/// Sends a text (to a group with `group`), extensible when `extensible`.
async fn send(client: &TestClient, to: &str, group: bool, text: &str, extensible: bool) -> Message {
    let mut options = confab_tests::text_options(to, group, text);
    options.is_support_extension = extensible;
    client.send_with(options).await
}

/// Waits until `client` heard MESSAGE_EXTENSIONS_UPDATED for `id` setting
/// `key` to `value`.
async fn wait_updated(client: &TestClient, id: &str, key: &str, value: &str) {
    client
        .events
        .wait_for(&format!("{key}={value} at {}", client.user_id), |events| {
            events
                .iter()
                .any(|e| match e {
                    Event::MessageExtensionsUpdated { message_id, extensions } => {
                        message_id == id
                            && extensions.iter().any(|x| x.key == key && x.value == value)
                    }
                    _ => false,
                })
                .then_some(())
        })
        .await;
}

/// Waits until `client` heard MESSAGE_EXTENSIONS_DELETED for `id` with `keys`.
async fn wait_deleted(client: &TestClient, id: &str, keys: &[&str]) {
    client
        .events
        .wait_for(&format!("{keys:?} deleted at {}", client.user_id), |events| {
            events
                .iter()
                .any(|e| match e {
                    Event::MessageExtensionsDeleted { message_id, key_list } => {
                        message_id == id && key_list == keys
                    }
                    _ => false,
                })
                .then_some(())
        })
        .await;
}

// checklist 98 (isSupportExtension), 250-264 (setMessageExtensions),
// 266-269 (getMessageExtensions), 271-277 (deleteMessageExtensions),
// 1002-1008 (the two events).
#[tokio::test]
async fn extensions_reach_both_sides_and_a_concurrent_write_of_one_key_has_one_winner() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = send(&alice, "bob", false, "lunch?", true).await;
    let at_bob = bob.wait_received(&sent).await;
    assert!(at_bob.is_support_extension);

    // Alice reacts: both sides (alice's own instance too) hear it.
    let set = alice.tim.set_message_extensions(&sent, vec![ext("r:👍:alice", "1")]).await;
    assert_eq!(set.expect("set")[0].code, 0);
    wait_updated(&alice, &sent.id, "r:👍:alice", "1").await;
    wait_updated(&bob, &sent.id, "r:👍:alice", "1").await;
    let listed = bob.tim.get_message_extensions(&at_bob).await.expect("get");
    assert_eq!(listed.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), ["r:👍:alice"]);

    // Both write "poll" at once, each from "new": one wins, the other gets
    // 23001 with the winner's value, and its retry (from that version) wins.
    let (a, b) = tokio::join!(
        alice.tim.set_message_extensions(&sent, vec![ext("poll", "pizza")]),
        bob.tim.set_message_extensions(&at_bob, vec![ext("poll", "sushi")]),
    );
    let (a, b) = (a.expect("alice's answer"), b.expect("bob's answer"));
    let codes = [a[0].code, b[0].code];
    assert!(codes.contains(&0) && codes.contains(&code::MESSAGE_EXTENSION_CONFLICT), "{codes:?}");
    let (loser, loser_message, winner_value, mine) = if a[0].code == 0 {
        (&bob, &at_bob, "pizza", "sushi")
    } else {
        (&alice, &sent, "sushi", "pizza")
    };
    let lost = if a[0].code == 0 { &b[0] } else { &a[0] };
    assert_eq!(lost.value, winner_value, "the conflict carries the current value");
    let retry = loser.tim.set_message_extensions(loser_message, vec![ext("poll", mine)]).await;
    assert_eq!(retry.expect("retry")[0].code, 0);
    wait_updated(&alice, &sent.id, "poll", mine).await;
    wait_updated(&bob, &sent.id, "poll", mine).await;

    // Delete one key, then all of them.
    let deleted = alice.tim.delete_message_extensions(&sent, Some(vec!["poll".into()])).await;
    assert_eq!(deleted.expect("delete")[0].code, 0);
    wait_deleted(&bob, &sent.id, &["poll"]).await;
    bob.tim.delete_message_extensions(&at_bob, None).await.expect("delete all");
    wait_deleted(&alice, &sent.id, &["r:👍:alice"]).await;
    assert!(alice.tim.get_message_extensions(&sent).await.expect("get").is_empty());

    // Limits and refusals.
    let many: Vec<_> = (0..21).map(|i| ext(&format!("k{i}"), "v")).collect();
    assert_eq!(code_of(alice.tim.set_message_extensions(&sent, many).await), code::MALFORMED_FRAME);
    let long_key = ext(&"k".repeat(101), "v");
    assert_eq!(
        code_of(alice.tim.set_message_extensions(&sent, vec![long_key]).await),
        code::MALFORMED_FRAME
    );
    let long_value = ext("k", &"v".repeat(1025));
    assert_eq!(
        code_of(alice.tim.set_message_extensions(&sent, vec![long_value]).await),
        code::MALFORMED_FRAME
    );
    let plain = send(&alice, "bob", false, "no extensions", false).await;
    assert_eq!(
        code_of(alice.tim.set_message_extensions(&plain, vec![ext("k", "v")]).await),
        code::INVALID_OPERATION
    );
    // At most 300 on a message.
    for batch in 0..15 {
        let list: Vec<_> = (0..20).map(|i| ext(&format!("n{}", batch * 20 + i), "v")).collect();
        let done = alice.tim.set_message_extensions(&sent, list).await.expect("batch");
        assert!(done.iter().all(|r| r.code == 0));
    }
    assert_eq!(
        code_of(alice.tim.set_message_extensions(&sent, vec![ext("one-more", "v")]).await),
        code::MALFORMED_FRAME
    );
    assert_eq!(alice.tim.get_message_extensions(&sent).await.expect("get").len(), 300);
}

// checklist 261 (group members hear it), 264 (AVChatRoom has none).
#[tokio::test]
async fn group_members_hear_extensions_and_outsiders_are_refused() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group = within(
        "create",
        alice.tim.create_group(confab_tests::new_group(GroupType::Work, &["bob", "carol"])),
    )
    .await
    .expect("group")
    .group
    .group_id
    .0;
    let sent = send(&alice, &group, true, "vote: friday?", true).await;
    let at_bob = bob.wait_received(&sent).await;
    bob.tim.set_message_extensions(&at_bob, vec![ext("r:🎉:bob", "1")]).await.expect("react");
    wait_updated(&carol, &sent.id, "r:🎉:bob", "1").await;
    wait_updated(&alice, &sent.id, "r:🎉:bob", "1").await;

    let outsider = TestClient::login(&server, "dave").await;
    assert_eq!(
        code_of(outsider.tim.get_message_extensions(&sent).await),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
}
