//! Communities and topics: alice owns a community with topics, bob and
//! carol are members; topics are made, chatted in, muted, read, updated and
//! deleted, and every instance's view (topic lists, unread counts per
//! topic, events, history) is asserted, including a second instance, a
//! member who joins later and one who catches up after being offline.
//! Checklist lines are cited where a rule comes from.

use confab_proto::code;
use confab_proto::constants::types;
use confab_proto::group::{CreateGroup, GroupType, JoinGroup, MemberRole, SetGroupMemberMuteTime};
use confab_proto::topic::{
    CreateTopicInCommunity, DeleteTopicFromCommunity, GetTopicList, UpdateTopicProfile,
};
use confab_proto::GroupId;
use confab_sdk::{
    ConversationType, CreateMessageOptions, Event, Message, SendMessageOptions, TextPayload, Topic,
};
use confab_tests::{received_in, text_of, within, TestClient, TestServer};

/// A new instance of `user` on the desktop platform (beside a web one),
/// logged in and ready.
async fn desktop_instance(server: &TestServer, user: &str) -> TestClient {
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
    let mut options = confab_sdk::TimOptions::new(server.sdk_app_id(), server.ws_url(), dir.path());
    options.platform = confab_sdk::Platform::Desktop;
    let client = TestClient::create_with_options(options, user, Some(dir), false);
    client.login_and_wait(&server.user_sig(user)).await;
    client
}

/// A community `owner` makes with `members` in it (with topics unless
/// `topics` is false).
async fn community(owner: &TestClient, members: &[&str], topics: bool) -> GroupId {
    let member_list = members
        .iter()
        .map(|u| confab_proto::group::NewGroupMember {
            user_id: confab_proto::UserId::new(*u),
            role: None,
            member_custom_field: Vec::new(),
        })
        .collect();
    owner
        .tim
        .create_group(CreateGroup {
            name: "Rustaceans".into(),
            group_type: GroupType::Community,
            is_support_topic: topics,
            member_list,
            ..CreateGroup::default()
        })
        .await
        .expect("create the community")
        .group
        .group_id
}

async fn new_topic(owner: &TestClient, group: &GroupId, name: &str) -> String {
    owner
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: group.clone(),
            topic_name: name.into(),
            notification: format!("welcome to {name}"),
            ..Default::default()
        })
        .await
        .expect("create a topic")
        .topic_id
}

fn topic_text(client: &TestClient, topic_id: &str, text: &str) -> Message {
    client
        .tim
        .create_text_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(topic_id.to_owned(), TextPayload { text: text.to_owned() })
        })
        .expect("create a topic text")
}

async fn send_topic_text(client: &TestClient, topic_id: &str, text: &str) -> Message {
    let message = topic_text(client, topic_id, text);
    within("topic send", client.tim.send_message(&message, SendMessageOptions::default()))
        .await
        .expect("topic send succeeds")
        .message
}

async fn topics(client: &TestClient, group: &GroupId) -> Vec<Topic> {
    client
        .tim
        .get_topic_list(GetTopicList { group_id: group.clone(), topic_id_list: None })
        .await
        .expect("getTopicList")
        .success_topic_list
}

fn named<'a>(list: &'a [Topic], id: &str) -> &'a Topic {
    list.iter().find(|t| t.topic_id == id).expect("the topic is listed")
}

