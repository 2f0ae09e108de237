//! Online one-to-one chat: delivery, conversation lists, unread counts,
//! read receipts, and several instances of one account.

use confab_proto::constants::types;
use confab_sdk::{Event, SendMessageOptions};
use confab_tests::{text_of, TestClient, TestServer};

#[tokio::test]
async fn online_chat_both_ways_with_lists_unread_and_read_receipts() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let hello = alice.send_text("bob", "hello bob").await;
    assert_eq!(hello.status, "success");
    assert_eq!(hello.flow, "out");
    assert_eq!(hello.conversation_id, "C2Cbob");
    let got = bob.events.wait_received(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(text_of(&got[0]), "hello bob");
    assert_eq!(got[0].id, hello.id);
    assert_eq!(got[0].flow, "in");
    assert_eq!(got[0].from, "alice");
    assert_eq!(got[0].conversation_id, "C2Calice");
    assert_eq!(got[0].r#type, types::MSG_TEXT);

    let reply = bob.send_text("alice", "hi alice").await;
    let got = alice.events.wait_received(1).await;
    assert_eq!(got.len(), 1, "alice never receives her own send as MESSAGE_RECEIVED");
    assert_eq!(text_of(&got[0]), "hi alice");
    assert_eq!(got[0].id, reply.id);
    assert!(reply.sequence > hello.sequence);

    // Alice: one conversation with bob, last message bob's reply, unread 1.
    let list = alice.tim.get_conversation_list(None).await.expect("alice list").conversation_list;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].conversation_id, "C2Cbob");
    assert_eq!(list[0].unread_count, 1);
    let last = list[0].last_message.as_ref().expect("last message");
    assert_eq!(last["payload"]["text"], "hi alice");
    assert_eq!(alice.tim.get_total_unread_message_count(), 1);

    // Bob: his own reply is the last message; alice's hello is unread.
    let list = bob.tim.get_conversation_list(None).await.expect("bob list").conversation_list;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].conversation_id, "C2Calice");
    assert_eq!(list[0].unread_count, 1);
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "hi alice");
    assert_eq!(bob.tim.get_total_unread_message_count(), 1);

    // Bob reads: his unread drops to 0, alice learns her message was read.
    bob.tim.set_message_read("C2Calice").await.expect("set read");
    assert_eq!(bob.tim.get_total_unread_message_count(), 0);
    let list = bob.tim.get_conversation_list(None).await.expect("bob list").conversation_list;
    assert_eq!(list[0].unread_count, 0);
    let read = alice
        .events
        .wait_for("MESSAGE_READ_BY_PEER", |events| {
            events.iter().find_map(|e| match e {
                Event::MessageReadByPeer(list) => Some(list.clone()),
                _ => None,
            })
        })
        .await;
    assert!(read.iter().any(|m| m.id == hello.id && m.is_peer_read));
    assert!(read.iter().all(|m| m.is_peer_read && m.flow == "out"));
    let found = alice.tim.find_message(&hello.id).expect("alice finds her message");
    assert!(found.is_peer_read);
    assert_eq!(bob.events.count(|e| matches!(e, Event::MessageReadByPeer(_))), 0);
    bob.events
        .wait_for("bob's unread total 0", |events| {
            events.iter().rev().find_map(|e| match e {
                Event::TotalUnreadMessageCountUpdated(0) => Some(()),
                _ => None,
            })
        })
        .await;

    // Alice reads too; histories agree on both sides.
    alice.tim.set_message_read("C2Cbob").await.expect("alice reads");
    assert_eq!(alice.tim.get_total_unread_message_count(), 0);
    let a: Vec<_> = alice.history("C2Cbob").await.iter().map(text_of).collect();
    let b: Vec<_> = bob.history("C2Calice").await.iter().map(text_of).collect();
    assert_eq!(a, ["hello bob", "hi alice"]);
    assert_eq!(a, b);

    // Carol saw nothing of it.
    assert!(carol
        .tim
        .get_conversation_list(None)
        .await
        .expect("carol list")
        .conversation_list
        .is_empty());
    assert!(carol.events.received().is_empty());
}

