//! The REST API for application backends, in the shapes of TIM's server
//! REST API: `POST /v4/<service>/<command>?sdkappid=…&identifier=<admin>
//! &usersig=…&random=…&contenttype=json` with a JSON body of TIM's field
//! names, answered `200` with `{ActionStatus, ErrorCode, ErrorInfo, …}`.
//! The OpenAPI document of every command is served at [`OPENAPI_PATH`],
//! generated from the request and response types (see [`openapi`]).
//!
//! This module owns the envelope, the admin's authentication and the
//! command table; each `<area>.rs` adds its commands ([`commands`]). A
//! command acts through the same handlers a WebSocket session reaches, as
//! the user it names ([`as_user`]), so a REST send obeys the rules of a
//! client's send and reaches the sender's own sessions too (TIM's
//! `SyncOtherMachine`).
//!
//! Authentication, in this order (each a `FAIL` with its code):
//!
//! | condition | code |
//! |---|---|
//! | `sdkappid` missing or not a number | 60012 |
//! | `sdkappid` is not this server's | 60006 |
//! | `identifier` or `usersig` missing | 60004 |
//! | `contenttype` other than `json` | 60017 |
//! | the UserSig does not verify for the identifier (70001 expired, 70003 invalid, 70013/70014 issued for another) | 7000x |
//! | `identifier` is not one of `admin_identifiers` | 60010 |
//! | the body is not a JSON object | 60003 |
//!
//! An unknown `<service>/<command>` is `404` with code 60009.

pub(crate) mod account;
pub mod admin;
pub(crate) mod group;
pub(crate) mod message;
pub(crate) mod openapi;
pub(crate) mod profile;
pub(crate) mod relation;

/// TIM's `MsgBody`, shared with the callbacks.
pub(crate) use crate::webhook::msg_body;

use crate::auth;
use crate::fanout::SessionId;
use crate::handlers::{Caller, SendOrder};
use crate::http::AppState;
use crate::server::ServerContext;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use confab_proto::{ErrorBody, UserId};
use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/v4/openapi.json";

/// TIM's REST codes that this module and its commands answer with.
pub mod codes {
    /// The request body is not JSON (or not an object).
    pub const JSON_PARSE: i32 = 60003;
    /// `identifier` or `usersig` is missing.
    pub const ACCOUNT_OR_SIG_MISSING: i32 = 60004;
    /// `sdkappid` is not this server's.
    pub const SDKAPPID_INVALID: i32 = 60006;
    /// No such `<service>/<command>`.
    pub const NO_SUCH_COMMAND: i32 = 60009;
    /// The identifier is not an administrator.
    pub const NOT_ADMIN: i32 = 60010;
    /// `sdkappid` is missing.
    pub const SDKAPPID_MISSING: i32 = 60012;
    /// An illegal request (a `contenttype` other than `json`).
    pub const ILLEGAL_REQUEST: i32 = 60017;
    /// A requested account does not exist.
    pub const ACCOUNT_NOT_FOUND: i32 = 70107;
    /// Too many accounts in one request.
    pub const TOO_MANY_ACCOUNTS: i32 = 70398;
    /// A parameter is invalid.
    pub const INVALID_PARAMETER: i32 = 70402;
    /// An internal error; the request may be retried.
    pub const INTERNAL: i32 = 70500;
}

/// A command's failure: TIM's `ErrorCode` and `ErrorInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RestError {
    /// `ErrorCode`.
    pub code: i32,
    /// `ErrorInfo`.
    pub info: String,
}

impl RestError {
    /// A failure with `code`.
    pub(crate) fn new(code: i32, info: impl Into<String>) -> Self {
        Self { code, info: info.into() }
    }

    /// 70402: a parameter is invalid.
    pub(crate) fn invalid(info: impl Into<String>) -> Self {
        Self::new(codes::INVALID_PARAMETER, info)
    }
}

impl From<ErrorBody> for RestError {
    /// The error of a handler, with its code as it is (TIM's REST API
    /// answers a send's failure with the same codes as the SDK's).
    fn from(e: ErrorBody) -> Self {
        Self { code: e.code, info: e.message }
    }
}

/// A command's answer in flight.
pub(crate) type RestReply<T> = BoxFuture<'static, Result<T, RestError>>;

/// The administrator a request was authenticated as.
#[derive(Clone, Debug)]
pub(crate) struct Admin {
    /// Its identifier (one of `admin_identifiers`).
    pub id: UserId,
}

/// The session ID a REST request acts under: no live session has it, so a
/// change it causes reaches every session of the user it acts as.
pub(crate) const REST_SESSION: SessionId = SessionId(u64::MAX);

