//! Internet star cultivation: star profiles with their stage history, platform accounts with
//! follower snapshots, livestreams, competitions and awards.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StarProfile {
    Table,
    Id,
    TraineeId,
    Stage,
    MentorId,
    NominatedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum StarStageChange {
    Table,
    Id,
    StarId,
    FromStage,
    Stage,
    Note,
    ChangedAt,
    ChangedBy,
}

#[derive(DeriveIden)]
enum PlatformAccount {
    Table,
    Id,
    StarId,
    Platform,
    Handle,
    Followers,
    FollowersAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FollowerSnapshot {
    Table,
    Id,
    AccountId,
    Followers,
    RecordedAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum Livestream {
    Table,
    Id,
    StarId,
    Platform,
    StartedAt,
    DurationMinutes,
    PeakViewers,
    Views,
    Orders,
    SalesFen,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Competition {
    Table,
    Id,
    Name,
    Year,
    Organizer,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Award {
    Table,
    Id,
    CompetitionId,
    TraineeId,
    Prize,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StarProfile::Table)
                    .col(pk_uuid(StarProfile::Id))
                    .col(uuid_uniq(StarProfile::TraineeId))
                    .col(string_len(StarProfile::Stage, 16))
                    .col(uuid_null(StarProfile::MentorId))
                    .col(timestamp_with_time_zone(StarProfile::NominatedAt))
                    .col(timestamp_with_time_zone(StarProfile::CreatedAt))
                    .col(timestamp_with_time_zone(StarProfile::UpdatedAt))
                    .col(integer(StarProfile::Version).default(1))
                    .foreign_key(&mut fk(
                        (StarProfile::Table, StarProfile::TraineeId),
                        (Trainee::Table, Trainee::Id),
                    ))
                    .foreign_key(&mut fk(
                        (StarProfile::Table, StarProfile::MentorId),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The stage filter of the star list.
        manager
            .create_index(index(
                "idx_star_profile_stage_id",
                StarProfile::Table,
                &["stage", "id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StarStageChange::Table)
                    .col(pk_uuid(StarStageChange::Id))
                    .col(uuid(StarStageChange::StarId))
                    .col(string_len_null(StarStageChange::FromStage, 16))
                    .col(string_len(StarStageChange::Stage, 16))
                    .col(string_len_null(StarStageChange::Note, 500))
                    .col(timestamp_with_time_zone(StarStageChange::ChangedAt))
                    .col(uuid_null(StarStageChange::ChangedBy))
                    .foreign_key(&mut fk(
                        (StarStageChange::Table, StarStageChange::StarId),
                        (StarProfile::Table, StarProfile::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_star_stage_change_star_id_changed_at",
                StarStageChange::Table,
                &["star_id", "changed_at", "id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PlatformAccount::Table)
                    .col(pk_uuid(PlatformAccount::Id))
                    .col(uuid(PlatformAccount::StarId))
                    .col(string_len(PlatformAccount::Platform, 16))
                    .col(string_len(PlatformAccount::Handle, 100))
                    .col(big_integer(PlatformAccount::Followers))
                    .col(timestamp_with_time_zone(PlatformAccount::FollowersAt))
                    .col(timestamp_with_time_zone(PlatformAccount::CreatedAt))
                    .col(timestamp_with_time_zone(PlatformAccount::UpdatedAt))
                    .foreign_key(&mut fk(
                        (PlatformAccount::Table, PlatformAccount::StarId),
                        (StarProfile::Table, StarProfile::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // A handle names one account on its platform.
        manager
            .create_index(index(
                "idx_platform_account_platform_handle",
                PlatformAccount::Table,
                &["platform", "handle"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_platform_account_star_id",
                PlatformAccount::Table,
                &["star_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FollowerSnapshot::Table)
                    .col(pk_uuid(FollowerSnapshot::Id))
                    .col(uuid(FollowerSnapshot::AccountId))
                    .col(big_integer(FollowerSnapshot::Followers))
                    .col(timestamp_with_time_zone(FollowerSnapshot::RecordedAt))
                    .col(uuid_null(FollowerSnapshot::RecordedBy))
                    .foreign_key(&mut fk(
                        (FollowerSnapshot::Table, FollowerSnapshot::AccountId),
                        (PlatformAccount::Table, PlatformAccount::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // History and growth read an account's snapshots by time.
        manager
            .create_index(index(
                "idx_follower_snapshot_account_id_recorded_at",
                FollowerSnapshot::Table,
                &["account_id", "recorded_at", "id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Livestream::Table)
                    .col(pk_uuid(Livestream::Id))
                    .col(uuid(Livestream::StarId))
                    .col(string_len(Livestream::Platform, 16))
                    .col(timestamp_with_time_zone(Livestream::StartedAt))
                    .col(integer(Livestream::DurationMinutes))
                    .col(integer(Livestream::PeakViewers))
                    .col(integer(Livestream::Views))
                    .col(integer(Livestream::Orders))
                    .col(big_integer(Livestream::SalesFen))
                    .col(uuid_null(Livestream::RecordedBy))
                    .col(timestamp_with_time_zone(Livestream::CreatedAt))
                    .check(Expr::col(Livestream::DurationMinutes).gt(0))
                    .check(Expr::col(Livestream::PeakViewers).gte(0))
                    .check(Expr::col(Livestream::Views).gte(0))
                    .check(Expr::col(Livestream::Orders).gte(0))
                    .check(Expr::col(Livestream::SalesFen).gte(0))
                    .foreign_key(&mut fk(
                        (Livestream::Table, Livestream::StarId),
                        (StarProfile::Table, StarProfile::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // A star's streams newest first (scanned backwards), and growth by time range.
        manager
            .create_index(index(
                "idx_livestream_star_id_started_at_id",
                Livestream::Table,
                &["star_id", "started_at", "id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Competition::Table)
                    .col(pk_uuid(Competition::Id))
                    .col(string_len(Competition::Name, 200))
                    .col(integer(Competition::Year))
                    .col(string_len_null(Competition::Organizer, 200))
                    .col(timestamp_with_time_zone(Competition::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // A competition is found by name and year.
        manager
            .create_index(index(
                "idx_competition_name_year",
                Competition::Table,
                &["name", "year"],
                true,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Award::Table)
                    .col(pk_uuid(Award::Id))
                    .col(uuid(Award::CompetitionId))
                    .col(uuid(Award::TraineeId))
                    .col(string_len(Award::Prize, 200))
                    .col(uuid_null(Award::RecordedBy))
                    .col(timestamp_with_time_zone(Award::CreatedAt))
                    .foreign_key(&mut fk(
                        (Award::Table, Award::CompetitionId),
                        (Competition::Table, Competition::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Award::Table, Award::TraineeId),
                        (Trainee::Table, Trainee::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // The same prize is recorded once; a trainee's awards are read by trainee.
        manager
            .create_index(index(
                "idx_award_trainee_id_competition_id_prize",
                Award::Table,
                &["trainee_id", "competition_id", "prize"],
                true,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Award::Table.into_iden(),
            Competition::Table.into_iden(),
            Livestream::Table.into_iden(),
            FollowerSnapshot::Table.into_iden(),
            PlatformAccount::Table.into_iden(),
            StarStageChange::Table.into_iden(),
            StarProfile::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
