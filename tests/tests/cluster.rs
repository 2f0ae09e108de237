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
        confab_tests::cluster::wait_group_listed(client, group.as_str()).await;
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

/// A UserSig the process nodes accept (they run on the real clock).
fn process_user_sig(user: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    confab_server::usersig::gen_user_sig(
        1_400_000_000,
        confab_tests::TEST_KEY,
        user,
        86_400,
        i64::try_from(now).expect("seconds fit"),
    )
}

/// `user` logged in through `url` (a balancer), with a fresh local store.
async fn client_at(url: &str, user: &str) -> TestClient {
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("client dir"));
    let options = confab_sdk::TimOptions::new(1_400_000_000, url.to_owned(), dir.path());
    let client = TestClient::create_with_options(options, user, Some(dir), false);
    client.login_and_wait(&process_user_sig(user)).await;
    client
}

#[tokio::test]
async fn nodes_killed_with_sigkill_mid_load_lose_and_duplicate_nothing() {
    use confab_tests::cluster::Balancer;
    use confab_tests::ConfabdProcess;
    confab_tests::init_logging();
    let db = TestDatabase::new();
    let files = tempfile::tempdir().expect("files dir");
    let data = tempfile::tempdir().expect("node dirs");
    let nats = confab_tests::cluster::shared_nats_url();
    let mut nodes = Vec::new();
    for i in 1..=3 {
        let node = format!("node-{i}");
        let dir = data.path().join(&node);
        nodes.push(Some(
            ConfabdProcess::start_node(&dir, &node, &db.url, &nats, files.path()).await,
        ));
    }
    let balancer =
        Balancer::start(nodes.iter().flatten().map(|n| n.addr).collect::<Vec<_>>()).await;
    // Turn by turn: bob lands on node 1, alice on node 2.
    let bob = client_at(&balancer.ws_url(), "bob").await;
    let alice = client_at(&balancer.ws_url(), "alice").await;

    // alice sends 300 messages one after another; node 2 (hers) dies
    // after 100 are acknowledged, node 1 (bob's) after 200.
    let expected: Vec<String> = (0..300).map(|i| format!("load {i:03}")).collect();
    let (acked, mut acks) = tokio::sync::mpsc::unbounded_channel();
    let sender = {
        let tim = alice.tim.clone();
        let texts = expected.clone();
        tokio::spawn(async move {
            for text in texts {
                let m = tim
                    .create_text_message(CreateMessageOptions::c2c(
                        "bob".into(),
                        TextPayload { text },
                    ))
                    .expect("create");
                let sent = tim.send_message(&m, SendMessageOptions::default()).await;
                let sent = sent.expect("every send is acknowledged in the end");
                if acked.send(sent.message.id).is_err() {
                    return;
                }
            }
        })
    };
    let mut acknowledged = Vec::new();
    for (kill_after, node) in [(100, 1), (200, 0)] {
        within("acknowledgements", async {
            while acknowledged.len() < kill_after {
                acknowledged.push(acks.recv().await.expect("sender runs"));
            }
        })
        .await;
        nodes[node].take().expect("node runs").kill9().await;
    }
    within("the sender finishes", sender).await.expect("sender task");
    while let Ok(id) = acks.try_recv() {
        acknowledged.push(id);
    }
    assert_eq!(acknowledged.len(), 300, "every send was acknowledged");
    assert!(alice.transport.connect_count() >= 2, "alice's node died under her");
    assert!(bob.transport.connect_count() >= 2, "bob's node died under him");

    // bob got every message exactly once, in order, through two dead nodes.
    let received = wait_received_from(&bob, "C2Calice", 300).await;
    assert_exactly_once_in_order(&received, &expected);
    assert_eq!(
        received.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        acknowledged,
        "what was acknowledged is what arrived"
    );
    bob.wait_total_unread(300).await;
    assert_exactly_once_in_order(&full_history(&bob.tim, "C2Calice").await, &expected);
    assert_exactly_once_in_order(&full_history(&alice.tim, "C2Cbob").await, &expected);
    // A new instance on the last node reads the same from the database.
    let fresh = client_at(&balancer.ws_url(), "bob").await;
    assert_exactly_once_in_order(&full_history(&fresh.tim, "C2Calice").await, &expected);
    assert_eq!(db.count("SELECT COUNT(*) FROM messages"), 300);
}

