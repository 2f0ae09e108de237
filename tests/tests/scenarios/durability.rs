//! Nothing acknowledged is lost and nothing is delivered twice: offline
//! bursts, cut connections, lost acknowledgements, server restarts and
//! `kill -9`.

use confab_sdk::{Event, NetState, SendMessageOptions};
use confab_tests::{text_of, within, TestClient, TestServer};
use std::collections::HashSet;

fn assert_exactly_once_in_order(messages: &[confab_sdk::Message], expected: &[String]) {
    let texts: Vec<String> = messages.iter().map(text_of).collect();
    assert_eq!(texts.len(), expected.len(), "message count");
    assert_eq!(texts, expected, "order and content");
    let ids: HashSet<_> = messages.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids.len(), messages.len(), "every message once");
    assert!(messages.windows(2).all(|w| w[0].sequence < w[1].sequence), "sequences increase");
}

#[tokio::test]
async fn five_hundred_messages_to_an_offline_user_arrive_once_in_order() {
    let server = // A bulk sender on a frozen clock: the send rate (tested in
    // `abuse`) is off.
    TestServer::start_with(|c| c.send_rate_per_sec = 0).await;
    let bob = TestClient::login(&server, "bob").await;
    let bob_dir = bob.keep_dir();
    let bob_path = bob.data_dir().to_path_buf();
    bob.tim.destroy().await.expect("bob goes away");
    drop(bob);

    let alice = TestClient::login(&server, "alice").await;
    let expected: Vec<String> = (0..500).map(|i| format!("m{i:03}")).collect();
    for text in &expected {
        alice.send_text("bob", text).await;
    }

    let bob = TestClient::login_at(&server, "bob", &bob_path).await;
    let received = bob.events.wait_received(500).await;
    assert_exactly_once_in_order(&received, &expected);
    assert_eq!(bob.tim.get_total_unread_message_count(), 500);
    let conv = bob.tim.get_conversation_profile("C2Calice").await.expect("conversation");
    assert_eq!(conv.unread_count, 500);
    assert_eq!(conv.last_message.as_ref().expect("last")["payload"]["text"], "m499");
    assert_exactly_once_in_order(&bob.history("C2Calice").await, &expected);
    // A brand-new instance pulls the same history from the server.
    let fresh = TestClient::login(&server, "bob").await;
    assert_eq!(fresh.tim.get_total_unread_message_count(), 500);
    assert_exactly_once_in_order(&fresh.history("C2Calice").await, &expected);
    drop(bob_dir);
}

#[tokio::test]
async fn a_connection_cut_mid_burst_loses_and_duplicates_nothing() {
    let server = // A bulk sender on a frozen clock: the send rate (tested in
    // `abuse`) is off.
    TestServer::start_with(|c| c.send_rate_per_sec = 0).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let expected: Vec<String> = (0..300).map(|i| format!("burst {i}")).collect();

    let sender = {
        let alice_tim = alice.tim.clone();
        let texts = expected.clone();
        tokio::spawn(async move {
            for text in texts {
                let m = alice_tim
                    .create_text_message(confab_sdk::CreateMessageOptions::c2c(
                        "bob".into(),
                        confab_proto::message::TextPayload { text },
                    ))
                    .expect("create");
                alice_tim.send_message(&m, SendMessageOptions::default()).await.expect("send");
            }
        })
    };
    bob.events.wait_received(40).await;
    bob.transport.cut();
    within("sender finishes", sender).await.expect("sender task");
    let received = bob.events.wait_received(300).await;
    assert_exactly_once_in_order(&received, &expected);
    assert!(bob.transport.connect_count() >= 2, "bob reconnected");
    assert!(
        bob.events.count(|e| matches!(e, Event::NetStateChange { state: NetState::Connecting }))
            >= 1
    );
    assert_eq!(bob.tim.get_total_unread_message_count(), 300);
    assert_exactly_once_in_order(&bob.history("C2Calice").await, &expected);
}

#[tokio::test]
async fn a_resend_after_a_lost_acknowledgement_creates_one_message() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    alice.transport.cut_after_send("sendMessage");
    let sent = alice.send_text("bob", "exactly once").await;
    assert_eq!(sent.status, "success");
    assert!(alice.transport.connect_count() >= 2, "the first acknowledgement was lost");
    let got = bob.events.wait_received(1).await;
    assert_eq!(got[0].id, sent.id);
    // A later message proves nothing else is in flight.
    alice.send_text("bob", "after").await;
    let got = bob.events.wait_received(2).await;
    assert_exactly_once_in_order(&got, &["exactly once".to_owned(), "after".to_owned()]);
    assert_exactly_once_in_order(
        &alice.history("C2Cbob").await,
        &["exactly once".to_owned(), "after".to_owned()],
    );
    assert_eq!(alice.events.received().len(), 0);
}