/// A caller acting as `user` for a REST request.
pub(crate) fn as_user(user: UserId) -> Caller {
    Caller {
        user,
        session: REST_SESSION,
        sends: SendOrder::default(),
        platform: crate::webhook::REST_PLATFORM,
    }
}

/// Decodes and runs one command.
type Call = Box<dyn Fn(Arc<ServerContext>, Admin, Value) -> RestReply<Value> + Send + Sync>;

/// Writes a schema into the document's components; returns its reference.
type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// One REST command: where it is, what it takes and answers, and the code
/// that serves it.
pub(crate) struct Command {
    /// `<service>` of the URL (e.g. `im_open_login_svc`).
    pub service: &'static str,
    /// `<command>` of the URL (e.g. `account_import`).
    pub command: &'static str,
    /// One line for the OpenAPI document.
    pub summary: &'static str,
    /// The request body's schema.
    pub request: SchemaFn,
    /// The success response's fields (besides the envelope).
    pub response: SchemaFn,
    call: Call,
}

impl Command {
    /// The command `service/command` served by `serve`, which gets the
    /// decoded request `Req` and answers `Resp` (the envelope is added).
    pub(crate) fn new<Req, Resp, F, Fut>(
        service: &'static str,
        command: &'static str,
        summary: &'static str,
        serve: F,
    ) -> Self
    where
        Req: DeserializeOwned + JsonSchema + Send + 'static,
        Resp: Serialize + JsonSchema + Send + 'static,
        F: Fn(Arc<ServerContext>, Admin, Req) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, RestError>> + Send + 'static,
    {
        let call = move |ctx: Arc<ServerContext>, admin: Admin, body: Value| -> RestReply<Value> {
            let request = match serde_json::from_value::<Req>(body) {
                Ok(request) => request,
                Err(e) => {
                    let error =
                        RestError::invalid(format!("invalid {service}/{command} body: {e}"));
                    return futures_util::future::ready(Err(error)).boxed();
                }
            };
            let reply = serve(ctx, admin, request);
            async move {
                let response = reply.await?;
                serde_json::to_value(response).map_err(|e| {
                    RestError::new(codes::INTERNAL, format!("cannot encode the response: {e}"))
                })
            }
            .boxed()
        };
        Self {
            service,
            command,
            summary,
            request: |g| g.subschema_for::<Req>(),
            response: |g| g.subschema_for::<Resp>(),
            call: Box::new(call),
        }
    }
}

/// Every command, by `(service, command)`.
pub(crate) struct Commands {
    by_path: HashMap<String, Command>,
    /// The OpenAPI document, made once.
    document: Value,
}

impl Commands {
    /// The table of every area's commands; panics (at start, in tests) when
    /// two areas define one command.
    pub(crate) fn build() -> Self {
        let mut by_path = HashMap::new();
        let all = account::commands()
            .into_iter()
            .chain(message::commands())
            .chain(profile::commands())
            .chain(relation::commands())
            .chain(group::commands());
        for command in all {
            let key = format!("{}/{}", command.service, command.command);
            let twice = by_path.insert(key.clone(), command);
            assert!(twice.is_none(), "REST command {key:?} is defined twice");
        }
        let mut list: Vec<&Command> = by_path.values().collect();
        list.sort_by_key(|c| (c.service, c.command));
        let document = openapi::document(&list);
        Self { by_path, document }
    }

    /// The command at `service/command`.
    fn get(&self, service: &str, command: &str) -> Option<&Command> {
        self.by_path.get(&format!("{service}/{command}"))
    }

    /// The OpenAPI document.
    pub(crate) fn document(&self) -> &Value {
        &self.document
    }
}

/// The REST routes: every command and the OpenAPI document.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(OPENAPI_PATH, get(serve_document))
        .route("/v4/{service}/{command}", post(serve_command))
}

async fn serve_document(State(state): State<AppState>) -> Response {
    Json(state.ctx.rest.document().clone()).into_response()
}

/// `{ActionStatus: "FAIL", ErrorCode, ErrorInfo}` with HTTP `status`.
fn fail(status: StatusCode, error: RestError) -> Response {
    let body = serde_json::json!({
        "ActionStatus": "FAIL",
        "ErrorCode": error.code,
        "ErrorInfo": error.info,
    });
    (status, Json(body)).into_response()
}

/// `{ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", …fields}`.
fn ok(fields: Value) -> Response {
    let mut body = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    body.insert("ActionStatus".into(), "OK".into());
    body.insert("ErrorCode".into(), 0.into());
    body.insert("ErrorInfo".into(), "".into());
    (StatusCode::OK, Json(Value::Object(body))).into_response()
}

