//! Courses with their accessibility features and sessions, enrolments and attendance.
//! Capacity is guarded twice: enrolment takes a seat with a conditional UPDATE, and a CHECK
//! constraint refuses any write that would overfill a course.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::lists::{ListTable, create_list_table, drop_list_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Course {
    Table,
    Id,
    BaseId,
    RegionCode,
    Title,
    Description,
    Category,
    DeliveryMode,
    Hours,
    Capacity,
    SeatsTaken,
    StartsOn,
    EndsOn,
    Status,
    InstructorId,
    CreatedAt,
    UpdatedAt,
    Version,
}

/// A course's accessibility features, one row per feature.
const ACCESSIBILITY: ListTable = ListTable {
    table: "course_accessibility",
    owner: "course_id",
    owner_table: "course",
    value: "feature",
    value_len: 32,
};

#[derive(DeriveIden)]
enum CourseSession {
    Table,
    Id,
    CourseId,
    StartsAt,
    EndsAt,
    Topic,
    Location,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Enrollment {
    Table,
    Id,
    CourseId,
    TraineeId,
    Status,
    EnrolledAt,
    CompletedAt,
    DroppedAt,
    DropReason,
    Score,
    CertificateNumber,
    CreditedRegionCode,
    AttendedSessions,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attendance {
    Table,
    SessionId,
    TraineeId,
    EnrollmentId,
    RecordedBy,
    RecordedAt,
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
    Id,
}

#[derive(DeriveIden)]
enum Trainee {
    Table,
    Id,
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
                    .table(Course::Table)
                    .col(pk_uuid(Course::Id))
                    .col(uuid_null(Course::BaseId))
                    .col(string_len_null(Course::RegionCode, 6))
                    .col(string_len(Course::Title, 100))
                    .col(string_len_null(Course::Description, 2000))
                    .col(string_len(Course::Category, 32))
                    .col(string_len(Course::DeliveryMode, 8))
                    .col(integer(Course::Hours))
                    .col(integer_null(Course::Capacity))
                    .col(integer(Course::SeatsTaken).default(0))
                    .col(date_null(Course::StartsOn))
                    .col(date_null(Course::EndsOn))
                    .col(string_len(Course::Status, 16))
                    .col(uuid_null(Course::InstructorId))
                    .col(timestamp_with_time_zone(Course::CreatedAt))
                    .col(timestamp_with_time_zone(Course::UpdatedAt))
                    .col(integer(Course::Version).default(1))
                    .check((
                        Alias::new("chk_course_seats"),
                        Expr::col(Course::SeatsTaken).gte(0).and(
                            Expr::col(Course::Capacity)
                                .is_null()
                                .or(Expr::col(Course::SeatsTaken).lte(Expr::col(Course::Capacity))),
                        ),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Course::Table, Course::BaseId)
                            .to(Base::Table, Base::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Course::Table, Course::RegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Course::Table, Course::InstructorId)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A base's courses are keyset-paged by id; ADMIN scope is a region range; an
        // instructor's scope is its own courses.
        for (name, columns) in [
            ("idx_course_base_id_id", &["base_id", "id"][..]),
            ("idx_course_region_code", &["region_code"][..]),
            ("idx_course_instructor_id", &["instructor_id"][..]),
            ("idx_course_status_id", &["status", "id"][..]),
        ] {
            manager
                .create_index(index(name, Course::Table, columns))
                .await?;
        }

        // The fit rule asks "which courses have feature X": the list's (value, owner) index.
        create_list_table(manager, &ACCESSIBILITY).await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseSession::Table)
                    .col(pk_uuid(CourseSession::Id))
                    .col(uuid(CourseSession::CourseId))
                    .col(timestamp_with_time_zone(CourseSession::StartsAt))
                    .col(timestamp_with_time_zone(CourseSession::EndsAt))
                    .col(string_len_null(CourseSession::Topic, 200))
                    .col(string_len_null(CourseSession::Location, 200))
                    .col(timestamp_with_time_zone(CourseSession::CreatedAt))
                    .check((
                        Alias::new("chk_course_session_order"),
                        Expr::col(CourseSession::EndsAt).gt(Expr::col(CourseSession::StartsAt)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseSession::Table, CourseSession::CourseId)
                            .to(Course::Table, Course::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_course_session_course_id_starts_at",
                CourseSession::Table,
                &["course_id", "starts_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrollment::Table)
                    .col(pk_uuid(Enrollment::Id))
                    .col(uuid(Enrollment::CourseId))
                    .col(uuid(Enrollment::TraineeId))
                    .col(string_len(Enrollment::Status, 16))
                    .col(timestamp_with_time_zone(Enrollment::EnrolledAt))
                    .col(timestamp_with_time_zone_null(Enrollment::CompletedAt))
                    .col(timestamp_with_time_zone_null(Enrollment::DroppedAt))
                    .col(string_len_null(Enrollment::DropReason, 200))
                    .col(integer_null(Enrollment::Score))
                    .col(string_len_null(Enrollment::CertificateNumber, 32))
                    .col(string_len_null(Enrollment::CreditedRegionCode, 6))
                    .col(integer(Enrollment::AttendedSessions).default(0))
                    .col(timestamp_with_time_zone(Enrollment::CreatedAt))
                    .col(timestamp_with_time_zone(Enrollment::UpdatedAt))
                    .check((
                        Alias::new("chk_enrollment_score"),
                        Expr::col(Enrollment::Score)
                            .is_null()
                            .or(Expr::col(Enrollment::Score).between(0, 100)),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollment::Table, Enrollment::CourseId)
                            .to(Course::Table, Course::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollment::Table, Enrollment::TraineeId)
                            .to(Trainee::Table, Trainee::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollment::Table, Enrollment::CreditedRegionCode)
                            .to(Region::Table, Region::Code),
                    )
                    .to_owned(),
            )
            .await?;
        // Once per trainee and course; certificate numbers are unique. A course's and a
        // trainee's enrolments are keyset-paged by id; the person-time count scans completions
        // by region and date.
        manager
            .create_index(
                index(
                    "idx_enrollment_course_id_trainee_id",
                    Enrollment::Table,
                    &["course_id", "trainee_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_enrollment_certificate_number",
                    Enrollment::Table,
                    &["certificate_number"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_enrollment_course_id_id", &["course_id", "id"][..]),
            ("idx_enrollment_trainee_id_id", &["trainee_id", "id"][..]),
            (
                "idx_enrollment_credited_region_completed_at",
                &["credited_region_code", "completed_at"][..],
            ),
        ] {
            manager
                .create_index(index(name, Enrollment::Table, columns))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Attendance::Table)
                    .col(uuid(Attendance::SessionId))
                    .col(uuid(Attendance::TraineeId))
                    .col(uuid(Attendance::EnrollmentId))
                    .col(uuid(Attendance::RecordedBy))
                    .col(timestamp_with_time_zone(Attendance::RecordedAt))
                    .primary_key(
                        Index::create()
                            .col(Attendance::SessionId)
                            .col(Attendance::TraineeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::SessionId)
                            .to(CourseSession::Table, CourseSession::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::TraineeId)
                            .to(Trainee::Table, Trainee::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::EnrollmentId)
                            .to(Enrollment::Table, Enrollment::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_attendance_enrollment_id",
                Attendance::Table,
                &["enrollment_id"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Attendance::Table.into_iden(),
            Enrollment::Table.into_iden(),
            CourseSession::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        drop_list_table(manager, &ACCESSIBILITY).await?;
        manager
            .drop_table(Table::drop().table(Course::Table).to_owned())
            .await
    }
}
