//! Client processes of the group scenarios: the bench binary started again
//! as `confab-bench __worker`, holding a share of a scenario's lean clients,
//! so the clients' CPU and memory peaks are their own process's, apart from
//! the bench's and from other scenarios'.
//!
//! The parent writes a [`Spec`] as the first line of the child's stdin and
//! then drives it with one-word lines (`create`, `join`, `go`); the child
//! answers on stdout with `ready` (every client logged in), `created`,
//! `joined`, and finally `result {json}` (an [`Outcome`]). It exits when
//! its stdin closes, so the parent reads its resource use first.

use crate::lean::Lean;
use crate::process::Usage;
use anyhow::{bail, Context};
use confab_proto::group::{CreateGroup, JoinGroup};
use confab_proto::inbox::TimelineCursor;
use confab_proto::ops::{Sync, SyncResponse};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::Stdio;
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

/// The subcommand that makes the bench binary a worker.
pub const SUBCOMMAND: &str = "__worker";

/// Marks the text of a bench group message; the send time (Unix
/// nanoseconds) follows it.
const STAMP: &str = "bench@";

/// What one worker process does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Spec {
    /// The server.
    pub server: SocketAddr,
    /// The users whose clients this process holds, one connection each.
    pub users: Vec<String>,
    /// Last octet of the 127.0.0.x address its clients connect from (0:
    /// the system's choice).
    pub source_octet: u8,
    /// Logins in flight at once.
    pub concurrency: usize,
    /// The work.
    pub role: Role,
}

/// The work of a worker process.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Role {
    /// Group members that count the group's message pushes: on `join` they
    /// join the group (`joinGroup`, an AVChatRoom) or wait until they are
    /// told they were added (`groupJoined`), then each counts until it has
    /// `expect` messages.
    Members(Members),
    /// Senders (members too): on `create` the first creates the group, on
    /// `join` they join like members, on `go` each sends `messages` group
    /// messages keeping `window` unacknowledged, and counts the others'
    /// messages like a member.
    Senders {
        /// How they join and count.
        members: Members,
        /// The group to create on `create` (boxed: the variants stay small).
        create: Option<Box<CreateGroup>>,
        /// Messages each sender sends.
        messages: u64,
        /// Requests in flight per sender.
        window: u64,
    },
    /// One client catching up: on `go` it connects, logs in and syncs its
    /// inbox and every group cursor until all reach their heads.
    Catchup {
        /// The inbox cursor it had when it went offline.
        inbox_after: u64,
        /// Its group cursors.
        cursors: Vec<TimelineCursor>,
    },
    /// One SDK instance (the first user), its local store in `dir`. Without
    /// `catch_up` it logs in, waits until it follows `groups` groups and
    /// ends (its store stays); with it, on `go` it opens that store again,
    /// logs in and counts group messages received until it has `expect`.
    Sdk {
        /// The SDK's data directory.
        dir: std::path::PathBuf,
        /// Groups to follow before going away.
        groups: usize,
        /// Group messages to receive when catching up.
        expect: u64,
        /// Catch up (true) or only follow the groups (false).
        catch_up: bool,
    },
    /// One SDK instance with many friends, its local store in `dir`: on
    /// `go` it logs in and waits until its friend list has `expect`
    /// friends, `renamed` of them with a nick starting `new-`.
    Friends {
        /// The SDK's data directory.
        dir: std::path::PathBuf,
        /// Friends the list must reach.
        expect: usize,
        /// Friends whose nick must have changed.
        renamed: usize,
        /// Whether the store was used before (for the report only).
        reconnect: bool,
    },
}

/// How members join and what they count.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Members {
    /// The group.
    pub group: String,
    /// `joinGroup` (true) or wait to be added (false).
    pub join_by_request: bool,
    /// Message pushes each client waits for.
    pub expect: u64,
    /// Keep every n-th latency.
    pub sample_every: u64,
}

