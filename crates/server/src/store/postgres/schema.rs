//! The PostgreSQL schema: migrations in `migrations/`, tracked in the
//! `schema_version` table and applied under an advisory lock, so nodes that
//! start at once migrate once.

use super::{Cx, PgConn};
use crate::store::StoreError;

/// Migrations, in order; migration `n` (1-based) takes the schema to version `n`.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

/// Schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The advisory lock held while migrating ("migrate" in ASCII).
const MIGRATE_LOCK: i64 = 0x006d_6967_7261_7465;

/// Applies the migrations the database lacks. A database written by a
/// newer confabd is refused.
pub(super) fn migrate(conn: &mut PgConn) -> Result<(), StoreError> {
    let mut cx = conn.cx()?;
    cx.batch("BEGIN")?;
    let done = apply(&mut cx);
    match done {
        Ok(()) => cx.batch("COMMIT"),
        Err(e) => {
            if let Err(rollback) = cx.batch("ROLLBACK") {
                tracing::warn!(error = %rollback, "rolling back a failed migration failed");
            }
            Err(e)
        }
    }
}

fn apply(cx: &mut Cx<'_>) -> Result<(), StoreError> {
    cx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
    cx.batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let found: i64 = match cx.query_opt("SELECT version FROM schema_version", &[])? {
        Some(row) => row.try_get(0)?,
        None => {
            cx.execute("INSERT INTO schema_version (version) VALUES (0)", &[])?;
            0
        }
    };
    let found =
        u32::try_from(found).map_err(|_| StoreError::Corrupt(format!("schema version {found}")))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        cx.batch(sql)?;
        let version = i64::try_from(index + 1).unwrap_or(i64::MAX);
        cx.execute("UPDATE schema_version SET version = $1", &[&version])?;
    }
    Ok(())
}
