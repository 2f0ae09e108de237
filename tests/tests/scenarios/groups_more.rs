//! Groups end to end at the wire, the methods beyond slice 1: join
//! requests (`getGroupApplicationList`, `handleGroupApplication`) and
//! `getGroupOnlineMemberCount`, acted out by alice, bob, carol and dave
//! against a real server with every client's view asserted.

use confab_proto::constants::types;
use confab_proto::frame::Push;
use confab_proto::group::{
    self as g, notice, CreateGroup, GetGroupApplicationList, GetGroupList,
    GetGroupOnlineMemberCount, GroupApplication, GroupType, HandleAction, HandleGroupApplication,
    JoinGroup, JoinOption, JoinStatus, MemberRole, NewGroupMember, APPLICATION_JOIN,
};
use confab_proto::inbox::InboxEvent;
use confab_proto::message::MessageElement;
use confab_proto::{code, ErrorBody, GroupId, UserId};
use confab_tests::{RawClient, TestServer};

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
