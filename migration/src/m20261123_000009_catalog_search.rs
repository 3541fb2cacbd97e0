//! Search indexes of the catalog, so `search` reads only matching products:
//!
//! - PostgreSQL: a GIN trigram index (`pg_trgm`, when the extension is available) on
//!   `product.search_text`, which `LIKE '%term%'` uses for terms of three characters or more,
//!   Chinese included; and a GIN index over `search_tsv`, a stored
//!   `to_tsvector('simple', search_grams)` of the two-character tokens of the words, which
//!   serves every term of two characters or more (trigrams cannot serve 「木耳」).
//! - SQLite: an FTS5 table `product_fts` over `search_grams` (external content, kept in step by
//!   triggers), for the same tokens.
//!
//! The service matches the tokens and keeps the `LIKE` beside them, so results stay exact.
//! The trigram extension lives in `public` so that every schema (one per test, or per
//! instance with `QIHANG_DATABASE_SCHEMA`) shares it; the index names its operator class with
//! the extension's schema, so it does not depend on the `search_path`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TRIGRAMS: &str = "idx_product_search_trgm";
const GRAMS: &str = "idx_product_search_grams";

const SQLITE_UP: [&str; 5] = [
    "CREATE VIRTUAL TABLE product_fts USING fts5(search_grams, content='product', content_rowid='rowid')",
    "INSERT INTO product_fts(product_fts) VALUES ('rebuild')",
    "CREATE TRIGGER product_fts_insert AFTER INSERT ON product BEGIN \
     INSERT INTO product_fts(rowid, search_grams) VALUES (new.rowid, new.search_grams); END",
    "CREATE TRIGGER product_fts_delete AFTER DELETE ON product BEGIN \
     INSERT INTO product_fts(product_fts, rowid, search_grams) VALUES ('delete', old.rowid, old.search_grams); END",
    "CREATE TRIGGER product_fts_update AFTER UPDATE OF search_grams ON product BEGIN \
     INSERT INTO product_fts(product_fts, rowid, search_grams) VALUES ('delete', old.rowid, old.search_grams); \
     INSERT INTO product_fts(rowid, search_grams) VALUES (new.rowid, new.search_grams); END",
];

const SQLITE_DOWN: [&str; 4] = [
    "DROP TRIGGER IF EXISTS product_fts_update",
    "DROP TRIGGER IF EXISTS product_fts_delete",
    "DROP TRIGGER IF EXISTS product_fts_insert",
    "DROP TABLE IF EXISTS product_fts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() != DbBackend::Postgres {
            for sql in SQLITE_UP {
                db.execute_unprepared(sql).await?;
            }
            return Ok(());
        }
        // Stored, so neither the index nor a recheck computes a tsvector per row.
        db.execute_unprepared(
            "ALTER TABLE product ADD COLUMN search_tsv tsvector \
             GENERATED ALWAYS AS (to_tsvector('simple', search_grams)) STORED",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX IF NOT EXISTS {GRAMS} ON product USING gin (search_tsv)"
        ))
        .await?;
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
            "CREATE INDEX IF NOT EXISTS {TRIGRAMS} ON product USING gin (search_text \"{}\".gin_trgm_ops)",
            schema.replace('"', "\"\"")
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            for index in [TRIGRAMS, GRAMS] {
                db.execute_unprepared(&format!("DROP INDEX IF EXISTS {index}"))
                    .await?;
            }
            db.execute_unprepared("ALTER TABLE product DROP COLUMN IF EXISTS search_tsv")
                .await?;
        } else {
            for sql in SQLITE_DOWN {
                db.execute_unprepared(sql).await?;
            }
        }
        Ok(())
    }
}
