//! One-to-one messages over REST (`openim`): send as any account (one
//! receiver or a batch), recall and modify as the sender, import history
//! from an old system, and read an account's history with a peer.
//!
//! A send goes through the same handler a session's `sendMessage` reaches,
//! acting as `From_Account` (default: the administrator itself): it obeys
//! every rule of a client's send (blacklist, friendship when the server
//! asks for one, profanity filter, size, the sender's send rate), and both
//! the receiver's and the sender's own instances get MESSAGE_RECEIVED
//! (TIM: "同帐号从其他端(或通过 REST API)发送的消息,会触发事件
//! TIM.EVENT.MESSAGE_RECEIVED").
//!
//! | command | limit | codes |
//! |---|---|---|
//! | `sendmsg` | one receiver | 90012 `From_Account`/`To_Account` is not an account; 90005 `MsgBody` cannot be sent; 90026 `MsgLifeTime` outside 0..=604800; 70402 another bad field; the handler's own codes as they are (20007 blacklist, 80001 filtered word, 80002 over 12 KB, 90008 to oneself, 2996 over the send rate, 20001 `MsgRandom` 0, …) |
//! | `batchsendmsg` | 500 receivers | 90011 over 500; the whole request as `sendmsg`; a receiver that failed is in `ErrorList` with its code (90012 not an account, or no valid userID); the others got it |
//! | `admin_msgwithdraw` | one message | 90012; 90054 `MsgKey` is not a message from `From_Account` to `To_Account` (nor the reverse); 2110 `From_Account` did not send it |
//! | `modify_c2c_msg` | one message | 90012; 90054; 90005; the modify handler's codes (10007 the receiver changes the content, 2480 modified meanwhile, 20026 revoked, 2905 a file message's content) |
//! | `importmsg` | one message | 90012; 90005; 70402 `SyncFromOldSystem` not 1 or 2, `MsgTimeStamp` not in 1..=now; the send checks' codes (90008, 20001, 80002, 80001, 20007) |
//! | `admin_getroammsg` | `MaxCnt` 1..=100 | 90012; 70402 `MaxCnt` out of range or `MinTime` > `MaxTime`; 90054 `LastMsgKey` is not a message of the conversation |
//!
//! Where Confab differs from TIM:
//!
//! - `SyncOtherMachine` 2 ("do not sync to the sender") is accepted but
//!   cannot be honoured: a Confab message is stored once for both sides, so
//!   the sender's history and instances always have it.
//! - `MsgLifeTime` 0 sends to online instances only and stores nothing
//!   (TIM's meaning); any other allowed value stores the message for good
//!   (Confab keeps history; it has no offline expiry).
//! - `MsgSeq` and `ForbidCallbackControl` are accepted and ignored (the
//!   server numbers each conversation itself; a REST send never fires
//!   callbacks, see `crate::webhook`); `SendMsgControl`
//!   `WithMuteNotifications` is ignored too.
//! - A message's `MsgKey` is its Confab message ID (`<from>-<time>-<random>`),
//!   which the SDK shows as `ID`. `MsgRandom` makes it, so a second send
//!   (or import) from one account with one `MsgRandom` in one second (for an
//!   import: with one `MsgTimeStamp`) is the first message again, stored
//!   once. In a batch each receiver's message needs its own ID: the n-th
//!   receiver's (from 0) has the random `MsgRandom + n·2^32`.
//! - A batch takes one send of the sender's send rate, not one per
//!   receiver (TIM meters the call).
//! - `importmsg` stores the message at `MsgTimeStamp` through the store's
//!   send (no send rate, no friendship requirement, the blacklist and
//!   profanity filter still apply); online instances receive it as they do
//!   any message. `SyncFromOldSystem` 2 (history) leaves the unread count
//!   alone, 1 (real time) raises it.
//! - `admin_getroammsg` lists newest first by time (then by the
//!   conversation's sequence), after what the operator cleared and without
//!   what it deleted for itself; `MsgFlagBits` is 1 for a revoked message,
//!   else 0. Page with `LastMsgKey` (the window may stay as it was).

