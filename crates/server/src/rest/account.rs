//! Accounts over REST (`im_open_login_svc`, `openim/query_online_status`):
//! import one or many, delete, check, kick, query online state.
//!
//! | command | limit | codes |
//! |---|---|---|
//! | `account_import` | one | 70402 bad userID or profile value |
//! | `multiaccount_import` | 100 | 70398 over the limit; failed IDs in `FailAccounts` |
//! | `account_delete` | 100 | 70398; per item `ResultCode` 70107 unknown |
//! | `account_check` | 100 | 70398; `AccountStatus` `Imported` / `NotImported` |
//! | `kick` | one | 70107 unknown |
//! | `query_online_status` | 500 | 70398; unknown IDs in `ErrorList` (70107) |
//!
//! Deleting an account signs it out everywhere, retires every UserSig
//! issued until now and empties its profile; the userID stays taken and
//! its history stays (a userID is never reused in Confab: histories and
//! caches rely on that).

use super::{as_user, codes, store_error, user_list, Admin, Command, RestError};
use crate::handlers;
use crate::server::ServerContext;
use confab_proto::constants::types;
use confab_proto::ops::UpdateMyProfile;
use confab_proto::profile::ProfilePatch;
use confab_proto::UserId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Most accounts one import, delete or check names.
pub(crate) const MAX_ACCOUNTS: usize = 100;

/// Most accounts one online-state query names.
pub(crate) const MAX_ONLINE_QUERY: usize = 500;

/// `account_import`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AccountImport {
    /// The userID to create.
    #[serde(rename = "UserID")]
    user_id: String,
    /// Its nickname.
    #[serde(rename = "Nick", default)]
    nick: Option<String>,
    /// Its avatar URL.
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
}

/// A response with no fields besides the envelope.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Empty {}

/// `multiaccount_import`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct MultiaccountImport {
    /// The userIDs to create (at most 100).
    #[serde(rename = "Accounts")]
    accounts: Vec<String>,
}

/// Response to [`MultiaccountImport`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct MultiaccountImportResponse {
    /// The userIDs that could not be created.
    #[serde(rename = "FailAccounts")]
    fail_accounts: Vec<String>,
}

/// One account of a delete or check.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AccountItem {
    /// The userID.
    #[serde(rename = "UserID")]
    user_id: String,
}

/// `account_delete`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AccountDelete {
    /// The accounts (at most 100).
    #[serde(rename = "DeleteItem")]
    delete_item: Vec<AccountItem>,
}

/// One account's result.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ResultItem {
    /// 0, or why this account failed.
    #[serde(rename = "ResultCode")]
    result_code: i32,
    /// Why, in words.
    #[serde(rename = "ResultInfo")]
    result_info: String,
    /// The userID.
    #[serde(rename = "UserID")]
    user_id: String,
    /// `Imported` or `NotImported` (checks only).
    #[serde(rename = "AccountStatus", skip_serializing_if = "Option::is_none")]
    account_status: Option<String>,
}

/// Response to [`AccountDelete`] and [`AccountCheck`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ResultItems {
    /// One result per named account, in order.
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
}

/// `account_check`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AccountCheck {
    /// The accounts (at most 100).
    #[serde(rename = "CheckItem")]
    check_item: Vec<AccountItem>,
}

/// `kick`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct Kick {
    /// The account whose instances are signed out.
    #[serde(rename = "UserID")]
    user_id: String,
}

/// `query_online_status`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct QueryOnlineStatus {
    /// The accounts (at most 500).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    /// 1: also list each instance (platform). Default 0.
    #[serde(rename = "IsNeedDetail", default)]
    is_need_detail: Option<u8>,
}

/// One instance of an online account.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct InstanceDetail {
    /// The platform the instance logged in with.
    #[serde(rename = "Platform")]
    platform: String,
    /// `Online`.
    #[serde(rename = "Status")]
    status: String,
}

