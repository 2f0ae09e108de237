//! Reading everything, clearing history, translating and plugins through
//! the SDK against a real server: `setAllMessageRead` reads its scope and
//! leaves the other alone on every instance; `clearHistoryMessage` empties a
//! conversation for its user only (C2C and group), on every instance
//! including one that was offline and a fresh store, and later messages
//! count as usual; `translateText` goes through a LibreTranslate-compatible
//! provider (a real HTTP server in the test) with its limits and 2117;
//! `registerPlugin` takes TIM's names and refuses others.

use axum::routing::post;
use axum::Json;
use confab_proto::code;
use confab_proto::group::GroupType;
use confab_sdk::{Conversation, Event, ReadAllScope, TranslateText};
use confab_tests::{code_of, text_of, within, TestClient, TestServer};
use serde_json::{json, Value};

/// The stored conversation `id` of `client`.
async fn conversation(client: &TestClient, id: &str) -> Conversation {
    let list = client.tim.get_conversation_list(Some(vec![id.into()])).await.expect("list");
    list.conversation_list.into_iter().next().unwrap_or_else(|| panic!("{id} listed"))
}

/// The texts of a conversation's whole history at `client` (group tips
/// left out).
async fn texts(client: &TestClient, id: &str) -> Vec<String> {
    client.history(id).await.iter().filter(|m| m.r#type == "TIMTextElem").map(text_of).collect()
}

/// The text of a conversation's last message, if it is a text.
fn last_text(c: &Conversation) -> Option<&str> {
    c.last_message.as_ref().and_then(|m| m["payload"]["text"].as_str())
}

/// Bob's group with alice, and a way for bob to post in it.
async fn work_group(bob: &TestClient) -> String {
    within("create", bob.tim.create_group(confab_tests::new_group(GroupType::Work, &["alice"])))
        .await
        .expect("group")
        .group
        .group_id
        .0
}

async fn post_in(client: &TestClient, group: &str, text: &str) {
    client.send_with(confab_tests::text_options(group, true, text)).await;
}

// checklist 400-406 (setAllMessageRead), 1168-1172 (what sets unread to 0).
#[tokio::test]
async fn set_all_message_read_reads_its_scope_on_every_instance() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 3).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group = work_group(&bob).await;
    let group_conv = format!("GROUP{group}");
    post_in(&bob, &group, "standup?").await;
    bob.send_text("alice", "one").await;
    bob.send_text("alice", "two").await;
    carol.send_text("alice", "hi").await;
    alice2.wait_total_unread(4).await;

    // C2C only: both one-to-one conversations are read, the group is not.
    within("read C2C", alice.tim.set_all_message_read(Some(ReadAllScope::C2c)))
        .await
        .expect("read all C2C");
    alice.wait_total_unread(1).await;
    alice2.wait_conversation("C2Cbob", "read", |c| c.unread_count == 0).await;
    alice2.wait_conversation("C2Ccarol", "read", |c| c.unread_count == 0).await;
    alice2.wait_total_unread(1).await;
    assert_eq!(conversation(&alice2, &group_conv).await.unread_count, 1, "the group is untouched");
    // The peers learn it as from setMessageRead.
    bob.events
        .wait_for("bob's messages read by alice", |events| {
            events.iter().any(|e| matches!(e, Event::MessageReadByPeer(_))).then_some(())
        })
        .await;

    // The default scope takes in the group too; nothing unread is no error.
    within("read all", alice.tim.set_all_message_read(None)).await.expect("read all");
    alice2.wait_conversation(&group_conv, "read", |c| c.unread_count == 0).await;
    alice2.wait_total_unread(0).await;
    within("again", alice.tim.set_all_message_read(Some(ReadAllScope::Group)))
        .await
        .expect("nothing to read is fine");

    // New messages count again as usual.
    carol.send_text("alice", "still there?").await;
    alice2.wait_total_unread(1).await;
}

