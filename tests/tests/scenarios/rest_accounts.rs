//! The REST API's accounts and its envelope, as an application backend
//! sees them: TIM's URL parameters, `{ActionStatus, ErrorCode, ErrorInfo}`,
//! the admin's UserSig, and what each command does to users' instances.

use confab_tests::rest::RestClient;
use confab_tests::{within, TestClient, TestServer};
use serde_json::json;

#[tokio::test]
async fn accounts_are_imported_checked_kicked_and_deleted_over_rest() {
    let server = TestServer::start().await;
    let rest = RestClient::new(&server);
    rest.ok("im_open_login_svc/account_import", json!({"UserID": "bot", "Nick": "Helper Bot", "FaceUrl": "https://example.invalid/bot.png"})).await;
    // Importing again changes nothing and succeeds (TIM's import is idempotent).
    rest.ok("im_open_login_svc/account_import", json!({"UserID": "bot"})).await;
    let alice = TestClient::login(&server, "alice").await;
    let profiles =
        within("profile", alice.tim.get_user_profile(vec!["bot".into()])).await.expect("profile");
    assert_eq!(profiles[0].nick, "Helper Bot");
    assert_eq!(profiles[0].avatar, "https://example.invalid/bot.png");

    let answer = rest
        .ok(
            "im_open_login_svc/multiaccount_import",
            json!({"Accounts": ["carol", "dave", "has space", ""]}),
        )
        .await;
    assert_eq!(answer["FailAccounts"], json!(["has space", ""]));
    let too_many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    rest.fails("im_open_login_svc/multiaccount_import", json!({"Accounts": too_many}), 70398).await;

    let answer = rest
        .ok(
            "im_open_login_svc/account_check",
            json!({"CheckItem": [{"UserID": "carol"}, {"UserID": "nobody"}]}),
        )
        .await;
    assert_eq!(answer["ResultItem"][0]["AccountStatus"], "Imported");
    assert_eq!(answer["ResultItem"][1]["AccountStatus"], "NotImported");
    assert_eq!(answer["ResultItem"][1]["UserID"], "nobody");

    let answer = rest
        .ok(
            "openim/query_online_status",
            json!({"To_Account": ["alice", "carol", "nobody"], "IsNeedDetail": 1}),
        )
        .await;
    assert_eq!(answer["QueryResult"][0]["To_Account"], "alice");
    assert_eq!(answer["QueryResult"][0]["Status"], "Online");
    assert_eq!(answer["QueryResult"][0]["Detail"].as_array().map(Vec::len), Some(1));
    assert_eq!(answer["QueryResult"][1]["Status"], "Offline");
    assert_eq!(answer["ErrorList"], json!([{"To_Account": "nobody", "ErrorCode": 70107}]));

    // A kick signs every instance out with TIM's REST reason.
    rest.ok("im_open_login_svc/kick", json!({"UserID": "alice"})).await;
    let kick = alice.events.wait_kicked().await;
    assert_eq!(kick, "REST_API_Kick");
    rest.fails("im_open_login_svc/kick", json!({"UserID": "nobody"}), 70107).await;

    // Deleting retires the account's UserSigs: a sig minted before can no
    // longer log in.
    let old_sig = server.user_sig("dave");
    server.clock.advance_ms(1_000);
    let answer = rest
        .ok(
            "im_open_login_svc/account_delete",
            json!({"DeleteItem": [{"UserID": "dave"}, {"UserID": "ghost"}]}),
        )
        .await;
    assert_eq!(
        answer["ResultItem"][0],
        json!({"ResultCode": 0, "ResultInfo": "", "UserID": "dave"})
    );
    assert_eq!(answer["ResultItem"][1]["ResultCode"], 70107);
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("dir"));
    let dave =
        TestClient::create(&server, "dave", dir.path().to_path_buf(), Some(dir.clone()), false);
    let refused = within("login", dave.tim.login("dave", &old_sig)).await.expect_err("retired sig");
    assert_eq!(refused.code, confab_proto::code::ACCOUNT_A2KEY_EXPIRED, "{refused:?}");
}

#[tokio::test]
async fn the_envelope_refuses_what_is_not_an_authenticated_admin_request() {
    let server = TestServer::start().await;
    let app = server.sdk_app_id();
    let body = json!({"CheckItem": [{"UserID": "x"}]});
    let path = "im_open_login_svc/account_check";
    let sig = server.user_sig("administrator");
    let with = |query: String| RestClient::with_query(&server, query);
    with(format!("identifier=administrator&usersig={sig}")).fails(path, body.clone(), 60012).await;
    with(format!("sdkappid={}&identifier=administrator&usersig={sig}", app + 1))
        .fails(path, body.clone(), 60006)
        .await;
    with(format!("sdkappid={app}&identifier=administrator")).fails(path, body.clone(), 60004).await;
    with(format!("sdkappid={app}&identifier=administrator&usersig={sig}&contenttype=xml"))
        .fails(path, body.clone(), 60017)
        .await;
    with(format!("sdkappid={app}&identifier=administrator&usersig=garbage"))
        .fails(path, body.clone(), 70003)
        .await;
    // A sig of another user under the admin's name, and a user's own sig.
    with(format!("sdkappid={app}&identifier=administrator&usersig={}", server.user_sig("alice")))
        .fails(path, body.clone(), 70013)
        .await;
    RestClient::as_admin(&server, "alice").fails(path, body.clone(), 60010).await;
    let rest = RestClient::new(&server);
    rest.fails(path, json!([1, 2]), 60003).await;
    rest.fails(path, json!({"CheckItem": "not a list"}), 70402).await;
    let answer = rest.call("no_such_svc/nothing", json!({})).await;
    assert_eq!(answer["ErrorCode"], 60009, "{answer}");
    // Another administrator, when the server lists it.
    let server = TestServer::start_with(|c| c.admin_identifiers = vec!["ops".into()]).await;
    RestClient::as_admin(&server, "ops").ok(path, body.clone()).await;
    RestClient::new(&server).fails(path, body, 60010).await;
}

#[tokio::test]
async fn the_openapi_document_lists_every_command() {
    let server = TestServer::start().await;
    let url = format!("{}{}", server.http_url(), confab_server::rest::OPENAPI_PATH);
    let document: serde_json::Value =
        within("document", async { reqwest::get(url).await?.json().await }).await.expect("JSON");
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().expect("paths");
    for path in ["/v4/im_open_login_svc/account_import", "/v4/openim/query_online_status"] {
        let operation = &paths[path]["post"];
        assert!(
            operation["requestBody"]["content"]["application/json"]["schema"].is_object(),
            "{path}"
        );
    }
}
