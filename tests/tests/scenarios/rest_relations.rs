//! Profiles and the relation chain over the REST API, as an application
//! backend drives them: each command acts as `From_Account`, and every
//! instance of the users it touches sees the change as if a client had
//! made it (PROFILE_UPDATED, FRIEND_LIST_UPDATED, BLACKLIST_UPDATED).

use confab_proto::code;
use confab_sdk::{Event, Friend, SendMessageOptions};
use confab_server::clock::Clock as _;
use confab_tests::rest::RestClient;
use confab_tests::{within, TestClient, TestServer};
use serde_json::{json, Value};

/// Waits until the latest FRIEND_LIST_UPDATED at `client` holds exactly
/// `want` (in any order).
async fn wait_friends(client: &TestClient, want: &[&str]) {
    client
        .events
        .wait_for(&format!("friends {want:?} at {}", client.user_id), |events| {
            let latest: &Vec<Friend> = events.iter().rev().find_map(|e| match e {
                Event::FriendListUpdated(list) => Some(list),
                _ => None,
            })?;
            let mut ids: Vec<&str> = latest.iter().map(|f| f.user_id.as_str()).collect();
            ids.sort_unstable();
            let mut want = want.to_vec();
            want.sort_unstable();
            (ids == want).then_some(())
        })
        .await;
}

/// Waits for a PROFILE_UPDATED at `client` showing `user` with `nick`.
async fn wait_profile_nick(client: &TestClient, user: &str, nick: &str) {
    client
        .events
        .wait_for(&format!("{user}'s nick {nick:?} at {}", client.user_id), |events| {
            events
                .iter()
                .any(|e| match e {
                    Event::ProfileUpdated(list) => {
                        list.iter().any(|p| p.user_id.as_str() == user && p.nick == nick)
                    }
                    _ => false,
                })
                .then_some(())
        })
        .await;
}

/// The code a C2C text from `from` to `to` is refused with (0: sent).
async fn send_code(from: &TestClient, to: &str, text: &str) -> i32 {
    let message = from.text(to, text);
    match within("send", from.tim.send_message(&message, SendMessageOptions::default())).await {
        Ok(_) => 0,
        Err(e) => e.code,
    }
}

/// `{Tag: Value}` of a `ProfileItem` or `ValueItem` list.
fn tag_map(items: &Value) -> serde_json::Map<String, Value> {
    items
        .as_array()
        .expect("a list of items")
        .iter()
        .map(|item| (item["Tag"].as_str().expect("a tag").to_owned(), item["Value"].clone()))
        .collect()
}

fn add_item(to: &str) -> Value {
    json!({"To_Account": to, "AddSource": "AddSource_Type_Admin"})
}

