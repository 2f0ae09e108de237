//! The REST API and the callbacks, as an application backend uses them:
//! how many `openim/sendmsg` calls a backend gets through (several callers
//! at once, each waiting for its answer), and what a before-send callback
//! adds to a message's latency (lean clients at a steady rate, against a
//! server without callbacks and one that posts every send to a receiver in
//! this process, which answers at once).

use crate::process::{Confabd, SDK_APP_ID};
use crate::report::RunFigures;
use crate::scenarios::latency;
use anyhow::Context;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// `sendmsg` calls in all.
    pub calls: usize,
    /// Callers at once (each sends as its own account).
    pub concurrency: usize,
    /// Lean clients' offered messages per second.
    pub rate: u32,
    /// Seconds of measured lean load.
    pub seconds: u32,
}

/// A REST caller as the administrator.
#[derive(Clone)]
struct Rest {
    http: reqwest::Client,
    base: String,
    query: String,
}

impl Rest {
    fn new(server: &Confabd) -> Self {
        let sig = crate::lean::user_sig("administrator");
        Self {
            http: reqwest::Client::new(),
            base: format!("http://{}", server.addr),
            query: format!(
                "sdkappid={SDK_APP_ID}&identifier=administrator&usersig={sig}&random=1&contenttype=json"
            ),
        }
    }

    async fn call(&self, command: &str, body: Value) -> anyhow::Result<Value> {
        let url = format!("{}/v4/{command}?{}", self.base, self.query);
        let answer: Value = self.http.post(url).json(&body).send().await?.json().await?;
        anyhow::ensure!(answer["ActionStatus"] == "OK", "{command}: {answer}");
        Ok(answer)
    }
}

/// A callback receiver that answers every call at once; counts them.
async fn receiver() -> anyhow::Result<(String, Arc<AtomicU64>, tokio::task::JoinHandle<()>)> {
    let count = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&count);
    let app = axum::Router::new().route(
        "/callback",
        axum::routing::post(move || {
            seen.fetch_add(1, Ordering::Relaxed);
            std::future::ready(axum::Json(
                json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}),
            ))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/callback", listener.local_addr()?);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("the callback receiver stopped: {e}");
        }
    });
    Ok((url, count, task))
}

/// One run.
pub async fn run(
    binary: &Path,
    dir: &Path,
    params: &Params,
    tag: &str,
) -> anyhow::Result<RunFigures> {
    let mut figures = RunFigures::default();
    let plain = Confabd::start(binary, &dir.join(format!("plain{tag}")), &[]).await?;
    let rest = Rest::new(&plain);
    let receiver_id = format!("rb-r{tag}");
    let senders: Vec<String> = (0..params.concurrency).map(|i| format!("rb-s{tag}-{i}")).collect();
    let mut accounts = senders.clone();
    accounts.push(receiver_id.clone());
    rest.call("im_open_login_svc/multiaccount_import", json!({"Accounts": accounts})).await?;
    let per_caller = params.calls.div_ceil(params.concurrency.max(1));
    let started = Instant::now();
    let callers: Vec<_> = senders
        .iter()
        .map(|from| {
            let (rest, from, to) = (rest.clone(), from.clone(), receiver_id.clone());
            tokio::spawn(async move {
                let mut took = Vec::with_capacity(per_caller);
                for i in 0..per_caller {
                    let at = Instant::now();
                    rest.call(
                        "openim/sendmsg",
                        json!({"From_Account": from, "To_Account": to, "MsgRandom": i + 1,
                               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": format!("{i}")}}]}),
                    )
                    .await?;
                    took.push(at.elapsed());
                }
                anyhow::Ok(took)
            })
        })
        .collect();
    let mut took = Vec::new();
    for caller in callers {
        took.extend(caller.await.context("REST caller")??);
    }
    let seconds = started.elapsed().as_secs_f64();
    figures.add("REST sendmsg calls/s", took.len() as f64 / seconds, "calls/s");
    let p = crate::stats::percentiles(&mut took);
    figures.add("REST sendmsg answer p50", p.p50_ms, "ms");
    figures.add("REST sendmsg answer p99", p.p99_ms, "ms");
    let lean = latency::Params { rate: params.rate, seconds: params.seconds };
    let mut without = latency::lean_run(&plain, &lean, &format!("p{tag}")).await?;
    plain.stop().await?;

    let (url, count, task) = receiver().await?;
    let env = [("CONFABD_CALLBACK_URL", url)];
    let hooked = Confabd::start(binary, &dir.join(format!("hooked{tag}")), &env).await?;
    let mut with = latency::lean_run(&hooked, &lean, &format!("h{tag}")).await?;
    hooked.stop().await?;
    task.abort();
    let a = crate::stats::percentiles(&mut without);
    let b = crate::stats::percentiles(&mut with);
    figures.add("send → push p50, no callbacks", a.p50_ms, "ms");
    figures.add("send → push p50, before-callback", b.p50_ms, "ms");
    figures.add("added by the before-callback p50", b.p50_ms - a.p50_ms, "ms");
    figures.add("send → push p99, no callbacks", a.p99_ms, "ms");
    figures.add("send → push p99, before-callback", b.p99_ms, "ms");
    figures.add("callbacks received", count.load(Ordering::Relaxed) as f64, "calls");
    Ok(figures)
}
