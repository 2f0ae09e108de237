//! Friends, friend requests and friend groups through the SDK against a
//! real server: alice asks bob, bob accepts, carol allows anyone and then
//! no one; every instance of alice (online, offline then back, a fresh
//! store) follows each change; a blacklist ends a friendship; a server
//! that requires friendship refuses strangers' messages.

use confab_proto::code;
use confab_proto::relation::{AddFriend, AddType, ApplicationType, Relation, ADD_FRIEND_PENDING};
use confab_sdk::{
    CheckType, CustomField, DeleteType, Event, Friend, FriendApplicationList, FriendGroup,
    ProfilePatch, ResponseAction, SendMessageOptions, UpdateFriend,
};
use confab_tests::{code_of, within, TestClient, TestServer};

/// Waits until the latest event `pick` finds at `client` satisfies `check`.
async fn wait_latest<T>(
    client: &TestClient,
    what: &str,
    pick: fn(&Event) -> Option<&T>,
    check: impl Fn(&T) -> bool,
) {
    client
        .events
        .wait_for(&format!("{what} at {}", client.user_id), |events| {
            let latest = events.iter().rev().find_map(pick)?;
            check(latest).then_some(())
        })
        .await;
}

/// The latest FRIEND_LIST_UPDATED at `client` once `check` accepts it.
async fn wait_friends(client: &TestClient, what: &str, check: impl Fn(&[Friend]) -> bool) {
    fn pick(e: &Event) -> Option<&Vec<Friend>> {
        match e {
            Event::FriendListUpdated(list) => Some(list),
            _ => None,
        }
    }
    wait_latest(client, what, pick, |list: &Vec<Friend>| check(list)).await;
}

/// The userIDs of a friend list.
fn ids(list: &[Friend]) -> Vec<&str> {
    list.iter().map(|f| f.user_id.as_str()).collect()
}

/// The latest FRIEND_APPLICATION_LIST_UPDATED once `check` accepts it.
async fn wait_applications(
    client: &TestClient,
    what: &str,
    check: impl Fn(&FriendApplicationList) -> bool,
) {
    fn pick(e: &Event) -> Option<&FriendApplicationList> {
        match e {
            Event::FriendApplicationListUpdated(list) => Some(list),
            _ => None,
        }
    }
    wait_latest(client, what, pick, check).await;
}

/// The latest FRIEND_GROUP_LIST_UPDATED once `check` accepts it.
async fn wait_groups(client: &TestClient, what: &str, check: impl Fn(&[FriendGroup]) -> bool) {
    fn pick(e: &Event) -> Option<&Vec<FriendGroup>> {
        match e {
            Event::FriendGroupListUpdated(list) => Some(list),
            _ => None,
        }
    }
    wait_latest(client, what, pick, |list: &Vec<FriendGroup>| check(list)).await;
}

fn ask(to: &str) -> AddFriend {
    AddFriend {
        to: to.into(),
        source: "AddSource_Type_Desktop".into(),
        wording: format!("hi {to}, it's me"),
        remark: format!("my {to}"),
        group_name: "Work".into(),
        ..AddFriend::default()
    }
}

async fn allow(client: &TestClient, allow_type: &str) {
    let patch = ProfilePatch { allow_type: Some(allow_type.into()), ..ProfilePatch::default() };
    client.tim.update_my_profile(patch).await.expect("allowType");
}

