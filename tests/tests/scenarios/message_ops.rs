//! Message operations end to end: revoke (window, sender only, offline
//! peers), modify (events, conflicts), delete for me (limits, peer
//! unaffected, after re-login), hopping, forward, merger, @ messages on
//! C2C, and the server's profanity filter.

use confab_proto::code;
use confab_proto::constants::types;
use confab_proto::message::MessageControlInfo;
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, GetMessageListHoppingOptions,
    MergerMessagePayload, Message, SendMessageOptions, TextAtPayload,
};
use confab_server::config::ModerationMode;
use confab_tests::{text_of, within, EventLog, ManualSdkClock, TestClient, TestServer};

fn count_revoked(log: &EventLog) -> usize {
    log.count(|e| matches!(e, Event::MessageRevoked(_)))
}

fn with_text(message: &Message, text: &str) -> Message {
    let mut changed = message.clone();
    changed.payload = serde_json::json!({ "text": text });
    changed
}

#[tokio::test]
async fn revoke_reaches_the_peer_and_other_instances_and_stays_in_history() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice_phone = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let sent = alice.send_text("bob", "oops").await;
    bob.events.wait_received(1).await;
    alice_phone.events.wait_received(1).await;

    let revoked = within("revoke", alice.tim.revoke_message(&sent)).await.expect("revoke");
    assert!(revoked.is_revoked);
    assert_eq!(revoked.id, sent.id);
    let on_bob = bob.events.wait_revoked(&sent.id).await;
    assert!(on_bob.is_revoked);
    assert_eq!(on_bob.flow, "in");
    let on_phone = alice_phone.events.wait_revoked(&sent.id).await;
    assert!(on_phone.is_revoked);
    assert_eq!(count_revoked(&alice.events), 0, "the revoking instance learns from its response");

    // Both histories keep it, revoked; the conversations show it revoked.
    for (client, conversation) in [(&alice, "C2Cbob"), (&bob, "C2Calice")] {
        let history = client.history(conversation).await;
        assert_eq!(history.len(), 1);
        assert!(history[0].is_revoked, "{} sees it revoked", client.user_id);
        assert_eq!(text_of(&history[0]), "oops");
        let list = client.tim.get_conversation_list(None).await.expect("list").conversation_list;
        assert_eq!(list[0].last_message.as_ref().expect("last")["isRevoked"], true);
    }
    assert!(bob.tim.find_message(&sent.id).expect("bob finds it").is_revoked);
    // A fresh instance of bob gets it revoked from the server.
    let bob_fresh = TestClient::login(&server, "bob").await;
    let history = bob_fresh.history("C2Calice").await;
    assert!(history[0].is_revoked);
    drop(bob_fresh);

    // Revoking again is idempotent.
    let again = within("revoke again", alice.tim.revoke_message(&sent)).await.expect("again");
    assert!(again.is_revoked);

    // Bob cannot revoke alice's message.
    let err = within("bob revokes", bob.tim.revoke_message(&on_bob)).await.expect_err("refused");
    assert_eq!(err.code, code::MESSAGE_REVOKE_FAIL);
    let mine = bob.send_text("alice", "bob's own").await;
    let on_alice =
        alice.events.wait_for("bob's message at alice", |_| alice.tim.find_message(&mine.id)).await;
    let err = within("alice revokes bob's", alice.tim.revoke_message(&on_alice))
        .await
        .expect_err("only the sender");
    assert_eq!(err.code, code::MESSAGE_REVOKE_FAIL);
}

#[tokio::test]
async fn a_revoke_while_the_peer_is_offline_arrives_when_it_reconnects() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = alice.send_text("bob", "take this back").await;
    bob.events.wait_received(1).await;

    bob.transport.set_offline(true);
    within("revoke", alice.tim.revoke_message(&sent)).await.expect("revoke");
    assert_eq!(count_revoked(&bob.events), 0);
    bob.transport.set_offline(false);
    let on_bob = bob.events.wait_revoked(&sent.id).await;
    assert!(on_bob.is_revoked);
    assert!(bob.history("C2Calice").await[0].is_revoked);
}