/// alice sends `texts` one after another in a task; each acknowledged ID
/// comes out of the receiver.
fn send_all(
    alice: &TestClient,
    to: &str,
    texts: Vec<String>,
) -> (tokio::task::JoinHandle<()>, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let (acked, acks) = tokio::sync::mpsc::unbounded_channel();
    let tim = alice.tim.clone();
    let to = to.to_owned();
    let task = tokio::spawn(async move {
        for text in texts {
            let m = tim
                .create_text_message(CreateMessageOptions::c2c(to.clone(), TextPayload { text }))
                .expect("create");
            let sent = tim.send_message(&m, SendMessageOptions::default()).await;
            let sent = sent.expect("every send is acknowledged in the end");
            if acked.send(sent.message.id).is_err() {
                return;
            }
        }
    });
    (task, acks)
}

/// Takes acknowledgements until `n` were seen in all.
async fn acknowledged_until(
    acks: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    seen: &mut Vec<String>,
    n: usize,
) {
    within("acknowledgements", async {
        while seen.len() < n {
            seen.push(acks.recv().await.expect("sender runs"));
        }
    })
    .await;
}

#[tokio::test]
async fn nats_restarted_mid_load_loses_and_duplicates_nothing() {
    use confab_tests::cluster::PrivateNats;
    let nats = PrivateNats::start();
    let db = TestDatabase::new();
    let files = tempfile::tempdir().expect("files dir");
    let nodes = start_nodes(2, &db.url, &nats.url(), files.path()).await;
    let alice = TestClient::login(&nodes[0], "alice").await;
    let bob = TestClient::login(&nodes[1], "bob").await;
    let bob_connects = bob.transport.connect_count();

    let expected: Vec<String> = (0..200).map(|i| format!("through NATS {i:03}")).collect();
    let (sender, mut acks) = send_all(&alice, "bob", expected.clone());
    let mut acknowledged = Vec::new();
    acknowledged_until(&mut acks, &mut acknowledged, 60).await;
    // NATS dies: sends go on (the store does not need it), pushes stop.
    nats.stop();
    acknowledged_until(&mut acks, &mut acknowledged, 120).await;
    nats.start_again();
    within("the sender finishes", sender).await.expect("sender task");
    while let Ok(id) = acks.try_recv() {
        acknowledged.push(id);
    }
    assert_eq!(acknowledged.len(), 200);

    // Node 2 found its NATS link back and had bob catch up from the store.
    let received = wait_received_from(&bob, "C2Calice", 200).await;
    assert_exactly_once_in_order(&received, &expected);
    assert!(bob.transport.connect_count() > bob_connects, "bob was told to resync");
    assert_exactly_once_in_order(&full_history(&bob.tim, "C2Calice").await, &expected);
    // And pushes flow again across nodes.
    alice.send_text("bob", "after the restart").await;
    let got = wait_received_from(&bob, "C2Calice", 201).await;
    assert_eq!(text_of(&got[200]), "after the restart");
}

