//! Groups end to end at the wire: every kind's rules, allowed and refused
//! with TIM's codes, against a real server; group messages reaching online
//! members once (pushed from memory) and offline members through `sync`;
//! unread counts from the timeline; a 500-member group in one call.

use confab_proto::frame::Push;
use confab_proto::group::{
    self as g, notice, AddGroupMember, ChangeGroupOwner, CreateGroup, DeleteGroupMember,
    DismissGroup, GetGroupList, GetGroupMemberList, GetGroupMemberProfile, GetGroupProfile,
    GroupType, InviteOption, JoinGroup, JoinOption, JoinStatus, MemberListOffset, MemberRole,
    QuitGroup, SearchGroupByID, SetGroupMemberMuteTime, SetGroupMemberNameCard, SetGroupMemberRole,
    UpdateGroupProfile,
};
use confab_proto::inbox::{InboxEvent, TimelineCursor};
use confab_proto::message::{ConversationType, MessageElement};
use confab_proto::ops::{
    GetConversationList, GetMessageList, SendMessage, SetMessageRead, Sync as SyncOp,
};
use confab_proto::{code, ConversationId, ErrorBody, GroupId, UserId};
use confab_tests::{RawClient, TestServer};

fn create(kind: GroupType, id: &str, with: &[&str]) -> CreateGroup {
    CreateGroup {
        name: "team".into(),
        group_type: kind,
        group_id: Some(GroupId::new(id)),
        member_list: confab_tests::group_members(with),
        ..Default::default()
    }
}

fn group_text(group: &str, random: u64, text: &str) -> SendMessage {
    let mut send = SendMessage::c2c_text(group, random, text);
    send.message.conversation_type = ConversationType::Group;
    send
}

fn refused<T: std::fmt::Debug>(result: Result<T, ErrorBody>) -> i32 {
    result.expect_err("refused").code
}

fn gid(id: &str) -> GroupId {
    GroupId::new(id)
}

