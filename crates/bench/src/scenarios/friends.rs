//! `friends-sync`: an account with thousands of friends, on the real SDK.
//! Its first login on a fresh store reads the friend list whole; it goes
//! away; some friends change their nick and a few new friends arrive; its
//! next login (same store, a new process) must bring only those changes,
//! not the list again (docs/protocol.md, "Friends"). Both times are
//! measured from login to the SDK's friend list showing everything.

use super::groups::server_env;
use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use crate::worker::{Role, Spec, Worker};
use anyhow::{bail, Context as _};
use confab_proto::ops::UpdateMyProfile;
use confab_proto::profile::ProfilePatch;
use confab_proto::relation::AddFriend;
use std::net::SocketAddr;
use std::path::Path;

/// Sizes of `friends-sync`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FriendParams {
    /// Friends the account has before it goes away.
    pub friends: usize,
    /// Friends who change their nick while it is away.
    pub renamed: usize,
    /// New friends while it is away.
    pub added: usize,
    /// Friend logins in flight while the list is built.
    pub concurrency: usize,
}

/// Logs `user` in, runs `f`'s request on the lean client, logs out.
async fn as_user<O: confab_proto::ops::Operation>(
    addr: SocketAddr,
    user: &str,
    request: &O,
) -> anyhow::Result<()> {
    let (mut lean, _) = Lean::login(addr, None, user).await?;
    lean.call(request).await.with_context(|| format!("{} by {user}", O::NAME))?;
    lean.close().await
}

/// Each of `users` asks `owner` (who allows anyone) to be a two-way friend.
async fn befriend(
    addr: SocketAddr,
    owner: &str,
    users: Vec<String>,
    concurrency: usize,
) -> anyhow::Result<()> {
    let mut pending = tokio::task::JoinSet::new();
    let mut users = users.into_iter();
    loop {
        while pending.len() < concurrency.max(1) {
            let Some(user) = users.next() else { break };
            let request = AddFriend {
                to: owner.into(),
                source: "AddSource_Type_Bench".into(),
                ..AddFriend::default()
            };
            pending.spawn(async move { as_user(addr, &user, &request).await });
        }
        match pending.join_next().await {
            Some(done) => done.context("befriend task")??,
            None => return Ok(()),
        }
    }
}

/// One run.
pub async fn run(
    binary: &Path,
    dir: &Path,
    params: &FriendParams,
    run: usize,
) -> anyhow::Result<RunFigures> {
    let server = Confabd::start(binary, dir, &server_env()).await?;
    let addr = server.addr;
    let owner = format!("fo{run}");
    let allow_any = UpdateMyProfile {
        patch: ProfilePatch {
            allow_type: Some("AllowType_Type_AllowAny".into()),
            ..ProfilePatch::default()
        },
    };
    as_user(addr, &owner, &allow_any).await?;
    let friends: Vec<String> = (0..params.friends).map(|i| format!("f{run}_{i}")).collect();
    befriend(addr, &owner, friends.clone(), params.concurrency).await?;

    let sdk_dir = dir.join(format!("sdk{run}"));
    let spec = |reconnect: bool, expect: usize, renamed: usize| Spec {
        server: addr,
        users: vec![owner.clone()],
        source_octet: 0,
        concurrency: 1,
        role: Role::Friends { dir: sdk_dir.clone(), expect, renamed, reconnect },
    };
    let first = measure(&server, &spec(false, params.friends, 0)).await?;

    // While the account is away: nicks change, new friends arrive.
    for user in friends.iter().take(params.renamed) {
        let nick = UpdateMyProfile {
            patch: ProfilePatch { nick: Some(format!("new-{user}")), ..ProfilePatch::default() },
        };
        as_user(addr, user, &nick).await?;
    }
    let newcomers: Vec<String> = (0..params.added).map(|i| format!("fn{run}_{i}")).collect();
    befriend(addr, &owner, newcomers, params.concurrency).await?;

    let total = params.friends + params.added;
    let again = measure(&server, &spec(true, total, params.renamed)).await?;
    server.stop().await?;

    let mut figures = RunFigures::default();
    figures.add(
        "first login: fresh store to the whole friend list",
        first.0.catchup_secs * 1000.0,
        "ms",
    );
    figures.add("first login: server CPU seconds", first.1, "s");
    figures.add_bar(
        "reconnect: login to every change in the friend list",
        again.0.catchup_secs * 1000.0,
        "ms",
        Goal::AtMost,
        1000.0,
    );
    figures.add(
        "reconnect: of which opening the store + login",
        again.0.catchup_login_secs * 1000.0,
        "ms",
    );
    figures.add("reconnect: server CPU seconds", again.1, "s");
    figures.add("friends at the end", again.0.catchup_entries as f64, "friends");
    figures.add("client peak RSS (reconnect)", again.2 as f64 / 1e6, "MB");
    Ok(figures)
}

/// Runs one SDK worker to the end: its outcome, the server CPU seconds it
/// cost, the worker's peak RSS.
async fn measure(
    server: &Confabd,
    spec: &Spec,
) -> anyhow::Result<(crate::worker::Outcome, f64, u64)> {
    let mut worker = Worker::start(spec).await?;
    worker.hear("ready").await?;
    let before = server.usage()?;
    worker.tell("go").await?;
    let (outcome, usage) = worker.finish().await?;
    let after = server.usage()?;
    let Role::Friends { expect, .. } = &spec.role else { bail!("not a friends spec") };
    if outcome.catchup_entries != *expect as u64 {
        bail!("the SDK lists {} friends of {expect}", outcome.catchup_entries);
    }
    Ok((outcome, after.cpu_seconds - before.cpu_seconds, usage.peak_rss_bytes))
}
