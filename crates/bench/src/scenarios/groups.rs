//! Group scenarios (issue 13), each on a fresh server per run, with every
//! client in worker processes of its own ([`crate::worker`]):
//!
//! - `group-work`: a Work group of `members` (all online); a few of them
//!   send pipelined group messages (each acknowledged = committed), every
//!   other member counts them. A delivery is one member receiving one
//!   message, counted at the receivers.
//! - `group-avchatroom`: an AVChatRoom that `members` online clients join;
//!   a few senders broadcast; deliveries counted the same way, and the
//!   server's memory per joined member.
//! - `group-catchup`: one user in `groups` Work groups goes offline, another
//!   writes `messages` to each, and the first reconnects and syncs every
//!   group cursor to its head.
//! - `group-catchup-sdk`: the same with the real SDK as that user: it
//!   follows the groups, its process ends, and a new process opens its
//!   store, logs in and receives every message (stored in its SQLite).
//! - `community-catchup-sdk`: the same in one Community of `members`
//!   members with `topics` topics (issue 16): the SDK follows every topic,
//!   goes away, `messages` are written to each topic, and a new process
//!   catches up on every topic.

use crate::lean::Lean;
use crate::process::{Confabd, Usage};
use crate::report::{Goal, RunFigures};
use crate::worker::{self, Members, Outcome, Role, Spec, Worker};
use anyhow::{bail, Context};
use confab_proto::group::{CreateGroup, GroupType, NewGroupMember};
use confab_proto::inbox::{InboxEvent, TimelineCursor};
use confab_proto::ops::{Sync, SyncResponse};
use std::path::Path;

/// The environment of the servers these scenarios start: no group send
/// rate (the scenarios measure capacity, not TIM's 40/s limit) and a long
/// heartbeat (lean clients do not beat while thousands of others log in).
pub(super) fn server_env() -> [(&'static str, String); 2] {
    [
        ("CONFABD_GROUP_SEND_RATE_PER_SEC", "0".to_owned()),
        ("CONFABD_HEARTBEAT_INTERVAL_MS", "3600000".to_owned()),
    ]
}

/// Sizes of `group-work` and `group-avchatroom`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FanParams {
    /// Members online, senders included.
    pub members: usize,
    /// Members that send.
    pub senders: usize,
    /// Messages each sender sends.
    pub messages_per_sender: u64,
    /// Requests in flight per sender.
    pub window: u64,
    /// Worker processes holding the receiving members.
    pub processes: usize,
    /// Receiving members per 127.0.0.x source address (0: one address).
    pub per_address: usize,
}

/// What one fan-out run gives the report.
struct Fan {
    deliveries: u64,
    expected: u64,
    secs: f64,
    acked: u64,
    ack_secs: f64,
    latencies_us: Vec<u64>,
    clients: Usage,
    login_secs: f64,
}

