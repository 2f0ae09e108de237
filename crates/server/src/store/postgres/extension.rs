//! Message extensions on PostgreSQL: the keys of a message with their values
//! and versions, and the message's version counter.

use super::writer::PgTx;
use super::{to_i64, to_u64};
use crate::store::{ExtensionTx, MessageRow, StoreError};
use confab_proto::extension::MessageExtension;

impl ExtensionTx for PgTx<'_> {
    fn extensions_of(&mut self, row: MessageRow) -> Result<Vec<MessageExtension>, StoreError> {
        let rows = self.cx.query(
            "SELECT key, value, seq FROM message_extensions WHERE message = $1
             ORDER BY key COLLATE \"C\"",
            &[&row.0],
        )?;
        let mut extensions = Vec::new();
        for r in rows {
            extensions.push(MessageExtension {
                key: r.try_get(0)?,
                value: r.try_get(1)?,
                seq: to_u64(r.try_get(2)?)?,
            });
        }
        Ok(extensions)
    }

    fn next_extension_seq(&mut self, row: MessageRow) -> Result<u64, StoreError> {
        let current = self
            .cx
            .query_opt("SELECT seq FROM message_extension_heads WHERE message = $1", &[&row.0])?
            .map(|r| to_u64(r.try_get(0)?))
            .transpose()?;
        let next = current.unwrap_or(0) + 1;
        self.cx.execute(
            "INSERT INTO message_extension_heads (message, seq) VALUES ($1, $2)
             ON CONFLICT (message) DO UPDATE SET seq = excluded.seq",
            &[&row.0, &to_i64(next)?],
        )?;
        Ok(next)
    }

    fn save_extension(
        &mut self,
        row: MessageRow,
        extension: &MessageExtension,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO message_extensions (message, key, value, seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message, key) DO UPDATE SET value = excluded.value,
                 seq = excluded.seq",
            &[&row.0, &extension.key, &extension.value, &to_i64(extension.seq)?],
        )?;
        Ok(())
    }

    fn delete_extension(&mut self, row: MessageRow, key: &str) -> Result<bool, StoreError> {
        let deleted = self.cx.execute(
            "DELETE FROM message_extensions WHERE message = $1 AND key = $2",
            &[&row.0, &key],
        )?;
        Ok(deleted > 0)
    }
}
