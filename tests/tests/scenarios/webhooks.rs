//! TIM's third-party callbacks against a real HTTP receiver started by the
//! test, and a bot that lives on the REST API and the callbacks alone.

use confab_proto::code;
use confab_proto::group::GroupType;
use confab_proto::relation::{AddFriend, AddType};
use confab_sdk::{DeleteType, Event, SendMessageOptions};
use confab_server::config::CallbackFailure;
use confab_tests::callbacks::{Answer, Callback, CallbackReceiver};
use confab_tests::rest::RestClient;
use confab_tests::{code_of, new_group, text_of, within, TestClient, TestServer};
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};

/// The text of a callback's one-element `MsgBody`.
fn text_in(call: &Callback) -> String {
    call.body["MsgBody"][0]["MsgContent"]["Text"].as_str().unwrap_or_default().to_owned()
}

/// The before-callback answers these tests use, by the message's text.
fn judge(call: &Callback) -> Answer {
    if !call.command.ends_with("CallbackBeforeSendMsg") {
        return Answer::ok();
    }
    match text_in(call).as_str() {
        "blocked" => {
            Answer::Json(json!({"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "not here"}))
        }
        "custom" => {
            Answer::Json(json!({"ActionStatus": "FAIL", "ErrorCode": 120_005, "ErrorInfo": "nope"}))
        }
        "rewrite" => Answer::Json(json!({
            "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "rewritten"}}],
            "CloudCustomData": "by the backend"
        })),
        "drop" => Answer::Json(json!({"ActionStatus": "OK", "ErrorCode": 2, "ErrorInfo": ""})),
        "hang" => Answer::Hang,
        "broken" => Answer::Status(500),
        _ => Answer::ok(),
    }
}

async fn send(
    client: &TestClient,
    to: &str,
    text: &str,
) -> Result<confab_sdk::Message, confab_sdk::TimError> {
    let message = client.text(to, text);
    within("send", client.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .map(|r| r.message)
}

async fn group_send(
    client: &TestClient,
    group: &str,
    text: &str,
) -> Result<confab_sdk::SendResult, confab_sdk::TimError> {
    let message = client
        .tim
        .create_text_message(confab_tests::text_options(group, true, text))
        .expect("message");
    within("group send", client.tim.send_message(&message, SendMessageOptions::default())).await
}

#[tokio::test]
async fn a_bot_answers_messages_through_rest_and_callbacks_alone() {
    // The bot's backend: every message to "bot" is answered over REST.
    let rest: Arc<OnceLock<RestClient>> = Arc::new(OnceLock::new());
    let bot_rest = Arc::clone(&rest);
    let receiver = CallbackReceiver::start(move |call| {
        let text = call.body["MsgBody"][0]["MsgType"] == "TIMTextElem";
        if call.command == "C2C.CallbackAfterSendMsg" && call.body["To_Account"] == "bot" && text {
            let rest = bot_rest.get().expect("REST client set").clone();
            let (to, text) = (call.body["From_Account"].clone(), text_in(call));
            // TIM's REST MsgRandom is 32 bits; the SDK's randoms are wider.
            let random = (call.body["MsgRandom"].as_u64().unwrap_or(1) % u64::from(u32::MAX)) + 1;
            tokio::spawn(async move {
                rest.ok(
                    "openim/sendmsg",
                    json!({
                        "From_Account": "bot", "To_Account": to, "MsgRandom": random,
                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("echo: {text}")}}]
                    }),
                )
                .await;
            });
        }
        Answer::ok()
    })
    .await;
    let url = receiver.url.clone();
    let server = TestServer::start_with(|c| {
        c.callback_url = Some(url);
        c.callback_token = Some("backend token".into());
    })
    .await;
    assert!(rest.set(RestClient::new(&server)).is_ok(), "the bot's REST client is set once");
    rest.get()
        .expect("set")
        .ok("im_open_login_svc/account_import", json!({"UserID": "bot", "Nick": "Echo"}))
        .await;

    let alice = TestClient::login(&server, "alice").await;
    send(&alice, "bot", "hello").await.expect("sent to the bot");
    let answer = alice
        .events
        .wait_for("the bot's answer", |events| {
            confab_tests::received_in(events).into_iter().find(|m| m.from.as_str() == "bot")
        })
        .await;
    assert_eq!(text_of(&answer), "echo: hello");
    assert_eq!(answer.nick, "Echo");

    // What confabd posted: the send, signed with the token.
    let sent = receiver.wait_for("C2C.CallbackAfterSendMsg", 1, |_| true).await;
    let call = &sent[0];
    assert_eq!(call.body["From_Account"], "alice");
    assert_eq!(call.body["SendMsgResult"], 0);
    assert_eq!(call.query["SdkAppid"], server.sdk_app_id().to_string());
    assert_eq!(call.query["OptPlatform"], "Web");
    let time = &call.query["RequestTime"];
    let expected = confab_testkit::sha256_hex(format!("backend token{time}").as_bytes());
    assert_eq!(call.query["Sign"], expected);
    let login = receiver
        .wait_for("State.StateChange", 1, |c| c.body["Info"]["To_Account"] == "alice")
        .await;
    assert_eq!(login[0].body["Info"]["Action"], "Login");

    // A second round: still one callback per message of alice, none for
    // the bot's REST answers.
    send(&alice, "bot", "again").await.expect("sent");
    alice
        .events
        .wait_for("the second answer", |events| {
            confab_tests::received_in(events).into_iter().find(|m| text_of(m) == "echo: again")
        })
        .await;
    receiver.wait_for("C2C.CallbackAfterSendMsg", 2, |_| true).await;
    let from_bot = receiver.calls().into_iter().filter(|c| c.body["From_Account"] == "bot").count();
    assert_eq!(from_bot, 0, "REST sends fire no callbacks");
}

#[tokio::test]
async fn before_callbacks_refuse_rewrite_drop_and_fail_as_configured() {
    let receiver = CallbackReceiver::start(judge).await;
    let url = receiver.url.clone();
    let server = TestServer::start_with(|c| {
        c.callback_url = Some(url);
        c.callback_timeout_ms = 300;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let refused = send(&alice, "bob", "blocked").await.expect_err("refused");
    assert_eq!((refused.code, refused.message.as_str()), (code::ERR_SVR_MSG_PUSH_DENY, "not here"));
    assert_eq!(code_of(send(&alice, "bob", "custom").await), 120_005);
    // A rewrite reaches the receiver, and the sender hears MESSAGE_MODIFIED
    // (checklist 984; the seed's 收到消息被第三方回调修改的通知).
    let sent = send(&alice, "bob", "rewrite").await.expect("sent");
    assert_eq!(text_of(&sent), "rewritten");
    assert_eq!(sent.cloud_custom_data, "by the backend");
    alice
        .events
        .wait_for("MESSAGE_MODIFIED", |events| {
            events.iter().find_map(|e| match e {
                Event::MessageModified(list) => list.iter().find(|m| m.id == sent.id).cloned(),
                _ => None,
            })
        })
        .await;
    // Dropped: the sender sees success, bob never gets it.
    send(&alice, "bob", "drop").await.expect("looks sent");
    // No answer in time: let through (the default policy); a broken
    // callback too.
    send(&alice, "bob", "hang").await.expect("let through");
    send(&alice, "bob", "broken").await.expect("let through");
    let got = bob.events.wait_received(3).await;
    let texts: Vec<String> = got.iter().map(text_of).collect();
    assert_eq!(texts, ["rewritten", "hang", "broken"]);

    // Groups: the same verdicts.
    let group = within("create", alice.tim.create_group(new_group(GroupType::Work, &["bob"])))
        .await
        .expect("group")
        .group
        .group_id;
    let gid = group.as_str();
    assert_eq!(code_of(group_send(&alice, gid, "blocked").await), code::ERR_SVR_MSG_PUSH_DENY);
    let rewritten = group_send(&alice, gid, "rewrite").await.expect("sent").message;
    assert_eq!(text_of(&rewritten), "rewritten");
    group_send(&alice, gid, "drop").await.expect("looks sent");
    group_send(&alice, gid, "plain").await.expect("sent");
    let calls = receiver.wait_for("Group.CallbackAfterSendMsg", 2, |_| true).await;
    let texts: Vec<String> = calls.iter().map(text_in).collect();
    assert!(
        texts.contains(&"rewritten".to_owned()) && texts.contains(&"plain".to_owned()),
        "{texts:?}"
    );
    assert_eq!(calls[0].body["Type"], "Private");
    let group_texts: Vec<String> = confab_tests::full_history(&bob.tim, &format!("GROUP{gid}"))
        .await
        .iter()
        .map(text_of)
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(group_texts, ["rewritten", "plain"]);

    // The other policy: a callback that fails refuses the message.
    let server = TestServer::start_with(|c| {
        c.callback_url = Some(receiver.url.clone());
        c.callback_timeout_ms = 300;
        c.callback_on_failure = CallbackFailure::Refuse;
    })
    .await;
    let carol = TestClient::login(&server, "carol").await;
    assert_eq!(code_of(send(&carol, "dave", "hang").await), code::ERR_SVR_MSG_PUSH_DENY);
    assert_eq!(code_of(send(&carol, "dave", "broken").await), code::ERR_SVR_MSG_PUSH_DENY);
    TestClient::login(&server, "dave").await;
    send(&carol, "dave", "fine").await.expect("an answered callback still allows");
}

#[tokio::test]
async fn friend_group_and_state_changes_are_posted_and_retried() {
    // The first two posts of a friend deletion fail: confabd tries again.
    let failures = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = Arc::clone(&failures);
    let receiver = CallbackReceiver::start(move |call| {
        if call.command == "Sns.CallbackFriendDelete"
            && seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2
        {
            return Answer::Status(503);
        }
        Answer::ok()
    })
    .await;
    let url = receiver.url.clone();
    let server = TestServer::start_with(|c| c.callback_url = Some(url)).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let allow_any = confab_sdk::ProfilePatch {
        allow_type: Some("AllowType_Type_AllowAny".into()),
        ..Default::default()
    };
    within("allow", bob.tim.update_my_profile(allow_any)).await.expect("bob allows anyone");
    let add = AddFriend {
        to: "bob".into(),
        source: "AddSource_Type_Desktop".into(),
        add_type: AddType::Both,
        ..AddFriend::default()
    };
    assert_eq!(within("add", alice.tim.add_friend(add)).await.expect("added").code, 0);
    let added = receiver.wait_for("Sns.CallbackFriendAdd", 1, |_| true).await;
    assert_eq!(
        added[0].body["PairList"],
        json!([
            {"From_Account": "alice", "To_Account": "bob", "Initiator_Account": "alice"},
            {"From_Account": "bob", "To_Account": "alice", "Initiator_Account": "alice"}
        ])
    );
    within("delete", alice.tim.delete_friend(vec!["bob".into()], DeleteType::Both))
        .await
        .expect("deleted");
    let deleted = receiver.wait_for("Sns.CallbackFriendDelete", 3, |_| true).await;
    assert_eq!(
        deleted[2].body["PairList"],
        json!([{"From_Account": "alice", "To_Account": "bob"}])
    );

    let created = within("create", alice.tim.create_group(new_group(GroupType::Public, &["bob"])))
        .await
        .expect("group")
        .group;
    let gid = created.group_id.as_str().to_owned();
    let call = &receiver.wait_for("Group.CallbackAfterCreateGroup", 1, |_| true).await[0];
    assert_eq!(call.body["GroupId"], gid.as_str());
    assert_eq!(call.body["Type"], "Public");
    assert_eq!(call.body["Owner_Account"], "alice");
    assert_eq!(call.body["MemberList"], json!([{"Member_Account": "bob"}]));
    let add = confab_proto::group::AddGroupMember {
        group_id: created.group_id.clone(),
        user_id_list: vec!["carol".into()],
    };
    within("add carol", alice.tim.add_group_member(add)).await.expect("carol added");
    let joined = &receiver.wait_for("Group.CallbackAfterNewMemberJoin", 1, |_| true).await[0];
    assert_eq!(joined.body["JoinType"], "Invited");
    assert_eq!(joined.body["NewMemberList"], json!([{"Member_Account": "carol"}]));
    within("quit", bob.tim.quit_group(&gid)).await.expect("bob quits");
    let left = &receiver.wait_for("Group.CallbackAfterMemberExit", 1, |_| true).await[0];
    assert_eq!(
        (left.body["ExitType"].clone(), left.body["ExitMemberList"].clone()),
        (Value::from("Quit"), json!([{"Member_Account": "bob"}]))
    );
    within("dismiss", alice.tim.dismiss_group(&gid)).await.expect("dismissed");
    let gone = &receiver.wait_for("Group.CallbackAfterGroupDestroyed", 1, |_| true).await[0];
    assert_eq!(gone.body["Owner_Account"], "alice");
    drop(carol);

    within("logout", alice.tim.logout()).await.expect("logout");
    let out =
        receiver.wait_for("State.StateChange", 1, |c| c.body["Info"]["Action"] == "Logout").await;
    assert_eq!(out[0].body["Info"]["To_Account"], "alice");
}