/// Runs senders and members on `server`; `join` is taken between the
/// members being in and the first message (for the memory figures).
async fn fan_out(
    server: &Confabd,
    params: &FanParams,
    kind: GroupType,
    tag: &str,
    run: usize,
    mut between: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Fan> {
    let senders = params.senders.clamp(1, params.members);
    let receivers = params.members - senders;
    let group = format!("bench_{tag}{run}");
    let sender_ids: Vec<String> = (0..senders).map(|i| format!("{tag}{run}-s{i}")).collect();
    let receiver_ids: Vec<String> = (0..receivers).map(|i| format!("{tag}{run}-m{i}")).collect();
    let total = senders as u64 * params.messages_per_sender;
    // ~50,000 latency samples in all.
    let sample_every = (total * params.members as u64 / 50_000).max(1);
    let join_by_request = kind == GroupType::AvChatRoom;
    let members = |expect| Members { group: group.clone(), join_by_request, expect, sample_every };
    let create = CreateGroup {
        name: "bench".into(),
        group_type: kind,
        group_id: Some(confab_proto::GroupId::new(group.clone())),
        member_list: if join_by_request {
            Vec::new()
        } else {
            sender_ids
                .iter()
                .skip(1)
                .chain(&receiver_ids)
                .map(|u| NewGroupMember {
                    user_id: u.as_str().into(),
                    role: None,
                    member_custom_field: Vec::new(),
                })
                .collect()
        },
        ..CreateGroup::default()
    };
    // Fresh source addresses for each run and process: earlier runs'
    // ports linger in TIME_WAIT.
    let processes = params.processes.clamp(1, receivers.max(1));
    let per_process = receivers.div_ceil(processes).max(1);
    let octet = |p: usize| -> u8 {
        if params.per_address == 0 {
            0
        } else {
            u8::try_from((2 + run * (processes + 1) + p) % 250 + 2).unwrap_or(2)
        }
    };
    let mut workers = Vec::new();
    workers.push(
        Worker::start(&Spec {
            server: server.addr,
            users: sender_ids.clone(),
            source_octet: octet(processes),
            concurrency: 64,
            role: Role::Senders {
                members: members(total - params.messages_per_sender),
                create: Some(Box::new(create)),
                messages: params.messages_per_sender,
                window: params.window,
            },
        })
        .await?,
    );
    for (p, chunk) in receiver_ids.chunks(per_process).enumerate() {
        if params.per_address > 0 && chunk.len() > params.per_address {
            bail!("{} clients from one address exceed --per-address", chunk.len());
        }
        workers.push(
            Worker::start(&Spec {
                server: server.addr,
                users: chunk.to_vec(),
                source_octet: octet(p),
                concurrency: 128,
                role: Role::Members(members(total)),
            })
            .await?,
        );
    }
    for w in workers.iter_mut() {
        w.hear("ready").await?;
    }
    let (senders_worker, _) = workers.split_at_mut(1);
    worker::all(senders_worker, "create", "created").await?;
    between()?;
    worker::all(&mut workers, "join", "joined").await?;
    between()?;
    // The clients' CPU is counted from here: logging in and joining are
    // not the deliveries' cost.
    let mut clients_before = 0.0;
    for w in &workers {
        clients_before += crate::process::usage_of(w.pid())?.cpu_seconds;
    }
    workers[0].tell("go").await?;
    let mut outcome = Outcome::default();
    let mut clients = Usage::default();
    let mut login_secs = 0f64;
    let mut start_ns = 0;
    let mut acked_ns = 0;
    for (i, w) in workers.into_iter().enumerate() {
        let (o, usage) = w.finish().await?;
        if i == 0 {
            start_ns = o.start_ns;
            acked_ns = o.acked_ns;
        }
        login_secs = login_secs.max(o.login_secs);
        outcome.deliveries += o.deliveries;
        outcome.last_delivery_ns = outcome.last_delivery_ns.max(o.last_delivery_ns);
        outcome.latencies_us.extend(o.latencies_us);
        outcome.acked += o.acked;
        outcome.failed += o.failed;
        clients.cpu_seconds += usage.cpu_seconds;
        clients.peak_rss_bytes += usage.peak_rss_bytes;
    }
    clients.cpu_seconds -= clients_before;
    if outcome.failed > 0 {
        bail!("{} group sends were refused", outcome.failed);
    }
    let expected = total * (params.members as u64 - 1);
    Ok(Fan {
        deliveries: outcome.deliveries,
        expected,
        secs: outcome.last_delivery_ns.saturating_sub(start_ns) as f64 / 1e9,
        acked: outcome.acked,
        ack_secs: acked_ns.saturating_sub(start_ns) as f64 / 1e9,
        latencies_us: outcome.latencies_us,
        clients,
        login_secs,
    })
}

fn add_fan_figures(figures: &mut RunFigures, fan: &mut Fan, bar: f64) -> anyhow::Result<()> {
    if fan.deliveries != fan.expected {
        bail!("{} deliveries counted, {} expected", fan.deliveries, fan.expected);
    }
    figures.add_bar(
        "deliveries/s (counted at members)",
        fan.deliveries as f64 / fan.secs,
        "dlv/s",
        Goal::AtLeast,
        bar,
    );
    let as_f64: Vec<f64> = fan.latencies_us.iter().map(|&u| u as f64 / 1000.0).collect();
    let mut sorted = as_f64;
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied();
    figures.add("latency p50 (send to member)", at(0.5).unwrap_or(0.0), "ms");
    figures.add("latency p99 (send to member)", at(0.99).unwrap_or(0.0), "ms");
    figures.add("deliveries in the run", fan.deliveries as f64, "dlv");
    // Senders read their acknowledgements behind the other senders'
    // messages on the same connection, so this follows the delivery rate.
    figures.add("msgs/s acknowledged to senders", fan.acked as f64 / fan.ack_secs, "msg/s");
    figures.add("clients' CPU seconds (all workers, sending)", fan.clients.cpu_seconds, "s");
    figures.add(
        "clients' CPU per delivery",
        fan.clients.cpu_seconds * 1e6 / fan.deliveries as f64,
        "us",
    );
    figures.add("clients' login seconds (slowest worker)", fan.login_secs, "s");
    Ok(())
}

/// One `group-work` run on a fresh server.
pub async fn work(
    binary: &Path,
    dir: &Path,
    params: &FanParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let server = Confabd::start(binary, dir, &server_env()).await?;
    let mut joined = Usage::default();
    let mut fan = fan_out(&server, params, GroupType::Work, "gw", run, || {
        joined = server.usage()?;
        Ok(())
    })
    .await?;
    let after = server.usage()?;
    server.stop().await?;
    let mut figures = RunFigures::default();
    add_fan_figures(&mut figures, &mut fan, 300_000.0)?;
    let cpu = after.cpu_seconds - joined.cpu_seconds;
    figures.add("server CPU seconds (sending)", cpu, "s");
    figures.add("server CPU per delivery", cpu * 1e6 / fan.deliveries as f64, "us");
    figures.add("server peak RSS", after.peak_rss_bytes as f64 / 1e6, "MB");
    Ok(figures)
}

/// One `group-avchatroom` run on a fresh server.
pub async fn avchatroom(
    binary: &Path,
    dir: &Path,
    params: &FanParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let server = Confabd::start(binary, dir, &server_env()).await?;
    let start = server.usage()?;
    let mut marks: Vec<Usage> = Vec::new();
    let mut fan = fan_out(&server, params, GroupType::AvChatRoom, "av", run, || {
        marks.push(server.usage()?);
        Ok(())
    })
    .await?;
    let after = server.usage()?;
    server.stop().await?;
    let [logged_in, joined] = marks[..] else { bail!("two marks expected") };
    let members = params.members as f64;
    let mut figures = RunFigures::default();
    add_fan_figures(&mut figures, &mut fan, 1_000_000.0)?;
    figures.add("members online in the room", members, "members");
    figures.add(
        "server RSS per member: joining",
        joined.rss_bytes.saturating_sub(logged_in.rss_bytes) as f64 / members / 1024.0,
        "KiB",
    );
    figures.add(
        "server RSS per member: session + joining",
        joined.rss_bytes.saturating_sub(start.rss_bytes) as f64 / members / 1024.0,
        "KiB",
    );
    figures.add("server RSS with the room", joined.rss_bytes as f64 / 1e6, "MB");
    let cpu = after.cpu_seconds - joined.cpu_seconds;
    figures.add("server CPU seconds (sending)", cpu, "s");
    figures.add("server CPU per delivery", cpu * 1e6 / fan.deliveries as f64, "us");
    figures.add("server peak RSS", after.peak_rss_bytes as f64 / 1e6, "MB");
    Ok(figures)
}

/// Sizes of `group-catchup`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CatchupParams {
    /// Groups the user is in.
    pub groups: usize,
    /// Messages written to each while it was offline.
    pub messages: usize,
    /// Requests in flight while writing them.
    pub window: usize,
    /// The catching-up client is the SDK (else a lean protocol client).
    pub sdk: bool,
    /// Topics of the one Community the user is in (0: `groups` Work
    /// groups; else the SDK catches up on these topics).
    pub topics: usize,
    /// Members of that Community, the user included.
    pub members: usize,
}

