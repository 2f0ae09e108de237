//! `searchLocalMessages` (Confab extension): bob and carol write to alice
//! in English and Chinese, one-to-one and in a group; alice searches her
//! local store and every answer is asserted: grouping by conversation,
//! newest first, prefix and Chinese substring matches, `and`/`or`, paging
//! inside one conversation, what a revoke, an edit, a "delete for me" and
//! a cleared history take out, offline use, a restart, a fresh device that
//! synced, and the codes of bad input.

use confab_proto::code;
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, KeywordMatchType, SearchLocalMessagesOptions,
    SearchResult, TextPayload,
};
use confab_tests::{code_of, new_group, text_of, within, TestClient, TestServer};

fn search(client: &TestClient, keywords: &[&str]) -> SearchResult {
    client
        .tim
        .search_local_messages(SearchLocalMessagesOptions {
            keyword_list: keywords.iter().map(|k| (*k).to_owned()).collect(),
            ..Default::default()
        })
        .expect("search")
}

/// `(conversationID, messageCount, newest match's text)` per item.
fn summary(result: &SearchResult) -> Vec<(String, u64, String)> {
    result
        .search_result_list
        .iter()
        .map(|item| {
            (
                item.conversation_id.clone(),
                item.message_count,
                item.message_list.first().map(text_of).unwrap_or_default(),
            )
        })
        .collect()
}

fn row(conversation: &str, count: u64, text: &str) -> (String, u64, String) {
    (conversation.to_owned(), count, text.to_owned())
}