/// One account's state.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct OnlineState {
    /// The userID.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// `Online` or `Offline`.
    #[serde(rename = "Status")]
    status: String,
    /// Each instance (with `IsNeedDetail` 1, online accounts).
    #[serde(rename = "Detail", skip_serializing_if = "Option::is_none")]
    detail: Option<Vec<InstanceDetail>>,
}

/// An account a batch command could not act on.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AccountError {
    /// The userID.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// Why (70107: no such account).
    #[serde(rename = "ErrorCode")]
    error_code: i32,
}

/// Response to [`QueryOnlineStatus`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct QueryOnlineStatusResponse {
    /// The existing accounts' states, in order.
    #[serde(rename = "QueryResult")]
    query_result: Vec<OnlineState>,
    /// The accounts that do not exist.
    #[serde(rename = "ErrorList")]
    error_list: Vec<AccountError>,
}

/// The commands of this file.
pub(crate) fn commands() -> Vec<Command> {
    const LOGIN: &str = "im_open_login_svc";
    vec![
        Command::new(
            LOGIN,
            "account_import",
            "Import (create) one account with its nick and avatar.",
            import,
        ),
        Command::new(LOGIN, "multiaccount_import", "Import up to 100 accounts.", multi_import),
        Command::new(
            LOGIN,
            "account_delete",
            "Delete up to 100 accounts: sign out, retire their UserSigs, empty their profiles.",
            delete,
        ),
        Command::new(LOGIN, "account_check", "Whether up to 100 accounts exist.", check),
        Command::new(
            LOGIN,
            "kick",
            "Sign an account out of every instance (KICKED_OUT with REST_API_Kick).",
            kick,
        ),
        Command::new(
            "openim",
            "query_online_status",
            "The online state of up to 500 accounts.",
            query_online,
        ),
    ]
}

/// Whether `user` exists.
async fn exists(ctx: &ServerContext, user: &UserId) -> Result<bool, RestError> {
    ctx.store.user_exists(user.clone()).await.map_err(store_error)
}

async fn import(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AccountImport,
) -> Result<Empty, RestError> {
    let user = user_list(std::slice::from_ref(&request.user_id), 1, "UserID")?.remove(0);
    let patch =
        ProfilePatch { nick: request.nick, avatar: request.face_url, ..ProfilePatch::default() };
    let changes = patch != ProfilePatch::default();
    // Checked before anything is created.
    if changes {
        handlers::profile::validate_patch(&patch, &ctx.config.profile_custom_fields)
            .map_err(|e| RestError::invalid(e.message))?;
    }
    ctx.store.ensure_user(user.clone(), ctx.clock.now_secs()).await.map_err(store_error)?;
    if changes {
        handlers::profile::update_my_profile(&ctx, &as_user(user), UpdateMyProfile { patch })
            .await?;
    }
    Ok(Empty {})
}

async fn multi_import(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: MultiaccountImport,
) -> Result<MultiaccountImportResponse, RestError> {
    if request.accounts.len() > MAX_ACCOUNTS {
        return Err(RestError::new(
            codes::TOO_MANY_ACCOUNTS,
            format!("Accounts names {}; the limit is {MAX_ACCOUNTS}", request.accounts.len()),
        ));
    }
    let mut fail_accounts = Vec::new();
    for id in request.accounts {
        if crate::auth::check_user_id(&id).is_err() {
            fail_accounts.push(id);
            continue;
        }
        let created = ctx.store.ensure_user(UserId::new(id.clone()), ctx.clock.now_secs()).await;
        if created.is_err() {
            fail_accounts.push(id);
        }
    }
    Ok(MultiaccountImportResponse { fail_accounts })
}

