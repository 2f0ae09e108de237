//! The server holds under abuse by a logged-in user (issue 9, "Medium:
//! abuse of the server"): the send rate, sync replies capped in bytes,
//! requests in flight per session, upload quotas and the disk budget,
//! garbage collection of files no message names, message integrity
//! (only the sender rewrites a message), and clients that cannot switch the
//! profanity filter off.

use confab_proto::frame::ServerFrame;
use confab_proto::message::{FilePayload, MessageControlInfo, MessageElement};
use confab_proto::ops::{self, Heartbeat, SyncResponse};
use confab_proto::{code, ErrorBody};
use confab_sdk::SendMessageOptions;
use confab_server::config::ModerationMode;
use confab_tests::files::FileClient;
use confab_tests::{text_of, within, RawClient, TestClient, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

// ------------------------------------------------------------ send rate

#[tokio::test]
async fn a_sender_over_the_rate_gets_2996_and_nothing_is_lost_or_duplicated() {
    let server = TestServer::start_with(|c| {
        c.send_rate_per_sec = 1;
        c.send_burst = 3;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    for i in 0..3 {
        alice.send_text("bob", &format!("burst {i}")).await;
    }
    let over = alice.text("bob", "one too many");
    let err = within("over the rate", alice.tim.send_message(&over, SendMessageOptions::default()))
        .await
        .expect_err("over the rate");
    assert_eq!(err.code, code::OVER_FREQUENCY_LIMIT);
    // Kept locally as a failed send, not lost.
    let failed = alice.tim.find_message(&over.id).expect("kept locally");
    assert_eq!(failed.status, "fail");
    assert_eq!(text_of(&failed), "one too many");

    // A second later there is room again: the resend goes through once.
    server.clock.advance_ms(1_000);
    let resent = within("resend", alice.tim.resend_message(&failed)).await.expect("resent");
    assert_eq!(resent.message.status, "success");
    let got = bob.events.wait_received(4).await;
    let texts: Vec<String> = got.iter().map(text_of).collect();
    assert_eq!(texts, ["burst 0", "burst 1", "burst 2", "one too many"]);
    let history: Vec<String> = bob.history("C2Calice").await.iter().map(text_of).collect();
    assert_eq!(history, texts);
    let mine: Vec<String> = alice.history("C2Cbob").await.iter().map(text_of).collect();
    assert_eq!(mine, texts, "the sender's history has each message once");
}

// ----------------------------------------------------- sync size in bytes

/// Text of about 10 KB, distinct per `i`.
fn big_text(i: usize) -> String {
    format!("{i:04} {}", "y".repeat(10 * 1024))
}

#[tokio::test]
async fn a_big_backlog_arrives_in_capped_sync_frames_and_completely() {
    const CAP: usize = 64 * 1024;
    const COUNT: usize = 60;
    let server = TestServer::start_with(|c| c.max_sync_reply_bytes = CAP).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    bob.transport.set_offline(true);
    for i in 0..COUNT {
        alice.send_text("bob", &big_text(i)).await;
    }

    // On the wire: every sync reply frame stays under the cap, and the
    // pages cover the inbox exactly once.
    let mut raw = RawClient::login(&server, "bob").await;
    let mut after = 0;
    let mut seqs = Vec::new();
    let mut frames = 0;
    loop {
        let text = raw.call_text(&ops::Sync { after, limit: 0, groups: vec![] }).await;
        assert!(text.len() <= CAP, "a sync frame of {} bytes exceeds the {CAP} cap", text.len());
        let page: SyncResponse = match serde_json::from_str(&text).expect("frame") {
            ServerFrame::Ok { data, .. } => serde_json::from_value(data).expect("sync response"),
            other => panic!("sync failed: {other:?}"),
        };
        frames += 1;
        seqs.extend(page.entries.iter().map(|e| e.seq));
        after = page.entries.last().map_or(after, |e| e.seq);
        if after >= page.head {
            break;
        }
    }
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "gap-free, each entry once");
    assert!(seqs.len() >= COUNT);
    assert!(frames > 5, "{COUNT} × 10 KB cannot fit few {CAP}-byte frames; got {frames}");

    // The SDK pages through it: every message exactly once.
    bob.transport.set_offline(false);
    let got = bob.events.wait_received(COUNT).await;
    assert_eq!(got.len(), COUNT);
    let texts: Vec<String> = got.iter().map(text_of).collect();
    assert_eq!(texts, (0..COUNT).map(big_text).collect::<Vec<_>>());
    let ids: HashSet<&str> = got.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), COUNT);
    assert_eq!(bob.history("C2Calice").await.len(), COUNT);
}

