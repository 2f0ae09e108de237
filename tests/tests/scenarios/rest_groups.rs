//! Groups over the REST API (`group_open_http_svc`), as an application
//! backend runs them: the administrator creates groups, sends, adds and
//! removes members, changes roles and mutes, notifies, imports and
//! dismisses, and every member's SDK instance sees what it would see had
//! the owner done it from a client.

use confab_proto::constants::types;
use confab_proto::group::JoinGroup;
use confab_proto::GroupId;
use confab_sdk::{Event, GetMessageListOptions, Message};
use confab_tests::rest::RestClient;
use confab_tests::{received_in, within, TestClient, TestServer};
use serde_json::{json, Value};

/// A `MsgBody` of one text element.
fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

/// The text of a message; empty for other kinds (tips, notices).
fn text_of(message: &Message) -> &str {
    message.payload["text"].as_str().unwrap_or_default()
}

/// Waits until `client` lists `group` (GROUP_LIST_UPDATED).
async fn wait_listed(client: &TestClient, group: &str) {
    client
        .events
        .wait_for(&format!("{group} listed at {}", client.user_id), |events| {
            events
                .iter()
                .any(|e| {
                    matches!(e, Event::GroupListUpdated(list)
                        if list.iter().any(|g| g.group_id.as_str() == group))
                })
                .then_some(())
        })
        .await;
}

/// Waits for a received message of `conversation` that `pick` accepts.
async fn wait_message(client: &TestClient, what: &str, pick: impl Fn(&Message) -> bool) -> Message {
    client
        .events
        .wait_for(&format!("{what} at {}", client.user_id), |events| {
            received_in(events).into_iter().find(|m| pick(m))
        })
        .await
}

/// Waits for a group tip of `operation_type` in `group`; its payload.
async fn wait_tip(client: &TestClient, group: &str, operation_type: i64) -> Value {
    let conversation = format!("GROUP{group}");
    wait_message(client, &format!("tip {operation_type} in {group}"), |m| {
        m.conversation_id == conversation
            && m.r#type == types::MSG_GRP_TIP
            && m.payload["operationType"] == operation_type
    })
    .await
    .payload
}

/// Waits for a group system notice of `operation_type` about `group`; its
/// payload.
async fn wait_notice(client: &TestClient, group: &str, operation_type: i64) -> Value {
    wait_message(client, &format!("notice {operation_type} of {group}"), |m| {
        m.r#type == types::MSG_GRP_SYS_NOTICE
            && m.payload["operationType"] == operation_type
            && m.payload["groupProfile"]["groupID"] == group
    })
    .await
    .payload
}

