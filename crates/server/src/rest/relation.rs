//! The relation chain over REST (`sns` service): friends and blacklists
//! of the user a request names in `From_Account`. Each command acts as
//! that user through the handlers its own clients reach (TIM's REST acts
//! as `From_Account` too), so the stored rules, the inbox events and the
//! SDK events (FRIEND_LIST_UPDATED, FRIEND_APPLICATION_LIST_UPDATED,
//! BLACKLIST_UPDATED, …) are those of a client's call.
//!
//! Every command first checks `From_Account` (30003 when it is not an
//! account) and its list (30001 when empty or past the limit); an account
//! named twice counts once. Per account, `ResultCode`:
//!
//! | command | limit | per-account codes |
//! |---|---|---|
//! | `friend_add` | 100 items | 0 added; 30539 a request waits for the peer (its `AllowType` is NeedConfirm); 30003 no such account; 30001 a bad `AddSource` (`AddSource_Type_` + 1–8 letters), `AddWording` over 256 bytes, `Remark` over 96, `GroupName` over 30; 2701 already a friend; 90014 oneself; 30515 the peer is on `From_Account`'s blacklist; 30525 `From_Account` is on the peer's; 30516 the peer takes no requests (DenyAny); 30009 `From_Account` may not send requests (`AdminForbid_Type_SendOut`); 30010 / 30014 a full friend list; 90013 too many friend groups |
//! | `friend_delete` | 1,000 | 0; 31704 not a friend |
//! | `friend_check` | 1,000 | 0 with `Relation`; 30003 no such account |
//! | `friend_get` | pages of 100 | — |
//! | `black_list_add` | 1,000 | 0 (already there too); 30003 no such account; 30001 `From_Account` itself |
//! | `black_list_delete` | 1,000 | 0 (not there too); 30003 no such account |
//! | `black_list_get` | `MaxLimited` a page | — |
//!
//! Accounts with a non-zero `ResultCode` are also in `Fail_Account`
//! (left out when there is none), 30539 included. A database failure is
//! 30006: for the whole request, or for the one `friend_add` item it hit
//! (the items before it are done).
//!
//! `ForceAddFlags` 1 is an administrator's add: added at once (both ways
//! with `Add_Type_Both`), whatever the peer's `AllowType` and
//! `From_Account`'s `AdminForbidType`; a blacklist, an existing
//! friendship and full lists still refuse. With 0 (the default) the add is
//! exactly a client's `addFriend`.
//!
//! The sequences (`StandardSequence`, `CustomSequence`,
//! `CurruentSequence`) are the head of `From_Account`'s inbox: it moves
//! whenever its friends or blacklist change (and on other changes too,
//! which only costs a reader a refetch). `friend_get` leaves out the
//! standard (custom) tags when the request's sequence is the current one.
//! `Tag_SNS_IM_AddTime` and `AddBlackTimeStamp` are server seconds.
//!
//! A request body of the wrong shape (a string where a list belongs, an
//! unknown `AddType`) is refused by the envelope with 70402.

