//! AppCore against a real `confab_server` in this process (127.0.0.1:0,
//! temporary directories): the command set end to end, events, the saved
//! session, offline resume, logout, local mode with its embedded server.

use confab_app::{AppCore, AppEvent, AppOptions, AppOwnEvent, AppState, Mode, Platform};
use confab_proto::code;
use confab_sdk::Event;
use confab_tests::{within, TestClient, TestServer};
use serde_json::{json, Value};
use tokio::sync::broadcast;

fn open(dir: &std::path::Path) -> AppCore {
    AppCore::open(AppOptions { locale: Some("en-US".into()), ..AppOptions::new(dir) })
        .expect("open app")
}

async fn call(core: &AppCore, command: &str, args: Value) -> Value {
    match within(command, core.call(command, args)).await {
        Ok(v) => v,
        Err(e) => panic!("{command} failed: {} ({})", e.message, e.code),
    }
}

async fn call_err(core: &AppCore, command: &str, args: Value) -> i32 {
    match within(command, core.call(command, args)).await {
        Ok(v) => panic!("{command} succeeded unexpectedly: {v}"),
        Err(e) => e.code,
    }
}

async fn state_of(core: &AppCore, command: &str, args: Value) -> AppState {
    serde_json::from_value(call(core, command, args).await).expect("AppState")
}

/// Waits for the first event `pick` accepts.
async fn wait_event<T>(
    events: &mut broadcast::Receiver<AppEvent>,
    what: &str,
    mut pick: impl FnMut(&AppEvent) -> Option<T>,
) -> T {
    within(what, async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => panic!("lagged by {n}"),
                Err(broadcast::error::RecvError::Closed) => panic!("event channel closed"),
            }
        }
    })
    .await
}

/// A text message built the way the UI facade builds it.
fn text_message(from: &str, to: &str, text: &str, random: u64) -> Value {
    json!({
        "ID": format!("{from}-0-{random}"), "type": "TIMTextElem", "payload": {"text": text},
        "conversationID": format!("C2C{to}"), "conversationType": "C2C", "to": to,
        "from": from, "flow": "out", "time": 0, "status": "unSend", "isRevoked": false,
        "priority": "Normal", "nick": "", "avatar": "", "isPeerRead": false, "nameCard": "",
        "atUserList": [], "cloudCustomData": "", "isDeleted": false, "isModified": false,
        "needReadReceipt": false, "readReceiptInfo": {"isPeerRead": false},
        "isBroadcastMessage": false, "sequence": 0, "random": random
    })
}

async fn registered(core: &AppCore, server_url: &str, user: &str) -> AppState {
    call(core, "app.chooseServer", json!({"mode": "remote", "url": server_url})).await;
    state_of(core, "app.register", json!({"userID": user, "password": format!("{user}-secret")}))
        .await
}

#[tokio::test]
async fn register_chat_and_read_through_commands() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = open(dir.path());
    let mut events = alice.events();

    let fresh = state_of(&alice, "app.getState", json!({})).await;
    assert_eq!(fresh.mode, None);
    assert!(!fresh.logged_in);
    assert_eq!(fresh.locale, "en-US");

    let state = registered(&alice, &server.http_url(), "alice").await;
    assert_eq!(state.mode, Some(Mode::Remote));
    assert_eq!(state.server_url.as_deref(), Some(server.http_url().as_str()));
    assert_eq!(state.user_id.as_deref(), Some("alice"));
    assert!(state.logged_in);
    wait_event(&mut events, "appState logged in", |e| match e {
        AppEvent::App(AppOwnEvent::AppState(s)) if s.logged_in => Some(()),
        _ => None,
    })
    .await;

    let bob = TestClient::login(&server, "bob").await;
    let sent = call(
        &alice,
        "tim.sendMessage",
        json!({"message": text_message("alice", "bob", "hello bob", 42)}),
    )
    .await;
    assert_eq!(sent["message"]["status"], "success");
    assert_eq!(sent["message"]["payload"]["text"], "hello bob");
    let got = bob.events.wait_received(1).await;
    assert_eq!(confab_tests::text_of(&got[0]), "hello bob");

    bob.send_text("alice", "hi alice").await;
    let received = wait_event(&mut events, "onMessageReceived", |e| match e {
        AppEvent::Sdk(Event::MessageReceived(list)) => Some(list.clone()),
        _ => None,
    })
    .await;
    assert_eq!(received[0].payload["text"], "hi alice");
    // The event crosses the boundary exactly as the SDK serializes it.
    let wire = serde_json::to_value(AppEvent::Sdk(Event::MessageReceived(received))).expect("ser");
    assert_eq!(wire["name"], "onMessageReceived");
    assert_eq!(wire["data"][0]["from"], "bob");

    let list = call(&alice, "tim.getConversationList", json!({})).await;
    assert_eq!(list["conversationList"][0]["conversationID"], "C2Cbob");
    assert_eq!(list["conversationList"][0]["unreadCount"], 1);
    assert_eq!(call(&alice, "tim.getTotalUnreadMessageCount", json!({})).await, json!(1));
    let page = call(&alice, "tim.getMessageList", json!({"conversationID": "C2Cbob"})).await;
    let texts: Vec<&str> = page["messageList"]
        .as_array()
        .expect("messageList")
        .iter()
        .filter_map(|m| m["payload"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["hello bob", "hi alice"]);
    assert_eq!(page["isCompleted"], true);

    assert_eq!(
        call(&alice, "tim.setMessageRead", json!({"conversationID": "C2Cbob"})).await,
        json!({})
    );
    assert_eq!(call(&alice, "tim.getTotalUnreadMessageCount", json!({})).await, json!(0));
    let profile = call(&alice, "tim.updateMyProfile", json!({"nick": "Alice"})).await;
    assert_eq!(profile["nick"], "Alice");
    assert_eq!(call(&alice, "tim.getMyProfile", json!({})).await["nick"], "Alice");
    let profiles = call(&alice, "tim.getUserProfile", json!({"userIDList": ["bob"]})).await;
    assert_eq!(profiles[0]["userID"], "bob");
    let conversation =
        call(&alice, "tim.getConversationProfile", json!({"conversationID": "C2Cbob"})).await;
    assert_eq!(conversation["conversation"]["conversationID"], "C2Cbob");
    assert_eq!(call(&alice, "app.notify", json!({"title": "t", "body": "b"})).await, json!({}));
    assert_eq!(call(&alice, "app.setUnreadBadge", json!({"count": 3})).await, json!({}));
    let deleted = call(
        &alice,
        "tim.deleteConversation",
        json!({"conversationIDList": ["C2Cbob"], "clearHistoryMessage": true}),
    )
    .await;
    assert_eq!(deleted, json!({"conversationIDList": ["C2Cbob"]}));
}