#[tokio::test]
async fn an_app_backend_runs_a_public_group_over_rest() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let created = rest
        .ok(
            "group_open_http_svc/create_group",
            json!({"Owner_Account": "alice", "Type": "Public", "GroupId": "team",
                   "Name": "Team", "Introduction": "hi", "ApplyJoinOption": "NeedPermission",
                   "MemberList": [{"Member_Account": "bob"}]}),
        )
        .await;
    assert_eq!(created["GroupId"], "team");
    wait_listed(&alice, "team").await;
    wait_listed(&bob, "team").await;

    // A send as alice reaches bob and alice's own instance (the REST call
    // is not that instance), as TIM's SyncOtherMachine does.
    let sent = rest
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "team", "From_Account": "alice", "Random": 11,
                   "MsgBody": text_body("hello team")}),
        )
        .await;
    assert!(sent["MsgSeq"].as_u64().is_some_and(|seq| seq > 0), "{sent}");
    assert!(sent["MsgTime"].as_i64().is_some_and(|t| t > 0), "{sent}");
    for client in [&bob, &alice] {
        let got = wait_message(client, "hello team", |m| text_of(m) == "hello team").await;
        assert_eq!((got.from.as_str(), got.conversation_id.as_str()), ("alice", "GROUPteam"));
    }
    // The administrator sends without being a member.
    rest.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "team", "Random": 12, "MsgBody": text_body("from the app")}),
    )
    .await;
    let got = wait_message(&bob, "from the app", |m| text_of(m) == "from the app").await;
    assert_eq!(got.from, confab_server::config::DEFAULT_ADMIN);

    // Add: 1 added, 0 unknown, 2 a member already.
    let added = rest
        .ok(
            "group_open_http_svc/add_group_member",
            json!({"GroupId": "team", "MemberList": [
                {"Member_Account": "carol"}, {"Member_Account": "ghost"},
                {"Member_Account": "bob"}]}),
        )
        .await;
    assert_eq!(
        added["MemberList"],
        json!([{"Member_Account": "carol", "Result": 1}, {"Member_Account": "ghost", "Result": 0},
               {"Member_Account": "bob", "Result": 2}])
    );
    wait_listed(&carol, "team").await;
    let join = wait_tip(&bob, "team", types::GRP_TIP_MBR_JOIN).await;
    assert_eq!(join["userIDList"], json!(["carol"]));
    wait_notice(&carol, "team", confab_proto::group::notice::INVITED).await;

    // A role and a mute, seen by the members.
    rest.ok(
        "group_open_http_svc/modify_group_member_info",
        json!({"GroupId": "team", "Member_Account": "bob", "Role": "Admin", "NameCard": "Bobby"}),
    )
    .await;
    let admin_tip = wait_tip(&carol, "team", types::GRP_TIP_MBR_SET_ADMIN).await;
    assert_eq!(admin_tip["userIDList"], json!(["bob"]));
    let card = wait_tip(&carol, "team", types::GRP_TIP_MBR_PROFILE_UPDATED).await;
    assert_eq!(card["memberList"][0]["nameCard"], "Bobby");
    wait_notice(&bob, "team", confab_proto::group::notice::SET_ADMIN).await;
    rest.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "team", "Members_Account": ["carol"], "ShutUpTime": 600}),
    )
    .await;
    let muted = wait_message(&bob, "carol's mute", |m| {
        m.r#type == types::MSG_GRP_TIP && m.payload["memberList"][0]["muteTime"] == 600
    })
    .await;
    assert_eq!(muted.payload["memberList"][0]["userID"], "carol");
    // A muted member's REST send is refused like her client's.
    rest.fails(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "team", "From_Account": "carol", "Random": 13,
               "MsgBody": text_body("may I?")}),
        confab_proto::code::ERR_SVR_GROUP_SHUTUP_DENY as i64,
    )
    .await;
    rest.ok(
        "group_open_http_svc/modify_group_member_info",
        json!({"GroupId": "team", "Member_Account": "carol", "ShutUpTime": 0}),
    )
    .await;
    rest.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "team", "From_Account": "carol", "Random": 14,
               "MsgBody": text_body("thanks")}),
    )
    .await;
    wait_message(&alice, "carol's thanks", |m| text_of(m) == "thanks").await;

    // A custom system notice to bob only.
    rest.ok(
        "group_open_http_svc/send_group_system_notification",
        json!({"GroupId": "team", "ToMembers_Account": ["bob"], "Content": "maintenance at 6"}),
    )
    .await;
    let custom = wait_notice(&bob, "team", confab_proto::group::notice::CUSTOM).await;
    assert_eq!(custom["handleMessage"], "maintenance at 6");
    assert_eq!(custom["operatorID"], confab_server::config::DEFAULT_ADMIN);

    // Removal: carol is told why, the others see the tip.
    rest.ok(
        "group_open_http_svc/delete_group_member",
        json!({"GroupId": "team", "MemberToDel_Account": ["carol"], "Reason": "bye"}),
    )
    .await;
    let kicked = wait_notice(&carol, "team", confab_proto::group::notice::KICKED_OUT).await;
    assert_eq!(kicked["handleMessage"], "bye");
    let out = wait_tip(&alice, "team", types::GRP_TIP_MBR_KICKED_OUT).await;
    assert_eq!(out["userIDList"], json!(["carol"]));

    let info = rest
        .ok("group_open_http_svc/get_group_info", json!({"GroupIdList": ["team", "nope"]}))
        .await;
    let team = &info["GroupInfo"][0];
    assert_eq!(team["ErrorCode"], 0, "{info}");
    assert_eq!(team["Type"], "Public");
    assert_eq!(team["Name"], "Team");
    assert_eq!(team["Introduction"], "hi");
    assert_eq!(team["Owner_Account"], "alice");
    assert_eq!(team["MemberNum"], 2);
    assert_eq!(team["ApplyJoinOption"], "NeedPermission");
    assert_eq!(team["ShutUpAllMember"], "Off");
    assert_eq!(info["GroupInfo"][1]["GroupId"], "nope");
    assert_eq!(info["GroupInfo"][1]["ErrorCode"], 10010);

    // Destroy: every member gets GROUP_DISMISSED.
    rest.ok("group_open_http_svc/destroy_group", json!({"GroupId": "team"})).await;
    for client in [&alice, &bob] {
        wait_notice(client, "team", confab_proto::group::notice::DISMISSED).await;
    }
    rest.fails("group_open_http_svc/destroy_group", json!({"GroupId": "team"}), 10010).await;
}