use super::{as_user, Admin, Command, RestError};
use crate::handlers;
use crate::server::ServerContext;
use confab_proto::relation::{
    AddFriend, AddToBlacklist, AddType, BlacklistResponse, CheckFriend, CheckType, DeleteFriend,
    DeleteType, Friend, Relation, RemoveFromBlacklist, ADD_FRIEND_PENDING, MAX_DELETE_FRIEND_IDS,
};
use confab_proto::{code, ErrorBody, UserId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// TIM's relation-chain codes this file answers with, besides those the
/// handlers give as they are (2701, 90013, 90014, 30010, 30014, 30516).
pub(crate) mod codes {
    /// A malformed request.
    pub const INVALID: i32 = 30001;
    /// The account does not exist.
    pub const ACCOUNT_NOT_FOUND: i32 = 30003;
    /// An internal error (the database failed or is unavailable); the
    /// request may be retried.
    pub const INTERNAL: i32 = 30006;
    /// `From_Account` may not send friend requests.
    pub const SENDING_FORBIDDEN: i32 = 30009;
    /// The peer is on `From_Account`'s blacklist.
    pub const PEER_IN_MY_BLACKLIST: i32 = 30515;
    /// `From_Account` is on the peer's blacklist.
    pub const IN_PEER_BLACKLIST: i32 = 30525;
    /// The peer must accept: a request waits.
    pub const WAITING_FOR_APPROVAL: i32 = 30539;
    /// Not a friend (`friend_delete`).
    pub const NOT_A_FRIEND: i32 = 31704;
}

/// A failed read of the store, as this service's internal error.
fn read_failed(e: crate::store::StoreError) -> RestError {
    RestError::new(codes::INTERNAL, handlers::store_error(e).message)
}

/// Most items one `friend_add` takes.
pub(crate) const MAX_ADD: usize = 100;
/// Most accounts one `friend_delete`, `friend_check` or blacklist change
/// names.
pub(crate) const MAX_ACCOUNTS: usize = 1000;
/// Friends per `friend_get` page.
pub(crate) const FRIEND_PAGE: usize = 100;

/// The standard friend tags.
mod tags {
    pub const REMARK: &str = "Tag_SNS_IM_Remark";
    pub const GROUP: &str = "Tag_SNS_IM_Group";
    pub const ADD_SOURCE: &str = "Tag_SNS_IM_AddSource";
    pub const ADD_WORDING: &str = "Tag_SNS_IM_AddWording";
    pub const ADD_TIME: &str = "Tag_SNS_IM_AddTime";
}

/// `Add_Type_*`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub(crate) enum RestAddType {
    /// Each gains the other (the default).
    #[default]
    #[serde(rename = "Add_Type_Both")]
    Both,
    /// Only `From_Account` gains the peer.
    #[serde(rename = "Add_Type_Single")]
    Single,
}

/// `Delete_Type_*`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
pub(crate) enum RestDeleteType {
    /// Each loses the other (the default).
    #[default]
    #[serde(rename = "Delete_Type_Both")]
    Both,
    /// Only `From_Account` loses the peer.
    #[serde(rename = "Delete_Type_Single")]
    Single,
}

/// `CheckResult_Type_*`: which directions a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub(crate) enum RestCheckType {
    /// Both: `BothWay`, `AWithB`, `BWithA` or `NoRelation`.
    #[serde(rename = "CheckResult_Type_Both")]
    Both,
    /// Only whether `From_Account` has the peer: `AWithB` or `NoRelation`.
    #[serde(rename = "CheckResult_Type_Single")]
    Single,
}

/// `CheckResult_Type_*`: a checked relation, seen from `From_Account` (A).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub(crate) enum RestRelation {
    /// Each has the other.
    #[serde(rename = "CheckResult_Type_BothWay")]
    BothWay,
    /// A has B (in a both check: and B does not have A).
    #[serde(rename = "CheckResult_Type_AWithB")]
    AWithB,
    /// B has A, A does not have B (both checks only).
    #[serde(rename = "CheckResult_Type_BWithA")]
    BWithA,
    /// Neither (as far as the check looked).
    #[serde(rename = "CheckResult_Type_NoRelation")]
    NoRelation,
}

impl From<Relation> for RestRelation {
    fn from(relation: Relation) -> Self {
        match relation {
            Relation::BothWay => Self::BothWay,
            Relation::AWithB => Self::AWithB,
            Relation::BWithA => Self::BWithA,
            Relation::NoRelation => Self::NoRelation,
        }
    }
}

/// One account's result.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ResultItem {
    /// The account.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// 0, or why it failed (see the module's table).
    #[serde(rename = "ResultCode")]
    result_code: i32,
    /// Why, in words (`""` on success).
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// Per-account results.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ResultItems {
    /// One per account, in the order named.
    #[serde(rename = "ResultItem")]
    result_item: Vec<ResultItem>,
    /// The accounts whose `ResultCode` is not 0 (left out when none).
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
}

impl ResultItems {
    fn new() -> Self {
        Self { result_item: Vec::new(), fail_account: Vec::new() }
    }

    fn push(&mut self, to_account: String, outcome: Result<(), RestError>) {
        let (result_code, result_info) =
            outcome.err().map_or((0, String::new()), |e| (e.code, e.info));
        if result_code != 0 {
            self.fail_account.push(to_account.clone());
        }
        self.result_item.push(ResultItem { to_account, result_code, result_info });
    }
}

