//! One-to-one messages over the REST API, as an application backend uses
//! them: it sends as an account (the receiver's and the sender's own
//! instances get MESSAGE_RECEIVED), sends in batches, recalls and edits
//! as the sender, imports old history and reads it back; and every bad
//! request gets TIM's code.

use confab_sdk::MessageFlow;
use confab_tests::rest::RestClient;
use confab_tests::{text_of, within, TestClient, TestServer, START_MS};
use serde_json::{json, Value};

/// Now on the test server's clock (it only moves when a test moves it).
const NOW: i64 = START_MS / 1000;

/// A `MsgBody` of one text.
fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

#[tokio::test]
async fn a_backend_sends_as_an_account_and_both_sides_receive_it() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let answer = rest
        .ok(
            "openim/sendmsg",
            json!({
                "SyncOtherMachine": 1,
                "From_Account": "bob",
                "To_Account": "alice",
                "MsgRandom": 11,
                "MsgBody": text_body("hello from the backend"),
                "CloudCustomData": "order-7",
            }),
        )
        .await;
    let key = answer["MsgKey"].as_str().expect("MsgKey").to_owned();
    assert_eq!(answer["MsgTime"], NOW);

    let on_alice = alice.events.wait_received(1).await.remove(0);
    assert_eq!(on_alice.id, key);
    assert_eq!(on_alice.from, "bob");
    assert_eq!(on_alice.flow, MessageFlow::In);
    assert_eq!(text_of(&on_alice), "hello from the backend");
    assert_eq!(on_alice.cloud_custom_data, "order-7");
    assert_eq!(on_alice.time, NOW);
    // Bob's own instance hears of what was sent in his name.
    let on_bob = bob.events.wait_received(1).await.remove(0);
    assert_eq!(on_bob.id, key);
    assert_eq!(on_bob.flow, MessageFlow::Out);
    assert_eq!(text_of(&on_bob), "hello from the backend");

    // The same MsgRandom again in the same second is that message again.
    let again = rest
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "bob", "To_Account": "alice", "MsgRandom": 11,
                   "MsgBody": text_body("hello from the backend")}),
        )
        .await;
    assert_eq!(again["MsgKey"], key.as_str());

    // Without From_Account the administrator itself sends; SendMsgControl
    // NoUnread leaves alice's unread count as it was.
    let answer = rest
        .ok(
            "openim/sendmsg",
            json!({"To_Account": "alice", "MsgRandom": 12, "MsgBody": text_body("notice"),
                   "SendMsgControl": ["NoUnread"]}),
        )
        .await;
    let received = alice.events.wait_received(2).await;
    assert_eq!(received[1].id, answer["MsgKey"].as_str().expect("MsgKey"));
    assert_eq!(received[1].from, "administrator");
    alice.wait_total_unread(1).await;
    assert_eq!(alice.history("C2Cbob").await.len(), 1, "the repeat was stored once");
}

#[tokio::test]
async fn a_batch_reaches_every_account_and_lists_the_others() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let carol = TestClient::login(&server, "carol").await;
    let bob = TestClient::login(&server, "bob").await;

    let answer = rest
        .ok(
            "openim/batchsendmsg",
            json!({
                "From_Account": "bob",
                "To_Account": ["alice", "nobody", "carol", "alice", "has space"],
                "MsgRandom": 5,
                "MsgBody": text_body("news"),
            }),
        )
        .await;
    assert_eq!(
        answer["ErrorList"],
        json!([
            {"To_Account": "nobody", "ErrorCode": 90012},
            {"To_Account": "has space", "ErrorCode": 90012},
        ])
    );
    let on_alice = alice.events.wait_received(1).await.remove(0);
    assert_eq!(answer["MsgKey"], on_alice.id.as_str());
    assert_eq!(text_of(&on_alice), "news");
    let on_carol = carol.events.wait_received(1).await.remove(0);
    assert_eq!(on_carol.from, "bob");
    assert_ne!(on_carol.id, on_alice.id, "each receiver's message has its own key");
    let sent = bob.events.wait_received(2).await;
    assert_eq!(sent.len(), 2, "a repeated receiver gets one message");
    assert_eq!(alice.history("C2Cbob").await.len(), 1);

    let too_many: Vec<String> = (0..501).map(|i| format!("u{i}")).collect();
    rest.fails(
        "openim/batchsendmsg",
        json!({"To_Account": too_many, "MsgRandom": 1, "MsgBody": text_body("x")}),
        90011,
    )
    .await;
    rest.fails(
        "openim/batchsendmsg",
        json!({"From_Account": "ghost", "To_Account": ["alice"], "MsgRandom": 1,
               "MsgBody": text_body("x")}),
        90012,
    )
    .await;
    rest.fails(
        "openim/batchsendmsg",
        json!({"To_Account": ["alice"], "MsgRandom": 1, "MsgBody": []}),
        90005,
    )
    .await;
}

