//! Incubation bases and the staff who work at them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Base {
    Table,
    Id,
    Name,
    RegionCode,
    Address,
    Operator,
    Status,
    EstablishedOn,
    Capacity,
    ContactPhone,
    FocusAreas,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum UserBase {
    Table,
    UserId,
    BaseId,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
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
                    .table(Base::Table)
                    .col(pk_uuid(Base::Id))
                    .col(string_len(Base::Name, 100))
                    .col(string_len(Base::RegionCode, 6))
                    .col(string_len_null(Base::Address, 200))
                    .col(string_len_null(Base::Operator, 100))
                    .col(string_len(Base::Status, 16))
                    .col(date_null(Base::EstablishedOn))
                    .col(integer_null(Base::Capacity))
                    .col(string_len_null(Base::ContactPhone, 32))
                    .col(string_len(Base::FocusAreas, 400).default(""))
                    .col(timestamp_with_time_zone(Base::CreatedAt))
                    .col(timestamp_with_time_zone(Base::UpdatedAt))
                    .col(integer(Base::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Base::Table, Base::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_base_region_code")
                    .table(Base::Table)
                    .col(Base::RegionCode)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserBase::Table)
                    .col(uuid(UserBase::UserId))
                    .col(uuid(UserBase::BaseId))
                    .primary_key(Index::create().col(UserBase::UserId).col(UserBase::BaseId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserBase::Table, UserBase::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserBase::Table, UserBase::BaseId)
                            .to(Base::Table, Base::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_base_base_id")
                    .table(UserBase::Table)
                    .col(UserBase::BaseId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserBase::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Base::Table).to_owned())
            .await
    }
}