#[tokio::test]
async fn errors_carry_tim_codes() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    assert_eq!(call_err(&app, "app.frobnicate", json!({})).await, code::CANNOT_FIND_PROTOCOL);
    assert_eq!(call_err(&app, "tim.getConversationList", json!({})).await, code::SDK_IS_NOT_READY);
    let creds = json!({"userID": "alice", "password": "alice-secret"});
    assert_eq!(call_err(&app, "app.login", creds.clone()).await, code::INVALID_OPERATION);
    assert_eq!(
        call_err(&app, "app.chooseServer", json!({"mode": "remote"})).await,
        code::INVALID_OPERATION
    );
    assert_eq!(
        call_err(&app, "app.chooseServer", json!({"mode": 7})).await,
        code::INVALID_OPERATION
    );
    // A port nobody listens on: bind one, then free it.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    assert_eq!(
        call_err(&app, "app.chooseServer", json!({"mode": "remote", "url": dead})).await,
        code::NETWORK_ERROR
    );
    call(&app, "app.chooseServer", json!({"mode": "remote", "url": server.http_url()})).await;
    assert_eq!(call_err(&app, "app.login", creds).await, code::INVALID_CREDENTIALS);
}

#[tokio::test]
async fn the_session_survives_a_restart_and_resumes_offline() {
    let mut server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let alice = open(dir.path());
        registered(&alice, &server.http_url(), "alice").await;
        let bob = TestClient::login(&server, "bob").await;
        call(&alice, "tim.sendMessage", json!({"message": text_message("alice", "bob", "x", 7)}))
            .await;
        bob.events.wait_received(1).await;
        alice.shutdown().await.expect("shutdown");
    }
    server.stop().await;

    let alice = open(dir.path());
    let before = state_of(&alice, "app.getState", json!({})).await;
    assert_eq!(before.user_id.as_deref(), Some("alice"));
    assert!(!before.logged_in);
    let state = state_of(&alice, "app.resume", json!({})).await;
    assert!(state.logged_in, "resumed offline from the local store");
    let list = call(&alice, "tim.getConversationList", json!({})).await;
    assert_eq!(list["conversationList"][0]["conversationID"], "C2Cbob");
    assert_eq!(list["conversationList"][0]["lastMessage"]["messageForShow"], "x");

    // Back online: the SDK reconnects by itself and the app state says so.
    let mut events = alice.events();
    server.restart().await;
    wait_event(&mut events, "connected again", |e| match e {
        AppEvent::App(AppOwnEvent::AppState(s))
            if s.net_state == confab_sdk::NetState::Connected =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
}

#[tokio::test]
async fn logout_forgets_the_session() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let alice = open(dir.path());
        registered(&alice, &server.http_url(), "alice").await;
        let state = state_of(&alice, "app.logout", json!({})).await;
        assert_eq!(state.user_id, None);
        assert!(!state.logged_in);
        assert_eq!(state.mode, Some(Mode::Remote), "the server choice is kept");
        assert_eq!(
            call_err(&alice, "tim.getConversationList", json!({})).await,
            code::SDK_IS_NOT_READY
        );
    }
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).expect("settings");
    assert!(!settings.contains("userSig"), "{settings}");
    let alice = open(dir.path());
    let state = state_of(&alice, "app.resume", json!({})).await;
    assert!(!state.logged_in);
    assert_eq!(state.user_id, None);
    // Password login brings it back.
    let state =
        state_of(&alice, "app.login", json!({"userID": "alice", "password": "alice-secret"})).await;
    assert!(state.logged_in);
}

#[tokio::test]
async fn kicked_out_returns_to_login() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = open(dir.path());
    registered(&alice, &server.http_url(), "alice").await;
    let mut events = alice.events();
    let _other = TestClient::login(&server, "alice").await;
    wait_event(&mut events, "kickedOut", |e| match e {
        AppEvent::Sdk(Event::KickedOut { kick_type }) => Some(kick_type.clone()),
        _ => None,
    })
    .await;
    let state = wait_event(&mut events, "appState after kick", |e| match e {
        AppEvent::App(AppOwnEvent::AppState(s)) => Some(s.clone()),
        _ => None,
    })
    .await;
    assert!(!state.logged_in);
    assert_eq!(state.user_id, None, "the session is forgotten");
}

