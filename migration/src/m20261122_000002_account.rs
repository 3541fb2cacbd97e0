//! Accounts and their refresh tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Login,
    PasswordHash,
    DisplayName,
    Role,
    RegionCode,
    PartnerId,
    TraineeId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum RefreshToken {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(pk_uuid(User::Id))
                    .col(string_len_uniq(User::Login, 64))
                    .col(string_len(User::PasswordHash, 255))
                    .col(string_len(User::DisplayName, 100))
                    .col(string_len(User::Role, 16))
                    .col(string_len_null(User::RegionCode, 6))
                    .col(uuid_null(User::PartnerId))
                    .col(uuid_null(User::TraineeId))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone(User::UpdatedAt))
                    .col(integer(User::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(User::Table, User::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_region_code")
                    .table(User::Table)
                    .col(User::RegionCode)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(pk_uuid(RefreshToken::Id))
                    .col(uuid(RefreshToken::UserId))
                    .col(uuid(RefreshToken::FamilyId))
                    .col(string_len_uniq(RefreshToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshToken::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshToken::Table, RefreshToken::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_token_family_id")
                    .table(RefreshToken::Table)
                    .col(RefreshToken::FamilyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RefreshToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(User::Table).to_owned())
            .await
    }
}
