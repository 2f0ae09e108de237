//! Groups through the SDK: alice, bob and carol create, join, chat in,
//! leave and dismiss groups with real SDK instances against a real server,
//! and every instance's view (group list, conversations, messages, system
//! notices) is asserted, including what an instance that was offline
//! catches up on when it reconnects.

use confab_proto::code;
use confab_proto::constants::types;
use confab_proto::group::{
    CreateGroup, DeleteGroupMember, GetGroupList, GroupProfile, GroupType, JoinGroup, JoinOption,
    JoinStatus,
};
use confab_proto::{GroupId, UserId};
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, Message, Platform, SendMessageOptions,
    TextPayload, TimOptions,
};
use confab_tests::{received_in, text_of, within, TestClient, TestServer};

/// An AVChatRoom `creator` makes, which every one of `joiners` joins
/// (JoinedSuccess; the creator too must join to be in it).
async fn live_room(creator: &TestClient, name: &str, joiners: &[&TestClient]) -> GroupId {
    let room = creator
        .tim
        .create_group(CreateGroup {
            name: name.into(),
            group_type: GroupType::AvChatRoom,
            ..CreateGroup::default()
        })
        .await
        .expect("create room")
        .group
        .group_id;
    for client in joiners {
        let joined = client
            .tim
            .join_group(JoinGroup { group_id: room.clone(), apply_message: String::new() })
            .await
            .expect("join the room");
        assert_eq!(joined.status, JoinStatus::JoinedSuccess);
    }
    room
}

/// A text message to a group.
fn group_text(client: &TestClient, group_id: &str, text: &str) -> Message {
    client
        .tim
        .create_text_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(group_id.to_owned(), TextPayload { text: text.to_owned() })
        })
        .expect("create a group text")
}