/// Makes `count` accounts (each logs in once), a few dozen at a time.
async fn make_users(server: &Confabd, users: &[String]) -> anyhow::Result<()> {
    for chunk in users.chunks(64) {
        let logins = chunk.iter().map(|u| Lean::login(server.addr, None, u));
        for login in futures_util::future::join_all(logins).await {
            login?.0.close().await?;
        }
    }
    Ok(())
}

/// A Community with topics, `user` and `others` in it, with `topics`
/// topics; the topic IDs (where the messages go).
async fn community_with_topics(
    writer: &mut Lean,
    server: &Confabd,
    run: usize,
    user: &str,
    params: &CatchupParams,
) -> anyhow::Result<Vec<String>> {
    use confab_proto::group::AddGroupMember;
    use confab_proto::topic::{CreateTopicInCommunity, TopicIdResponse};
    let others: Vec<String> =
        (0..params.members.saturating_sub(2)).map(|i| format!("cm{run}-{i}")).collect();
    make_users(server, &others).await?;
    let group = confab_proto::GroupId::new(format!("@TGS#_bench{run}"));
    writer
        .call(&CreateGroup {
            name: "bench".into(),
            group_type: GroupType::Community,
            is_support_topic: true,
            group_id: Some(group.clone()),
            member_list: vec![NewGroupMember {
                user_id: user.into(),
                role: None,
                member_custom_field: Vec::new(),
            }],
            ..CreateGroup::default()
        })
        .await
        .context("create the community")?;
    let mut member_count = 2;
    for chunk in others.chunks(500) {
        let add = AddGroupMember {
            group_id: group.clone(),
            user_id_list: chunk.iter().map(|u| u.as_str().into()).collect(),
        };
        let added: confab_proto::group::AddGroupMemberResponse =
            writer.call(&add).await.context("add members")?;
        member_count = added.group.member_count;
    }
    if member_count as usize != params.members.max(2) {
        bail!("the community has {member_count} members of {}", params.members);
    }
    let mut topics = Vec::with_capacity(params.topics);
    for t in 0..params.topics {
        let made: TopicIdResponse = writer
            .call(&CreateTopicInCommunity {
                group_id: group.clone(),
                topic_name: format!("topic {t}"),
                ..Default::default()
            })
            .await
            .context("create a topic")?;
        topics.push(made.topic_id);
    }
    Ok(topics)
}

