//! Substring search over the catalog on PostgreSQL: a GIN trigram index (`pg_trgm`) on
//! `product.search_text`, used by `LIKE '%term%'` for terms of three characters or more,
//! Chinese included. Without the extension (and on SQLite) search is a scan.
//!
//! The extension lives in `public` so that every schema (one per test, or per instance with
//! `QIHANG_DATABASE_SCHEMA`) shares it; the index names its operator class with the
//! extension's schema, so it does not depend on the `search_path`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_product_search_trgm";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        let query = |sql: &str| Statement::from_string(DbBackend::Postgres, sql.to_owned());
        let available = db
            .query_one_raw(query(
                "SELECT 1 AS found FROM pg_available_extensions WHERE name = 'pg_trgm'",
            ))
            .await?
            .is_some();
        if !available {
            return Ok(());
        }
        // Two servers migrating at once would race to create the extension.
        db.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('qihang pg_trgm'))")
            .await?;
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            .await?;
        let Some(row) = db
            .query_one_raw(query(
                "SELECT n.nspname AS schema FROM pg_extension e \
                 JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
            ))
            .await?
        else {
            return Ok(());
        };
        let schema: String = row.try_get("", "schema")?;
        db.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS {INDEX} ON product USING gin (search_text \"{}\".gin_trgm_ops)",
            schema.replace('"', "\"\"")
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {INDEX}"))
                .await?;
        }
        Ok(())
    }
}