#[tokio::test]
async fn portrait_set_edits_a_profile_as_the_user_would_and_portrait_get_reads_tags() {
    let server = TestServer::start_with(|c| {
        c.profile_custom_fields = vec!["Tag_Profile_Custom_Hobby".into()];
    })
    .await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    rest.ok(
        "sns/friend_add",
        json!({"From_Account": "alice", "AddFriendItem": [add_item("bob")], "ForceAddFlags": 1}),
    )
    .await;
    wait_friends(&bob, &["alice"]).await;

    rest.ok(
        "profile/portrait_set",
        json!({"From_Account": "alice", "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice A."},
            {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"},
            {"Tag": "Tag_Profile_IM_BirthDay", "Value": 19991231},
            {"Tag": "Tag_Profile_IM_Image", "Value": "https://example.invalid/alice.png"},
            {"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"},
            {"Tag": "Tag_Profile_IM_Level", "Value": 7},
            {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"}
        ]}),
    )
    .await;
    // Alice's own instance and her friend bob hear of it as of a client edit.
    wait_profile_nick(&alice, "alice", "Alice A.").await;
    wait_profile_nick(&bob, "alice", "Alice A.").await;
    let mine = within("my profile", alice.tim.get_my_profile()).await.expect("mine");
    assert_eq!(mine.gender, "Gender_Type_Female");
    assert_eq!(mine.birthday, 19991231);
    assert_eq!(mine.allow_type, "AllowType_Type_DenyAny");
    assert_eq!(mine.level, 7);
    let seen =
        within("profile", bob.tim.get_user_profile(vec!["alice".into()])).await.expect("alice's");
    assert_eq!(seen[0].nick, "Alice A.");
    assert_eq!(seen[0].avatar, "https://example.invalid/alice.png");
    assert_eq!(seen[0].profile_custom_field[0].key, "Tag_Profile_Custom_Hobby");
    assert_eq!(seen[0].profile_custom_field[0].value, "chess");

    let answer = rest
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["alice", "nobody", "bob", "alice"], "TagList": [
                "Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender", "Tag_Profile_IM_Level",
                "Tag_Profile_IM_AllowType", "Tag_Profile_Custom_Hobby"
            ]}),
        )
        .await;
    let items = answer["UserProfileItem"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{answer}");
    assert_eq!(items[0]["To_Account"], "alice");
    assert_eq!(items[0]["ResultCode"], 0);
    let tags = tag_map(&items[0]["ProfileItem"]);
    assert_eq!(tags["Tag_Profile_IM_Nick"], "Alice A.");
    assert_eq!(tags["Tag_Profile_IM_Gender"], "Gender_Type_Female");
    assert_eq!(tags["Tag_Profile_IM_Level"], 7);
    assert_eq!(tags["Tag_Profile_IM_AllowType"], "AllowType_Type_DenyAny");
    assert_eq!(tags["Tag_Profile_Custom_Hobby"], "chess");
    assert_eq!(items[1]["To_Account"], "nobody");
    assert_eq!(items[1]["ResultCode"], 40003);
    assert_eq!(items[2]["To_Account"], "bob");
    // An unset custom tag is left out.
    assert!(!tag_map(&items[2]["ProfileItem"]).contains_key("Tag_Profile_Custom_Hobby"));
    assert_eq!(answer["Fail_Account"], json!(["nobody"]));

    // "" removes a custom field, as updateMyProfile does.
    rest.ok(
        "profile/portrait_set",
        json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_Custom_Hobby", "Value": ""}]}),
    )
    .await;
    let mine =
        within("my profile", alice.tim.get_user_profile(vec!["alice".into()])).await.expect("mine");
    assert!(mine[0].profile_custom_field.is_empty(), "{mine:?}");

    // Refusals, each before anything is written.
    let set = |from: &str, tag: &str, value: Value| {
        json!({"From_Account": from, "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Nick", "Value": "never"}, {"Tag": tag, "Value": value}
        ]})
    };
    rest.fails("profile/portrait_set", set("nobody", "Tag_Profile_IM_Level", json!(1)), 40003)
        .await;
    rest.fails("profile/portrait_set", set("alice", "Tag_Profile_IM_Shoe", json!(1)), 40009).await;
    rest.fails("profile/portrait_set", set("alice", "Tag_Profile_Custom_Other", json!(1)), 40009)
        .await;
    rest.fails("profile/portrait_set", set("alice", "Tag_Profile_IM_Gender", json!("male")), 40605)
        .await;
    rest.fails("profile/portrait_set", set("alice", "Tag_Profile_IM_Level", json!("7")), 40610)
        .await;
    rest.fails(
        "profile/portrait_set",
        set("alice", "Tag_Profile_IM_Location", json!("x".repeat(501))),
        40601,
    )
    .await;
    rest.fails("profile/portrait_set", json!({"From_Account": "alice", "ProfileItem": []}), 40001)
        .await;
    let mine = within("my profile", alice.tim.get_my_profile()).await.expect("mine");
    assert_eq!(mine.nick, "Alice A.");
    let get = |accounts: Value, tags: Value| json!({"To_Account": accounts, "TagList": tags});
    rest.fails(
        "profile/portrait_get",
        get(json!(["alice"]), json!(["Tag_Profile_IM_Shoe"])),
        40009,
    )
    .await;
    rest.fails("profile/portrait_get", get(json!(["alice"]), json!([])), 40001).await;
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    rest.fails("profile/portrait_get", get(json!(many), json!(["Tag_Profile_IM_Nick"])), 40001)
        .await;
}