use super::msg_body::{from_element, to_element, MsgBodyElem, INVALID_MSG_BODY};
use super::{as_user, store_error, Admin, Command, RestError};
use crate::handlers::message::{send_c2c, Metering};
use crate::handlers::message_ops::{modify_message, recall_message_as_admin};
use crate::server::ServerContext;
use crate::services::message::NewMessage;
use crate::store::c2c_key;
use crate::store::read::TimeWindow;
use confab_proto::message::{
    ConversationType, MessageControlInfo, MessageElement, OutgoingMessage, WireMessage,
};
use confab_proto::ops::{ModifyMessage, RevokeMessage, SendMessage};
use confab_proto::{code, ConversationId, UserId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// Most receivers of one batch send.
pub(crate) const MAX_BATCH_RECEIVERS: usize = 500;

/// Most messages one history read returns.
pub(crate) const MAX_ROAM_COUNT: u32 = 100;

/// Longest `MsgLifeTime`: 7 days.
pub(crate) const MAX_LIFE_TIME_SECS: i64 = 7 * 86_400;

/// TIM's REST codes of this area.
pub mod message_codes {
    /// A batch names more than 500 receivers.
    pub const TOO_MANY_RECEIVERS: i32 = 90011;
    /// `From_Account` or `To_Account` is not an account.
    pub const ACCOUNT_NOT_FOUND: i32 = 90012;
    /// `MsgLifeTime` is outside 0 to 7 days.
    pub const INVALID_LIFE_TIME: i32 = 90026;
    /// `MsgKey` names no message of the conversation.
    pub const MSG_KEY_INVALID: i32 = 90054;
}

use message_codes::{ACCOUNT_NOT_FOUND, INVALID_LIFE_TIME, MSG_KEY_INVALID, TOO_MANY_RECEIVERS};

/// What a send and a batch send share: the message and how it is sent.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct MessageOptions {
    /// 1 (default): the sender's instances and history get it too; 2: TIM
    /// would not sync it to the sender, which Confab cannot leave out.
    #[serde(rename = "SyncOtherMachine", default)]
    sync_other_machine: Option<u8>,
    /// The sender; default the administrator making the request.
    #[serde(rename = "From_Account", default)]
    from_account: Option<String>,
    /// Seconds the message is kept for offline receivers: 0 sends to
    /// online instances only; at most 604800 (7 days).
    #[serde(rename = "MsgLifeTime", default)]
    msg_life_time: Option<i64>,
    /// TIM's client sequence; accepted and ignored (the server numbers).
    #[serde(rename = "MsgSeq", default)]
    msg_seq: Option<u32>,
    /// The sender's random number for the message (part of its `MsgKey`).
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    /// The content: one element.
    #[serde(rename = "MsgBody")]
    #[schemars(with = "Vec<MsgBodyElem>")]
    msg_body: Value,
    /// Opaque data kept with the message.
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    /// 1: the sender asks for a read receipt.
    #[serde(rename = "IsNeedReadReceipt", default)]
    is_need_read_receipt: Option<u8>,
    /// `NoUnread` (the receiver's unread count stays), `NoLastMsg` (it does
    /// not become the conversation's last message), `WithMuteNotifications`
    /// (ignored).
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Vec<String>,
    /// TIM's callback switches; accepted and ignored (no callbacks).
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Vec<String>,
}

/// `sendmsg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SendMsg {
    /// The receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// The message and how it is sent.
    #[serde(flatten)]
    message: MessageOptions,
}

/// Response to [`SendMsg`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SendMsgResponse {
    /// The message's server time, seconds.
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    /// The message's key (its Confab message ID), for recalls and edits.
    #[serde(rename = "MsgKey")]
    msg_key: String,
}