#[tokio::test]
async fn clients_ride_through_a_server_restart() {
    let mut server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let mut expected = Vec::new();
    for i in 0..10 {
        let text = format!("before {i}");
        alice.send_text("bob", &text).await;
        expected.push(text);
    }
    bob.events.wait_received(10).await;
    let connects = (alice.transport.connect_count(), bob.transport.connect_count());

    server.restart().await;

    // Both reconnect by themselves.
    for client in [&alice, &bob] {
        let before = if client.user_id == "alice" { connects.0 } else { connects.1 };
        let transport = client.transport.clone();
        client
            .events
            .wait_for("reconnected", |events| {
                (transport.connect_count() > before
                    && matches!(
                        events.iter().rev().find(|e| matches!(e, Event::NetStateChange { .. })),
                        Some(Event::NetStateChange { state: NetState::Connected })
                    ))
                .then_some(())
            })
            .await;
    }
    for i in 0..10 {
        let text = format!("after {i}");
        alice.send_text("bob", &text).await;
        expected.push(text);
    }
    let received = bob.events.wait_received(20).await;
    assert_exactly_once_in_order(&received, &expected);
    let fresh = TestClient::login(&server, "bob").await;
    assert_exactly_once_in_order(&fresh.history("C2Calice").await, &expected);
}

#[tokio::test]
async fn messages_sent_while_the_server_is_down_go_out_when_it_returns() {
    let mut server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    server.stop().await;
    alice
        .events
        .wait_for("alice sees the outage", |events| {
            events
                .iter()
                .any(|e| {
                    matches!(
                        e,
                        Event::NetStateChange {
                            state: NetState::Disconnected | NetState::Connecting
                        }
                    )
                })
                .then_some(())
        })
        .await;
    let queued = alice.text("bob", "written during the outage");
    let sending = {
        let tim = alice.tim.clone();
        let m = queued.clone();
        tokio::spawn(async move { tim.send_message(&m, SendMessageOptions::default()).await })
    };
    let pending = alice
        .events
        .wait_for("the queued message shows locally", |_| {
            alice.tim.find_message(&queued.id).filter(|m| m.status == "unSend")
        })
        .await;
    assert_eq!(text_of(&pending), "written during the outage");
    server.restart().await;
    let sent = within("queued send completes", sending).await.expect("task").expect("sent");
    assert_eq!(sent.message.status, "success");
    let got = bob.events.wait_received(1).await;
    assert_eq!(text_of(&got[0]), "written during the outage");
}

/// Logs a user into a real `confabd` process with a fresh store.
async fn process_client(
    server: &confab_tests::ConfabdProcess,
    user: &str,
    dir: &std::path::Path,
) -> confab_sdk::Tim {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let sig = confab_server::usersig::gen_user_sig(
        1_400_000_000,
        confab_tests::TEST_KEY,
        user,
        86_400,
        now,
    );
    let tim =
        confab_sdk::Tim::create(confab_sdk::TimOptions::new(1_400_000_000, server.ws_url(), dir));
    let mut events = tim.subscribe();
    within("login to confabd", tim.login(user, &sig)).await.expect("login");
    within("ready", async {
        while !tim.is_ready() {
            if let Ok(Event::SdkReady) = events.recv().await {
                break;
            }
        }
    })
    .await;
    tim
}

