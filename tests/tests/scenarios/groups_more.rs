//! Groups end to end at the wire, the methods beyond slice 1: join
//! requests (`getGroupApplicationList`, `handleGroupApplication`),
//! `getGroupOnlineMemberCount`, group attributes and group counters,
//! `setGroupMemberCustomField` and `markGroupMemberList`, acted
//! out by alice, bob, carol and dave
//! against a real server with every client's view asserted.

use confab_proto::constants::types;
use confab_proto::frame::Push;
use confab_proto::group::{
    self as g, notice, CreateGroup, CustomField, DecreaseGroupCounter, DeleteGroupAttributes,
    GetGroupApplicationList, GetGroupAttributes, GetGroupCounters, GetGroupList,
    GetGroupMemberList, GetGroupMemberProfile, GetGroupOnlineMemberCount, GetGroupProfile,
    GroupApplication, GroupType, HandleAction, HandleGroupApplication, IncreaseGroupCounter,
    InitGroupAttributes, JoinGroup, JoinOption, JoinStatus, MarkGroupMemberList, MemberListOffset,
    MemberRole, NewGroupMember, SetGroupAttributes, SetGroupCounters, SetGroupMemberCustomField,
    APPLICATION_JOIN,
};
use confab_proto::inbox::{InboxEvent, TimelineCursor};
use confab_proto::message::MessageElement;
use confab_proto::ops::Sync as SyncOp;
use confab_proto::{code, ErrorBody, GroupId, UserId};
use confab_tests::{RawClient, TestServer};
use std::collections::BTreeMap;

fn gid(id: &str) -> GroupId {
    GroupId::new(id)
}

fn refused<T: std::fmt::Debug>(result: Result<T, ErrorBody>) -> i32 {
    result.expect_err("refused").code
}

/// Waits for a group system notice of `operation_type`.
async fn wait_notice(raw: &mut RawClient, operation_type: i64) -> g::GroupSystemNotice {
    raw.wait_push(|push| match push {
        Push::Inbox(entry) => match &entry.event {
            InboxEvent::GroupSystemNotice { notice } if notice.operation_type == operation_type => {
                Some(notice.clone())
            }
            _ => None,
        },
        _ => None,
    })
    .await
}