// checklist 551-561 (addFriend), 593-617 (requests), 547-549, 563-591,
// 619-649 (friend groups), 1074-1084 (the three events), 498 (friends'
// profiles), 507 and 509 (the blacklist ends a friendship).
#[tokio::test]
async fn friends_are_asked_accepted_grouped_and_followed_by_every_instance() {
    let server = TestServer::start_with(|c| {
        c.max_instances_per_user = 3;
        c.friend_custom_fields = vec!["Tag_SNS_Custom_Note".into()];
    })
    .await;
    let alice = TestClient::login(&server, "alice").await;
    let alice2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let dave = TestClient::login(&server, "dave").await;

    // Every profile starts NeedConfirm: 30539 and a request both see.
    let answer = alice.tim.add_friend(ask("bob")).await.expect("ask bob");
    assert_eq!((answer.user_id.as_str(), answer.code), ("bob", ADD_FRIEND_PENDING));
    wait_applications(&bob, "alice's request", |l| {
        l.unread_count == 1
            && l.friend_application_list.len() == 1
            && l.friend_application_list[0].user_id.as_str() == "alice"
            && l.friend_application_list[0].application_type == ApplicationType::ComeIn
            && l.friend_application_list[0].wording == "hi bob, it's me"
    })
    .await;
    for a in [&alice, &alice2] {
        wait_applications(a, "the request sent", |l| {
            l.unread_count == 0
                && l.friend_application_list.len() == 1
                && l.friend_application_list[0].application_type == ApplicationType::SendOut
        })
        .await;
    }
    // checklist 616: read requests are not unread.
    bob.tim.set_friend_application_read().await.expect("read");
    assert_eq!(bob.tim.get_friend_application_list().await.expect("list").unread_count, 0);
    // checklist 605: no request from carol.
    let refused =
        bob.tim.accept_friend_application("carol".into(), ResponseAction::Agree, "".into());
    assert_eq!(code_of(refused.await), code::FRIEND_APPLICATION_NOT_EXIST);

    // checklist 602: agree and add: both lists, alice's remark and group.
    bob.tim
        .accept_friend_application("alice".into(), ResponseAction::AgreeAndAdd, "Al".into())
        .await
        .expect("accept");
    for a in [&alice, &alice2] {
        wait_friends(a, "bob as a friend", |l| {
            l.len() == 1 && l[0].remark == "my bob" && l[0].group_list == ["Work"]
        })
        .await;
        wait_applications(a, "no request left", |l| l.friend_application_list.is_empty()).await;
        wait_groups(a, "the Work group", |g| {
            g.len() == 1 && g[0].name == "Work" && g[0].user_id_list == ["bob".into()]
        })
        .await;
    }
    let bobs = bob.tim.get_friend_list().await.expect("bob's friends");
    assert_eq!((ids(&bobs), bobs[0].remark.as_str()), (vec!["alice"], "Al"));
    assert!(bob
        .tim
        .get_friend_application_list()
        .await
        .expect("list")
        .friend_application_list
        .is_empty());
    // checklist 561: already a friend.
    assert_eq!(code_of(alice.tim.add_friend(ask("bob")).await), code::ALREADY_MY_FRIEND);

    // carol allows anyone: added at once (code 0), one-way leaves hers alone.
    allow(&carol, "AllowType_Type_AllowAny").await;
    let one_way =
        AddFriend { add_type: AddType::Single, group_name: String::new(), ..ask("carol") };
    assert_eq!(alice.tim.add_friend(one_way).await.expect("add carol").code, 0);
    wait_friends(&alice2, "carol too", |l| ids(l) == ["bob", "carol"]).await;
    assert!(carol.tim.get_friend_list().await.expect("carol's").is_empty());
    // checklist 569-578: the four relations, and a failure for a stranger.
    let checked = alice
        .tim
        .check_friend(
            vec!["bob".into(), "carol".into(), "dave".into(), "nobody".into()],
            CheckType::Both,
        )
        .await
        .expect("check");
    let relations: Vec<_> =
        checked.success_user_id_list.iter().map(|r| (r.user_id.as_str(), r.relation)).collect();
    assert_eq!(
        relations,
        [("bob", Relation::BothWay), ("carol", Relation::AWithB), ("dave", Relation::NoRelation)]
    );
    assert_eq!(checked.failure_user_id_list[0].code, code::USER_OR_GROUP_NOT_FOUND);
    let from_carol =
        carol.tim.check_friend(vec!["alice".into()], CheckType::Both).await.expect("check");
    assert_eq!(from_carol.success_user_id_list[0].relation, Relation::BWithA);
    let single =
        carol.tim.check_friend(vec!["alice".into()], CheckType::Single).await.expect("check");
    assert_eq!(single.success_user_id_list[0].relation, Relation::NoRelation);
    // DenyAny refuses (30516).
    allow(&carol, "AllowType_Type_DenyAny").await;
    assert_eq!(
        code_of(bob.tim.add_friend(ask("carol")).await),
        code::ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY
    );

    // checklist 498: a friend's new nick reaches alice's list.
    let patch = ProfilePatch { nick: Some("Bobby".into()), ..ProfilePatch::default() };
    bob.tim.update_my_profile(patch).await.expect("nick");
    wait_friends(&alice2, "bob's new nick", |l| l[0].profile.nick == "Bobby").await;

    // checklist 585-591: remark and custom fields; unknown keys refused.
    let note = CustomField { key: "Tag_SNS_Custom_Note".into(), value: "met at work".into() };
    let updated = alice
        .tim
        .update_friend(UpdateFriend {
            user_id: "bob".into(),
            remark: Some("B".into()),
            friend_custom_field: vec![note.clone()],
        })
        .await
        .expect("update");
    assert_eq!((updated.remark.as_str(), updated.friend_custom_field.clone()), ("B", vec![note]));
    wait_friends(&alice2, "the new remark", |l| l[0].remark == "B").await;
    let unknown = UpdateFriend {
        user_id: "bob".into(),
        remark: None,
        friend_custom_field: vec![CustomField { key: "Tag_SNS_Custom_X".into(), value: 1.into() }],
    };
    assert_eq!(
        code_of(alice.tim.update_friend(unknown).await),
        code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS
    );
    let stranger =
        UpdateFriend { user_id: "dave".into(), remark: Some("d".into()), ..Default::default() };
    assert_eq!(code_of(alice.tim.update_friend(stranger).await), code::NOT_MY_FRIEND);

    // checklist 623-649: friend groups.
    let made = alice
        .tim
        .create_friend_group("Close".into(), vec!["carol".into(), "dave".into()])
        .await
        .expect("create");
    assert_eq!(made.friend_group.user_id_list, ["carol".into()]);
    assert_eq!(made.failure_user_id_list[0].code, code::NOT_MY_FRIEND);
    let taken = alice.tim.create_friend_group("Close".into(), vec![]).await;
    assert_eq!(code_of(taken), code::FRIEND_GROUP_EXISTED);
    let added =
        alice.tim.add_to_friend_group("Close".into(), vec!["bob".into()]).await.expect("add");
    assert_eq!(added.friend_group.count, 2);
    let renamed =
        alice.tim.rename_friend_group("Close".into(), "Inner".into()).await.expect("rename");
    assert_eq!(renamed.name, "Inner");
    assert_eq!(
        code_of(alice.tim.delete_friend_group("Close".into()).await),
        code::FRIEND_GROUP_NOT_EXIST
    );
    wait_groups(&alice2, "Work and Inner", |g| {
        g.iter().map(|g| g.name.as_str()).collect::<Vec<_>>() == ["Work", "Inner"]
            && g[1].user_id_list == ["carol".into(), "bob".into()]
    })
    .await;
    wait_friends(&alice2, "bob in two groups", |l| l[0].group_list == ["Work", "Inner"]).await;
    alice.tim.remove_from_friend_group("Inner".into(), vec!["carol".into()]).await.expect("remove");

    // An instance that was offline catches up through its inbox.
    alice2.transport.set_offline(true);
    let gone =
        alice.tim.delete_friend(vec!["carol".into(), "dave".into()], DeleteType::Single).await;
    let gone = gone.expect("delete carol");
    assert_eq!(gone.success_user_id_list.len(), 1);
    assert_eq!(gone.failure_user_id_list[0].code, code::NOT_MY_FRIEND);
    alice.tim.delete_friend_group("Work".into()).await.expect("delete Work");
    alice2.transport.set_offline(false);
    wait_friends(&alice2, "carol gone", |l| ids(l) == ["bob"] && l[0].group_list == ["Inner"])
        .await;
    wait_groups(&alice2, "Inner only", |g| g.len() == 1 && g[0].user_id_list == ["bob".into()])
        .await;

    // A fresh store reads the lists once.
    let alice3 = TestClient::login(&server, "alice").await;
    wait_friends(&alice3, "bob", |l| ids(l) == ["bob"] && l[0].remark == "B").await;
    assert_eq!(alice3.tim.get_friend_group_list().await.expect("groups")[0].name, "Inner");

    // Refused and withdrawn requests leave both lists.
    dave.tim.add_friend(ask("alice")).await.expect("dave asks");
    wait_applications(&alice3, "dave's request", |l| l.unread_count == 1).await;
    alice.tim.refuse_friend_application("dave".into()).await.expect("refuse");
    wait_applications(&dave, "refused", |l| l.friend_application_list.is_empty()).await;
    wait_applications(&alice3, "refused", |l| l.friend_application_list.is_empty()).await;
    dave.tim.add_friend(ask("alice")).await.expect("dave asks again");
    wait_applications(&alice2, "dave's second request", |l| l.unread_count == 1).await;
    dave.tim
        .delete_friend_application("alice".into(), ApplicationType::SendOut)
        .await
        .expect("withdraw");
    wait_applications(&alice2, "withdrawn", |l| l.friend_application_list.is_empty()).await;

    // checklist 507, 509: a blacklist ends the friendship both ways and
    // blocks requests either way.
    bob.tim.add_to_blacklist(vec!["alice".into()]).await.expect("block");
    for a in [&alice, &alice2, &alice3] {
        wait_friends(a, "bob gone", |l| l.is_empty()).await;
    }
    assert!(bob.tim.get_friend_list().await.expect("bob's").is_empty());
    assert_eq!(
        code_of(alice.tim.add_friend(ask("bob")).await),
        code::ERR_SVR_MSG_IN_PEER_BLACKLIST
    );
    assert_eq!(
        code_of(bob.tim.add_friend(ask("alice")).await),
        code::ERR_SVR_MSG_IN_PEER_BLACKLIST
    );

    // Bad input: the seed's limits, each with its code.
    assert_eq!(code_of(alice.tim.add_friend(ask("alice")).await), code::CANNOT_ADD_SELF_AS_FRIEND);
    let bad_source = AddFriend { source: "Desktop".into(), ..ask("dave") };
    assert_eq!(
        code_of(alice.tim.add_friend(bad_source).await),
        code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS
    );
    let many: Vec<String> = (0..101).map(|n| format!("u{n}")).collect();
    let err = alice.tim.delete_friend(many, DeleteType::Both).await;
    assert_eq!(code_of(err), code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS);
    assert_eq!(code_of(alice.tim.add_friend(ask("nobody")).await), code::USER_OR_GROUP_NOT_FOUND);

    // updateFriend's answer and its inbox echo were announced once at alice:
    // her FRIEND_LIST_UPDATED lists never repeat back to back.
    let lists: Vec<Vec<Friend>> = alice
        .events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::FriendListUpdated(list) => Some(list),
            _ => None,
        })
        .collect();
    assert!(lists.windows(2).all(|w| w[0] != w[1]), "a change announced twice: {lists:#?}");
}