#[tokio::test]
async fn postgres_restarted_fails_requests_clearly_and_loses_nothing() {
    use confab_tests::cluster::PrivatePostgres;
    let pg = PrivatePostgres::start();
    let db = TestDatabase::on(&pg.url());
    let files = tempfile::tempdir().expect("files dir");
    let nats = confab_tests::cluster::shared_nats_url();
    let nodes = start_nodes(2, &db.url, &nats, files.path()).await;
    let alice = TestClient::login(&nodes[0], "alice").await;
    let bob = TestClient::login(&nodes[1], "bob").await;
    let mut expected = Vec::new();
    for i in 0..20 {
        let text = format!("before {i}");
        alice.send_text("bob", &text).await;
        expected.push(text);
    }
    wait_received_from(&bob, "C2Calice", 20).await;

    pg.stop();
    // A request that needs the database fails with the clear code.
    let refused = bob.tim.get_user_profile(vec!["alice".to_owned()]).await;
    assert_eq!(
        confab_tests::code_of(refused),
        confab_proto::code::STORE_UNAVAILABLE,
        "a read while PostgreSQL is down"
    );
    // So does a password login over HTTP: 503 with the same code.
    let login = reqwest::Client::new()
        .post(format!("{}/api/login", nodes[0].http_url()))
        .json(&serde_json::json!({ "userID": "alice", "password": "correct horse battery" }))
        .send()
        .await
        .expect("POST /api/login");
    assert_eq!(login.status().as_u16(), 503);
    let body: serde_json::Value = login.json().await.expect("an error body");
    assert_eq!(body["code"], confab_proto::code::STORE_UNAVAILABLE);
    // A message written now waits (queued, unsent) until the database is back.
    let pending = alice.text("bob", "written while the database was down");
    let sending = {
        let tim = alice.tim.clone();
        let m = pending.clone();
        tokio::spawn(async move { tim.send_message(&m, SendMessageOptions::default()).await })
    };
    alice
        .events
        .wait_for("alice's link drops while the database is away", |events| {
            events
                .iter()
                .any(|e| {
                    matches!(e, Event::NetStateChange { state: confab_sdk::NetState::Connecting })
                })
                .then_some(())
        })
        .await;
    let kept = alice
        .events
        .wait_for("the message waits, unsent, on alice's device", |_| {
            alice.tim.find_message(&pending.id).filter(|m| m.status == "unSend")
        })
        .await;
    assert_eq!(text_of(&kept), "written while the database was down");

    pg.start_again();
    let sent = within("the queued send completes", sending).await.expect("task").expect("sent");
    assert_eq!(sent.message.status, "success");
    expected.push("written while the database was down".to_owned());
    for i in 0..5 {
        let text = format!("after {i}");
        alice.send_text("bob", &text).await;
        expected.push(text);
    }
    let received = wait_received_from(&bob, "C2Calice", expected.len()).await;
    assert_exactly_once_in_order(&received, &expected);
    assert_exactly_once_in_order(&full_history(&bob.tim, "C2Calice").await, &expected);
    assert_eq!(db.count("SELECT COUNT(*) FROM messages"), 26, "nothing lost, nothing twice");
    // Reads work again.
    let profiles = bob.tim.get_user_profile(vec!["alice".to_owned()]).await.expect("profile");
    assert_eq!(profiles.len(), 1);
}

/// The latest status `client` heard of `user` (USER_STATUS_UPDATED).
async fn wait_status(client: &TestClient, user: &str, status_type: u8) {
    client
        .events
        .wait_for(&format!("{user}'s status {status_type}"), |events| {
            events
                .iter()
                .rev()
                .find_map(|e| match e {
                    Event::UserStatusUpdated(list) => {
                        list.iter().find(|s| s.user_id.as_str() == user).map(|s| s.status_type)
                    }
                    _ => None,
                })
                .filter(|t| *t == status_type)
                .map(|_| ())
        })
        .await;
}