#[tokio::test]
async fn the_app_dismisses_work_groups_and_owns_what_it_creates() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    // Without Owner_Account the administrator owns it.
    let created = rest
        .ok(
            "group_open_http_svc/create_group",
            json!({"Type": "Private", "Name": "Ops", "MemberList": [{"Member_Account": "alice"}]}),
        )
        .await;
    let id = created["GroupId"].as_str().expect("a made GroupId").to_owned();
    assert!(id.starts_with("@TGS#"), "{id}");
    wait_listed(&alice, &id).await;
    let info = rest.ok("group_open_http_svc/get_group_info", json!({"GroupIdList": [id]})).await;
    assert_eq!(info["GroupInfo"][0]["Type"], "Private");
    assert_eq!(info["GroupInfo"][0]["Owner_Account"], confab_server::config::DEFAULT_ADMIN);
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 2);
    // A Work group's owner may not dismiss it; the app may.
    rest.ok("group_open_http_svc/destroy_group", json!({"GroupId": id})).await;
    wait_notice(&alice, &id, confab_proto::group::notice::DISMISSED).await;

    // An AVChatRoom: no members at creation, the admin owns it.
    let room = rest
        .ok(
            "group_open_http_svc/create_group",
            json!({"Type": "AVChatRoom", "GroupId": "live", "Name": "Live"}),
        )
        .await;
    assert_eq!(room["GroupId"], "live");
    let info =
        rest.ok("group_open_http_svc/get_group_info", json!({"GroupIdList": ["live"]})).await;
    assert_eq!(info["GroupInfo"][0]["Type"], "AVChatRoom");
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 0);
    // The app's message is broadcast to the room's joiners, never stored.
    let join = JoinGroup { group_id: GroupId::new("live"), apply_message: String::new() };
    within("join", alice.tim.join_group(join)).await.expect("alice joins the room");
    let info =
        rest.ok("group_open_http_svc/get_group_info", json!({"GroupIdList": ["live"]})).await;
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 1);
    let sent = rest
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "live", "MsgBody": text_body("on air")}),
        )
        .await;
    assert_eq!(sent["MsgSeq"], 0);
    let got = wait_message(&alice, "on air", |m| text_of(m) == "on air").await;
    assert_eq!(got.conversation_id, "GROUPlive");
    // A joiner's own send, through her client's rules.
    rest.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "live", "From_Account": "alice", "Random": 3,
               "MsgBody": text_body("hi all")}),
    )
    .await;
    wait_message(&alice, "hi all", |m| text_of(m) == "hi all").await;
    rest.fails(
        "group_open_http_svc/add_group_member",
        json!({"GroupId": "live", "MemberList": [{"Member_Account": "alice"}]}),
        confab_proto::code::CANNOT_ADD_MEMBER_IN_AVCHATROOM as i64,
    )
    .await;
    rest.ok("group_open_http_svc/destroy_group", json!({"GroupId": "live"})).await;
}

