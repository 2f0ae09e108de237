//! Issue 12, "the SDK and the server": TIM's behaviour where Confab had
//! drifted from it, each test quoting the checklist line it proves. The
//! sender hears MESSAGE_MODIFIED when the server masks its text, hopping
//! pages by sequence through bursts inside one second, read receipts and
//! read marks stay apart, a repeat login explains itself, a large merger's
//! `cloudCustomData` can change alone, `Tim::create` hands back the live
//! instance, and `onlineUserOnly` with `messageControlInfo` is one answer.

use confab_proto::code;
use confab_proto::message::MessageControlInfo;
use confab_proto::ops;
use confab_sdk::{
    CreateMessageOptions, Event, GetMessageListHoppingOptions, HoppingPage, MergerMessagePayload,
    Message, SendMessageOptions, Tim, TimOptions,
};
use confab_server::config::ModerationMode;
use confab_tests::{text_of, within, RawClient, TestClient, TestServer};

/// Every MESSAGE_MODIFIED message with `id` in `client`'s events so far.
fn modified_copies(client: &TestClient, id: &str) -> Vec<Message> {
    client
        .events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::MessageModified(list) => Some(list),
            _ => None,
        })
        .flatten()
        .filter(|m| m.id == id)
        .collect()
}

// ------------------------------------------------ MESSAGE_MODIFIED (984)

