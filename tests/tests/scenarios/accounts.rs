//! Accounts over HTTP under attack: password guessing backs off per account
//! and per address (on the server clock), an unknown userID is refused
//! exactly like a wrong password, and a web page cannot register or log in
//! through the browser (CSRF), while native clients (the SDK, the CLI) can.

use confab_proto::code;
use confab_sdk::account;
use confab_tests::{within, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

const PASSWORD: &str = "correct horse";

/// A login refused with `expected`; returns the error's `data`.
async fn refused(server: &TestServer, user: &str, password: &str, expected: i32) -> Option<Value> {
    let result = within("login answer", account::login(&server.http_url(), user, password)).await;
    let err = result.expect_err("login refused");
    assert_eq!(err.code, expected, "{user}: {err:?}");
    err.data
}

/// The same as a raw request from `source`: status and body.
async fn login_from(server: &TestServer, source: IpAddr, user: &str) -> (StatusCode, Value) {
    let http = reqwest::Client::builder().local_address(source).build().expect("client");
    let response = within(
        "login answer",
        http.post(format!("{}{}", server.http_url(), confab_proto::account::LOGIN_PATH))
            .json(&json!({"userID": user, "password": "wrong password"}))
            .send(),
    )
    .await
    .expect("send");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

#[tokio::test]
async fn repeated_wrong_passwords_back_off_until_the_wait_has_passed() {
    let server = TestServer::start().await;
    account::register(&server.http_url(), "alice", PASSWORD).await.expect("register");
    for _ in 0..5 {
        refused(&server, "alice", "wrong password", code::INVALID_CREDENTIALS).await;
    }
    // The sixth attempt waits a second, even with the right password, and
    // no password is checked meanwhile.
    let data = refused(&server, "alice", PASSWORD, code::OVER_FREQUENCY_LIMIT).await;
    assert_eq!(data, Some(json!({"retryAfterMs": 1_000})));
    server.clock.advance_ms(1_000);
    refused(&server, "alice", "wrong again", code::INVALID_CREDENTIALS).await;
    // Each failure past the allowance doubles the wait.
    let data = refused(&server, "alice", PASSWORD, code::OVER_FREQUENCY_LIMIT).await;
    assert_eq!(data, Some(json!({"retryAfterMs": 2_000})));
    server.clock.advance_ms(1_999);
    refused(&server, "alice", PASSWORD, code::OVER_FREQUENCY_LIMIT).await;
    server.clock.advance_ms(1);
    let grant =
        account::login(&server.http_url(), "alice", PASSWORD).await.expect("after the wait");
    assert_eq!(grant.user_id.as_str(), "alice");
    // Success starts the count afresh; another account was never affected.
    refused(&server, "alice", "wrong password", code::INVALID_CREDENTIALS).await;
    account::register(&server.http_url(), "bob", PASSWORD).await.expect("register bob");
    account::login(&server.http_url(), "bob", PASSWORD).await.expect("bob logs in");
}

#[tokio::test]
async fn an_unknown_user_is_refused_exactly_like_a_wrong_password() {
    let server = TestServer::start().await;
    account::register(&server.http_url(), "alice", PASSWORD).await.expect("register");
    let home = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let (wrong_status, wrong) = login_from(&server, home, "alice").await;
    let (unknown_status, unknown) = login_from(&server, home, "nobody").await;
    assert_eq!(
        (wrong_status, unknown_status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong, unknown, "same code and message");
    assert_eq!(wrong["code"], code::INVALID_CREDENTIALS);
    // And the back-off treats both alike: an unknown userID is not told
    // apart by never backing off.
    for _ in 0..4 {
        refused(&server, "alice", "wrong password", code::INVALID_CREDENTIALS).await;
        refused(&server, "nobody", "wrong password", code::INVALID_CREDENTIALS).await;
    }
    let known = refused(&server, "alice", PASSWORD, code::OVER_FREQUENCY_LIMIT).await;
    let unknown = refused(&server, "nobody", PASSWORD, code::OVER_FREQUENCY_LIMIT).await;
    assert_eq!(known, unknown);
}

#[tokio::test]
async fn guessing_from_one_address_backs_off_that_address_only() {
    let server = TestServer::start().await;
    let guesser = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    let neighbour = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    // A different userID each time (password spraying): no account reaches
    // its allowance, the address does after twenty.
    for i in 0..20 {
        let (status, body) = login_from(&server, guesser, &format!("user{i}")).await;
        assert_eq!((status, body["code"].as_i64()), (StatusCode::UNAUTHORIZED, Some(90005)));
    }
    let (status, body) = login_from(&server, guesser, "user20").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], code::OVER_FREQUENCY_LIMIT);
    let (status, body) = login_from(&server, neighbour, "user20").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another address is not held back: {body}");
    server.clock.advance_ms(1_000);
    let (status, _) = login_from(&server, guesser, "user21").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "after the wait");
}

#[tokio::test]
async fn a_web_page_cannot_register_or_log_in_but_native_clients_can() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", server.http_url());
    let register = url(confab_proto::account::REGISTER_PATH);
    let login = url(confab_proto::account::LOGIN_PATH);
    let creds = json!({"userID": "mallory", "password": PASSWORD}).to_string();
    let answer = |request: reqwest::RequestBuilder| async move {
        let response = within("answer", request.send()).await.expect("send");
        let status = response.status();
        (status, response.json::<Value>().await.expect("JSON body")["code"].clone())
    };

    // A form any page may post cross-site without a preflight.
    let form = http.post(&register).header("content-type", "text/plain").body(creds.clone());
    assert_eq!(answer(form).await, (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!(20001)));
    let bare = http.post(&register).body(creds.clone());
    assert_eq!(answer(bare).await, (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!(20001)));
    // JSON, but from a page (a browser always names the page's origin).
    let page = http
        .post(&register)
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body(creds.clone());
    assert_eq!(answer(page).await, (StatusCode::FORBIDDEN, json!(code::ORIGIN_NOT_ALLOWED)));
    let page = http
        .post(&register)
        .header("origin", "null")
        .header("content-type", "text/plain")
        .body(creds.clone());
    assert_eq!(answer(page).await, (StatusCode::FORBIDDEN, json!(code::ORIGIN_NOT_ALLOWED)));
    // None of that created the account.
    refused(&server, "mallory", PASSWORD, code::INVALID_CREDENTIALS).await;

    // A native client (the SDK, as the CLI and the app use it): JSON, no Origin.
    account::register(&server.http_url(), "mallory", PASSWORD).await.expect("SDK registers");
    let form = http.post(&login).header("content-type", "text/plain").body(creds.clone());
    assert_eq!(answer(form).await, (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!(20001)));
    let page = http
        .post(&login)
        .header("origin", server.http_url())
        .header("content-type", "application/json; charset=utf-8")
        .body(creds.clone());
    assert_eq!(answer(page).await, (StatusCode::FORBIDDEN, json!(code::ORIGIN_NOT_ALLOWED)));
    let native =
        http.post(&login).header("content-type", "application/json; charset=utf-8").body(creds);
    assert_eq!(answer(native).await.0, StatusCode::OK);
    account::login(&server.http_url(), "mallory", PASSWORD).await.expect("SDK logs in");
}