/// Syncs a lean client's inbox to its head: its inbox cursor and the first
/// cursor of every group it joined.
async fn sync_cursors(reader: &mut Lean) -> anyhow::Result<(u64, Vec<TimelineCursor>)> {
    let mut after = 0;
    let mut cursors = Vec::new();
    loop {
        let answer: SyncResponse =
            reader.call(&Sync { after, limit: 0, groups: Vec::new() }).await?;
        for entry in &answer.entries {
            if let InboxEvent::GroupJoined { group, after, .. } = &entry.event {
                cursors.push(TimelineCursor { group_id: group.group_id.0.clone(), after: *after });
            }
        }
        after = answer.entries.last().map_or(after, |e| e.seq);
        if after >= answer.head {
            return Ok((after, cursors));
        }
    }
}

/// One `group-catchup` (or `group-catchup-sdk`) run on a fresh server.
pub async fn catchup(
    binary: &Path,
    dir: &Path,
    params: &CatchupParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let server = Confabd::start(binary, dir, &server_env()).await?;
    let user = format!("cu{run}");
    let (mut reader, _) = Lean::login(server.addr, None, &user).await?;
    let (mut writer, _) = Lean::login(server.addr, None, &format!("cw{run}")).await?;
    let groups: Vec<String> = if params.topics > 0 {
        community_with_topics(&mut writer, &server, run, &user, params).await?
    } else {
        (0..params.groups).map(|g| format!("bench_cu{run}_{g}")).collect()
    };
    for group in groups.iter().filter(|_| params.topics == 0) {
        writer
            .call(&CreateGroup {
                name: "bench".into(),
                group_id: Some(confab_proto::GroupId::new(group.clone())),
                member_list: vec![NewGroupMember {
                    user_id: user.as_str().into(),
                    role: None,
                    member_custom_field: Vec::new(),
                }],
                ..CreateGroup::default()
            })
            .await
            .with_context(|| format!("create {group}"))?;
    }
    // The reader learns its groups and first cursors, then goes offline.
    let sdk_dir = dir.join(format!("sdk{run}"));
    let catching_up = if params.sdk {
        reader.close().await?;
        let sdk = |catch_up| Spec {
            server: server.addr,
            users: vec![user.clone()],
            source_octet: 0,
            concurrency: 1,
            role: Role::Sdk {
                dir: sdk_dir.clone(),
                groups: params.groups,
                expect: (groups.len() * params.messages) as u64,
                catch_up,
            },
        };
        let mut follow = Worker::start(&sdk(false)).await?;
        follow.hear("ready").await?;
        follow.finish().await?;
        sdk(true)
    } else {
        let (after, cursors) = sync_cursors(&mut reader).await?;
        if cursors.len() != params.groups {
            bail!("the reader learnt {} groups of {}", cursors.len(), params.groups);
        }
        reader.close().await?;
        Spec {
            server: server.addr,
            users: vec![user],
            source_octet: 0,
            concurrency: 1,
            role: Role::Catchup { inbox_after: after, cursors },
        }
    };
    // The writer fills every group (or topic) while the reader is away.
    let total = groups.len() * params.messages;
    let (mut sent, mut done) = (0usize, 0usize);
    while done < total {
        let mut fed = false;
        while sent < total && sent - done < params.window.max(1) {
            let mut request = super::text_send(
                &groups[sent % groups.len()],
                super::random_id(),
                format!("catch-up {sent}"),
            );
            request.message.conversation_type = confab_proto::message::ConversationType::Group;
            writer.feed(&request).await?;
            sent += 1;
            fed = true;
        }
        if fed {
            writer.flush().await?;
        }
        match writer.next().await? {
            confab_proto::frame::ServerFrame::Ok { .. } => done += 1,
            confab_proto::frame::ServerFrame::Err { error, .. } => bail!("catch-up write: {error}"),
            confab_proto::frame::ServerFrame::Push { .. } => {}
        }
    }
    writer.close().await?;
    let before = server.usage()?;
    let mut client = Worker::start(&catching_up).await?;
    client.hear("ready").await?;
    client.tell("go").await?;
    let (outcome, usage) = client.finish().await?;
    let after_usage = server.usage()?;
    server.stop().await?;
    if outcome.catchup_entries != total as u64 {
        bail!("caught up {} entries of {total}", outcome.catchup_entries);
    }
    let mut figures = RunFigures::default();
    let what = if params.topics > 0 {
        "time until every topic is caught up"
    } else {
        "time until every group is caught up"
    };
    figures.add_bar(what, outcome.catchup_secs * 1000.0, "ms", Goal::AtMost, 1000.0);
    if params.sdk {
        figures.add(
            "of which opening the store + login",
            outcome.catchup_login_secs * 1000.0,
            "ms",
        );
        figures.add(
            "group messages received (MESSAGE_RECEIVED)",
            outcome.catchup_entries as f64,
            "msgs",
        );
    } else {
        figures.add("of which connect + login", outcome.catchup_login_secs * 1000.0, "ms");
        figures.add("of which waiting for sync answers", outcome.catchup_wait_secs * 1000.0, "ms");
        figures.add("of which decoding them (client)", outcome.catchup_decode_secs * 1000.0, "ms");
        figures.add("timeline entries received", outcome.catchup_entries as f64, "entries");
        figures.add("sync requests", outcome.catchup_requests as f64, "requests");
        figures.add("sync answer bytes", outcome.catchup_bytes as f64 / 1e6, "MB");
    }
    figures.add("client peak RSS", usage.peak_rss_bytes as f64 / 1e6, "MB");
    figures.add("server CPU seconds (catch-up)", after_usage.cpu_seconds - before.cpu_seconds, "s");
    Ok(figures)
}
