//! Several `confabd` nodes on one PostgreSQL database and one NATS server
//! (issue 18), against the same load on one node.
//!
//! Each run measures every setup in turn, each on fresh nodes: SQLite on
//! one node (the plain `Confabd::start`), then PostgreSQL on 1, 2, 3 …
//! nodes (`--cluster-nodes`); one node on PostgreSQL runs without NATS, so
//! it is the PostgreSQL baseline. Every PostgreSQL setup gets a database of
//! its own (`CREATE DATABASE`, dropped afterwards) and a files directory
//! its nodes share.
//!
//! - `cluster-c2c`: throughput as `throughput` (pairs of lean clients, a
//!   window of pipelined sends), with sender p on node p mod n and its
//!   receiver on node p+1 mod n, so with n > 1 every message crosses nodes;
//!   then send-frame → receiver's inbox push latency at a steady rate, the
//!   sender on node 1 and the receiver on node 2 (node 1 when n = 1).
//! - `cluster-group`: a Work group whose members (lean clients in worker
//!   processes, one per node) are spread round-robin over the nodes; two
//!   senders (on different nodes when n > 1) send pipelined group messages
//!   and every other member counts every one (timeline pushes).

use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use crate::worker::{self, Members, Outcome, Role, Spec, Worker};
use anyhow::{bail, Context};
use confab_proto::frame::{Push, ServerFrame};
use confab_proto::group::{CreateGroup, GroupType, NewGroupMember};
use confab_proto::inbox::InboxEvent;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

/// The shared services of the clustered setups.
#[derive(Clone, Debug)]
pub struct Services {
    /// The PostgreSQL server (libpq key=value string or URL) on which each
    /// setup creates a database of its own.
    pub postgres_url: String,
    /// The NATS server (needed for more than one node).
    pub nats_url: Option<String>,
}

/// One configuration measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    /// One node on its own SQLite file.
    Sqlite,
    /// This many nodes on one PostgreSQL database (NATS when more than one).
    Postgres(usize),
}

impl Setup {
    /// How the report names it.
    pub fn label(self) -> String {
        match self {
            Self::Sqlite => "SQLite 1 node".to_owned(),
            Self::Postgres(1) => "PG 1 node".to_owned(),
            Self::Postgres(n) => format!("PG {n} nodes"),
        }
    }
}

/// The setups of a run: SQLite first (unless left out), then every
/// PostgreSQL node count in the order given.
pub fn setups(node_counts: &[usize], sqlite: bool) -> Vec<Setup> {
    let mut all = Vec::new();
    if sqlite {
        all.push(Setup::Sqlite);
    }
    for &n in node_counts {
        let setup = Setup::Postgres(n.max(1));
        if !all.contains(&setup) {
            all.push(setup);
        }
    }
    all
}

/// Sizes of `cluster-c2c`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct C2cParams {
    /// PostgreSQL node counts.
    pub nodes: Vec<usize>,
    /// Whether the SQLite single node is measured too.
    pub sqlite: bool,
    /// Sender/receiver pairs.
    pub pairs: usize,
    /// Messages in all (throughput).
    pub messages: usize,
    /// Requests in flight per sender.
    pub window: usize,
    /// Latency: offered messages per second.
    pub rate: u32,
    /// Latency: seconds of measured load (after one second of warm-up).
    pub seconds: u32,
}

/// Sizes of `cluster-group`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GroupParams {
    /// PostgreSQL node counts.
    pub nodes: Vec<usize>,
    /// Whether the SQLite single node is measured too.
    pub sqlite: bool,
    /// Members of the Work group, senders included.
    pub members: usize,
    /// Members that send (each on the next node).
    pub senders: usize,
    /// Messages each sender sends.
    pub messages_per_sender: u64,
    /// Requests in flight per sender.
    pub window: u64,
}

// ---------------------------------------------------------------------------
// PostgreSQL databases.

/// Runs blocking PostgreSQL work on a thread of its own: the synchronous
/// client must not run on the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work).await.context("database thread")?
}