/// What a worker reports at the end.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Message pushes counted by its clients.
    pub deliveries: u64,
    /// When the last counted push arrived (Unix ns).
    pub last_delivery_ns: u64,
    /// Sampled send-to-receive latencies, microseconds.
    pub latencies_us: Vec<u64>,
    /// Senders: messages acknowledged.
    pub acked: u64,
    /// Senders: messages refused.
    pub failed: u64,
    /// Senders: when the first was sent (Unix ns).
    pub start_ns: u64,
    /// Senders: when the last acknowledgement arrived (Unix ns).
    pub acked_ns: u64,
    /// Seconds its clients took to log in.
    pub login_secs: f64,
    /// Catch-up: seconds from `go` to connected and logged in.
    pub catchup_login_secs: f64,
    /// Catch-up: seconds from `go` to every cursor at its head.
    pub catchup_secs: f64,
    /// Catch-up: timeline entries received.
    pub catchup_entries: u64,
    /// Catch-up: `sync` requests made.
    pub catchup_requests: u64,
    /// Catch-up: bytes of the `sync` answers.
    pub catchup_bytes: u64,
    /// Catch-up: seconds from sending each `sync` to having its whole
    /// answer (the server's work and the transfer).
    pub catchup_wait_secs: f64,
    /// Catch-up: seconds decoding the answers (the client's work).
    pub catchup_decode_secs: f64,
}

/// Unix time in nanoseconds (the clock every process on the machine shares).
fn unix_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

fn source(octet: u8) -> Option<IpAddr> {
    (octet != 0).then_some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet)))
}

/// The worker's main: reads its spec and commands from stdin.
pub async fn main() -> anyhow::Result<()> {
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let line = stdin.next_line().await?.context("no spec on stdin")?;
    let spec: Spec = serde_json::from_str(&line).context("worker spec")?;
    let mut out = tokio::io::stdout();
    let outcome = match spec.role.clone() {
        Role::Catchup { inbox_after, cursors } => {
            say(&mut out, "ready").await?;
            expect(&mut stdin, "go").await?;
            catchup(&spec, inbox_after, &cursors).await?
        }
        Role::Sdk { dir, groups, catch_up: false, .. } => {
            sdk_follow(&spec, &dir, groups).await?;
            say(&mut out, "ready").await?;
            Outcome::default()
        }
        Role::Sdk { dir, expect: want, catch_up: true, .. } => {
            say(&mut out, "ready").await?;
            expect(&mut stdin, "go").await?;
            sdk_catchup(&spec, &dir, want).await?
        }
        Role::Friends { dir, expect: want, renamed, .. } => {
            say(&mut out, "ready").await?;
            expect(&mut stdin, "go").await?;
            sdk_friends(&spec, &dir, want, renamed).await?
        }
        Role::Members(members) => {
            let (clients, login_secs) = log_in_all(&spec).await?;
            say(&mut out, "ready").await?;
            expect(&mut stdin, "join").await?;
            let counting = join_and_count(clients, &members).await?;
            say(&mut out, "joined").await?;
            let mut outcome = Outcome { login_secs, ..Outcome::default() };
            for task in counting {
                merge(&mut outcome, task.await.context("member task")??);
            }
            outcome
        }
        Role::Senders { members, create, messages, window } => {
            let (mut clients, login_secs) = log_in_all(&spec).await?;
            say(&mut out, "ready").await?;
            expect(&mut stdin, "create").await?;
            if let Some(create) = &create {
                let first = clients.first_mut().context("no sender")?;
                first.call(create.as_ref()).await.context("createGroup")?;
            }
            say(&mut out, "created").await?;
            expect(&mut stdin, "join").await?;
            // The creator of a group that keeps members is in it already.
            let (creator, others) = clients.split_at_mut(usize::from(create.is_some()));
            for lean in others.iter_mut() {
                joined(lean, &members).await?;
            }
            if members.join_by_request {
                for lean in creator.iter_mut() {
                    joined(lean, &members).await?;
                }
            }
            say(&mut out, "joined").await?;
            expect(&mut stdin, "go").await?;
            let tasks: Vec<_> = clients
                .into_iter()
                .map(|lean| {
                    let members = members.clone();
                    tokio::spawn(send_and_count(lean, members, messages, window))
                })
                .collect();
            let mut outcome = Outcome { login_secs, ..Outcome::default() };
            for task in tasks {
                merge(&mut outcome, task.await.context("sender task")??);
            }
            outcome
        }
    };
    say(&mut out, &format!("result {}", serde_json::to_string(&outcome)?)).await?;
    // Wait for the parent to read this process's resource use.
    while stdin.next_line().await?.is_some() {}
    Ok(())
}