/// One peer of a `friend_add`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AddFriendItem {
    /// The peer.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// `From_Account`'s remark for the peer (≤ 96 bytes).
    #[serde(rename = "Remark", default)]
    remark: Option<String>,
    /// A friend group of `From_Account` to put the peer in (≤ 30 bytes;
    /// made if new).
    #[serde(rename = "GroupName", default)]
    group_name: Option<String>,
    /// Where the request comes from: `AddSource_Type_` + 1 to 8 letters.
    #[serde(rename = "AddSource")]
    add_source: String,
    /// A message for the peer (≤ 256 bytes).
    #[serde(rename = "AddWording", default)]
    add_wording: Option<String>,
}

/// `friend_add`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct FriendAdd {
    /// The user who adds.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The peers (1 to 100).
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Vec<AddFriendItem>,
    /// One- or two-way (default `Add_Type_Both`).
    #[serde(rename = "AddType", default)]
    add_type: RestAddType,
    /// 1: add without the peer's consent; 0 (default): as the peer's
    /// `AllowType` says.
    #[serde(rename = "ForceAddFlags", default)]
    force_add_flags: u8,
}

/// `friend_delete`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct FriendDelete {
    /// The user whose friends go.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The friends (1 to 1,000).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    /// One- or two-way (default `Delete_Type_Both`).
    #[serde(rename = "DeleteType", default)]
    delete_type: RestDeleteType,
}

/// `friend_check`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct FriendCheck {
    /// The user whose relations are checked.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The peers (1 to 1,000).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    /// Which directions to look at.
    #[serde(rename = "CheckType")]
    check_type: RestCheckType,
}

/// One checked peer.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct InfoItem {
    /// The peer.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// `CheckResult_Type_BothWay`, `_AWithB` (`From_Account` has the peer),
    /// `_BWithA` (the peer has `From_Account`) or `_NoRelation`.
    #[serde(rename = "Relation")]
    relation: RestRelation,
    /// 0, or 30003: no such account.
    #[serde(rename = "ResultCode")]
    result_code: i32,
    /// Why, in words (`""` on success).
    #[serde(rename = "ResultInfo")]
    result_info: String,
}

/// Response to [`FriendCheck`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct FriendCheckResponse {
    /// One per peer, in the order named.
    #[serde(rename = "InfoItem")]
    info_item: Vec<InfoItem>,
    /// The peers that are not accounts (left out when none).
    #[serde(rename = "Fail_Account", skip_serializing_if = "Vec::is_empty")]
    fail_account: Vec<String>,
}

/// `friend_get`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct FriendGet {
    /// The user whose friends are listed.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// Where the page starts (0 first, then the last `NextStartIndex`).
    #[serde(rename = "StartIndex")]
    start_index: u64,
    /// The `StandardSequence` last answered: when still current, the
    /// standard tags are left out.
    #[serde(rename = "StandardSequence", default)]
    standard_sequence: Option<u64>,
    /// The `CustomSequence` last answered: when still current, the custom
    /// tags are left out.
    #[serde(rename = "CustomSequence", default)]
    custom_sequence: Option<u64>,
}

/// One friend field: a tag and its value.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ValueItem {
    /// `Tag_SNS_IM_Remark`, `_Group` (a list of names), `_AddSource`,
    /// `_AddWording`, `_AddTime` (server seconds), or a `Tag_SNS_Custom_*`.
    #[serde(rename = "Tag")]
    tag: String,
    /// Its value.
    #[serde(rename = "Value")]
    value: Value,
}

/// One friend.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct UserDataItem {
    /// The friend.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// `From_Account`'s fields for the friend.
    #[serde(rename = "ValueItem")]
    value_item: Vec<ValueItem>,
}

/// Response to [`FriendGet`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct FriendGetResponse {
    /// The page's friends, in the order added.
    #[serde(rename = "UserDataItem")]
    user_data_item: Vec<UserDataItem>,
    /// The standard fields' sequence now.
    #[serde(rename = "StandardSequence")]
    standard_sequence: u64,
    /// The custom fields' sequence now.
    #[serde(rename = "CustomSequence")]
    custom_sequence: u64,
    /// How many friends there are.
    #[serde(rename = "FriendNum")]
    friend_num: u64,
    /// 1: this page is the last.
    #[serde(rename = "CompleteFlag")]
    complete_flag: u8,
    /// Where the next page starts (0 after the last).
    #[serde(rename = "NextStartIndex")]
    next_start_index: u64,
}

