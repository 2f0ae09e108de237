//! Uploading a file message's files through confabd's resumable upload
//! protocol.
//!
//! - [`job`]: what one message uploads, persisted so an upload resumes
//!   after a dropped connection or a restart, and the payload it gives the
//!   message.
//! - [`tasks`]: the upload task of each message of a login (thumbnails,
//!   parts, retries with backoff, progress events, cancel, resume).
//!
//! The HTTP requests themselves are [`super::http`], shared with downloads.

pub(crate) mod job;
pub(crate) mod tasks;

pub(crate) use job::UploadJob;
pub(crate) use tasks::{FileContext, FileService};
