//! User status as stored: a user's custom status (the presence itself is
//! in memory, `crate::presence`; the request checks are in
//! `crate::handlers::status`).

use crate::store::{Store, StoreFuture};
use confab_proto::UserId;

impl dyn Store {
    /// Sets `user`'s custom status (`""` clears it; checked by the handler).
    pub(crate) fn set_custom_status(&self, user: UserId, status: String) -> StoreFuture<()> {
        self.transact(move |tx| tx.set_custom_status(&user, &status))
    }
}