/// `black_list_add` and `black_list_delete`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct BlackListChange {
    /// The user whose blacklist changes.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The accounts (1 to 1,000).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
}

/// `black_list_get`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct BlackListGet {
    /// The user whose blacklist is read.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// Where the page starts (0 first, then the last `StartIndex`).
    #[serde(rename = "StartIndex")]
    start_index: u64,
    /// The page's size (at least 1).
    #[serde(rename = "MaxLimited")]
    max_limited: u64,
    /// The `CurruentSequence` last answered (0 at first); accepted, the
    /// page is given whole either way.
    #[serde(rename = "LastSequence", default)]
    #[expect(dead_code, reason = "TIM's field, in the schema; every page is given whole")]
    last_sequence: u64,
}

/// One blacklisted account.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct BlackListItem {
    /// The account.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// When it was blacklisted (server seconds).
    #[serde(rename = "AddBlackTimeStamp")]
    add_black_time_stamp: i64,
}

/// Response to [`BlackListGet`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct BlackListGetResponse {
    /// The page, oldest entry first.
    #[serde(rename = "BlackListItem")]
    black_list_item: Vec<BlackListItem>,
    /// Where the next page starts (0 after the last).
    #[serde(rename = "StartIndex")]
    start_index: u64,
    /// The blacklist's sequence now (TIM's spelling).
    #[serde(rename = "CurruentSequence")]
    curruent_sequence: u64,
}

/// The commands of this file.
pub(crate) fn commands() -> Vec<Command> {
    const SNS: &str = "sns";
    vec![
        Command::new(
            SNS,
            "friend_add",
            "Add up to 100 friends for a user, as its addFriend or, with ForceAddFlags 1, without the peers' consent.",
            friend_add,
        ),
        Command::new(SNS, "friend_delete", "Delete up to 1,000 friends of a user.", friend_delete),
        Command::new(SNS, "friend_check", "A user's relation with up to 1,000 accounts.", friend_check),
        Command::new(SNS, "friend_get", "A page of 100 of a user's friends with their fields.", friend_get),
        Command::new(SNS, "black_list_add", "Blacklist up to 1,000 accounts for a user.", black_list_add),
        Command::new(
            SNS,
            "black_list_delete",
            "Take up to 1,000 accounts off a user's blacklist.",
            black_list_delete,
        ),
        Command::new(SNS, "black_list_get", "A page of a user's blacklist.", black_list_get),
    ]
}

fn invalid(info: impl Into<String>) -> RestError {
    RestError::new(codes::INVALID, info)
}

fn not_found(user: &str) -> RestError {
    RestError::new(codes::ACCOUNT_NOT_FOUND, format!("account {user:?} does not exist"))
}

/// Whether `user` is a valid userID of an existing account.
async fn exists(ctx: &ServerContext, user: &str) -> Result<bool, RestError> {
    if crate::auth::check_user_id(user).is_err() {
        return Ok(false);
    }
    ctx.store.user_exists(UserId::new(user.to_owned())).await.map_err(read_failed)
}

/// `From_Account` when it is an account (else 30003).
async fn from_account(ctx: &ServerContext, user: &str) -> Result<UserId, RestError> {
    if !exists(ctx, user).await? {
        return Err(not_found(user));
    }
    Ok(UserId::new(user.to_owned()))
}

/// `ids` each once, in the order first named, when there are 1 to `max`
/// (else 30001).
fn accounts(ids: &[String], max: usize, what: &str) -> Result<Vec<String>, RestError> {
    if ids.is_empty() || ids.len() > max {
        return Err(invalid(format!("{what} must name 1 to {max} accounts, not {}", ids.len())));
    }
    let mut seen = HashSet::new();
    Ok(ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect())
}

