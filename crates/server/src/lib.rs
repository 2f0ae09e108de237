//! `confabd` as a library: the Confab IM server.
//!
//! [`start`] serves the protocol of `confab_proto` on a TCP listener:
//! WebSocket sessions at `/ws` (login with a UserSig, then requests,
//! responses and pushes) and HTTP accounts at `/api/register` and
//! `/api/login`. State lives in an embedded SQLite database under
//! [`config::Config::data_dir`], written by one group-committing writer.
//!
//! Modules: [`clock`] (time seam), [`usersig`] (TLS-sig-api-v2),
//! [`config`], [`moderation`] (the profanity filter), [`store`]
//! (persistence: primitives per backend, SQLite first), [`sessions`] (live
//! sessions and push delivery), [`fanout`] (the push seam), [`translate`]
//! (the `translateText` provider client); the send rate
//! limiter, the gateway, the sign-in checks the gateway and the file
//! service share (`auth`), session keys (what retires a UserSig before it
//! expires), HTTP routes, the accept loop (connection caps, timeouts, TLS),
//! the file service (`/files`, resumable uploads and authorized downloads),
//! password hashing (bounded, reused memory), the login back-off, the
//! request handlers with their operation registry and the domain services
//! (rules over store primitives) are internal.

mod auth;
pub mod broadcast;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod fanout;
mod files;
#[doc(hidden)]
pub mod fuzzing;
mod gateway;
mod handlers;
mod http;
mod limits;
mod listener;
mod login_throttle;
pub mod moderation;
mod passwords;
mod presence;
#[cfg(feature = "rest")]
pub mod rest;
mod server;
mod services;
mod session_keys;
pub mod sessions;
pub mod store;
pub mod translate;
pub mod usersig;
pub mod webhook;

pub use files::{FileInfo, FileKind, GcReport, FILES_PATH, UPLOADS_PATH, UPLOAD_OFFSET};
pub use http::HEALTH_PATH;
pub use server::{start, ServerHandle};