/// `batchsendmsg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct BatchSendMsg {
    /// The receivers (1 to 500; a repeated one gets one message).
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    /// The message and how it is sent.
    #[serde(flatten)]
    message: MessageOptions,
}

/// A receiver a batch did not reach.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ReceiverError {
    /// The receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// Why (90012: not an account; else the send's code).
    #[serde(rename = "ErrorCode")]
    error_code: i32,
}

/// Response to [`BatchSendMsg`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct BatchSendMsgResponse {
    /// The key of the first receiver's message that was stored ("" when
    /// none was).
    #[serde(rename = "MsgKey")]
    msg_key: String,
    /// The receivers that did not get it; every other one did.
    #[serde(rename = "ErrorList")]
    error_list: Vec<ReceiverError>,
}

/// `admin_msgwithdraw`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AdminMsgWithdraw {
    /// The message's sender.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The message's receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// The message's key.
    #[serde(rename = "MsgKey")]
    msg_key: String,
}

/// `modify_c2c_msg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ModifyC2cMsg {
    /// The message's sender.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The message's receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// The message's key.
    #[serde(rename = "MsgKey")]
    msg_key: String,
    /// The new content: one element.
    #[serde(rename = "MsgBody")]
    #[schemars(with = "Vec<MsgBodyElem>")]
    msg_body: Value,
    /// The new opaque data; absent: kept as it is.
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
}

/// `importmsg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ImportMsg {
    /// 1: a real-time message (raises the receiver's unread count); 2: a
    /// history message (does not).
    #[serde(rename = "SyncFromOldSystem")]
    sync_from_old_system: u8,
    /// The sender.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// The receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// The sender's random number (with the time, part of its `MsgKey`).
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    /// When it was sent, seconds (not in the future).
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: i64,
    /// The content: one element.
    #[serde(rename = "MsgBody")]
    #[schemars(with = "Vec<MsgBodyElem>")]
    msg_body: Value,
    /// Opaque data kept with the message.
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
}

/// A response with no fields besides the envelope.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Empty {}

/// `admin_getroammsg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AdminGetRoamMsg {
    /// Whose view of the conversation is read.
    #[serde(rename = "Operator_Account")]
    operator_account: String,
    /// The other participant.
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    /// The most messages to return, 1 to 100.
    #[serde(rename = "MaxCnt")]
    max_cnt: u32,
    /// The earliest message time, seconds, included.
    #[serde(rename = "MinTime")]
    min_time: i64,
    /// The latest message time, seconds, included.
    #[serde(rename = "MaxTime")]
    max_time: i64,
    /// The `LastMsgKey` of the page before, to read the next one.
    #[serde(rename = "LastMsgKey", default)]
    last_msg_key: Option<String>,
}

/// One message of a history read.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct RoamMsg {
    /// Its sender.
    #[serde(rename = "From_Account")]
    from_account: String,
    /// Its receiver.
    #[serde(rename = "To_Account")]
    to_account: String,
    /// Its sequence in the conversation.
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    /// Its sender's random number.
    #[serde(rename = "MsgRandom")]
    msg_random: u64,
    /// Its server time, seconds.
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: i64,
    /// 1: revoked; 0: not.
    #[serde(rename = "MsgFlagBits")]
    msg_flag_bits: u32,
    /// Its key.
    #[serde(rename = "MsgKey")]
    msg_key: String,
    /// Its content.
    #[serde(rename = "MsgBody")]
    msg_body: Vec<MsgBodyElem>,
    /// Its opaque data.
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: String,
}

/// Response to [`AdminGetRoamMsg`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AdminGetRoamMsgResponse {
    /// 1: the window holds nothing more; 0: read on with `LastMsgKey`.
    #[serde(rename = "Complete")]
    complete: u8,
    /// How many messages `MsgList` holds.
    #[serde(rename = "MsgCnt")]
    msg_cnt: usize,
    /// The time of the last message listed (0 when none is).
    #[serde(rename = "LastMsgTime")]
    last_msg_time: i64,
    /// The key of the last message listed ("" when none is).
    #[serde(rename = "LastMsgKey")]
    last_msg_key: String,
    /// The messages, newest first.
    #[serde(rename = "MsgList")]
    msg_list: Vec<RoamMsg>,
}