/// Waits until `n` texts arrived in the topic's conversation.
async fn wait_texts(client: &TestClient, topic_id: &str, n: usize) -> Vec<Message> {
    let conversation = format!("GROUP{topic_id}");
    client
        .events
        .wait_for(&format!("{n} texts in {topic_id}"), |events| {
            let got: Vec<Message> = received_in(events)
                .into_iter()
                .filter(|m| m.conversation_id == conversation && m.r#type == types::MSG_TEXT)
                .collect();
            (got.len() >= n).then_some(got)
        })
        .await
}

/// Waits for the latest TOPIC_UPDATED of `topic_id` that satisfies `check`.
async fn wait_topic(client: &TestClient, topic_id: &str, check: impl Fn(&Topic) -> bool) -> Topic {
    client
        .events
        .wait_for(&format!("TOPIC_UPDATED of {topic_id}"), |events| {
            events.iter().rev().find_map(|e| match e {
                Event::TopicUpdated { topic, .. } if topic.topic_id == topic_id && check(topic) => {
                    Some((**topic).clone())
                }
                _ => None,
            })
        })
        .await
}

// checklist 919-952, 1050-1060: two topics, chat in each, unread counts
// per topic, events on every member, a second instance in step.
#[tokio::test]
async fn topics_are_channels_with_their_own_history_and_unread_counts() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let bob2 = desktop_instance(&server, "bob").await;
    let group = community(&alice, &["bob"], true).await;
    // checklist 920: only topic-supporting communities are listed.
    let plain = community(&alice, &["bob"], false).await;
    let joined = within("community list", async {
        loop {
            let list = bob.tim.get_joined_community_list().expect("list");
            if list.iter().any(|g| g.group_id == group) {
                return list;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(joined.iter().all(|g| g.group_id != plain), "a community without topics is not listed");

    let general = new_topic(&alice, &group, "general").await;
    let random = new_topic(&alice, &group, "random").await;
    // checklist 928, 1141: generated IDs are <communityID>@TOPIC#<part>.
    assert!(general.starts_with(&format!("{group}@TOPIC#")));
    // checklist 929: TOPIC_CREATED on the members' instances.
    for client in [&bob, &bob2] {
        client
            .events
            .wait_for("TOPIC_CREATED x2", |events| {
                let made: Vec<String> = events
                    .iter()
                    .filter_map(|e| match e {
                        Event::TopicCreated { group_id, topic_id } if *group_id == group.0 => {
                            Some(topic_id.clone())
                        }
                        _ => None,
                    })
                    .collect();
                (made.len() == 2).then_some(())
            })
            .await;
    }

    // checklist 86, 214: a topic takes messages; the community itself does
    // not (2115).
    send_topic_text(&alice, &general, "hello general").await;
    send_topic_text(&alice, &general, "second in general").await;
    send_topic_text(&alice, &random, "hello random").await;
    let refused = alice
        .tim
        .send_message(
            &topic_text(&alice, group.as_str(), "to the community"),
            SendMessageOptions::default(),
        )
        .await
        .expect_err("a community with topics takes no messages of its own");
    assert_eq!(refused.code, code::MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL);

    for client in [&bob, &bob2] {
        let texts = wait_texts(client, &general, 2).await;
        assert_eq!(
            texts.iter().map(text_of).collect::<Vec<_>>(),
            ["hello general", "second in general"]
        );
        assert!(texts.iter().all(|m| m.conversation_id == format!("GROUP{general}")));
        wait_texts(client, &random, 1).await;
        // Unread per topic (checklist 947-950), and TOPIC_UPDATED carries it.
        wait_topic(client, &general, |t| t.unread_count == 2).await;
        let list = topics(client, &group).await;
        assert_eq!(
            list.iter().map(|t| t.topic_name.as_str()).collect::<Vec<_>>(),
            ["general", "random"]
        );
        assert_eq!(named(&list, &general).unread_count, 2);
        assert_eq!(named(&list, &random).unread_count, 1);
        assert_eq!(named(&list, &general).notification, "welcome to general");
        let last = named(&list, &random).last_message.as_ref().expect("last message");
        assert_eq!(last["payload"]["text"], "hello random");
    }
    // Topic conversations are not in the conversation list or the total.
    let conversations = bob.tim.get_conversation_list(Default::default()).await.expect("list");
    assert!(conversations.conversation_list.iter().all(|c| !c.conversation_id.contains("@TOPIC#")));
    assert_eq!(bob.tim.get_total_unread_message_count(), 0);

    // Reading one topic leaves the other unread, on both of bob's instances.
    bob.tim.set_message_read(&format!("GROUP{general}")).await.expect("read general");
    wait_topic(&bob2, &general, |t| t.unread_count == 0).await;
    let list = topics(&bob2, &group).await;
    assert_eq!(named(&list, &general).unread_count, 0);
    assert_eq!(named(&list, &random).unread_count, 1);

    // checklist 419-422: a topic's remind type is its own, set with the
    // topic ID as groupID and synced to my other instances.
    bob.tim
        .set_message_remind_type(confab_sdk::SetMessageRemindType {
            group_id: Some(GroupId::new(random.clone())),
            user_id_list: Vec::new(),
            message_remind_type: confab_sdk::RemindType::AcceptNotNotify,
        })
        .await
        .expect("mute a topic");
    let muted = wait_topic(&bob2, &random, |t| {
        t.self_info.message_remind_type == types::MSG_REMIND_ACPT_NOT_NOTE
    })
    .await;
    assert_eq!(muted.unread_count, 1);
    let list = topics(&bob2, &group).await;
    assert_eq!(
        named(&list, &general).self_info.message_remind_type,
        types::MSG_REMIND_ACPT_AND_NOTE
    );
    // A stranger cannot set a topic's remind type.
    let carol = TestClient::login(&server, "carol").await;
    let refused = carol
        .tim
        .set_message_remind_type(confab_sdk::SetMessageRemindType {
            group_id: Some(GroupId::new(random.clone())),
            user_id_list: Vec::new(),
            message_remind_type: confab_sdk::RemindType::AcceptNotNotify,
        })
        .await
        .expect_err("carol is not in the community");
    assert_eq!(refused.code, code::ERR_SVR_GROUP_PERMISSION_DENY);

    // An @ of bob in general is his @ info there (checklist 947-950:
    // groupAtInfoList), and only there.
    let at = alice
        .tim
        .create_text_at_message(CreateMessageOptions {
            conversation_type: ConversationType::Group,
            ..CreateMessageOptions::c2c(
                general.clone(),
                confab_sdk::TextAtPayload {
                    text: "@bob pick a book".into(),
                    at_user_list: vec!["bob".into()],
                },
            )
        })
        .expect("an @ message");
    alice.tim.send_message(&at, SendMessageOptions::default()).await.expect("send the @");
    let mentioned = wait_topic(&bob2, &general, |t| !t.group_at_info_list.is_empty()).await;
    assert_eq!(mentioned.unread_count, 1);
    let list = topics(&bob2, &group).await;
    assert!(named(&list, &random).group_at_info_list.is_empty());

    // History per topic.
    let history = bob.history(&format!("GROUP{random}")).await;
    assert_eq!(history.iter().map(text_of).collect::<Vec<_>>(), ["hello random"]);

    // checklist 937-941: an update reaches the other members.
    let updated = alice
        .tim
        .update_topic_profile(UpdateTopicProfile {
            group_id: group.clone(),
            topic_id: random.clone(),
            topic_name: Some("off-topic".into()),
            notification: Some("be kind".into()),
            ..Default::default()
        })
        .await
        .expect("update")
        .topic;
    assert_eq!(updated.topic_name, "off-topic");
    let seen = wait_topic(&bob2, &random, |t| t.topic_name == "off-topic").await;
    assert_eq!(seen.notification, "be kind");
    assert_eq!(seen.unread_count, 1, "the update keeps my unread count");

    // checklist 931-935: deleting one topic and an unknown one.
    let unknown = format!("{group}@TOPIC#_nope");
    let deleted = alice
        .tim
        .delete_topic_from_community(DeleteTopicFromCommunity {
            group_id: group.clone(),
            topic_id_list: Some(vec![random.clone(), unknown.clone()]),
        })
        .await
        .expect("delete");
    assert_eq!(deleted.success_topic_list.len(), 1);
    assert_eq!(deleted.success_topic_list[0].topic_id, random);
    assert_eq!(deleted.failure_topic_list.len(), 1);
    assert_eq!(deleted.failure_topic_list[0].topic_id, unknown);
    assert_eq!(deleted.failure_topic_list[0].code, code::ERR_SVR_GROUP_NOT_FOUND);
    bob.events
        .wait_for("TOPIC_DELETED", |events| {
            events.iter().find_map(|e| match e {
                Event::TopicDeleted { topic_id_list, .. }
                    if topic_id_list == std::slice::from_ref(&random) =>
                {
                    Some(())
                }
                _ => None,
            })
        })
        .await;
    let list = topics(&bob, &group).await;
    assert_eq!(list.iter().map(|t| t.topic_id.as_str()).collect::<Vec<_>>(), [general.as_str()]);
    let gone = alice
        .tim
        .send_message(&topic_text(&alice, &random, "into the void"), SendMessageOptions::default())
        .await
        .expect_err("a deleted topic takes no messages");
    assert_eq!(gone.code, code::ERR_SVR_GROUP_NOT_FOUND);
}

// checklist 923-927, 944-952: who may manage topics, and bad input.
#[tokio::test]
async fn topic_rules_and_codes() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let group = community(&alice, &["bob"], true).await;
    let plain = community(&alice, &["bob"], false).await;

    // checklist 927: only communities with topics (2600 here).
    let not_here = alice
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: plain.clone(),
            topic_name: "x".into(),
            ..Default::default()
        })
        .await
        .expect_err("a community without topics");
    assert_eq!(not_here.code, code::ILLEGAL_GROUP_TYPE);
    // A plain community still takes messages on its own ID (checklist 87).
    send_topic_text(&alice, plain.as_str(), "plain community").await;

    // Ordinary members may not make topics; admins may.
    let denied = bob
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: group.clone(),
            topic_name: "mine".into(),
            ..Default::default()
        })
        .await
        .expect_err("a member");
    assert_eq!(denied.code, code::ERR_SVR_GROUP_PERMISSION_DENY);
    alice
        .tim
        .set_group_member_role(confab_proto::group::SetGroupMemberRole {
            group_id: group.clone(),
            user_id: "bob".into(),
            role: MemberRole::Admin,
        })
        .await
        .expect("bob becomes an admin");
    // checklist 926: a custom ID of the right form works, another is 3021.
    let custom = format!("{group}@TOPIC#_announcements");
    let made = bob
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: group.clone(),
            topic_name: "announcements".into(),
            topic_id: custom.clone(),
            ..Default::default()
        })
        .await
        .expect("an admin makes a topic with a custom ID");
    assert_eq!(made.topic_id, custom);
    let taken = bob
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: group.clone(),
            topic_name: "again".into(),
            topic_id: custom.clone(),
            ..Default::default()
        })
        .await
        .expect_err("the ID is taken");
    assert_eq!(taken.code, code::ERR_SVR_GROUP_GROUPID_IN_USED);
    for bad in ["announcements".to_owned(), format!("{plain}@TOPIC#_x"), format!("{group}@TOPIC#")]
    {
        let refused = alice
            .tim
            .create_topic_in_community(CreateTopicInCommunity {
                group_id: group.clone(),
                topic_name: "bad".into(),
                topic_id: bad.clone(),
                ..Default::default()
            })
            .await
            .expect_err("a malformed topic ID");
        assert_eq!(refused.code, code::ILLEGAL_TOPIC_ID, "{bad}");
    }
    let nameless = alice
        .tim
        .create_topic_in_community(CreateTopicInCommunity {
            group_id: group.clone(),
            ..Default::default()
        })
        .await
        .expect_err("no name");
    assert_eq!(nameless.code, code::ERR_SVR_GROUP_INVALID_PARAMETERS);

    // Not a member: 10007 for the list.
    let outsider = carol
        .tim
        .get_topic_list(GetTopicList { group_id: group.clone(), topic_id_list: None })
        .await
        .expect_err("carol is not a member");
    assert_eq!(outsider.code, code::ERR_SVR_GROUP_PERMISSION_DENY);
    // A list of some topics answers per topic (checklist 946).
    let some = bob
        .tim
        .get_topic_list(GetTopicList {
            group_id: group.clone(),
            topic_id_list: Some(vec![
                custom.clone(),
                format!("{group}@TOPIC#_none"),
                "junk".into(),
            ]),
        })
        .await
        .expect("some topics");
    assert_eq!(some.success_topic_list.len(), 1);
    let codes: Vec<i32> = some.failure_topic_list.iter().map(|f| f.code).collect();
    assert_eq!(codes, [code::ERR_SVR_GROUP_NOT_FOUND, code::ILLEGAL_TOPIC_ID]);

    // checklist 939, 869: muteAllMembers mutes the topic for members, not
    // for the owner; a member muted in one topic may speak in another.
    let general = new_topic(&alice, &group, "general").await;
    alice
        .tim
        .update_topic_profile(UpdateTopicProfile {
            group_id: group.clone(),
            topic_id: custom.clone(),
            mute_all_members: Some(true),
            ..Default::default()
        })
        .await
        .expect("mute the announcements");
    alice
        .tim
        .set_group_member_role(confab_proto::group::SetGroupMemberRole {
            group_id: group.clone(),
            user_id: "bob".into(),
            role: MemberRole::Member,
        })
        .await
        .expect("bob is a member again");
    let muted = bob
        .tim
        .send_message(&topic_text(&bob, &custom, "may I?"), SendMessageOptions::default())
        .await
        .expect_err("the topic is muted");
    assert_eq!(muted.code, code::ERR_SVR_GROUP_SHUTUP_DENY);
    send_topic_text(&alice, &custom, "only the owner speaks here").await;
    alice
        .tim
        .set_group_member_mute_time(SetGroupMemberMuteTime {
            group_id: GroupId::new(general.clone()),
            user_id: "bob".into(),
            mute_time: 600,
        })
        .await
        .expect("mute bob in general");
    let muted = bob
        .tim
        .send_message(&topic_text(&bob, &general, "hello?"), SendMessageOptions::default())
        .await
        .expect_err("bob is muted in general");
    assert_eq!(muted.code, code::ERR_SVR_GROUP_SHUTUP_DENY);
    let third = new_topic(&alice, &group, "third").await;
    send_topic_text(&bob, &third, "but not here").await;
    let list = topics(&bob, &group).await;
    assert!(named(&list, &general).self_info.mute_until > 0);
    assert_eq!(named(&list, &third).self_info.mute_until, 0);
    assert!(named(&list, &custom).mute_all_members);

    // checklist 108: no @ALL in communities and topics.
    let mut at_all = topic_text(&alice, &third, "everyone!");
    at_all.at_user_list = vec![types::MSG_AT_ALL.to_owned()];
    let refused =
        alice.tim.send_message(&at_all, SendMessageOptions::default()).await.expect_err("@ALL");
    assert_eq!(refused.code, code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    // checklist 391: a topic's history is not cleared.
    let cleared = bob
        .tim
        .clear_history_message(&format!("GROUP{third}"))
        .await
        .expect_err("topics are not cleared");
    assert_eq!(cleared.code, code::ERR_SVR_GROUP_INVALID_PARAMETERS);

    // Deleting every topic (topicIDList omitted).
    let all = alice
        .tim
        .delete_topic_from_community(DeleteTopicFromCommunity {
            group_id: group.clone(),
            topic_id_list: None,
        })
        .await
        .expect("delete all");
    assert_eq!(all.success_topic_list.len(), 3);
    assert!(all.failure_topic_list.is_empty());

    // checklist 951: 10 calls a second, then 2996.
    let mut over = None;
    for _ in 0..12 {
        if let Err(e) = bob
            .tim
            .get_topic_list(GetTopicList { group_id: group.clone(), topic_id_list: None })
            .await
        {
            over = Some(e.code);
            break;
        }
    }
    assert_eq!(over, Some(code::OVER_FREQUENCY_LIMIT));
}