#[tokio::test]
async fn alice_finds_her_messages_by_word_and_by_chinese_substring() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let group = within(
        "create group",
        alice.tim.create_group(new_group(confab_proto::group::GroupType::Work, &["bob", "carol"])),
    )
    .await
    .expect("group")
    .group
    .group_id;
    let group_conversation = format!("GROUP{}", group.0);

    let noon = bob.send_text("alice", "Meeting at noon?").await;
    bob.send_text("alice", "大家你好吗").await;
    carol.send_text("alice", "meetings are long; 你好").await;
    // In this order on alice's side (one second holds them all: the later
    // stored is the newer).
    alice.events.wait_received(3).await;
    let mine = alice.send_text("bob", "See you at the MEETING").await;
    let in_group = carol
        .tim
        .create_text_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(
                group.0.clone(),
                TextPayload { text: "明天开会 meeting room 3".into() },
            )
        })
        .expect("group text");
    within("group send", carol.tim.send_message(&in_group, Default::default()))
        .await
        .expect("group send");
    alice.events.wait_received(4).await;

    // Prefix, case-insensitive; one item per conversation, newest first;
    // alice's own messages count too.
    let meet = search(&alice, &["meet"]);
    assert_eq!(meet.total_count, 4);
    assert_eq!(
        summary(&meet),
        [
            row(&group_conversation, 1, "明天开会 meeting room 3"),
            row("C2Cbob", 2, "See you at the MEETING"),
            row("C2Ccarol", 1, "meetings are long; 你好"),
        ]
    );
    assert!(meet.cursor.is_empty());

    // Chinese: any substring, single characters too; not a near miss.
    let hello = search(&alice, &["你好"]);
    assert_eq!(
        summary(&hello),
        [row("C2Ccarol", 1, "meetings are long; 你好"), row("C2Cbob", 1, "大家你好吗"),]
    );
    assert_eq!(summary(&search(&alice, &["好吗"])), [row("C2Cbob", 1, "大家你好吗")]);
    assert_eq!(search(&alice, &["开"]).total_count, 1);
    assert_eq!(search(&alice, &["家你好"]).total_count, 1);
    assert_eq!(search(&alice, &["你们"]).total_count, 0);
    assert_eq!(search(&alice, &["开会 meeting"]).total_count, 1, "a mixed phrase");

    // Keywords combine with `and` (default) or `or`.
    assert_eq!(search(&alice, &["meeting", "noon"]).total_count, 1);
    let either = alice
        .tim
        .search_local_messages(SearchLocalMessagesOptions {
            keyword_list: vec!["noon".into(), "大家".into()],
            keyword_list_match_type: Some(KeywordMatchType::Or),
            ..Default::default()
        })
        .expect("or");
    assert_eq!(either.total_count, 2);

    // Inside one conversation: pages of `count`, newest first, by cursor.
    let page = |cursor: Option<String>| {
        alice
            .tim
            .search_local_messages(SearchLocalMessagesOptions {
                keyword_list: vec!["meet".into()],
                conversation_id: Some("C2Cbob".into()),
                cursor,
                count: Some(1),
                ..Default::default()
            })
            .expect("page")
    };
    let first = page(None);
    assert_eq!(first.total_count, 2);
    assert_eq!(summary(&first), [row("C2Cbob", 2, "See you at the MEETING")]);
    assert!(!first.cursor.is_empty());
    let second = page(Some(first.cursor.clone()));
    assert_eq!(summary(&second), [row("C2Cbob", 2, "Meeting at noon?")]);
    assert!(second.cursor.is_empty());

    // Bad input: TIM codes, nothing searched.
    let bad =
        |options: SearchLocalMessagesOptions| code_of(alice.tim.search_local_messages(options));
    let keywords = |list: &[&str]| SearchLocalMessagesOptions {
        keyword_list: list.iter().map(|k| (*k).to_owned()).collect(),
        ..Default::default()
    };
    assert_eq!(bad(keywords(&[])), code::INVALID_OPERATION);
    assert_eq!(bad(keywords(&["a", "b", "c", "d", "e", "f"])), code::INVALID_OPERATION);
    assert_eq!(bad(keywords(&["ok", " "])), code::INVALID_OPERATION);
    assert_eq!(
        bad(SearchLocalMessagesOptions { count: Some(0), ..keywords(&["meet"]) }),
        code::INVALID_OPERATION
    );
    assert_eq!(
        bad(SearchLocalMessagesOptions { count: Some(101), ..keywords(&["meet"]) }),
        code::INVALID_OPERATION
    );
    assert_eq!(
        bad(SearchLocalMessagesOptions {
            conversation_id: Some("C2Cbob".into()),
            cursor: Some("not-a-cursor".into()),
            ..keywords(&["meet"])
        }),
        code::INVALID_OPERATION
    );
    assert_eq!(
        bad(SearchLocalMessagesOptions {
            conversation_id: Some("bob".into()),
            ..keywords(&["meet"])
        }),
        code::INVALID_CONVERSATION_ID
    );
    assert_eq!(search(&alice, &["!!", "。"]).total_count, 0, "punctuation finds nothing");
    assert_eq!(search(&alice, &["\"meet"]).total_count, 4, "quotes are text, not syntax");

    // A revoked message is no longer found (on alice's side too).
    within("revoke", bob.tim.revoke_message(&noon)).await.expect("revoke");
    alice
        .events
        .wait_for("the revoke at alice", |events| {
            events.iter().any(|e| matches!(e, Event::MessageRevoked(_))).then_some(())
        })
        .await;
    assert_eq!(search(&alice, &["noon"]).total_count, 0);

    // An edit is found by its new words only.
    let mut edited = mine.clone();
    edited.payload = serde_json::json!({"text": "See you at lunch"});
    within("modify", alice.tim.modify_message(&edited)).await.expect("modify");
    assert_eq!(summary(&search(&alice, &["lunch"])), [row("C2Cbob", 1, "See you at lunch")]);
    assert_eq!(search(&alice, &["meet"]).total_count, 2);

    // "Delete for me" and a cleared history take messages out.
    let carols = alice.history("C2Ccarol").await;
    within("delete", alice.tim.delete_message(carols)).await.expect("delete");
    assert_eq!(
        summary(&search(&alice, &["meet"])),
        [row(&group_conversation, 1, "明天开会 meeting room 3")]
    );
    within("clear", alice.tim.clear_history_message(&group_conversation)).await.expect("clear");
    assert_eq!(search(&alice, &["meet"]).total_count, 0);
    assert_eq!(search(&alice, &["大家"]).total_count, 1, "bob's other message stays");

    // Offline, after a restart on the same store, and on a fresh device
    // that synced: the same answers.
    alice.transport.set_offline(true);
    assert_eq!(search(&alice, &["大家"]).total_count, 1, "offline");
    let dir = alice.keep_dir().expect("kept dir");
    drop(alice);
    let again = TestClient::login_at(&server, "alice", dir.path()).await;
    assert_eq!(summary(&search(&again, &["lunch"])), [row("C2Cbob", 1, "See you at lunch")]);
    let fresh = TestClient::login(&server, "alice").await;
    fresh.history("C2Cbob").await;
    assert_eq!(summary(&search(&fresh, &["大家"])), [row("C2Cbob", 1, "大家你好吗")]);
    assert_eq!(search(&fresh, &["noon"]).total_count, 0, "revoked on the new device too");
}