/// The commands of this file.
pub(crate) fn commands() -> Vec<Command> {
    const OPENIM: &str = "openim";
    vec![
        Command::new(
            OPENIM,
            "sendmsg",
            "Send a one-to-one message as any account (the receiver's and the sender's instances get it).",
            send,
        ),
        Command::new(
            OPENIM,
            "batchsendmsg",
            "Send one message from one account to up to 500 receivers.",
            batch_send,
        ),
        Command::new(
            OPENIM,
            "admin_msgwithdraw",
            "Recall a one-to-one message as its sender, at any age.",
            withdraw,
        ),
        Command::new(
            OPENIM,
            "modify_c2c_msg",
            "Change a one-to-one message's content or cloud data as its sender.",
            modify,
        ),
        Command::new(
            OPENIM,
            "importmsg",
            "Import a one-to-one message from an old system at its original time.",
            import,
        ),
        Command::new(
            OPENIM,
            "admin_getroammsg",
            "Read an account's one-to-one history with a peer within a time window, newest first.",
            roam,
        ),
    ]
}

/// The account `id` names in `field`; 90012 when it is none.
async fn account(ctx: &ServerContext, id: &str, field: &str) -> Result<UserId, RestError> {
    let not_found =
        || RestError::new(ACCOUNT_NOT_FOUND, format!("{field} {id:?} is not an account"));
    if crate::auth::check_user_id(id).is_err() {
        return Err(not_found());
    }
    let user = UserId::new(id.to_owned());
    if !ctx.store.user_exists(user.clone()).await.map_err(store_error)? {
        return Err(not_found());
    }
    Ok(user)
}

/// The one element a request's `MsgBody` sends; 90005 for any other body,
/// a value that is no list of `{MsgType, MsgContent}` included.
fn body_element(body: &Value) -> Result<MessageElement, RestError> {
    let elements = Vec::<MsgBodyElem>::deserialize(body).map_err(|e| {
        RestError::new(
            INVALID_MSG_BODY,
            format!("MsgBody is no list of {{MsgType, MsgContent}}: {e}"),
        )
    })?;
    to_element(&elements).map_err(RestError::from)
}

/// The unread and last-message control of `SendMsgControl`.
fn control(flags: &[String]) -> Result<Option<MessageControlInfo>, RestError> {
    let mut control = MessageControlInfo::default();
    for flag in flags {
        match flag.as_str() {
            "NoUnread" => control.excluded_from_unread_count = true,
            "NoLastMsg" => control.excluded_from_last_message = true,
            "WithMuteNotifications" => {}
            other => {
                return Err(RestError::invalid(format!(
                    "SendMsgControl {other:?} is none of NoUnread, NoLastMsg, WithMuteNotifications"
                )))
            }
        }
    }
    Ok((control != MessageControlInfo::default()).then_some(control))
}

/// A checked send: who sends, and the request for each receiver.
struct Outgoing {
    from: UserId,
    request: SendMessage,
}

impl Outgoing {
    /// The request to `to`, the `index`-th receiver of the send (from 0),
    /// with a random of its own.
    fn to(&self, to: &UserId, index: usize) -> SendMessage {
        let mut request = self.request.clone();
        request.message.to = to.as_str().to_owned();
        // Below 2^9 receivers and 2^32 randoms: within the 2^53 limit.
        request.message.random += (index as u64) << 32;
        request
    }
}