#[tokio::test]
async fn friends_are_added_checked_listed_and_deleted_over_rest() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    for user in ["carol", "dave"] {
        rest.ok("im_open_login_svc/account_import", json!({"UserID": user})).await;
    }

    // A forced two-way add: both instances see the friendship.
    let added_at = server.clock.now_secs();
    let answer = rest
        .ok(
            "sns/friend_add",
            json!({"From_Account": "alice", "ForceAddFlags": 1, "AddFriendItem": [
                {"To_Account": "bob", "AddSource": "AddSource_Type_Admin", "Remark": "Bobby",
                 "GroupName": "Work", "AddWording": "welcome"}
            ]}),
        )
        .await;
    assert_eq!(
        answer["ResultItem"],
        json!([{"To_Account": "bob", "ResultCode": 0, "ResultInfo": ""}])
    );
    assert!(answer.get("Fail_Account").is_none(), "{answer}");
    wait_friends(&alice, &["bob"]).await;
    wait_friends(&bob, &["alice"]).await;
    let friends = within("friends", alice.tim.get_friend_list()).await.expect("friends");
    assert_eq!(friends[0].remark, "Bobby");
    assert_eq!(friends[0].group_list, ["Work"]);

    // Without the flag, carol's default AllowType (NeedConfirm) leaves a
    // request: TIM's 30539.
    let answer = rest
        .ok(
            "sns/friend_add",
            json!({"From_Account": "alice", "AddFriendItem": [
                add_item("carol"), add_item("nobody"), add_item("bob"), add_item("alice"),
                {"To_Account": "dave", "AddSource": "not a source"}
            ]}),
        )
        .await;
    let codes: Vec<&Value> = answer["ResultItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item["ResultCode"])
        .collect();
    assert_eq!(
        codes,
        [
            &json!(30539),
            &json!(30003),
            &json!(code::ALREADY_MY_FRIEND),
            &json!(code::CANNOT_ADD_SELF_AS_FRIEND),
            &json!(30001)
        ],
        "{answer}"
    );
    assert_eq!(answer["Fail_Account"], json!(["carol", "nobody", "bob", "alice", "dave"]));
    // The request waits at alice's instance as a client's request would.
    let pending =
        within("requests", alice.tim.get_friend_application_list()).await.expect("requests");
    assert_eq!(pending.friend_application_list[0].user_id.as_str(), "carol");

    // A peer who takes no requests refuses a plain add (30516), not a forced
    // one-way add.
    rest.ok(
        "profile/portrait_set",
        json!({"From_Account": "dave", "ProfileItem": [{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"}]}),
    )
    .await;
    let add_dave = |force: u8| {
        json!({"From_Account": "alice", "AddType": "Add_Type_Single", "ForceAddFlags": force,
               "AddFriendItem": [add_item("dave")]})
    };
    let answer = rest.ok("sns/friend_add", add_dave(0)).await;
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 30516, "{answer}");
    let answer = rest.ok("sns/friend_add", add_dave(1)).await;
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 0, "{answer}");
    wait_friends(&alice, &["bob", "dave"]).await;

    // Relations, both ways and one way.
    let check = |from: &str, kind: &str| {
        json!({"From_Account": from, "To_Account": ["bob", "dave", "carol", "nobody", "bob"],
               "CheckType": kind})
    };
    let answer = rest.ok("sns/friend_check", check("alice", "CheckResult_Type_Both")).await;
    let relations: Vec<(&Value, &Value, &Value)> = answer["InfoItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| (&item["To_Account"], &item["Relation"], &item["ResultCode"]))
        .collect();
    assert_eq!(
        relations,
        [
            (&json!("bob"), &json!("CheckResult_Type_BothWay"), &json!(0)),
            (&json!("dave"), &json!("CheckResult_Type_AWithB"), &json!(0)),
            (&json!("carol"), &json!("CheckResult_Type_NoRelation"), &json!(0)),
            (&json!("nobody"), &json!("CheckResult_Type_NoRelation"), &json!(30003)),
        ],
        "{answer}"
    );
    assert_eq!(answer["Fail_Account"], json!(["nobody"]));
    let answer = rest.ok("sns/friend_check", check("dave", "CheckResult_Type_Both")).await;
    assert_eq!(answer["InfoItem"][0]["Relation"], "CheckResult_Type_NoRelation");
    assert_eq!(answer["InfoItem"][1]["To_Account"], "dave");
    let answer = rest
        .ok(
            "sns/friend_check",
            json!({"From_Account": "dave", "To_Account": ["alice"], "CheckType": "CheckResult_Type_Both"}),
        )
        .await;
    assert_eq!(answer["InfoItem"][0]["Relation"], "CheckResult_Type_BWithA");
    let answer = rest
        .ok(
            "sns/friend_check",
            json!({"From_Account": "dave", "To_Account": ["alice"], "CheckType": "CheckResult_Type_Single"}),
        )
        .await;
    assert_eq!(answer["InfoItem"][0]["Relation"], "CheckResult_Type_NoRelation");

    // The list, with the standard tags until the sequence is current.
    let answer = rest.ok("sns/friend_get", json!({"From_Account": "alice", "StartIndex": 0})).await;
    assert_eq!(answer["FriendNum"], 2);
    assert_eq!(answer["CompleteFlag"], 1);
    assert_eq!(answer["NextStartIndex"], 0);
    let items = answer["UserDataItem"].as_array().expect("items");
    assert_eq!(items[0]["To_Account"], "bob");
    let tags = tag_map(&items[0]["ValueItem"]);
    assert_eq!(tags["Tag_SNS_IM_Remark"], "Bobby");
    assert_eq!(tags["Tag_SNS_IM_Group"], json!(["Work"]));
    assert_eq!(tags["Tag_SNS_IM_AddSource"], "AddSource_Type_Admin");
    assert_eq!(tags["Tag_SNS_IM_AddWording"], "welcome");
    assert_eq!(tags["Tag_SNS_IM_AddTime"], added_at);
    assert_eq!(items[1]["To_Account"], "dave");
    let sequence = answer["StandardSequence"].clone();
    assert!(sequence.as_u64().is_some_and(|s| s > 0), "{answer}");
    let answer = rest
        .ok(
            "sns/friend_get",
            json!({"From_Account": "alice", "StartIndex": 0, "StandardSequence": sequence}),
        )
        .await;
    assert_eq!(answer["UserDataItem"][0]["ValueItem"], json!([]), "{answer}");
    let answer = rest.ok("sns/friend_get", json!({"From_Account": "alice", "StartIndex": 5})).await;
    assert_eq!(answer["UserDataItem"], json!([]));
    assert_eq!(answer["FriendNum"], 2);

    // A two-way delete (the default) empties both lists.
    let answer = rest
        .ok("sns/friend_delete", json!({"From_Account": "alice", "To_Account": ["bob", "carol"]}))
        .await;
    assert_eq!(
        answer["ResultItem"][0],
        json!({"To_Account": "bob", "ResultCode": 0, "ResultInfo": ""})
    );
    assert_eq!(answer["ResultItem"][1]["ResultCode"], 31704, "{answer}");
    assert_eq!(answer["Fail_Account"], json!(["carol"]));
    wait_friends(&alice, &["dave"]).await;
    wait_friends(&bob, &[]).await;
    // One way: dave never had alice.
    rest.ok(
        "sns/friend_delete",
        json!({"From_Account": "alice", "To_Account": ["dave"], "DeleteType": "Delete_Type_Single"}),
    )
    .await;
    wait_friends(&alice, &[]).await;

    // Refusals of the whole request.
    let add = |from: &str, items: Value| json!({"From_Account": from, "AddFriendItem": items});
    rest.fails("sns/friend_add", add("nobody", json!([add_item("bob")])), 30003).await;
    rest.fails("sns/friend_add", add("alice", json!([])), 30001).await;
    let many: Vec<Value> = (0..101).map(|i| add_item(&format!("u{i}"))).collect();
    rest.fails("sns/friend_add", add("alice", json!(many)), 30001).await;
    rest.fails(
        "sns/friend_add",
        json!({"From_Account": "alice", "ForceAddFlags": 2, "AddFriendItem": [add_item("bob")]}),
        30001,
    )
    .await;
    rest.fails(
        "sns/friend_check",
        json!({"From_Account": "alice", "To_Account": [], "CheckType": "CheckResult_Type_Both"}),
        30001,
    )
    .await;
    rest.fails("sns/friend_delete", json!({"From_Account": "ghost", "To_Account": ["bob"]}), 30003)
        .await;
    rest.fails("sns/friend_get", json!({"From_Account": "ghost", "StartIndex": 0}), 30003).await;
    // A body of the wrong shape is the envelope's 70402.
    rest.fails("sns/friend_delete", json!({"From_Account": "alice", "To_Account": "bob"}), 70402)
        .await;
}

#[tokio::test]
async fn a_rest_blacklist_refuses_messages_and_requests_as_a_clients_does() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    rest.ok("im_open_login_svc/account_import", json!({"UserID": "carol"})).await;
    rest.ok(
        "sns/friend_add",
        json!({"From_Account": "alice", "ForceAddFlags": 1, "AddFriendItem": [add_item("bob")]}),
    )
    .await;
    wait_friends(&bob, &["alice"]).await;

    let blocked_at = server.clock.now_secs();
    let answer = rest
        .ok(
            "sns/black_list_add",
            json!({"From_Account": "alice", "To_Account": ["bob", "nobody", "alice", "carol"]}),
        )
        .await;
    let codes: Vec<&Value> = answer["ResultItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item["ResultCode"])
        .collect();
    assert_eq!(codes, [&json!(0), &json!(30003), &json!(30001), &json!(0)], "{answer}");
    assert_eq!(answer["Fail_Account"], json!(["nobody", "alice"]));
    alice.events.wait_blacklist(&["bob", "carol"]).await;
    // A blacklist ends the friendship both ways, as a client's does.
    wait_friends(&alice, &[]).await;
    wait_friends(&bob, &[]).await;
    // Messages are refused both ways (20007), requests with TIM's REST codes.
    assert_eq!(send_code(&bob, "alice", "let me in").await, code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    assert_eq!(send_code(&alice, "bob", "go away").await, code::ERR_SVR_MSG_IN_PEER_BLACKLIST);
    let add = |from: &str, to: &str| json!({"From_Account": from, "ForceAddFlags": 1, "AddFriendItem": [add_item(to)]});
    let answer = rest.ok("sns/friend_add", add("bob", "alice")).await;
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 30525, "{answer}");
    let answer = rest.ok("sns/friend_add", add("alice", "bob")).await;
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 30515, "{answer}");

    // Pages of the list, oldest first.
    let get = |start: u64| json!({"From_Account": "alice", "StartIndex": start, "MaxLimited": 1, "LastSequence": 0});
    let first = rest.ok("sns/black_list_get", get(0)).await;
    assert_eq!(first["BlackListItem"][0]["To_Account"], "bob", "{first}");
    assert_eq!(first["BlackListItem"][0]["AddBlackTimeStamp"], blocked_at, "{first}");
    assert_eq!(first["BlackListItem"].as_array().map(Vec::len), Some(1));
    assert_eq!(first["StartIndex"], 1);
    assert!(first["CurruentSequence"].as_u64().is_some_and(|s| s > 0), "{first}");
    let second = rest.ok("sns/black_list_get", get(1)).await;
    assert_eq!(second["BlackListItem"][0]["To_Account"], "carol", "{second}");
    assert_eq!(second["StartIndex"], 0);
    rest.fails(
        "sns/black_list_get",
        json!({"From_Account": "alice", "StartIndex": 0, "MaxLimited": 0, "LastSequence": 0}),
        30001,
    )
    .await;

    let answer = rest
        .ok(
            "sns/black_list_delete",
            json!({"From_Account": "alice", "To_Account": ["bob", "nobody"]}),
        )
        .await;
    assert_eq!(answer["ResultItem"][0]["ResultCode"], 0, "{answer}");
    assert_eq!(answer["ResultItem"][1]["ResultCode"], 30003, "{answer}");
    alice.events.wait_blacklist(&["carol"]).await;
    assert_eq!(send_code(&bob, "alice", "friends again?").await, 0);
    let answer = rest
        .ok(
            "sns/black_list_get",
            json!({"From_Account": "alice", "StartIndex": 0, "MaxLimited": 10, "LastSequence": 0}),
        )
        .await;
    assert_eq!(answer["BlackListItem"].as_array().map(Vec::len), Some(1), "{answer}");
    rest.fails("sns/black_list_add", json!({"From_Account": "alice", "To_Account": []}), 30001)
        .await;
    rest.fails(
        "sns/black_list_add",
        json!({"From_Account": "ghost", "To_Account": ["bob"]}),
        30003,
    )
    .await;
}