/// The userIDs of `items`, at most 100 (70398).
fn item_ids(items: Vec<AccountItem>) -> Result<Vec<String>, RestError> {
    if items.len() > MAX_ACCOUNTS {
        return Err(RestError::new(
            codes::TOO_MANY_ACCOUNTS,
            format!("{} accounts named; the limit is {MAX_ACCOUNTS}", items.len()),
        ));
    }
    Ok(items.into_iter().map(|item| item.user_id).collect())
}

fn result(user_id: String, error: Option<RestError>, status: Option<&str>) -> ResultItem {
    let (result_code, result_info) = error.map_or((0, String::new()), |e| (e.code, e.info));
    ResultItem { result_code, result_info, user_id, account_status: status.map(str::to_owned) }
}

async fn delete(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AccountDelete,
) -> Result<ResultItems, RestError> {
    let mut result_item = Vec::new();
    for id in item_ids(request.delete_item)? {
        let outcome = delete_one(&ctx, &id).await;
        result_item.push(result(id, outcome.err(), None));
    }
    Ok(ResultItems { result_item })
}

async fn delete_one(ctx: &ServerContext, id: &str) -> Result<(), RestError> {
    let user = UserId::new(id.to_owned());
    if crate::auth::check_user_id(id).is_err() || !exists(ctx, &user).await? {
        return Err(RestError::new(
            codes::ACCOUNT_NOT_FOUND,
            format!("account {id:?} does not exist"),
        ));
    }
    ctx.store
        .bump_session_generation(user.clone(), ctx.clock.now_secs())
        .await
        .map_err(store_error)?;
    ctx.sessions.kick_all(&user, None, types::KICKED_OUT_REST_API);
    let patch = ProfilePatch {
        nick: Some(String::new()),
        avatar: Some(String::new()),
        ..ProfilePatch::default()
    };
    handlers::profile::update_my_profile(ctx, &as_user(user), UpdateMyProfile { patch }).await?;
    Ok(())
}

async fn check(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AccountCheck,
) -> Result<ResultItems, RestError> {
    let mut result_item = Vec::new();
    for id in item_ids(request.check_item)? {
        let known = crate::auth::check_user_id(&id).is_ok()
            && exists(&ctx, &UserId::new(id.clone())).await?;
        let status = if known { "Imported" } else { "NotImported" };
        result_item.push(result(id, None, Some(status)));
    }
    Ok(ResultItems { result_item })
}

async fn kick(ctx: Arc<ServerContext>, _admin: Admin, request: Kick) -> Result<Empty, RestError> {
    let user = user_list(std::slice::from_ref(&request.user_id), 1, "UserID")?.remove(0);
    if !exists(&ctx, &user).await? {
        return Err(RestError::new(
            codes::ACCOUNT_NOT_FOUND,
            format!("account {user} does not exist"),
        ));
    }
    let kicked = ctx.sessions.kick_all(&user, None, types::KICKED_OUT_REST_API);
    tracing::info!(%user, kicked, "kicked over REST");
    Ok(Empty {})
}

async fn query_online(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: QueryOnlineStatus,
) -> Result<QueryOnlineStatusResponse, RestError> {
    let users = user_list(&request.to_account, MAX_ONLINE_QUERY, "To_Account")?;
    let detail = request.is_need_detail == Some(1);
    let mut query_result = Vec::new();
    let mut error_list = Vec::new();
    for user in users {
        if !exists(&ctx, &user).await? {
            error_list.push(AccountError {
                to_account: user.to_string(),
                error_code: codes::ACCOUNT_NOT_FOUND,
            });
            continue;
        }
        let online = ctx.presence.status_type(&user) == types::USER_STATUS_ONLINE as u8;
        let detail = (detail && online).then(|| {
            ctx.sessions
                .platforms(&user)
                .into_iter()
                .map(|platform| InstanceDetail { platform, status: "Online".into() })
                .collect()
        });
        query_result.push(OnlineState {
            to_account: user.to_string(),
            status: if online { "Online" } else { "Offline" }.into(),
            detail,
        });
    }
    Ok(QueryOnlineStatusResponse { query_result, error_list })
}
