//! TIM's third-party callbacks (webhooks): confabd posts what happened, in
//! TIM's shapes, to the application backend at `callback_url`.
//!
//! A request is `POST <callback_url>?SdkAppid=…&CallbackCommand=…
//! &contenttype=json&ClientIP=&OptPlatform=RESTAPI|Web|…` with a JSON body
//! holding `CallbackCommand` and the command's fields; with a
//! `callback_token`, the URL also carries `RequestTime` (Unix seconds) and
//! `Sign` = hex SHA-256 of the token followed by `RequestTime`, which the
//! receiver recomputes to know the call is confabd's.
//!
//! **Before-callbacks** (`C2C.CallbackBeforeSendMsg`,
//! `Group.CallbackBeforeSendMsg`) are awaited by the send they are about,
//! for at most `callback_timeout_ms`, outside the store's writer (a session's
//! sends keep their order: each waits for the one before it). The answer
//! decides, as TIM's does:
//!
//! | answer `ErrorCode` | the send |
//! |---|---|
//! | 0 | goes on; with `MsgBody` (and `CloudCustomData`) in the answer, rewritten: the sender's SDK fires MESSAGE_MODIFIED |
//! | 1 | refused with 20006 (`ERR_SVR_MSG_PUSH_DENY`) |
//! | 2 | dropped silently: the sender sees success, nobody gets it |
//! | 120001–130000 | refused with that code and the answer's `ErrorInfo` |
//!
//! A failure (no answer in time, an HTTP error status, a body that is not
//! such an answer, a rewrite that is not a sendable `MsgBody`) follows
//! `callback_on_failure`: `allow` (default, TIM's) lets the send through
//! unchanged, `refuse` refuses it with 20006.
//!
//! **After-callbacks** (`C2C.CallbackAfterSendMsg`,
//! `Group.CallbackAfterSendMsg`, `State.StateChange`,
//! `Sns.CallbackFriendAdd`, `Sns.CallbackFriendDelete`,
//! `Group.CallbackAfterCreateGroup`, `Group.CallbackAfterNewMemberJoin`,
//! `Group.CallbackAfterMemberExit`, `Group.CallbackAfterGroupDestroyed`) are
//! queued and posted by background tasks once the change committed; a
//! failed post is tried `callback_retries` more times, waiting 0.5, 1, 2, …
//! seconds between tries. The queue holds [`QUEUE`] calls: when the
//! receiver is down that long, further calls are dropped (and logged), so
//! nothing a user does ever waits on it.
//!
//! What REST commands do fires no callback (TIM's default): a backend that
//! answers a message over REST does not hear its own answer.

pub(crate) mod msg_body;

use crate::clock::Clock;
use crate::config::{CallbackFailure, Config};
use crate::handlers::{Caller, Reply};
use crate::server::ServerContext;
use crate::services::message::NewMessage;
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::SendMessageResponse;
use confab_proto::{code, ErrorBody};
use confab_proto::{MessageId, UserId};
use futures_util::FutureExt as _;
use msg_body::MsgBodyElem;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};

/// `C2C.CallbackBeforeSendMsg`.
pub const C2C_BEFORE_SEND: &str = "C2C.CallbackBeforeSendMsg";
/// `C2C.CallbackAfterSendMsg`.
pub const C2C_AFTER_SEND: &str = "C2C.CallbackAfterSendMsg";
/// `Group.CallbackBeforeSendMsg`.
pub const GROUP_BEFORE_SEND: &str = "Group.CallbackBeforeSendMsg";
/// `Group.CallbackAfterSendMsg`.
pub const GROUP_AFTER_SEND: &str = "Group.CallbackAfterSendMsg";
/// `State.StateChange`.
pub const STATE_CHANGE: &str = "State.StateChange";
/// `Sns.CallbackFriendAdd`.
pub const FRIEND_ADD: &str = "Sns.CallbackFriendAdd";
/// `Sns.CallbackFriendDelete`.
pub const FRIEND_DELETE: &str = "Sns.CallbackFriendDelete";
/// `Group.CallbackAfterCreateGroup`.
pub const GROUP_CREATED: &str = "Group.CallbackAfterCreateGroup";
/// `Group.CallbackAfterNewMemberJoin`.
pub const MEMBER_JOINED: &str = "Group.CallbackAfterNewMemberJoin";
/// `Group.CallbackAfterMemberExit`.
pub const MEMBER_EXITED: &str = "Group.CallbackAfterMemberExit";
/// `Group.CallbackAfterGroupDestroyed`.
pub const GROUP_DESTROYED: &str = "Group.CallbackAfterGroupDestroyed";

