//! Support granted to trainees, their employment outcomes, and the federations' yearly
//! targets. Money is stored in fen (BIGINT) so sums are exact on both databases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportRecord {
    Table,
    Id,
    TraineeId,
    Kind,
    Description,
    AmountFen,
    GrantedOn,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outcome {
    Table,
    Id,
    TraineeId,
    Kind,
    Date,
    MonthlyIncomeFen,
    Employer,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Target {
    Table,
    RegionCode,
    Year,
    Indicator,
    Value,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Code,
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
                    .table(SupportRecord::Table)
                    .col(pk_uuid(SupportRecord::Id))
                    .col(uuid(SupportRecord::TraineeId))
                    .col(string_len(SupportRecord::Kind, 32))
                    .col(string_len_null(SupportRecord::Description, 500))
                    .col(big_integer(SupportRecord::AmountFen))
                    .col(date(SupportRecord::GrantedOn))
                    .col(uuid_null(SupportRecord::RecordedBy))
                    .col(timestamp_with_time_zone(SupportRecord::CreatedAt))
                    .check((
                        Alias::new("chk_support_amount"),
                        Expr::col(SupportRecord::AmountFen).gte(0),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportRecord::Table, SupportRecord::TraineeId)
                            .to(Trainee::Table, Trainee::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportRecord::Table, SupportRecord::RecordedBy)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Trainee.supports loads by trainee; the report counts by grant date.
        manager
            .create_index(
                Index::create()
                    .name("idx_support_record_trainee_id_granted_on")
                    .table(SupportRecord::Table)
                    .col(SupportRecord::TraineeId)
                    .col(SupportRecord::GrantedOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_support_record_granted_on")
                    .table(SupportRecord::Table)
                    .col(SupportRecord::GrantedOn)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outcome::Table)
                    .col(pk_uuid(Outcome::Id))
                    .col(uuid(Outcome::TraineeId))
                    .col(string_len(Outcome::Kind, 32))
                    .col(date(Outcome::Date))
                    .col(big_integer_null(Outcome::MonthlyIncomeFen))
                    .col(string_len_null(Outcome::Employer, 200))
                    .col(uuid_null(Outcome::RecordedBy))
                    .col(timestamp_with_time_zone(Outcome::CreatedAt))
                    .check((
                        Alias::new("chk_outcome_income"),
                        Expr::col(Outcome::MonthlyIncomeFen)
                            .is_null()
                            .or(Expr::col(Outcome::MonthlyIncomeFen).gte(0)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outcome::Table, Outcome::TraineeId)
                            .to(Trainee::Table, Trainee::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outcome::Table, Outcome::RecordedBy)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outcome_trainee_id_date")
                    .table(Outcome::Table)
                    .col(Outcome::TraineeId)
                    .col(Outcome::Date)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outcome_date")
                    .table(Outcome::Table)
                    .col(Outcome::Date)
                    .to_owned(),
            )
            .await?;

        // One target per region, year and indicator: the key makes setTarget an upsert.
        manager
            .create_table(
                Table::create()
                    .table(Target::Table)
                    .col(string_len(Target::RegionCode, 6))
                    .col(integer(Target::Year))
                    .col(string_len(Target::Indicator, 32))
                    .col(integer(Target::Value))
                    .col(uuid_null(Target::UpdatedBy))
                    .col(timestamp_with_time_zone(Target::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(Target::RegionCode)
                            .col(Target::Year)
                            .col(Target::Indicator),
                    )
                    .check((
                        Alias::new("chk_target_value"),
                        Expr::col(Target::Value).gte(0),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Target::Table, Target::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Target::Table, Target::UpdatedBy)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Target::Table.into_iden(),
            Outcome::Table.into_iden(),
            SupportRecord::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