#[tokio::test]
async fn revoke_after_the_window_fails_with_2110() {
    let server = TestServer::start_with(|c| c.revoke_window_secs = 10).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let late = alice.send_text("bob", "late").await;
    let in_time = {
        server.clock.advance_ms(5_000);
        alice.send_text("bob", "in time").await
    };
    server.clock.advance_ms(6_000);
    let err = within("revoke late", alice.tim.revoke_message(&late)).await.expect_err("too late");
    assert_eq!(err.code, code::MESSAGE_REVOKE_FAIL);
    let ok = within("revoke in time", alice.tim.revoke_message(&in_time)).await.expect("in time");
    assert!(ok.is_revoked);
    bob.events.wait_received(2).await;
    let history = bob.history("C2Calice").await;
    assert!(!history[0].is_revoked);
    bob.events.wait_revoked(&in_time.id).await;
}

#[tokio::test]
async fn modify_reaches_everyone_and_conflicts_carry_the_latest_version() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice_phone = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let original = alice.send_text("bob", "helo").await;
    assert_eq!(original.version, 0);
    bob.events.wait_received(1).await;
    alice_phone.events.wait_received(1).await;

    let fixed = within("modify", alice.tim.modify_message(&with_text(&original, "hello")))
        .await
        .expect("modify");
    assert!(fixed.is_modified);
    assert_eq!(fixed.version, 1);
    assert_eq!(text_of(&fixed), "hello");
    let on_bob = bob.events.wait_modified(&original.id, 1).await;
    assert_eq!(text_of(&on_bob), "hello");
    assert!(on_bob.is_modified);
    let on_phone = alice_phone.events.wait_modified(&original.id, 1).await;
    assert_eq!(text_of(&on_phone), "hello");
    // Checklist 290 and 983: MESSAGE_MODIFIED fires for self too.
    let on_alice = alice.events.wait_modified(&original.id, 1).await;
    assert_eq!(text_of(&on_alice), "hello");
    let history = bob.history("C2Calice").await;
    assert!(history[0].is_modified);
    assert_eq!(text_of(&history[0]), "hello");
    let list = bob.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "hello");

    // Bob reacts to the current version (cloudCustomData); alice's stale
    // copy then conflicts.
    let mut reaction = on_bob.clone();
    reaction.cloud_custom_data = "👍".into();
    let by_bob = within("bob reacts", bob.tim.modify_message(&reaction))
        .await
        .expect("bob modifies the latest version");
    assert_eq!(by_bob.version, 2);
    let err = within("stale modify", alice.tim.modify_message(&with_text(&original, "hi")))
        .await
        .expect_err("conflict");
    assert_eq!(err.code, code::MESSAGE_MODIFY_CONFLICT);
    let latest = &err.data.as_ref().expect("conflict data")["message"];
    assert_eq!(latest["payload"]["text"], "hello");
    assert_eq!(latest["cloudCustomData"], "👍");
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["ID"], original.id.as_str());
    assert_eq!(latest["conversationID"], "C2Cbob");
    alice_phone.events.wait_modified(&original.id, 2).await;
    // Bob's version 2 reached alice after the echo of her version 1 (one
    // ordered inbox), and she heard of version 1 exactly once.
    alice.events.wait_modified(&original.id, 2).await;
    let v1_on_alice = |e: &Event| {
        matches!(e, Event::MessageModified(list)
            if list.iter().any(|m| m.id == original.id && m.version == 1))
    };
    assert_eq!(alice.events.count(v1_on_alice), 1);

    // cloudCustomData of the message, together with a type change to custom.
    let mut custom = fixed.clone();
    custom.version = 2;
    custom.r#type = types::MSG_CUSTOM.into();
    custom.payload = serde_json::json!({"data": "d", "description": "", "extension": ""});
    custom.cloud_custom_data = "meta".into();
    let changed = within("to custom", alice.tim.modify_message(&custom)).await.expect("custom");
    assert_eq!(changed.r#type, types::MSG_CUSTOM);
    let on_bob = bob.events.wait_modified(&original.id, 3).await;
    assert_eq!(on_bob.cloud_custom_data, "meta");
    assert_eq!(on_bob.payload["data"], "d");

    // A message the server never stored: 20026.
    let mut ghost = fixed.clone();
    ghost.id = "999999-1764115200-1".into();
    let err = within("ghost", alice.tim.modify_message(&ghost)).await.expect_err("unknown");
    assert_eq!(err.code, code::ERR_SVR_MSG_NOT_FOUND);
    let transient = alice.text("bob", "online only");
    let sent = within(
        "online only",
        alice.tim.send_message(
            &transient,
            SendMessageOptions { online_user_only: true, ..Default::default() },
        ),
    )
    .await
    .expect("sent")
    .message;
    let err = within("modify transient", alice.tim.modify_message(&with_text(&sent, "x")))
        .await
        .expect_err("online-only messages cannot be modified");
    assert_eq!(err.code, code::ERR_SVR_MSG_NOT_FOUND);
}