#[tokio::test]
async fn local_mode_embeds_a_server_that_other_instances_can_use() {
    confab_tests::init_logging();
    let host_dir = tempfile::tempdir().expect("temp dir");
    let host = open(host_dir.path());
    let state = state_of(&host, "app.chooseServer", json!({"mode": "local"})).await;
    assert_eq!(state.mode, Some(Mode::Local));
    let url = state.server_url.clone().expect("local server URL");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(host_dir.path().join("server").join("confab.db").exists());
    let state =
        state_of(&host, "app.register", json!({"userID": "alice", "password": "alice-secret"}))
            .await;
    assert!(state.logged_in);
    let mut host_events = host.events();

    let guest_dir = tempfile::tempdir().expect("temp dir");
    let guest = open(guest_dir.path());
    registered(&guest, &url, "bob").await;
    call(&guest, "tim.sendMessage", json!({"message": text_message("bob", "alice", "hey", 9)}))
        .await;
    let received = wait_event(&mut host_events, "message from bob", |e| match e {
        AppEvent::Sdk(Event::MessageReceived(list)) => Some(list.clone()),
        _ => None,
    })
    .await;
    assert_eq!(received[0].from, "bob");
    drop(guest);
    host.shutdown().await.expect("shutdown");
    drop(host);

    // Restarted, the embedded server comes back on the same port and the
    // saved session logs in again.
    let host = open(host_dir.path());
    assert_eq!(state_of(&host, "app.getState", json!({})).await.server_url, Some(url.clone()));
    let state = state_of(&host, "app.resume", json!({})).await;
    assert!(state.logged_in);
    assert_eq!(state.server_url, Some(url));
    assert_eq!(state.net_state, confab_sdk::NetState::Connected);
    host.shutdown().await.expect("shutdown");
}

/// A self-hosted server behind TLS: refused as untrusted until the user
/// gives the CA file; then registration, the SDK's `wss://` login and the
/// state (no plain-http warning, no net error) all work. A bad CA file
/// has its own code.
#[tokio::test]
async fn a_remote_https_server_needs_its_ca_file() {
    use confab_tests::tls::{TestCa, TlsProxy};
    let server = TestServer::start().await;
    let ca = TestCa::new("Self-hosted CA");
    let proxy = TlsProxy::start(server.addr(), &ca.issue(&["127.0.0.1"])).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = ca.write_pem(dir.path(), "ca.pem");
    let app = open(&dir.path().join("app"));
    let url = proxy.https_url();

    let untrusted = call_err(&app, "app.chooseServer", json!({"mode": "remote", "url": url})).await;
    assert_eq!(untrusted, code::TLS_CERTIFICATE_UNTRUSTED);
    let missing = dir.path().join("missing.pem");
    let bad = call_err(
        &app,
        "app.chooseServer",
        json!({"mode": "remote", "url": url, "caFile": missing.display().to_string()}),
    )
    .await;
    assert_eq!(bad, code::TLS_CA_FILE_INVALID);

    let state = state_of(
        &app,
        "app.chooseServer",
        json!({"mode": "remote", "url": url, "caFile": ca_file.display().to_string()}),
    )
    .await;
    assert_eq!(state.ca_file.as_deref(), Some(ca_file.display().to_string().as_str()));
    assert!(!state.insecure_transport);
    let state =
        state_of(&app, "app.register", json!({"userID": "alice", "password": "alice-secret"}))
            .await;
    assert!(state.logged_in);
    assert_eq!(state.net_state, confab_sdk::NetState::Connected);
    assert_eq!(state.net_error, None);
    app.shutdown().await.expect("shutdown");
    drop(app);

    // The CA file is remembered: a restart resumes over wss:// with it.
    let app = open(&dir.path().join("app"));
    let state = state_of(&app, "app.resume", json!({})).await;
    assert!(state.logged_in);
    assert_eq!(state.net_state, confab_sdk::NetState::Connected);
    app.shutdown().await.expect("shutdown");
}