/// Checks what a send and a batch share; the sender and the request (with
/// no receiver yet).
async fn outgoing(
    ctx: &ServerContext,
    admin: &Admin,
    options: MessageOptions,
) -> Result<Outgoing, RestError> {
    if !matches!(options.sync_other_machine, None | Some(1 | 2)) {
        return Err(RestError::invalid("SyncOtherMachine must be 1 or 2"));
    }
    if !matches!(options.is_need_read_receipt, None | Some(0 | 1)) {
        return Err(RestError::invalid("IsNeedReadReceipt must be 0 or 1"));
    }
    let online_only = match options.msg_life_time {
        None => false,
        Some(secs) if (0..=MAX_LIFE_TIME_SECS).contains(&secs) => secs == 0,
        Some(secs) => {
            return Err(RestError::new(
                INVALID_LIFE_TIME,
                format!("MsgLifeTime {secs} is outside 0 to {MAX_LIFE_TIME_SECS} seconds"),
            ))
        }
    };
    tracing::debug!(
        msg_seq = ?options.msg_seq,
        forbid_callback_control = ?options.forbid_callback_control,
        "ignored: the server numbers messages itself and has no callbacks"
    );
    let control = control(&options.send_msg_control)?;
    let element = body_element(&options.msg_body)?;
    let from = match options.from_account {
        Some(id) => account(ctx, &id, "From_Account").await?,
        None => admin.id.clone(),
    };
    let message = OutgoingMessage {
        receiver_list: Vec::new(),
        conversation_type: ConversationType::C2c,
        to: String::new(),
        random: u64::from(options.msg_random),
        element,
        priority: Default::default(),
        cloud_custom_data: options.cloud_custom_data.unwrap_or_default(),
        need_read_receipt: options.is_need_read_receipt == Some(1),
        is_support_extension: false,
        at_user_list: Vec::new(),
        // The message's ID takes its second, as a client's does.
        client_time: ctx.clock.now_ms(),
    };
    let request =
        SendMessage { message, online_user_only: online_only, message_control_info: control };
    Ok(Outgoing { from, request })
}

async fn send(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: SendMsg,
) -> Result<SendMsgResponse, RestError> {
    let outgoing = outgoing(&ctx, &admin, request.message).await?;
    let to = account(&ctx, &request.to_account, "To_Account").await?;
    let sent =
        send_c2c(&ctx, &as_user(outgoing.from.clone()), outgoing.to(&to, 0), Metering::PerMessage)
            .await?;
    Ok(SendMsgResponse { msg_time: sent.message.time, msg_key: sent.message.id.to_string() })
}

async fn batch_send(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: BatchSendMsg,
) -> Result<BatchSendMsgResponse, RestError> {
    let receivers = request.to_account;
    if receivers.len() > MAX_BATCH_RECEIVERS {
        return Err(RestError::new(
            TOO_MANY_RECEIVERS,
            format!(
                "To_Account names {} receivers; the limit is {MAX_BATCH_RECEIVERS}",
                receivers.len()
            ),
        ));
    }
    if receivers.is_empty() {
        return Err(RestError::invalid("To_Account must name at least one receiver"));
    }
    let outgoing = outgoing(&ctx, &admin, request.message).await?;
    let caller = as_user(outgoing.from.clone());
    let nodes = ctx.sessions.nodes_of(&caller.user);
    ctx.send_rate.check(&caller.user, ctx.clock.now_ms(), nodes)?;
    let mut seen = std::collections::HashSet::new();
    let receivers: Vec<String> =
        receivers.into_iter().filter(|id| seen.insert(id.clone())).collect();
    // Every send is queued before any is awaited, so the writer stores the
    // batch in a few commits rather than one per receiver.
    let mut pending = Vec::with_capacity(receivers.len());
    for (index, id) in receivers.iter().enumerate() {
        let sent = match crate::auth::check_user_id(id) {
            Ok(()) => {
                let to = UserId::new(id.clone());
                send_c2c(&ctx, &caller, outgoing.to(&to, index), Metering::Prepaid)
            }
            Err(e) => crate::handlers::reject(e),
        };
        pending.push(sent);
    }
    let results = futures_util::future::join_all(pending).await;
    let mut msg_key = String::new();
    let mut error_list = Vec::new();
    for (id, sent) in receivers.into_iter().zip(results) {
        match sent {
            Ok(sent) if msg_key.is_empty() && !sent.message.online_user_only => {
                msg_key = sent.message.id.to_string();
            }
            Ok(_) => {}
            Err(e) => {
                // No such account, or no valid userID: TIM's code for both.
                let not_found = e.code == code::USER_OR_GROUP_NOT_FOUND
                    || crate::auth::check_user_id(&id).is_err();
                let error_code = if not_found { ACCOUNT_NOT_FOUND } else { e.code };
                error_list.push(ReceiverError { to_account: id, error_code });
            }
        }
    }
    Ok(BatchSendMsgResponse { msg_key, error_list })
}