#[tokio::test]
async fn delete_for_me_takes_thirty_spares_the_peer_and_is_limited_to_once_a_second() {
    let server = TestServer::start().await;
    let clock = ManualSdkClock::new(confab_tests::START_MS);
    let alice = TestClient::login_with_clock(&server, "alice", clock.clone()).await;
    let bob = TestClient::login(&server, "bob").await;
    let mut sent = Vec::new();
    for i in 0..32 {
        sent.push(alice.send_text("bob", &format!("m{i}")).await);
    }
    bob.events.wait_received(32).await;

    let deleted =
        within("delete 31", alice.tim.delete_message(sent[..31].to_vec())).await.expect("delete");
    assert_eq!(deleted.len(), 30, "only the first 30");
    assert!(deleted.iter().all(|m| m.is_deleted));
    let left: Vec<_> = alice.history("C2Cbob").await.iter().map(text_of).collect();
    assert_eq!(left, ["m30", "m31"]);
    assert!(alice.tim.find_message(&sent[0].id).expect("still findable").is_deleted);
    assert_eq!(bob.history("C2Calice").await.len(), 32, "the peer keeps everything");

    let err = within("too soon", alice.tim.delete_message(vec![sent[30].clone()]))
        .await
        .expect_err("once per second");
    assert_eq!(err.code, code::OVER_FREQUENCY_LIMIT);
    clock.advance_ms(1_000);
    let again = within("after a second", alice.tim.delete_message(vec![sent[30].clone()]))
        .await
        .expect("allowed again");
    assert!(again[0].is_deleted);
    let list = alice.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "m31");

    // Hidden after logging in again, on this store and on a fresh one.
    let dir = alice.data_dir().to_path_buf();
    let keep = alice.keep_dir();
    alice.tim.logout().await.expect("logout");
    drop(alice);
    let again = TestClient::login_at(&server, "alice", &dir).await;
    let left: Vec<_> = again.history("C2Cbob").await.iter().map(text_of).collect();
    assert_eq!(left, ["m31"]);
    again.tim.logout().await.expect("logout");
    drop(keep);
    let fresh = TestClient::login(&server, "alice").await;
    let left: Vec<_> = fresh.history("C2Cbob").await.iter().map(text_of).collect();
    assert_eq!(left, ["m31"]);
    assert_eq!(bob.history("C2Calice").await.len(), 32);
}

#[tokio::test]
async fn hopping_by_time_in_both_directions() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let mut sent = Vec::new();
    for i in 1..=20 {
        server.clock.advance_ms(1_000);
        sent.push(alice.send_text("bob", &format!("h{i}")).await);
    }
    bob.events.wait_received(20).await;
    let texts = |list: &[Message]| list.iter().map(text_of).collect::<Vec<_>>();
    let expected =
        |range: std::ops::RangeInclusive<usize>| range.map(|i| format!("h{i}")).collect::<Vec<_>>();

    let up = within(
        "hop up",
        bob.tim.get_message_list_hopping(GetMessageListHoppingOptions {
            conversation_id: "C2Calice".into(),
            time: Some(sent[19].time),
            ..Default::default()
        }),
    )
    .await
    .expect("hop");
    assert_eq!(texts(&up.message_list), expected(6..=20));
    assert!(!up.is_completed);
    assert_eq!(up.next_message_time, Some(sent[4].time));
    let rest = within(
        "hop up again",
        bob.tim.get_message_list_hopping(GetMessageListHoppingOptions {
            conversation_id: "C2Calice".into(),
            time: up.next_message_time,
            direction: 0,
            ..Default::default()
        }),
    )
    .await
    .expect("hop");
    assert_eq!(texts(&rest.message_list), expected(1..=5));
    assert!(rest.is_completed);
    assert_eq!(serde_json::to_value(&rest).expect("json")["nextMessageTime"], "");

    let down = within(
        "hop down",
        alice.tim.get_message_list_hopping(GetMessageListHoppingOptions {
            conversation_id: "C2Cbob".into(),
            time: Some(sent[2].time),
            direction: 1,
            count: Some(5),
            ..Default::default()
        }),
    )
    .await
    .expect("hop");
    assert_eq!(texts(&down.message_list), expected(3..=7));
    assert_eq!(down.next_message_time, Some(sent[7].time));
    assert!(down.message_list.iter().all(|m| m.flow == "out"));
    let end = within(
        "hop down to the end",
        alice.tim.get_message_list_hopping(GetMessageListHoppingOptions {
            conversation_id: "C2Cbob".into(),
            time: Some(sent[15].time),
            direction: 1,
            count: Some(40),
            ..Default::default()
        }),
    )
    .await
    .expect("hop");
    assert_eq!(texts(&end.message_list), expected(16..=20));
    assert!(end.is_completed);
    assert_eq!(end.next_message_time, None);
}