/// Waits for a group push (`timeline`, or a merged `room` push) carrying
/// a message with this ID; its timeline sequence (0 off the timeline).
async fn wait_group_message(raw: &mut RawClient, id: &str) -> u64 {
    raw.wait_push(|push| {
        confab_tests::pushed_entries(push).into_iter().find_map(|entry| match &entry.event {
            InboxEvent::Message { message } if message.id.as_str() == id => Some(entry.seq),
            _ => None,
        })
    })
    .await
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

#[tokio::test]
async fn work_groups_are_joined_by_invitation_never_dismissed_and_left_ownerless() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;

    // checklist 680: no joinOption for a Work group.
    let mut with_option = create(GroupType::Work, "w1", &["bob"]);
    with_option.join_option = Some(JoinOption::FreeAccess);
    assert_eq!(refused(alice.call(&with_option).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);

    let created = alice.call(&create(GroupType::Work, "w1", &["bob"])).await.expect("create");
    assert_eq!(created.group.group_type, GroupType::Work);
    assert_eq!(created.group.member_count, 2);
    // checklist 678, 1196: 200 members by default.
    assert_eq!(created.group.max_member_count, 200);
    // checklist 683: a Work group's members may invite by default.
    assert_eq!(created.group.invite_option, InviteOption::FreeAccess);
    // checklist 694: the group enters bob's group list (GROUP_LIST_UPDATED).
    let joined = bob
        .wait_push(|p| match p {
            Push::Inbox(e) => match &e.event {
                InboxEvent::GroupJoined { group, after, .. } => Some((group.clone(), *after)),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(joined.0.group_id, gid("w1"));
    assert_eq!(joined.0.self_info.as_ref().map(|s| s.role), Some(MemberRole::Member));
    let list = bob.call(&GetGroupList::default()).await.expect("list");
    assert_eq!(list.group_list.len(), 1);

    // checklist 1190, 719: not joined by request (2601).
    let join = JoinGroup { group_id: gid("w1"), apply_message: String::new() };
    assert_eq!(refused(carol.call(&join).await), code::CANNOT_JOIN_WORK);
    // checklist 1191, 852: any member invites, and the invitee is added.
    let add = AddGroupMember { group_id: gid("w1"), user_id_list: vec![UserId::new("carol")] };
    let added = bob.call(&add).await.expect("bob invites carol");
    assert_eq!(added.success_user_id_list, [UserId::new("carol")]);
    assert_eq!(added.group.member_count, 3);
    let again = bob.call(&add).await.expect("again");
    assert_eq!(again.existed_user_id_list, [UserId::new("carol")]);
    let invited = wait_notice(&mut carol, notice::INVITED).await;
    assert_eq!(invited.operator_id, "bob");
    // checklist 1191: inviteOption DisableInvite blocks it with 10007.
    let disable = UpdateGroupProfile {
        group_id: gid("w1"),
        invite_option: Some(InviteOption::DisableInvite),
        ..Default::default()
    };
    // checklist 715: any Work member may edit the profile.
    carol.call(&disable).await.expect("a Work member edits the profile");
    let add_dave = AddGroupMember { group_id: gid("w1"), user_id_list: vec![UserId::new("dave")] };
    assert_eq!(refused(bob.call(&add_dave).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // checklist 1192: joinOption cannot be changed.
    let join_option = UpdateGroupProfile {
        group_id: gid("w1"),
        join_option: Some(JoinOption::FreeAccess),
        ..Default::default()
    };
    assert_eq!(refused(alice.call(&join_option).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    // checklist 1193, 740: not found by searching.
    let search = SearchGroupByID { group_id: gid("w1") };
    assert_eq!(refused(alice.call(&search).await), code::ERR_SVR_GROUP_NOT_FOUND);
    // checklist 1195, 874: members cannot be muted.
    let mute =
        SetGroupMemberMuteTime { group_id: gid("w1"), user_id: UserId::new("bob"), mute_time: 60 };
    assert_eq!(refused(alice.call(&mute).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // checklist 888: no roles in a Work group (2682).
    let role = SetGroupMemberRole {
        group_id: gid("w1"),
        user_id: UserId::new("bob"),
        role: MemberRole::Admin,
    };
    assert_eq!(
        refused(alice.call(&role).await),
        code::CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM
    );
    // checklist 1194, 700: even the owner cannot dismiss it (2622).
    let dismiss = DismissGroup { group_id: gid("w1") };
    assert_eq!(refused(alice.call(&dismiss).await), code::CANNOT_DISMISS_WORK);
    // checklist 1194, 734, 736: the owner may quit, leaving it ownerless.
    alice.call(&QuitGroup { group_id: gid("w1") }).await.expect("owner quits a Work group");
    let quit = wait_tip(&mut bob, confab_proto::constants::types::GRP_TIP_MBR_QUIT).await;
    assert_eq!(quit.user_id_list, ["alice"]);
    let profile = bob
        .call(&GetGroupProfile { group_id: gid("w1"), group_custom_field_filter: vec![] })
        .await
        .expect("profile");
    assert_eq!(profile.group.owner_id, "");
    assert_eq!(profile.group.member_count, 2);
    // The quitter is no member now: its sends are refused (10007).
    assert_eq!(
        refused(alice.call(&group_text("w1", 1, "still here?")).await),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
}

#[tokio::test]
async fn public_groups_follow_their_join_option_roles_and_mutes() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    let mut dave = RawClient::login(&server, "dave").await;

    let created = alice.call(&create(GroupType::Public, "p1", &["bob"])).await.expect("create");
    // checklist 1198-1200.
    assert_eq!(created.group.join_option, JoinOption::FreeAccess);
    assert_eq!(created.group.invite_option, InviteOption::DisableInvite);
    assert_eq!(created.group.max_member_count, 2000);
    // checklist 740: only Work groups are not found by searching.
    alice.call(&SearchGroupByID { group_id: gid("p1") }).await.expect("searchable");

    // checklist 724, 726: FreeAccess joins at once; again: AlreadyInGroup.
    let join = JoinGroup { group_id: gid("p1"), apply_message: "hi".into() };
    let joined = carol.call(&join).await.expect("join");
    assert_eq!(joined.status, JoinStatus::JoinedSuccess);
    assert_eq!(joined.group.as_ref().map(|g| g.member_count), Some(3));
    let tip = wait_tip(&mut bob, confab_proto::constants::types::GRP_TIP_MBR_JOIN).await;
    assert_eq!(tip.user_id_list, ["carol"]);
    assert_eq!(carol.call(&join).await.expect("again").status, JoinStatus::AlreadyInGroup);

    // checklist 715: a member may not change a Public group's profile.
    let need = UpdateGroupProfile {
        group_id: gid("p1"),
        join_option: Some(JoinOption::NeedPermission),
        ..Default::default()
    };
    assert_eq!(refused(bob.call(&need).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let updated = alice.call(&need).await.expect("owner updates");
    assert_eq!(updated.group.join_option, JoinOption::NeedPermission);
    assert_eq!(updated.group.info_sequence, 1);
    // checklist 714: members get GRP_TIP_GRP_PROFILE_UPDATED with the change.
    let tip = wait_tip(&mut bob, confab_proto::constants::types::GRP_TIP_GRP_PROFILE_UPDATED).await;
    assert_eq!(tip.new_group_profile["joinOption"], "NeedPermission");
    // checklist 727, 1186: NeedPermission waits; owners and admins are told.
    let waiting = dave.call(&join).await.expect("apply");
    assert_eq!(waiting.status, JoinStatus::WaitAdminApproval);
    let request = wait_notice(&mut alice, notice::JOIN_REQUEST).await;
    assert_eq!((request.operator_id.as_str(), request.handle_message.as_str()), ("dave", "hi"));
    // checklist 728: DisableApply refuses.
    let disable = UpdateGroupProfile {
        group_id: gid("p1"),
        join_option: Some(JoinOption::DisableApply),
        ..Default::default()
    };
    alice.call(&disable).await.expect("disable");
    assert_eq!(refused(dave.call(&join).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // checklist 706, 710, 1260: limits in bytes; maxMemberNum only by REST.
    let long = UpdateGroupProfile {
        group_id: gid("p1"),
        name: Some("群".repeat(11)),
        ..Default::default()
    };
    assert_eq!(refused(alice.call(&long).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let max =
        UpdateGroupProfile { group_id: gid("p1"), max_member_num: Some(10), ..Default::default() };
    assert_eq!(refused(alice.call(&max).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);

    // checklist 1199, 853: members may not invite by default (10007).
    let add = AddGroupMember { group_id: gid("p1"), user_id_list: vec![UserId::new("dave")] };
    assert_eq!(refused(bob.call(&add).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    // checklist 734: the owner of a Public group cannot quit (10009).
    assert_eq!(
        refused(alice.call(&QuitGroup { group_id: gid("p1") }).await),
        code::ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT
    );

    // checklist 882-892: roles, by the owner only.
    let make_admin = SetGroupMemberRole {
        group_id: gid("p1"),
        user_id: UserId::new("bob"),
        role: MemberRole::Admin,
    };
    assert_eq!(refused(carol.call(&make_admin).await), code::NOT_OWNER);
    let self_role = SetGroupMemberRole {
        group_id: gid("p1"),
        user_id: UserId::new("alice"),
        role: MemberRole::Admin,
    };
    assert_eq!(refused(alice.call(&self_role).await), code::CANNOT_SET_SELF_MEMBER_ROLE);
    let custom = SetGroupMemberRole {
        group_id: gid("p1"),
        user_id: UserId::new("bob"),
        role: MemberRole::Custom,
    };
    assert_eq!(refused(alice.call(&custom).await), code::INVALID_MEMBER_ROLE);
    let admin = alice.call(&make_admin).await.expect("bob becomes admin");
    assert_eq!(admin.member.role, MemberRole::Admin);
    let tip = wait_tip(&mut carol, confab_proto::constants::types::GRP_TIP_MBR_SET_ADMIN).await;
    assert_eq!(tip.user_id_list, ["bob"]);
    wait_notice(&mut bob, notice::SET_ADMIN).await;

    // checklist 870-879: mutes by role; a muted member's sends get 10017.
    let mute_carol = SetGroupMemberMuteTime {
        group_id: gid("p1"),
        user_id: UserId::new("carol"),
        mute_time: 600,
    };
    let mute_alice = SetGroupMemberMuteTime {
        group_id: gid("p1"),
        user_id: UserId::new("alice"),
        mute_time: 600,
    };
    let mute_self =
        SetGroupMemberMuteTime { group_id: gid("p1"), user_id: UserId::new("bob"), mute_time: 600 };
    assert_eq!(
        refused(
            carol
                .call(&SetGroupMemberMuteTime { user_id: UserId::new("bob"), ..mute_carol.clone() })
                .await
        ),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
    assert_eq!(refused(bob.call(&mute_alice).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    assert_eq!(refused(bob.call(&mute_self).await), code::CANNOT_MUTE_SELF);
    let muted = bob.call(&mute_carol).await.expect("an admin mutes a member");
    assert!(muted.member.mute_until > 0);
    let tip =
        wait_tip(&mut alice, confab_proto::constants::types::GRP_TIP_MBR_PROFILE_UPDATED).await;
    assert_eq!(tip.member_list[0].mute_time, Some(600));
    assert_eq!(
        refused(carol.call(&group_text("p1", 1, "hello")).await),
        code::ERR_SVR_GROUP_SHUTUP_DENY
    );
    bob.call(&SetGroupMemberMuteTime { mute_time: 0, ..mute_carol }).await.expect("unmute");
    carol.call(&group_text("p1", 2, "hello")).await.expect("unmuted carol sends");
    // muteAllMembers: everyone but the owner and admins.
    let all = UpdateGroupProfile {
        group_id: gid("p1"),
        mute_all_members: Some(true),
        ..Default::default()
    };
    alice.call(&all).await.expect("mute all");
    assert_eq!(
        refused(carol.call(&group_text("p1", 3, "x")).await),
        code::ERR_SVR_GROUP_SHUTUP_DENY
    );
    bob.call(&group_text("p1", 4, "admins still talk")).await.expect("admin sends");
    alice.call(&group_text("p1", 5, "so does the owner")).await.expect("owner sends");

    // checklist 896-900: name cards.
    let card =
        SetGroupMemberNameCard { group_id: gid("p1"), user_id: None, name_card: "Carol C".into() };
    assert_eq!(carol.call(&card).await.expect("own card").member.name_card, "Carol C");
    let bobs = SetGroupMemberNameCard { user_id: Some(UserId::new("bob")), ..card.clone() };
    assert_eq!(refused(carol.call(&bobs).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let profiles = alice
        .call(&GetGroupMemberProfile {
            group_id: gid("p1"),
            user_id_list: vec![UserId::new("carol"), UserId::new("nobody")],
            member_custom_field_filter: vec![],
        })
        .await
        .expect("member profile");
    assert_eq!(profiles.member_list.len(), 1);
    assert_eq!(profiles.member_list[0].name_card, "Carol C");

    // checklist 863, 866: removal by the owner; the removed member is told.
    let kick = DeleteGroupMember {
        group_id: gid("p1"),
        user_id_list: vec![UserId::new("carol")],
        reason: "bye".into(),
        duration: 0,
    };
    let kicked = alice.call(&kick).await.expect("kick");
    assert_eq!(kicked.user_id_list, [UserId::new("carol")]);
    let notice = wait_notice(&mut carol, notice::KICKED_OUT).await;
    assert_eq!(notice.handle_message, "bye");
    // checklist 751-753: transfer; 2621 to oneself, 2623 to a non-member.
    let to_self = ChangeGroupOwner { group_id: gid("p1"), new_owner_id: UserId::new("alice") };
    assert_eq!(refused(alice.call(&to_self).await), code::CANNOT_CHANGE_OWNER_TO_SELF);
    let to_carol = ChangeGroupOwner { group_id: gid("p1"), new_owner_id: UserId::new("carol") };
    assert_eq!(refused(alice.call(&to_carol).await), code::MEMBER_NOT_IN_GROUP);
    let to_bob = ChangeGroupOwner { group_id: gid("p1"), new_owner_id: UserId::new("bob") };
    assert_eq!(refused(carol.call(&to_bob).await), code::NOT_OWNER);
    assert_eq!(alice.call(&to_bob).await.expect("transfer").group.owner_id, "bob");
    // checklist 699, 702: only the owner dismisses; every member is told.
    let dismiss = DismissGroup { group_id: gid("p1") };
    assert_eq!(refused(alice.call(&dismiss).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    bob.call(&dismiss).await.expect("the new owner dismisses");
    let left = alice
        .wait_push(|p| match p {
            Push::Inbox(e) => match &e.event {
                InboxEvent::GroupLeft { group_id, reason } => Some((group_id.clone(), *reason)),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(left, (gid("p1"), g::LeftReason::Dismissed));
    wait_notice(&mut alice, notice::DISMISSED).await;
    let profile = GetGroupProfile { group_id: gid("p1"), group_custom_field_filter: vec![] };
    assert_eq!(refused(alice.call(&profile).await), code::ERR_SVR_GROUP_NOT_FOUND);
}

#[tokio::test]
async fn meeting_groups_are_free_to_join_and_communities_have_custom_roles() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;

    // checklist 1202: no joinOption for a Meeting; always free to join.
    let mut with_option = create(GroupType::Meeting, "m1", &[]);
    with_option.join_option = Some(JoinOption::DisableApply);
    assert_eq!(refused(alice.call(&with_option).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let meeting = alice.call(&create(GroupType::Meeting, "m1", &[])).await.expect("meeting");
    assert_eq!(meeting.group.max_member_count, 10_000);
    let join = JoinGroup { group_id: gid("m1"), apply_message: String::new() };
    assert_eq!(bob.call(&join).await.expect("join").status, JoinStatus::JoinedSuccess);

    // checklist 695: a Community's ID starts with @TGS#_.
    assert_eq!(
        refused(alice.call(&create(GroupType::Community, "c1", &[])).await),
        code::ERR_SVR_GROUP_INVALID_GROUPID
    );
    let mut community = create(GroupType::Community, "@TGS#_c1", &["bob"]);
    community.is_support_topic = true;
    let made = alice.call(&community).await.expect("community");
    assert!(made.group.is_support_topic);
    // checklist 885, 1222: Custom only in a Community.
    let custom = SetGroupMemberRole {
        group_id: gid("@TGS#_c1"),
        user_id: UserId::new("bob"),
        role: MemberRole::Custom,
    };
    assert_eq!(alice.call(&custom).await.expect("custom role").member.role, MemberRole::Custom);
    // checklist 833-834, 1221: a Community's member list offset is a string.
    let page = bob
        .call(&GetGroupMemberList {
            group_id: gid("@TGS#_c1"),
            count: 1,
            offset: MemberListOffset::Text("0".into()),
            filter: None,
        })
        .await
        .expect("page");
    assert_eq!(page.member_list.len(), 1);
    // A cursor: the last member's join time and userID (issue 16), so a
    // join elsewhere in the list does not shift the next page.
    let first = page.member_list[0].clone();
    assert_eq!(
        page.offset,
        MemberListOffset::Text(format!("{}.{}", first.join_time, first.user_id))
    );
    let rest = bob
        .call(&GetGroupMemberList {
            group_id: gid("@TGS#_c1"),
            count: 1,
            offset: page.offset,
            filter: None,
        })
        .await
        .expect("rest");
    assert_eq!(rest.member_list.len(), 1);
    assert_ne!(rest.member_list[0].user_id, first.user_id);
    assert_eq!(rest.offset, MemberListOffset::Text("0".into()), "all pulled");
    // A generated ID follows the kind's mark.
    let generated = alice
        .call(&CreateGroup {
            name: "auto".into(),
            group_type: GroupType::Community,
            ..Default::default()
        })
        .await
        .expect("generated ID");
    assert!(generated.group.group_id.as_str().starts_with("@TGS#_"));
}

#[tokio::test]
async fn avchatrooms_have_online_joiners_only_and_broadcast_without_storing() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;

    // checklist 688, 1209: created without members.
    assert_eq!(
        refused(alice.call(&create(GroupType::AvChatRoom, "live", &["bob"])).await),
        code::CANNOT_ADD_MEMBER_IN_AVCHATROOM
    );
    let room = alice.call(&create(GroupType::AvChatRoom, "live", &[])).await.expect("room");
    assert_eq!(room.group.max_member_count, 0, "checklist 1217: no member limit");
    // checklist 691, 1207: even the creator joins before sending.
    assert_eq!(
        refused(alice.call(&group_text("live", 1, "hi")).await),
        code::MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM
    );
    let join = JoinGroup { group_id: gid("live"), apply_message: String::new() };
    assert_eq!(alice.call(&join).await.expect("join").status, JoinStatus::JoinedSuccess);
    let joined = bob.call(&join).await.expect("bob joins");
    assert_eq!(joined.group.map(|g| g.member_count), Some(2));
    let sent = alice.call(&group_text("live", 2, "hello room")).await.expect("send");
    assert_eq!(sent.message.sequence, 0, "not stored");
    let seq = wait_group_message(&mut bob, sent.message.id.as_str()).await;
    assert_eq!(seq, 0);
    // checklist 1206: never in the group list.
    let list = bob.call(&GetGroupList::default()).await.expect("list");
    assert!(list.group_list.is_empty());
    // checklist 1209: nobody adds members, no transfer, no roles.
    let add = AddGroupMember { group_id: gid("live"), user_id_list: vec![UserId::new("carol")] };
    assert_eq!(refused(alice.call(&add).await), code::CANNOT_ADD_MEMBER_IN_AVCHATROOM);
    let transfer = ChangeGroupOwner { group_id: gid("live"), new_owner_id: UserId::new("bob") };
    assert_eq!(refused(alice.call(&transfer).await), code::CANNOT_CHANGE_OWNER_IN_AVCHATROOM);
    let role = SetGroupMemberRole {
        group_id: gid("live"),
        user_id: UserId::new("bob"),
        role: MemberRole::Admin,
    };
    assert_eq!(
        refused(alice.call(&role).await),
        code::CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM
    );
    // checklist 1208: one room at a time; joining another quits the first.
    alice.call(&create(GroupType::AvChatRoom, "live2", &[])).await.expect("second room");
    let join2 = JoinGroup { group_id: gid("live2"), apply_message: String::new() };
    bob.call(&join2).await.expect("bob moves");
    let sent = alice.call(&group_text("live", 3, "anyone?")).await.expect("send");
    carol.call(&join).await.expect("carol joins the first room");
    let again = alice.call(&group_text("live", 4, "carol is here")).await.expect("send");
    wait_group_message(&mut carol, again.message.id.as_str()).await;
    let members = alice
        .call(&GetGroupMemberList {
            group_id: gid("live"),
            count: 0,
            offset: MemberListOffset::Number(0),
            filter: None,
        })
        .await
        .expect("members");
    let ids: Vec<_> = members.member_list.iter().map(|m| m.user_id.as_str().to_owned()).collect();
    assert_eq!(ids, ["alice", "carol"], "bob left for live2; {sent:?}");
}

#[tokio::test]
async fn a_group_message_reaches_online_members_once_and_offline_members_through_sync() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    {
        // carol exists but is offline from here on.
        RawClient::login(&server, "carol").await;
    }
    let created =
        alice.call(&create(GroupType::Work, "w", &["bob", "carol"])).await.expect("create");
    assert_eq!(created.group.member_count, 3);

    let first = alice.call(&group_text("w", 1, "one")).await.expect("send").message;
    assert_eq!((first.sequence, first.conversation_type), (1, ConversationType::Group));
    let again = alice.call(&group_text("w", 1, "one")).await.expect("resend");
    assert!(again.duplicate, "a resend of one ID is the same message");
    let second = alice.call(&group_text("w", 2, "two")).await.expect("send").message;
    // bob gets each once, in order, from memory.
    let mut seen = Vec::new();
    while !seen.contains(&second.id.0) {
        let push = bob.next_push().await;
        if let Push::Timeline { entry, .. } = push {
            if let InboxEvent::Message { message } = entry.event {
                seen.push(message.id.0);
            }
        }
    }
    assert_eq!(seen, [first.id.0.clone(), second.id.0.clone()]);
    // The sending session is not pushed its own message.
    assert!(!alice.kept_pushes().iter().any(|p| matches!(p, Push::Timeline { .. })));

    // carol comes back: her inbox says she joined; her cursor brings both.
    let mut carol = RawClient::login(&server, "carol").await;
    let inbox = carol.call(&SyncOp { after: 0, limit: 0, groups: vec![] }).await.expect("sync");
    let after = inbox
        .entries
        .iter()
        .find_map(|e| match &e.event {
            InboxEvent::GroupJoined { group, after, .. } if group.group_id == gid("w") => {
                Some(*after)
            }
            _ => None,
        })
        .expect("groupJoined in carol's inbox");
    let cursor = TimelineCursor { group_id: "w".into(), after };
    let synced = carol
        .call(&SyncOp { after: inbox.head, limit: 0, groups: vec![cursor.clone()] })
        .await
        .expect("group sync");
    let page = &synced.groups[0];
    let texts: Vec<u64> = page
        .entries
        .iter()
        .filter_map(|e| match &e.event {
            InboxEvent::Message { message } => Some(message.sequence),
            _ => None,
        })
        .collect();
    assert_eq!(texts, [1, 2]);
    assert_eq!(page.head, page.entries.last().map_or(0, |e| e.seq));
    // Online now, she gets the next one live (her groups loaded at login).
    let third = alice.call(&group_text("w", 3, "three")).await.expect("send").message;
    wait_group_message(&mut carol, third.id.as_str()).await;

    // Unread counts come from the timeline and the read sequence
    // (checklist 1164-1170: setMessageRead sets unreadCount to 0).
    let list = carol.call(&GetConversationList {}).await.expect("list");
    let conversation = list
        .conversations
        .iter()
        .find(|c| c.conversation_id.as_str() == "GROUPw")
        .expect("the group conversation");
    assert_eq!(conversation.unread_count, 3);
    assert_eq!(conversation.last_message.as_ref().map(|m| m.sequence), Some(3));
    let read = carol
        .call(&SetMessageRead { conversation_id: ConversationId::from("GROUPw") })
        .await
        .expect("read");
    assert_eq!(read.read_sequence, 3);
    let list = carol.call(&GetConversationList {}).await.expect("list");
    let conversation = list.conversations.iter().find(|c| c.conversation_id.as_str() == "GROUPw");
    assert_eq!(conversation.map(|c| c.unread_count), Some(0));
    // History from the member's join point.
    let history = carol
        .call(&GetMessageList {
            conversation_id: "GROUPw".into(),
            before_sequence: None,
            count: 15,
        })
        .await
        .expect("history");
    assert_eq!(history.messages.len(), 3);
    // A non-member's cursor and history are refused; an unknown group is not found.
    let mut dave = RawClient::login(&server, "dave").await;
    let nosy = SyncOp { after: 0, limit: 0, groups: vec![cursor] };
    assert_eq!(refused(dave.call(&nosy).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let history =
        GetMessageList { conversation_id: "GROUPw".into(), before_sequence: None, count: 15 };
    assert_eq!(refused(dave.call(&history).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    assert_eq!(
        refused(dave.call(&group_text("w", 1, "let me in")).await),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
    assert_eq!(
        refused(dave.call(&group_text("nope", 1, "?")).await),
        code::ERR_SVR_GROUP_NOT_FOUND
    );
    // A member joining later sees only what came after.
    let add = AddGroupMember { group_id: gid("w"), user_id_list: vec![UserId::new("dave")] };
    bob.call(&add).await.expect("bob adds dave");
    let history = dave
        .call(&GetMessageList {
            conversation_id: "GROUPw".into(),
            before_sequence: None,
            count: 15,
        })
        .await
        .expect("dave's history");
    assert!(history.messages.iter().all(|m| matches!(m.element, MessageElement::GroupTip(_))));
}

#[tokio::test]
async fn a_five_hundred_member_group_is_created_in_one_call_and_paged() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let names: Vec<String> = (0..499).map(|n| format!("m{n:03}")).collect();
    for chunk in names.chunks(50) {
        let logins = chunk.iter().map(|name| RawClient::login(&server, name));
        // Each login makes the account; the connections close when dropped.
        futures_util::future::join_all(logins).await;
    }
    let ids: Vec<&str> = names.iter().map(String::as_str).collect();
    // checklist 684, 1253: at most 500 at creation.
    let mut too_many = create(GroupType::Public, "big", &ids);
    too_many.member_list.extend(confab_tests::group_members(&["x1", "x2"]));
    assert_eq!(refused(alice.call(&too_many).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    let created = alice.call(&create(GroupType::Public, "big", &ids)).await.expect("create");
    assert_eq!(created.group.member_count, 500);
    // checklist 832, 1242: count defaults to 15, more than 100 gives 100.
    let page = alice
        .call(&GetGroupMemberList {
            group_id: gid("big"),
            count: 0,
            offset: MemberListOffset::Number(0),
            filter: None,
        })
        .await
        .expect("page");
    assert_eq!(page.member_list.len(), 15);
    let page = alice
        .call(&GetGroupMemberList {
            group_id: gid("big"),
            count: 500,
            offset: MemberListOffset::Number(450),
            filter: None,
        })
        .await
        .expect("page");
    assert_eq!(page.member_list.len(), 50);
    assert_eq!(page.offset, MemberListOffset::Number(0), "checklist 834: all pulled");
    let page = alice
        .call(&GetGroupMemberList {
            group_id: gid("big"),
            count: 500,
            offset: MemberListOffset::Number(0),
            filter: None,
        })
        .await
        .expect("page");
    assert_eq!(page.member_list.len(), 100);
    assert_eq!(page.offset, MemberListOffset::Number(100));
    // checklist 846, 1241: getGroupMemberProfile looks at the first 50 users.
    let users: Vec<UserId> = names.iter().take(60).map(|n| UserId::new(n.as_str())).collect();
    let profiles = alice
        .call(&GetGroupMemberProfile {
            group_id: gid("big"),
            user_id_list: users,
            member_custom_field_filter: vec![],
        })
        .await
        .expect("profiles");
    assert_eq!(profiles.member_list.len(), 50);
    // checklist 861, 1255: at most 20 removed per call.
    let kick = DeleteGroupMember {
        group_id: gid("big"),
        user_id_list: names.iter().take(21).map(|n| UserId::new(n.as_str())).collect(),
        reason: String::new(),
        duration: 0,
    };
    assert_eq!(refused(alice.call(&kick).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    // One message costs one timeline write whatever the size.
    let sent = alice.call(&group_text("big", 1, "hello all")).await.expect("send");
    assert_eq!(sent.message.sequence, 1);
}

#[tokio::test]
async fn every_instance_of_a_member_follows_the_group_but_the_sending_one() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut alice_desktop =
        RawClient::login_instance(&server, "alice", "desk", confab_proto::ops::Platform::Desktop)
            .await;
    let mut bob = RawClient::login(&server, "bob").await;
    alice.call(&create(GroupType::Meeting, "m", &["bob"])).await.expect("create");
    // Both of alice's instances learn of the group from her inbox.
    for instance in [&mut alice, &mut alice_desktop] {
        instance
            .wait_push(|p| match p {
                Push::Inbox(e) => matches!(e.event, InboxEvent::GroupJoined { .. }).then_some(()),
                _ => None,
            })
            .await;
    }
    let sent = alice.call(&group_text("m", 1, "from the web")).await.expect("send").message;
    wait_group_message(&mut alice_desktop, sent.id.as_str()).await;
    wait_group_message(&mut bob, sent.id.as_str()).await;
    // A read mark on one instance reaches the other through the inbox.
    let read = SetMessageRead { conversation_id: ConversationId::from("GROUPm") };
    assert_eq!(bob.call(&read).await.expect("read").read_sequence, 1);
    alice_desktop.call(&read).await.expect("read");
    let mark = alice
        .wait_push(|p| match p {
            Push::Inbox(e) => match &e.event {
                InboxEvent::ConversationRead { conversation_id, read_sequence }
                    if conversation_id.as_str() == "GROUPm" =>
                {
                    Some(*read_sequence)
                }
                _ => None,
            },
            _ => None,
        })
        .await;
    assert_eq!(mark, 1);
    // Quitting on one instance stops the group's pushes to all of bob's.
    bob.call(&QuitGroup { group_id: gid("m") }).await.expect("quit");
    let later = alice.call(&group_text("m", 2, "bye bob")).await.expect("send").message;
    wait_group_message(&mut alice_desktop, later.id.as_str()).await;
    let echo = alice.call(&group_text("m", 3, "marker")).await.expect("send").message;
    wait_group_message(&mut alice_desktop, echo.id.as_str()).await;
    // Had bob's session been pushed either, the push would be queued before
    // the answer to a request it makes now.
    let list = bob.call(&GetGroupList::default()).await.expect("list");
    assert!(list.group_list.is_empty());
    let seen = bob.kept_pushes();
    assert!(!seen.iter().any(|p| matches!(p, Push::Timeline { entry, .. }
        if matches!(&entry.event, InboxEvent::Message { message }
            if message.id == later.id || message.id == echo.id))));
}

#[tokio::test]
async fn initial_admins_manage_members_and_invite_options_open_invitations() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    let mut bob = RawClient::login(&server, "bob").await;
    let mut carol = RawClient::login(&server, "carol").await;
    RawClient::login(&server, "dave").await;
    // checklist 686: an initial member's role may only be Admin.
    let mut request = create(GroupType::Public, "p", &["bob", "carol"]);
    request.member_list[0].role = Some(MemberRole::Admin);
    let mut owner_role = request.clone();
    owner_role.member_list[1].role = Some(MemberRole::Owner);
    assert_eq!(refused(alice.call(&owner_role).await), code::ERR_SVR_GROUP_INVALID_PARAMETERS);
    alice.call(&request).await.expect("create");
    let bob_member = bob
        .call(&GetGroupMemberProfile {
            group_id: gid("p"),
            user_id_list: vec![UserId::new("bob")],
            member_custom_field_filter: vec![],
        })
        .await
        .expect("profile");
    assert_eq!(bob_member.member_list[0].role, MemberRole::Admin);
    // An admin adds members whatever the invite option; a member may not
    // (checklist 853) until inviteOption FreeAccess (checklist 854).
    let add =
        |who: &str| AddGroupMember { group_id: gid("p"), user_id_list: vec![UserId::new(who)] };
    assert_eq!(refused(carol.call(&add("dave")).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    let open = UpdateGroupProfile {
        group_id: gid("p"),
        invite_option: Some(InviteOption::FreeAccess),
        ..Default::default()
    };
    bob.call(&open).await.expect("an admin opens invitations");
    let added = carol.call(&add("dave")).await.expect("a member invites");
    assert_eq!(added.success_user_id_list, [UserId::new("dave")]);
    // Unknown users fail; the admin removes an ordinary member, not the owner.
    let unknown = bob.call(&add("nobody")).await.expect("answer");
    assert_eq!(unknown.failure_user_id_list, [UserId::new("nobody")]);
    let kick = |who: &str| DeleteGroupMember {
        group_id: gid("p"),
        user_id_list: vec![UserId::new(who)],
        reason: String::new(),
        duration: 0,
    };
    assert_eq!(refused(bob.call(&kick("alice")).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    assert_eq!(refused(carol.call(&kick("dave")).await), code::ERR_SVR_GROUP_PERMISSION_DENY);
    bob.call(&kick("dave")).await.expect("an admin removes a member");
    // Cancelling the admin role gives GRP_TIP_MBR_CANCELED_ADMIN (checklist 892).
    let demote = SetGroupMemberRole {
        group_id: gid("p"),
        user_id: UserId::new("bob"),
        role: MemberRole::Member,
    };
    alice.call(&demote).await.expect("demote");
    let tip =
        wait_tip(&mut carol, confab_proto::constants::types::GRP_TIP_MBR_CANCELED_ADMIN).await;
    assert_eq!(tip.user_id_list, ["bob"]);
}