async fn say(out: &mut tokio::io::Stdout, line: &str) -> anyhow::Result<()> {
    out.write_all(format!("{line}\n").as_bytes()).await?;
    out.flush().await?;
    Ok(())
}

async fn expect(
    stdin: &mut Lines<BufReader<tokio::io::Stdin>>,
    command: &str,
) -> anyhow::Result<()> {
    match stdin.next_line().await? {
        Some(line) if line == command => Ok(()),
        other => bail!("expected {command:?} from the bench, got {other:?}"),
    }
}

fn merge(into: &mut Outcome, from: Outcome) {
    into.deliveries += from.deliveries;
    into.last_delivery_ns = into.last_delivery_ns.max(from.last_delivery_ns);
    into.latencies_us.extend(from.latencies_us);
    into.acked += from.acked;
    into.failed += from.failed;
    if from.start_ns != 0 {
        into.start_ns =
            if into.start_ns == 0 { from.start_ns } else { into.start_ns.min(from.start_ns) };
    }
    into.acked_ns = into.acked_ns.max(from.acked_ns);
}

async fn log_in_all(spec: &Spec) -> anyhow::Result<(Vec<Lean>, f64)> {
    let start = Instant::now();
    let server = spec.server;
    let from = source(spec.source_octet);
    let clients = stream::iter(spec.users.clone())
        .map(|user| async move {
            Lean::login(server, from, &user)
                .await
                .map(|(lean, _)| lean)
                .with_context(|| format!("log in {user}"))
        })
        .buffered(spec.concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((clients, start.elapsed().as_secs_f64()))
}

/// Joins the group (or waits to be told of being added to it).
async fn joined(lean: &mut Lean, members: &Members) -> anyhow::Result<()> {
    if members.join_by_request {
        lean.call(&JoinGroup {
            group_id: confab_proto::GroupId::new(members.group.clone()),
            apply_message: String::new(),
        })
        .await
        .context("joinGroup")?;
        return Ok(());
    }
    let needle = format!("\"groupID\":\"{}\"", members.group);
    loop {
        let text = lean.next_text().await?;
        if text.contains("\"kind\":\"groupJoined\"") && text.contains(&needle) {
            return Ok(());
        }
    }
}

/// Joins every client, then leaves each counting in a task of its own.
async fn join_and_count(
    clients: Vec<Lean>,
    members: &Members,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<anyhow::Result<Outcome>>>> {
    let (done, mut all_joined) = tokio::sync::mpsc::channel::<anyhow::Result<()>>(clients.len());
    let mut tasks = Vec::with_capacity(clients.len());
    // A bounded number of joins in flight, like a real crowd arriving.
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(256));
    for mut lean in clients {
        let members = members.clone();
        let done = done.clone();
        let gate = std::sync::Arc::clone(&gate);
        tasks.push(tokio::spawn(async move {
            let result = {
                let _permit = gate.acquire().await?;
                joined(&mut lean, &members).await
            };
            let failed = result.is_err();
            let _ = done.send(result).await;
            drop(done);
            if failed {
                return Ok(Outcome::default());
            }
            let mut outcome = Outcome::default();
            count(&mut lean, &members, members.expect, &mut outcome).await?;
            Ok(outcome)
        }));
    }
    drop(done);
    for _ in 0..tasks.len() {
        all_joined.recv().await.context("a member task ended before joining")??;
    }
    Ok(tasks)
}

/// The send times the bench messages of `text` carry, if it is one of the
/// group's message pushes (a `timeline` push carries one, a `room` push
/// one per merged message).
fn stamps_of(text: &str) -> impl Iterator<Item = u64> + '_ {
    let pushed = text.contains("\"kind\":\"timeline\"") || text.contains("\"kind\":\"room\"");
    let mut rest = if pushed { text } else { "" };
    std::iter::from_fn(move || {
        let at = rest.find(STAMP)? + STAMP.len();
        let digits = rest[at..].bytes().take_while(u8::is_ascii_digit).count();
        let stamp = rest[at..at + digits].parse().ok();
        rest = &rest[at + digits..];
        stamp
    })
}