/// `url` (key=value or `postgres://` URL) naming database `name` instead.
fn with_dbname(url: &str, name: &str) -> String {
    let url = url.trim();
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (before_query, query) = match rest.split_once('?') {
                Some((b, q)) => (b, Some(q)),
                None => (rest, None),
            };
            let authority = before_query.split_once('/').map_or(before_query, |(a, _)| a);
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            return format!("{scheme}{authority}/{name}{query}");
        }
    }
    let mut kept: Vec<&str> =
        url.split_whitespace().filter(|kv| !kv.starts_with("dbname=")).collect();
    let dbname = format!("dbname={name}");
    kept.push(&dbname);
    kept.join(" ")
}

/// A fresh database, dropped (`WITH (FORCE)`) with this value.
struct Database {
    admin_url: String,
    name: String,
    url: String,
}

impl Database {
    async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("confab_bench_{}_{nanos:x}", std::process::id());
        let (admin, sql) = (admin_url.to_owned(), format!("CREATE DATABASE {name}"));
        blocking(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                .context("connect to PostgreSQL (--postgres-url)")?;
            client.batch_execute(&sql).context("CREATE DATABASE")?;
            Ok(())
        })
        .await?;
        let url = with_dbname(admin_url, &name);
        Ok(Self { admin_url: admin_url.to_owned(), name, url })
    }

    /// CPU seconds of every PostgreSQL backend connected to this database,
    /// by process ID (the bench runs on the database's machine).
    async fn backend_cpu(&self) -> anyhow::Result<HashMap<u32, f64>> {
        let (admin, name) = (self.admin_url.clone(), self.name.clone());
        let pids = blocking(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)?;
            let rows =
                client.query("SELECT pid FROM pg_stat_activity WHERE datname = $1", &[&name])?;
            Ok(rows.iter().map(|r| r.get::<_, i32>(0)).collect::<Vec<i32>>())
        })
        .await?;
        Ok(pids
            .into_iter()
            .filter_map(|pid| {
                let pid = u32::try_from(pid).ok()?;
                Some((pid, crate::process::usage_of(pid).ok()?.cpu_seconds))
            })
            .collect())
    }

    /// Sequential durable commits per second on one connection (one small
    /// INSERT each, `synchronous_commit` as the server has it): what one
    /// write batch costs this PostgreSQL at least.
    async fn commit_rate(&self, commits: usize) -> anyhow::Result<f64> {
        let url = self.url.clone();
        blocking(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
            client.batch_execute("CREATE TABLE bench_commit (id bigint)")?;
            let insert = client.prepare("INSERT INTO bench_commit VALUES ($1)")?;
            let start = Instant::now();
            for i in 0..commits {
                client.execute(&insert, &[&(i as i64)])?;
            }
            Ok(commits as f64 / start.elapsed().as_secs_f64())
        })
        .await
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (admin, sql) =
            (self.admin_url.clone(), format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        // A thread of its own: this may run inside the async runtime.
        let dropped = std::thread::spawn(move || -> Result<(), postgres::Error> {
            postgres::Client::connect(&admin, postgres::NoTls)?.batch_execute(&sql)
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("note: dropping database {} failed: {e}", self.name),
            Err(_) => eprintln!("note: dropping database {} panicked", self.name),
        }
    }
}

// ---------------------------------------------------------------------------
// Nodes.

/// The nodes of one setup (and its database, dropped after them).
struct Nodes {
    nodes: Vec<Confabd>,
    db: Option<Database>,
}