// checklist 388-392 (clearHistoryMessage), 300-311 (what history returns).
#[tokio::test]
async fn clear_history_keeps_the_conversation_and_reaches_every_instance() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 3).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let group = work_group(&bob).await;
    let group_conv = format!("GROUP{group}");
    bob.send_text("alice", "one").await;
    alice.send_text("bob", "two").await;
    bob.send_text("alice", "three").await;
    post_in(&bob, &group, "g1").await;
    post_in(&alice, &group, "g2").await;
    alice2.wait_conversation(&group_conv, "has g2", |c| last_text(c) == Some("g2")).await;
    alice2.wait_total_unread(3).await;

    // C2C: gone for alice on both instances, the conversation stays.
    within("clear", alice.tim.clear_history_message("C2Cbob")).await.expect("clear C2C");
    let cleared = conversation(&alice, "C2Cbob").await;
    assert_eq!((cleared.unread_count, cleared.last_message.is_none()), (0, true));
    assert!(texts(&alice, "C2Cbob").await.is_empty());
    alice2
        .wait_conversation("C2Cbob", "cleared", |c| c.last_message.is_none() && c.unread_count == 0)
        .await;
    assert!(texts(&alice2, "C2Cbob").await.is_empty(), "the other instance dropped its copies");
    assert_eq!(texts(&bob, "C2Calice").await, ["one", "two", "three"], "bob keeps his");
    alice2.wait_total_unread(1).await;

    // Group, while alice2 is away: she drops hers when she returns.
    alice2.transport.set_offline(true);
    within("clear group", alice.tim.clear_history_message(&group_conv)).await.expect("clear group");
    assert!(texts(&alice, &group_conv).await.is_empty());
    assert_eq!(conversation(&alice, &group_conv).await.unread_count, 0);
    post_in(&bob, &group, "g3").await;
    bob.send_text("alice", "four").await;
    alice2.transport.set_offline(false);
    alice2.wait_conversation("C2Cbob", "has four", |c| last_text(c) == Some("four")).await;
    alice2.wait_conversation(&group_conv, "has g3", |c| last_text(c) == Some("g3")).await;
    alice2.wait_total_unread(2).await;
    assert_eq!(texts(&alice2, &group_conv).await, ["g3"]);
    assert_eq!(texts(&alice2, "C2Cbob").await, ["four"]);
    assert_eq!(texts(&bob, &group_conv).await, ["g1", "g2", "g3"], "bob keeps the group's");

    // A fresh store starts after the clear too.
    let alice3 = TestClient::login(&server, "alice").await;
    assert_eq!(texts(&alice3, "C2Cbob").await, ["four"]);
    assert_eq!(texts(&alice3, &group_conv).await, ["g3"]);
    assert_eq!(alice3.tim.get_total_unread_message_count(), 2);

    // Refusals.
    assert_eq!(
        code_of(alice.tim.clear_history_message("C2Cdave").await),
        code::CONVERSATION_NOT_FOUND
    );
    assert_eq!(
        code_of(alice.tim.clear_history_message("bogus").await),
        code::INVALID_CONVERSATION_ID
    );
    assert_eq!(
        code_of(alice.tim.clear_history_message("GROUPnot-mine").await),
        code::CONVERSATION_NOT_FOUND
    );
}

/// A LibreTranslate-compatible provider: `[target] text` for every text;
/// a text saying `fail` makes it answer 500 with LibreTranslate's `error`,
/// `short` one translation too few.
async fn provider() -> String {
    async fn translate(Json(body): Json<Value>) -> (axum::http::StatusCode, Json<Value>) {
        let target = body["target"].as_str().unwrap_or("?").to_owned();
        let texts: Vec<String> = body["q"]
            .as_array()
            .map(|q| q.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        if texts.iter().any(|t| t == "fail") {
            return (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "the model is not loaded"})),
            );
        }
        let mut translated: Vec<String> = texts.iter().map(|t| format!("[{target}] {t}")).collect();
        if texts.iter().any(|t| t == "short") {
            translated.pop();
        }
        (axum::http::StatusCode::OK, Json(json!({"translatedText": translated})))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route("/translate", post(translate));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}/")
}

fn translate(texts: &[&str], target: &str) -> TranslateText {
    TranslateText {
        source_text_list: texts.iter().map(|t| (*t).to_owned()).collect(),
        source_language: "auto".into(),
        target_language: target.into(),
    }
}

// checklist 245-248 (translateText), 69-72 (registerPlugin).
#[tokio::test]
async fn translate_text_goes_through_the_configured_provider() {
    let url = provider().await;
    let server = TestServer::start_with(|c| c.translate_url = Some(url)).await;
    let alice = TestClient::login(&server, "alice").await;

    let done = alice.tim.translate_text(translate(&["hello", "world"], "zh")).await.expect("ok");
    assert_eq!(done.translated_text_list, ["[zh] hello", "[zh] world"], "one each, in order");

    // Limits (20001), checked before the provider is asked.
    let many: Vec<&str> = vec!["x"; 21];
    assert_eq!(
        code_of(alice.tim.translate_text(translate(&many, "en")).await),
        code::MALFORMED_FRAME
    );
    assert_eq!(
        code_of(alice.tim.translate_text(translate(&[], "en")).await),
        code::MALFORMED_FRAME
    );
    let long = "字".repeat(5_001);
    assert_eq!(
        code_of(alice.tim.translate_text(translate(&[&long], "en")).await),
        code::MALFORMED_FRAME
    );
    assert_eq!(
        code_of(alice.tim.translate_text(translate(&["hi"], "auto")).await),
        code::MALFORMED_FRAME
    );
    assert_eq!(
        code_of(alice.tim.translate_text(translate(&["hi"], "e n")).await),
        code::MALFORMED_FRAME
    );

    // The provider failing, or answering the wrong number of texts: 2117.
    let failed = alice.tim.translate_text(translate(&["fail"], "en")).await.expect_err("fails");
    assert_eq!(failed.code, code::TRANSLATE_TEXT_FAIL);
    assert!(failed.message.contains("the model is not loaded"), "{}", failed.message);
    let short = alice.tim.translate_text(translate(&["a", "short"], "en")).await;
    assert_eq!(code_of(short), code::TRANSLATE_TEXT_FAIL);

    // A server with no provider: 2117.
    let bare = TestServer::start().await;
    let bob = TestClient::login(&bare, "bob").await;
    assert_eq!(
        code_of(bob.tim.translate_text(translate(&["hello"], "en")).await),
        code::TRANSLATE_TEXT_FAIL
    );

    // Plugins: TIM's names are accepted, others refused with the list.
    alice
        .tim
        .register_plugin(&["tim-upload-plugin", "tim-profanity-filter-plugin"])
        .expect("TIM's plugins");
    let unknown = alice.tim.register_plugin(&["tim-upload-plugin", "tim-magic"]).expect_err("no");
    assert_eq!(unknown.code, code::MALFORMED_FRAME);
    assert!(unknown.message.contains("tim-upload-plugin"), "{}", unknown.message);
}