/// A handler's refusal of an `addFriend`, in the REST API's codes.
async fn add_refusal(
    ctx: &ServerContext,
    from: &UserId,
    to: &UserId,
    e: ErrorBody,
) -> Result<RestError, RestError> {
    let code = match e.code {
        code::USER_OR_GROUP_NOT_FOUND => codes::ACCOUNT_NOT_FOUND,
        code::FRIEND_REQUEST_FORBIDDEN => codes::SENDING_FORBIDDEN,
        code::ERR_SVR_MSG_IN_PEER_BLACKLIST => {
            let mine = ctx.store.blacklist(from.clone()).await.map_err(read_failed)?;
            if mine.contains(to) {
                codes::PEER_IN_MY_BLACKLIST
            } else {
                codes::IN_PEER_BLACKLIST
            }
        }
        code::INTERNAL | code::STORE_UNAVAILABLE => codes::INTERNAL,
        other => other,
    };
    Ok(RestError::new(code, e.message))
}

async fn friend_add(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: FriendAdd,
) -> Result<ResultItems, RestError> {
    let from = from_account(&ctx, &request.from_account).await?;
    let items = &request.add_friend_item;
    if items.is_empty() || items.len() > MAX_ADD {
        return Err(invalid(format!(
            "AddFriendItem must hold 1 to {MAX_ADD} items, not {}",
            items.len()
        )));
    }
    let force = match request.force_add_flags {
        0 => false,
        1 => true,
        other => return Err(invalid(format!("ForceAddFlags must be 0 or 1, not {other}"))),
    };
    let add_type = match request.add_type {
        RestAddType::Both => AddType::Both,
        RestAddType::Single => AddType::Single,
    };
    let caller = as_user(from.clone());
    let mut out = ResultItems::new();
    for item in request.add_friend_item {
        let to_account = item.to_account;
        if crate::auth::check_user_id(&to_account).is_err() {
            out.push(to_account.clone(), Err(not_found(&to_account)));
            continue;
        }
        let to = UserId::new(to_account.clone());
        let add = AddFriend {
            to: to.clone(),
            source: item.add_source,
            wording: item.add_wording.unwrap_or_default(),
            add_type,
            remark: item.remark.unwrap_or_default(),
            group_name: item.group_name.unwrap_or_default(),
        };
        let answer = if force {
            handlers::relation::add_friend_without_consent(&ctx, &caller, add).await
        } else {
            handlers::relation::add_friend(&ctx, &caller, add).await
        };
        let outcome = match answer {
            Ok(added) if added.code == 0 => Ok(()),
            Ok(added) if added.code == ADD_FRIEND_PENDING => Err(RestError::new(
                codes::WAITING_FOR_APPROVAL,
                format!("{to} must accept the request"),
            )),
            Ok(added) => Err(RestError::new(added.code, added.message)),
            Err(e) => Err(add_refusal(&ctx, &from, &to, e).await?),
        };
        out.push(to_account, outcome);
    }
    Ok(out)
}

async fn friend_delete(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: FriendDelete,
) -> Result<ResultItems, RestError> {
    let from = from_account(&ctx, &request.from_account).await?;
    let named = accounts(&request.to_account, MAX_ACCOUNTS, "To_Account")?;
    let delete_type = match request.delete_type {
        RestDeleteType::Both => DeleteType::Both,
        RestDeleteType::Single => DeleteType::Single,
    };
    let caller = as_user(from);
    let mut failures: HashMap<UserId, String> = HashMap::new();
    // The handler takes at most 100 at a time, as a client's call does.
    for chunk in named.chunks(MAX_DELETE_FRIEND_IDS) {
        let user_id_list = chunk.iter().map(|id| UserId::new(id.clone())).collect();
        let answer = handlers::relation::delete_friend(
            &ctx,
            &caller,
            DeleteFriend { user_id_list, delete_type },
        )
        .await
        .map_err(|e| RestError::new(codes::INTERNAL, e.message))?;
        failures.extend(answer.failure_user_id_list.into_iter().map(|f| (f.user_id, f.message)));
    }
    let mut out = ResultItems::new();
    for id in named {
        let outcome = match failures.remove(&UserId::new(id.clone())) {
            Some(message) => Err(RestError::new(codes::NOT_A_FRIEND, message)),
            None => Ok(()),
        };
        out.push(id, outcome);
    }
    Ok(out)
}

