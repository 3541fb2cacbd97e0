//! Personal data that adds up to nothing more than the API shows.
//!
//! - Masks keep only what other unrevealed fields already show: the identity number's region
//!   code (`220302************`), and for the certificate also the category and level digits
//!   (`220302************23`). The old masks kept the first 6 and last 4 characters, so the
//!   first 6 and (for the certificate) the last 2 of each stored mask are the ones to keep.
//! - The phone number is stored encrypted from now on: the column becomes `phone_enc`, wide
//!   enough for a ciphertext.
//! - `crypto_version` says how a row's ciphertexts are bound: 1 = to their column only (and a
//!   plain phone), 2 = to their column and the row's id. Migrations have no key, so the server
//!   re-encrypts version-1 rows at start-up (`service::trainee::upgrade_sealing`); a partial
//!   index finds the rows still to do without scanning the table.
//!
//! Rolling back removes the column and the index and restores the name `phone`, but cannot
//! bring back the hidden digits nor decrypt anything: restore a backup to go back further.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Phone,
    PhoneEnc,
    CryptoVersion,
}

/// Masks in the new form; both databases know `substr`, `length` and `||`.
const REWRITE_MASKS: [&str; 2] = [
    "UPDATE trainee SET id_number_masked = substr(id_number_masked, 1, 6) || '************' \
     WHERE length(id_number_masked) = 18",
    "UPDATE trainee SET certificate_masked = \
     substr(certificate_masked, 1, 6) || '************' || substr(certificate_masked, 19, 2) \
     WHERE length(certificate_masked) = 20",
];
const UPGRADE_INDEX: &str = "idx_trainee_crypto_upgrade";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in REWRITE_MASKS {
            db.execute_unprepared(statement).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Trainee::Table)
                    .add_column(integer(Trainee::CryptoVersion).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Trainee::Table)
                    .rename_column(Trainee::Phone, Trainee::PhoneEnc)
                    .to_owned(),
            )
            .await?;
        // SQLite does not enforce VARCHAR lengths; PostgreSQL must make room for a ciphertext.
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE trainee ALTER COLUMN phone_enc TYPE varchar(255)")
                .await?;
        }
        db.execute_unprepared(&format!(
            "CREATE INDEX {UPGRADE_INDEX} ON trainee (id) WHERE crypto_version = 1"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UPGRADE_INDEX)
                    .table(Trainee::Table)
                    .to_owned(),
            )
            .await?;
        // The column stays wide: narrowing it would fail on the ciphertexts it holds.
        manager
            .alter_table(
                Table::alter()
                    .table(Trainee::Table)
                    .rename_column(Trainee::PhoneEnc, Trainee::Phone)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Trainee::Table)
                    .drop_column(Trainee::CryptoVersion)
                    .to_owned(),
            )
            .await
    }
}