/// Counts the group's message pushes until `want`.
async fn count(
    lean: &mut Lean,
    members: &Members,
    want: u64,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let every = members.sample_every.max(1);
    while outcome.deliveries < want {
        let text = lean.next_text().await?;
        tally(&text, every, outcome);
    }
    Ok(())
}

/// Counts the deliveries `text` brings (none unless it is a message push).
fn tally(text: &str, every: u64, outcome: &mut Outcome) {
    let now = unix_ns();
    for sent in stamps_of(text) {
        if outcome.deliveries.is_multiple_of(every) {
            outcome.latencies_us.push(now.saturating_sub(sent) / 1000);
        }
        outcome.deliveries += 1;
        outcome.last_delivery_ns = now;
    }
}

/// One sender: pipelined group messages, then the others' messages.
async fn send_and_count(
    mut lean: Lean,
    members: Members,
    messages: u64,
    window: u64,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome { start_ns: unix_ns(), ..Outcome::default() };
    let every = members.sample_every.max(1);
    let mut sent = 0u64;
    while outcome.acked + outcome.failed < messages {
        let mut fed = false;
        while sent < messages && sent - outcome.acked - outcome.failed < window {
            let text = format!("{STAMP}{}", unix_ns());
            let mut request =
                super::scenarios::text_send(&members.group, super::scenarios::random_id(), text);
            request.message.conversation_type = confab_proto::message::ConversationType::Group;
            lean.feed(&request).await?;
            sent += 1;
            fed = true;
        }
        if fed {
            lean.flush().await?;
        }
        let text = lean.next_text().await?;
        if text.starts_with("{\"t\":\"ok\"") {
            outcome.acked += 1;
        } else if text.starts_with("{\"t\":\"err\"") {
            if outcome.failed == 0 {
                tracing::warn!("group send refused: {text}");
            }
            outcome.failed += 1;
        } else {
            tally(&text, every, &mut outcome);
        }
    }
    outcome.acked_ns = unix_ns();
    count(&mut lean, &members, members.expect, &mut outcome).await?;
    Ok(outcome)
}

