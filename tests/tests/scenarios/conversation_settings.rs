//! A user's conversation settings through the SDK against a real server:
//! pin, remind type (C2C and group), marks and custom data reach every
//! instance of the user (online, offline then back, a fresh store);
//! muted conversations leave the unread total, Discard announces nothing
//! while history keeps the messages; bad input gets its code.

use confab_proto::code;
use confab_proto::group::GroupType;
use confab_sdk::{
    ConversationFilter, ConversationType, CreateMessageOptions, Event, GetMessageListOptions,
    RemindType, SendMessageOptions, SetMessageRemindType, TextPayload,
};
use confab_tests::{code_of, within, TestClient, TestServer};

/// Whether `m` is a text message saying `text`.
fn is_text(m: &confab_sdk::Message, text: &str) -> bool {
    m.payload["text"].as_str() == Some(text)
}

// checklist 394-398 (pinConversation), 408-417 (setMessageRemindType),
// 420-424 (getTotalUnreadMessageCount), 432-436 (setConversationCustomData),
// 438-444 (markConversation), 363-366 (getConversationList filters).
#[tokio::test]
async fn conversation_settings_reach_every_instance_and_change_what_is_announced() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 3).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group = within(
        "create",
        bob.tim.create_group(confab_tests::new_group(GroupType::Work, &["alice"])),
    )
    .await
    .expect("group")
    .group
    .group_id
    .0;
    let group_conv = format!("GROUP{group}");
    bob.send_text("alice", "one").await;
    bob.send_text("alice", "two").await;
    carol.send_text("alice", "hi").await;
    alice2.wait_total_unread(3).await;

    // Pin: alice2 hears it, and the list puts it first.
    within("pin", alice.tim.pin_conversation("C2Cbob", true)).await.expect("pin");
    alice2.wait_conversation("C2Cbob", "pinned", |c| c.is_pinned).await;
    let list = alice2.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list[0].conversation_id, "C2Cbob", "pinned first although carol wrote last");
    assert_eq!(
        code_of(alice.tim.pin_conversation("C2Cdave", true).await),
        code::CONVERSATION_NOT_FOUND
    );
    assert_eq!(
        code_of(alice.tim.pin_conversation("bogus", true).await),
        code::INVALID_CONVERSATION_ID
    );

    // Do not disturb for bob: his two unread leave the total.
    let muted = alice
        .tim
        .set_message_remind_type(SetMessageRemindType {
            group_id: None,
            user_id_list: vec!["bob".into(), "nobody".into()],
            message_remind_type: RemindType::AcceptNotNotify,
        })
        .await
        .expect("mute bob");
    assert_eq!(muted.success_user_id_list.len(), 1);
    assert_eq!(muted.failure_user_id_list[0].code, code::USER_OR_GROUP_NOT_FOUND);
    alice2
        .wait_conversation("C2Cbob", "muted", |c| c.message_remind_type == "AcceptNotNotify")
        .await;
    alice2.wait_total_unread(1).await;

    // Discard the group: bob's message is not announced, but history has it.
    let group_text = |text: &str| {
        bob.tim
            .create_text_message(CreateMessageOptions {
                conversation_type: ConversationType::Group,
                ..CreateMessageOptions::c2c(group.clone(), TextPayload { text: text.into() })
            })
            .expect("create")
    };
    let welcome = group_text("welcome");
    within("send", bob.tim.send_message(&welcome, SendMessageOptions::default()))
        .await
        .expect("send");
    alice.wait_conversation(&group_conv, "listed", |_| true).await;
    alice
        .tim
        .set_message_remind_type(SetMessageRemindType {
            group_id: Some(group.as_str().into()),
            user_id_list: Vec::new(),
            message_remind_type: RemindType::Discard,
        })
        .await
        .expect("discard the group");
    alice.wait_conversation(&group_conv, "discarded", |c| c.message_remind_type == "Discard").await;
    let message = group_text("quiet please");
    within("send", bob.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect("send");
    // carol's next message comes after it: once alice has it, she has had the chance to announce bob's.
    carol.send_text("alice", "after").await;
    alice
        .events
        .wait_for("carol's second", |events| {
            confab_tests::received_in(events).iter().any(|m| is_text(m, "after")).then_some(())
        })
        .await;
    let announced = confab_tests::received_in(&alice.events.all());
    assert!(!announced.iter().any(|m| is_text(m, "quiet please")), "Discard announces nothing");
    let page = alice
        .tim
        .get_message_list(GetMessageListOptions::newest(&group_conv))
        .await
        .expect("history");
    assert!(page.message_list.iter().any(|m| is_text(m, "quiet please")));

    // Marks: unread (2) on a read conversation counts one in the total; the
    // filtered list returns exactly the marked ones.
    within("read", alice.tim.set_message_read("C2Ccarol")).await.expect("read carol");
    alice.wait_total_unread(0).await;
    let marked = alice
        .tim
        .mark_conversation(vec!["C2Ccarol".into(), "C2Cdave".into()], 2, true)
        .await
        .expect("mark");
    assert_eq!(marked.success_conversation_id_list, ["C2Ccarol".into()]);
    assert_eq!(marked.failure_conversation_id_list[0].code, code::CONVERSATION_NOT_FOUND);
    alice2.wait_conversation("C2Ccarol", "marked unread", |c| c.mark_list == [2]).await;
    alice2.wait_total_unread(1).await;
    let filtered = alice2
        .tim
        .get_conversation_list_filtered(ConversationFilter {
            mark_type: Some(2),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let ids: Vec<_> =
        filtered.conversation_list.iter().map(|c| c.conversation_id.as_str()).collect();
    assert_eq!(ids, ["C2Ccarol"]);
    assert_eq!(
        code_of(alice.tim.mark_conversation(vec!["C2Ccarol".into()], 3, true).await),
        code::MALFORMED_FRAME
    );
    alice
        .tim
        .mark_conversation(vec!["C2Ccarol".into()], 1 << 40, true)
        .await
        .expect("a custom mark");

    // Custom data, while alice2 is away: she catches up when she returns.
    alice2.transport.set_offline(true);
    let too_long =
        alice.tim.set_conversation_custom_data(vec!["C2Cbob".into()], "x".repeat(257)).await;
    assert_eq!(code_of(too_long), code::MALFORMED_FRAME);
    alice
        .tim
        .set_conversation_custom_data(vec!["C2Cbob".into(), group_conv.clone()], "draft:hi".into())
        .await
        .expect("custom data");
    within("unpin", alice.tim.pin_conversation("C2Cbob", false)).await.expect("unpin");
    alice2.transport.set_offline(false);
    alice2
        .wait_conversation("C2Cbob", "unpinned with data", |c| {
            !c.is_pinned && c.custom_data == "draft:hi"
        })
        .await;

    // A fresh store learns every setting when it begins.
    let alice3 = TestClient::login(&server, "alice").await;
    let list = alice3.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let find = |id: &str| list.iter().find(|c| c.conversation_id == id).expect(id).clone();
    assert_eq!(find("C2Cbob").message_remind_type, "AcceptNotNotify");
    assert_eq!(find("C2Cbob").custom_data, "draft:hi");
    assert_eq!(find(&group_conv).message_remind_type, "Discard");
    assert_eq!(find("C2Ccarol").mark_list, [2, 1 << 40]);
    assert_eq!(alice3.tim.get_total_unread_message_count(), 1, "carol marked unread; bob muted");
}

/// Waits until `client` has announced `CONVERSATION_GROUP_LIST_UPDATED`
/// with exactly `names`.
async fn wait_group_names(client: &TestClient, names: &[&str]) {
    client
        .events
        .wait_for(&format!("conversation groups {names:?} at {}", client.user_id), |events| {
            events.iter().rev().find_map(|e| match e {
                Event::ConversationGroupListUpdated(list) => (list == names).then_some(()),
                _ => None,
            })
        })
        .await;
}

/// Waits until `client` has announced `CONVERSATION_IN_GROUP_UPDATED` for
/// `group` holding exactly `ids`.
async fn wait_in_group(client: &TestClient, group: &str, ids: &[&str]) {
    client
        .events
        .wait_for(&format!("{group} holds {ids:?} at {}", client.user_id), |events| {
            events.iter().rev().find_map(|e| match e {
                Event::ConversationInGroupUpdated { group_name, conversation_list }
                    if group_name == group =>
                {
                    let held: Vec<_> =
                        conversation_list.iter().map(|c| c.conversation_id.as_str()).collect();
                    (held == ids).then_some(())
                }
                _ => None,
            })
        })
        .await;
}

/// The IDs of `client`'s conversations in the folder `name`, from the
/// filtered list.
async fn folder(client: &TestClient, name: &str) -> Vec<String> {
    let filtered = client
        .tim
        .get_conversation_list_filtered(ConversationFilter {
            group_name: Some(name.into()),
            ..Default::default()
        })
        .await
        .expect("filtered by group");
    filtered.conversation_list.into_iter().map(|c| c.conversation_id).collect()
}

// checklist 446 (getConversationGroupList), 449-453 (createConversationGroup),
// 455-458 (deleteConversationGroup), 460-463 (renameConversationGroup),
// 465-468 (addConversationsToGroup), 470-473 (deleteConversationsFromGroup).
#[tokio::test]
async fn conversation_groups_are_kept_per_user_and_reach_every_instance() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 3).await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    bob.send_text("alice", "work?").await;
    carol.send_text("alice", "lunch?").await;
    alice2.wait_total_unread(2).await;

    // Made with bob and one alice does not have: the group lists bob only.
    let made = alice
        .tim
        .create_conversation_group("Work".into(), vec!["C2Cbob".into(), "C2Cdave".into()])
        .await
        .expect("create");
    assert_eq!(made.success_conversation_id_list, ["C2Cbob".into()]);
    assert_eq!(made.failure_conversation_id_list[0].code, code::CONVERSATION_NOT_FOUND);
    wait_group_names(&alice, &["Work"]).await;
    wait_group_names(&alice2, &["Work"]).await;
    alice2.wait_conversation("C2Cbob", "in Work", |c| c.conversation_group_list == ["Work"]).await;
    assert_eq!(alice2.tim.get_conversation_group_list().await.expect("names"), ["Work"]);
    assert_eq!(folder(&alice2, "Work").await, ["C2Cbob"]);

    // Refusals: a taken name, a name over 32 bytes, an empty list, no such group.
    let taken = alice.tim.create_conversation_group("Work".into(), vec!["C2Ccarol".into()]).await;
    assert_eq!(code_of(taken), code::CONVERSATION_GROUP_EXISTS);
    let long = alice.tim.create_conversation_group("w".repeat(33), vec!["C2Ccarol".into()]).await;
    assert_eq!(code_of(long), code::MALFORMED_FRAME);
    let empty = alice.tim.create_conversation_group("Empty".into(), Vec::new()).await;
    assert_eq!(code_of(empty), code::MALFORMED_FRAME);
    let missing = alice.tim.add_conversations_to_group(vec!["C2Ccarol".into()], "Nope".into());
    assert_eq!(code_of(missing.await), code::CONVERSATION_GROUP_NOT_FOUND);
    let missing = alice.tim.delete_conversation_group("Nope".into()).await;
    assert_eq!(code_of(missing), code::CONVERSATION_GROUP_NOT_FOUND);

    // Add carol: CONVERSATION_IN_GROUP_UPDATED, not a new list of names.
    let added = alice
        .tim
        .add_conversations_to_group(vec!["C2Ccarol".into()], "Work".into())
        .await
        .expect("add");
    assert_eq!(added.success_conversation_id_list, ["C2Ccarol".into()]);
    wait_in_group(&alice2, "Work", &["C2Cbob", "C2Ccarol"]).await;
    assert_eq!(folder(&alice2, "Work").await.len(), 2);

    // A second group, renamed into a taken name (refused), then to a free one.
    alice
        .tim
        .create_conversation_group("Later".into(), vec!["C2Ccarol".into()])
        .await
        .expect("2nd");
    let clash = alice.tim.rename_conversation_group("Later".into(), "Work".into()).await;
    assert_eq!(code_of(clash), code::CONVERSATION_GROUP_EXISTS);
    let renamed = alice
        .tim
        .rename_conversation_group("Later".into(), "Friends".into())
        .await
        .expect("rename");
    assert_eq!(renamed.group_name, "Friends");
    wait_group_names(&alice2, &["Work", "Friends"]).await;
    alice2
        .wait_conversation("C2Ccarol", "in both", |c| {
            c.conversation_group_list == ["Work", "Friends"]
        })
        .await;

    // Take bob out of Work while alice2 is away; delete Friends: she catches up.
    alice2.transport.set_offline(true);
    let removed = alice
        .tim
        .delete_conversations_from_group(vec!["C2Cbob".into()], "Work".into())
        .await
        .expect("remove");
    assert_eq!(removed.success_conversation_id_list, ["C2Cbob".into()]);
    let again = alice
        .tim
        .delete_conversations_from_group(vec!["C2Cbob".into()], "Work".into())
        .await
        .expect("remove again");
    assert_eq!(again.failure_conversation_id_list[0].code, code::CONVERSATION_NOT_FOUND);
    alice.tim.delete_conversation_group("Friends".into()).await.expect("delete");
    alice2.transport.set_offline(false);
    wait_group_names(&alice2, &["Work"]).await;
    wait_in_group(&alice2, "Work", &["C2Ccarol"]).await;
    assert_eq!(folder(&alice2, "Work").await, ["C2Ccarol"]);
    let list = alice2.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let bob_conv = list.iter().find(|c| c.conversation_id == "C2Cbob").expect("bob stays");
    assert!(bob_conv.conversation_group_list.is_empty());

    // The limit: 50 groups in all.
    for n in 1..50 {
        alice
            .tim
            .create_conversation_group(format!("g{n}"), vec!["C2Cbob".into()])
            .await
            .expect("up to the limit");
    }
    let over = alice.tim.create_conversation_group("g50".into(), vec!["C2Cbob".into()]).await;
    assert_eq!(code_of(over), code::CONVERSATION_GROUP_LIMIT);

    // A fresh store learns the groups when it begins; bob's groups are his own.
    let alice3 = TestClient::login(&server, "alice").await;
    let names = alice3.tim.get_conversation_group_list().await.expect("names");
    assert_eq!(names.len(), 50);
    assert_eq!(names[0], "Work");
    assert_eq!(folder(&alice3, "Work").await, ["C2Ccarol"]);
    assert_eq!(folder(&alice3, "g7").await, ["C2Cbob"]);
    assert!(bob.tim.get_conversation_group_list().await.expect("bob's").is_empty());
}