/// Waits for a tip of `operation_type` on a group timeline.
async fn wait_tip(raw: &mut RawClient, operation_type: i64) -> g::GroupTipPayload {
    raw.wait_push(|push| match push {
        Push::Timeline { entry, .. } => match &entry.event {
            InboxEvent::Message { message } => match &message.element {
                MessageElement::GroupTip(tip) if tip.operation_type == operation_type => {
                    Some(tip.clone())
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
    .await
}

/// A Public group needing approval, alice its owner and bob an admin.
fn approval_group(id: &str) -> CreateGroup {
    CreateGroup {
        name: "club".into(),
        group_type: GroupType::Public,
        group_id: Some(gid(id)),
        join_option: Some(JoinOption::NeedPermission),
        member_list: vec![NewGroupMember {
            user_id: UserId::new("bob"),
            role: Some(MemberRole::Admin),
            member_custom_field: vec![],
        }],
        ..Default::default()
    }
}

fn handle(
    group: &str,
    applicant: &str,
    action: HandleAction,
    note: &str,
) -> HandleGroupApplication {
    HandleGroupApplication {
        handle_action: action,
        handle_message: note.into(),
        application: GroupApplication {
            group_id: gid(group),
            applicant: UserId::new(applicant),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn join_requests_wait_for_the_first_owner_or_admin_to_decide() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let mut dave = RawClient::login(&server, "dave").await;
    alice.call(&approval_group("club")).await.expect("create");

    // checklist 727: NeedPermission makes the applicant wait.
    let apply = JoinGroup { group_id: gid("club"), apply_message: "let me in".into() };
    assert_eq!(carol.call(&apply).await.expect("apply").status, JoinStatus::WaitAdminApproval);
    let dave_apply = JoinGroup { group_id: gid("club"), apply_message: "me too".into() };
    assert_eq!(dave.call(&dave_apply).await.expect("apply").status, JoinStatus::WaitAdminApproval);
    // checklist 727, 768, 1186: every owner and admin gets the request (notice 1).
    for manager in [&mut alice, &mut bob] {
        let request = wait_notice(manager, notice::JOIN_REQUEST).await;
        assert_eq!(request.operator_id, "carol");
        assert_eq!(request.handle_message, "let me in");
        assert_eq!(request.group_profile.group_id, gid("club"));
        let request = wait_notice(manager, notice::JOIN_REQUEST).await;
        assert_eq!(request.operator_id, "dave");
    }

    // checklist 757: both managers list both requests, with TIM's fields.
    for manager in [&mut alice, &mut bob] {
        let list = manager.call(&GetGroupApplicationList::default()).await.expect("list");
        let applicants: Vec<&str> =
            list.application_list.iter().map(|a| a.applicant.as_str()).collect();
        assert_eq!(applicants, ["carol", "dave"]);
        let first = &list.application_list[0];
        assert_eq!(first.group_id, gid("club"));
        assert_eq!(first.group_name, "club");
        assert_eq!(first.application_type, APPLICATION_JOIN);
        assert_eq!(first.note, "let me in");
    }
    // An applicant (no manager anywhere) has nothing to handle.
    let none = carol.call(&GetGroupApplicationList::default()).await.expect("list");
    assert!(none.application_list.is_empty());
    // Only the owner or an admin handles: carol is no member.
    let carol_agrees = handle("club", "dave", HandleAction::Agree, "");
    assert_eq!(refused(carol.call(&carol_agrees).await), code::ERR_SVR_GROUP_PERMISSION_DENY);

    // checklist 759, 762, 770: an item is passed unchanged; bob (admin) agrees.
    let list = bob.call(&GetGroupApplicationList::default()).await.expect("list");
    let agree = HandleGroupApplication {
        handle_action: HandleAction::Agree,
        handle_message: "welcome".into(),
        application: list.application_list[0].clone(),
    };
    let agreed = bob.call(&agree).await.expect("bob agrees");
    assert_eq!(agreed.group.member_count, 3);
    // checklist 771: carol joins as every joiner does and is told (notice 2).
    let joined = carol
        .wait_push(|p| match p {
            Push::Inbox(e) => match &e.event {
                InboxEvent::GroupJoined { group, .. } => Some(group.clone()),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(joined.group_id, gid("club"));
    assert_eq!(joined.self_info.map(|s| s.role), Some(MemberRole::Member));
    let accepted = wait_notice(&mut carol, notice::REQUEST_ACCEPTED).await;
    assert_eq!(
        (accepted.operator_id.as_str(), accepted.handle_message.as_str()),
        ("bob", "welcome")
    );
    let groups = carol.call(&GetGroupList::default()).await.expect("carol's groups");
    assert_eq!(groups.group_list.len(), 1);
    // checklist 771: the members get GRP_TIP_MBR_JOIN.
    let tip = wait_tip(&mut alice, types::GRP_TIP_MBR_JOIN).await;
    assert_eq!(
        (tip.operator_id.as_str(), tip.user_id_list.as_slice()),
        ("bob", &["carol".to_owned()][..])
    );
    // checklist 769, 1186: the first decision stands; alice cannot handle it again.
    let again = handle("club", "carol", HandleAction::Reject, "");
    assert_eq!(refused(alice.call(&again).await), code::ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED);

    // checklist 771: alice rejects dave; he is told (notice 3) and stays outside.
    let reject = handle("club", "dave", HandleAction::Reject, "sorry");
    let rejected = alice.call(&reject).await.expect("alice rejects");
    assert_eq!(rejected.group.member_count, 3);
    let refused_notice = wait_notice(&mut dave, notice::REQUEST_REFUSED).await;
    assert_eq!(refused_notice.handle_message, "sorry");
    assert_eq!(refused_notice.operator_id, "alice");
    let groups = dave.call(&GetGroupList::default()).await.expect("dave's groups");
    assert!(groups.group_list.is_empty());
    let late = handle("club", "dave", HandleAction::Agree, "");
    assert_eq!(refused(bob.call(&late).await), code::ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED);
    // Nothing is pending any more, for either manager.
    for manager in [&mut alice, &mut bob] {
        let list = manager.call(&GetGroupApplicationList::default()).await.expect("list");
        assert!(list.application_list.is_empty());
    }
    // An ordinary member (carol now) sees no requests and handles none.
    dave.call(&dave_apply).await.expect("dave asks again");
    let list = carol.call(&GetGroupApplicationList::default()).await.expect("list");
    assert!(list.application_list.is_empty());
    let carol_agrees = handle("club", "dave", HandleAction::Agree, "");
    assert_eq!(refused(carol.call(&carol_agrees).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    assert_eq!(
        alice.call(&GetGroupApplicationList::default()).await.expect("list").application_list.len(),
        1
    );
    // Joining another way (the owner adds dave) settles his request.
    let add = g::AddGroupMember { group_id: gid("club"), user_id_list: vec![UserId::new("dave")] };
    alice.call(&add).await.expect("alice adds dave");
    let list = alice.call(&GetGroupApplicationList::default()).await.expect("list");
    assert!(list.application_list.is_empty());
    let late = handle("club", "dave", HandleAction::Agree, "");
    assert_eq!(refused(bob.call(&late).await), code::ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED);
}

#[tokio::test]
async fn online_member_count_is_an_avchatrooms_joiners_and_zero_elsewhere() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let room = CreateGroup {
        name: "live".into(),
        group_type: GroupType::AvChatRoom,
        group_id: Some(gid("live")),
        ..Default::default()
    };
    alice.call(&room).await.expect("room");
    let join = JoinGroup { group_id: gid("live"), apply_message: String::new() };
    alice.call(&join).await.expect("alice joins");
    bob.call(&join).await.expect("bob joins");
    let count = GetGroupOnlineMemberCount { group_id: gid("live") };
    // checklist 746: the online joiners, to a joiner.
    assert_eq!(alice.call(&count).await.expect("count").member_count, 2);
    assert_eq!(bob.call(&count).await.expect("count").member_count, 2);
    // checklist 745: 0 for a room the caller is not in.
    assert_eq!(carol.call(&count).await.expect("count").member_count, 0);
    // checklist 745: 0 for another kind, even to a member.
    let public = CreateGroup {
        name: "pub".into(),
        group_type: GroupType::Public,
        group_id: Some(gid("pub")),
        ..Default::default()
    };
    alice.call(&public).await.expect("public");
    let count_pub = GetGroupOnlineMemberCount { group_id: gid("pub") };
    assert_eq!(alice.call(&count_pub).await.expect("count").member_count, 0);
    // An unknown group is not found.
    let unknown = GetGroupOnlineMemberCount { group_id: gid("nope") };
    assert_eq!(refused(alice.call(&unknown).await), code::ERR_SVR_GROUP_NOT_FOUND);
    // bob leaves: one joiner left.
    bob.call(&g::QuitGroup { group_id: gid("live") }).await.expect("bob quits");
    assert_eq!(alice.call(&count).await.expect("count").member_count, 1);
}

/// Waits for a `groupAttributesUpdated` timeline push; its seq and set.
async fn wait_attributes(raw: &mut RawClient) -> (u64, BTreeMap<String, String>) {
    raw.wait_push(|push| match push {
        Push::Timeline { entry, .. } => match &entry.event {
            InboxEvent::GroupAttributesUpdated { group_attributes, .. } => {
                Some((entry.seq, group_attributes.clone()))
            }
            _ => None,
        },
        _ => None,
    })
    .await
}

/// Waits for a `groupCounterUpdated` timeline push; its seq, key, value.
async fn wait_counter(raw: &mut RawClient) -> (u64, String, i64) {
    raw.wait_push(|push| match push {
        Push::Timeline { entry, .. } => match &entry.event {
            InboxEvent::GroupCounterUpdated { key, value, .. } => {
                Some((entry.seq, key.clone(), *value))
            }
            _ => None,
        },
        _ => None,
    })
    .await
}

fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// The entries of one group's timeline after `after`, read by `sync`.
async fn timeline_after(raw: &mut RawClient, group: &str, after: u64) -> Vec<InboxEvent> {
    let cursor = TimelineCursor { group_id: group.into(), after };
    let synced =
        raw.call(&SyncOp { after: 0, limit: 0, groups: vec![cursor] }).await.expect("group sync");
    synced.groups[0].entries.iter().map(|e| e.event.clone()).collect()
}

#[tokio::test]
async fn group_attributes_are_kept_per_group_and_every_member_follows_them() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    // dave is a member who is offline while the attributes change.
    RawClient::login(&server, "dave").await;
    let group = CreateGroup {
        name: "attrs".into(),
        group_type: GroupType::Public,
        group_id: Some(gid("attrs")),
        member_list: confab_tests::group_members(&["bob", "dave"]),
        ..Default::default()
    };
    alice.call(&group).await.expect("create");
    let start = GetGroupProfile { group_id: gid("attrs"), group_custom_field_filter: vec![] };
    let head = alice.call(&start).await.expect("profile").group.next_message_seq;
    assert_eq!(head, 1);

    // checklist 774, 783-784: any member initializes; every member is told.
    let init = InitGroupAttributes {
        group_id: gid("attrs"),
        group_attributes: attrs(&[("k1", "v1"), ("k2", "v2")]),
    };
    let done = bob.call(&init).await.expect("bob initializes");
    assert_eq!(done.group_attributes, attrs(&[("k1", "v1"), ("k2", "v2")]));
    let (seq_a, set_a) = wait_attributes(&mut alice).await;
    let (seq_b, set_b) = wait_attributes(&mut bob).await;
    assert_eq!((seq_a, &set_a), (seq_b, &set_b), "one timeline entry, the caller included");
    assert!(seq_a > 0, "on the group's timeline");
    assert_eq!(set_a, attrs(&[("k1", "v1"), ("k2", "v2")]));
    // checklist 776: a non-member cannot.
    assert_eq!(refused(carol.call(&init).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let get_all = GetGroupAttributes { group_id: gid("attrs"), key_list: vec![] };
    assert_eq!(refused(carol.call(&get_all).await), code::ERR_SVR_GROUP_PERMISSION_DENY);

    // checklist 788, 791-792: set adds and overwrites; the event has the whole set.
    let set = SetGroupAttributes {
        group_id: gid("attrs"),
        group_attributes: attrs(&[("k2", "two"), ("k3", "v3")]),
    };
    assert_eq!(
        alice.call(&set).await.expect("set").group_attributes,
        attrs(&[("k2", "two"), ("k3", "v3")])
    );
    let (_, whole) = wait_attributes(&mut bob).await;
    assert_eq!(whole, attrs(&[("k1", "v1"), ("k2", "two"), ("k3", "v3")]));
    // checklist 802, 804: all, or the keys asked for.
    assert_eq!(bob.call(&get_all).await.expect("get").group_attributes, whole);
    let some = GetGroupAttributes { group_id: gid("attrs"), key_list: vec!["k3".into()] };
    assert_eq!(bob.call(&some).await.expect("get").group_attributes, attrs(&[("k3", "v3")]));

    // checklist 795, 798-799: deleting names the deleted keys.
    let delete = DeleteGroupAttributes {
        group_id: gid("attrs"),
        key_list: vec!["k1".into(), "nope".into()],
    };
    assert_eq!(alice.call(&delete).await.expect("delete").key_list, ["k1"]);
    let (_, after_delete) = wait_attributes(&mut bob).await;
    assert_eq!(after_delete, attrs(&[("k2", "two"), ("k3", "v3")]));
    // checklist 785: init replaces the whole set.
    let reinit =
        InitGroupAttributes { group_id: gid("attrs"), group_attributes: attrs(&[("only", "1")]) };
    alice.call(&reinit).await.expect("re-init");
    assert_eq!(bob.call(&get_all).await.expect("get").group_attributes, attrs(&[("only", "1")]));

    // checklist 777-781, 1264: the limits, refused with 10004.
    let long_key = InitGroupAttributes {
        group_id: gid("attrs"),
        group_attributes: attrs(&[(&"k".repeat(33), "v")]),
    };
    assert_eq!(refused(alice.call(&long_key).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let big_value = SetGroupAttributes {
        group_id: gid("attrs"),
        group_attributes: attrs(&[("k", &"v".repeat(4 * 1024 + 1))]),
    };
    assert_eq!(refused(alice.call(&big_value).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let seventeen: BTreeMap<String, String> =
        (0..17).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    let too_many = InitGroupAttributes { group_id: gid("attrs"), group_attributes: seventeen };
    assert_eq!(refused(alice.call(&too_many).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    // Five values of 4 KB pass one by one but not past 16 KB together.
    for i in 0..3 {
        let one = SetGroupAttributes {
            group_id: gid("attrs"),
            group_attributes: attrs(&[(&format!("big{i}"), &"v".repeat(4 * 1024))]),
        };
        alice.call(&one).await.expect("within 16 KB");
    }
    let over = SetGroupAttributes {
        group_id: gid("attrs"),
        group_attributes: attrs(&[("big3", &"v".repeat(4 * 1024))]),
    };
    assert_eq!(refused(alice.call(&over).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    // checklist 795: keyList [] deletes everything.
    let clear = DeleteGroupAttributes { group_id: gid("attrs"), key_list: vec![] };
    let cleared = alice.call(&clear).await.expect("clear");
    assert_eq!(cleared.key_list, ["big0", "big1", "big2", "only"]);
    assert!(bob.call(&get_all).await.expect("get").group_attributes.is_empty());

    // dave, offline all along, catches up by his timeline cursor.
    let mut dave = RawClient::login(&server, "dave").await;
    let sets: Vec<BTreeMap<String, String>> = timeline_after(&mut dave, "attrs", 0)
        .await
        .into_iter()
        .filter_map(|e| match e {
            InboxEvent::GroupAttributesUpdated { group_id, group_attributes } => {
                assert_eq!(group_id, gid("attrs"));
                Some(group_attributes)
            }
            _ => None,
        })
        .collect();
    assert_eq!(sets.first(), Some(&attrs(&[("k1", "v1"), ("k2", "v2")])));
    assert_eq!(sets.last(), Some(&BTreeMap::new()));
    assert_eq!(sets.len(), 8, "init, set, delete, re-init, three sets, clear");
}

#[tokio::test]
async fn an_avchatrooms_attributes_and_counters_need_joining_and_are_pushed_only() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let room = CreateGroup {
        name: "live".into(),
        group_type: GroupType::AvChatRoom,
        group_id: Some(gid("live")),
        ..Default::default()
    };
    alice.call(&room).await.expect("room");
    let init =
        InitGroupAttributes { group_id: gid("live"), group_attributes: attrs(&[("a", "1")]) };
    // checklist 776, 1216: even the owner joins first.
    assert_eq!(refused(alice.call(&init).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let join = JoinGroup { group_id: gid("live"), apply_message: String::new() };
    alice.call(&join).await.expect("alice joins");
    bob.call(&join).await.expect("bob joins");
    alice.call(&init).await.expect("init");
    // checklist 784: the joiners are told, pushed with seq 0 (no timeline).
    for joiner in [&mut alice, &mut bob] {
        let (seq, set) = wait_attributes(joiner).await;
        assert_eq!((seq, set), (0, attrs(&[("a", "1")])));
    }
    let get_all = GetGroupAttributes { group_id: gid("live"), key_list: vec![] };
    assert_eq!(bob.call(&get_all).await.expect("get").group_attributes, attrs(&[("a", "1")]));
    assert_eq!(refused(carol.call(&get_all).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // checklist 808: counters work in an AVChatRoom too.
    let inc = IncreaseGroupCounter { group_id: gid("live"), key: "likes".into(), value: 3 };
    let after = bob.call(&inc).await.expect("increase");
    assert_eq!((after.group_id, after.key.as_str(), after.value), (gid("live"), "likes", 3));
    assert_eq!(wait_counter(&mut alice).await, (0, "likes".to_owned(), 3));
    assert_eq!(refused(carol.call(&inc).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
}

#[tokio::test]
async fn group_counters_are_set_increased_and_decreased_for_every_member() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let group = CreateGroup {
        name: "count".into(),
        group_type: GroupType::Work,
        group_id: Some(gid("count")),
        member_list: vec![NewGroupMember {
            user_id: UserId::new("bob"),
            role: None,
            member_custom_field: vec![],
        }],
        ..Default::default()
    };
    alice.call(&group).await.expect("create");

    // checklist 807, 809-811: set adds or overwrites; caller and members told.
    let set = SetGroupCounters {
        group_id: gid("count"),
        counters: BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]),
    };
    assert_eq!(bob.call(&set).await.expect("set").counters, set.counters);
    for member in [&mut alice, &mut bob] {
        let (seq_a, key_a, value_a) = wait_counter(member).await;
        let (seq_b, key_b, value_b) = wait_counter(member).await;
        assert!(seq_a > 0 && seq_b == seq_a + 1, "one timeline entry per counter");
        assert_eq!((key_a.as_str(), value_a, key_b.as_str(), value_b), ("a", 1, "b", 2));
    }
    // checklist 814-816: increase answers {groupID, key, value} with the new value.
    let inc = IncreaseGroupCounter { group_id: gid("count"), key: "a".into(), value: 5 };
    let increased = alice.call(&inc).await.expect("increase");
    assert_eq!(
        (increased.group_id, increased.key.as_str(), increased.value),
        (gid("count"), "a", 6)
    );
    for member in [&mut alice, &mut bob] {
        let (_, key, value) = wait_counter(member).await;
        assert_eq!((key.as_str(), value), ("a", 6));
    }
    // checklist 820-822: decrease, below zero too; a missing counter starts at 0.
    let dec = DecreaseGroupCounter { group_id: gid("count"), key: "c".into(), value: 4 };
    assert_eq!(bob.call(&dec).await.expect("decrease").value, -4);
    let (_, key, value) = wait_counter(&mut alice).await;
    assert_eq!((key.as_str(), value), ("c", -4));
    // checklist 826-827: all, or the keys asked for.
    let all = GetGroupCounters { group_id: gid("count"), key_list: vec![] };
    let got = bob.call(&all).await.expect("get").counters;
    assert_eq!(
        got,
        BTreeMap::from([("a".to_owned(), 6), ("b".to_owned(), 2), ("c".to_owned(), -4)])
    );
    let some = GetGroupCounters { group_id: gid("count"), key_list: vec!["b".into()] };
    assert_eq!(
        alice.call(&some).await.expect("get").counters,
        BTreeMap::from([("b".to_owned(), 2)])
    );
    // Members only; a key is required; no overflow.
    assert_eq!(refused(carol.call(&all).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    assert_eq!(refused(carol.call(&inc).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let no_key = IncreaseGroupCounter { group_id: gid("count"), key: String::new(), value: 1 };
    assert_eq!(refused(alice.call(&no_key).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let huge = IncreaseGroupCounter { group_id: gid("count"), key: "a".into(), value: i64::MAX };
    assert_eq!(refused(alice.call(&huge).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let unknown = GetGroupCounters { group_id: gid("nope"), key_list: vec![] };
    assert_eq!(refused(alice.call(&unknown).await), code::ERR_SVR_GROUP_NOT_FOUND);
}

fn field(key: &str, value: &str) -> CustomField {
    CustomField { key: key.into(), value: value.into() }
}

#[tokio::test]
async fn member_custom_fields_are_set_by_the_member_or_whoever_manages_them() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    RawClient::login(&server, "dave").await;
    let mut group = approval_group("fields");
    group.join_option = None;
    for user in ["carol", "dave"] {
        group.member_list.push(NewGroupMember {
            user_id: UserId::new(user),
            role: None,
            member_custom_field: vec![],
        });
    }
    alice.call(&group).await.expect("create");
    let set = |user: Option<&str>, fields: Vec<CustomField>| SetGroupMemberCustomField {
        group_id: gid("fields"),
        user_id: user.map(UserId::new),
        member_custom_field: fields,
    };

    // checklist 905-906, 908: no userID sets the caller's own fields.
    let own = carol.call(&set(None, vec![field("k", "v")])).await.expect("own");
    assert_eq!(own.member.user_id, UserId::new("carol"));
    assert_eq!(own.member.member_custom_field, [field("k", "v")]);
    assert_eq!(own.group.group_id, gid("fields"));
    // checklist 907: an ordinary member sets only their own.
    let others = set(Some("dave"), vec![field("k", "x")]);
    assert_eq!(refused(carol.call(&others).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // An admin sets an ordinary member's (overwriting by key, adding new keys)…
    let by_admin = set(Some("carol"), vec![field("k", "w"), field("k2", "v2")]);
    let changed = bob.call(&by_admin).await.expect("admin sets carol's");
    assert_eq!(changed.member.member_custom_field, [field("k", "w"), field("k2", "v2")]);
    // …but not the owner's; the owner sets anyone's.
    let owners = set(Some("alice"), vec![field("k", "x")]);
    assert_eq!(refused(bob.call(&owners).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    alice.call(&set(Some("bob"), vec![field("k", "b")])).await.expect("owner sets bob's");
    // Every member reads the fields.
    let profile = GetGroupMemberProfile {
        group_id: gid("fields"),
        user_id_list: vec![UserId::new("carol"), UserId::new("bob")],
        member_custom_field_filter: vec![],
    };
    let read = alice.call(&profile).await.expect("profiles");
    let fields: Vec<_> = read.member_list.iter().map(|m| m.member_custom_field.clone()).collect();
    assert_eq!(fields, [vec![field("k", "w"), field("k2", "v2")], vec![field("k", "b")]]);
    // No field, a non-member target, an AVChatRoom.
    assert_eq!(
        refused(carol.call(&set(None, vec![])).await),
        code::ERR_SVR_GROUP_INVALID_PARAMETERS
    );
    let stranger = set(Some("erin"), vec![field("k", "v")]);
    assert_eq!(refused(alice.call(&stranger).await), code::MEMBER_NOT_IN_GROUP);
    let room = CreateGroup {
        name: "live".into(),
        group_type: GroupType::AvChatRoom,
        group_id: Some(gid("live")),
        ..Default::default()
    };
    alice.call(&room).await.expect("room");
    alice
        .call(&JoinGroup { group_id: gid("live"), apply_message: String::new() })
        .await
        .expect("join");
    let in_room = SetGroupMemberCustomField {
        group_id: gid("live"),
        user_id: None,
        member_custom_field: vec![field("k", "v")],
    };
    assert_eq!(refused(alice.call(&in_room).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
}

#[tokio::test]
async fn the_owner_marks_an_avchatrooms_joiners_and_the_member_list_filters_by_mark() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let room = CreateGroup {
        name: "live".into(),
        group_type: GroupType::AvChatRoom,
        group_id: Some(gid("live")),
        ..Default::default()
    };
    alice.call(&room).await.expect("room");
    let join = JoinGroup { group_id: gid("live"), apply_message: String::new() };
    for joiner in [&mut alice, &mut bob, &mut carol] {
        joiner.call(&join).await.expect("join");
    }
    let mark = |users: &[&str], mark_type: u64, enable_mark: bool| MarkGroupMemberList {
        group_id: gid("live"),
        user_id_list: users.iter().map(|u| UserId::new(*u)).collect(),
        mark_type,
        enable_mark,
    };
    let list = |filter: Option<u64>| GetGroupMemberList {
        group_id: gid("live"),
        count: 0,
        offset: MemberListOffset::Number(0),
        filter,
    };
    let ids = |members: &[g::GroupMember]| -> Vec<String> {
        let mut ids: Vec<String> = members.iter().map(|m| m.user_id.0.clone()).collect();
        ids.sort();
        ids
    };

    // checklist 913-916: the joiners succeed, others fail.
    let marked = alice.call(&mark(&["bob", "carol", "dave"], 1000, true)).await.expect("mark");
    assert_eq!(marked.success_user_id_list, [UserId::new("bob"), UserId::new("carol")]);
    assert_eq!(marked.failure_user_id_list, [UserId::new("dave")]);
    // checklist 842, 917: the member list filters by mark.
    let with_mark = bob.call(&list(Some(1000))).await.expect("filtered");
    assert_eq!(ids(&with_mark.member_list), ["bob", "carol"]);
    assert_eq!(
        ids(&bob.call(&list(None)).await.expect("all").member_list),
        ["alice", "bob", "carol"]
    );
    // checklist 915: false removes the mark.
    alice.call(&mark(&["carol"], 1000, false)).await.expect("unmark");
    assert_eq!(ids(&carol.call(&list(Some(1000))).await.expect("filtered").member_list), ["bob"]);
    // A joiner who leaves loses their marks.
    bob.call(&g::QuitGroup { group_id: gid("live") }).await.expect("bob leaves");
    assert!(carol.call(&list(Some(1000))).await.expect("filtered").member_list.is_empty());
    // checklist 912: only the owner marks.
    assert_eq!(
        refused(carol.call(&mark(&["alice"], 1001, true)).await),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
    // checklist 913-914: limits.
    assert_eq!(
        refused(alice.call(&mark(&["carol"], 999, true)).await),
        code::ERR_SVR_GROUP_INVALID_PARAMETERS
    );
    let too_many: Vec<String> = (0..501).map(|i| format!("u{i}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    assert_eq!(
        refused(alice.call(&mark(&too_many, 1000, true)).await),
        code::ERR_SVR_GROUP_INVALID_PARAMETERS
    );
    for m in 2000..2010 {
        alice.call(&mark(&["carol"], m, true)).await.expect("ten marks");
    }
    assert_eq!(
        refused(alice.call(&mark(&["carol"], 2010, true)).await),
        code::ERR_SVR_GROUP_INVALID_PARAMETERS
    );
    alice.call(&mark(&["alice"], 2009, true)).await.expect("an existing mark is no new one");
    // checklist 911, 1215: AVChatRoom only.
    let public = CreateGroup {
        name: "pub".into(),
        group_type: GroupType::Public,
        group_id: Some(gid("pub")),
        ..Default::default()
    };
    alice.call(&public).await.expect("public");
    let in_public = MarkGroupMemberList { group_id: gid("pub"), ..mark(&["alice"], 1000, true) };
    assert_eq!(refused(alice.call(&in_public).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
}
