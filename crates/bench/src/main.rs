//! `confab-bench`: measures `confabd` and the SDK, scenario by scenario,
//! and prints a human table plus one JSON object with every figure.
//!
//! The server under test is the real `confabd` binary, started as a child
//! process on a temporary data directory, so its RSS and CPU time can be
//! read from `/proc`. Each scenario runs `--runs` times; figures are the
//! medians, with the spread between runs. See `docs/benchmarks.md`.

mod lean;
mod process;
mod report;
mod scenarios;
mod stats;
mod worker;

use anyhow::Context;
use clap::Parser;
use process::Confabd;
use report::{aggregate, Report, RunFigures};
use scenarios::{
    cluster, cold_start, connections, durability, friends, groups, history, latency, local_page,
    logins, rest, search, throughput, upload,
};
use std::path::PathBuf;

/// Every scenario, in the order they run.
const ALL: &[&str] = &[
    "latency",
    "throughput",
    "history",
    "connections",
    "cold-start",
    "local-page",
    "search-local",
    "durability",
    "upload",
    "logins",
    "group-work",
    "group-avchatroom",
    "group-catchup",
    "group-catchup-sdk",
    "community-catchup-sdk",
    "friends-sync",
    "rest",
    "cluster-c2c",
    "cluster-group",
];

/// The scenarios that need PostgreSQL (and NATS for more than one node).
const CLUSTER: &[&str] = &["cluster-c2c", "cluster-group"];