#[tokio::test]
async fn rest_group_commands_refuse_bad_input_with_tim_codes() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    rest.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["alice", "bob", "carol"]}),
    )
    .await;
    let create = "group_open_http_svc/create_group";
    let public = |extra: Value| {
        let mut body = json!({"Owner_Account": "alice", "Type": "Public", "Name": "G"});
        for (key, value) in extra.as_object().expect("object") {
            body[key] = value.clone();
        }
        body
    };
    rest.fails(create, public(json!({"Type": "Bogus"})), 10004).await;
    rest.fails(create, public(json!({"Name": ""})), 10004).await;
    rest.fails(create, public(json!({"Name": "x".repeat(31)})), 10004).await;
    rest.fails(create, public(json!({"GroupId": "has space"})), 10015).await;
    rest.fails(create, public(json!({"GroupId": ""})), 10015).await;
    rest.fails(create, public(json!({"Type": "Community", "GroupId": "c1"})), 10015).await;
    rest.fails(create, public(json!({"Owner_Account": "ghost"})), 10004).await;
    rest.fails(create, public(json!({"ApplyJoinOption": "Sometimes"})), 10004).await;
    rest.fails(
        create,
        public(json!({"MemberList": [{"Member_Account": "bob", "Role": "Owner"}]})),
        10004,
    )
    .await;
    rest.fails(
        create,
        public(json!({"MaxMemberCount": 2, "MemberList": [
            {"Member_Account": "bob"}, {"Member_Account": "carol"}]})),
        10014,
    )
    .await;
    rest.ok(create, public(json!({"GroupId": "g1", "MemberList": [{"Member_Account": "bob"}]})))
        .await;
    rest.fails(create, public(json!({"GroupId": "g1"})), 10021).await;
    // A field of the wrong JSON type does not decode.
    rest.fails(create, public(json!({"MemberList": "bob"})), 70402).await;

    rest.fails("group_open_http_svc/destroy_group", json!({"GroupId": ""}), 10004).await;
    rest.fails("group_open_http_svc/destroy_group", json!({}), 10004).await;
    rest.fails("group_open_http_svc/destroy_group", json!({"GroupId": "nope"}), 10010).await;

    let send = "group_open_http_svc/send_group_msg";
    rest.fails(
        send,
        json!({"GroupId": "g1", "From_Account": "carol", "Random": 1, "MsgBody": text_body("x")}),
        10007,
    )
    .await;
    rest.fails(send, json!({"GroupId": "g1", "MsgBody": []}), 90005).await;
    rest.fails(
        send,
        json!({"GroupId": "g1", "MsgBody": text_body("x"), "MsgPriority": "Urgent"}),
        10004,
    )
    .await;
    rest.fails(send, json!({"GroupId": "nope", "MsgBody": text_body("x")}), 10010).await;
    rest.fails(
        send,
        json!({"GroupId": "g1", "MsgBody": text_body("x"), "To_Account": ["carol"]}),
        10004,
    )
    .await;
    // The same sender and Random again: the first send's answer.
    let first = rest
        .ok(
            send,
            json!({"GroupId": "g1", "From_Account": "bob", "Random": 5, "MsgBody": text_body("a")}),
        )
        .await;
    let again = rest
        .ok(
            send,
            json!({"GroupId": "g1", "From_Account": "bob", "Random": 5, "MsgBody": text_body("a")}),
        )
        .await;
    assert_eq!(first["MsgSeq"], again["MsgSeq"]);

    let too_many: Vec<Value> =
        (0..301).map(|i| json!({"Member_Account": format!("u{i}")})).collect();
    rest.fails(
        "group_open_http_svc/add_group_member",
        json!({"GroupId": "g1", "MemberList": too_many}),
        10004,
    )
    .await;
    rest.fails(
        "group_open_http_svc/add_group_member",
        json!({"GroupId": "g1", "MemberList": []}),
        10004,
    )
    .await;
    rest.fails(
        "group_open_http_svc/delete_group_member",
        json!({"GroupId": "nope", "MemberToDel_Account": ["bob"]}),
        10010,
    )
    .await;

    let modify = "group_open_http_svc/modify_group_member_info";
    rest.fails(modify, json!({"GroupId": "g1", "Member_Account": "bob"}), 10004).await;
    rest.fails(modify, json!({"GroupId": "g1", "Member_Account": "bob", "Role": "Owner"}), 10004)
        .await;
    rest.fails(
        modify,
        json!({"GroupId": "g1", "Member_Account": "carol", "Role": "Admin"}),
        confab_proto::code::MEMBER_NOT_IN_GROUP as i64,
    )
    .await;
    rest.fails(
        modify,
        json!({"GroupId": "g1", "Member_Account": "alice", "Role": "Member"}),
        confab_proto::code::CANNOT_SET_SELF_MEMBER_ROLE as i64,
    )
    .await;
    rest.fails(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "g1", "Members_Account": ["bob", "carol"], "ShutUpTime": 60}),
        confab_proto::code::MEMBER_NOT_IN_GROUP as i64,
    )
    .await;
    rest.fails(
        "group_open_http_svc/send_group_system_notification",
        json!({"GroupId": "g1", "Content": ""}),
        10004,
    )
    .await;
    let fifty_one: Vec<String> = (0..51).map(|i| format!("g{i}")).collect();
    rest.fails("group_open_http_svc/get_group_info", json!({"GroupIdList": fifty_one}), 10004)
        .await;
    rest.fails("group_open_http_svc/get_group_info", json!({"GroupIdList": "g1"}), 70402).await;
}

