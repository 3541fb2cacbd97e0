//! A trainee's place in a course: once per trainee and course, completed with a
//! certificate number.

use sea_orm::entity::prelude::*;

use crate::EnrollmentStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    pub trainee_id: Uuid,
    pub status: EnrollmentStatus,
    pub enrolled_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub dropped_at: Option<DateTimeUtc>,
    pub drop_reason: Option<String>,
    /// 0–100, given at completion.
    pub score: Option<i32>,
    /// Unique, with a random part (`QH-2026-7K3F-9Q2M`).
    #[sea_orm(unique)]
    pub certificate_number: Option<String>,
    /// The region credited with the training person-time, fixed at completion.
    pub credited_region_code: Option<String>,
    /// Sessions attended, recounted from `attendance` whenever attendance is recorded.
    pub attended_sessions: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