/// The stored message `key` of the C2C conversation of `a` and `b`; 90054
/// when there is none.
async fn c2c_message(
    ctx: &ServerContext,
    a: &UserId,
    b: &UserId,
    key: &str,
) -> Result<WireMessage, RestError> {
    let conversation = c2c_key(a, b);
    let id = key.to_owned();
    // A lookup by ID, in the writer as every operation on a stored
    // message's current state is.
    let found = ctx
        .store
        .transact(move |tx| {
            let Some(row) = tx.message_row(&id)? else { return Ok(None) };
            Ok(tx.load_message(row)?.filter(|(stored, _)| *stored == conversation))
        })
        .await
        .map_err(store_error)?;
    found.map(|(_, message)| message).ok_or_else(|| {
        RestError::new(MSG_KEY_INVALID, format!("MsgKey {key:?} is no message between {a} and {b}"))
    })
}

async fn withdraw(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AdminMsgWithdraw,
) -> Result<Empty, RestError> {
    let from = account(&ctx, &request.from_account, "From_Account").await?;
    let to = account(&ctx, &request.to_account, "To_Account").await?;
    let message = c2c_message(&ctx, &from, &to, &request.msg_key).await?;
    let revoke =
        RevokeMessage { conversation_id: ConversationId::c2c(&to), message_id: message.id.0 };
    recall_message_as_admin(&ctx, &as_user(from), revoke).await?;
    Ok(Empty {})
}

async fn modify(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ModifyC2cMsg,
) -> Result<Empty, RestError> {
    let element = body_element(&request.msg_body)?;
    let from = account(&ctx, &request.from_account, "From_Account").await?;
    let to = account(&ctx, &request.to_account, "To_Account").await?;
    let message = c2c_message(&ctx, &from, &to, &request.msg_key).await?;
    let change = ModifyMessage {
        conversation_id: ConversationId::c2c(&to),
        message_id: message.id.0,
        version: message.version,
        element,
        cloud_custom_data: request.cloud_custom_data.unwrap_or(message.cloud_custom_data),
    };
    modify_message(&ctx, &as_user(from), change).await?;
    Ok(Empty {})
}

