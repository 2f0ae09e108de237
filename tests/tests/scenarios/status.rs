//! User status through the SDK against a real server: online, offline (a
//! dropped connection) and not logged in are computed from real sessions;
//! a custom status reaches the user's own instances and subscribers only;
//! unsubscribing stops the news; the limits answer with their codes.

use confab_proto::code;
use confab_proto::status::{
    UserStatus, USER_STATUS_OFFLINE, USER_STATUS_ONLINE, USER_STATUS_UNLOGINED,
};

use confab_sdk::{Event, NetState};
use confab_tests::{within, TestClient, TestServer};

/// Waits until `client` heard `user` with `status_type` and `custom`.
async fn wait_status(client: &TestClient, user: &str, status_type: u8, custom: &str) {
    client
        .events
        .wait_for(&format!("{user} at {status_type} {custom:?} for {}", client.user_id), |events| {
            events.iter().rev().find_map(|e| match e {
                Event::UserStatusUpdated(list) => list
                    .iter()
                    .find(|s| {
                        s.user_id.as_str() == user
                            && s.status_type == status_type
                            && s.custom_status == custom
                    })
                    .map(|_| ()),
                _ => None,
            })
        })
        .await;
}

/// Waits until `client`'s latest connection state is connected.
async fn connected(client: &TestClient) {
    client
        .events
        .wait_for(&format!("{} connected", client.user_id), |events| {
            let last = events.iter().rev().find_map(|e| match e {
                Event::NetStateChange { state } => Some(*state),
                _ => None,
            });
            (last == Some(NetState::Connected)).then_some(())
        })
        .await;
}

/// Every status `client` heard of `user`, in order.
fn heard(client: &TestClient, user: &str) -> Vec<UserStatus> {
    client
        .events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::UserStatusUpdated(list) => Some(list),
            _ => None,
        })
        .flatten()
        .filter(|s| s.user_id.as_str() == user)
        .collect()
}

// checklist 520-527 (setSelfStatus), 529-532 (getUserStatus), 534-545
// (subscribe / unsubscribe), 1066-1068 (USER_STATUS_UPDATED).
#[tokio::test]
async fn statuses_follow_real_sessions_and_reach_subscribers_only() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let bob2 = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let asked = alice
        .tim
        .get_user_status(vec!["bob".into(), "dave".into(), "nobody".into()])
        .await
        .expect("status");
    let got: Vec<_> =
        asked.success_user_list.iter().map(|s| (s.user_id.as_str(), s.status_type)).collect();
    assert_eq!(got, [("bob", USER_STATUS_ONLINE)], "dave and nobody never registered");
    assert_eq!(
        asked.failure_user_list.iter().map(|f| f.code).collect::<Vec<_>>(),
        [code::USER_OR_GROUP_NOT_FOUND, code::USER_OR_GROUP_NOT_FOUND]
    );

    let failures = alice.tim.subscribe_user_status(vec!["bob".into(), "alice".into()]).await;
    let failures = failures.expect("subscribe").failure_user_list;
    assert_eq!(failures.len(), 1, "subscribing to oneself is a failure: {failures:?}");

    // A custom status: bob's own instances and his subscriber hear it.
    let mine = bob.tim.set_self_status("in a meeting".into()).await.expect("set");
    assert_eq!(
        (mine.status_type, mine.custom_status.as_str()),
        (USER_STATUS_ONLINE, "in a meeting")
    );
    for client in [&bob, &bob2, &alice] {
        wait_status(client, "bob", USER_STATUS_ONLINE, "in a meeting").await;
    }

    // Both of bob's connections drop: offline (still logged in), custom
    // status kept; back: online.
    bob.transport.set_offline(true);
    bob2.transport.set_offline(true);
    wait_status(&alice, "bob", USER_STATUS_OFFLINE, "in a meeting").await;
    let now = alice.tim.get_user_status(vec!["bob".into()]).await.expect("status");
    assert_eq!(now.success_user_list[0].status_type, USER_STATUS_OFFLINE);
    bob.transport.set_offline(false);
    wait_status(&alice, "bob", USER_STATUS_ONLINE, "in a meeting").await;

    // Logged out everywhere: not logged in. (An instance that logs out
    // while cut off cannot tell the server: it would stay offline.)
    connected(&bob).await;
    within("logout", bob.tim.logout()).await.expect("logout");
    bob2.transport.set_offline(false);
    connected(&bob2).await;
    within("logout", bob2.tim.logout()).await.expect("logout");
    wait_status(&alice, "bob", USER_STATUS_UNLOGINED, "in a meeting").await;
    let mine = alice.tim.get_user_status(vec!["alice".into()]).await.expect("own status");
    assert_eq!(mine.success_user_list[0].status_type, USER_STATUS_ONLINE);

    // carol never subscribed: she heard nothing of bob.
    assert!(heard(&carol, "bob").is_empty(), "{:?}", heard(&carol, "bob"));

    // Unsubscribed: bob's return is not news for alice. carol's status
    // (subscribed after) comes after anything bob's login could push.
    alice.tim.unsubscribe_user_status(Vec::new()).await.expect("unsubscribe all");
    alice.tim.subscribe_user_status(vec!["carol".into()]).await.expect("subscribe carol");
    let before = heard(&alice, "bob").len();
    let bob3 = TestClient::login(&server, "bob").await;
    bob3.tim.set_self_status(String::new()).await.expect("clear");
    carol.tim.set_self_status("lunch".into()).await.expect("carol's");
    wait_status(&alice, "carol", USER_STATUS_ONLINE, "lunch").await;
    assert_eq!(heard(&alice, "bob").len(), before, "no news of bob after unsubscribing");

    // The limits: 256 bytes of custom status, 500 users, 20 calls per 5 s
    // for others (not for oneself).
    let long = bob3.tim.set_self_status("x".repeat(257)).await;
    assert_eq!(long.map_err(|e| e.code).err(), Some(code::MALFORMED_FRAME));
    let many: Vec<String> = (0..501).map(|n| format!("u{n}")).collect();
    let err = alice.tim.get_user_status(many).await.map_err(|e| e.code);
    assert_eq!(err.err(), Some(code::MALFORMED_FRAME));
    let mut refused_at = None;
    for call in 1..=25 {
        if let Err(e) = carol.tim.get_user_status(vec!["bob".into()]).await {
            assert_eq!(e.code, code::OVER_FREQUENCY_LIMIT);
            refused_at = Some(call);
            break;
        }
    }
    assert_eq!(refused_at, Some(21), "the 21st call within 5 s is refused");
    carol.tim.get_user_status(vec!["carol".into()]).await.expect("oneself is never limited");
}
