//! Several confabd nodes on one PostgreSQL database and one NATS server
//! (real engines, started by `scripts/services.sh`): alice, bob and carol
//! on different nodes chat one-to-one and in groups and every view is
//! asserted; a node killed with SIGKILL mid-load, NATS restarted mid-load
//! and PostgreSQL restarted lose nothing acknowledged and duplicate
//! nothing. These tests run in their own nextest group (`.config/nextest.toml`).

use confab_proto::group::{CreateGroup, GroupType};
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, Message, SendMessageOptions, TextPayload,
};
use confab_tests::cluster::{start_nodes, TestDatabase};
use confab_tests::{full_history, received_in, text_of, within, TestClient, TestServer};
use std::collections::HashSet;

/// Texts of messages, in order.
fn texts(messages: &[Message]) -> Vec<String> {
    messages.iter().map(text_of).collect()
}

/// Every message once, in sequence order, with these texts.
fn assert_exactly_once_in_order(messages: &[Message], expected: &[String]) {
    assert_eq!(texts(messages), expected, "order and content");
    let ids: HashSet<_> = messages.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids.len(), messages.len(), "every message once");
    assert!(messages.windows(2).all(|w| w[0].sequence < w[1].sequence), "sequences increase");
}

/// Sends a text to a group.
async fn send_group_text(client: &TestClient, group_id: &str, text: &str) -> Message {
    let message = client
        .tim
        .create_text_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(group_id.to_owned(), TextPayload { text: text.to_owned() })
        })
        .expect("create a group text");
    within("group send", client.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect("group send succeeds")
        .message
}

/// The messages of conversation `conversation` a client received as pushes.
fn received_from(client: &TestClient, conversation: &str) -> Vec<Message> {
    received_in(&client.events.all())
        .into_iter()
        .filter(|m| m.conversation_id == conversation)
        .collect()
}

/// Waits until `client` received `n` messages of `conversation`.
async fn wait_received_from(client: &TestClient, conversation: &str, n: usize) -> Vec<Message> {
    client
        .events
        .wait_for(&format!("{n} messages of {conversation}"), |events| {
            let got: Vec<Message> = received_in(events)
                .into_iter()
                .filter(|m| m.conversation_id == conversation)
                .collect();
            (got.len() >= n).then_some(got)
        })
        .await
}

/// alice on node 1, bob on node 2, carol on node 3.
async fn three_users(nodes: &[TestServer]) -> (TestClient, TestClient, TestClient) {
    let alice = TestClient::login(&nodes[0], "alice").await;
    let bob = TestClient::login(&nodes[1], "bob").await;
    let carol = TestClient::login(&nodes[2], "carol").await;
    (alice, bob, carol)
}

#[tokio::test]
async fn alice_bob_and_carol_chat_across_three_nodes() {
    let db = TestDatabase::new();
    let files = tempfile::tempdir().expect("files dir");
    let nats = confab_tests::cluster::shared_nats_url();
    let nodes = start_nodes(3, &db.url, &nats, files.path()).await;
    let (alice, bob, carol) = three_users(&nodes).await;

    // C2C: alice (node 1) → bob (node 2), and back.
    let sent = alice.send_text("bob", "hello from node 1").await;
    let got = wait_received_from(&bob, "C2Calice", 1).await;
    assert_eq!(got[0].id, sent.id);
    assert_eq!(text_of(&got[0]), "hello from node 1");
    bob.wait_total_unread(1).await;
    let reply = bob.send_text("alice", "hi from node 2").await;
    let got = wait_received_from(&alice, "C2Cbob", 1).await;
    assert_eq!(got[0].id, reply.id);
    // Both sides see the same conversation, in the same order.
    let expected = vec!["hello from node 1".to_owned(), "hi from node 2".to_owned()];
    assert_exactly_once_in_order(&full_history(&alice.tim, "C2Cbob").await, &expected);
    assert_exactly_once_in_order(&full_history(&bob.tim, "C2Calice").await, &expected);

    // bob reads: alice (another node) hears that her message was read.
    bob.tim.set_message_read("C2Calice").await.expect("read");
    alice
        .events
        .wait_for("alice learns bob read", |events| {
            events.iter().any(|e| matches!(e, Event::MessageReadByPeer(_))).then_some(())
        })
        .await;

    // A group carol (node 3) makes with alice and bob: every member, on
    // every node, hears of it and gets every message once, in order.
    let group = carol
        .tim
        .create_group(CreateGroup {
            name: "three nodes".into(),
            group_type: GroupType::Work,
            member_list: confab_tests::group_members(&["alice", "bob"]),
            ..CreateGroup::default()
        })
        .await
        .expect("create group")
        .group
        .group_id;
    let conversation = format!("GROUP{group}");
    for client in [&alice, &bob] {
        client
            .events
            .wait_for("the new group in the list", |events| {
                events
                    .iter()
                    .any(|e| match e {
                        Event::GroupListUpdated(list) => list.iter().any(|g| g.group_id == group),
                        _ => false,
                    })
                    .then_some(())
            })
            .await;
    }
    let mut expected = Vec::new();
    for (i, sender) in [&alice, &bob, &carol, &alice, &carol, &bob].into_iter().enumerate() {
        let text = format!("group message {i} from {}", sender.user_id);
        send_group_text(sender, group.as_str(), &text).await;
        expected.push(text);
    }
    for client in [&alice, &bob, &carol] {
        // Each gets the others' messages as pushes (its own it sent).
        let others: Vec<String> = expected
            .iter()
            .filter(|t| !t.ends_with(&format!("from {}", client.user_id)))
            .cloned()
            .collect();
        let got = wait_received_from(client, &conversation, others.len()).await;
        let got_texts: Vec<String> =
            texts(&got).into_iter().filter(|t| t.starts_with("group message")).collect();
        assert_eq!(got_texts, others, "{} got the others' messages once, in order", client.user_id);
        let history: Vec<Message> = full_history(&client.tim, &conversation)
            .await
            .into_iter()
            .filter(|m| text_of(m).starts_with("group message"))
            .collect();
        assert_exactly_once_in_order(&history, &expected);
    }
    // Nothing arrived twice anywhere.
    for client in [&alice, &bob, &carol] {
        let all = received_in(&client.events.all());
        let ids: HashSet<_> = all.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids.len(), all.len(), "{} got no duplicate", client.user_id);
    }
    assert!(received_from(&carol, "C2Calice").is_empty());
}
