//! Message extensions on SQLite: the keys of a message with their values
//! and versions, and the message's version counter.

use super::writer::SqliteTx;
use crate::store::{ExtensionTx, MessageRow, StoreError};
use confab_proto::extension::MessageExtension;
use rusqlite::{params, OptionalExtension as _};

impl ExtensionTx for SqliteTx<'_> {
    fn extensions_of(&mut self, row: MessageRow) -> Result<Vec<MessageExtension>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, value, seq FROM message_extensions WHERE message = ?1 ORDER BY key",
        )?;
        let rows = stmt.query_map([row.0], |r| {
            Ok(MessageExtension { key: r.get(0)?, value: r.get(1)?, seq: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn next_extension_seq(&mut self, row: MessageRow) -> Result<u64, StoreError> {
        let current: Option<u64> = self
            .conn
            .prepare_cached("SELECT seq FROM message_extension_heads WHERE message = ?1")?
            .query_row([row.0], |r| r.get(0))
            .optional()?;
        let next = current.unwrap_or(0) + 1;
        self.conn
            .prepare_cached(
                "INSERT INTO message_extension_heads (message, seq) VALUES (?1, ?2)
                 ON CONFLICT (message) DO UPDATE SET seq = excluded.seq",
            )?
            .execute(params![row.0, next])?;
        Ok(next)
    }

    fn save_extension(
        &mut self,
        row: MessageRow,
        extension: &MessageExtension,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO message_extensions (message, key, value, seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (message, key) DO UPDATE SET value = excluded.value,
                     seq = excluded.seq",
            )?
            .execute(params![row.0, extension.key, extension.value, extension.seq])?;
        Ok(())
    }

    fn delete_extension(&mut self, row: MessageRow, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("DELETE FROM message_extensions WHERE message = ?1 AND key = ?2")?
            .execute(params![row.0, key])?
            > 0)
    }
}