async fn friend_check(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: FriendCheck,
) -> Result<FriendCheckResponse, RestError> {
    let from = from_account(&ctx, &request.from_account).await?;
    let named = accounts(&request.to_account, MAX_ACCOUNTS, "To_Account")?;
    let check_type = match request.check_type {
        RestCheckType::Both => CheckType::Both,
        RestCheckType::Single => CheckType::Single,
    };
    let user_id_list = named.iter().map(|id| UserId::new(id.clone())).collect();
    let answer = handlers::relation::check_friend(
        &ctx,
        &as_user(from),
        CheckFriend { user_id_list, check_type },
    )
    .await
    .map_err(|e| RestError::new(codes::INTERNAL, e.message))?;
    let relations: HashMap<UserId, RestRelation> =
        answer.success_user_id_list.into_iter().map(|r| (r.user_id, r.relation.into())).collect();
    let mut out = FriendCheckResponse { info_item: Vec::new(), fail_account: Vec::new() };
    for id in named {
        let item = match relations.get(&UserId::new(id.clone())) {
            Some(relation) => InfoItem {
                to_account: id,
                relation: *relation,
                result_code: 0,
                result_info: String::new(),
            },
            None => {
                out.fail_account.push(id.clone());
                let error = not_found(&id);
                InfoItem {
                    to_account: id,
                    relation: RestRelation::NoRelation,
                    result_code: error.code,
                    result_info: error.info,
                }
            }
        };
        out.info_item.push(item);
    }
    Ok(out)
}

/// `From_Account`'s sequence for its relation chain: the head of its inbox.
async fn sequence(ctx: &ServerContext, user: &UserId) -> Result<u64, RestError> {
    ctx.store.inbox_head(user.clone()).await.map_err(read_failed)
}

/// A friend's fields, standard and custom as asked.
fn value_items(friend: Friend, added_at: i64, standard: bool, custom: bool) -> Vec<ValueItem> {
    let mut items = Vec::new();
    let mut add = |tag: &str, value: Value| items.push(ValueItem { tag: tag.to_owned(), value });
    if standard {
        add(tags::GROUP, friend.group_list.into());
        add(tags::REMARK, friend.remark.into());
        add(tags::ADD_SOURCE, friend.source.into());
        add(tags::ADD_WORDING, friend.wording.into());
        add(tags::ADD_TIME, added_at.into());
    }
    if custom {
        for field in friend.friend_custom_field {
            add(&field.key, field.value);
        }
    }
    items
}

async fn friend_get(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: FriendGet,
) -> Result<FriendGetResponse, RestError> {
    let from = from_account(&ctx, &request.from_account).await?;
    let seq = sequence(&ctx, &from).await?;
    let friends = ctx.store.friends(from.clone(), None).await.map_err(read_failed)?;
    // Read apart from the list: a friend added in between has no time yet
    // and shows 0 until the next read.
    let added_at: HashMap<UserId, i64> =
        ctx.store.relation_times(from).await.map_err(read_failed)?.friends.into_iter().collect();
    let total = friends.len();
    let start = usize::try_from(request.start_index).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(FRIEND_PAGE).min(total);
    let standard = request.standard_sequence.is_none_or(|s| s == 0 || s != seq);
    let custom = request.custom_sequence.is_none_or(|s| s == 0 || s != seq);
    let user_data_item = friends
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|friend| {
            let at = added_at.get(&friend.user_id).copied().unwrap_or(0);
            UserDataItem {
                to_account: friend.user_id.to_string(),
                value_item: value_items(friend, at, standard, custom),
            }
        })
        .collect();
    let complete = end == total;
    Ok(FriendGetResponse {
        user_data_item,
        standard_sequence: seq,
        custom_sequence: seq,
        friend_num: total as u64,
        complete_flag: u8::from(complete),
        next_start_index: if complete { 0 } else { end as u64 },
    })
}