/// Every callback confabd makes.
pub const ALL: [&str; 11] = [
    C2C_BEFORE_SEND,
    C2C_AFTER_SEND,
    GROUP_BEFORE_SEND,
    GROUP_AFTER_SEND,
    STATE_CHANGE,
    FRIEND_ADD,
    FRIEND_DELETE,
    GROUP_CREATED,
    MEMBER_JOINED,
    MEMBER_EXITED,
    GROUP_DESTROYED,
];

/// After-callbacks waiting to be posted, at most.
pub const QUEUE: usize = 10_000;

/// After-callbacks posted at once, at most.
const CONCURRENT_POSTS: usize = 32;

/// What a before-callback decided about a send.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Send it as it is.
    Allow,
    /// Send this content instead.
    Rewrite {
        /// The new body (one sendable element).
        element: Box<confab_proto::message::MessageElement>,
        /// The new `CloudCustomData`, when the answer has one.
        cloud_custom_data: Option<String>,
    },
    /// Refuse it with this error.
    Refuse(ErrorBody),
    /// Drop it: the sender sees success, nobody gets it.
    Discard,
}

/// One after-callback to post.
struct Queued {
    command: &'static str,
    platform: String,
    body: Value,
}

/// The callback client of one server.
pub(crate) struct Webhooks {
    client: reqwest::Client,
    url: String,
    commands: Vec<String>,
    token: Option<String>,
    on_failure: CallbackFailure,
    sdk_app_id: u64,
    clock: Arc<dyn Clock>,
    queue: mpsc::Sender<Queued>,
}