// A later joiner starts in each topic where it stands; an offline member
// catches up per topic; a fresh device learns the topics.
#[tokio::test]
async fn joiners_and_offline_members_catch_up_per_topic() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let group = community(&alice, &["bob"], true).await;
    let general = new_topic(&alice, &group, "general").await;
    let random = new_topic(&alice, &group, "random").await;
    send_topic_text(&alice, &general, "before carol").await;

    // carol joins (a community is FreeAccess by default) and sees only what
    // comes after, in both topics.
    let carol = TestClient::login(&server, "carol").await;
    carol
        .tim
        .join_group(JoinGroup { group_id: group.clone(), apply_message: String::new() })
        .await
        .expect("carol joins");
    let list = topics(&carol, &group).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|t| t.unread_count == 0));
    send_topic_text(&alice, &general, "after carol").await;
    let got = wait_texts(&carol, &general, 1).await;
    assert_eq!(text_of(&got[0]), "after carol");
    let history = carol.history(&format!("GROUP{general}")).await;
    assert_eq!(history.iter().map(text_of).collect::<Vec<_>>(), ["after carol"]);

    // bob goes offline; topics get news and a new topic is made.
    let bob_dir = bob.keep_dir().expect("bob's store");
    drop(bob);
    for i in 0..5 {
        send_topic_text(&alice, &general, &format!("general {i}")).await;
        send_topic_text(&alice, &random, &format!("random {i}")).await;
    }
    let later = new_topic(&alice, &group, "later").await;
    send_topic_text(&alice, &later, "in the new topic").await;
    let bob = TestClient::login_at(&server, "bob", bob_dir.path()).await;
    wait_texts(&bob, &later, 1).await;
    let list = topics(&bob, &group).await;
    assert_eq!(named(&list, &general).unread_count, 7, "before carol, after carol, and five");
    assert_eq!(named(&list, &random).unread_count, 5);
    assert_eq!(named(&list, &later).unread_count, 1);
    bob.tim.set_message_read(&format!("GROUP{random}")).await.expect("read random");

    // A fresh device of bob's learns every topic with its unread count.
    let fresh = TestClient::login(&server, "bob").await;
    wait_topic(&fresh, &later, |t| t.unread_count == 1).await;
    wait_topic(&fresh, &general, |t| t.unread_count == 7).await;
    let list = topics(&fresh, &group).await;
    assert_eq!(named(&list, &random).unread_count, 0, "read on another device");
    let history = fresh.history(&format!("GROUP{random}")).await;
    assert_eq!(history.len(), 5);

    // checklist 421: with the community set to Discard, a topic's own
    // setting is ignored: no MESSAGE_RECEIVED, the history keeps it. (The
    // C2C text after it comes later on the same connection.)
    carol
        .tim
        .set_message_remind_type(confab_sdk::SetMessageRemindType {
            group_id: Some(group.clone()),
            user_id_list: Vec::new(),
            message_remind_type: confab_sdk::RemindType::Discard,
        })
        .await
        .expect("discard the community");
    carol.events.clear();
    send_topic_text(&alice, &general, "discarded").await;
    alice.send_text("carol", "after the discarded one").await;
    carol
        .events
        .wait_for("the C2C text", |events| {
            received_in(events)
                .iter()
                .any(|m| text_of(m) == "after the discarded one")
                .then_some(())
        })
        .await;
    assert!(received_in(&carol.events.all()).iter().all(|m| text_of(m) != "discarded"));
    let history = carol.history(&format!("GROUP{general}")).await;
    assert_eq!(history.last().map(text_of).as_deref(), Some("discarded"));
}