#[derive(Parser, Debug)]
#[command(name = "confab-bench", about = "Measure confabd and the Confab SDK")]
struct Args {
    /// Scenarios to run (comma-separated): latency, throughput, history,
    /// connections, cold-start, local-page, search-local, durability,
    /// upload, logins,
    /// group-work, group-avchatroom, group-catchup, group-catchup-sdk,
    /// community-catchup-sdk,
    /// friends-sync, rest (the REST API and callbacks),
    /// cluster-c2c, cluster-group (several nodes on PostgreSQL and NATS:
    /// need --postgres-url and --nats-url; `all` skips them without);
    /// or `all`.
    #[arg(long, default_value = "all", value_delimiter = ',')]
    scenarios: Vec<String>,
    /// Runs per scenario; figures are medians over the runs.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The confabd binary (default: beside this one).
    #[arg(long)]
    confabd: Option<PathBuf>,
    /// Also write the JSON report here.
    #[arg(long)]
    json_out: Option<PathBuf>,
    /// Tiny sizes, one run: checks that every scenario works (used by the tests).
    #[arg(long)]
    smoke: bool,
    /// Latency: offered messages per second.
    #[arg(long, default_value_t = 1000)]
    latency_rate: u32,
    /// Latency: seconds of measured load.
    #[arg(long, default_value_t = 5)]
    latency_seconds: u32,
    /// Throughput: sender/receiver pairs.
    #[arg(long, default_value_t = 50)]
    throughput_pairs: usize,
    /// Throughput: messages in all.
    #[arg(long, default_value_t = 200_000)]
    throughput_messages: usize,
    /// Throughput: requests in flight per sender.
    #[arg(long, default_value_t = 128)]
    throughput_window: usize,
    /// History: messages in the conversation.
    #[arg(long, default_value_t = 100_000)]
    history_messages: usize,
    /// History: pages per run.
    #[arg(long, default_value_t = 2000)]
    history_pages: usize,
    /// Connections: idle sessions to hold (capped by the open-file limit).
    #[arg(long, default_value_t = 100_000)]
    connections: usize,
    /// Connections: sessions per 127.0.0.x source address (well below the
    /// ephemeral port range of one address).
    #[arg(long, default_value_t = 10_000)]
    connections_per_address: usize,
    /// Connections: logins in flight at once.
    #[arg(long, default_value_t = 256)]
    connection_concurrency: usize,
    /// Cold start: conversations in the local store.
    #[arg(long, default_value_t = 10_000)]
    cold_conversations: usize,
    /// Cold start: messages in the local store.
    #[arg(long, default_value_t = 1_000_000)]
    cold_messages: usize,
    /// Local page: pages per run.
    #[arg(long, default_value_t = 1000)]
    local_pages: usize,
    /// Local search: conversations in the searched store.
    #[arg(long, default_value_t = 1000)]
    search_conversations: usize,
    /// Local search: messages in the searched store.
    #[arg(long, default_value_t = 1_000_000)]
    search_messages: usize,
    /// Local search: times each query runs per run.
    #[arg(long, default_value_t = 20)]
    search_repeats: usize,
    /// Durability: messages attempted per run (kill -9 after half are acknowledged).
    #[arg(long, default_value_t = 5000)]
    durability_messages: usize,
    /// Upload: bytes of the file alice sends bob.
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    upload_bytes: u64,
    /// Logins: sequential password logins on a fresh server.
    #[arg(long, default_value_t = 1000)]
    logins: usize,
    /// Logins: password logins sent at once afterwards.
    #[arg(long, default_value_t = 16)]
    login_burst: usize,
    /// Logins: wrong-password and unknown-userID refusals timed (at most 15).
    #[arg(long, default_value_t = 10)]
    login_refusals: usize,
    /// Group work: members of the Work group, all online (senders included).
    #[arg(long, default_value_t = 200)]
    work_members: usize,
    /// Group work: members that send.
    #[arg(long, default_value_t = 4)]
    work_senders: usize,
    /// Group work: messages each sender sends.
    #[arg(long, default_value_t = 2500)]
    work_messages: u64,
    /// Group work: worker processes holding the receiving members.
    #[arg(long, default_value_t = 2)]
    work_processes: usize,
    /// AVChatRoom: members online in the room (senders included).
    #[arg(long, default_value_t = 10_000)]
    room_members: usize,
    /// AVChatRoom: members that broadcast.
    #[arg(long, default_value_t = 2)]
    room_senders: usize,
    /// AVChatRoom: messages each sender broadcasts.
    #[arg(long, default_value_t = 100)]
    room_messages: u64,
    /// AVChatRoom: worker processes holding the receiving members.
    #[arg(long, default_value_t = 4)]
    room_processes: usize,
    /// Group senders: requests in flight per sender.
    #[arg(long, default_value_t = 64)]
    group_window: u64,
    /// Community catch-up: members of the community.
    #[arg(long, default_value_t = 2000)]
    community_members: usize,
    /// Community catch-up: topics in the community.
    #[arg(long, default_value_t = 50)]
    community_topics: usize,
    /// Community catch-up: messages written to each topic while the member
    /// was offline.
    #[arg(long, default_value_t = 100)]
    community_messages: usize,
    /// Group catch-up: groups the reconnecting user is in.
    #[arg(long, default_value_t = 500)]
    catchup_groups: usize,
    /// Group catch-up: messages written to each group while it was offline.
    #[arg(long, default_value_t = 100)]
    catchup_messages: usize,
    /// Friends sync: friends the account has.
    #[arg(long, default_value_t = 3000)]
    friends: usize,
    /// Friends sync: friends who change their nick while it is away.
    #[arg(long, default_value_t = 20)]
    friends_renamed: usize,
    /// Friends sync: new friends while it is away.
    #[arg(long, default_value_t = 10)]
    friends_added: usize,
    /// Cluster scenarios: the PostgreSQL server, a libpq key=value string
    /// or URL (a superuser: each setup creates a database of its own and
    /// drops it afterwards).
    #[arg(long, env = "CONFAB_TEST_POSTGRES_URL", hide_env_values = true)]
    postgres_url: Option<String>,
    /// Cluster scenarios: the NATS server the nodes share (`nats://HOST:PORT`).
    #[arg(long, env = "CONFAB_TEST_NATS_URL", hide_env_values = true)]
    nats_url: Option<String>,
    /// Cluster scenarios: node counts on PostgreSQL (1: one node, no NATS).
    #[arg(long, default_value = "1,2,3", value_delimiter = ',')]
    cluster_nodes: Vec<usize>,
    /// Cluster scenarios: leave out the SQLite single-node baseline.
    #[arg(long)]
    cluster_skip_sqlite: bool,
    /// Cluster C2C: sender/receiver pairs (sender on node p, receiver on
    /// node p+1).
    #[arg(long, default_value_t = 20)]
    cluster_pairs: usize,
    /// Cluster C2C: messages in all, per setup.
    #[arg(long, default_value_t = 20_000)]
    cluster_messages: usize,
    /// Cluster C2C: requests in flight per sender.
    #[arg(long, default_value_t = 128)]
    cluster_window: usize,
    /// Cluster C2C latency: offered messages per second (node 1 → node 2).
    #[arg(long, default_value_t = 500)]
    cluster_latency_rate: u32,
    /// Cluster C2C latency: seconds of measured load (after 1 s of warm-up).
    #[arg(long, default_value_t = 3)]
    cluster_latency_seconds: u32,
    /// Cluster group: members of the Work group, spread round-robin over
    /// the nodes (senders included).
    #[arg(long, default_value_t = 200)]
    cluster_group_members: usize,
    /// Cluster group: members that send, each on the next node.
    #[arg(long, default_value_t = 2)]
    cluster_group_senders: usize,
    /// Cluster group: messages each sender sends (`--group-window` in flight).
    #[arg(long, default_value_t = 1000)]
    cluster_group_messages: u64,
    /// REST: `openim/sendmsg` calls in all.
    #[arg(long, default_value_t = 20_000)]
    rest_calls: usize,
    /// REST: callers at once.
    #[arg(long, default_value_t = 16)]
    rest_concurrency: usize,
    /// REST: lean clients' offered messages per second, with and without callbacks.
    #[arg(long, default_value_t = 500)]
    rest_latency_rate: u32,
    /// REST: seconds of measured lean load.
    #[arg(long, default_value_t = 5)]
    rest_latency_seconds: u32,
}