impl Webhooks {
    /// The callbacks of `config`, with their posting tasks started; `None`
    /// when `callback_url` is unset. `RequestTime` is `clock`'s. Must run
    /// inside the Tokio runtime.
    ///
    /// # Errors
    /// The HTTP client cannot be built, or a listed callback is unknown.
    pub(crate) fn start(
        config: &Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Option<Arc<Self>>, String> {
        let Some(url) = &config.callback_url else { return Ok(None) };
        if let Some(unknown) = config.callback_commands.iter().find(|c| !ALL.contains(&c.as_str()))
        {
            return Err(format!(
                "callback_commands: unknown callback {unknown:?} (known: {})",
                ALL.join(", ")
            ));
        }
        let client =
            crate::translate::https_client(Duration::from_millis(config.callback_timeout_ms))?;
        let (queue, queued) = mpsc::channel(QUEUE);
        let hooks = Arc::new(Self {
            client,
            url: url.clone(),
            commands: config.callback_commands.clone(),
            token: config.callback_token.clone(),
            on_failure: config.callback_on_failure,
            sdk_app_id: config.sdk_app_id,
            clock,
            queue,
        });
        tokio::spawn(post_queued(Arc::downgrade(&hooks), queued, config.callback_retries));
        Ok(Some(hooks))
    }

    /// Whether `command` is posted.
    pub(crate) fn wants(&self, command: &str) -> bool {
        self.commands.is_empty() || self.commands.iter().any(|c| c == command)
    }

    /// The URL of one call of `command` at `now_secs`.
    fn url_for(&self, command: &str, platform: &str, now_secs: i64) -> String {
        let mut url = format!(
            "{}{}SdkAppid={}&CallbackCommand={command}&contenttype=json&ClientIP=&OptPlatform={platform}",
            self.url,
            if self.url.contains('?') { '&' } else { '?' },
            self.sdk_app_id,
        );
        if let Some(token) = &self.token {
            url.push_str(&format!("&RequestTime={now_secs}&Sign={}", sign(token, now_secs)));
        }
        url
    }

    /// Posts `body` (with `CallbackCommand` added); the answer's JSON.
    async fn post(&self, command: &str, platform: &str, mut body: Value) -> Result<Value, String> {
        if let Value::Object(map) = &mut body {
            map.insert("CallbackCommand".into(), command.into());
        }
        let now = self.clock.now_secs();
        let response = self
            .client
            .post(self.url_for(command, platform, now))
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        response.json::<Value>().await.map_err(|e| format!("the answer is not JSON: {e}"))
    }

    /// Asks the before-callback `command` about a send from a client on
    /// `platform`; what to do with it.
    pub(crate) async fn before(
        &self,
        command: &'static str,
        platform: &str,
        body: Value,
    ) -> Verdict {
        let answer = match self.post(command, platform, body).await {
            Ok(answer) => answer,
            Err(why) => return self.failed(command, &why),
        };
        match verdict(&answer) {
            Ok(verdict) => verdict,
            Err(why) => self.failed(command, &why),
        }
    }

    /// The verdict of a failed before-callback.
    fn failed(&self, command: &str, why: &str) -> Verdict {
        tracing::warn!(command, error = why, policy = ?self.on_failure, "a before-callback failed");
        match self.on_failure {
            CallbackFailure::Allow => Verdict::Allow,
            CallbackFailure::Refuse => Verdict::Refuse(ErrorBody::new(
                code::ERR_SVR_MSG_PUSH_DENY,
                "the application's callback did not answer; the message was not sent",
            )),
        }
    }

    /// Queues the after-callback `command` (when it is wanted); never waits.
    pub(crate) fn after(&self, command: &'static str, platform: &str, body: Value) {
        if !self.wants(command) {
            return;
        }
        let queued = Queued { command, platform: platform.to_owned(), body };
        if let Err(e) = self.queue.try_send(queued) {
            tracing::warn!(command, error = %e, "callback queue full; the callback is dropped");
        }
    }
}

/// Hex SHA-256 of `token` followed by the decimal `request_time`.
pub(crate) fn sign(token: &str, request_time: i64) -> String {
    let digest = Sha256::digest(format!("{token}{request_time}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a before-callback's answer says.
fn verdict(answer: &Value) -> Result<Verdict, String> {
    let code =
        answer.get("ErrorCode").and_then(Value::as_i64).ok_or("the answer has no ErrorCode")?;
    let info = answer.get("ErrorInfo").and_then(Value::as_str).unwrap_or_default();
    match code {
        0 => {
            let Some(body) = answer.get("MsgBody") else { return Ok(Verdict::Allow) };
            let body: Vec<MsgBodyElem> =
                serde_json::from_value(body.clone()).map_err(|e| format!("MsgBody: {e}"))?;
            let element = msg_body::to_element(&body).map_err(|e| e.message)?;
            let cloud_custom_data =
                answer.get("CloudCustomData").and_then(Value::as_str).map(str::to_owned);
            Ok(Verdict::Rewrite { element: Box::new(element), cloud_custom_data })
        }
        1 => Ok(Verdict::Refuse(ErrorBody::new(
            code::ERR_SVR_MSG_PUSH_DENY,
            if info.is_empty() { "the application refused this message" } else { info },
        ))),
        2 => Ok(Verdict::Discard),
        120_001..=130_000 => Ok(Verdict::Refuse(ErrorBody::new(
            i32::try_from(code).unwrap_or(code::ERR_SVR_MSG_PUSH_DENY),
            info,
        ))),
        other => Err(format!("unknown ErrorCode {other}")),
    }
}

/// Posts queued after-callbacks until the server's callbacks are dropped.
async fn post_queued(
    hooks: std::sync::Weak<Webhooks>,
    mut queued: mpsc::Receiver<Queued>,
    retries: u32,
) {
    let permits = Arc::new(Semaphore::new(CONCURRENT_POSTS));
    while let Some(call) = queued.recv().await {
        let Some(hooks) = hooks.upgrade() else { return };
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { return };
        tokio::spawn(async move {
            let _permit = permit;
            let mut wait = Duration::from_millis(500);
            for attempt in 0..=retries {
                match hooks.post(call.command, &call.platform, call.body.clone()).await {
                    Ok(_) => return,
                    Err(why) if attempt == retries => {
                        tracing::warn!(
                            command = call.command,
                            error = why,
                            attempts = attempt + 1,
                            "an after-callback failed; given up"
                        );
                    }
                    Err(why) => {
                        tracing::info!(
                            command = call.command,
                            error = why,
                            "an after-callback failed; retrying"
                        );
                        // Backoff toward an outside receiver is real
                        // time (the network's), not the server clock's: a
                        // test's manual clock must not hold retries back.
                        tokio::time::sleep(wait).await;
                        wait = wait.saturating_mul(2);
                    }
                }
            }
        });
    }
}

/// The body of a C2C message's callbacks.
pub(crate) fn c2c_body(message: &WireMessage) -> Value {
    json!({
        "From_Account": message.from.as_str(),
        "To_Account": message.to,
        "MsgSeq": message.sequence,
        "MsgRandom": message.random,
        "MsgTime": message.time,
        "MsgKey": message.id.as_str(),
        "OnlineOnlyFlag": u8::from(message.online_user_only),
        "MsgBody": msg_body::from_element(&message.element),
        "CloudCustomData": message.cloud_custom_data,
    })
}

/// The callbacks to make for what `caller` does: none when none are
/// configured, and none for REST commands (TIM's default).
pub(crate) fn for_caller(ctx: &ServerContext, caller: &Caller) -> Option<Arc<Webhooks>> {
    if caller.platform == REST_PLATFORM {
        return None;
    }
    ctx.webhooks.clone()
}

/// `OptPlatform` of a REST command.
pub(crate) const REST_PLATFORM: &str = "RESTAPI";

/// TIM's `OptPlatform` of a client platform.
pub(crate) fn opt_platform(platform: confab_proto::ops::Platform) -> &'static str {
    match platform {
        confab_proto::ops::Platform::Web => "Web",
        // TIM has no name for a desktop app or a command line of any OS.
        confab_proto::ops::Platform::Desktop | confab_proto::ops::Platform::Cli => "Unknown",
    }
}

/// The server's clock, in seconds, for `EventTime` fields (milliseconds).
fn event_time(ctx: &ServerContext) -> i64 {
    ctx.clock.now_ms()
}

/// A C2C send with callbacks: asks the before-callback (outside the
/// writer, keeping the session's order of sends), stores what it allows,
/// then queues the after-callback.
pub(crate) fn c2c_send(
    ctx: &ServerContext,
    caller: &Caller,
    hooks: Arc<Webhooks>,
    mut new: NewMessage,
) -> Reply<SendMessageResponse> {
    let store = Arc::clone(&ctx.store);
    let mut turn = caller.sends.next();
    let platform = caller.platform;
    async move {
        if hooks.wants(C2C_BEFORE_SEND) {
            let body = json!({
                "From_Account": new.from.as_str(),
                "To_Account": new.to.as_str(),
                "MsgRandom": new.random,
                "MsgTime": new.time,
                "OnlineOnlyFlag": u8::from(new.online_user_only),
                "MsgBody": msg_body::from_element(&new.element),
                "CloudCustomData": new.cloud_custom_data,
            });
            match hooks.before(C2C_BEFORE_SEND, platform, body).await {
                Verdict::Allow => {}
                Verdict::Rewrite { element, cloud_custom_data } => {
                    new.element = *element;
                    if let Some(data) = cloud_custom_data {
                        new.cloud_custom_data = data;
                    }
                    check_size(&new.element, &new.cloud_custom_data)?;
                }
                Verdict::Refuse(error) => return Err(error),
                Verdict::Discard => {
                    return Ok(SendMessageResponse { message: unsent(&new), duplicate: false })
                }
            }
        }
        turn.wait().await;
        let sent = store.send_message(new);
        drop(turn);
        let response = sent.await.map_err(crate::handlers::store_error)?;
        if !response.duplicate {
            let mut body = c2c_body(&response.message);
            body["SendMsgResult"] = 0.into();
            body["ErrorInfo"] = "".into();
            hooks.after(C2C_AFTER_SEND, platform, body);
        }
        Ok(response)
    }
    .boxed()
}

/// A rewritten body over TIM's 12 KB refuses the send (80002).
pub(crate) fn check_size(
    element: &confab_proto::message::MessageElement,
    cloud_custom_data: &str,
) -> Result<(), ErrorBody> {
    let size = confab_proto::message::body_size(element, cloud_custom_data);
    if size > confab_proto::MAX_MESSAGE_BODY_BYTES {
        return Err(ErrorBody::new(
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
            format!(
                "the callback's rewrite is {size} bytes; the limit is {}",
                confab_proto::MAX_MESSAGE_BODY_BYTES
            ),
        ));
    }
    Ok(())
}

/// What the sender of a silently dropped C2C message is answered: the
/// message as it would have been, stored nowhere (sequence 0).
fn unsent(new: &NewMessage) -> WireMessage {
    WireMessage {
        id: MessageId::client_made(&new.from, new.client_time, new.random),
        conversation_type: ConversationType::C2c,
        from: new.from.clone(),
        to: new.to.as_str().to_owned(),
        sequence: 0,
        time: new.time,
        random: new.random,
        element: new.element.clone(),
        priority: new.priority,
        cloud_custom_data: new.cloud_custom_data.clone(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: new.need_read_receipt,
        is_support_extension: new.is_support_extension,
        name_card: String::new(),
        at_user_list: new.at_user_list.clone(),
        receiver_list: Vec::new(),
        excluded_from_unread_count: new.control.excluded_from_unread_count,
        excluded_from_last_message: new.control.excluded_from_last_message,
        online_user_only: new.online_user_only,
        is_revoked: false,
        version: 0,
    }
}

/// The body of a group message's callbacks.
pub(crate) fn group_body(message: &WireMessage, group_type: &str) -> Value {
    json!({
        "GroupId": message.to,
        "Type": group_type,
        "From_Account": message.from.as_str(),
        "Operator_Account": message.from.as_str(),
        "Random": message.random,
        "OnlineOnlyFlag": u8::from(message.online_user_only),
        "MsgBody": msg_body::from_element(&message.element),
        "CloudCustomData": message.cloud_custom_data,
    })
}

/// Asks the group before-callback about `message`: the message to send
/// (maybe rewritten), `None` to drop it silently, or the refusal.
pub(crate) async fn group_before(
    hooks: &Webhooks,
    platform: &str,
    group_type: &str,
    mut message: WireMessage,
) -> Result<Option<WireMessage>, ErrorBody> {
    if !hooks.wants(GROUP_BEFORE_SEND) {
        return Ok(Some(message));
    }
    match hooks.before(GROUP_BEFORE_SEND, platform, group_body(&message, group_type)).await {
        Verdict::Allow => Ok(Some(message)),
        Verdict::Rewrite { element, cloud_custom_data } => {
            message.element = *element;
            if let Some(data) = cloud_custom_data {
                message.cloud_custom_data = data;
            }
            check_size(&message.element, &message.cloud_custom_data)?;
            Ok(Some(message))
        }
        Verdict::Refuse(error) => Err(error),
        Verdict::Discard => Ok(None),
    }
}

/// Queues the group after-callback of a sent `message`.
pub(crate) fn group_after(
    hooks: &Webhooks,
    platform: &str,
    group_type: &str,
    message: &WireMessage,
) {
    let mut body = group_body(message, group_type);
    body["MsgSeq"] = message.sequence.into();
    body["MsgTime"] = message.time.into();
    hooks.after(GROUP_AFTER_SEND, platform, body);
}

/// `State.StateChange` of one session of `user`: `Login`, `Logout` or
/// `Disconnect`, with TIM's reason.
pub(crate) fn state_changed(ctx: &ServerContext, user: &UserId, platform: &str, action: &str) {
    let Some(hooks) = &ctx.webhooks else { return };
    let reason = match action {
        "Login" => "Register",
        "Logout" => "Unregister",
        _ => "LinkClose",
    };
    hooks.after(
        STATE_CHANGE,
        platform,
        json!({
            "EventTime": event_time(ctx),
            "Info": {"Action": action, "To_Account": user.as_str(), "Reason": reason},
        }),
    );
}

/// `Sns.CallbackFriendAdd`: each `(From_Account, To_Account)` pair is a
/// new friendship (To_Account joined From_Account's list; `initiator`
/// asked); `client_cmd` is TIM's name of the operation.
pub(crate) fn friends_added(
    hooks: &Webhooks,
    now_ms: i64,
    platform: &str,
    pairs: &[(UserId, UserId)],
    initiator: &UserId,
    client_cmd: &str,
) {
    if pairs.is_empty() {
        return;
    }
    let list: Vec<Value> = pairs
        .iter()
        .map(|(from, to)| json!({"From_Account": from.as_str(), "To_Account": to.as_str(), "Initiator_Account": initiator.as_str()}))
        .collect();
    hooks.after(
        FRIEND_ADD,
        platform,
        json!({"PairList": list, "ClientCmd": client_cmd, "EventTime": now_ms}),
    );
}

/// `Sns.CallbackFriendDelete`: `user` removed each of `peers`.
pub(crate) fn friends_deleted(
    hooks: &Webhooks,
    now_ms: i64,
    platform: &str,
    user: &UserId,
    peers: &[UserId],
) {
    if peers.is_empty() {
        return;
    }
    let list: Vec<Value> = peers
        .iter()
        .map(|to| json!({"From_Account": user.as_str(), "To_Account": to.as_str()}))
        .collect();
    hooks.after(
        FRIEND_DELETE,
        platform,
        json!({"PairList": list, "ClientCmd": "friend_delete", "EventTime": now_ms}),
    );
}

/// A group callback `command` with `body`, `members` listed under
/// `list_name` (as `{Member_Account}`).
pub(crate) fn group_event(
    hooks: &Webhooks,
    now_ms: i64,
    platform: &str,
    command: &'static str,
    mut body: Value,
    list_name: &str,
    members: &[UserId],
) {
    let list: Vec<Value> = members.iter().map(|m| json!({"Member_Account": m.as_str()})).collect();
    body[list_name] = Value::Array(list);
    body["EventTime"] = now_ms.into();
    hooks.after(command, platform, body);
}

/// Runs `then` on a reply's success, before the caller gets it.
pub(crate) fn observed<T: Send + 'static>(
    reply: Reply<T>,
    then: impl FnOnce(&T) + Send + 'static,
) -> Reply<T> {
    async move {
        let response = reply.await?;
        then(&response);
        Ok(response)
    }
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::message::{MessageElement, TextPayload};

    #[test]
    fn the_signature_is_sha256_of_token_and_time() {
        // printf 'secret1700000000' | sha256sum
        assert_eq!(
            sign("secret", 1_700_000_000),
            "a09abffb61e9ed1074de76ba1133a9900ffb7cccde778fb92b31afb76f5390ff"
        );
        assert_ne!(sign("secret", 1_700_000_000), sign("secret", 1_700_000_001));
        assert_ne!(sign("secret", 1_700_000_000), sign("secreT", 1_700_000_000));
    }

    #[test]
    fn answers_give_tims_verdicts() {
        assert_eq!(verdict(&json!({"ErrorCode": 0})), Ok(Verdict::Allow));
        assert_eq!(
            verdict(
                &json!({"ErrorCode": 0, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "ok"}}], "CloudCustomData": "c"})
            ),
            Ok(Verdict::Rewrite {
                element: Box::new(MessageElement::Text(TextPayload { text: "ok".into() })),
                cloud_custom_data: Some("c".into())
            })
        );
        assert!(
            matches!(verdict(&json!({"ErrorCode": 1})), Ok(Verdict::Refuse(e)) if e.code == 20006)
        );
        assert_eq!(verdict(&json!({"ErrorCode": 2})), Ok(Verdict::Discard));
        assert!(matches!(verdict(&json!({"ErrorCode": 120_005, "ErrorInfo": "no"})),
            Ok(Verdict::Refuse(e)) if e.code == 120_005 && e.message == "no"));
        assert!(verdict(&json!({"ErrorCode": 7})).is_err());
        assert!(verdict(&json!({})).is_err());
        assert!(verdict(
            &json!({"ErrorCode": 0, "MsgBody": [{"MsgType": "TIMImageElem", "MsgContent": {}}]})
        )
        .is_err());
    }
}