#[tokio::test]
async fn another_instance_of_the_sender_receives_its_messages() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let alice_laptop = TestClient::login(&server, "alice").await;
    let alice_phone = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let sent = alice_laptop.send_text("bob", "from the laptop").await;
    let on_phone = alice_phone.events.wait_received(1).await;
    assert_eq!(on_phone[0].id, sent.id);
    assert_eq!(on_phone[0].flow, "out");
    assert_eq!(on_phone[0].conversation_id, "C2Cbob");
    bob.events.wait_received(1).await;
    // The phone's conversation shows the message, with nothing unread.
    let list = alice_phone.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list[0].unread_count, 0);
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "from the laptop");

    // Reading on one instance clears unread on the other.
    bob.send_text("alice", "hi both").await;
    alice_laptop.events.wait_received(1).await;
    alice_phone.events.wait_received(2).await;
    assert_eq!(alice_phone.tim.get_total_unread_message_count(), 1);
    alice_laptop.tim.set_message_read("C2Cbob").await.expect("read on laptop");
    alice_phone
        .events
        .wait_for("unread cleared on the phone", |events| {
            events
                .iter()
                .any(|e| matches!(e, Event::TotalUnreadMessageCountUpdated(0)))
                .then_some(())
        })
        .await;
    assert_eq!(alice_phone.tim.get_total_unread_message_count(), 0);

    // The sending instance never got its own message back as an event.
    assert!(alice_laptop.events.received().iter().all(|m| m.from == "bob"));
}