impl Args {
    fn shrink_for_smoke(&mut self) {
        self.runs = 1;
        self.latency_rate = 200;
        self.latency_seconds = 1;
        self.throughput_pairs = 2;
        self.throughput_messages = 200;
        self.history_messages = 100;
        self.history_pages = 20;
        self.connections = 20;
        self.cold_conversations = 20;
        self.cold_messages = 400;
        self.local_pages = 20;
        self.search_conversations = 20;
        self.search_messages = 2000;
        self.search_repeats = 2;
        self.durability_messages = 200;
        self.upload_bytes = 3 * 1024 * 1024;
        self.logins = 20;
        self.login_burst = 4;
        self.login_refusals = 3;
        self.work_members = 6;
        self.work_senders = 2;
        self.work_messages = 20;
        self.room_members = 8;
        self.room_messages = 10;
        self.room_processes = 2;
        self.catchup_groups = 5;
        self.community_members = 20;
        self.community_topics = 3;
        self.community_messages = 5;
        self.catchup_messages = 10;
        self.friends = 30;
        self.friends_renamed = 3;
        self.friends_added = 2;
        self.cluster_nodes = vec![1, 2];
        self.cluster_pairs = 3;
        self.cluster_messages = 60;
        self.cluster_window = 8;
        self.cluster_latency_rate = 40;
        self.cluster_latency_seconds = 1;
        self.cluster_group_members = 6;
        self.cluster_group_messages = 20;
        self.rest_calls = 40;
        self.rest_concurrency = 2;
        self.rest_latency_rate = 40;
        self.rest_latency_seconds = 1;
    }

    /// The cluster scenarios' services, when given.
    fn services(&self) -> Option<cluster::Services> {
        let postgres_url = self.postgres_url.clone().filter(|u| !u.trim().is_empty())?;
        let nats_url = self.nats_url.clone().filter(|u| !u.trim().is_empty());
        Some(cluster::Services { postgres_url, nats_url })
    }