async fn import(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ImportMsg,
) -> Result<Empty, RestError> {
    if !matches!(request.sync_from_old_system, 1 | 2) {
        return Err(RestError::invalid("SyncFromOldSystem must be 1 or 2"));
    }
    let now = ctx.clock.now_secs();
    if !(1..=now).contains(&request.msg_time_stamp) {
        return Err(RestError::invalid(format!(
            "MsgTimeStamp {} must lie between 1 and now ({now})",
            request.msg_time_stamp
        )));
    }
    let element = body_element(&request.msg_body)?;
    let from = account(&ctx, &request.from_account, "From_Account").await?;
    let to = account(&ctx, &request.to_account, "To_Account").await?;
    let mut checked = SendMessage {
        message: OutgoingMessage {
            receiver_list: Vec::new(),
            conversation_type: ConversationType::C2c,
            to: to.as_str().to_owned(),
            random: u64::from(request.msg_random),
            element,
            priority: Default::default(),
            cloud_custom_data: request.cloud_custom_data.unwrap_or_default(),
            need_read_receipt: false,
            is_support_extension: false,
            at_user_list: Vec::new(),
            client_time: request.msg_time_stamp.saturating_mul(1000),
        },
        online_user_only: false,
        message_control_info: None,
    };
    // The send's own checks (oneself, size, random) and the filter.
    crate::handlers::message::validate_send(&from, &checked)?;
    ctx.moderation.apply(&mut checked.message.element)?;
    let message = checked.message;
    let history = request.sync_from_old_system == 2;
    let new = NewMessage {
        from,
        to,
        random: message.random,
        // The import's time makes its ID: the same import again (one
        // sender, time and random) is the stored message again.
        client_time: u64::try_from(request.msg_time_stamp).unwrap_or(0),
        element: message.element,
        priority: message.priority,
        cloud_custom_data: message.cloud_custom_data,
        need_read_receipt: false,
        is_support_extension: false,
        at_user_list: Vec::new(),
        control: MessageControlInfo { excluded_from_unread_count: history, ..Default::default() },
        online_user_only: false,
        require_friendship: false,
        time: request.msg_time_stamp,
        origin: None,
    };
    ctx.store.send_message(new).await.map_err(store_error)?;
    Ok(Empty {})
}

/// A stored message as a history read lists it.
fn roam_msg(message: &WireMessage) -> RoamMsg {
    RoamMsg {
        from_account: message.from.to_string(),
        to_account: message.to.clone(),
        msg_seq: message.sequence,
        msg_random: message.random,
        msg_time_stamp: message.time,
        msg_flag_bits: u32::from(message.is_revoked),
        msg_key: message.id.to_string(),
        msg_body: from_element(&message.element),
        cloud_custom_data: message.cloud_custom_data.clone(),
    }
}