#[tokio::test]
async fn members_and_history_are_imported_without_tips() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    rest.ok("im_open_login_svc/multiaccount_import", json!({"Accounts": ["alice", "bob"]})).await;
    rest.ok(
        "group_open_http_svc/create_group",
        json!({"Owner_Account": "alice", "Type": "Public", "GroupId": "old", "Name": "Old"}),
    )
    .await;
    let info = rest.ok("group_open_http_svc/get_group_info", json!({"GroupIdList": ["old"]})).await;
    let now = info["GroupInfo"][0]["CreateTime"].as_i64().expect("CreateTime");

    let imported = rest
        .ok(
            "group_open_http_svc/import_group_msg",
            json!({"GroupId": "old", "MsgList": [
                {"From_Account": "alice", "SendTime": now - 100, "Random": 1, "MsgBody": text_body("first")},
                {"From_Account": "ghost", "SendTime": now - 90, "MsgBody": text_body("lost")},
                {"From_Account": "bob", "SendTime": now + 1000, "MsgBody": text_body("future")},
                {"From_Account": "bob", "SendTime": now - 80, "Random": 2, "MsgBody": text_body("second")}]}),
        )
        .await;
    let results = imported["ImportMsgResult"].as_array().expect("results");
    let codes: Vec<i64> = results.iter().map(|r| r["Result"].as_i64().expect("Result")).collect();
    assert_eq!(codes, [0, 10004, 10004, 0], "{imported}");
    assert_eq!(results[0]["MsgTime"], now - 100);
    let (first, second) = (results[0]["MsgSeq"].as_u64(), results[3]["MsgSeq"].as_u64());
    assert!(first.is_some_and(|f| second.is_some_and(|s| s == f + 1)), "{imported}");

    let members = rest
        .ok(
            "group_open_http_svc/import_group_member",
            json!({"GroupId": "old", "MemberList": [
                {"Member_Account": "bob", "Role": "Admin", "JoinTime": now - 200, "UnreadMsgNum": 1},
                {"Member_Account": "ghost"}, {"Member_Account": "alice"}]}),
        )
        .await;
    let results: Vec<i64> = members["MemberList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["Result"].as_i64().expect("Result"))
        .collect();
    assert_eq!(results, [1, 0, 2], "{members}");
    rest.fails(
        "group_open_http_svc/import_group_member",
        json!({"GroupId": "old", "MemberList": [{"Member_Account": "bob", "Role": "Owner"}]}),
        10004,
    )
    .await;
    rest.fails(
        "group_open_http_svc/import_group_member",
        json!({"GroupId": "old", "MemberList": [{"Member_Account": "bob", "JoinTime": now + 60}]}),
        10004,
    )
    .await;

    // bob is a member with the history and no join tip in it.
    let bob = TestClient::login(&server, "bob").await;
    let groups =
        within("group list", bob.tim.get_group_list(Default::default())).await.expect("group list");
    let old = groups.iter().find(|g| g.group_id.as_str() == "old").expect("bob is in old");
    let me = old.self_info.as_ref().expect("self info");
    assert_eq!(me.role, confab_proto::group::MemberRole::Admin);
    assert_eq!(me.join_time, now - 200);
    let page =
        within("history", bob.tim.get_message_list(GetMessageListOptions::newest("GROUPold")))
            .await
            .expect("history");
    let texts: Vec<&str> =
        page.message_list.iter().filter(|m| m.r#type != types::MSG_GRP_TIP).map(text_of).collect();
    assert_eq!(texts, ["first", "second"]);
    assert!(page
        .message_list
        .iter()
        .all(|m| m.r#type != types::MSG_GRP_TIP || m.payload["userIDList"] != json!(["bob"])));
    rest.fails(
        "group_open_http_svc/import_group_msg",
        json!({"GroupId": "nope", "MsgList": [
            {"From_Account": "alice", "SendTime": now - 1, "MsgBody": text_body("x")}]}),
        10010,
    )
    .await;
}