    /// What the cluster scenarios lack to run, if anything.
    fn cluster_missing(&self) -> Option<&'static str> {
        let services = self.services();
        if services.is_none() {
            return Some("--postgres-url (or CONFAB_TEST_POSTGRES_URL)");
        }
        let several = self.cluster_nodes.iter().any(|&n| n > 1);
        if several && services.and_then(|s| s.nats_url).is_none() {
            return Some("--nats-url (or CONFAB_TEST_NATS_URL)");
        }
        None
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A group scenario's clients run in child processes of this binary.
    if std::env::args().nth(1).as_deref() == Some(worker::SUBCOMMAND) {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("CONFAB_BENCH_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_writer(std::io::stderr)
            .init();
        return worker::main().await;
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CONFAB_BENCH_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut args = Args::parse();
    if args.smoke {
        args.shrink_for_smoke();
    }
    let everything = args.scenarios.iter().any(|s| s == "all");
    let mut wanted: Vec<&str> =
        if everything { ALL.to_vec() } else { args.scenarios.iter().map(String::as_str).collect() };
    if let Some(unknown) = wanted.iter().find(|s| !ALL.contains(s)) {
        anyhow::bail!("unknown scenario {unknown:?}; known: {}, all", ALL.join(", "));
    }
    if let Some(missing) = args.cluster_missing() {
        if everything {
            eprintln!("note: skipping {} (no {missing})", CLUSTER.join(", "));
            wanted.retain(|s| !CLUSTER.contains(s));
        } else if let Some(cluster) = wanted.iter().find(|s| CLUSTER.contains(s)) {
            anyhow::bail!(
                "scenario {cluster} runs nodes on PostgreSQL and NATS: give {missing} \
                 (`source /tmp/svc.env` or scripts/services.sh set both)"
            );
        }
    }
    // Thousands of sockets on both sides: lift the descriptor limit (the
    // server inherits it).
    let limit = raise_open_file_limit(args.connections as u64 + 10_000)?;
    // Each side of every session holds one descriptor in its own process;
    // leave room for the store, listeners and the SDK scenarios.
    let room = limit.saturating_sub(1_000) as usize;
    if args.connections > room {
        eprintln!(
            "note: the open-file limit is {limit} and cannot be raised here; holding {room} sessions instead of {}",
            args.connections
        );
        args.connections = room;
    }
    let binary = match &args.confabd {
        Some(path) => path.clone(),
        None => process::sibling_binary("confabd")?,
    };
    let work = tempfile::tempdir().context("temporary directory")?;
    let mut reports = Vec::new();
    for scenario in wanted {
        eprintln!("== {scenario}");
        let report = run_scenario(scenario, &args, &binary, work.path())
            .await
            .with_context(|| format!("scenario {scenario}"))?;
        reports.push(report);
    }
    report::print_table(&reports);
    let json = serde_json::json!({
        "confab_bench": 1,
        "runs": args.runs,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "open_file_limit": limit,
        "reports": reports,
    });
    let text = serde_json::to_string(&json)?;
    println!("{text}");
    if let Some(path) = &args.json_out {
        std::fs::write(path, &text).with_context(|| format!("write {}", path.display()))?;
    }
    Ok(())
}

/// Raises the open-file limit to at least `wanted` where the process may
/// (root may raise the hard limit), else as far as the hard limit allows.
fn raise_open_file_limit(wanted: u64) -> anyhow::Result<u64> {
    let (soft, hard) =
        rlimit::getrlimit(rlimit::Resource::NOFILE).context("read the open-file limit")?;
    if soft >= wanted {
        return Ok(soft);
    }
    if rlimit::setrlimit(rlimit::Resource::NOFILE, wanted, wanted.max(hard)).is_ok() {
        return Ok(wanted);
    }
    rlimit::increase_nofile_limit(u64::MAX).context("raise the open-file limit")
}

async fn run_scenario(
    name: &str,
    args: &Args,
    binary: &std::path::Path,
    work: &std::path::Path,
) -> anyhow::Result<Report> {
    let dir = work.join(name);
    std::fs::create_dir_all(&dir)?;
    let mut runs: Vec<RunFigures> = Vec::new();
    let params;
    match name {
        "latency" => {
            let p = latency::Params { rate: args.latency_rate, seconds: args.latency_seconds };
            let server = Confabd::start(binary, &dir.join("server"), &[]).await?;
            for run in 0..args.runs {
                runs.push(
                    latency::run(&server, &dir.join(format!("clients{run}")), &p, &run.to_string())
                        .await?,
                );
            }
            server.stop().await?;
            params = serde_json::to_value(&p)?;
        }
        "throughput" => {
            let p = throughput::Params {
                pairs: args.throughput_pairs,
                messages: args.throughput_messages,
                window: args.throughput_window,
            };
            let server = Confabd::start(binary, &dir.join("server"), &[]).await?;
            for run in 0..args.runs {
                runs.push(throughput::run(&server, &p, &run.to_string()).await?);
            }
            server.stop().await?;
            params = serde_json::to_value(&p)?;
        }
        "history" => {
            let p = history::Params { messages: args.history_messages, pages: args.history_pages };
            let server = Confabd::start(binary, &dir.join("server"), &[]).await?;
            history::populate(&server, &p).await?;
            for _ in 0..args.runs {
                runs.push(history::run(&server, &p).await?);
            }
            server.stop().await?;
            params = serde_json::to_value(&p)?;
        }
        "connections" => {
            let p = connections::Params {
                sessions: args.connections,
                concurrency: args.connection_concurrency,
                per_address: args.connections_per_address,
            };
            for run in 0..args.runs {
                // A fresh server each run, so its memory is the sessions'.
                let env = [("CONFABD_HEARTBEAT_INTERVAL_MS", "3600000".to_owned())];
                let server =
                    Confabd::start(binary, &dir.join(format!("server{run}")), &env).await?;
                runs.push(connections::run(&server, &p, &run.to_string()).await?);
                server.stop().await?;
            }
            params = serde_json::to_value(&p)?;
        }
        "cold-start" | "local-page" => {
            let store = cold_start::Params {
                conversations: args.cold_conversations,
                messages: args.cold_messages,
            };
            let store_dir = work.join("sdk-store");
            if !store_dir.exists() {
                eprintln!(
                    "   filling the local store: {} conversations, {} messages",
                    store.conversations, store.messages
                );
                let filler = store.clone();
                let target = store_dir.clone();
                tokio::task::spawn_blocking(move || cold_start::populate(&target, &filler))
                    .await??;
            }
            if name == "cold-start" {
                for _ in 0..args.runs {
                    runs.push(cold_start::run(&store_dir, &store).await?);
                }
                params = serde_json::to_value(&store)?;
            } else {
                let p = local_page::Params { pages: args.local_pages };
                for _ in 0..args.runs {
                    runs.push(local_page::run(&store_dir, &store, &p).await?);
                }
                params = serde_json::json!({ "store": store, "pages": p.pages });
            }
        }
        "search-local" => {
            let p = search::Params {
                conversations: args.search_conversations,
                messages: args.search_messages,
                repeats: args.search_repeats,
            };
            let store_dir = work.join(format!("search-store-{}", p.messages));
            let mut fill_rate = 0.0;
            if !store_dir.exists() {
                eprintln!(
                    "   filling the local store: {} conversations, {} messages",
                    p.conversations, p.messages
                );
                let filler = p.clone();
                let target = store_dir.clone();
                fill_rate = tokio::task::spawn_blocking(move || search::populate(&target, &filler))
                    .await??;
            }
            for _ in 0..args.runs {
                runs.push(search::run(&store_dir, &p, fill_rate).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        "durability" => {
            let p = durability::Params { messages: args.durability_messages };
            for run in 0..args.runs {
                runs.push(durability::run(binary, &dir.join(format!("server{run}")), &p).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        "upload" => {
            let p = upload::Params { bytes: args.upload_bytes };
            let server = Confabd::start(binary, &dir.join("server"), &[]).await?;
            for run in 0..args.runs {
                let clients = dir.join(format!("clients{run}"));
                runs.push(upload::run(&server, &clients, &p, &run.to_string()).await?);
            }
            server.stop().await?;
            params = serde_json::to_value(&p)?;
        }
        "logins" => {
            let p = logins::Params {
                logins: args.logins,
                burst: args.login_burst,
                refusals: args.login_refusals,
            };
            for run in 0..args.runs {
                // A fresh server each run: its memory is the logins'.
                let server = Confabd::start(binary, &dir.join(format!("server{run}")), &[]).await?;
                runs.push(logins::run(&server, &p, &run.to_string()).await?);
                server.stop().await?;
            }
            params = serde_json::to_value(&p)?;
        }
        "group-work" | "group-avchatroom" => {
            let work = name == "group-work";
            let p = groups::FanParams {
                members: if work { args.work_members } else { args.room_members },
                senders: if work { args.work_senders } else { args.room_senders },
                messages_per_sender: if work { args.work_messages } else { args.room_messages },
                window: args.group_window,
                processes: if work { args.work_processes } else { args.room_processes },
                // Room members come from addresses of their own, as many
                // as each worker holds.
                per_address: if work { 0 } else { args.connections_per_address },
            };
            for run in 0..args.runs {
                let server = dir.join(format!("server{run}"));
                runs.push(if work {
                    groups::work(binary, &server, &p, run).await?
                } else {
                    groups::avchatroom(binary, &server, &p, run).await?
                });
            }
            params = serde_json::to_value(&p)?;
        }
        "group-catchup" | "group-catchup-sdk" | "community-catchup-sdk" => {
            let community = name == "community-catchup-sdk";
            let p = groups::CatchupParams {
                groups: if community { 1 } else { args.catchup_groups },
                messages: if community { args.community_messages } else { args.catchup_messages },
                window: args.group_window as usize,
                sdk: name != "group-catchup",
                topics: if community { args.community_topics } else { 0 },
                members: if community { args.community_members } else { 1 },
            };
            for run in 0..args.runs {
                runs.push(
                    groups::catchup(binary, &dir.join(format!("server{run}")), &p, run).await?,
                );
            }
            params = serde_json::to_value(&p)?;
        }
        "friends-sync" => {
            let p = friends::FriendParams {
                friends: args.friends,
                renamed: args.friends_renamed,
                added: args.friends_added,
                concurrency: 16,
            };
            for run in 0..args.runs {
                runs.push(friends::run(binary, &dir.join(format!("server{run}")), &p, run).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        "cluster-c2c" => {
            let p = cluster::C2cParams {
                nodes: args.cluster_nodes.clone(),
                sqlite: !args.cluster_skip_sqlite,
                pairs: args.cluster_pairs,
                messages: args.cluster_messages,
                window: args.cluster_window,
                rate: args.cluster_latency_rate,
                seconds: args.cluster_latency_seconds,
            };
            let services = args.services();
            for run in 0..args.runs {
                let run_dir = dir.join(format!("run{run}"));
                runs.push(cluster::c2c(binary, &run_dir, services.as_ref(), &p, run).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        "cluster-group" => {
            let p = cluster::GroupParams {
                nodes: args.cluster_nodes.clone(),
                sqlite: !args.cluster_skip_sqlite,
                members: args.cluster_group_members,
                senders: args.cluster_group_senders,
                messages_per_sender: args.cluster_group_messages,
                window: args.group_window,
            };
            let services = args.services();
            for run in 0..args.runs {
                let run_dir = dir.join(format!("run{run}"));
                runs.push(cluster::group(binary, &run_dir, services.as_ref(), &p, run).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        "rest" => {
            let p = rest::Params {
                calls: args.rest_calls,
                concurrency: args.rest_concurrency,
                rate: args.rest_latency_rate,
                seconds: args.rest_latency_seconds,
            };
            for run in 0..args.runs {
                runs.push(rest::run(binary, &dir, &p, &run.to_string()).await?);
            }
            params = serde_json::to_value(&p)?;
        }
        other => anyhow::bail!("unknown scenario {other}"),
    }
    Ok(aggregate(name, params, &runs))
}