/// The catch-up client.
async fn catchup(
    spec: &Spec,
    inbox_after: u64,
    cursors: &[TimelineCursor],
) -> anyhow::Result<Outcome> {
    let user = spec.users.first().context("no catch-up user")?;
    let start = Instant::now();
    let lean = Lean::connect_with(spec.server, source(spec.source_octet), true).await?;
    let (mut lean, _) = lean.log_in(user).await?;
    let login_secs = start.elapsed().as_secs_f64();
    let mut after = inbox_after;
    let mut behind: Vec<TimelineCursor> = cursors.to_vec();
    let (mut entries, mut requests, mut bytes) = (0u64, 0u64, 0u64);
    let (mut wait_secs, mut decode_secs) = (0f64, 0f64);
    loop {
        let asked = Instant::now();
        let id = lean.send(&Sync { after, limit: 0, groups: behind.clone() }).await?;
        requests += 1;
        let answer: SyncResponse = loop {
            let text = lean.next_text().await?;
            if text.starts_with("{\"t\":\"err\"") {
                bail!("sync failed: {text}");
            }
            if text.starts_with("{\"t\":\"ok\"") {
                let arrived = Instant::now();
                wait_secs += (arrived - asked).as_secs_f64();
                bytes += text.len() as u64;
                // Straight from the text to the typed answer, as a client
                // that knows the operation it asked does it.
                let frame: OkOf<SyncResponse> = serde_json::from_str(&text)?;
                decode_secs += arrived.elapsed().as_secs_f64();
                if frame.id == id {
                    break frame.data;
                }
            }
        };
        if let Some(last) = answer.entries.last() {
            after = last.seq;
        }
        let inbox_done = after >= answer.head;
        let mut next = Vec::new();
        for page in answer.groups {
            entries += page.entries.len() as u64;
            let at = page.entries.last().map(|e| e.seq);
            let cursor =
                behind.iter().find(|c| c.group_id == page.group_id).map(|c| c.after).unwrap_or(0);
            let at = at.unwrap_or(cursor).max(cursor);
            if at < page.head {
                next.push(TimelineCursor { group_id: page.group_id, after: at });
            }
        }
        behind = next;
        if inbox_done && behind.is_empty() {
            break;
        }
    }
    let catchup_secs = start.elapsed().as_secs_f64();
    lean.close().await?;
    Ok(Outcome {
        catchup_login_secs: login_secs,
        catchup_secs,
        catchup_entries: entries,
        catchup_requests: requests,
        catchup_bytes: bytes,
        catchup_wait_secs: wait_secs,
        catchup_decode_secs: decode_secs,
        ..Outcome::default()
    })
}

/// An SDK instance of the spec's first user on `dir`, logging in.
async fn sdk_login(
    spec: &Spec,
    dir: &std::path::Path,
) -> anyhow::Result<(confab_sdk::Tim, tokio::sync::broadcast::Receiver<confab_sdk::Event>)> {
    let user = spec.users.first().context("no SDK user")?;
    let url = format!("ws://{}{}", spec.server, confab_proto::WS_PATH);
    let tim =
        confab_sdk::Tim::create(confab_sdk::TimOptions::new(crate::process::SDK_APP_ID, url, dir));
    let events = tim.subscribe();
    tim.login(user, &crate::lean::user_sig(user)).await.context("SDK login")?;
    Ok((tim, events))
}

/// Logs the SDK in on a fresh store and waits until it follows `groups`
/// groups (the store keeps their cursors when this process ends).
async fn sdk_follow(spec: &Spec, dir: &std::path::Path, groups: usize) -> anyhow::Result<()> {
    let (tim, mut events) = sdk_login(spec, dir).await?;
    tokio::time::timeout(std::time::Duration::from_secs(120), async {
        loop {
            if tim.get_group_list(Default::default()).await.map(|l| l.len()).unwrap_or(0) >= groups
            {
                return Ok(());
            }
            if let Err(tokio::sync::broadcast::error::RecvError::Closed) = events.recv().await {
                bail!("SDK events ended");
            }
        }
    })
    .await
    .context("the SDK did not follow every group")?
}

/// Opens the SDK's store again, logs in, and counts the group messages it
/// receives until `want`: the time an app restarted after the messages
/// were written takes to show them all.
async fn sdk_catchup(spec: &Spec, dir: &std::path::Path, want: u64) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let (_tim, mut events) = sdk_login(spec, dir).await?;
    let login_secs = start.elapsed().as_secs_f64();
    let mut received = 0u64;
    while received < want {
        match events.recv().await {
            Ok(confab_sdk::Event::MessageReceived(list)) => {
                received += list
                    .iter()
                    .filter(|m| m.conversation_type == confab_sdk::ConversationType::Group)
                    .count() as u64;
            }
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                bail!("the event reader fell {n} events behind")
            }
            Err(e) => bail!("SDK events ended: {e}"),
        }
    }
    Ok(Outcome {
        catchup_login_secs: login_secs,
        catchup_secs: start.elapsed().as_secs_f64(),
        catchup_entries: received,
        ..Outcome::default()
    })
}