#[tokio::test]
async fn every_acknowledged_message_survives_kill_9_of_confabd() {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    confab_tests::init_logging();
    let data = tempfile::tempdir().expect("server dir");
    let clients = tempfile::tempdir().expect("client dirs");
    let server = confab_tests::ConfabdProcess::start(data.path()).await;
    let bob = process_client(&server, "bob", &clients.path().join("bob")).await;
    bob.destroy().await.expect("bob leaves");
    let alice = process_client(&server, "alice", &clients.path().join("alice")).await;

    // Many sends in flight; kill the server as soon as 150 are acknowledged.
    let mut in_flight = FuturesUnordered::new();
    for i in 0..400 {
        let tim = alice.clone();
        in_flight.push(async move {
            let m = tim
                .create_text_message(confab_sdk::CreateMessageOptions::c2c(
                    "bob".into(),
                    confab_proto::message::TextPayload { text: format!("durable {i}") },
                ))
                .expect("create");
            tim.send_message(&m, SendMessageOptions::default()).await
        });
    }
    let mut acknowledged = HashSet::new();
    within("150 acknowledgements", async {
        while acknowledged.len() < 150 {
            let sent = in_flight.next().await.expect("sends pending").expect("acknowledged send");
            acknowledged.insert(sent.message.id);
        }
    })
    .await;
    server.kill9().await;
    drop(in_flight);
    alice.destroy().await.expect("alice leaves");

    let server = confab_tests::ConfabdProcess::start(data.path()).await;
    let bob = process_client(&server, "bob", &clients.path().join("bob-fresh")).await;
    let mut stored = HashSet::new();
    let mut next = None;
    loop {
        let page = within(
            "history page",
            bob.get_message_list(confab_sdk::GetMessageListOptions {
                conversation_id: "C2Calice".into(),
                next_req_message_id: next,
            }),
        )
        .await
        .expect("history");
        stored.extend(page.message_list.iter().map(|m| m.id.clone()));
        if page.is_completed || page.message_list.is_empty() {
            break;
        }
        next = Some(page.next_req_message_id);
    }
    let lost: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "{} acknowledged messages lost after kill -9: {lost:?}", lost.len());
    assert!(stored.len() >= 150);
    bob.destroy().await.expect("bob leaves");
    server.kill9().await;
}

// The group form of the kill -9 guarantee (ARCHITECTURE.md: "An
// acknowledged message survives kill -9"), for a message stored once on a
// group's timeline: every member finds each acknowledged one exactly once,
// at the sequence its acknowledgement gave, in sequence order.
#[tokio::test]
async fn every_acknowledged_group_message_survives_kill_9_for_every_member() {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    confab_tests::init_logging();
    let data = tempfile::tempdir().expect("server dir");
    let clients = tempfile::tempdir().expect("client dirs");
    let server = confab_tests::ConfabdProcess::start(data.path()).await;
    for user in ["bob", "carol"] {
        let tim = process_client(&server, user, &clients.path().join(user)).await;
        tim.destroy().await.expect("leaves");
    }
    let alice = process_client(&server, "alice", &clients.path().join("alice")).await;
    let members = confab_tests::group_members(&["bob", "carol"]);
    let group_id = within(
        "create",
        alice.create_group(confab_proto::group::CreateGroup {
            name: "durable".into(),
            member_list: members,
            ..Default::default()
        }),
    )
    .await
    .expect("createGroup")
    .group
    .group_id
    .0;
    let conversation_id = format!("GROUP{group_id}");

    let mut in_flight = FuturesUnordered::new();
    for i in 0..300 {
        let tim = alice.clone();
        let to = group_id.clone();
        in_flight.push(async move {
            let m = tim
                .create_text_message(confab_sdk::CreateMessageOptions {
                    conversation_type: confab_sdk::ConversationType::Group,
                    // High is never held back by the group's own rate.
                    priority: confab_sdk::Priority::High,
                    ..confab_sdk::CreateMessageOptions::c2c(
                        to,
                        confab_proto::message::TextPayload { text: format!("group durable {i}") },
                    )
                })
                .expect("create");
            tim.send_message(&m, SendMessageOptions::default()).await
        });
    }
    let mut acknowledged = std::collections::HashMap::new();
    within("100 acknowledgements", async {
        while acknowledged.len() < 100 {
            let sent = in_flight.next().await.expect("sends pending").expect("acknowledged send");
            acknowledged.insert(sent.message.id, sent.message.sequence);
        }
    })
    .await;
    server.kill9().await;
    drop(in_flight);
    alice.destroy().await.expect("alice leaves");

    let server = confab_tests::ConfabdProcess::start(data.path()).await;
    for user in ["alice", "bob", "carol"] {
        let tim =
            process_client(&server, user, &clients.path().join(format!("{user}-fresh"))).await;
        let history: Vec<_> = confab_tests::full_history(&tim, &conversation_id)
            .await
            .into_iter()
            .filter(|m| m.r#type == confab_proto::constants::types::MSG_TEXT)
            .collect();
        let ids: HashSet<_> = history.iter().map(|m| m.id.clone()).collect();
        assert_eq!(ids.len(), history.len(), "{user}: every message once");
        assert!(history.windows(2).all(|w| w[0].sequence < w[1].sequence), "{user}: in order");
        for (id, sequence) in &acknowledged {
            let found = history.iter().find(|m| &m.id == id);
            assert_eq!(found.map(|m| m.sequence), Some(*sequence), "{user}: acknowledged {id}");
        }
        tim.destroy().await.expect("leaves");
    }
    server.kill9().await;
}