#[tokio::test]
async fn a_backend_edits_and_recalls_as_the_sender_at_any_age() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let sent = bob.send_text("alice", "helo").await;
    alice.wait_received(&sent).await;

    rest.ok(
        "openim/modify_c2c_msg",
        json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": sent.id,
               "MsgBody": text_body("hello"), "CloudCustomData": "edited"}),
    )
    .await;
    for client in [&alice, &bob] {
        let modified = client.events.wait_modified(&sent.id, 1).await;
        assert_eq!(text_of(&modified), "hello", "{}", client.user_id);
        assert_eq!(modified.cloud_custom_data, "edited");
    }
    rest.fails(
        "openim/modify_c2c_msg",
        json!({"From_Account": "bob", "To_Account": "alice", "MsgKey": sent.id,
               "MsgBody": [{"MsgType": "TIMSoundElem", "MsgContent": {}}]}),
        90005,
    )
    .await;

    // Past the revoke window bob's own instance may not recall it any more;
    // the backend still may, and both sides hear of it.
    server.clock.advance_ms(3_600_000);
    let refused = within("late revoke", bob.tim.revoke_message(&sent)).await.expect_err("late");
    assert_eq!(refused.code, confab_proto::code::MESSAGE_REVOKE_FAIL);
    let withdraw = |from: &str, to: &str, key: &str| json!({"From_Account": from, "To_Account": to, "MsgKey": key});
    rest.fails("openim/admin_msgwithdraw", withdraw("bob", "alice", "bob-1-1"), 90054).await;
    rest.fails("openim/admin_msgwithdraw", withdraw("bob", "ghost", &sent.id), 90012).await;
    // Alice did not send it.
    rest.fails("openim/admin_msgwithdraw", withdraw("alice", "bob", &sent.id), 2110).await;
    rest.ok("openim/admin_msgwithdraw", withdraw("bob", "alice", &sent.id)).await;
    assert!(alice.events.wait_revoked(&sent.id).await.is_revoked);
    assert!(bob.events.wait_revoked(&sent.id).await.is_revoked);
    assert!(alice.history("C2Cbob").await[0].is_revoked);
}

