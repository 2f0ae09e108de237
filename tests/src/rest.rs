//! A client of confabd's REST API (`/v4/<service>/<command>`), as an
//! application backend calls it: an administrator's UserSig in the URL.

use crate::{within, TestServer};
use serde_json::Value;

/// The REST API of one server, called as one administrator.
#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    base: String,
    query: String,
}

impl RestClient {
    /// Calls as `administrator` (the default `admin_identifiers`).
    pub fn new(server: &TestServer) -> Self {
        Self::as_admin(server, confab_server::config::DEFAULT_ADMIN)
    }

    /// Calls as `identifier` with a UserSig of the server's key.
    pub fn as_admin(server: &TestServer, identifier: &str) -> Self {
        let query = format!(
            "sdkappid={}&identifier={identifier}&usersig={}&random=1&contenttype=json",
            server.sdk_app_id(),
            server.user_sig(identifier)
        );
        Self::with_query(server, query)
    }

    /// Calls with exactly these URL parameters.
    pub fn with_query(server: &TestServer, query: String) -> Self {
        Self { http: reqwest::Client::new(), base: server.http_url(), query }
    }

    /// `POST /v4/<command>` (e.g. `openim/sendmsg`) with `body`; the
    /// response body, whatever its `ActionStatus`.
    pub async fn call(&self, command: &str, body: Value) -> Value {
        let url = format!("{}/v4/{command}?{}", self.base, self.query);
        let response = within(command, self.http.post(url).json(&body).send()).await.expect("sent");
        within(command, response.json::<Value>()).await.expect("a JSON answer")
    }

    /// [`Self::call`] that must succeed (`ActionStatus` `OK`, `ErrorCode` 0).
    pub async fn ok(&self, command: &str, body: Value) -> Value {
        let answer = self.call(command, body).await;
        assert_eq!(answer["ActionStatus"], "OK", "{command}: {answer}");
        assert_eq!(answer["ErrorCode"], 0, "{command}: {answer}");
        answer
    }

    /// [`Self::call`] that must fail with `code`; the answer.
    pub async fn fails(&self, command: &str, body: Value, code: i64) -> Value {
        let answer = self.call(command, body).await;
        assert_eq!(answer["ActionStatus"], "FAIL", "{command}: {answer}");
        assert_eq!(answer["ErrorCode"], code, "{command}: {answer}");
        answer
    }
}