/// A blacklist change: `From_Account` and the named accounts, each
/// checked (an unknown one is 30003; with `refuse_self`, `From_Account`
/// itself is 30001); `change` gets the others, and every named account gets
/// its result, in order.
async fn change_blacklist<F, Fut>(
    ctx: &ServerContext,
    request: &BlackListChange,
    refuse_self: bool,
    change: F,
) -> Result<ResultItems, RestError>
where
    F: FnOnce(UserId, Vec<UserId>) -> Fut,
    Fut: std::future::Future<Output = Result<BlacklistResponse, ErrorBody>>,
{
    let from = from_account(ctx, &request.from_account).await?;
    let named = accounts(&request.to_account, MAX_ACCOUNTS, "To_Account")?;
    let mut refused: HashMap<String, RestError> = HashMap::new();
    let mut users = Vec::new();
    for id in &named {
        if refuse_self && *id == request.from_account {
            refused.insert(id.clone(), invalid("an account cannot blacklist itself"));
        } else if !exists(ctx, id).await? {
            refused.insert(id.clone(), not_found(id));
        } else {
            users.push(UserId::new(id.clone()));
        }
    }
    if !users.is_empty() {
        change(from, users).await.map_err(|e| RestError::new(codes::INTERNAL, e.message))?;
    }
    let mut out = ResultItems::new();
    for id in named {
        let outcome = refused.remove(&id).map_or(Ok(()), Err);
        out.push(id, outcome);
    }
    Ok(out)
}

async fn black_list_add(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: BlackListChange,
) -> Result<ResultItems, RestError> {
    change_blacklist(&ctx, &request, true, |from, users| {
        let add = AddToBlacklist { user_id_list: users };
        handlers::relation::add_to_blacklist(&ctx, &as_user(from), add)
    })
    .await
}

async fn black_list_delete(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: BlackListChange,
) -> Result<ResultItems, RestError> {
    change_blacklist(&ctx, &request, false, |from, users| {
        let remove = RemoveFromBlacklist { user_id_list: users };
        handlers::relation::remove_from_blacklist(&ctx, &as_user(from), remove)
    })
    .await
}

async fn black_list_get(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: BlackListGet,
) -> Result<BlackListGetResponse, RestError> {
    let from = from_account(&ctx, &request.from_account).await?;
    if request.max_limited == 0 {
        return Err(invalid("MaxLimited must be at least 1"));
    }
    let seq = sequence(&ctx, &from).await?;
    let list = ctx.store.relation_times(from).await.map_err(read_failed)?.blacklist;
    let total = list.len();
    let start = usize::try_from(request.start_index).unwrap_or(usize::MAX).min(total);
    let size = usize::try_from(request.max_limited).unwrap_or(usize::MAX);
    let end = start.saturating_add(size).min(total);
    let black_list_item = list[start..end]
        .iter()
        .map(|(user, at)| BlackListItem { to_account: user.to_string(), add_black_time_stamp: *at })
        .collect();
    Ok(BlackListGetResponse {
        black_list_item,
        start_index: if end == total { 0 } else { end as u64 },
        curruent_sequence: seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_lists_are_checked_and_named_once() {
        let ids = |n: usize| (0..n).map(|i| format!("u{i}")).collect::<Vec<_>>();
        assert_eq!(accounts(&[], 10, "To_Account").expect_err("empty").code, codes::INVALID);
        assert_eq!(accounts(&ids(11), 10, "To_Account").expect_err("many").code, codes::INVALID);
        let twice = ["b".to_owned(), "a".to_owned(), "b".to_owned()];
        assert_eq!(accounts(&twice, 10, "To_Account").expect("ok"), ["b", "a"]);
    }

    #[test]
    fn requests_take_tims_names() {
        let add: FriendAdd = serde_json::from_value(serde_json::json!({
            "From_Account": "alice",
            "AddFriendItem": [{"To_Account": "bob", "AddSource": "AddSource_Type_Web"}],
            "AddType": "Add_Type_Single",
            "ForceAddFlags": 1
        }))
        .expect("friend_add");
        assert_eq!(add.add_type, RestAddType::Single);
        assert_eq!(add.force_add_flags, 1);
        let check: FriendCheck = serde_json::from_value(serde_json::json!({
            "From_Account": "alice", "To_Account": ["bob"], "CheckType": "CheckResult_Type_Single"
        }))
        .expect("friend_check");
        assert_eq!(check.check_type, RestCheckType::Single);
        let relation =
            serde_json::to_value(RestRelation::from(Relation::BothWay)).expect("relation");
        assert_eq!(relation, "CheckResult_Type_BothWay");
    }
}