/// Logs the SDK in (on whatever its store holds) and waits until its
/// friend list has `want` friends, `renamed` of them renamed `new-…`.
async fn sdk_friends(
    spec: &Spec,
    dir: &std::path::Path,
    want: usize,
    renamed: usize,
) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let (tim, mut events) = sdk_login(spec, dir).await?;
    let login_secs = start.elapsed().as_secs_f64();
    let done = |list: &[confab_sdk::Friend]| {
        list.len() == want
            && list.iter().filter(|f| f.profile.nick.starts_with("new-")).count() == renamed
    };
    // The list as the store holds it once the SDK is ready, then as its
    // events tell.
    let mut list = Vec::new();
    while !done(&list) {
        match tokio::time::timeout(std::time::Duration::from_secs(120), events.recv()).await {
            Err(_) => bail!("the friend list stayed at {} friends", list.len()),
            Ok(Ok(confab_sdk::Event::FriendListUpdated(now))) => list = now,
            Ok(Ok(confab_sdk::Event::SdkReady))
            | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {
                if let Ok(now) = tim.get_friend_list().await {
                    list = now;
                }
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => bail!("SDK events ended: {e}"),
        }
    }
    Ok(Outcome {
        catchup_login_secs: login_secs,
        catchup_secs: start.elapsed().as_secs_f64(),
        catchup_entries: list.len() as u64,
        ..Outcome::default()
    })
}

/// A `{"t":"ok","id":…,"data":…}` frame whose `data` is `T`.
#[derive(serde::Deserialize)]
struct OkOf<T> {
    id: u64,
    data: T,
}

/// A worker process, from the bench's side.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Worker {
    /// Starts a worker on `spec`; it says `ready` when its clients are in.
    pub async fn start(spec: &Spec) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("bench path")?;
        let mut child = tokio::process::Command::new(exe)
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("start a worker")?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("worker stdout")?).lines();
        let mut worker = Self { child, stdin: Some(stdin), stdout };
        worker.tell(&serde_json::to_string(spec)?).await?;
        Ok(worker)
    }

    /// Process ID.
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Sends one command line.
    pub async fn tell(&mut self, line: &str) -> anyhow::Result<()> {
        let stdin = self.stdin.as_mut().context("worker stdin closed")?;
        stdin.write_all(format!("{line}\n").as_bytes()).await?;
        stdin.flush().await?;
        Ok(())
    }

    /// Waits for the worker to say `word`.
    pub async fn hear(&mut self, word: &str) -> anyhow::Result<()> {
        match self.stdout.next_line().await? {
            Some(line) if line == word => Ok(()),
            other => bail!("worker {} said {other:?}, not {word:?}", self.pid()),
        }
    }

    /// Waits for the result, reads the process's resource use, and lets
    /// it exit.
    pub async fn finish(mut self) -> anyhow::Result<(Outcome, Usage)> {
        let line = self.stdout.next_line().await?.context("worker ended without a result")?;
        let json = line.strip_prefix("result ").context("worker result")?;
        let outcome: Outcome = serde_json::from_str(json)?;
        let usage = crate::process::usage_of(self.pid())?;
        drop(self.stdin.take());
        self.child.wait().await?;
        Ok((outcome, usage))
    }
}

/// Tells every worker `command` and waits for each to answer `answer`.
pub async fn all(workers: &mut [Worker], command: &str, answer: &str) -> anyhow::Result<()> {
    for w in workers.iter_mut() {
        w.tell(command).await?;
    }
    for w in workers.iter_mut() {
        w.hear(answer).await?;
    }
    Ok(())
}