// The relation-chain check for C2C (off by default, as in TIM): with it on,
// strangers and one-way friends are refused with 20009/20010/20011.
#[tokio::test]
async fn a_server_that_requires_friendship_refuses_strangers_messages() {
    let server = TestServer::start_with(|c| c.c2c_requires_friendship = true).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let send = |from: &TestClient, to: &str| {
        let message = from.text(to, "hello");
        let tim = from.tim.clone();
        async move {
            code_of(within("send", tim.send_message(&message, SendMessageOptions::default())).await)
        }
    };
    assert_eq!(send(&alice, "bob").await, code::ERR_SVR_MSG_BOTH_NOT_FRIEND);
    allow(&bob, "AllowType_Type_AllowAny").await;
    let one_way = AddFriend { add_type: AddType::Single, group_name: String::new(), ..ask("bob") };
    alice.tim.add_friend(one_way).await.expect("one way");
    // alice has bob, bob lacks alice.
    assert_eq!(send(&alice, "bob").await, code::ERR_SVR_MSG_NOT_PEER_FRIEND);
    assert_eq!(send(&bob, "alice").await, code::ERR_SVR_MSG_NOT_SELF_FRIEND);
    allow(&alice, "AllowType_Type_AllowAny").await;
    bob.tim
        .add_friend(AddFriend {
            add_type: AddType::Single,
            group_name: String::new(),
            ..ask("alice")
        })
        .await
        .expect("back");
    assert_eq!(send(&alice, "bob").await, 0);
    assert_eq!(send(&bob, "alice").await, 0);
}