impl Nodes {
    /// Starts the nodes of `setup` under `dir`, one after another (the
    /// first creates the schema), and checks that pushes cross between
    /// them before any load.
    async fn start(
        binary: &Path,
        dir: &Path,
        setup: Setup,
        services: Option<&Services>,
    ) -> anyhow::Result<Self> {
        let base = super::groups::server_env();
        let mut nodes = Vec::new();
        let mut db = None;
        match setup {
            Setup::Sqlite => nodes.push(Confabd::start(binary, &dir.join("sqlite"), &base).await?),
            Setup::Postgres(n) => {
                let services = services.context("PostgreSQL setups need --postgres-url")?;
                let nats = match (n, &services.nats_url) {
                    (1, _) => None,
                    (_, Some(url)) => Some(url.clone()),
                    (_, None) => bail!("{n} nodes need --nats-url (or CONFAB_TEST_NATS_URL)"),
                };
                let database = Database::create(&services.postgres_url).await?;
                let files = dir.join("files");
                std::fs::create_dir_all(&files)?;
                for i in 1..=n {
                    let mut env: Vec<(&str, String)> = base.to_vec();
                    env.push(("CONFABD_STORE", "postgres".to_owned()));
                    env.push(("CONFABD_DATABASE_URL", database.url.clone()));
                    env.push(("CONFABD_FILES_DIR", files.display().to_string()));
                    if let Some(nats) = &nats {
                        env.push(("CONFABD_NATS_URL", nats.clone()));
                        env.push(("CONFABD_NODE_NAME", format!("node-{i}")));
                    }
                    let node = Confabd::start(binary, &dir.join(format!("node-{i}")), &env)
                        .await
                        .with_context(|| format!("start node-{i} of {n}"))?;
                    nodes.push(node);
                }
                db = Some(database);
            }
        }
        let started = Self { nodes, db };
        started.wait_linked().await?;
        Ok(started)
    }