#[tokio::test]
async fn imported_history_keeps_its_time_and_is_read_back_newest_first() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    rest.ok("im_open_login_svc/account_import", json!({"UserID": "bob"})).await;

    let import = |random: u32, time: i64, text: &str| {
        json!({"SyncFromOldSystem": 2, "From_Account": "bob", "To_Account": "alice",
               "MsgRandom": random, "MsgTimeStamp": time, "MsgBody": text_body(text)})
    };
    let day_ago = NOW - 86_400;
    let hour_ago = NOW - 3_600;
    rest.ok("openim/importmsg", import(1, day_ago, "from the old system")).await;
    // Importing it again (a retry) stores nothing new.
    rest.ok("openim/importmsg", import(1, day_ago, "from the old system")).await;
    let sent = rest
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "bob", "To_Account": "alice", "MsgRandom": 3,
                   "MsgBody": text_body("today")}),
        )
        .await;
    // Imported after today's message, but an hour old.
    rest.ok("openim/importmsg", import(2, hour_ago, "an hour ago")).await;

    alice.events.wait_received(3).await;
    let history = alice.history("C2Cbob").await;
    let seen: Vec<(String, i64)> = history.iter().map(|m| (text_of(m), m.time)).collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.contains(&("from the old system".into(), day_ago)), "{seen:?}");
    assert!(seen.contains(&("an hour ago".into(), hour_ago)), "{seen:?}");
    // History imports leave the unread count alone.
    alice.wait_total_unread(1).await;

    let roam = |max: u32, max_time: i64, last: Option<&str>| {
        let mut body = json!({"Operator_Account": "alice", "Peer_Account": "bob",
                              "MaxCnt": max, "MinTime": 0, "MaxTime": max_time});
        if let Some(last) = last {
            body["LastMsgKey"] = last.into();
        }
        body
    };
    let first = rest.ok("openim/admin_getroammsg", roam(2, NOW, None)).await;
    assert_eq!(first["Complete"], 0);
    assert_eq!(first["MsgCnt"], 2);
    let list = first["MsgList"].as_array().expect("MsgList");
    assert_eq!(list[0]["MsgKey"], sent["MsgKey"]);
    assert_eq!(list[0]["From_Account"], "bob");
    assert_eq!(list[0]["To_Account"], "alice");
    assert_eq!(list[0]["MsgBody"], text_body("today"));
    assert_eq!(list[1]["MsgTimeStamp"], hour_ago);
    assert_eq!(list[1]["MsgRandom"], 2);
    assert_eq!(list[1]["MsgFlagBits"], 0);
    assert_eq!(first["LastMsgTime"], hour_ago);
    assert_eq!(first["LastMsgKey"], list[1]["MsgKey"]);
    // TIM's paging: the next window ends at LastMsgTime, after LastMsgKey.
    let last = first["LastMsgKey"].as_str().expect("LastMsgKey");
    let next = rest.ok("openim/admin_getroammsg", roam(2, hour_ago, Some(last))).await;
    assert_eq!(next["Complete"], 1);
    assert_eq!(next["MsgCnt"], 1);
    assert_eq!(next["MsgList"][0]["MsgTimeStamp"], day_ago);
    assert_eq!(next["MsgList"][0]["MsgBody"], text_body("from the old system"));
    // A window with nothing in it.
    let empty = rest
        .ok(
            "openim/admin_getroammsg",
            json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 5,
                   "MinTime": day_ago + 1, "MaxTime": hour_ago - 1}),
        )
        .await;
    assert_eq!(empty["Complete"], 1);
    assert_eq!(empty["MsgList"], json!([]));
    assert_eq!(empty["LastMsgKey"], "");

    rest.fails("openim/admin_getroammsg", roam(0, NOW, None), 70402).await;
    rest.fails("openim/admin_getroammsg", roam(101, NOW, None), 70402).await;
    rest.fails("openim/admin_getroammsg", roam(5, NOW, Some("bob-1-999")), 90054).await;
    let mut stranger = roam(5, NOW, None);
    stranger["Peer_Account"] = "ghost".into();
    rest.fails("openim/admin_getroammsg", stranger, 90012).await;
    rest.fails("openim/importmsg", import(9, NOW + 60, "from the future"), 70402).await;
    let mut bad_sync = import(9, day_ago, "x");
    bad_sync["SyncFromOldSystem"] = 3.into();
    rest.fails("openim/importmsg", bad_sync, 70402).await;
    let mut to_ghost = import(9, day_ago, "x");
    to_ghost["To_Account"] = "ghost".into();
    rest.fails("openim/importmsg", to_ghost, 90012).await;
    let mut bad_body = import(9, day_ago, "x");
    bad_body["MsgBody"] = json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": ""}}]);
    rest.fails("openim/importmsg", bad_body, 90005).await;
}

