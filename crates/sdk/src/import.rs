//! Filling an account's local store from inbox entries without a network,
//! through exactly the code that applies `sync` pages. For tools and
//! benchmarks that need a large local store (e.g. to measure cold start);
//! the result is the store a real sync of the same entries leaves behind.

use crate::error::TimError;
use crate::store::Store;
use confab_proto::inbox::InboxEntry;
use std::path::Path;

/// An account's local store opened for importing.
pub struct Importer {
    store: Store,
}

impl Importer {
    /// Opens (creating if needed) the local store of `user_id` under
    /// `data_dir`, the same file [`crate::Tim`] uses.
    pub fn open(data_dir: &Path, sdk_app_id: u64, user_id: &str) -> Result<Self, TimError> {
        let path = Store::path_for(data_dir, sdk_app_id, user_id);
        Ok(Self { store: Store::open(&path, user_id)? })
    }

    /// Applies entries in order, in one transaction, advancing the inbox
    /// cursor; entries at or below the cursor are skipped, as in sync.
    pub fn apply(&self, entries: &[InboxEntry]) -> Result<(), TimError> {
        self.store.apply_entries(entries)?;
        Ok(())
    }
}