// ------------------------------------------------- requests in flight

#[tokio::test]
async fn requests_over_the_in_flight_cap_get_90020_and_the_session_stays_usable() {
    const SENT: u64 = 300;
    let server = TestServer::start_with(|c| {
        c.max_in_flight_per_session = 1;
        c.send_rate_per_sec = 0;
    })
    .await;
    let _bob = RawClient::login(&server, "bob").await;
    let mut alice = RawClient::login(&server, "alice").await;
    // Pipelined without waiting: most arrive while another is awaiting its
    // commit.
    let first_id = 100;
    for n in 0..SENT {
        let request = ops::SendMessage::c2c_text("bob", n + 1, format!("m{n}"));
        let frame = confab_proto::frame::RequestFrame::new(first_id + n, &request).expect("frame");
        alice.send_raw(&serde_json::to_string(&frame).expect("encode")).await;
    }
    let mut answered = HashSet::new();
    let (mut stored, mut refused) = (0, 0);
    for _ in 0..SENT {
        match alice.next_reply().await.expect("every request is answered") {
            ServerFrame::Ok { id, .. } => {
                stored += 1;
                assert!(answered.insert(id), "request {id} answered twice");
            }
            ServerFrame::Err { id: Some(id), error } => {
                assert_eq!(error.code, code::TOO_MANY_REQUESTS_IN_FLIGHT, "{error:?}");
                refused += 1;
                assert!(answered.insert(id), "request {id} answered twice");
            }
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert_eq!(answered, (first_id..first_id + SENT).collect::<HashSet<u64>>());
    assert!(refused > 0, "with a cap of 1, pipelined requests must be refused");
    assert!(stored > 0);
    // The session is still usable, and only what was acknowledged is stored.
    alice.call(&Heartbeat {}).await.expect("heartbeat");
    alice.call(&ops::SendMessage::c2c_text("bob", 10_000, "still here")).await.expect("send");
    let page = alice
        .call(&ops::GetMessageList {
            conversation_id: "C2Cbob".into(),
            before_sequence: None,
            count: 100,
        })
        .await
        .expect("history");
    let mut total = page.messages.len();
    let mut before = page.messages.first().map(|m| m.sequence);
    let mut complete = page.is_completed;
    while !complete {
        let page = alice
            .call(&ops::GetMessageList {
                conversation_id: "C2Cbob".into(),
                before_sequence: before,
                count: 100,
            })
            .await
            .expect("history");
        total += page.messages.len();
        before = page.messages.first().map(|m| m.sequence);
        complete = page.is_completed;
    }
    assert_eq!(total, stored + 1);
}

#[tokio::test]
async fn the_sdk_resends_what_the_in_flight_cap_refused_so_a_burst_arrives_exactly_once() {
    const COUNT: usize = 60;
    let server = TestServer::start_with(|c| c.max_in_flight_per_session = 2).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sends = (0..COUNT).map(|i| {
        let message = alice.text("bob", &format!("burst {i}"));
        let tim = alice.tim.clone();
        async move { tim.send_message(&message, SendMessageOptions::default()).await }
    });
    let results = within("the burst", futures_util::future::join_all(sends)).await;
    for result in results {
        assert_eq!(result.expect("every send succeeds").message.status, "success");
    }
    let got = bob.events.wait_received(COUNT).await;
    let texts: HashSet<String> = got.iter().map(text_of).collect();
    assert_eq!(texts.len(), COUNT, "each message once");
    assert_eq!(bob.history("C2Calice").await.len(), COUNT);
}

// ------------------------------------------------------------- uploads

/// The file ID of an uploaded file's FileInfo.
fn uuid_of(info: &Value) -> String {
    info["uuid"].as_str().expect("uuid").to_owned()
}

fn content(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[tokio::test]
async fn uploads_past_the_user_quota_or_the_disk_budget_are_refused_with_their_codes() {
    let server = TestServer::start_with(|c| {
        c.upload_quota_bytes_per_user = 10_000;
        c.file_storage_budget_bytes = 25_000;
    })
    .await;
    let (alice, bob, carol, dave) = (
        FileClient::new(&server, "alice"),
        FileClient::new(&server, "bob"),
        FileClient::new(&server, "carol"),
        FileClient::new(&server, "dave"),
    );
    uuid_of(&alice.upload("file", "f.bin", &content(1, 6_000)).await);
    // Stored files and unfinished uploads both count against the quota.
    let (status, body) = alice.create("file", "f.bin", 3_000).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = alice.create("file", "f.bin", 1_001).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], code::UPLOAD_QUOTA_EXCEEDED);
    // Another user has their own quota, but the store's budget is shared.
    uuid_of(&bob.upload("file", "f.bin", &content(2, 9_000)).await);
    let (status, body) = carol.create("file", "f.bin", 7_000).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = dave.create("file", "f.bin", 1).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(body["code"], code::STORAGE_FULL);
}

/// A C2C message whose element is a file of the file service.
fn file_message(to: &str, random: u64, uuid: &str) -> ops::SendMessage {
    let mut send = ops::SendMessage::c2c_text(to, random, "");
    send.message.element = MessageElement::File(FilePayload {
        uuid: uuid.into(),
        file_name: "report.bin".into(),
        ..Default::default()
    });
    send
}

#[tokio::test]
async fn files_no_message_names_are_collected_after_the_grace_period_and_named_ones_stay() {
    let server = TestServer::start_with(|c| {
        c.file_gc_grace_secs = 600;
        c.file_gc_interval_secs = 60;
    })
    .await;
    let mut alice_ws = RawClient::login(&server, "alice").await;
    let _bob_ws = RawClient::login(&server, "bob").await;
    let (alice, bob) = (FileClient::new(&server, "alice"), FileClient::new(&server, "bob"));
    let named = uuid_of(&alice.upload("file", "f.bin", &content(3, 4_000)).await);
    let orphan = uuid_of(&alice.upload("file", "f.bin", &content(4, 5_000)).await);
    alice_ws.call(&file_message("bob", 1, &named)).await.expect("alice sends the file");
    let blob = |id: &str| server.data_dir().join("files").join(&id[..2]).join(id);
    assert!(blob(&orphan).exists());

    // Within the grace period nothing goes: its message may be on its way.
    let report = server.handle().collect_garbage().await.expect("pass");
    assert_eq!(report.files_removed, 0);

    // Past it, the periodic pass removes the file no message names.
    let mut passes = server.handle().garbage_passes();
    server.clock.advance_ms(601_000);
    within("a periodic pass", passes.wait_for(|n| *n >= 1)).await.expect("collector runs");
    assert!(!blob(&orphan).exists(), "the unnamed file's content is deleted");
    assert_eq!(
        alice.get(&format!("/files/{}", &orphan), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(blob(&named).exists());
    assert_eq!(alice.get(&format!("/files/{}", &named), None).await.status(), StatusCode::OK);
    assert_eq!(bob.get(&format!("/files/{}", &named), None).await.status(), StatusCode::OK);
    // Its quota is given back: the same content can be uploaded again.
    assert_eq!(uuid_of(&alice.upload("file", "f.bin", &content(4, 5_000)).await), orphan);
    assert_eq!(alice.get(&format!("/files/{}", &orphan), None).await.status(), StatusCode::OK);
}

// -------------------------------------------------- message integrity

#[tokio::test]
async fn the_receiver_cannot_rewrite_the_senders_text_but_may_change_cloud_custom_data() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = alice.send_text("bob", "I owe bob $5").await;
    let on_bob = bob.events.wait_received(1).await.remove(0);

    let mut forged = on_bob.clone();
    forged.payload = json!({ "text": "I owe bob $5000" });
    let err = within("forged edit", bob.tim.modify_message(&forged)).await.expect_err("refused");
    assert_eq!(err.code, code::MODIFY_PERMISSION_DENIED);
    // Both views are unchanged.
    for (who, history) in
        [("alice", alice.history("C2Cbob").await), ("bob", bob.history("C2Calice").await)]
    {
        assert_eq!(text_of(&history[0]), "I owe bob $5", "{who}'s view");
        assert_eq!(history[0].version, 0, "{who}'s view");
        assert!(!history[0].is_modified, "{who}'s view");
    }

    // A reaction (cloudCustomData) is the receiver's to add.
    let mut reaction = on_bob.clone();
    reaction.cloud_custom_data = r#"{"reactions":{"👍":["bob"]}}"#.into();
    let reacted = within("reaction", bob.tim.modify_message(&reaction)).await.expect("allowed");
    assert_eq!(reacted.version, 1);
    let on_alice = alice.events.wait_modified(&sent.id, 1).await;
    assert_eq!(on_alice.cloud_custom_data, reaction.cloud_custom_data);
    assert_eq!(text_of(&on_alice), "I owe bob $5");
    assert_eq!(text_of(&alice.history("C2Cbob").await[0]), "I owe bob $5");
    // The sender may still edit their own text.
    let mut fixed = on_alice.clone();
    fixed.payload = json!({ "text": "I owe bob $6" });
    within("own edit", alice.tim.modify_message(&fixed)).await.expect("the sender edits");
    assert_eq!(text_of(&bob.events.wait_modified(&sent.id, 2).await), "I owe bob $6");
}

#[tokio::test]
async fn the_permissive_setting_restores_tims_rule() {
    let server = TestServer::start_with(|c| c.modify_by_receiver = true).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = alice.send_text("bob", "helo").await;
    let mut fixed = bob.events.wait_received(1).await.remove(0);
    fixed.payload = json!({ "text": "hello" });
    within("bob edits", bob.tim.modify_message(&fixed)).await.expect("allowed by the setting");
    assert_eq!(text_of(&alice.events.wait_modified(&sent.id, 1).await), "hello");
}

// ------------------------------------------------------------ moderation

#[tokio::test]
async fn a_client_cannot_exclude_its_text_from_moderation_unless_the_server_allows_it() {
    let server = TestServer::start_with(|c| {
        c.moderation_words = vec!["darn".into()];
        c.moderation_mode = ModerationMode::Mask;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sneaky = alice.text("bob", "darn it");
    let options = SendMessageOptions {
        online_user_only: false,
        message_control_info: Some(MessageControlInfo {
            excluded_from_content_moderation: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let sent = within("excluded send", alice.tim.send_message(&sneaky, options))
        .await
        .expect("sent")
        .message;
    assert_eq!(text_of(&sent), "**** it", "the flag is ignored: the filter applied");
    let got = bob.events.wait_received(1).await;
    assert_eq!(text_of(&got[0]), "**** it");
    assert_eq!(text_of(&bob.history("C2Calice").await[0]), "**** it");

    // In block mode the same request is refused like any other.
    let blocking = TestServer::start_with(|c| c.moderation_words = vec!["darn".into()]).await;
    let mut raw = RawClient::login(&blocking, "alice").await;
    let _bob = RawClient::login(&blocking, "bob").await;
    let mut request = ops::SendMessage::c2c_text("bob", 1, "darn it");
    request.message_control_info =
        Some(MessageControlInfo { excluded_from_content_moderation: true, ..Default::default() });
    let err: ErrorBody = raw.call(&request).await.expect_err("refused");
    assert_eq!(err.code, code::ERR_SVR_COMM_SENSITIVE_TEXT);
}

#[tokio::test]
async fn a_sync_asking_about_a_group_that_does_not_exist_is_refused_with_10010() {
    let server = TestServer::start().await;
    let mut raw = RawClient::login(&server, "bob").await;
    let request = ops::Sync {
        after: 0,
        limit: 0,
        groups: vec![confab_proto::inbox::TimelineCursor {
            group_id: "@TGS#nope".into(),
            after: 0,
        }],
    };
    let error = raw.call(&request).await.expect_err("no such group");
    assert_eq!(error.code, confab_proto::code::ERR_SVR_GROUP_NOT_FOUND);
    // Without groups the same session syncs as before.
    let page = raw.call(&ops::Sync { after: 0, limit: 0, groups: vec![] }).await.expect("sync");
    assert_eq!(page.head, page.entries.last().map_or(0, |e| e.seq));
}