/// Sends a text to a group and returns the sent message.
async fn send_group_text(client: &TestClient, group_id: &str, text: &str) -> Message {
    let message = group_text(client, group_id, text);
    within("group send", client.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect("group send succeeds")
        .message
}

/// Waits until the latest GROUP_LIST_UPDATED satisfies `check`.
async fn wait_group_list(
    client: &TestClient,
    what: &str,
    check: impl Fn(&[GroupProfile]) -> bool,
) -> Vec<GroupProfile> {
    client
        .events
        .wait_for(what, |events| {
            events
                .iter()
                .rev()
                .find_map(|e| match e {
                    Event::GroupListUpdated(list) => Some(list.clone()),
                    _ => None,
                })
                .filter(|list| check(list))
        })
        .await
}

/// Waits until MESSAGE_RECEIVED delivered texts `texts` in conversation `id`, in order.
async fn wait_texts(client: &TestClient, conversation_id: &str, texts: &[&str]) -> Vec<Message> {
    client
        .events
        .wait_for(&format!("{} texts in {conversation_id}", texts.len()), |events| {
            let got: Vec<Message> = received_in(events)
                .into_iter()
                .filter(|m| m.conversation_id == conversation_id && m.r#type == types::MSG_TEXT)
                .collect();
            (got.len() >= texts.len()).then_some(got)
        })
        .await
}

/// The system notices (`@TIM#SYSTEM`) among `events`, as their
/// `operationType`s.
fn notice_types(events: &[Event]) -> Vec<i64> {
    received_in(events)
        .into_iter()
        .filter(|m| m.conversation_id == types::CONV_SYSTEM)
        .map(|m| {
            assert_eq!(m.r#type, types::MSG_GRP_SYS_NOTICE);
            m.payload["operationType"].as_i64().expect("operationType")
        })
        .collect()
}

/// A new instance of `user` on the desktop platform, logged in and ready.
async fn desktop_instance(server: &TestServer, user: &str) -> TestClient {
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
    let mut options = TimOptions::new(server.sdk_app_id(), server.ws_url(), dir.path());
    options.platform = Platform::Desktop;
    let client = TestClient::create_with_options(options, user, Some(dir), false);
    client.login_and_wait(&server.user_sig(user)).await;
    client
}

/// A Work group named "team" with `members`.
fn work_group(members: &[&str]) -> CreateGroup {
    confab_tests::new_group(GroupType::Work, members)
}

#[tokio::test]
async fn a_work_group_is_created_listed_and_chatted_in_by_every_member() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let created = within("create", alice.tim.create_group(work_group(&["bob", "carol"])))
        .await
        .expect("createGroup");
    let group_id = created.group.group_id.0.clone();
    assert!(group_id.starts_with("@TGS#"), "server-made ID: {group_id}");
    // checklist 694: GROUP_LIST_UPDATED fires for the creator and the
    // initial members.
    for client in [&alice, &bob, &carol] {
        let list = wait_group_list(client, "the new group listed", |l| l.len() == 1).await;
        assert_eq!(list[0].group_id.0, group_id);
        assert_eq!(list[0].name, "team");
        let listed = within("getGroupList", client.tim.get_group_list(GetGroupList::default()))
            .await
            .expect("getGroupList");
        assert_eq!(listed.len(), 1);
        let me = listed[0].self_info.as_ref().expect("selfInfo");
        let owner = client.user_id == "alice";
        assert_eq!(me.role.is_manager(), owner, "{}: {:?}", client.user_id, me.role);
    }
    // The creator is told "created" (6), the added members "invited" (7).
    alice
        .events
        .wait_for("created notice", |events| notice_types(events).contains(&6).then_some(()))
        .await;
    bob.events
        .wait_for("invited notice", |events| notice_types(events).contains(&7).then_some(()))
        .await;

    // Messages reach every member once, in order.
    let conversation_id = format!("GROUP{group_id}");
    let sent = send_group_text(&alice, &group_id, "hello team").await;
    assert_eq!(sent.conversation_id, conversation_id);
    assert_eq!(sent.status, "success");
    assert!(sent.sequence > 0);
    send_group_text(&bob, &group_id, "hi alice").await;
    for client in [&bob, &carol] {
        let got = wait_texts(
            client,
            &conversation_id,
            if client.user_id == "bob" { &["hello team"] } else { &["hello team", "hi alice"] },
        )
        .await;
        assert_eq!(text_of(&got[0]), "hello team");
        assert_eq!(got[0].id, sent.id, "the client-made ID is the message's ID everywhere");
        assert_eq!(got[0].conversation_type, ConversationType::Group);
    }
    // The creator's own first message makes a GROUP conversation with the
    // group's profile, like every member's.
    let list = alice.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let mine = list.iter().find(|c| c.conversation_id == conversation_id).expect("alice's group");
    assert_eq!(mine.conversation_type, ConversationType::Group);
    assert_eq!(mine.group_profile.as_ref().expect("groupProfile")["groupID"], group_id);
    // The notices conversation pages like any other (from the local store).
    let notices = alice.history(types::CONV_SYSTEM).await;
    assert!(
        notices.iter().any(|m| m.r#type == types::MSG_GRP_SYS_NOTICE),
        "the created notice in @TIM#SYSTEM's history: {notices:?}"
    );
    let carol_got = wait_texts(&carol, &conversation_id, &["hello team", "hi alice"]).await;
    assert_eq!(carol_got.iter().map(text_of).collect::<Vec<_>>(), ["hello team", "hi alice"]);

    // The conversation list has the group, its profile and the unread count
    // (tips do not count).
    let list = carol.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let conversation =
        list.iter().find(|c| c.conversation_id == conversation_id).expect("group conversation");
    assert_eq!(conversation.conversation_type, ConversationType::Group);
    assert_eq!(conversation.unread_count, 2);
    assert_eq!(conversation.group_profile.as_ref().expect("groupProfile")["groupID"], group_id);
    assert_eq!(carol.tim.get_total_unread_message_count(), 2);
    carol.tim.set_message_read(&conversation_id).await.expect("setMessageRead");
    let list = carol.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let conversation = list.iter().find(|c| c.conversation_id == conversation_id).expect("group");
    assert_eq!(conversation.unread_count, 0);
    assert_eq!(carol.tim.get_total_unread_message_count(), 0);

    // History pages through the server from carol's join point: the two
    // texts after the creation tips.
    let history = carol.history(&conversation_id).await;
    let texts: Vec<String> =
        history.iter().filter(|m| m.r#type == types::MSG_TEXT).map(text_of).collect();
    assert_eq!(texts, ["hello team", "hi alice"]);
    assert!(history.iter().all(|m| m.conversation_id == conversation_id));
}

#[tokio::test]
async fn a_member_removed_while_offline_catches_up_without_an_error_and_others_get_every_message_once(
) {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group_id = within("create", alice.tim.create_group(work_group(&["bob", "carol"])))
        .await
        .expect("createGroup")
        .group
        .group_id
        .0;
    let conversation_id = format!("GROUP{group_id}");
    wait_group_list(&carol, "carol in the group", |l| l.len() == 1).await;
    wait_group_list(&bob, "bob in the group", |l| l.len() == 1).await;
    send_group_text(&alice, &group_id, "before").await;
    wait_texts(&bob, &conversation_id, &["before"]).await;
    wait_texts(&carol, &conversation_id, &["before"]).await;

    // bob and carol go offline; alice writes three messages and removes
    // carol.
    bob.transport.set_offline(true);
    carol.transport.set_offline(true);
    for i in 1..=3 {
        send_group_text(&alice, &group_id, &format!("while away {i}")).await;
    }
    let removed = within(
        "remove carol",
        alice.tim.delete_group_member(DeleteGroupMember {
            group_id: GroupId::new(group_id.clone()),
            user_id_list: vec![UserId::new("carol")],
            reason: "tidying up".into(),
            duration: 0,
        }),
    )
    .await
    .expect("deleteGroupMember");
    assert_eq!(removed.user_id_list, [UserId::new("carol")]);

    // carol comes back: her inbox tells her she was removed before her
    // group cursors go out, so the sync is never refused (10007).
    let errors_before = carol.events.count(|e| matches!(e, Event::Error { .. }));
    carol.transport.set_offline(false);
    wait_group_list(&carol, "carol's list without the group", <[GroupProfile]>::is_empty).await;
    carol
        .events
        .wait_for("kicked-out notice (4)", |events| notice_types(events).contains(&4).then_some(()))
        .await;
    // She still works: a C2C message goes out.
    carol.send_text("alice", "still here").await;
    assert_eq!(carol.events.count(|e| matches!(e, Event::Error { .. })), errors_before);
    // What was written while she was away is no longer hers to read: a
    // removed member's timeline ends with her membership (the server
    // refuses her cursor), so only the message from before is there.
    let carol_texts: Vec<String> = carol
        .events
        .received()
        .iter()
        .filter(|m| m.conversation_id == conversation_id && m.r#type == types::MSG_TEXT)
        .map(text_of)
        .collect();
    assert_eq!(carol_texts, ["before"]);

    // bob comes back and gets the three messages exactly once, in order,
    // and the tip that carol was removed.
    bob.transport.set_offline(false);
    let got = wait_texts(&bob, &conversation_id, &["before", "1", "2", "3"]).await;
    assert_eq!(
        got.iter().map(text_of).collect::<Vec<_>>(),
        ["before", "while away 1", "while away 2", "while away 3"]
    );
    bob.events
        .wait_for("the removal tip", |events| {
            received_in(events)
                .iter()
                .find(|m| {
                    m.conversation_id == conversation_id
                        && m.r#type == types::MSG_GRP_TIP
                        && m.payload["operationType"] == types::GRP_TIP_MBR_KICKED_OUT
                })
                .cloned()
        })
        .await;
    // A later message still reaches bob live.
    send_group_text(&alice, &group_id, "after").await;
    let got = wait_texts(&bob, &conversation_id, &["before", "1", "2", "3", "after"]).await;
    assert_eq!(text_of(&got[4]), "after");
    assert_eq!(got.len(), 5, "no duplicates");
}

#[tokio::test]
async fn joining_quitting_and_dismissing_a_public_group_reach_every_instance() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    // A second instance of bob's on a desktop (one Web instance is allowed).
    let bob_laptop = desktop_instance(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let created = within(
        "create public",
        alice.tim.create_group(CreateGroup {
            name: "open".into(),
            group_type: GroupType::Public,
            join_option: Some(JoinOption::FreeAccess),
            ..CreateGroup::default()
        }),
    )
    .await
    .expect("createGroup");
    let group_id = created.group.group_id.clone();

    // bob joins from one instance; both of his instances list the group.
    let joined = within(
        "join",
        bob.tim.join_group(JoinGroup { group_id: group_id.clone(), apply_message: String::new() }),
    )
    .await
    .expect("joinGroup");
    assert_eq!(joined.status, JoinStatus::JoinedSuccess);
    for client in [&bob, &bob_laptop] {
        let list = wait_group_list(client, "bob's list with the group", |l| l.len() == 1).await;
        assert_eq!(list[0].group_id, group_id);
    }
    // checklist 724: already a member resolves with AlreadyInGroup.
    let again = bob
        .tim
        .join_group(JoinGroup { group_id: group_id.clone(), apply_message: String::new() })
        .await
        .expect("joinGroup again");
    assert_eq!(again.status, JoinStatus::AlreadyInGroup);
    let carol_joined = carol
        .tim
        .join_group(JoinGroup { group_id: group_id.clone(), apply_message: String::new() })
        .await
        .expect("carol joins");
    assert_eq!(carol_joined.status, JoinStatus::JoinedSuccess);

    // The laptop sends; both bob instances and alice see it.
    send_group_text(&bob_laptop, &group_id.0, "from the laptop").await;
    let conversation_id = format!("GROUP{}", group_id.0);
    wait_texts(&alice, &conversation_id, &["from the laptop"]).await;
    wait_texts(&bob, &conversation_id, &["from the laptop"]).await;

    // checklist 736: bob quits; the group leaves both of his lists and the
    // others see a quit tip.
    let quit = bob.tim.quit_group(&group_id.0).await.expect("quitGroup");
    assert_eq!(quit, group_id);
    for client in [&bob, &bob_laptop] {
        wait_group_list(client, "bob's list without the group", <[GroupProfile]>::is_empty).await;
    }
    alice
        .events
        .wait_for("quit tip", |events| {
            received_in(events)
                .iter()
                .find(|m| {
                    m.conversation_id == conversation_id
                        && m.r#type == types::MSG_GRP_TIP
                        && m.payload["operationType"] == types::GRP_TIP_MBR_QUIT
                })
                .cloned()
        })
        .await;
    // A message after he quit does not reach him.
    let err = bob
        .tim
        .send_message(&group_text(&bob, &group_id.0, "still in?"), SendMessageOptions::default())
        .await
        .expect_err("not a member");
    assert_eq!(err.code, code::ERR_SVR_GROUP_PERMISSION_DENY);

    // checklist 702: the owner dismisses it; carol gets notice 5 and the
    // group leaves her list.
    let dismissed = alice.tim.dismiss_group(&group_id.0).await.expect("dismissGroup");
    assert_eq!(dismissed, group_id);
    wait_group_list(&alice, "alice's list without the group", <[GroupProfile]>::is_empty).await;
    wait_group_list(&carol, "carol's list without the group", <[GroupProfile]>::is_empty).await;
    carol
        .events
        .wait_for("dismissed notice (5)", |events| notice_types(events).contains(&5).then_some(()))
        .await;
    // The group's conversation and history stay; the system conversation
    // holds the notices and never counts as unread: carol's one unread
    // message is bob's.
    let list = carol.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let group = list.iter().find(|c| c.conversation_id == conversation_id).expect("group stays");
    assert_eq!(group.unread_count, 1);
    let system =
        list.iter().find(|c| c.conversation_id == types::CONV_SYSTEM).expect("system conversation");
    assert_eq!(system.unread_count, 0);
    assert_eq!(carol.tim.get_total_unread_message_count(), 1);
}

#[tokio::test]
async fn group_calls_refuse_bad_input_with_tim_codes() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let err = alice.tim.quit_group("").await.expect_err("empty ID");
    assert_eq!(err.code, code::ILLEGAL_GROUP_ID);
    let err = alice.tim.dismiss_group("@TGS#nope").await.expect_err("no such group");
    assert_eq!(err.code, code::ERR_SVR_GROUP_NOT_FOUND);
    // A Work group cannot be dismissed, not even by its owner (2622; checklist 700).
    let id = alice.tim.create_group(work_group(&[])).await.expect("create").group.group_id;
    let err = alice.tim.dismiss_group(&id.0).await.expect_err("work");
    assert_eq!(err.code, code::CANNOT_DISMISS_WORK);
    // The system conversation is not a chat: no messages are sent to it.
    let err = alice.tim.set_message_read(types::CONV_SYSTEM).await.expect_err("system");
    assert_eq!(err.code, code::CONVERSATION_UN_RECORDED_TYPE);
    assert_eq!(alice.tim.get_group_list(GetGroupList::default()).await.expect("list").len(), 1);
}

#[tokio::test]
async fn attributes_counters_join_requests_and_a_live_room_reach_members_through_the_sdk() {
    use confab_proto::group::{
        GetGroupOnlineMemberCount, HandleAction, HandleGroupApplication, IncreaseGroupCounter,
        SetGroupAttributes,
    };
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group_id =
        alice.tim.create_group(work_group(&["bob"])).await.expect("create").group.group_id;
    wait_group_list(&bob, "bob in the group", |l| l.len() == 1).await;

    // checklist 784: every member hears of attribute changes, the caller too.
    alice
        .tim
        .set_group_attributes(SetGroupAttributes {
            group_id: group_id.clone(),
            group_attributes: [("topic".to_owned(), "launch".to_owned())].into(),
        })
        .await
        .expect("setGroupAttributes");
    for client in [&alice, &bob] {
        client
            .events
            .wait_for("GROUP_ATTRIBUTES_UPDATED", |events| {
                events.iter().find_map(|e| match e {
                    Event::GroupAttributesUpdated { group_id: g, group_attributes }
                        if *g == group_id.0
                            && group_attributes.get("topic").map(String::as_str)
                                == Some("launch") =>
                    {
                        Some(())
                    }
                    _ => None,
                })
            })
            .await;
    }
    // checklist 810: and of counter changes.
    bob.tim
        .increase_group_counter(IncreaseGroupCounter {
            group_id: group_id.clone(),
            key: "likes".into(),
            value: 2,
        })
        .await
        .expect("increaseGroupCounter");
    alice
        .events
        .wait_for("GROUP_COUNTER_UPDATED", |events| {
            events.iter().find_map(|e| match e {
                Event::GroupCounterUpdated { key, value: 2, .. } if key == "likes" => Some(()),
                _ => None,
            })
        })
        .await;

    // A join request: carol asks, alice agrees, carol's list gets the group.
    let open = alice
        .tim
        .create_group(CreateGroup {
            name: "by request".into(),
            group_type: GroupType::Public,
            join_option: Some(JoinOption::NeedPermission),
            ..CreateGroup::default()
        })
        .await
        .expect("create")
        .group
        .group_id;
    let asked = carol
        .tim
        .join_group(JoinGroup { group_id: open.clone(), apply_message: "let me in".into() })
        .await
        .expect("joinGroup");
    assert_eq!(asked.status, JoinStatus::WaitAdminApproval);
    assert!(carol.tim.get_group_list(GetGroupList::default()).await.expect("list").is_empty());
    let pending = alice.tim.get_group_application_list().await.expect("applications");
    let application = pending
        .application_list
        .into_iter()
        .find(|a| a.group_id == open && a.applicant.as_str() == "carol")
        .expect("carol's request");
    alice
        .tim
        .handle_group_application(HandleGroupApplication {
            handle_action: HandleAction::Agree,
            handle_message: "welcome".into(),
            application,
        })
        .await
        .expect("handleGroupApplication");
    let list = wait_group_list(&carol, "carol admitted", |l| l.len() == 1).await;
    assert_eq!(list[0].group_id, open);
    // checklist 771: she is told by notice 2.
    carol
        .events
        .wait_for("request accepted (2)", |events| notice_types(events).contains(&2).then_some(()))
        .await;

    // An AVChatRoom: never in the group list; its messages are pushed to
    // its online joiners only.
    let room = live_room(&alice, "live", &[&alice, &bob]).await;
    let count = alice
        .tim
        .get_group_online_member_count(GetGroupOnlineMemberCount { group_id: room.clone() })
        .await
        .expect("online count");
    assert_eq!(count.member_count, 2);
    assert!(alice
        .tim
        .get_group_list(GetGroupList::default())
        .await
        .expect("list")
        .iter()
        .all(|g| g.group_id != room));
    send_group_text(&bob, &room.0, "live hello").await;
    let got = wait_texts(&alice, &format!("GROUP{}", room.0), &["live hello"]).await;
    assert_eq!(text_of(&got[0]), "live hello");
}

// Many group messages in flight from one sender are stored in the order
// they were sent: the server reads the group and the member for each send
// on several connections at once, and still hands them to the writer in
// the session's order (docs/protocol.md, "Group timelines").
#[tokio::test]
async fn pipelined_group_messages_keep_their_senders_order_on_the_timeline() {
    let server = TestServer::start_with(|c| c.group_send_rate_per_sec = 0).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let group_id =
        alice.tim.create_group(work_group(&["bob"])).await.expect("create").group.group_id;
    let texts: Vec<String> = (0..60).map(|n| format!("in order {n}")).collect();
    let messages: Vec<Message> = texts.iter().map(|t| group_text(&alice, &group_id.0, t)).collect();
    let sent = futures_util::future::join_all(
        messages.iter().map(|m| alice.tim.send_message(m, SendMessageOptions::default())),
    )
    .await;
    let sequences: Vec<u64> = sent.into_iter().map(|r| r.expect("sent").message.sequence).collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "sequences follow the send order: {sequences:?}"
    );
    let wanted: Vec<&str> = texts.iter().map(String::as_str).collect();
    let got: Vec<String> = wait_texts(&bob, &format!("GROUP{}", group_id.0), &wanted)
        .await
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(got, texts, "bob sees them in the order sent");
}

// A busy AVChatRoom's messages come merged (`room` pushes, docs/protocol.md
// "Group timelines"): through the SDK every joiner still gets every message
// exactly once, each sender's in the order sent, and never its own back.
#[tokio::test]
async fn a_busy_rooms_merged_messages_arrive_once_in_order_and_not_back_at_their_sender() {
    const EACH: usize = 40;
    // Capacity, not TIM's 40 messages/s per group: the group rate is off.
    let server = TestServer::start_with(|c| c.group_send_rate_per_sec = 0).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let room = live_room(&alice, "busy", &[&alice, &bob, &carol]).await;
    let texts = |who: &str| (0..EACH).map(|n| format!("{who} {n}")).collect::<Vec<_>>();
    let (from_alice, from_bob) = (texts("alice"), texts("bob"));
    // Both send at once, every message in flight together.
    let sends = |client: &TestClient, list: &[String]| {
        let messages: Vec<Message> = list.iter().map(|t| group_text(client, &room.0, t)).collect();
        let tim = client.tim.clone();
        async move {
            futures_util::future::join_all(
                messages.iter().map(|m| tim.send_message(m, SendMessageOptions::default())),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(sends(&alice, &from_alice), sends(&bob, &from_bob));
    let failed: Vec<_> = a.iter().chain(&b).filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "every send succeeds: {failed:?}");
    let conversation = format!("GROUP{}", room.0);
    let everything: Vec<&str> = from_alice.iter().chain(&from_bob).map(String::as_str).collect();
    let carol_got = wait_texts(&carol, &conversation, &everything).await;
    let carol_texts: Vec<String> = carol_got.iter().map(text_of).collect();
    assert_eq!(carol_texts.len(), 2 * EACH, "exactly once each: {carol_texts:?}");
    for list in [&from_alice, &from_bob] {
        let order: Vec<&String> = carol_texts.iter().filter(|t| list.contains(t)).collect();
        assert_eq!(order, list.iter().collect::<Vec<_>>(), "each sender's order kept");
    }
    // alice gets bob's, and none of her own; a last message from carol
    // shows nothing else was on its way to her.
    send_group_text(&carol, &room.0, "last").await;
    let mut wanted: Vec<&str> = from_bob.iter().map(String::as_str).collect();
    wanted.push("last");
    let alice_got: Vec<String> =
        wait_texts(&alice, &conversation, &wanted).await.iter().map(text_of).collect();
    assert_eq!(alice_got, wanted, "bob's in order, then carol's; none of alice's own");
}

#[tokio::test]
async fn group_messages_are_revoked_modified_and_deleted_with_the_groups_rules() {
    use confab_proto::message::TextPayload as WireText;
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group_id = alice
        .tim
        .create_group(work_group(&["bob", "carol"]))
        .await
        .expect("create")
        .group
        .group_id
        .0;
    let conversation_id = format!("GROUP{group_id}");
    wait_group_list(&carol, "carol in the group", |l| l.len() == 1).await;
    let from_alice = send_group_text(&alice, &group_id, "by the owner").await;
    let from_bob = send_group_text(&bob, &group_id, "by a member").await;
    wait_texts(&carol, &conversation_id, &["by the owner", "by a member"]).await;
    wait_texts(&bob, &conversation_id, &["by the owner"]).await;

    // A member cannot revoke someone else's message...
    let err = bob.tim.revoke_message(&from_alice).await.expect_err("not bob's");
    assert_eq!(err.code, code::MESSAGE_REVOKE_FAIL);
    // ...the owner can (issue 13: owner and admins revoke others' messages),
    // and every member sees it revoked.
    let revoked = alice.tim.revoke_message(&from_bob).await.expect("the owner revokes");
    assert!(revoked.is_revoked);
    for client in [&bob, &carol] {
        client
            .events
            .wait_for("MESSAGE_REVOKED", |events| {
                events.iter().find_map(|e| match e {
                    Event::MessageRevoked(list) => {
                        list.iter().find(|m| m.id == from_bob.id && m.is_revoked).cloned()
                    }
                    _ => None,
                })
            })
            .await;
    }

    // The sender modifies his own text; the others get MESSAGE_MODIFIED.
    let mut edited = send_group_text(&bob, &group_id, "typo").await;
    wait_texts(&carol, &conversation_id, &["by the owner", "by a member", "typo"]).await;
    edited.payload = serde_json::to_value(WireText { text: "fixed".into() }).expect("payload");
    let modified = bob.tim.modify_message(&edited).await.expect("modifyMessage");
    assert_eq!(text_of(&modified), "fixed");
    let seen = carol.events.wait_modified(&edited.id, modified.version).await;
    assert_eq!(text_of(&seen), "fixed");
    alice.events.wait_modified(&edited.id, modified.version).await;

    // Deleting is for the caller only: carol's history loses it, alice's keeps it.
    carol.tim.delete_message(vec![from_alice.clone()]).await.expect("deleteMessage");
    let carol_history = carol.history(&conversation_id).await;
    assert!(carol_history.iter().all(|m| m.id != from_alice.id));
    let alice_history = alice.history(&conversation_id).await;
    assert!(alice_history.iter().any(|m| m.id == from_alice.id));
    // A revoked message stays in history, marked.
    assert!(alice_history.iter().any(|m| m.id == from_bob.id && m.is_revoked));
}

#[tokio::test]
async fn mentions_fill_group_at_info_list_until_the_conversation_is_read() {
    use confab_sdk::TextAtPayload;
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group_id = alice
        .tim
        .create_group(work_group(&["bob", "carol"]))
        .await
        .expect("create")
        .group
        .group_id
        .0;
    let conversation_id = format!("GROUP{group_id}");
    wait_group_list(&bob, "bob in the group", |l| l.len() == 1).await;
    let at = |users: &[&str], text: &str| {
        alice
            .tim
            .create_text_at_message(CreateMessageOptions {
                conversation_type: ConversationType::Group,
                ..CreateMessageOptions::c2c(
                    group_id.clone(),
                    TextAtPayload {
                        text: text.to_owned(),
                        at_user_list: users.iter().map(|u| (*u).to_owned()).collect(),
                    },
                )
            })
            .expect("an @ message")
    };
    for message in [
        at(&["bob"], "@bob look"),
        at(&[types::MSG_AT_ALL], "@all lunch"),
        at(&[types::MSG_AT_ALL, "bob"], "@all @bob both"),
    ] {
        within("send @", alice.tim.send_message(&message, SendMessageOptions::default()))
            .await
            .expect("sent");
    }
    wait_texts(&bob, &conversation_id, &["1", "2", "3"]).await;
    wait_texts(&carol, &conversation_id, &["1", "2", "3"]).await;

    // checklist 112: CONV_AT_ME 1, CONV_AT_ALL 2, CONV_AT_ALL_AT_ME 3.
    let at_types = |client: &TestClient| {
        let client = client.tim.clone();
        let id = conversation_id.clone();
        async move {
            let list = client.get_conversation_list(Some(vec![id])).await.expect("list");
            list.conversation_list[0]
                .group_at_info_list
                .iter()
                .map(|a| a["atType"].as_i64().expect("atType"))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        at_types(&bob).await,
        [types::CONV_AT_ME, types::CONV_AT_ALL, types::CONV_AT_ALL_AT_ME]
    );
    // carol is only in the @all ones.
    assert_eq!(at_types(&carol).await, [types::CONV_AT_ALL, types::CONV_AT_ALL]);
    // The sender has none of her own.
    assert!(at_types(&alice).await.is_empty());
    // Reading the conversation clears them.
    bob.tim.set_message_read(&conversation_id).await.expect("read");
    assert!(at_types(&bob).await.is_empty());
}

#[tokio::test]
async fn a_group_over_its_rate_refuses_lower_priorities_first_and_lets_high_through() {
    use confab_sdk::Priority;
    // Four a second for the group (the server clock stands still here),
    // no per-user limit in the way.
    let server = TestServer::start_with(|c| {
        c.group_send_rate_per_sec = 4;
        c.send_rate_per_sec = 0;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let group_id =
        alice.tim.create_group(work_group(&["bob"])).await.expect("create").group.group_id.0;
    wait_group_list(&bob, "bob in the group", |l| l.len() == 1).await;
    let send = |client: &TestClient, priority: Priority| {
        let message = client
            .tim
            .create_text_message(CreateMessageOptions {
                conversation_type: ConversationType::Group,
                priority,
                ..CreateMessageOptions::c2c(
                    group_id.clone(),
                    TextPayload { text: format!("{priority:?}") },
                )
            })
            .expect("message");
        let tim = client.tim.clone();
        async move {
            within(
                "send",
                tim.send_message(
                    &message,
                    SendMessageOptions { fail_when_offline: true, ..SendMessageOptions::default() },
                ),
            )
            .await
        }
    };
    // Two of the four go (members together: alice and bob share it).
    send(&alice, Priority::Normal).await.expect("first");
    send(&bob, Priority::Normal).await.expect("second");
    // Half is used: the lowest priority is refused first (2996)...
    let err = send(&alice, Priority::Lowest).await.expect_err("lowest refused");
    assert_eq!(err.code, code::OVER_FREQUENCY_LIMIT);
    // ...Low still goes, then Normal, then Normal no more...
    send(&alice, Priority::Low).await.expect("low");
    send(&bob, Priority::Normal).await.expect("normal");
    let err = send(&bob, Priority::Normal).await.expect_err("normal refused");
    assert_eq!(err.code, code::OVER_FREQUENCY_LIMIT);
    // ...and High always.
    send(&alice, Priority::High).await.expect("high goes");
    // A second later the group has a second's allowance again.
    server.clock.advance_ms(1_000);
    send(&bob, Priority::Normal).await.expect("refilled");
}

/// A member's new device starts from a fresh local store (bootstrapped from
/// the conversation list, its inbox cursor past the `groupJoined` entry)
/// and still follows the groups joined before it began: the group list and
/// the conversation's groupProfile are there at once, later messages
/// arrive live, and history pages from the server.
#[tokio::test]
async fn a_new_device_follows_the_groups_joined_before_it_began() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob_first = TestClient::login(&server, "bob").await;
    let group_id = within("create", alice.tim.create_group(work_group(&["bob"])))
        .await
        .expect("createGroup")
        .group
        .group_id
        .0;
    let conversation_id = format!("GROUP{group_id}");
    send_group_text(&alice, &group_id, "before the new device").await;
    wait_texts(&bob_first, &conversation_id, &["before the new device"]).await;
    drop(bob_first);

    let bob = desktop_instance(&server, "bob").await;
    let list = wait_group_list(&bob, "the group listed on the new device", |l| l.len() == 1).await;
    assert_eq!(list[0].group_id.0, group_id);
    let conversations = bob.tim.get_conversation_list(None).await.expect("list").conversation_list;
    let conversation =
        conversations.iter().find(|c| c.conversation_id == conversation_id).expect("the group");
    assert_eq!(conversation.conversation_type, ConversationType::Group);
    assert_eq!(conversation.group_profile.as_ref().expect("groupProfile")["groupID"], group_id);

    send_group_text(&alice, &group_id, "after the new device").await;
    let got = wait_texts(&bob, &conversation_id, &["after the new device"]).await;
    assert_eq!(got.iter().map(text_of).collect::<Vec<_>>(), ["after the new device"]);
    let texts: Vec<String> = bob
        .history(&conversation_id)
        .await
        .iter()
        .filter(|m| m.r#type == types::MSG_TEXT)
        .map(text_of)
        .collect();
    assert_eq!(texts, ["before the new device", "after the new device"]);
}

/// A member offline while five groups got twenty 1 KB messages each
/// catches up on all hundred when it comes back, although one `sync`
/// answer holds only 64 KiB (`max_sync_reply_bytes`): the groups share the answer's
/// budget, the ones it did not reach come as empty pages below their
/// heads, and the client asks again until every cursor is at its head.
#[tokio::test]
async fn catching_up_on_many_groups_pages_through_a_byte_capped_sync() {
    let server = TestServer::start_with(|c| {
        c.max_sync_reply_bytes = 65_536;
        c.send_rate_per_sec = 0;
        c.group_send_rate_per_sec = 0;
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let bob_dir = tempfile::tempdir().expect("temp dir");
    let bob = TestClient::login_at(&server, "bob", bob_dir.path()).await;
    let mut groups = Vec::new();
    for _ in 0..5 {
        let id = within("create", alice.tim.create_group(work_group(&["bob"])))
            .await
            .expect("createGroup")
            .group
            .group_id
            .0;
        groups.push(id);
    }
    wait_group_list(&bob, "five groups", |l| l.len() == 5).await;
    drop(bob);

    let mut expected = Vec::new();
    for (g, id) in groups.iter().enumerate() {
        for n in 0..20 {
            let text = format!("group {g} message {n} {}", "x".repeat(1000));
            send_group_text(&alice, id, &text).await;
            expected.push((format!("GROUP{id}"), text));
        }
    }

    let bob = TestClient::login_at(&server, "bob", bob_dir.path()).await;
    let got = bob
        .events
        .wait_for("all hundred group messages", |events| {
            let texts: Vec<(String, String)> = received_in(events)
                .into_iter()
                .filter(|m| m.r#type == types::MSG_TEXT)
                .map(|m| (m.conversation_id.clone(), text_of(&m)))
                .collect();
            (texts.len() >= expected.len()).then_some(texts)
        })
        .await;
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(got_sorted, expected_sorted, "each message once");
    for id in &groups {
        let conversation_id = format!("GROUP{id}");
        let in_order: Vec<&String> =
            got.iter().filter(|(c, _)| *c == conversation_id).map(|(_, t)| t).collect();
        let sent: Vec<&String> =
            expected.iter().filter(|(c, _)| *c == conversation_id).map(|(_, t)| t).collect();
        assert_eq!(in_order, sent, "{conversation_id} in order");
    }
}