async fn roam(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AdminGetRoamMsg,
) -> Result<AdminGetRoamMsgResponse, RestError> {
    if !(1..=MAX_ROAM_COUNT).contains(&request.max_cnt) {
        return Err(RestError::invalid(format!(
            "MaxCnt {} is outside 1 to {MAX_ROAM_COUNT}",
            request.max_cnt
        )));
    }
    if request.min_time < 0 || request.min_time > request.max_time {
        return Err(RestError::invalid("MinTime must lie between 0 and MaxTime"));
    }
    let operator = account(&ctx, &request.operator_account, "Operator_Account").await?;
    let peer = account(&ctx, &request.peer_account, "Peer_Account").await?;
    let after = match request.last_msg_key.as_deref().filter(|key| !key.is_empty()) {
        Some(key) => {
            let last = c2c_message(&ctx, &operator, &peer, key).await?;
            Some((last.time, last.sequence))
        }
        None => None,
    };
    let window = TimeWindow {
        min_time: request.min_time,
        max_time: request.max_time,
        after,
        // One more than the page says whether more follow.
        count: request.max_cnt + 1,
    };
    let mut messages = ctx
        .store
        .message_window(operator, ConversationId::c2c(&peer), window)
        .await
        .map_err(store_error)?;
    let complete = messages.len() <= request.max_cnt as usize;
    messages.truncate(request.max_cnt as usize);
    let msg_list: Vec<RoamMsg> = messages.iter().map(roam_msg).collect();
    let (last_msg_time, last_msg_key) =
        msg_list.last().map_or((0, String::new()), |m| (m.msg_time_stamp, m.msg_key.clone()));
    Ok(AdminGetRoamMsgResponse {
        complete: u8::from(complete),
        msg_cnt: msg_list.len(),
        last_msg_time,
        last_msg_key,
        msg_list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn send_msg_control_maps_to_message_control() {
        let flags = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(control(&[]).expect("none"), None);
        assert_eq!(control(&flags(&["WithMuteNotifications"])).expect("ignored"), None);
        let both = control(&flags(&["NoUnread", "NoLastMsg"])).expect("both").expect("set");
        assert!(both.excluded_from_unread_count && both.excluded_from_last_message);
        assert!(!both.excluded_from_content_moderation);
        let refused = control(&flags(&["NoPush"])).expect_err("unknown");
        assert_eq!(refused.code, crate::rest::codes::INVALID_PARAMETER);
    }

    #[test]
    fn requests_decode_with_tims_names_and_defaults() {
        let request: SendMsg = serde_json::from_value(json!({
            "To_Account": "alice",
            "MsgRandom": 7,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
        }))
        .expect("decodes");
        assert_eq!(request.to_account, "alice");
        assert_eq!(request.message.msg_random, 7);
        assert_eq!(request.message.from_account, None);
        assert!(request.message.send_msg_control.is_empty());
        let missing_random = serde_json::from_value::<SendMsg>(json!({
            "To_Account": "alice",
            "MsgBody": [],
        }));
        assert!(missing_random.is_err());
        let batch: BatchSendMsg = serde_json::from_value(json!({
            "From_Account": "bob",
            "To_Account": ["a", "b"],
            "MsgRandom": 1,
            "MsgBody": [],
            "SendMsgControl": ["NoUnread"],
        }))
        .expect("decodes");
        assert_eq!(batch.to_account, ["a", "b"]);
        assert_eq!(batch.message.from_account.as_deref(), Some("bob"));
    }

    #[test]
    fn the_openapi_document_has_tims_field_names() {
        let commands = crate::rest::Commands::build();
        let schemas = &commands.document()["components"]["schemas"];
        let send = &schemas["SendMsg"];
        let required = send["required"].as_array().expect("required fields");
        for field in ["To_Account", "MsgRandom", "MsgBody"] {
            assert!(required.contains(&json!(field)), "{field} in {send}");
        }
        assert_eq!(send["properties"]["MsgBody"]["type"], "array", "{send}");
        assert!(send["properties"]["From_Account"].is_object(), "{send}");
        let roam = &schemas["AdminGetRoamMsgResponse"]["properties"];
        for field in ["Complete", "MsgCnt", "LastMsgTime", "LastMsgKey", "MsgList"] {
            assert!(roam[field].is_object(), "{field} in {roam}");
        }
    }

    #[test]
    fn each_receiver_of_a_batch_gets_its_own_random() {
        let outgoing = Outgoing {
            from: UserId::new("bob"),
            request: SendMessage::c2c_text("", u64::from(u32::MAX), "hi"),
        };
        let last = outgoing.to(&UserId::new("z"), MAX_BATCH_RECEIVERS - 1);
        assert_eq!(last.message.to, "z");
        assert!(last.message.random <= crate::handlers::message::MAX_RANDOM);
        assert_ne!(outgoing.to(&UserId::new("a"), 0).message.random, last.message.random);
        assert_eq!(outgoing.to(&UserId::new("a"), 0).message.random, u64::from(u32::MAX));
    }

    #[test]
    fn a_revoked_message_has_flag_bit_one() {
        let mut message: WireMessage = serde_json::from_value(json!({
            "ID": "bob-1-2", "conversationType": "C2C", "from": "bob", "to": "alice",
            "sequence": 3, "time": 1, "random": 2, "type": "TIMTextElem",
            "payload": {"text": "hi"}, "priority": "Normal", "cloudCustomData": "",
            "nick": "", "avatar": "", "needReadReceipt": false,
            "excludedFromUnreadCount": false, "excludedFromLastMessage": false,
            "onlineUserOnly": false,
        }))
        .expect("a wire message");
        assert_eq!(roam_msg(&message).msg_flag_bits, 0);
        message.is_revoked = true;
        let listed = roam_msg(&message);
        assert_eq!(listed.msg_flag_bits, 1);
        assert_eq!(listed.msg_seq, 3);
        assert_eq!(listed.msg_key, "bob-1-2");
        assert_eq!(listed.msg_body[0].msg_type, "TIMTextElem");
    }
}
