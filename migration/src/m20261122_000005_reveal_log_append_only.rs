//! Makes the identity reveal audit log append-only in the database itself: no API deletes
//! it, and with these triggers neither can a stray UPDATE or DELETE.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: [&str; 2] = [
    "CREATE TRIGGER identity_reveal_no_update BEFORE UPDATE ON identity_reveal \
     BEGIN SELECT RAISE(ABORT, 'identity_reveal is append-only'); END",
    "CREATE TRIGGER identity_reveal_no_delete BEFORE DELETE ON identity_reveal \
     BEGIN SELECT RAISE(ABORT, 'identity_reveal is append-only'); END",
];
const SQLITE_DOWN: [&str; 2] = [
    "DROP TRIGGER IF EXISTS identity_reveal_no_update",
    "DROP TRIGGER IF EXISTS identity_reveal_no_delete",
];
const POSTGRES_UP: [&str; 2] = [
    "CREATE OR REPLACE FUNCTION identity_reveal_append_only() RETURNS trigger LANGUAGE plpgsql AS \
     $$ BEGIN RAISE EXCEPTION 'identity_reveal is append-only'; END $$",
    "CREATE TRIGGER identity_reveal_append_only BEFORE UPDATE OR DELETE ON identity_reveal \
     FOR EACH ROW EXECUTE FUNCTION identity_reveal_append_only()",
];
const POSTGRES_DOWN: [&str; 2] = [
    "DROP TRIGGER IF EXISTS identity_reveal_append_only ON identity_reveal",
    "DROP FUNCTION IF EXISTS identity_reveal_append_only()",
];

async fn run_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    for statement in statements {
        manager
            .get_connection()
            .execute_unprepared(statement)
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_all(manager, &SQLITE_UP).await,
            DbBackend::Postgres => run_all(manager, &POSTGRES_UP).await,
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => run_all(manager, &SQLITE_DOWN).await,
            DbBackend::Postgres => run_all(manager, &POSTGRES_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        }
    }
}