#[tokio::test]
async fn bad_sends_get_tims_codes() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let send = |changes: Value| {
        let mut body = json!({"From_Account": "alice", "To_Account": "alice2",
                              "MsgRandom": 1, "MsgBody": text_body("hi")});
        for (name, value) in changes.as_object().expect("an object") {
            body[name] = value.clone();
        }
        body
    };
    rest.ok("im_open_login_svc/account_import", json!({"UserID": "alice2"})).await;
    rest.ok("openim/sendmsg", send(json!({}))).await;
    rest.fails("openim/sendmsg", send(json!({"To_Account": "ghost"})), 90012).await;
    rest.fails("openim/sendmsg", send(json!({"To_Account": ""})), 90012).await;
    rest.fails("openim/sendmsg", send(json!({"From_Account": "ghost"})), 90012).await;
    rest.fails("openim/sendmsg", send(json!({"MsgBody": []})), 90005).await;
    rest.fails("openim/sendmsg", send(json!({"MsgBody": "hi"})), 90005).await;
    rest.fails("openim/sendmsg", send(json!({"MsgBody": [{"Text": "hi"}]})), 90005).await;
    let image = json!([{"MsgType": "TIMImageElem", "MsgContent": {}}]);
    rest.fails("openim/sendmsg", send(json!({"MsgBody": image})), 90005).await;
    let two = json!([text_body("a")[0], text_body("b")[0]]);
    rest.fails("openim/sendmsg", send(json!({"MsgBody": two})), 90005).await;
    rest.fails("openim/sendmsg", send(json!({"MsgLifeTime": 604_801})), 90026).await;
    rest.fails("openim/sendmsg", send(json!({"SyncOtherMachine": 3})), 70402).await;
    rest.fails("openim/sendmsg", send(json!({"SendMsgControl": ["NoPush"]})), 70402).await;
    rest.fails("openim/sendmsg", send(json!({"MsgRandom": -1})), 70402).await;
    rest.fails("openim/sendmsg", send(json!({"To_Account": "alice"})), 90008).await;
    // SyncOtherMachine 2 is accepted (the sender keeps it all the same).
    rest.ok("openim/sendmsg", send(json!({"SyncOtherMachine": 2, "MsgRandom": 2}))).await;
    // MsgLifeTime 0: online instances only, nothing stored.
    let online = rest
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "alice2", "To_Account": "alice", "MsgRandom": 3,
                   "MsgLifeTime": 0, "MsgBody": text_body("only now")}),
        )
        .await;
    let received = alice.events.wait_received(3).await;
    let live = received.iter().find(|m| m.id == online["MsgKey"]).expect("delivered live");
    assert_eq!(text_of(live), "only now");
    let stored = rest
        .ok(
            "openim/admin_getroammsg",
            json!({"Operator_Account": "alice", "Peer_Account": "alice2", "MaxCnt": 10,
                   "MinTime": 0, "MaxTime": NOW}),
        )
        .await;
    assert_eq!(stored["MsgCnt"], 2, "the live-only message is not stored: {stored}");
}

#[tokio::test]
async fn a_batch_takes_one_send_of_the_senders_rate() {
    let server = TestServer::start_with(|c| {
        c.send_rate_per_sec = 1;
        c.send_burst = 1;
    })
    .await;
    let rest = RestClient::new(&server);
    for user in ["bob", "u1", "u2", "u3"] {
        rest.ok("im_open_login_svc/account_import", json!({"UserID": user})).await;
    }
    let answer = rest
        .ok(
            "openim/batchsendmsg",
            json!({"From_Account": "bob", "To_Account": ["u1", "u2", "u3"], "MsgRandom": 1,
                   "MsgBody": text_body("to all")}),
        )
        .await;
    assert_eq!(answer["ErrorList"], json!([]), "every receiver got it: {answer}");
    // The allowance is spent: bob's next send, batch or not, waits.
    let single = json!({"From_Account": "bob", "To_Account": "u1", "MsgRandom": 2,
                        "MsgBody": text_body("again")});
    rest.fails("openim/sendmsg", single, 2996).await;
}