    /// The address of node `i` (modulo the node count).
    fn addr(&self, i: usize) -> SocketAddr {
        self.nodes[i % self.nodes.len()].addr
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    /// CPU seconds of every node so far.
    fn cpu(&self) -> anyhow::Result<f64> {
        let mut sum = 0.0;
        for node in &self.nodes {
            sum += node.usage()?.cpu_seconds;
        }
        Ok(sum)
    }

    /// CPU seconds of the PostgreSQL backends of this setup's database.
    async fn pg_cpu(&self) -> anyhow::Result<HashMap<u32, f64>> {
        match &self.db {
            Some(db) => db.backend_cpu().await,
            None => Ok(HashMap::new()),
        }
    }

    /// Until every node gets pushes from the next one: a probe user on
    /// node i receives a message sent on node i+1 (NATS connects in the
    /// background, after the node printed its address).
    async fn wait_linked(&self) -> anyhow::Result<()> {
        let n = self.len();
        if n < 2 {
            return Ok(());
        }
        for i in 0..n {
            let to = format!("probe-r{i}");
            let (receiver, _) = Lean::login(self.addr(i), None, &to).await?;
            let (sender, _) = Lean::login(self.addr(i + 1), None, &format!("probe-s{i}")).await?;
            let (mut tx, mut sender_rx) = sender.split();
            let (_receiver_tx, mut rx) = receiver.split();
            let drain = tokio::spawn(async move { while sender_rx.next().await.is_ok() {} });
            let deadline = Instant::now() + Duration::from_secs(30);
            let arrived = loop {
                if Instant::now() > deadline {
                    break false;
                }
                tx.send(&super::text_send(&to, super::random_id(), "probe".into())).await?;
                let wait = tokio::time::timeout(Duration::from_millis(250), async {
                    loop {
                        if let ServerFrame::Push { push: Push::Inbox(entry) } = rx.next().await? {
                            if matches!(entry.event, InboxEvent::Message { .. }) {
                                return anyhow::Ok(());
                            }
                        }
                    }
                })
                .await;
                match wait {
                    Ok(result) => {
                        result?;
                        break true;
                    }
                    Err(_) => continue,
                }
            };
            drain.abort();
            if !arrived {
                bail!(
                    "pushes from node-{} never reached node-{} within 30 s (is NATS up?)",
                    (i + 1) % n + 1,
                    i + 1
                );
            }
        }
        Ok(())
    }

    /// Stops every node, then drops the database.
    async fn stop(self) -> anyhow::Result<()> {
        let Self { nodes, db } = self;
        for node in nodes {
            node.stop().await?;
        }
        drop(db);
        Ok(())
    }
}

/// CPU seconds the PostgreSQL backends spent between two snapshots (a
/// backend that appeared in between counts from zero).
fn pg_cpu_between(before: &HashMap<u32, f64>, after: &HashMap<u32, f64>) -> f64 {
    after.iter().map(|(pid, cpu)| cpu - before.get(pid).copied().unwrap_or(0.0)).sum()
}

/// Figure names of one setup.
fn named(setup: Setup, what: &str) -> String {
    format!("{}: {what}", setup.label())
}

// ---------------------------------------------------------------------------
// cluster-c2c.

/// One run of `cluster-c2c`: every setup in turn, on fresh nodes.
pub async fn c2c(
    binary: &Path,
    dir: &Path,
    services: Option<&Services>,
    params: &C2cParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let mut figures = RunFigures::default();
    let mut p50s: HashMap<usize, f64> = HashMap::new();
    let all = setups(&params.nodes, params.sqlite);
    // What one PostgreSQL commit costs here, for the model of how far
    // batching carries: measured once per run on a database of its own.
    if let Some(services) = services.filter(|_| all.iter().any(|s| *s != Setup::Sqlite)) {
        let db = Database::create(&services.postgres_url).await?;
        let rate = db.commit_rate(500).await?;
        drop(db);
        figures.add("PG alone: sequential durable commits/s (1 connection)", rate, "commit/s");
    }
    for (s, setup) in all.into_iter().enumerate() {
        eprintln!("   run {run}: {}", setup.label());
        let setup_dir = dir.join(format!("setup{s}"));
        let nodes = Nodes::start(binary, &setup_dir, setup, services).await?;
        let tag = format!("{run}x{s}");
        let cpu_before = nodes.cpu()?;
        let pg_before = nodes.pg_cpu().await?;
        let (acked, delivered) = c2c_throughput(&nodes, params, &tag).await?;
        let cpu = nodes.cpu()? - cpu_before;
        let pg_cpu = pg_cpu_between(&pg_before, &nodes.pg_cpu().await?);
        let mut latencies =
            c2c_latency(nodes.addr(0), nodes.addr(1), params.rate, params.seconds, &tag).await?;
        // With several nodes, the same load with both ends on node 1, on the
        // same nodes right after: what crossing costs, apart from what the
        // disk and the machine did between setups.
        let mut same_node = Vec::new();
        if nodes.len() > 1 {
            let tag = format!("{tag}same");
            same_node =
                c2c_latency(nodes.addr(0), nodes.addr(0), params.rate, params.seconds, &tag)
                    .await?;
        }
        nodes.stop().await?;
        let _ = std::fs::remove_dir_all(&setup_dir);
        let total = (params.messages / params.pairs.max(1) * params.pairs) as f64;
        let q = crate::stats::percentiles(&mut latencies);
        if let Setup::Postgres(n) = setup {
            p50s.insert(n, q.p50_ms);
        }
        figures.add(&named(setup, "msgs/s acknowledged"), acked, "msg/s");
        figures.add(&named(setup, "msgs/s delivered"), delivered, "msg/s");
        figures.add(&named(setup, "send → push p50"), q.p50_ms, "ms");
        figures.add(&named(setup, "send → push p99"), q.p99_ms, "ms");
        if !same_node.is_empty() {
            let same = crate::stats::percentiles(&mut same_node);
            figures.add(&named(setup, "both on node 1: send → push p50"), same.p50_ms, "ms");
            figures.add(&named(setup, "both on node 1: send → push p99"), same.p99_ms, "ms");
            figures.add(
                &named(setup, "crossing adds (p50, across − same node)"),
                q.p50_ms - same.p50_ms,
                "ms",
            );
        }
        figures.add(&named(setup, "server CPU s, all nodes (throughput)"), cpu, "s");
        figures.add(&named(setup, "server CPU per message, all nodes"), cpu * 1e6 / total, "us");
        if setup != Setup::Sqlite {
            figures.add(&named(setup, "PG backends' CPU s (throughput)"), pg_cpu, "s");
        }
    }
    if let (Some(one), Some(two)) = (p50s.get(&1), p50s.get(&2)) {
        figures.add_bar(
            "crossing nodes adds (p50, 2 nodes − 1)",
            two - one,
            "ms",
            Goal::AtMost,
            1.0,
        );
    }
    Ok(figures)
}

/// Pipelined C2C sends between pairs whose sender and receiver are on
/// neighbouring nodes: (acknowledged, delivered) messages per second.
async fn c2c_throughput(
    nodes: &Nodes,
    params: &C2cParams,
    tag: &str,
) -> anyhow::Result<(f64, f64)> {
    let per_pair = params.messages / params.pairs.max(1);
    let total = per_pair * params.pairs;
    let mut receivers = Vec::new();
    for p in 0..params.pairs {
        let user = format!("cr{tag}-{p}");
        let (mut lean, _) = Lean::login(nodes.addr(p + 1), None, &user).await?;
        receivers.push(tokio::spawn(async move {
            let mut got = 0usize;
            while got < per_pair {
                if let ServerFrame::Push { push: Push::Inbox(entry) } = lean.next().await? {
                    if matches!(entry.event, InboxEvent::Message { ref message } if message.to == user)
                    {
                        got += 1;
                    }
                }
            }
            anyhow::Ok(Instant::now())
        }));
    }
    let mut ready = Vec::new();
    for p in 0..params.pairs {
        let (lean, _) = Lean::login(nodes.addr(p), None, &format!("cs{tag}-{p}")).await?;
        ready.push(lean);
    }
    let start = Instant::now();
    let mut senders = Vec::new();
    for (p, mut lean) in ready.into_iter().enumerate() {
        let to = format!("cr{tag}-{p}");
        let window = params.window.max(1);
        senders.push(tokio::spawn(async move {
            let (mut sent, mut acked, mut failed) = (0usize, 0usize, 0usize);
            while acked + failed < per_pair {
                let mut fed = false;
                while sent < per_pair && sent - acked - failed < window {
                    lean.feed(&super::text_send(&to, super::random_id(), format!("c2c {sent}")))
                        .await?;
                    sent += 1;
                    fed = true;
                }
                if fed {
                    lean.flush().await?;
                }
                match lean.next().await? {
                    ServerFrame::Ok { .. } => acked += 1,
                    ServerFrame::Err { error, .. } => {
                        if failed == 0 {
                            eprintln!("   a send failed: {error}");
                        }
                        failed += 1;
                    }
                    ServerFrame::Push { .. } => {}
                }
            }
            if failed > 0 {
                bail!("{failed} sends failed");
            }
            anyhow::Ok(Instant::now())
        }));
    }
    let mut acked_at = start;
    for s in senders {
        acked_at = acked_at.max(s.await.context("sender task")??);
    }
    let mut delivered_at = start;
    for r in receivers {
        let arrived = tokio::time::timeout(Duration::from_secs(120), r)
            .await
            .context("receivers did not get every message within 120 s")?;
        delivered_at = delivered_at.max(arrived.context("receiver task")??);
    }
    Ok((
        total as f64 / (acked_at - start).as_secs_f64(),
        total as f64 / (delivered_at - start).as_secs_f64(),
    ))
}

/// Send-frame → receiver's inbox push latencies at a steady offered rate,
/// the sender on `from`, the receiver on `to` (as `latency`'s lean part).
async fn c2c_latency(
    from: SocketAddr,
    to: SocketAddr,
    rate: u32,
    seconds: u32,
    tag: &str,
) -> anyhow::Result<Vec<Duration>> {
    let bob_id = format!("cl-bob{tag}");
    let (bob, _) = Lean::login(to, None, &bob_id).await?;
    let (alice, _) = Lean::login(from, None, &format!("cl-alice{tag}")).await?;
    let (mut alice_tx, mut alice_rx) = alice.split();
    let (_bob_tx, mut bob_rx) = bob.split();
    let warmup = rate as usize;
    let total = warmup + (rate * seconds) as usize;
    // Alice's answers are read and dropped.
    let drain = tokio::spawn(async move { while alice_rx.next().await.is_ok() {} });
    let arrivals = tokio::spawn(async move {
        let mut seen = vec![None; total];
        let mut got = 0;
        while got < total {
            if let ServerFrame::Push { push: Push::Inbox(entry) } = bob_rx.next().await? {
                if let InboxEvent::Message { message } = entry.event {
                    if let confab_proto::message::MessageElement::Text(t) = message.element {
                        if let Ok(i) = t.text.parse::<usize>() {
                            if i < total && seen[i].is_none() {
                                seen[i] = Some(Instant::now());
                                got += 1;
                            }
                        }
                    }
                }
            }
        }
        anyhow::Ok(seen)
    });
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent_at = Vec::with_capacity(total);
    for i in 0..total {
        ticker.tick().await;
        sent_at.push(Instant::now());
        alice_tx.send(&super::text_send(&bob_id, super::random_id(), i.to_string())).await?;
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), arrivals)
        .await
        .context("latency deliveries within 60 s")???;
    drain.abort();
    Ok(seen
        .iter()
        .zip(&sent_at)
        .skip(warmup)
        .filter_map(|(arrived, sent)| arrived.map(|a| a - *sent))
        .collect())
}

