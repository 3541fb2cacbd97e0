//! Trainees, their consents, the identity reveal audit log and employment service records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Id,
    BaseId,
    Name,
    Gender,
    BirthDate,
    IdNumberEnc,
    IdNumberIndex,
    IdNumberMasked,
    CertificateEnc,
    CertificateMasked,
    DisabilityCategory,
    DisabilityLevel,
    Phone,
    RegionCode,
    Residence,
    Education,
    EmploymentStatus,
    Status,
    Interests,
    RegisteredAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Consent {
    Table,
    Id,
    TraineeId,
    Purpose,
    TextVersion,
    Source,
    ConsentedAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum IdentityReveal {
    Table,
    Id,
    TraineeId,
    RevealedBy,
    Reason,
    RevealedAt,
}

#[derive(DeriveIden)]
enum ServiceRecord {
    Table,
    Id,
    TraineeId,
    Kind,
    Date,
    Notes,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Base {
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
    TraineeId,
}

fn trainee_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Trainee::Table, Trainee::Id)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Trainee::Table)
                    .col(pk_uuid(Trainee::Id))
                    .col(uuid(Trainee::BaseId))
                    .col(string_len(Trainee::Name, 50))
                    .col(string_len(Trainee::Gender, 8))
                    .col(date(Trainee::BirthDate))
                    .col(string_len(Trainee::IdNumberEnc, 255))
                    .col(string_len_uniq(Trainee::IdNumberIndex, 64))
                    .col(string_len(Trainee::IdNumberMasked, 18))
                    .col(string_len(Trainee::CertificateEnc, 255))
                    .col(string_len(Trainee::CertificateMasked, 20))
                    .col(string_len(Trainee::DisabilityCategory, 16))
                    .col(integer(Trainee::DisabilityLevel))
                    .col(string_len_null(Trainee::Phone, 11))
                    .col(string_len(Trainee::RegionCode, 6))
                    .col(string_len(Trainee::Residence, 8))
                    .col(string_len_null(Trainee::Education, 20))
                    .col(string_len(Trainee::EmploymentStatus, 16))
                    .col(string_len(Trainee::Status, 16))
                    .col(string_len(Trainee::Interests, 400).default(""))
                    .col(timestamp_with_time_zone(Trainee::RegisteredAt))
                    .col(timestamp_with_time_zone(Trainee::CreatedAt))
                    .col(timestamp_with_time_zone(Trainee::UpdatedAt))
                    .col(integer(Trainee::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Trainee::Table, Trainee::BaseId)
                            .to(Base::Table, Base::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Trainee::Table, Trainee::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        // A base's list is keyset-paged by id; region reports filter by home region.
        manager
            .create_index(index(
                "idx_trainee_base_id_id",
                Trainee::Table,
                &["base_id", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_trainee_region_code",
                Trainee::Table,
                &["region_code"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Consent::Table)
                    .col(pk_uuid(Consent::Id))
                    .col(uuid(Consent::TraineeId))
                    .col(string_len(Consent::Purpose, 400))
                    .col(string_len(Consent::TextVersion, 32))
                    .col(string_len(Consent::Source, 16))
                    .col(timestamp_with_time_zone(Consent::ConsentedAt))
                    .col(uuid(Consent::RecordedBy))
                    .foreign_key(&mut trainee_fk(Consent::Table, Consent::TraineeId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_consent_trainee_id",
                Consent::Table,
                &["trainee_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdentityReveal::Table)
                    .col(pk_uuid(IdentityReveal::Id))
                    .col(uuid(IdentityReveal::TraineeId))
                    .col(uuid(IdentityReveal::RevealedBy))
                    .col(string_len(IdentityReveal::Reason, 200))
                    .col(timestamp_with_time_zone(IdentityReveal::RevealedAt))
                    .foreign_key(&mut trainee_fk(
                        IdentityReveal::Table,
                        IdentityReveal::TraineeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_identity_reveal_trainee_id",
                IdentityReveal::Table,
                &["trainee_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceRecord::Table)
                    .col(pk_uuid(ServiceRecord::Id))
                    .col(uuid(ServiceRecord::TraineeId))
                    .col(string_len(ServiceRecord::Kind, 32))
                    .col(date(ServiceRecord::Date))
                    .col(string_len_null(ServiceRecord::Notes, 500))
                    .col(uuid_null(ServiceRecord::RecordedBy))
                    .col(timestamp_with_time_zone(ServiceRecord::CreatedAt))
                    .foreign_key(&mut trainee_fk(
                        ServiceRecord::Table,
                        ServiceRecord::TraineeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_service_record_trainee_id",
                ServiceRecord::Table,
                &["trainee_id"],
            ))
            .await?;

        // One sign-in account per trainee.
        manager
            .create_index(
                Index::create()
                    .name("idx_user_trainee_id")
                    .table(User::Table)
                    .col(User::TraineeId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_user_trainee_id")
                    .table(User::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            ServiceRecord::Table.into_iden(),
            IdentityReveal::Table.into_iden(),
            Consent::Table.into_iden(),
            Trainee::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