/// The UserSig saved in the app's settings.json.
fn saved_sig(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("settings.json")).expect("settings");
    let settings: Value = serde_json::from_str(&text).expect("settings JSON");
    settings["session"]["userSig"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn the_saved_user_sig_follows_password_changes_and_renewals_and_signing_out_everywhere_forgets_it(
) {
    let server = TestServer::start_with(|c| {
        c.user_sig_expire_secs = 60;
        c.max_instances_per_user = 4;
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let registered_sig;
    let changed_sig;
    {
        let alice = open(dir.path());
        registered(&alice, &server.http_url(), "alice").await;
        registered_sig = saved_sig(dir.path()).expect("saved after register");
        let other = TestClient::login(&server, "alice").await;
        let args = json!({"oldPassword": "alice-secret", "newPassword": "alice-secret-2"});
        assert_eq!(call(&alice, "app.changePassword", args).await, json!({}));
        other
            .events
            .wait_for("the other instance is kicked", |events| {
                events.iter().any(|e| matches!(e, Event::KickedOut { .. })).then_some(())
            })
            .await;
        changed_sig = saved_sig(dir.path()).expect("still saved");
        assert_ne!(changed_sig, registered_sig, "the new UserSig replaced the saved one");
        alice.shutdown().await.expect("shutdown");
    }
    // Past half of the saved sig's life: resuming renews it at once and
    // saves the renewed one.
    server.clock.advance_ms(31_000);
    let alice = open(dir.path());
    let mut events = alice.events();
    let state = state_of(&alice, "app.resume", json!({})).await;
    assert!(state.logged_in);
    wait_event(&mut events, "SDK_READY forwarded", |e| {
        matches!(e, AppEvent::Sdk(Event::SdkReady)).then_some(())
    })
    .await;
    let renewed = saved_sig(dir.path()).expect("saved");
    assert_ne!(renewed, changed_sig, "renewed at login");
    for old in [&registered_sig, &changed_sig] {
        let dir = tempfile::tempdir().expect("temp dir");
        let client = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
        let refused = within("old sig", client.tim.login("alice", old)).await;
        assert_eq!(refused.expect_err("retired").code, code::ACCOUNT_A2KEY_EXPIRED);
    }

    let state = state_of(&alice, "app.signOutEverywhere", json!({})).await;
    assert!(!state.logged_in);
    assert_eq!(state.user_id, None);
    assert_eq!(saved_sig(dir.path()), None);
    let dir = tempfile::tempdir().expect("temp dir");
    let client = TestClient::create(&server, "alice", dir.path().to_path_buf(), None, false);
    let refused = within("renewed sig after sign-out", client.tim.login("alice", &renewed)).await;
    assert_eq!(refused.expect_err("retired").code, code::ACCOUNT_A2KEY_EXPIRED);
}

/// Signs `core` in as the registered alice on `server_url`.
async fn signed_in_as_alice(core: &AppCore, server_url: &str) {
    call(core, "app.chooseServer", json!({"mode": "remote", "url": server_url})).await;
    let creds = json!({"userID": "alice", "password": "alice-secret"});
    assert!(state_of(core, "app.login", creds).await.logged_in);
}

/// Issue 12 (multi-instance versus multi-device): the shell's platform goes
/// into every login. The desktop app and a web page of the same account are
/// online together; a second desktop app kicks the first.
// checklist 1091: KICKED_OUT_MULT_DEVICE ('multipleDevice'): kicked by a
// login on another terminal.
#[tokio::test]
async fn the_shell_platform_decides_who_a_login_kicks() {
    let server = TestServer::start().await;
    let open_as = |dir: &std::path::Path, platform: Platform| {
        AppCore::open(AppOptions { locale: Some("en-US".into()), platform, ..AppOptions::new(dir) })
            .expect("open app")
    };
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("temp dir")).collect();
    let desktop = open_as(dirs[0].path(), Platform::Desktop);
    let mut desktop_events = desktop.events();
    registered(&desktop, &server.http_url(), "alice").await;
    let web = open_as(dirs[1].path(), Platform::Web);
    let mut web_events = web.events();
    signed_in_as_alice(&web, &server.http_url()).await;

    let bob = TestClient::login(&server, "bob").await;
    bob.send_text("alice", "to the desktop and the page").await;
    for (events, who) in [(&mut desktop_events, "desktop"), (&mut web_events, "web page")] {
        let text = wait_event(events, who, |e| match e {
            AppEvent::Sdk(Event::KickedOut { kick_type }) => panic!("{who} kicked: {kick_type}"),
            AppEvent::Sdk(Event::MessageReceived(list)) => Some(list[0].payload.clone()),
            _ => None,
        })
        .await;
        assert_eq!(text["text"], "to the desktop and the page");
    }

    let desktop2 = open_as(dirs[2].path(), Platform::Desktop);
    signed_in_as_alice(&desktop2, &server.http_url()).await;
    let kind = wait_event(&mut desktop_events, "the first desktop kicked", |e| match e {
        AppEvent::Sdk(Event::KickedOut { kick_type }) => Some(kick_type.clone()),
        _ => None,
    })
    .await;
    assert_eq!(kind, confab_proto::constants::types::KICKED_OUT_MULT_DEVICE);
    bob.send_text("alice", "to the page and the new desktop").await;
    for (core, who) in [(&web, "web page"), (&desktop2, "second desktop")] {
        let state = state_of(core, "app.getState", json!({})).await;
        assert!(state.logged_in, "{who} still signed in");
    }
    let text = wait_event(&mut web_events, "the page still receives", |e| match e {
        AppEvent::Sdk(Event::KickedOut { kick_type }) => panic!("web page kicked: {kick_type}"),
        AppEvent::Sdk(Event::MessageReceived(list)) => Some(list[0].payload.clone()),
        _ => None,
    })
    .await;
    assert_eq!(text["text"], "to the page and the new desktop");
    for core in [desktop, web, desktop2] {
        core.shutdown().await.expect("shutdown");
    }
}

/// A group text message built the way the UI facade builds it.
fn group_text_message(from: &str, group_id: &str, text: &str, random: u64) -> Value {
    let mut m = text_message(from, group_id, text, random);
    m["conversationID"] = json!(format!("GROUP{group_id}"));
    m["conversationType"] = json!("GROUP");
    m
}

#[tokio::test]
async fn group_commands_carry_tim_shapes_and_codes() {
    let server = TestServer::start().await;
    let (alice_dir, bob_dir) =
        (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let alice = open(alice_dir.path());
    let bob = open(bob_dir.path());
    registered(&alice, &server.http_url(), "alice").await;
    registered(&bob, &server.http_url(), "bob").await;
    let mut alice_events = alice.events();
    let mut bob_events = bob.events();

    // checklist 692: `imResponse.data.group` is the created group's profile.
    // checklist 693: `imResponse.data.overLimitUserIDList` …
    let created = call(
        &alice,
        "tim.createGroup",
        json!({"name": "Friends", "type": "Public", "groupID": "friends", "joinOption": "FreeAccess"}),
    )
    .await;
    assert_eq!(created["group"]["groupID"], "friends");
    assert_eq!(created["group"]["type"], "Public");
    assert_eq!(created["overLimitUserIDList"], json!([]));
    // checklist 694: GROUP_LIST_UPDATED fires for the creator … (the app forwards it as is).
    let listed = wait_event(&mut alice_events, "onGroupListUpdated", |e| match e {
        AppEvent::Sdk(Event::GroupListUpdated(list)) => Some(list.clone()),
        _ => None,
    })
    .await;
    assert!(listed.iter().any(|g| g.group_id.0 == "friends"));
    // checklist 652: `imResponse.data.groupList` = [Group].
    let list = call(&alice, "tim.getGroupList", json!({})).await;
    assert_eq!(list["groupList"][0]["groupID"], "friends");
    let profile = call(&alice, "tim.getGroupProfile", json!({"groupID": "friends"})).await;
    assert_eq!(profile["group"]["name"], "Friends");

    // checklist 741: `imResponse.data.group` holds the group's information.
    let found = call(&bob, "tim.searchGroupByID", json!({"groupID": "friends"})).await;
    assert_eq!(found["group"]["groupID"], "friends");
    // checklist 726: FreeAccess: the user joins at once (status JoinedSuccess).
    let joined = call(&bob, "tim.joinGroup", json!({"groupID": "friends"})).await;
    assert_eq!(joined["status"], "JoinedSuccess");
    assert_eq!(joined["group"]["groupID"], "friends");
    // checklist 724: Already being a member resolves; it does not reject.
    let again = call(&bob, "tim.joinGroup", json!({"groupID": "friends"})).await;
    assert_eq!(again["status"], "AlreadyInGroup");
    let members = call(
        &alice,
        "tim.getGroupMemberList",
        json!({"groupID": "friends", "count": 15, "offset": 0}),
    )
    .await;
    assert_eq!(members["memberList"].as_array().map(Vec::len), Some(2));
    assert_eq!(members["offset"], 0);

    // A group message: conversationType GROUP, `to` the group ID.
    let sent = call(
        &alice,
        "tim.sendMessage",
        json!({"message": group_text_message("alice", "friends", "hello group", 7)}),
    )
    .await;
    assert_eq!(sent["message"]["status"], "success");
    let received = wait_event(&mut bob_events, "group message", |e| match e {
        AppEvent::Sdk(Event::MessageReceived(list)) => {
            // The join tip comes first: wait for the text.
            list.iter()
                .find(|m| m.conversation_id == "GROUPfriends" && m.payload.get("text").is_some())
                .cloned()
        }
        _ => None,
    })
    .await;
    assert_eq!(received.payload["text"], "hello group");

    // checklist 791: `imResponse.data.groupAttributes` holds the attributes that were set.
    let set = call(
        &alice,
        "tim.setGroupAttributes",
        json!({"groupID": "friends", "groupAttributes": {"k": "v"}}),
    )
    .await;
    assert_eq!(set["groupAttributes"], json!({"k": "v"}));
    let got =
        call(&bob, "tim.getGroupAttributes", json!({"groupID": "friends", "keyList": []})).await;
    assert_eq!(got["groupAttributes"], json!({"k": "v"}));
    // checklist 815: `imResponse.data` = { groupID, key, value } …
    let counter = call(
        &alice,
        "tim.increaseGroupCounter",
        json!({"groupID": "friends", "key": "n", "value": 2}),
    )
    .await;
    assert_eq!(counter, json!({"groupID": "friends", "key": "n", "value": 2}));
    let counters = call(&bob, "tim.getGroupCounters", json!({"groupID": "friends"})).await;
    assert_eq!(counters["counters"], json!({"n": 2}));
    wait_event(&mut bob_events, "onGroupCounterUpdated", |e| match e {
        AppEvent::Sdk(Event::GroupCounterUpdated { key, value, .. })
            if key == "n" && *value == 2 =>
        {
            Some(())
        }
        _ => None,
    })
    .await;
    let applications = call(&alice, "tim.getGroupApplicationList", json!({})).await;
    assert_eq!(applications["applicationList"], json!([]));
    let online = call(&alice, "tim.getGroupOnlineMemberCount", json!({"groupID": "friends"})).await;
    // checklist 745: … For a non-AVChatRoom group … returns `memberCount === 0` …
    assert_eq!(online["memberCount"], 0);

    // checklist 751: Only the group owner may transfer ownership (tsv: 2681 NOT_OWNER).
    assert_eq!(
        call_err(&bob, "tim.changeGroupOwner", json!({"groupID": "friends", "newOwnerID": "bob"}))
            .await,
        code::NOT_OWNER
    );
    // checklist 735: `imResponse.data.groupID` is the group that was left.
    let quit = call(&bob, "tim.quitGroup", json!({"groupID": "friends"})).await;
    assert_eq!(quit, json!({"groupID": "friends"}));
    // checklist 719: Work groups cannot be joined by request (tsv: 2601 CANNOT_JOIN_WORK).
    call(&alice, "tim.createGroup", json!({"name": "Work", "groupID": "work1"})).await;
    assert_eq!(
        call_err(&bob, "tim.joinGroup", json!({"groupID": "work1"})).await,
        code::CANNOT_JOIN_WORK
    );
    // Arguments of the wrong shape are refused before the SDK.
    assert_eq!(
        call_err(&alice, "tim.quitGroup", json!({"group": 1})).await,
        code::INVALID_OPERATION
    );
    // checklist 701: `imResponse.data.groupID` is the dismissed group's ID.
    let dismissed = call(&alice, "tim.dismissGroup", json!({"groupID": "friends"})).await;
    assert_eq!(dismissed, json!({"groupID": "friends"}));
}

#[tokio::test]
async fn the_member_and_value_group_commands_take_tim_arguments() {
    let server = TestServer::start().await;
    let (alice_dir, bob_dir) =
        (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let alice = open(alice_dir.path());
    let bob = open(bob_dir.path());
    registered(&alice, &server.http_url(), "alice").await;
    registered(&bob, &server.http_url(), "bob").await;
    let g = json!("team");
    call(&alice, "tim.createGroup", json!({"name": "Team", "type": "Public", "groupID": g})).await;

    let added =
        call(&alice, "tim.addGroupMember", json!({"groupID": g, "userIDList": ["bob"]})).await;
    assert_eq!(added["successUserIDList"], json!(["bob"]));
    assert_eq!(added["group"]["groupID"], g);
    let profiles =
        call(&alice, "tim.getGroupMemberProfile", json!({"groupID": g, "userIDList": ["bob"]}))
            .await;
    assert_eq!(profiles["memberList"][0]["userID"], "bob");
    let card =
        call(&alice, "tim.setGroupMemberNameCard", json!({"groupID": g, "nameCard": "Al"})).await;
    assert_eq!(card["member"]["nameCard"], "Al");
    let role = call(
        &alice,
        "tim.setGroupMemberRole",
        json!({"groupID": g, "userID": "bob", "role": "Admin"}),
    )
    .await;
    assert_eq!(role["member"]["role"], "Admin");
    let muted = call(
        &alice,
        "tim.setGroupMemberMuteTime",
        json!({"groupID": g, "userID": "bob", "muteTime": 60}),
    )
    .await;
    assert!(muted["member"]["muteUntil"].as_i64().is_some_and(|t| t > 0));
    let updated =
        call(&alice, "tim.updateGroupProfile", json!({"groupID": g, "introduction": "we"})).await;
    assert_eq!(updated["group"]["introduction"], "we");

    let init = call(
        &alice,
        "tim.initGroupAttributes",
        json!({"groupID": g, "groupAttributes": {"a": "1", "b": "2"}}),
    )
    .await;
    assert_eq!(init["groupAttributes"], json!({"a": "1", "b": "2"}));
    let deleted =
        call(&alice, "tim.deleteGroupAttributes", json!({"groupID": g, "keyList": ["a"]})).await;
    assert_eq!(deleted, json!({"keyList": ["a"]}));
    let counters =
        call(&alice, "tim.setGroupCounters", json!({"groupID": g, "counters": {"c": 5}})).await;
    assert_eq!(counters, json!({"counters": {"c": 5}}));
    let lower =
        call(&alice, "tim.decreaseGroupCounter", json!({"groupID": g, "key": "c", "value": 1}))
            .await;
    assert_eq!(lower, json!({"groupID": "team", "key": "c", "value": 4}));

    let removed = call(
        &alice,
        "tim.deleteGroupMember",
        json!({"groupID": g, "userIDList": ["bob"], "reason": "", "duration": 0}),
    )
    .await;
    assert_eq!(removed["userIDList"], json!(["bob"]));
    call(&alice, "tim.addGroupMember", json!({"groupID": g, "userIDList": ["bob"]})).await;
    // checklist 754: `imResponse.data.group` is the updated group, with `ownerID === newOwnerID`.
    let owner =
        call(&alice, "tim.changeGroupOwner", json!({"groupID": g, "newOwnerID": "bob"})).await;
    assert_eq!(owner["group"]["ownerID"], "bob");
}

#[tokio::test]
async fn a_conversation_exports_as_html_and_json_and_the_store_backs_up_and_restores() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = open(dir.path());
    registered(&alice, &server.http_url(), "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    bob.send_text("alice", "hello <script>alert(1)</script>").await;
    bob.send_text("alice", "第二行\nline two").await;
    let mut events = alice.events();
    call(
        &alice,
        "tim.sendMessage",
        json!({"message": text_message("alice", "bob", "bye & see you", 7)}),
    )
    .await;
    wait_event(&mut events, "alice's conversation list", |e| match e {
        AppEvent::Sdk(Event::ConversationListUpdated(list)) => {
            list.iter().any(|c| c.conversation_id == "C2Cbob").then_some(())
        }
        _ => None,
    })
    .await;

    // HTML: every message, escaped, with Chinese labels when asked.
    let html = call(
        &alice,
        "app.exportConversation",
        json!({"conversationID": "C2Cbob", "format": "html", "title": "Bob <B>", "language": "zh"}),
    )
    .await;
    assert_eq!(html["messageCount"], 3);
    assert!(html["fileName"].as_str().expect("name").starts_with("Bob-B-"), "{html}");
    let page = std::fs::read_to_string(html["path"].as_str().expect("path")).expect("read");
    assert!(page.contains("hello &lt;script&gt;alert(1)&lt;/script&gt;"), "escaped");
    assert!(!page.contains("<script>"), "no markup from messages");
    assert!(page.contains("第二行<br>line two"));
    assert!(page.contains("bye &amp; see you"));
    assert!(page.contains("<title>Bob &lt;B&gt;</title>"));
    assert!(page.contains("导出于") && page.contains("3 条消息"));
    // Named by its content in the download cache, like every cached file.
    let name = std::path::Path::new(html["path"].as_str().expect("path"))
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    assert_eq!(name.len(), 64 + ".html".len(), "{name}");

    // JSON: TIM Message objects, oldest first.
    let exported = call(
        &alice,
        "app.exportConversation",
        json!({"conversationID": "C2Cbob", "format": "json"}),
    )
    .await;
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(exported["path"].as_str().expect("path")).expect("read"),
    )
    .expect("JSON");
    let texts: Vec<&str> = doc["messageList"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["payload"]["text"].as_str())
        .collect();
    assert_eq!(texts, ["hello <script>alert(1)</script>", "第二行\nline two", "bye & see you"]);
    assert_eq!(doc["conversationID"], "C2Cbob");
    assert_eq!(
        call_err(
            &alice,
            "app.exportConversation",
            json!({"conversationID": "bob", "format": "json"})
        )
        .await,
        code::INVALID_CONVERSATION_ID
    );

    // Back up; a new installation signs in (its fresh store has the
    // conversation but not its old messages, so the local search finds
    // nothing), restores the backup (the search finds them), and the
    // session goes on: a message sent after the restore arrives.
    let backup = call(&alice, "app.backupLocalStore", json!({})).await;
    let backup_path = backup["path"].as_str().expect("path").to_owned();
    assert!(backup["fileName"].as_str().expect("name").starts_with("confab-backup-alice-"));
    let search = json!({"keywordList": ["hello"]});
    assert_eq!(call(&alice, "tim.searchLocalMessages", search.clone()).await["totalCount"], 1);
    drop(alice);
    let new_dir = tempfile::tempdir().expect("temp dir");
    let alice = open(new_dir.path());
    call(&alice, "app.chooseServer", json!({"mode": "remote", "url": server.http_url()})).await;
    let mut events = alice.events();
    state_of(&alice, "app.login", json!({"userID": "alice", "password": "alice-secret"})).await;
    wait_event(&mut events, "ready", |e| matches!(e, AppEvent::Sdk(Event::SdkReady)).then_some(()))
        .await;
    assert_eq!(call(&alice, "tim.searchLocalMessages", search.clone()).await["totalCount"], 0);
    // The desktop host lets a chosen file be read: the copy the user picked.
    let chosen = new_dir.path().join("my-backup.sqlite");
    std::fs::copy(&backup_path, &chosen).expect("copy");
    call(&alice, "app.restoreLocalStore", json!({"path": chosen.to_string_lossy()})).await;
    wait_event(&mut events, "ready again", |e| {
        matches!(e, AppEvent::Sdk(Event::SdkReady)).then_some(())
    })
    .await;
    assert_eq!(call(&alice, "tim.searchLocalMessages", search).await["totalCount"], 1);
    bob.send_text("alice", "after the restore").await;
    wait_event(&mut events, "a message after the restore", |e| match e {
        AppEvent::Sdk(Event::MessageReceived(list)) => {
            list.iter().any(|m| m.payload["text"] == "after the restore").then_some(())
        }
        _ => None,
    })
    .await;

    // Not a backup, or another account's: refused, nothing changes.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, "not a database").expect("write");
    assert_eq!(
        call_err(&alice, "app.restoreLocalStore", json!({"path": junk.to_string_lossy()})).await,
        code::INVALID_OPERATION
    );
    let carol_dir = tempfile::tempdir().expect("temp dir");
    let carol = open(carol_dir.path());
    registered(&carol, &server.http_url(), "carol").await;
    assert_eq!(
        call_err(&carol, "app.restoreLocalStore", json!({"path": chosen.to_string_lossy()})).await,
        code::INVALID_OPERATION
    );
    assert_eq!(call(&alice, "tim.getTotalUnreadMessageCount", json!({})).await, json!(3));
}

/// The summary of `user`'s account in a state.
fn account<'a>(state: &'a AppState, user: &str, server: &str) -> &'a confab_app::AccountSummary {
    state
        .accounts
        .iter()
        .find(|a| a.user_id == user && a.server_url == server)
        .unwrap_or_else(|| panic!("no account {user} on {server} in {:?}", state.accounts))
}

/// Waits for `confab.accountMessages` and returns (accountID, userID, texts).
async fn account_messages(
    events: &mut broadcast::Receiver<AppEvent>,
    what: &str,
) -> (String, String, Vec<String>) {
    wait_event(events, what, |e| match e {
        AppEvent::App(AppOwnEvent::AccountMessages { account_id, user_id, messages }) => Some((
            account_id.clone(),
            user_id.clone(),
            messages
                .iter()
                .map(|m| serde_json::to_value(&m.payload).expect("payload")["text"].to_string())
                .collect(),
        )),
        _ => None,
    })
    .await
}

/// Issue 17, several accounts: alice and bob on the embedded server and
/// carol and another "alice" on a remote one, all signed in at once, each
/// with its own store. The active account answers the `tim.*` commands;
/// the others stay connected, count their unread messages for the rail and
/// announce what wants a notification (not what is muted); switching needs
/// no restart; everything survives a restart; signing out or being kicked
/// out of one leaves the others signed in.
#[tokio::test]
async fn several_accounts_on_two_servers_stay_signed_in_and_switch() {
    let remote = TestServer::start().await;
    let remote_url = remote.http_url();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = open(dir.path());
    assert_eq!(call_err(&app, "app.addAccount", json!({})).await, code::INVALID_OPERATION);

    // alice on the embedded server.
    call(&app, "app.chooseServer", json!({"mode": "local"})).await;
    let state =
        state_of(&app, "app.register", json!({"userID": "alice", "password": "alice-secret"}))
            .await;
    let local_url = state.server_url.clone().expect("local URL");
    assert_eq!(state.account_id.as_deref(), Some("local|alice"));
    assert_eq!(state.accounts.len(), 1);

    // Add carol on the remote server: alice stays signed in meanwhile.
    let state = state_of(&app, "app.addAccount", json!({})).await;
    assert!(!state.logged_in && state.user_id.is_none() && state.account_id.is_none());
    assert_eq!(state.accounts.len(), 1);
    assert!(!account(&state, "alice", &local_url).active);
    assert!(account(&state, "alice", &local_url).logged_in, "in the background");
    let state = registered(&app, &remote_url, "carol").await;
    assert_eq!(state.user_id.as_deref(), Some("carol"));
    assert!(account(&state, "carol", &remote_url).active);
    assert!(!account(&state, "alice", &local_url).active);

    // And bob, on the embedded server again (still running for alice).
    state_of(&app, "app.addAccount", json!({})).await;
    call(&app, "app.chooseServer", json!({"mode": "local"})).await;
    let state =
        state_of(&app, "app.register", json!({"userID": "bob", "password": "bob-secret-1"})).await;
    assert_eq!(
        state.accounts.iter().map(|a| a.user_id.as_str()).collect::<Vec<_>>(),
        ["alice", "carol", "bob"],
        "in the order they signed in"
    );
    assert!(state.accounts.iter().all(|a| a.logged_in));

    // bob writes to alice: her background account counts it and asks for
    // a notification, naming itself.
    let mut events = app.events();
    call(&app, "tim.sendMessage", json!({"message": text_message("bob", "alice", "hi alice", 1)}))
        .await;
    let (id, user, texts) = account_messages(&mut events, "alice's background message").await;
    assert_eq!((id.as_str(), user.as_str()), ("local|alice", "alice"));
    assert_eq!(texts, ["\"hi alice\""]);
    let state = wait_event(&mut events, "alice's unread count", |e| match e {
        AppEvent::App(AppOwnEvent::AppState(s))
            if account(s, "alice", &local_url).unread_count == 1 =>
        {
            Some(s.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(state.account_id.as_deref(), Some("local|bob"), "bob stays active");

    // A remote peer writes to carol in the background.
    let erin = TestClient::login(&remote, "erin").await;
    erin.send_text("carol", "hi carol").await;
    let (id, _, texts) = account_messages(&mut events, "carol's background message").await;
    assert_eq!(id, format!("{remote_url}|carol"));
    assert_eq!(texts, ["\"hi carol\""]);

    // Switching: SDK_NOT_READY, the new state, SDK_READY; then the
    // commands are alice's, from her own store.
    let mut events = app.events();
    let state = state_of(&app, "app.switchAccount", json!({"accountID": "local|alice"})).await;
    assert_eq!(state.user_id.as_deref(), Some("alice"));
    assert!(state.logged_in);
    let order: Vec<&str> = state.accounts.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(order, ["alice", "carol", "bob"], "still in the order they signed in");
    assert!(account(&state, "alice", &local_url).active);
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("ready") {
        let next = wait_event(&mut events, "switch events", |e| match e {
            AppEvent::Sdk(Event::SdkNotReady) => Some("notReady".to_owned()),
            AppEvent::Sdk(Event::SdkReady) => Some("ready".to_owned()),
            AppEvent::App(AppOwnEvent::AppState(s)) => s.user_id.clone(),
            _ => None,
        })
        .await;
        seen.push(next);
    }
    assert_eq!(seen, ["notReady", "alice", "ready"]);
    let me = call(&app, "tim.getMyProfile", json!({})).await;
    assert_eq!(me["userID"], "alice");
    let list = call(&app, "tim.getConversationList", json!({})).await;
    assert_eq!(list["conversationList"][0]["conversationID"], "C2Cbob");
    assert_eq!(list["conversationList"][0]["unreadCount"], 1);
    call(&app, "tim.setMessageRead", json!({"conversationID": "C2Cbob"})).await;

    // alice mutes bob: bob's next message counts for nothing and asks for
    // no notification; carol's still does.
    let mut events = app.events();
    call(
        &app,
        "tim.setMessageRemindType",
        json!({"userIDList": ["bob"], "messageRemindType": "AcceptNotNotify"}),
    )
    .await;
    wait_event(&mut events, "bob muted in alice's store", |e| match e {
        AppEvent::Sdk(Event::ConversationListUpdated(list)) => list
            .iter()
            .any(|c| c.conversation_id == "C2Cbob" && c.message_remind_type == "AcceptNotNotify")
            .then_some(()),
        _ => None,
    })
    .await;
    state_of(&app, "app.switchAccount", json!({"accountID": "local|bob"})).await;
    let mut events = app.events();
    call(&app, "tim.sendMessage", json!({"message": text_message("bob", "alice", "muted", 2)}))
        .await;
    erin.send_text("carol", "second").await;
    let (id, _, texts) = account_messages(&mut events, "the next notification").await;
    assert_eq!(id, format!("{remote_url}|carol"), "alice's muted message asked for none");
    assert_eq!(texts, ["\"second\""]);
    let state = state_of(&app, "app.getState", json!({})).await;
    assert_eq!(account(&state, "alice", &local_url).unread_count, 0);
    assert_eq!(account(&state, "carol", &remote_url).unread_count, 2);

    // The same user ID on the remote server is another account, with its
    // own store: none of the embedded server's alice's conversations.
    state_of(&app, "app.addAccount", json!({})).await;
    let state = registered(&app, &remote_url, "alice").await;
    assert_eq!(state.accounts.len(), 4);
    assert_eq!(state.account_id, Some(format!("{remote_url}|alice")));
    let list = call(&app, "tim.getConversationList", json!({})).await;
    assert_eq!(list["conversationList"], json!([]), "its own store");

    // Signing in again as an account signed in already switches to it.
    state_of(&app, "app.addAccount", json!({})).await;
    call(&app, "app.chooseServer", json!({"mode": "local"})).await;
    let state =
        state_of(&app, "app.login", json!({"userID": "bob", "password": "bob-secret-1"})).await;
    assert_eq!(state.account_id.as_deref(), Some("local|bob"));
    assert_eq!(state.accounts.len(), 4, "no second bob");
    assert_eq!(call_err(&app, "app.switchAccount", json!({"accountID": "nobody"})).await, {
        code::INVALID_OPERATION
    });

    // A restart: every account comes back; the rail's order too.
    let before: Vec<String> = state.accounts.iter().map(|a| a.account_id.clone()).collect();
    app.shutdown().await.expect("shutdown");
    drop(app);
    let app = open(dir.path());
    let state = state_of(&app, "app.getState", json!({})).await;
    assert_eq!(state.account_id.as_deref(), Some("local|bob"));
    assert!(state.accounts.iter().all(|a| !a.logged_in));
    let state = state_of(&app, "app.resume", json!({})).await;
    assert!(state.accounts.iter().all(|a| a.logged_in), "{:?}", state.accounts);
    let after: Vec<String> = state.accounts.iter().map(|a| a.account_id.clone()).collect();
    assert_eq!(after, before);
    assert_eq!(account(&state, "carol", &remote_url).unread_count, 2, "from carol's store");

    // carol signs in on another device: only her account here is signed out.
    let mut events = app.events();
    let _carol_elsewhere = TestClient::login(&remote, "carol").await;
    let state = wait_event(&mut events, "carol signed out here", |e| match e {
        AppEvent::App(AppOwnEvent::AppState(s)) if s.accounts.len() == 3 => Some(s.clone()),
        _ => None,
    })
    .await;
    assert!(state.accounts.iter().all(|a| a.user_id != "carol"));
    assert_eq!(state.account_id.as_deref(), Some("local|bob"));
    let (id, user, kick) = wait_event(&mut events, "why carol was signed out", |e| match e {
        AppEvent::App(AppOwnEvent::AccountSignedOut { account_id, user_id, kick_type }) => {
            Some((account_id.clone(), user_id.clone(), kick_type.clone()))
        }
        _ => None,
    })
    .await;
    assert_eq!(
        (id, user.as_str(), kick.as_str()),
        (format!("{remote_url}|carol"), "carol", "multipleAccount")
    );

    // Logging bob out shows the account that signed in first (alice).
    let state = state_of(&app, "app.logout", json!({})).await;
    assert_eq!(state.account_id.as_deref(), Some("local|alice"));
    assert!(state.logged_in);
    assert_eq!(state.accounts.len(), 2);
    let me = call(&app, "tim.getMyProfile", json!({})).await;
    assert_eq!(me["userID"], "alice");
    let settings = std::fs::read_to_string(dir.path().join("settings.json")).expect("settings");
    assert!(!settings.contains("\"bob\""), "bob's session is forgotten: {settings}");
    app.shutdown().await.expect("shutdown");
}