#[tokio::test]
async fn status_instance_limits_and_live_rooms_span_nodes() {
    use confab_proto::group::{GetGroupOnlineMemberCount, JoinGroup};
    use confab_proto::status::{USER_STATUS_ONLINE, USER_STATUS_UNLOGINED};
    let db = TestDatabase::new();
    let files = tempfile::tempdir().expect("files dir");
    let nats = confab_tests::cluster::shared_nats_url();
    let nodes = start_nodes(2, &db.url, &nats, files.path()).await;
    // bob exists (a first login registers him), then leaves.
    let first = TestClient::login(&nodes[1], "bob").await;
    first.tim.logout().await.expect("bob logs out");
    drop(first);

    // alice on node 1 follows bob; bob comes online on node 2.
    let alice = TestClient::login(&nodes[0], "alice").await;
    alice.tim.subscribe_user_status(vec!["bob".into()]).await.expect("subscribe");
    let bob = TestClient::login(&nodes[1], "bob").await;
    wait_status(&alice, "bob", USER_STATUS_ONLINE).await;
    let status = alice.tim.get_user_status(vec!["bob".into()]).await.expect("getUserStatus");
    assert_eq!(status.success_user_list[0].status_type, USER_STATUS_ONLINE);

    // A second web page of bob's, on node 1: TIM's one-web-page rule kicks
    // the one on node 2.
    let bob_again = TestClient::login(&nodes[0], "bob").await;
    bob.events
        .wait_for("bob's first page is kicked", |events| {
            events.iter().find_map(|e| match e {
                Event::KickedOut { kick_type } => Some(kick_type.clone()),
                _ => None,
            })
        })
        .await;
    assert_eq!(
        bob.events.count(
            |e| matches!(e, Event::KickedOut { kick_type } if kick_type == "multipleAccount")
        ),
        1
    );
    // bob logs out of the second page too: alice hears he is gone.
    bob_again.tim.logout().await.expect("logout");
    wait_status(&alice, "bob", USER_STATUS_UNLOGINED).await;

    // A live room (AVChatRoom) with members on both nodes: the count and
    // the messages (stored nowhere) span the nodes.
    let carol = TestClient::login(&nodes[1], "carol").await;
    let room = carol
        .tim
        .create_group(CreateGroup {
            name: "live".into(),
            group_type: GroupType::AvChatRoom,
            ..CreateGroup::default()
        })
        .await
        .expect("create room")
        .group
        .group_id;
    for client in [&carol, &alice] {
        client
            .tim
            .join_group(JoinGroup { group_id: room.clone(), apply_message: String::new() })
            .await
            .expect("join the room");
    }
    let count = alice
        .tim
        .get_group_online_member_count(GetGroupOnlineMemberCount { group_id: room.clone() })
        .await
        .expect("online count");
    assert_eq!(count.member_count, 2, "carol on node 2 and alice on node 1");
    let sent = send_group_text(&carol, room.as_str(), "live from node 2").await;
    let got = wait_received_from(&alice, &format!("GROUP{room}"), 1).await;
    assert_eq!(got.last().expect("a message").id, sent.id);
    let sent = send_group_text(&alice, room.as_str(), "and back from node 1").await;
    let got = wait_received_from(&carol, &format!("GROUP{room}"), 1).await;
    assert_eq!(got.last().expect("a message").id, sent.id);
}

#[tokio::test]
async fn a_users_send_rate_is_shared_by_the_nodes_they_are_on() {
    // A burst of 4 and 1 message a second (the server clock does not move
    // here, so nothing refills): alice's web page on node 1 and her desktop
    // on node 2 have 2 sends each, 4 in all, as one instance alone would.
    let db = TestDatabase::new();
    let files = tempfile::tempdir().expect("files dir");
    let nats = confab_tests::cluster::shared_nats_url();
    let nodes = confab_tests::cluster::start_nodes_with(2, &db.url, &nats, files.path(), |c| {
        c.send_rate_per_sec = 1;
        c.send_burst = 4;
    })
    .await;
    let _bob = TestClient::login(&nodes[1], "bob").await;
    let carol = TestClient::login(&nodes[0], "carol").await;
    let web = TestClient::login(&nodes[0], "alice").await;
    carol.tim.subscribe_user_status(vec!["alice".into()]).await.expect("subscribe");
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("client dir"));
    let mut options =
        confab_sdk::TimOptions::new(nodes[1].sdk_app_id(), nodes[1].ws_url(), dir.path());
    options.platform = confab_sdk::Platform::Desktop;
    let desktop = TestClient::create_with_options(options, "alice", Some(dir), false);
    desktop.login_and_wait(&nodes[1].user_sig("alice")).await;
    // Node 2 tells node 1 of the desktop's login, then of its custom
    // status (in that order): once carol on node 1 hears the status, node 1
    // knows alice is on both nodes. This is also a custom status crossing.
    desktop.tim.set_self_status("on the desktop".into()).await.expect("setSelfStatus");
    carol
        .events
        .wait_for("alice's custom status reaches node 1", |events| {
            events
                .iter()
                .any(|e| match e {
                    Event::UserStatusUpdated(list) => list.iter().any(|s| {
                        s.user_id.as_str() == "alice" && s.custom_status == "on the desktop"
                    }),
                    _ => false,
                })
                .then_some(())
        })
        .await;
    let mut codes = Vec::new();
    for client in [&web, &desktop, &web, &desktop, &web, &desktop] {
        let m = client.text("bob", "rate");
        let sent = client.tim.send_message(&m, SendMessageOptions::default()).await;
        codes.push(sent.map(|_| 0).unwrap_or_else(|e| e.code));
    }
    let over = confab_proto::code::OVER_FREQUENCY_LIMIT;
    assert_eq!(codes, vec![0, 0, 0, 0, over, over], "4 sends in all across both nodes");
}