#[tokio::test]
async fn forward_merger_and_at_messages() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let from_bob = bob.send_text("alice", "forward me").await;
    let received = alice.events.wait_received(1).await.remove(0);
    let a2 = alice.send_text("bob", "second").await;
    let a3 = alice.send_text("bob", "third").await;

    // Forward a received message to carol: same type and payload.
    let forward = alice
        .tim
        .create_forward_message(CreateMessageOptions::c2c("carol".into(), received.clone()))
        .expect("forward");
    assert_eq!(forward.to, "carol");
    assert_eq!(forward.conversation_id, "C2Ccarol");
    assert_ne!(forward.id, received.id);
    within("send forward", alice.tim.send_message(&forward, SendMessageOptions::default()))
        .await
        .expect("sent");
    let got = carol.events.wait_received(1).await.remove(0);
    assert_eq!(got.r#type, received.r#type);
    assert_eq!(got.payload, received.payload);
    assert_eq!(got.from, "alice");
    // An unsent message cannot be forwarded.
    let unsent = alice.text("bob", "draft");
    let err = alice
        .tim
        .create_forward_message(CreateMessageOptions::c2c("carol".into(), unsent.clone()))
        .expect_err("not sent");
    assert_eq!(err.code, code::MESSAGE_FORWARD_TYPE_INVALID);

    // Merge three messages of alice and bob into one for carol.
    let merger = alice
        .tim
        .create_merger_message(CreateMessageOptions::c2c(
            "carol".into(),
            MergerMessagePayload {
                message_list: vec![received.clone(), a2.clone(), a3.clone()],
                title: "Chat history of alice and bob".into(),
                abstract_list: vec![
                    "bob: forward me".into(),
                    "alice: second".into(),
                    "alice: third".into(),
                ],
                compatible_text: "Please upgrade to see merged messages".into(),
            },
        ))
        .expect("merger");
    assert_eq!(merger.r#type, types::MSG_MERGER);
    within("send merger", alice.tim.send_message(&merger, SendMessageOptions::default()))
        .await
        .expect("sent");
    let got = carol.events.wait_received(2).await.remove(1);
    assert_eq!(got.r#type, types::MSG_MERGER);
    assert_eq!(got.payload["title"], "Chat history of alice and bob");
    assert_eq!(got.payload["abstractList"][1], "alice: second");
    assert_eq!(got.payload["compatibleText"], "Please upgrade to see merged messages");
    assert_eq!(got.payload["downloadKey"], "");
    let inner = got.payload["messageList"].as_array().expect("message list");
    assert_eq!(inner.len(), 3);
    assert_eq!(inner[0]["ID"], from_bob.id.as_str());
    assert_eq!(inner[0]["from"], "bob");
    assert_eq!(inner[0]["messageBody"][0]["type"], types::MSG_TEXT);
    assert_eq!(inner[0]["messageBody"][0]["payload"]["text"], "forward me");
    assert_eq!(inner[2]["messageBody"][0]["payload"]["text"], "third");
    let history = carol.history("C2Calice").await;
    assert_eq!(history[1].payload, got.payload);
    // A list with an unsent message is refused.
    let err = alice
        .tim
        .create_merger_message(CreateMessageOptions::c2c(
            "carol".into(),
            MergerMessagePayload {
                message_list: vec![a2.clone(), unsent],
                title: "t".into(),
                abstract_list: vec![],
                compatible_text: "c".into(),
            },
        ))
        .expect_err("unsent inside");
    assert_eq!(err.code, code::MESSAGE_MERGER_TYPE_INVALID);

    // @ messages are for groups only.
    let err = alice
        .tim
        .create_text_at_message(CreateMessageOptions::c2c(
            "bob".into(),
            TextAtPayload { text: "@bob hi".into(), at_user_list: vec!["bob".into()] },
        ))
        .expect_err("C2C");
    assert_eq!(err.code, code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE);
    let group = alice
        .tim
        .create_text_at_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(
                "team".into(),
                TextAtPayload {
                    text: "@all hi".into(),
                    at_user_list: vec![types::MSG_AT_ALL.into(), "bob".into()],
                },
            )
        })
        .expect("group @ message");
    assert_eq!(group.conversation_id, "GROUPteam");
    assert_eq!(group.at_user_list, [types::MSG_AT_ALL, "bob"]);
    assert_eq!(text_of(&group), "@all hi");
}

