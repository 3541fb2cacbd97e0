//! The record of every trainee import (dry runs included): who, which base, when, the file's
//! digest and what came of it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TraineeImport {
    Table,
    Id,
    BaseId,
    ImportedBy,
    ImportedAt,
    DryRun,
    FileName,
    FileSha256,
    FileSize,
    Rows,
    Created,
    Duplicates,
    Failed,
    Refusal,
}

#[derive(DeriveIden)]
enum Base {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TraineeImport::Table)
                    .col(pk_uuid(TraineeImport::Id))
                    .col(uuid(TraineeImport::BaseId))
                    .col(uuid(TraineeImport::ImportedBy))
                    .col(timestamp_with_time_zone(TraineeImport::ImportedAt))
                    .col(boolean(TraineeImport::DryRun))
                    .col(string_len_null(TraineeImport::FileName, 255))
                    .col(string_len(TraineeImport::FileSha256, 64))
                    .col(big_integer(TraineeImport::FileSize))
                    .col(integer(TraineeImport::Rows))
                    .col(integer(TraineeImport::Created))
                    .col(integer(TraineeImport::Duplicates))
                    .col(integer(TraineeImport::Failed))
                    .col(string_len_null(TraineeImport::Refusal, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TraineeImport::Table, TraineeImport::BaseId)
                            .to(Base::Table, Base::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TraineeImport::Table, TraineeImport::ImportedBy)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The list is keyset-paged by id, within the caller's bases or for one base.
        manager
            .create_index(
                Index::create()
                    .name("idx_trainee_import_base_id_id")
                    .table(TraineeImport::Table)
                    .col(TraineeImport::BaseId)
                    .col(TraineeImport::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TraineeImport::Table).to_owned())
            .await
    }
}