#[tokio::test]
async fn message_control_info_and_online_user_only() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    alice.send_text("bob", "counted").await;
    let quiet = alice.text("bob", "not counted");
    let options = SendMessageOptions {
        message_control_info: Some(confab_proto::message::MessageControlInfo {
            excluded_from_unread_count: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    alice.tim.send_message(&quiet, options).await.expect("send excluded from unread");
    let hidden = alice.text("bob", "not last");
    let options = SendMessageOptions {
        message_control_info: Some(confab_proto::message::MessageControlInfo {
            excluded_from_last_message: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    alice.tim.send_message(&hidden, options).await.expect("send excluded from last");
    bob.events.wait_received(3).await;
    let conv = bob.tim.get_conversation_profile("C2Calice").await.expect("conversation");
    assert_eq!(conv.unread_count, 2, "the excluded message does not count");
    assert_eq!(conv.last_message.as_ref().expect("last")["payload"]["text"], "not counted");

    // onlineUserOnly: delivered live, never stored, never counted.
    let live = alice.text("bob", "typing…");
    let options = SendMessageOptions { online_user_only: true, ..Default::default() };
    alice.tim.send_message(&live, options).await.expect("online-only send");
    let got = bob.events.wait_received(4).await;
    assert_eq!(text_of(&got[3]), "typing…");
    assert_eq!(bob.tim.get_conversation_profile("C2Calice").await.expect("conv").unread_count, 2);
    let fresh_bob = TestClient::login(&server, "bob").await;
    let texts: Vec<_> = fresh_bob.history("C2Calice").await.iter().map(text_of).collect();
    assert_eq!(texts, ["counted", "not counted", "not last"]);
}

#[tokio::test]
async fn a_fetched_peer_profile_renames_the_conversation() {
    // Issue 10, defect 7: a peer's nickname and signature reach the
    // conversation list only if the client learns them; messages carry the
    // nickname of when they were sent, never the signature.
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    alice.send_text("bob", "before my nickname").await;
    bob.events.wait_received(1).await;
    let patch = confab_proto::profile::ProfilePatch {
        nick: Some("Alice Liddell".into()),
        self_signature: Some("down the rabbit hole".into()),
        ..Default::default()
    };
    alice.tim.update_my_profile(patch).await.expect("update profile");
    let listed = bob.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let peer = listed[0].user_profile.as_ref().expect("a C2C conversation has the peer's profile");
    assert_eq!(peer.nick, "", "not known yet: only the old message's stamp");

    bob.events.clear();
    let fetched = bob.tim.get_user_profile(vec!["alice".into()]).await.expect("profiles");
    assert_eq!(fetched[0].nick, "Alice Liddell");
    let conv = bob
        .events
        .wait_for("the conversation announced with alice's new profile", |events| {
            events.iter().find_map(|e| match e {
                Event::ConversationListUpdated(list) => list
                    .iter()
                    .find(|c| c.conversation_id == "C2Calice")
                    .and_then(|c| c.user_profile.clone()),
                _ => None,
            })
        })
        .await;
    assert_eq!(conv.nick, "Alice Liddell");
    assert_eq!(conv.self_signature, "down the rabbit hole");
    bob.events
        .wait_for("PROFILE_UPDATED for alice", |events| {
            events.iter().find_map(|e| match e {
                Event::ProfileUpdated(list)
                    if list.iter().any(|p| p.user_id.as_str() == "alice") =>
                {
                    Some(())
                }
                _ => None,
            })
        })
        .await;
    // Fetching again changes nothing and announces nothing.
    bob.events.clear();
    bob.tim.get_user_profile(vec!["alice".into()]).await.expect("profiles again");
    let again = bob.tim.get_conversation_profile("C2Calice").await.expect("conversation");
    assert_eq!(again.user_profile.expect("profile").nick, "Alice Liddell");
    let announced = bob
        .events
        .count(|e| matches!(e, Event::ConversationListUpdated(_) | Event::ProfileUpdated(_)));
    assert_eq!(announced, 0, "an unchanged profile is not announced");
}

#[tokio::test]
async fn profiles_update_and_reach_other_instances() {
    let server = TestServer::start_with(|c| {
        c.max_instances_per_user = 2;
        c.profile_custom_fields = vec!["Tag_Profile_Custom_Test1".into()];
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let patch = confab_proto::profile::ProfilePatch {
        nick: Some("Alice".into()),
        self_signature: Some("hello".into()),
        gender: Some(types::GENDER_FEMALE.into()),
        profile_custom_field: Some(vec![confab_proto::profile::CustomField {
            key: "Tag_Profile_Custom_Test1".into(),
            value: serde_json::json!("v1"),
        }]),
        ..Default::default()
    };
    let updated = alice.tim.update_my_profile(patch).await.expect("update profile");
    assert_eq!(updated.nick, "Alice");
    let mine = alice.tim.get_my_profile().await.expect("my profile");
    assert_eq!(mine.self_signature, "hello");
    assert_eq!(mine.profile_custom_field[0].value, "v1");
    alice2
        .events
        .wait_for("PROFILE_UPDATED on the other instance", |events| {
            events.iter().find_map(|e| match e {
                Event::ProfileUpdated(list) if list.iter().any(|p| p.nick == "Alice") => Some(()),
                _ => None,
            })
        })
        .await;
    let seen =
        bob.tim.get_user_profile(vec!["alice".into(), "nobody".into()]).await.expect("profiles");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].nick, "Alice");
    assert_eq!(seen[0].gender, types::GENDER_FEMALE);

    let empty = alice.tim.update_my_profile(Default::default()).await.expect_err("empty patch");
    assert_eq!(empty.code, confab_proto::code::UPDATE_PROFILE_NO_KEY);
    let bad =
        confab_proto::profile::ProfilePatch { gender: Some("robot".into()), ..Default::default() };
    let err = alice.tim.update_my_profile(bad).await.expect_err("bad gender");
    assert_eq!(err.code, confab_proto::code::UPDATE_PROFILE_INVALID_PARAM);
    let unknown_key = confab_proto::profile::ProfilePatch {
        profile_custom_field: Some(vec![confab_proto::profile::CustomField {
            key: "Tag_Profile_Custom_Nope".into(),
            value: serde_json::json!("x"),
        }]),
        ..Default::default()
    };
    let err = alice.tim.update_my_profile(unknown_key).await.expect_err("unconfigured key");
    assert_eq!(err.code, confab_proto::code::UPDATE_PROFILE_INVALID_PARAM);

    // New messages carry the sender's nickname.
    alice.send_text("bob", "with a nick").await;
    let got = bob.events.wait_received(1).await;
    assert_eq!(got[0].nick, "Alice");
}

#[tokio::test]
async fn delete_conversation_with_and_without_history() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    alice.send_text("bob", "b1").await;
    alice.send_text("carol", "c1").await;
    bob.events.wait_received(1).await;
    carol.events.wait_received(1).await;

    // Keep history with carol, clear it with bob.
    let kept = alice
        .tim
        .delete_conversation(confab_sdk::DeleteConversationOptions {
            conversation_id_list: vec!["C2Ccarol".into()],
            clear_history_message: false,
        })
        .await
        .expect("delete keeping history");
    assert_eq!(kept, ["C2Ccarol"]);
    alice
        .tim
        .delete_conversation(confab_sdk::DeleteConversationOptions {
            conversation_id_list: vec!["C2Cbob".into()],
            clear_history_message: true,
        })
        .await
        .expect("delete clearing history");
    assert!(alice
        .tim
        .get_conversation_list(None)
        .await
        .expect("list")
        .conversation_list
        .is_empty());

    let bad = alice
        .tim
        .delete_conversation(confab_sdk::DeleteConversationOptions {
            conversation_id_list: (0..101).map(|i| format!("C2Cu{i}")).collect(),
            clear_history_message: true,
        })
        .await
        .expect_err("more than 100");
    assert_eq!(bad.code, confab_proto::code::INVALID_CONVERSATION_ID);

    // The peers are not affected.
    assert_eq!(bob.history("C2Calice").await.len(), 1);

    // A new message brings each conversation back: with history for carol,
    // without the cleared history for bob, also on a fresh instance.
    carol.send_text("alice", "c2").await;
    bob.send_text("alice", "b2").await;
    alice.events.wait_received(2).await;
    let mut ids: Vec<_> = alice
        .tim
        .get_conversation_list(None)
        .await
        .expect("list")
        .conversation_list
        .into_iter()
        .map(|c| c.conversation_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["C2Cbob", "C2Ccarol"]);
    let fresh = TestClient::login(&server, "alice").await;
    let with_carol: Vec<_> = fresh.history("C2Ccarol").await.iter().map(text_of).collect();
    assert_eq!(with_carol, ["c1", "c2"]);
    let with_bob: Vec<_> = fresh.history("C2Cbob").await.iter().map(text_of).collect();
    assert_eq!(with_bob, ["b2"]);
}

#[tokio::test]
async fn face_and_location_messages_keep_payload_cloud_data_and_priority() {
    use confab_sdk::{CreateMessageOptions, FacePayload, LocationPayload, Priority};
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let mut face =
        CreateMessageOptions::c2c("bob".into(), FacePayload { index: 7, data: "tt07".into() });
    face.cloud_custom_data = r#"{"mood":"happy"}"#.into();
    face.priority = Priority::High;
    let face = alice.tim.create_face_message(face).expect("face message");
    assert_eq!(face.r#type, types::MSG_FACE);
    let location = alice
        .tim
        .create_location_message(CreateMessageOptions::c2c(
            "bob".into(),
            LocationPayload {
                description: "Shenzhen Bay".into(),
                longitude: 113.94,
                latitude: 22.5,
            },
        ))
        .expect("location message");
    assert_eq!(location.r#type, types::MSG_LOCATION);
    for m in [&face, &location] {
        alice.tim.send_message(m, SendMessageOptions::default()).await.expect("send");
    }

    let got = bob.events.wait_received(2).await;
    assert_eq!(got[0].r#type, types::MSG_FACE);
    assert_eq!(got[0].payload, serde_json::json!({"index": 7, "data": "tt07"}));
    assert_eq!(got[0].cloud_custom_data, r#"{"mood":"happy"}"#);
    assert_eq!(got[0].priority, Priority::High);
    assert_eq!(got[1].r#type, types::MSG_LOCATION);
    assert_eq!(got[1].payload["description"], "Shenzhen Bay");
    assert_eq!(got[1].payload["longitude"], 113.94);
    let conv = bob.tim.get_conversation_profile("C2Calice").await.expect("conversation");
    assert_eq!(conv.last_message.as_ref().expect("last")["messageForShow"], "[位置]");

    // Both local stores and the server's history hold the same payloads
    // (the fresh instance replaces bob's, so his is read first).
    let alice_history = alice.history("C2Cbob").await;
    let bob_history = bob.history("C2Calice").await;
    let fresh = TestClient::login(&server, "bob").await;
    for history in [alice_history, bob_history, fresh.history("C2Calice").await] {
        let types_seen: Vec<_> = history.iter().map(|m| m.r#type.clone()).collect();
        assert_eq!(types_seen, [types::MSG_FACE, types::MSG_LOCATION]);
        assert_eq!(history[0].payload, got[0].payload);
        assert_eq!(history[0].cloud_custom_data, r#"{"mood":"happy"}"#);
        assert_eq!(history[1].payload, got[1].payload);
    }
}
