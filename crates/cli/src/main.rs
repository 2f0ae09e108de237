//! `confab`: the command-line client, for scripts, bots and smoke tests.
//!
//! Every command prints JSON on stdout (one object, or one object per line
//! for `listen`) and, on failure, `{"code": N, "message": "…"}` on stderr.
//! Exit codes: 0 success, 1 a TIM error (the code is in the JSON), 2 bad
//! usage or no saved session, 3 a local failure (profile directory).
//!
//! `https://` servers are reached over TLS trusting the platform's roots,
//! plus `--ca-file` (a PEM CA certificate, for a self-hosted server); a
//! certificate that is refused fails with its own code (90100 untrusted,
//! 90101 wrong host, 90102 expired, 90103 other TLS failure, 90104 bad CA
//! file). Plain `http://` to another machine works but logs a warning.
//!
//! The session (server URL, CA file, userID, UserSig) is kept in
//! `<profile>/session.json`; the SDK's local store lives in
//! `<profile>/data`, so history and queued messages survive between runs.
//! When the SDK renews the UserSig (half of its life is over) or the
//! password changes, `session.json` takes the new one at once.
//!
//! The CLI logs in as platform `cli`, a terminal: it is online beside a
//! web page of the same account, and the server's device policy decides
//! whether it also is beside the desktop app (TIM's default: it is not,
//! and the earlier terminal is kicked with `multipleDevice`).

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use confab_proto::group::{
    AddGroupMember, DeleteGroupMember, GetGroupList, GetGroupMemberList, JoinGroup,
};
use confab_proto::message::{CustomPayload, MessageControlInfo, TextPayload};
use confab_proto::profile::ProfilePatch;
use confab_proto::UserId;
use confab_sdk::{
    ConversationType, CreateMessageOptions, CustomCa, DeleteConversationOptions, Event,
    GetMessageListOptions, Platform, SendMessageOptions, TextAtPayload, Tim, TimError, TimOptions,
    TlsConfig,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// How long a command waits for the SDK to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Parser)]
#[command(name = "confab", version, about = "Confab command-line client")]
struct Cli {
    /// Profile directory holding the saved session and the local store.
    #[arg(long, env = "CONFAB_PROFILE", global = true)]
    profile: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an account on a server and save the session.
    Register(AccountArgs),
    /// Log in with a password (or a UserSig) and save the session.
    Login(LoginArgs),
    /// Log out on the server (the saved UserSig stops working) and forget
    /// the saved session.
    Logout,
    /// Change the account's password; other devices are signed out and the
    /// saved session takes the new UserSig.
    ChangePassword(ChangePasswordArgs),
    /// Sign the account out of every device and forget the saved session.
    SignOutEverywhere,
    /// Send a text or custom message to a user.
    Send(SendArgs),
    /// List conversations.
    Conversations,
    /// Page a conversation's history, newest first.
    History(HistoryArgs),
    /// Mark a conversation read.
    Read {
        /// Conversation ID, e.g. C2Cbob.
        conversation_id: String,
        /// Also send read receipts for the messages of its newest page
        /// that asked for them (their senders see who read them).
        #[arg(long)]
        receipts: bool,
    },
    /// React to a message with an emoji (a message extension
    /// `r:<emoji>:<you>`), or take the reaction back; prints the outcome.
    React {
        /// Conversation ID, e.g. C2Cbob.
        conversation_id: String,
        /// The message's ID.
        message_id: String,
        /// The emoji.
        emoji: String,
        /// Take the reaction back.
        #[arg(long)]
        undo: bool,
    },
    /// Delete conversations (and, by default, their history).
    DeleteConversation {
        /// Conversation IDs.
        #[arg(required = true)]
        conversation_ids: Vec<String>,
        /// Keep the history on the server.
        #[arg(long)]
        keep_history: bool,
    },
    /// Show profiles: your own, or the given users'.
    Profile {
        /// Users to look up; none for your own profile.
        user_ids: Vec<String>,
    },
    /// Update your profile.
    SetProfile(SetProfileArgs),
    /// Groups: create, join, quit, dismiss, list, members, add, remove, and
    /// a community's topics (topics, topic-create).
    #[command(subcommand)]
    Group(GroupCommand),
    /// Friends: add, list, requests, accept, refuse, delete, check.
    #[command(subcommand)]
    Friend(FriendCommand),
    /// Put users on your blacklist (messages and friend requests between
    /// you are refused with 20007) and print the whole list.
    Block {
        /// The users.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
    /// Take users off your blacklist and print the whole list.
    Unblock {
        /// The users.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
    /// Your custom status, or users' statuses.
    #[command(subcommand)]
    Status(StatusCommand),
    /// Print every event as one JSON object per line until interrupted.
    Listen {
        /// Stop after this many MESSAGE_RECEIVED messages.
        #[arg(long)]
        count: Option<usize>,
    },
}

#[derive(Args)]
struct AccountArgs {
    /// The userID.
    user_id: String,
    /// HTTP base URL of the server.
    #[arg(long, env = "CONFAB_SERVER", default_value = "http://127.0.0.1:7788")]
    server: String,
    /// A CA certificate (PEM) to trust for an https:// server, besides the
    /// system's roots; saved with the session.
    #[arg(long, env = "CONFAB_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// The password (else read from CONFAB_PASSWORD).
    #[arg(long, env = "CONFAB_PASSWORD", hide_env_values = true)]
    password: String,
}

#[derive(Args)]
struct LoginArgs {
    /// The userID.
    user_id: String,
    /// HTTP base URL of the server.
    #[arg(long, env = "CONFAB_SERVER", default_value = "http://127.0.0.1:7788")]
    server: String,
    /// A CA certificate (PEM) to trust for an https:// server, besides the
    /// system's roots; saved with the session.
    #[arg(long, env = "CONFAB_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// The password (else read from CONFAB_PASSWORD).
    #[arg(
        long,
        env = "CONFAB_PASSWORD",
        hide_env_values = true,
        required_unless_present = "user_sig"
    )]
    password: Option<String>,
    /// Use this UserSig (e.g. from `confabd usersig`) instead of a password.
    #[arg(long, requires = "sdk_app_id")]
    user_sig: Option<String>,
    /// SDKAppID the UserSig was minted for.
    #[arg(long)]
    sdk_app_id: Option<u64>,
}

#[derive(Args)]
struct ChangePasswordArgs {
    /// The current password (else read from CONFAB_PASSWORD).
    #[arg(long, env = "CONFAB_PASSWORD", hide_env_values = true)]
    old_password: String,
    /// The new password (else read from CONFAB_NEW_PASSWORD).
    #[arg(long, env = "CONFAB_NEW_PASSWORD", hide_env_values = true)]
    new_password: String,
}

/// `confab group …`: TIM's group methods, each printing TIM's answer.
#[derive(Subcommand)]
enum GroupCommand {
    /// Create a group (you are its owner) and print it.
    Create {
        /// The group's name.
        #[arg(long)]
        name: String,
        /// TIM's kind: Private (Work), Public, ChatRoom (Meeting),
        /// AVChatRoom or Community.
        #[arg(long = "type", default_value = "Private")]
        group_type: String,
        /// A groupID of your choosing (else the server makes one).
        #[arg(long = "id")]
        group_id: Option<String>,
        /// How others join: FreeAccess, NeedPermission or DisableApply.
        #[arg(long)]
        join_option: Option<String>,
        /// A member to add at once (repeatable).
        #[arg(long = "member", value_name = "USERID")]
        members: Vec<String>,
        /// A Community with topics (`isSupportTopic`).
        #[arg(long)]
        topics: bool,
    },
    /// A community's topics (`getTopicList`).
    Topics {
        /// The community's groupID.
        group_id: String,
    },
    /// Make a topic in a community (owner and admins) and print its ID;
    /// send to it with `confab send --group <topicID> …`.
    TopicCreate {
        /// The community's groupID.
        group_id: String,
        /// The topic's name.
        #[arg(long)]
        name: String,
        /// The topic's notification.
        #[arg(long, default_value = "")]
        notification: String,
    },
    /// Join a group (or ask to, when it needs approval).
    Join {
        /// The groupID.
        group_id: String,
        /// The message sent with a join request.
        #[arg(long, default_value = "")]
        apply_message: String,
    },
    /// Leave a group.
    Quit {
        /// The groupID.
        group_id: String,
    },
    /// Dismiss a group you own.
    Dismiss {
        /// The groupID.
        group_id: String,
    },
    /// The groups you are in.
    List,
    /// A group's members (first page, up to 100).
    Members {
        /// The groupID.
        group_id: String,
    },
    /// Add members to a group.
    Add {
        /// The groupID.
        group_id: String,
        /// The users to add.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
    /// Remove members from a group.
    Remove {
        /// The groupID.
        group_id: String,
        /// The members to remove.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
}

/// `confab friend …`: TIM's friend methods, each printing TIM's answer.
#[derive(Subcommand)]
enum FriendCommand {
    /// Ask a user to be a friend (added at once when they allow anyone:
    /// code 0; else a request waits for them: code 30539).
    Add {
        /// The user.
        user_id: String,
        /// A message for them.
        #[arg(long, default_value = "")]
        wording: String,
        /// Your remark for them.
        #[arg(long, default_value = "")]
        remark: String,
        /// A friend group of yours to put them in.
        #[arg(long, default_value = "")]
        group: String,
        /// Only you gain them (they do not gain you).
        #[arg(long)]
        one_way: bool,
    },
    /// Your friends.
    List,
    /// Friend requests to and from you.
    Requests,
    /// Accept a user's request (both of you gain each other, unless
    /// `--one-way`: only they gain you).
    Accept {
        /// The requester.
        user_id: String,
        /// Your remark for them.
        #[arg(long, default_value = "")]
        remark: String,
        /// Agree without adding them back.
        #[arg(long)]
        one_way: bool,
    },
    /// Refuse a user's request.
    Refuse {
        /// The requester.
        user_id: String,
    },
    /// Remove friends (both ways, unless `--one-way`).
    Delete {
        /// The friends.
        #[arg(required = true)]
        user_ids: Vec<String>,
        /// Only remove them from your list.
        #[arg(long)]
        one_way: bool,
    },
    /// Your relation with users (both directions).
    Check {
        /// The users.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
}

/// `confab status …`.
#[derive(Subcommand)]
enum StatusCommand {
    /// Set your custom status (`""` clears it).
    Set {
        /// The custom status.
        custom_status: String,
    },
    /// Users' statuses (1 online, 2 offline, 3 not logged in).
    Get {
        /// The users.
        #[arg(required = true)]
        user_ids: Vec<String>,
    },
}

#[derive(Args)]
struct SendArgs {
    /// Receiver's userID (with `--group`, the groupID).
    to: String,
    /// Text to send (for a custom message: its data).
    text: String,
    /// Send to the group TO (a GROUP conversation) instead of a user.
    #[arg(long)]
    group: bool,
    /// Mention a member (repeatable; `__kImSDK_MesssageAtALL__` for
    /// everyone): a TIM @ message, group only.
    #[arg(long = "at", value_name = "USERID", requires = "group", conflicts_with = "custom")]
    at: Vec<String>,
    /// Send a custom message whose data is TEXT.
    #[arg(long)]
    custom: bool,
    /// Custom message description.
    #[arg(long, default_value = "", requires = "custom")]
    description: String,
    /// Custom message extension.
    #[arg(long, default_value = "", requires = "custom")]
    extension: String,
    /// cloudCustomData stored with the message.
    #[arg(long, default_value = "")]
    cloud_custom_data: String,
    /// Ask the receivers for read receipts (`confab read --receipts`).
    #[arg(long)]
    need_read_receipt: bool,
    /// Deliver only to instances online now.
    #[arg(long)]
    online_user_only: bool,
    /// Do not raise the receiver's unread count.
    #[arg(long)]
    excluded_from_unread_count: bool,
    /// Do not become the conversation's last message.
    #[arg(long)]
    excluded_from_last_message: bool,
    /// Send this many text messages, numbered "TEXT 1" … "TEXT N", queued
    /// together (to fill a conversation); prints the last one.
    #[arg(long, default_value_t = 1, conflicts_with = "custom")]
    count: usize,
}

#[derive(Args)]
struct HistoryArgs {
    /// Conversation ID, e.g. C2Cbob.
    conversation_id: String,
    /// Continue from this nextReqMessageID.
    #[arg(long)]
    next: Option<String>,
    /// Page until the beginning and print everything (oldest first).
    #[arg(long)]
    all: bool,
}

#[derive(Args)]
struct SetProfileArgs {
    /// Nickname.
    #[arg(long)]
    nick: Option<String>,
    /// Avatar URL.
    #[arg(long)]
    avatar: Option<String>,
    /// Signature.
    #[arg(long)]
    self_signature: Option<String>,
}

/// What `register`/`login` save in the profile directory.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    server: String,
    /// The CA certificate trusted for the server, if one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ca_file: Option<PathBuf>,
    #[serde(rename = "userID")]
    user_id: String,
    user_sig: String,
    #[serde(rename = "sdkAppID")]
    sdk_app_id: u64,
}

/// A failure and its exit code.
enum Failure {
    Tim(TimError),
    Usage(String),
    Local(anyhow::Error),
}

impl From<TimError> for Failure {
    fn from(e: TimError) -> Self {
        Self::Tim(e)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self::Local(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CONFAB_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return report(Failure::Local(e.into())),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => report(f),
    }
}

fn report(failure: Failure) -> ExitCode {
    let (code, message, exit) = match failure {
        Failure::Tim(e) => (e.code, e.message, 1),
        Failure::Usage(m) => (0, m, 2),
        Failure::Local(e) => (0, format!("{e:#}"), 3),
    };
    eprintln!("{}", serde_json::json!({ "code": code, "message": message }));
    ExitCode::from(exit)
}

fn print(value: &impl Serialize) -> Result<(), Failure> {
    println!("{}", serde_json::to_string(value).context("encode output")?);
    Ok(())
}

fn profile_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(p) = &cli.profile {
        return Ok(p.clone());
    }
    let home =
        std::env::var_os("HOME").ok_or_else(|| Failure::Usage("set --profile or HOME".into()))?;
    Ok(PathBuf::from(home).join(".config/confab-cli"))
}

fn session_path(profile: &Path) -> PathBuf {
    profile.join("session.json")
}

fn save_session(profile: &Path, session: &Session) -> Result<(), Failure> {
    // It holds a UserSig: the user's alone, and never half written.
    confab_private_fs::create_dir_all(profile).context("create profile directory")?;
    let text = serde_json::to_string_pretty(session).context("encode session")?;
    confab_private_fs::write_atomic(&session_path(profile), text.as_bytes())
        .context("write session.json")?;
    Ok(())
}

fn load_session(profile: &Path) -> Result<Session, Failure> {
    let text = std::fs::read_to_string(session_path(profile))
        .map_err(|_| Failure::Usage("no saved session: run `confab login` first".into()))?;
    Ok(serde_json::from_str(&text).context("parse session.json")?)
}

/// `http://host:port` → `ws://host:port/ws`.
fn ws_url(http: &str) -> String {
    let base = http.trim_end_matches('/');
    let ws = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    };
    format!("{ws}{}", confab_proto::WS_PATH)
}

/// What the server's certificate may be issued by: the platform's roots,
/// and the CA file if one was given. Warns about plain `http://` to
/// another machine.
fn tls_config(server: &str, ca_file: Option<&Path>) -> Result<TlsConfig, Failure> {
    if confab_sdk::tls::is_plain_remote_url(server) {
        tracing::warn!(
            server,
            "plain http:// to another machine: the password and messages cross the network unencrypted; use https://"
        );
    }
    let tls = match ca_file {
        Some(path) => TlsConfig::with_custom_ca(CustomCa::PemFile(path.to_owned())),
        None => TlsConfig::platform(),
    };
    tls.check_custom_ca()?;
    Ok(tls)
}

/// `--ca-file` as an absolute path, so the saved session works from any
/// working directory.
fn absolute_ca_file(ca_file: Option<PathBuf>) -> Result<Option<PathBuf>, Failure> {
    ca_file
        .map(|path| std::path::absolute(&path).context("the --ca-file path"))
        .transpose()
        .map_err(Failure::Local)
}

/// Logs the saved session in and waits for SDK_READY.
async fn connect(
    profile: &Path,
) -> Result<(Tim, tokio::sync::broadcast::Receiver<Event>), Failure> {
    let session = load_session(profile)?;
    let mut options =
        TimOptions::new(session.sdk_app_id, ws_url(&session.server), profile.join("data"));
    options.tls = tls_config(&session.server, session.ca_file.as_deref())?;
    // A terminal: the server's device policy decides whether it shares the
    // account with the desktop app (TIM's default: it does not).
    options.platform = Platform::Cli;
    let tim = Tim::create(options);
    // Two subscriptions: one is consumed waiting for ready, the other keeps
    // every event (also those of the initial sync) for the caller.
    let events = tim.subscribe();
    let mut ready_events = tim.subscribe();
    let (user_id, user_sig) = (session.user_id.clone(), session.user_sig.clone());
    keep_renewed_sigs(&tim, profile, session);
    tim.login(&user_id, &user_sig).await?;
    if !tim.is_ready() {
        tokio::time::timeout(READY_TIMEOUT, wait_ready(&mut ready_events)).await.map_err(
            |_| {
                TimError::new(
                    confab_proto::code::NETWORK_TIMEOUT,
                    "timed out waiting for SDK_READY",
                )
            },
        )??;
    }
    Ok((tim, events))
}

/// Ends this run's login without logging out on the server: a logout
/// retires the saved UserSig (the next run could not log in with it), so
/// only `confab logout` logs out. Dropping the last handle stops the SDK's
/// tasks and closes the connection.
fn close(tim: Tim) {
    drop(tim);
}

/// Stores every UserSig the SDK is issued (renewal, password change) in
/// `session.json`, so the next run logs in with it.
fn keep_renewed_sigs(tim: &Tim, profile: &Path, session: Session) {
    let profile = profile.to_owned();
    tim.on(confab_sdk::EventName::UserSigRenewed, move |event| {
        let Event::UserSigRenewed { user_id, user_sig, .. } = event else { return };
        if *user_id != session.user_id {
            return;
        }
        let renewed = Session {
            server: session.server.clone(),
            ca_file: session.ca_file.clone(),
            user_id: user_id.clone(),
            user_sig: user_sig.clone(),
            sdk_app_id: session.sdk_app_id,
        };
        if save_session(&profile, &renewed).is_err() {
            tracing::warn!("cannot store the renewed UserSig in session.json");
        }
    });
}

/// Waits for SDK_READY on an event stream.
async fn wait_ready(events: &mut tokio::sync::broadcast::Receiver<Event>) -> Result<(), TimError> {
    loop {
        match events.recv().await {
            Ok(Event::SdkReady) => return Ok(()),
            Ok(Event::KickedOut { kick_type }) => {
                return Err(TimError::new(
                    confab_proto::code::LOGIN_FAILED,
                    format!("kicked out: {kick_type}"),
                ))
            }
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                return Err(TimError::new(
                    confab_proto::code::SDK_IS_NOT_READY,
                    "SDK closed before ready",
                ))
            }
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let profile = profile_dir(&cli)?;
    match cli.command {
        Command::Register(args) => {
            let ca_file = absolute_ca_file(args.ca_file)?;
            let tls = tls_config(&args.server, ca_file.as_deref())?;
            let grant = confab_sdk::account::register_with(
                &tls,
                &args.server,
                &args.user_id,
                &args.password,
            )
            .await?;
            save_session(
                &profile,
                &Session {
                    server: args.server,
                    ca_file,
                    user_id: grant.user_id.0.clone(),
                    user_sig: grant.user_sig.clone(),
                    sdk_app_id: grant.sdk_app_id,
                },
            )?;
            print(&serde_json::json!({ "userID": grant.user_id, "expireAt": grant.expire_at }))
        }
        Command::Login(args) => {
            let ca_file = absolute_ca_file(args.ca_file)?;
            let (user_sig, sdk_app_id) = match (args.user_sig, args.sdk_app_id, args.password) {
                (Some(sig), Some(app), _) => (sig, app),
                (_, _, Some(password)) => {
                    let tls = tls_config(&args.server, ca_file.as_deref())?;
                    let grant = confab_sdk::account::login_with(
                        &tls,
                        &args.server,
                        &args.user_id,
                        &password,
                    )
                    .await?;
                    (grant.user_sig, grant.sdk_app_id)
                }
                _ => {
                    return Err(Failure::Usage(
                        "give --password or --user-sig with --sdk-app-id".into(),
                    ))
                }
            };
            let session = Session {
                server: args.server,
                ca_file,
                user_id: args.user_id,
                user_sig,
                sdk_app_id,
            };
            save_session(&profile, &session)?;
            // Prove the session works (and fill the local store) before saying so.
            let (tim, _) = connect(&profile).await?;
            let me = tim.get_my_profile().await?;
            close(tim);
            print(&me)
        }
        Command::Logout => {
            let path = session_path(&profile);
            if path.exists() {
                // Retire the UserSig on the server; offline, only forget it.
                match connect(&profile).await {
                    Ok((tim, _)) => {
                        tim.logout().await?;
                        close(tim);
                    }
                    Err(Failure::Tim(e)) => {
                        tracing::warn!(
                            code = e.code,
                            "not logged out on the server: {}",
                            e.message
                        );
                    }
                    Err(other) => return Err(other),
                }
                std::fs::remove_file(&path).context("remove session.json")?;
            }
            print(&serde_json::json!({ "loggedOut": true }))
        }
        Command::ChangePassword(args) => {
            let (tim, _) = connect(&profile).await?;
            let changed = tim.change_password(&args.old_password, &args.new_password).await;
            close(tim);
            let issued = changed?;
            print(&serde_json::json!({ "passwordChanged": true, "expireAt": issued.expire_at }))
        }
        Command::SignOutEverywhere => {
            let (tim, _) = connect(&profile).await?;
            let signed_out = tim.sign_out_everywhere().await;
            close(tim);
            signed_out?;
            std::fs::remove_file(session_path(&profile)).context("remove session.json")?;
            print(&serde_json::json!({ "signedOutEverywhere": true }))
        }
        Command::Send(args) if args.count > 1 => {
            let (tim, _) = connect(&profile).await?;
            let sent = send_numbered(&tim, &args).await;
            close(tim);
            print(&sent?)
        }
        Command::Send(args) => {
            let (tim, _) = connect(&profile).await?;
            let message = if args.custom {
                let payload = CustomPayload {
                    data: args.text,
                    description: args.description,
                    extension: args.extension,
                };
                let mut options = CreateMessageOptions::c2c(args.to, payload);
                options.conversation_type = conversation_type(args.group);
                options.cloud_custom_data = args.cloud_custom_data;
                options.need_read_receipt = args.need_read_receipt;
                tim.create_custom_message(options)?
            } else if !args.at.is_empty() {
                let payload = TextAtPayload { text: args.text, at_user_list: args.at };
                let mut options = CreateMessageOptions::c2c(args.to, payload);
                options.conversation_type = ConversationType::Group;
                options.cloud_custom_data = args.cloud_custom_data;
                options.need_read_receipt = args.need_read_receipt;
                tim.create_text_at_message(options)?
            } else {
                let mut options =
                    CreateMessageOptions::c2c(args.to, TextPayload { text: args.text });
                options.conversation_type = conversation_type(args.group);
                options.cloud_custom_data = args.cloud_custom_data;
                options.need_read_receipt = args.need_read_receipt;
                tim.create_text_message(options)?
            };
            let control = (args.excluded_from_unread_count || args.excluded_from_last_message)
                .then_some(MessageControlInfo {
                    excluded_from_unread_count: args.excluded_from_unread_count,
                    excluded_from_last_message: args.excluded_from_last_message,
                    excluded_from_content_moderation: false,
                });
            let options = SendMessageOptions {
                online_user_only: args.online_user_only,
                message_control_info: control,
                ..Default::default()
            };
            let sent = tim.send_message(&message, options).await;
            close(tim);
            print(&sent?.message)
        }
        Command::Conversations => {
            let (tim, _) = connect(&profile).await?;
            let list = tim.get_conversation_list(None).await;
            close(tim);
            print(&list?.conversation_list)
        }
        Command::History(args) => {
            let (tim, _) = connect(&profile).await?;
            let result = history(&tim, args).await;
            close(tim);
            print(&result?)
        }
        Command::Read { conversation_id, receipts } => {
            let (tim, _) = connect(&profile).await?;
            let result = read(&tim, &conversation_id, receipts).await;
            close(tim);
            let receipted = result?;
            print(&serde_json::json!({
                "conversationID": conversation_id,
                "receiptMessageIDList": receipted,
            }))
        }
        Command::React { conversation_id, message_id, emoji, undo } => {
            let (tim, _) = connect(&profile).await?;
            let result = react(&tim, &conversation_id, &message_id, &emoji, undo).await;
            close(tim);
            print(&result?)
        }
        Command::DeleteConversation { conversation_ids, keep_history } => {
            let (tim, _) = connect(&profile).await?;
            let options = DeleteConversationOptions {
                conversation_id_list: conversation_ids,
                clear_history_message: !keep_history,
            };
            let result = tim.delete_conversation(options).await;
            close(tim);
            print(&serde_json::json!({ "conversationIDList": result? }))
        }
        Command::Profile { user_ids } => {
            let (tim, _) = connect(&profile).await?;
            let result = if user_ids.is_empty() {
                tim.get_my_profile().await.map(|p| vec![p])
            } else {
                tim.get_user_profile(user_ids).await
            };
            close(tim);
            print(&result?)
        }
        Command::SetProfile(args) => {
            let (tim, _) = connect(&profile).await?;
            let patch = ProfilePatch {
                nick: args.nick,
                avatar: args.avatar,
                self_signature: args.self_signature,
                ..Default::default()
            };
            let result = tim.update_my_profile(patch).await;
            close(tim);
            print(&result?)
        }
        Command::Group(command) => {
            let (tim, _) = connect(&profile).await?;
            let answer = group(&tim, command).await;
            close(tim);
            print(&answer?)
        }
        Command::Friend(command) => {
            let (tim, _) = connect(&profile).await?;
            let answer = friend(&tim, command).await;
            close(tim);
            print(&answer?)
        }
        Command::Block { user_ids } => {
            let (tim, _) = connect(&profile).await?;
            let answer = tim.add_to_blacklist(user_ids).await;
            close(tim);
            print(&answer?)
        }
        Command::Unblock { user_ids } => {
            let (tim, _) = connect(&profile).await?;
            let answer = tim.remove_from_blacklist(user_ids).await;
            close(tim);
            print(&answer?)
        }
        Command::Status(command) => {
            let (tim, _) = connect(&profile).await?;
            let answer = match command {
                StatusCommand::Set { custom_status } => tim
                    .set_self_status(custom_status)
                    .await
                    .map(|s| serde_json::to_value(s).unwrap_or_default()),
                StatusCommand::Get { user_ids } => tim
                    .get_user_status(user_ids)
                    .await
                    .map(|s| serde_json::to_value(s).unwrap_or_default()),
            };
            close(tim);
            print(&answer?)
        }
        Command::Listen { count } => {
            let (tim, mut events) = connect(&profile).await?;
            let mut received = 0usize;
            let outcome = loop {
                tokio::select! {
                    event = events.recv() => match event {
                        // A renewed UserSig goes to session.json, not to stdout.
                        Ok(Event::UserSigRenewed { .. }) => {}
                        Ok(event) => {
                            print(&event)?;
                            if let Event::MessageReceived(list) = &event {
                                received += list.len();
                            }
                            if matches!(event, Event::KickedOut { .. }) {
                                break Ok(());
                            }
                            if count.is_some_and(|c| received >= c) {
                                break Ok(());
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                            eprintln!("{}", serde_json::json!({ "warning": "events dropped", "count": n }));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => break Ok(()),
                    },
                    signal = tokio::signal::ctrl_c() => {
                        signal.context("wait for Ctrl-C")?;
                        break Ok(());
                    }
                }
            };
            close(tim);
            outcome
        }
    }
}

async fn history(tim: &Tim, args: HistoryArgs) -> Result<serde_json::Value, TimError> {
    let conversation_id = args.conversation_id;
    if !args.all {
        let page = tim
            .get_message_list(GetMessageListOptions {
                conversation_id,
                next_req_message_id: args.next,
            })
            .await?;
        return Ok(serde_json::json!({
            "messageList": page.message_list,
            "nextReqMessageID": page.next_req_message_id,
            "isCompleted": page.is_completed,
        }));
    }
    let mut pages = Vec::new();
    let mut next = args.next;
    loop {
        let page = tim
            .get_message_list(GetMessageListOptions {
                conversation_id: conversation_id.clone(),
                next_req_message_id: next,
            })
            .await?;
        let done = page.is_completed || page.message_list.is_empty();
        next = Some(page.next_req_message_id.clone());
        pages.push(page.message_list);
        if done {
            break;
        }
    }
    let all: Vec<_> = pages.into_iter().rev().flatten().collect();
    Ok(serde_json::json!({ "messageList": all, "isCompleted": true }))
}

/// `react`: the message (from the local store, else the conversation's
/// newest page), then my reaction key set or deleted.
async fn react(
    tim: &Tim,
    conversation_id: &str,
    message_id: &str,
    emoji: &str,
    undo: bool,
) -> Result<Vec<confab_sdk::ExtensionResult>, TimError> {
    let message = match tim.find_message(message_id) {
        Some(m) => m,
        None => tim
            .get_message_list(GetMessageListOptions::newest(conversation_id))
            .await?
            .message_list
            .into_iter()
            .find(|m| m.id == message_id)
            .ok_or_else(|| {
                TimError::new(
                    confab_proto::code::ERR_SVR_MSG_NOT_FOUND,
                    format!("no message {message_id} in {conversation_id}"),
                )
            })?,
    };
    let key = format!("r:{emoji}:{}", tim.user_id().unwrap_or_default());
    if undo {
        tim.delete_message_extensions(&message, Some(vec![key])).await
    } else {
        let extension = confab_sdk::MessageExtension { key, value: "1".into(), seq: 0 };
        tim.set_message_extensions(&message, vec![extension]).await
    }
}

/// `read`: marks the conversation read and, with `receipts`, sends read
/// receipts for the messages of others on its newest page that asked for
/// them; the IDs receipted.
async fn read(tim: &Tim, conversation_id: &str, receipts: bool) -> Result<Vec<String>, TimError> {
    tim.set_message_read(conversation_id).await?;
    if !receipts {
        return Ok(Vec::new());
    }
    let page = tim.get_message_list(GetMessageListOptions::newest(conversation_id)).await?;
    let due: Vec<_> = page
        .message_list
        .into_iter()
        .filter(|m| m.need_read_receipt && m.flow == confab_sdk::MessageFlow::In)
        .collect();
    if !due.is_empty() {
        tim.send_message_read_receipt(&due).await?;
    }
    Ok(due.into_iter().map(|m| m.id).collect())
}

/// `send --count N`: N numbered text messages, queued in batches so the
/// outbox pipelines them; the last sent message.
/// The conversation type of `send` (`--group` or not).
fn conversation_type(group: bool) -> ConversationType {
    if group {
        ConversationType::Group
    } else {
        ConversationType::C2c
    }
}

/// Runs one `confab group …` command: TIM's answer as JSON. The options
/// are built as TIM's JSON so the kinds and options keep TIM's strings.
async fn group(tim: &Tim, command: GroupCommand) -> Result<serde_json::Value, Failure> {
    use serde_json::{json, to_value};
    let group_id = |id: String| confab_proto::GroupId::new(id);
    let users = |ids: Vec<String>| ids.into_iter().map(UserId::new).collect();
    Ok(match command {
        GroupCommand::Topics { group_id: id } => to_value(
            tim.get_topic_list(confab_sdk::GetTopicList {
                group_id: group_id(id),
                topic_id_list: None,
            })
            .await?,
        ),
        GroupCommand::TopicCreate { group_id: id, name, notification } => {
            let options = confab_sdk::CreateTopicInCommunity {
                group_id: group_id(id),
                topic_name: name,
                notification,
                ..Default::default()
            };
            to_value(tim.create_topic_in_community(options).await?)
        }
        GroupCommand::Create { name, group_type, group_id, join_option, members, topics } => {
            let mut options = json!({ "name": name, "type": group_type, "isSupportTopic": topics });
            if let Some(id) = group_id {
                options["groupID"] = json!(id);
            }
            if let Some(join) = join_option {
                options["joinOption"] = json!(join);
            }
            options["memberList"] =
                members.iter().map(|u| json!({ "userID": u })).collect::<serde_json::Value>();
            let options = serde_json::from_value(options)
                .map_err(|e| Failure::Usage(format!("group create: {e}")))?;
            to_value(tim.create_group(options).await?)
        }
        GroupCommand::Join { group_id: id, apply_message } => {
            to_value(tim.join_group(JoinGroup { group_id: group_id(id), apply_message }).await?)
        }
        GroupCommand::Quit { group_id } => to_value(tim.quit_group(&group_id).await?),
        GroupCommand::Dismiss { group_id } => to_value(tim.dismiss_group(&group_id).await?),
        GroupCommand::List => {
            to_value(json!({ "groupList": tim.get_group_list(GetGroupList::default()).await? }))
        }
        GroupCommand::Members { group_id: id } => {
            let options = GetGroupMemberList {
                group_id: group_id(id),
                count: 100,
                offset: Default::default(),
                filter: None,
            };
            to_value(tim.get_group_member_list(options).await?)
        }
        GroupCommand::Add { group_id: id, user_ids } => {
            let options = AddGroupMember { group_id: group_id(id), user_id_list: users(user_ids) };
            to_value(tim.add_group_member(options).await?)
        }
        GroupCommand::Remove { group_id: id, user_ids } => {
            let options = DeleteGroupMember {
                group_id: group_id(id),
                user_id_list: users(user_ids),
                reason: String::new(),
                duration: 0,
            };
            to_value(tim.delete_group_member(options).await?)
        }
    }
    .context("encode output")?)
}

async fn friend(tim: &Tim, command: FriendCommand) -> Result<serde_json::Value, Failure> {
    use confab_sdk::{AddFriend, AddType, CheckType, DeleteType, ResponseAction};
    use serde_json::{json, to_value};
    Ok(match command {
        FriendCommand::Add { user_id, wording, remark, group, one_way } => {
            let options = AddFriend {
                to: UserId::new(user_id),
                source: "AddSource_Type_CLI".into(),
                wording,
                add_type: if one_way { AddType::Single } else { AddType::Both },
                remark,
                group_name: group,
            };
            to_value(tim.add_friend(options).await?)
        }
        FriendCommand::List => to_value(json!({ "friendList": tim.get_friend_list().await? })),
        FriendCommand::Requests => to_value(tim.get_friend_application_list().await?),
        FriendCommand::Accept { user_id, remark, one_way } => {
            let action = if one_way { ResponseAction::Agree } else { ResponseAction::AgreeAndAdd };
            to_value(tim.accept_friend_application(user_id, action, remark).await?)
        }
        FriendCommand::Refuse { user_id } => {
            to_value(tim.refuse_friend_application(user_id).await?)
        }
        FriendCommand::Delete { user_ids, one_way } => {
            let how = if one_way { DeleteType::Single } else { DeleteType::Both };
            to_value(tim.delete_friend(user_ids, how).await?)
        }
        FriendCommand::Check { user_ids } => {
            to_value(tim.check_friend(user_ids, CheckType::Both).await?)
        }
    }
    .context("encode output")?)
}

async fn send_numbered(tim: &Tim, args: &SendArgs) -> anyhow::Result<confab_sdk::Message> {
    const BATCH: usize = 500;
    let mut last = None;
    let mut sent = 0;
    while sent < args.count {
        let batch = BATCH.min(args.count - sent);
        let mut messages = Vec::with_capacity(batch);
        for i in sent..sent + batch {
            let text = format!("{} {}", args.text, i + 1);
            let options = CreateMessageOptions::c2c(args.to.clone(), TextPayload { text });
            messages.push(tim.create_text_message(options)?);
        }
        let sends = messages.iter().map(|m| tim.send_message(m, SendMessageOptions::default()));
        for result in futures_util::future::join_all(sends).await {
            last = Some(result?.message);
        }
        sent += batch;
    }
    last.context("nothing was sent")
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::message::ConversationType;

    #[cfg(unix)]
    #[test]
    fn the_saved_session_is_the_users_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let profile = dir.path().join("profile");
        let session = Session {
            server: "http://127.0.0.1:1".into(),
            ca_file: None,
            user_id: "alice".into(),
            user_sig: "a UserSig".into(),
            sdk_app_id: 1,
        };
        assert!(save_session(&profile, &session).is_ok());
        // Saved again over itself: still whole and private.
        assert!(save_session(&profile, &session).is_ok());
        assert_eq!(confab_private_fs::mode_of(&profile).expect("mode"), 0o700);
        assert_eq!(confab_private_fs::mode_of(&session_path(&profile)).expect("mode"), 0o600);
        let loaded = load_session(&profile).ok().expect("loads back");
        assert_eq!(loaded.user_sig, "a UserSig");
        assert_eq!(std::fs::read_dir(&profile).expect("list").count(), 1, "no temporary left");
    }

    #[test]
    fn ws_url_from_http_base() {
        assert_eq!(ws_url("http://127.0.0.1:7788"), "ws://127.0.0.1:7788/ws");
        assert_eq!(ws_url("https://chat.example/"), "wss://chat.example/ws");
    }

    #[test]
    fn conversation_type_is_c2c_for_cli_sends() {
        let options = CreateMessageOptions::c2c("bob".to_owned(), TextPayload { text: "x".into() });
        assert_eq!(options.conversation_type, ConversationType::C2c);
    }
}