#[tokio::test]
async fn moderation_block_refuses_and_stores_nothing_unless_excluded() {
    let server = TestServer::start_with(|c| {
        c.moderation_words = vec!["darn".into()];
        c.moderation_mode = ModerationMode::Block;
        // Exclusions are honoured only when the server allows them.
        c.allow_moderation_exclusion = true;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let bad = alice.text("bob", "well DARN it");
    let err = within("blocked send", alice.tim.send_message(&bad, SendMessageOptions::default()))
        .await
        .expect_err("blocked");
    assert_eq!(err.code, code::ERR_SVR_COMM_SENSITIVE_TEXT);
    let fine = alice.send_text("bob", "all good").await;
    let excluded = alice.text("bob", "darn, allowed");
    let options = SendMessageOptions {
        online_user_only: false,
        message_control_info: Some(MessageControlInfo {
            excluded_from_content_moderation: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    within("excluded send", alice.tim.send_message(&excluded, options)).await.expect("sent");
    let got = bob.events.wait_received(2).await;
    assert_eq!(got.iter().map(text_of).collect::<Vec<_>>(), ["all good", "darn, allowed"]);
    let texts: Vec<_> = bob.history("C2Calice").await.iter().map(text_of).collect();
    assert_eq!(texts, ["all good", "darn, allowed"]);
    // Modifying into a filtered word is refused too.
    let err = within("blocked modify", alice.tim.modify_message(&with_text(&fine, "darn")))
        .await
        .expect_err("blocked");
    assert_eq!(err.code, code::ERR_SVR_COMM_SENSITIVE_TEXT);
}

#[tokio::test]
async fn moderation_mask_stores_the_masked_text_for_both_sides() {
    let server = TestServer::start_with(|c| {
        c.moderation_words = vec!["darn".into(), "heck".into()];
        c.moderation_mode = ModerationMode::Mask;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = alice.send_text("bob", "oh Darn, what the heck").await;
    assert_eq!(text_of(&sent), "oh ****, what the ****");
    let got = bob.events.wait_received(1).await;
    assert_eq!(text_of(&got[0]), "oh ****, what the ****");
    assert_eq!(text_of(&alice.history("C2Cbob").await[0]), "oh ****, what the ****");
    assert_eq!(text_of(&bob.history("C2Calice").await[0]), "oh ****, what the ****");
    let modified =
        within("masked modify", alice.tim.modify_message(&with_text(&sent, "darn again")))
            .await
            .expect("modified");
    assert_eq!(text_of(&modified), "**** again");
    let on_bob = bob.events.wait_modified(&sent.id, 1).await;
    assert_eq!(text_of(&on_bob), "**** again");
    // Non-text payloads are not looked at.
    let custom = alice
        .tim
        .create_custom_message(CreateMessageOptions::c2c(
            "bob".into(),
            confab_sdk::CustomPayload { data: "darn".into(), ..Default::default() },
        ))
        .expect("custom");
    let sent = within("custom", alice.tim.send_message(&custom, SendMessageOptions::default()))
        .await
        .expect("sent")
        .message;
    assert_eq!(sent.payload["data"], "darn");
}