// ---------------------------------------------------------------------------
// cluster-group.

/// One run of `cluster-group`: every setup in turn, on fresh nodes.
pub async fn group(
    binary: &Path,
    dir: &Path,
    services: Option<&Services>,
    params: &GroupParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let mut figures = RunFigures::default();
    for (s, setup) in setups(&params.nodes, params.sqlite).into_iter().enumerate() {
        eprintln!("   run {run}: {}", setup.label());
        let setup_dir = dir.join(format!("setup{s}"));
        let nodes = Nodes::start(binary, &setup_dir, setup, services).await?;
        let fan = group_fan(&nodes, params, &format!("g{run}x{s}")).await;
        nodes.stop().await?;
        let _ = std::fs::remove_dir_all(&setup_dir);
        let fan = fan?;
        if fan.outcome.deliveries != fan.expected {
            bail!(
                "{}: {} deliveries counted, {} expected",
                setup.label(),
                fan.outcome.deliveries,
                fan.expected
            );
        }
        let o = &fan.outcome;
        let secs = o.last_delivery_ns.saturating_sub(o.start_ns) as f64 / 1e9;
        let ack_secs = o.acked_ns.saturating_sub(o.start_ns) as f64 / 1e9;
        let mut sorted: Vec<f64> = o.latencies_us.iter().map(|&u| u as f64 / 1000.0).collect();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| {
            sorted.get(((sorted.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0)
        };
        figures.add(&named(setup, "msgs/s acknowledged"), o.acked as f64 / ack_secs, "msg/s");
        figures.add(&named(setup, "deliveries/s"), o.deliveries as f64 / secs, "dlv/s");
        figures.add(&named(setup, "latency p50 (send → member)"), at(0.5), "ms");
        figures.add(&named(setup, "latency p99 (send → member)"), at(0.99), "ms");
        figures.add(&named(setup, "server CPU s, all nodes (sending)"), fan.cpu, "s");
        figures.add(
            &named(setup, "server CPU per delivery, all nodes"),
            fan.cpu * 1e6 / o.deliveries.max(1) as f64,
            "us",
        );
    }
    Ok(figures)
}

/// What one group run measured.
struct Fan {
    outcome: Outcome,
    expected: u64,
    /// Server CPU seconds of every node from the first message on.
    cpu: f64,
}

/// The Work group over the nodes: member k of [senders…, receivers…] on
/// node k mod n; one worker process per sender and one per node for the
/// receivers there.
async fn group_fan(nodes: &Nodes, params: &GroupParams, tag: &str) -> anyhow::Result<Fan> {
    let n = nodes.len();
    let senders = params.senders.clamp(1, params.members.max(1));
    let receivers = params.members.saturating_sub(senders);
    let group = format!("bench_{tag}");
    let sender_ids: Vec<String> = (0..senders).map(|i| format!("{tag}-s{i}")).collect();
    let receiver_ids: Vec<String> = (0..receivers).map(|i| format!("{tag}-m{i}")).collect();
    let total = senders as u64 * params.messages_per_sender;
    let sample_every = (total * params.members as u64 / 50_000).max(1);
    let members =
        |expect| Members { group: group.clone(), join_by_request: false, expect, sample_every };
    let create = CreateGroup {
        name: "bench".into(),
        group_type: GroupType::Work,
        group_id: Some(confab_proto::GroupId::new(group.clone())),
        member_list: sender_ids
            .iter()
            .skip(1)
            .chain(&receiver_ids)
            .map(|u| NewGroupMember {
                user_id: u.as_str().into(),
                role: None,
                member_custom_field: Vec::new(),
            })
            .collect(),
        ..CreateGroup::default()
    };
    // Senders first: sender i on node i.
    let mut sending = Vec::new();
    for (i, user) in sender_ids.iter().enumerate() {
        sending.push(
            Worker::start(&Spec {
                server: nodes.addr(i),
                users: vec![user.clone()],
                source_octet: 0,
                concurrency: 1,
                role: Role::Senders {
                    members: members(total - params.messages_per_sender),
                    create: (i == 0).then(|| Box::new(create.clone())),
                    messages: params.messages_per_sender,
                    window: params.window,
                },
            })
            .await?,
        );
    }
    // Receivers: the one at position k (after the senders) on node k mod n.
    let mut on_node: Vec<Vec<String>> = vec![Vec::new(); n];
    for (j, user) in receiver_ids.iter().enumerate() {
        on_node[(senders + j) % n].push(user.clone());
    }
    let mut counting = Vec::new();
    for (node, users) in on_node.into_iter().enumerate().filter(|(_, u)| !u.is_empty()) {
        counting.push(
            Worker::start(&Spec {
                server: nodes.addr(node),
                users,
                source_octet: 0,
                concurrency: 64,
                role: Role::Members(members(total)),
            })
            .await?,
        );
    }
    for w in sending.iter_mut().chain(counting.iter_mut()) {
        w.hear("ready").await?;
    }
    // The first sender creates the group; the others have nothing to do.
    worker::all(&mut sending, "create", "created").await?;
    for w in sending.iter_mut().chain(counting.iter_mut()) {
        w.tell("join").await?;
    }
    for w in sending.iter_mut().chain(counting.iter_mut()) {
        w.hear("joined").await?;
    }
    let cpu_before = nodes.cpu()?;
    for w in sending.iter_mut() {
        w.tell("go").await?;
    }
    let mut outcome = Outcome::default();
    for w in sending.into_iter().chain(counting) {
        let (o, _) = w.finish().await?;
        outcome.deliveries += o.deliveries;
        outcome.last_delivery_ns = outcome.last_delivery_ns.max(o.last_delivery_ns);
        outcome.latencies_us.extend(o.latencies_us);
        outcome.acked += o.acked;
        outcome.failed += o.failed;
        if o.start_ns != 0 {
            outcome.start_ns =
                if outcome.start_ns == 0 { o.start_ns } else { outcome.start_ns.min(o.start_ns) };
        }
        outcome.acked_ns = outcome.acked_ns.max(o.acked_ns);
    }
    let cpu = nodes.cpu()? - cpu_before;
    if outcome.failed > 0 {
        bail!("{} group sends were refused", outcome.failed);
    }
    Ok(Fan { outcome, expected: total * (params.members as u64 - 1), cpu })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_replace_the_url_database() {
        assert_eq!(
            with_dbname("host=127.0.0.1 port=5 user=postgres dbname=confab_test", "x"),
            "host=127.0.0.1 port=5 user=postgres dbname=x"
        );
        assert_eq!(with_dbname("host=h user=u", "x"), "host=h user=u dbname=x");
        assert_eq!(
            with_dbname("postgres://u:p@h:5432/confab_test?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_dbname("postgresql://h", "x"), "postgresql://h/x");
    }

    #[test]
    fn setups_put_sqlite_first_and_skip_repeats() {
        assert_eq!(
            setups(&[1, 2, 2, 3], true),
            [Setup::Sqlite, Setup::Postgres(1), Setup::Postgres(2), Setup::Postgres(3)]
        );
        assert_eq!(setups(&[2], false), [Setup::Postgres(2)]);
        assert_eq!(Setup::Postgres(1).label(), "PG 1 node");
    }
}