/// The URL's common parameters, by name (the last of a repeated one).
fn query_params(raw: Option<&str>) -> HashMap<String, String> {
    let Some(raw) = raw else { return HashMap::new() };
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// `%XX` and `+` decoding of one query component; a malformed escape is
/// kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the URL's parameters; the administrator they authenticate.
fn authenticate(ctx: &ServerContext, params: &HashMap<String, String>) -> Result<Admin, RestError> {
    let app = params.get("sdkappid").filter(|v| !v.is_empty()).ok_or_else(|| {
        RestError::new(codes::SDKAPPID_MISSING, "the sdkappid parameter is missing")
    })?;
    let app: u64 = app.parse().map_err(|_| {
        RestError::new(codes::SDKAPPID_MISSING, format!("sdkappid {app:?} is not a number"))
    })?;
    if app != ctx.config.sdk_app_id {
        return Err(RestError::new(
            codes::SDKAPPID_INVALID,
            format!("sdkappid {app} is not this server's"),
        ));
    }
    let (Some(identifier), Some(sig)) = (params.get("identifier"), params.get("usersig")) else {
        return Err(RestError::new(
            codes::ACCOUNT_OR_SIG_MISSING,
            "the identifier and usersig parameters are required",
        ));
    };
    if let Some(kind) = params.get("contenttype") {
        if kind != "json" {
            return Err(RestError::new(
                codes::ILLEGAL_REQUEST,
                format!("contenttype must be json, not {kind:?}"),
            ));
        }
    }
    auth::verify_sig(ctx, identifier, sig)?;
    if !ctx.config.admin_identifiers.iter().any(|admin| admin == identifier) {
        return Err(RestError::new(
            codes::NOT_ADMIN,
            format!("{identifier:?} is not an administrator of this server"),
        ));
    }
    Ok(Admin { id: UserId::new(identifier.clone()) })
}

async fn serve_command(
    State(state): State<AppState>,
    Path((service, command)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let ctx = &state.ctx;
    let Some(found) = ctx.rest.get(&service, &command) else {
        return fail(
            StatusCode::NOT_FOUND,
            RestError::new(codes::NO_SUCH_COMMAND, format!("no command v4/{service}/{command}")),
        );
    };
    let params = query_params(query.as_deref());
    let admin = match authenticate(ctx, &params) {
        Ok(admin) => admin,
        Err(e) => return fail(StatusCode::OK, e),
    };
    let body: Value = match serde_json::from_slice(&body) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => {
            return fail(
                StatusCode::OK,
                RestError::new(codes::JSON_PARSE, "the body must be a JSON object"),
            )
        }
        Err(e) => {
            return fail(
                StatusCode::OK,
                RestError::new(codes::JSON_PARSE, format!("the body is not JSON: {e}")),
            )
        }
    };
    tracing::debug!(service, command, admin = %admin.id, "REST command");
    match (found.call)(Arc::clone(ctx), admin, body).await {
        Ok(fields) => ok(fields),
        Err(e) => fail(StatusCode::OK, e),
    }
}

/// The wire error of a store failure, as a REST error.
pub(crate) fn store_error(e: crate::store::StoreError) -> RestError {
    crate::handlers::store_error(e).into()
}

/// Checks a list of userIDs a command names: 1 to `max` of them, each a
/// valid userID (70402), and `max` at most (70398).
pub(crate) fn user_list(ids: &[String], max: usize, what: &str) -> Result<Vec<UserId>, RestError> {
    if ids.is_empty() {
        return Err(RestError::invalid(format!("{what} must name at least one account")));
    }
    if ids.len() > max {
        return Err(RestError::new(
            codes::TOO_MANY_ACCOUNTS,
            format!("{what} names {} accounts; the limit is {max}", ids.len()),
        ));
    }
    ids.iter()
        .map(|id| {
            auth::check_user_id(id)
                .map(|()| UserId::new(id.clone()))
                .map_err(|e| RestError::invalid(format!("{what}: {}", e.message)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_decoded() {
        let params =
            query_params(Some("sdkappid=1400&identifier=admin%20x&usersig=a+b&random=9&flag"));
        assert_eq!(params["sdkappid"], "1400");
        assert_eq!(params["identifier"], "admin x");
        assert_eq!(params["usersig"], "a b");
        assert_eq!(params["flag"], "");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41%42"), "AB");
        assert!(query_params(None).is_empty());
    }

    #[test]
    fn every_command_is_defined_once_and_documented() {
        let commands = Commands::build();
        let paths = commands.document()["paths"].as_object().expect("paths");
        assert_eq!(paths.len(), commands.by_path.len());
        for path in commands.by_path.keys() {
            assert!(paths.contains_key(&format!("/v4/{path}")), "{path}");
        }
    }
}