#[tokio::test]
async fn the_sender_hears_message_modified_once_when_the_server_masks_its_text() {
    // checklist 984: "[event] Also fires on the sender when a third-party
    // server callback changed the message's content."
    let server = TestServer::start_with(|c| {
        c.moderation_words = vec!["darn".into()];
        c.moderation_mode = ModerationMode::Mask;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let clean = alice.send_text("bob", "all good").await;
    let message = alice.text("bob", "oh darn");
    let sent =
        within("masked send", alice.tim.send_message(&message, SendMessageOptions::default()))
            .await
            .expect("sent")
            .message;
    // The promise resolves with the masked text ...
    assert_eq!(text_of(&sent), "oh ****");
    // ... and the sending instance hears MESSAGE_MODIFIED with it.
    let heard = alice
        .events
        .wait_for("MESSAGE_MODIFIED on the sender", |events| {
            events.iter().find_map(|e| match e {
                Event::MessageModified(list) => list.iter().find(|m| m.id == sent.id).cloned(),
                _ => None,
            })
        })
        .await;
    assert_eq!(text_of(&heard), "oh ****");
    assert_eq!(heard.status, "success");

    // Once: alice's inbox is applied in order, so once bob's answer (sent
    // after every echo of alice's sends) is in, every road has been taken.
    let later = alice.send_text("bob", "later").await;
    bob.events.wait_received(3).await;
    bob.send_text("alice", "got them").await;
    alice.events.wait_received(1).await;
    assert_eq!(modified_copies(&alice, &sent.id).len(), 1);
    assert!(modified_copies(&alice, &clean.id).is_empty());
    assert!(modified_copies(&alice, &later.id).is_empty());
    // The receiver never saw the original: its message simply arrives.
    let got = bob.events.received();
    assert_eq!(text_of(&got[1]), "oh ****");
    assert!(modified_copies(&bob, &sent.id).is_empty());
}

// ------------------------------------------ getMessageListHopping (322)

/// One `getMessageListHopping` call of `client`'s.
async fn hop(client: &TestClient, options: GetMessageListHoppingOptions) -> HoppingPage {
    within("hop", client.tim.get_message_list_hopping(options)).await.expect("hop")
}

/// Every message of `conversation_id` through `client`, page by page in
/// `direction`, each page continued with the previous `nextMessageTime`
/// exactly as a TIM app does; returns the texts in the order read.
async fn hop_through(client: &TestClient, conversation_id: &str, direction: u8) -> Vec<String> {
    let mut texts = Vec::new();
    let mut time = None;
    for page_number in 0.. {
        assert!(page_number < 20, "hopping does not end: {texts:?}");
        let options = GetMessageListHoppingOptions {
            conversation_id: conversation_id.into(),
            time,
            direction,
            ..Default::default()
        };
        let page = hop(client, options).await;
        assert!(page.message_list.len() <= 15);
        let mut page_texts: Vec<String> = page.message_list.iter().map(text_of).collect();
        if direction == 0 {
            // Pages come oldest first; walking up, each goes before the last.
            page_texts.extend(texts);
            texts = page_texts;
        } else {
            texts.extend(page_texts);
        }
        if page.is_completed {
            assert_eq!(page.next_message_time, None);
            break;
        }
        time = Some(page.next_message_time.expect("a continuation"));
    }
    texts
}

#[tokio::test]
async fn hopping_pages_through_bursts_inside_one_second_without_repeats_or_gaps() {
    // checklist 322: "[data] C2C: imResponse.data = { messageList,
    // isCompleted, nextMessageTime }. When isCompleted is true,
    // nextMessageTime === '' (empty string)." — and the pages it promises
    // hold every message once, however many share a second.
    let server = TestServer::start_with(|c| c.send_rate_per_sec = 0).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    // 20 messages in one second, 23 in the next: both bursts are longer
    // than a page (15), and a page boundary falls inside each second.
    let mut expected = Vec::new();
    for i in 0..43 {
        if i == 20 {
            server.clock.advance_ms(1_000);
        }
        let text = format!("burst {i:02}");
        alice.send_text("bob", &text).await;
        expected.push(text);
    }
    bob.events.wait_received(43).await;
    let times: std::collections::BTreeSet<i64> =
        bob.events.received().iter().map(|m| m.time).collect();
    assert_eq!(times.len(), 2, "two seconds of bursts");

    assert_eq!(hop_through(&bob, "C2Calice", 0).await, expected, "up, from the newest");
    assert_eq!(hop_through(&bob, "C2Calice", 1).await, expected, "down, from the oldest");
    // The sender's side pages the same conversation the same way.
    assert_eq!(hop_through(&alice, "C2Cbob", 0).await, expected);
    assert_eq!(hop_through(&alice, "C2Cbob", 1).await, expected);

    // A fresh hop to a time still takes the whole second: TIM's start.
    let second = bob.events.received()[0].time;
    let to_a_time = GetMessageListHoppingOptions {
        conversation_id: "C2Cbob".into(),
        time: Some(second),
        direction: 0,
        ..Default::default()
    };
    let from_first_second = hop(&alice, to_a_time).await;
    let texts: Vec<String> = from_first_second.message_list.iter().map(text_of).collect();
    assert_eq!(texts, expected[5..20]);
    // And a start by sequence (the group form, served for C2C too) is exact.
    let from_sequence = GetMessageListHoppingOptions {
        conversation_id: "C2Cbob".into(),
        sequence: Some(18),
        direction: 1,
        count: Some(4),
        ..Default::default()
    };
    let by_sequence = hop(&alice, from_sequence).await;
    let texts: Vec<String> = by_sequence.message_list.iter().map(text_of).collect();
    assert_eq!(texts, expected[17..21]);
    assert_eq!(by_sequence.message_list[0].sequence, 18);
}

// ------------------------------------------ readReceiptInfo (330, 1157)

#[tokio::test]
async fn set_message_read_marks_is_peer_read_and_leaves_read_receipt_info_alone() {
    // checklist 1156-1157: "`isPeerRead` (C2C, after the peer's
    // setMessageRead); `readReceiptInfo`: { isPeerRead } for C2C" — two
    // different things;
    // checklist 330: read receipts set `readReceiptInfo.isPeerRead` and
    // "do not update the message's top-level `isPeerRead`", so neither
    // mark stands for the other.
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = alice.send_text("bob", "read me").await;
    bob.events.wait_received(1).await;
    within("bob reads", bob.tim.set_message_read("C2Calice")).await.expect("read");

    let read = alice
        .events
        .wait_for("MESSAGE_READ_BY_PEER", |events| {
            events.iter().find_map(|e| match e {
                Event::MessageReadByPeer(list) => list.iter().find(|m| m.id == sent.id).cloned(),
                _ => None,
            })
        })
        .await;
    assert!(read.is_peer_read);
    assert!(!read.read_receipt_info.is_peer_read);
    let stored = alice.history("C2Cbob").await.pop().expect("alice's message");
    assert!(stored.is_peer_read);
    assert!(!stored.read_receipt_info.is_peer_read);
    let found = alice.tim.find_message(&sent.id).expect("stored");
    assert!(found.is_peer_read && !found.read_receipt_info.is_peer_read);
}

// ----------------------------------------------------- login (35)

#[tokio::test]
async fn a_repeat_login_resolves_with_repeat_login_and_error_info() {
    // checklist 35: "If this instance is already logged in with the account,
    // `login` still resolves (it does not reject): `imResponse.data.
    // repeatLogin === true` and `imResponse.data.errorInfo` explains the
    // repeat login."
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
    let first =
        within("login", alice.tim.login("alice", &server.user_sig("alice"))).await.expect("login");
    assert!(!first.repeat_login);
    assert_eq!(first.error_info, None);
    alice.wait_ready().await;
    let again = within("login again", alice.tim.login("alice", &server.user_sig("alice")))
        .await
        .expect("a repeat login resolves");
    assert!(again.repeat_login);
    let info = again.error_info.clone().expect("errorInfo explains it");
    assert!(!info.is_empty());
    let json = serde_json::to_value(&again).expect("json");
    assert_eq!(json["repeatLogin"], true);
    assert_eq!(json["errorInfo"], info.as_str());
    // Still the same session, still ready.
    assert!(alice.tim.is_ready());
}

// ------------------------------------------------ modifyMessage (283)

#[tokio::test]
async fn only_the_cloud_custom_data_of_a_large_merger_message_can_change() {
    // checklist 283: "What can be modified: ... `cloudCustomData` of any
    // message type." — a merger over 12 KB included.
    let server = TestServer::start_with(|c| c.send_rate_per_sec = 0).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let mut originals = Vec::new();
    for i in 0..40 {
        let text = format!("message {i}: {}", "lorem ipsum dolor sit amet ".repeat(16));
        originals.push(alice.send_text("bob", &text).await);
    }
    let merger = alice
        .tim
        .create_merger_message(CreateMessageOptions::c2c(
            "bob".into(),
            MergerMessagePayload {
                message_list: originals,
                title: "40 long messages".into(),
                abstract_list: vec![],
                compatible_text: "upgrade".into(),
            },
        ))
        .expect("merger");
    let sent =
        within("send merger", alice.tim.send_message(&merger, SendMessageOptions::default()))
            .await
            .expect("sent")
            .message;
    assert_eq!(sent.payload["messageList"].as_array().map(Vec::len), Some(40));
    assert!(!sent.payload["downloadKey"].as_str().unwrap_or_default().is_empty());

    // The sender's complete copy, with only cloudCustomData changed.
    let mut tagged = sent.clone();
    tagged.cloud_custom_data = r#"{"pinned":true}"#.into();
    let modified =
        within("modify", alice.tim.modify_message(&tagged)).await.expect("cloudCustomData alone");
    assert_eq!(modified.cloud_custom_data, r#"{"pinned":true}"#);
    assert_eq!(modified.version, 1);
    assert!(modified.is_modified);
    assert_eq!(modified.payload["messageList"].as_array().map(Vec::len), Some(40), "list kept");
    let at_bob = bob.events.wait_modified(&sent.id, 1).await;
    assert_eq!(at_bob.cloud_custom_data, r#"{"pinned":true}"#);

    // The receiver changes it too, on a downloaded (complete) copy.
    let complete =
        within("download", bob.tim.download_merger_message(&at_bob)).await.expect("download");
    let mut retagged = complete;
    retagged.cloud_custom_data = r#"{"pinned":false}"#.into();
    let again = within("bob modifies", bob.tim.modify_message(&retagged)).await.expect("modify");
    assert_eq!(again.version, 2);
    let at_alice = alice.events.wait_modified(&sent.id, 2).await;
    assert_eq!(at_alice.cloud_custom_data, r#"{"pinned":false}"#);
    assert_eq!(at_alice.payload["messageList"].as_array().map(Vec::len), Some(40));
}

// ------------------------------------------------------ TIM.create (1115)

#[tokio::test]
async fn create_returns_the_live_instance_for_the_same_sdk_app_id() {
    // checklist 1115: "`TIM.create({ SDKAppID })` returns the same instance
    // for the same SDKAppID." (One process holds several users' instances,
    // so the data directory stands for TIM's page.)
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let options = || TimOptions::new(server.sdk_app_id(), server.ws_url(), dir.path());
    let first = Tim::create(options());
    let second = Tim::create(options());
    within("login", first.login("alice", &server.user_sig("alice"))).await.expect("login");
    assert_eq!(second.user_id().as_deref(), Some("alice"), "one instance, two handles");
    let again =
        within("login through the second handle", second.login("alice", &server.user_sig("alice")))
            .await
            .expect("login");
    assert!(again.repeat_login, "the second handle is the logged-in instance");

    // Another directory (another page) is another instance.
    let other_dir = tempfile::tempdir().expect("temp dir");
    let other =
        Tim::create(TimOptions::new(server.sdk_app_id(), server.ws_url(), other_dir.path()));
    assert_eq!(other.user_id(), None);

    // After destroy, create makes a fresh one.
    within("destroy", first.destroy()).await.expect("destroy");
    let fresh = Tim::create(options());
    assert_eq!(fresh.user_id(), None);
    within("login fresh", fresh.login("alice", &server.user_sig("alice"))).await.expect("login");
    within("destroy fresh", fresh.destroy()).await.expect("destroy");
}

// ------------------------------------- onlineUserOnly + messageControlInfo

#[tokio::test]
async fn online_user_only_with_message_control_info_is_2100_from_sdk_and_server() {
    // checklist 199: "`onlineUserOnly` and `messageControlInfo` cannot be
    // used together." The seed names no code; the SDK and the server both
    // answer 2100 MESSAGE_SEND_FAIL (docs/protocol.md).
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let _bob = TestClient::login(&server, "bob").await;
    let both = SendMessageOptions {
        online_user_only: true,
        message_control_info: Some(MessageControlInfo {
            excluded_from_unread_count: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let message = alice.text("bob", "both");
    let err = within("sdk", alice.tim.send_message(&message, both)).await.expect_err("refused");
    assert_eq!(err.code, code::MESSAGE_SEND_FAIL);

    let mut raw = RawClient::login(&server, "carol").await;
    let mut request = ops::SendMessage::c2c_text("bob", 1, "both");
    request.online_user_only = true;
    request.message_control_info =
        Some(MessageControlInfo { excluded_from_unread_count: true, ..Default::default() });
    let err = raw.call(&request).await.expect_err("refused");
    assert_eq!(err.code, code::MESSAGE_SEND_FAIL);
}
