//! An application backend's callback receiver, as a real HTTP server in
//! the test: it records every callback confabd posts (URL parameters and
//! body) and answers each as the test's rule says.

use crate::within;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// One callback as received.
#[derive(Clone, Debug)]
pub struct Callback {
    /// `CallbackCommand` of the URL.
    pub command: String,
    /// Every URL parameter.
    pub query: HashMap<String, String>,
    /// The JSON body.
    pub body: Value,
}

/// How the receiver answers one callback.
pub enum Answer {
    /// `200` with this JSON.
    Json(Value),
    /// This HTTP status, no body.
    Status(u16),
    /// Never answers (confabd's timeout decides).
    Hang,
}

impl Answer {
    /// TIM's plain success answer.
    pub fn ok() -> Self {
        Self::Json(serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}))
    }
}

type Rule = dyn Fn(&Callback) -> Answer + Send + Sync;

struct Shared {
    calls: Mutex<Vec<Callback>>,
    arrived: Notify,
    rule: Box<Rule>,
}

/// The receiver, serving until dropped.
pub struct CallbackReceiver {
    /// Where confabd posts (`callback_url`).
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CallbackReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    body: Json<Value>,
) -> Response {
    let query: HashMap<String, String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let call = Callback {
        command: query.get("CallbackCommand").cloned().unwrap_or_default(),
        query,
        body: body.0,
    };
    let answer = (shared.rule)(&call);
    shared.calls.lock().expect("calls").push(call);
    shared.arrived.notify_waiters();
    match answer {
        Answer::Json(value) => Json(value).into_response(),
        Answer::Status(code) => {
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
        }
        Answer::Hang => std::future::pending::<Response>().await,
    }
}

impl CallbackReceiver {
    /// Starts a receiver on `127.0.0.1:0` that answers with `rule`.
    pub async fn start(rule: impl Fn(&Callback) -> Answer + Send + Sync + 'static) -> Self {
        let shared = Arc::new(Shared {
            calls: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            rule: Box::new(rule),
        });
        let app = axum::Router::new()
            .route("/callback", axum::routing::post(receive))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/callback", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver serves");
        });
        Self { url, shared, task }
    }

    /// Every callback so far.
    pub fn calls(&self) -> Vec<Callback> {
        self.shared.calls.lock().expect("calls").clone()
    }

    /// Waits until `n` callbacks of `command` passing `check` arrived; them.
    pub async fn wait_for(
        &self,
        command: &str,
        n: usize,
        check: impl Fn(&Callback) -> bool,
    ) -> Vec<Callback> {
        within(&format!("{n} × {command}"), async {
            loop {
                let arrived = self.shared.arrived.notified();
                let found: Vec<Callback> =
                    self.calls().into_iter().filter(|c| c.command == command && check(c)).collect();
                if found.len() >= n {
                    return found;
                }
                arrived.await;
            }
        })
        .await
    }
}
