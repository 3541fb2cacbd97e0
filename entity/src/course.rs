//! Training courses run by a base, or network-wide by a federation (no base).

use sea_orm::entity::prelude::*;

use crate::{CourseStatus, DeliveryMode, TrainingCategory};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None: a network-wide course run by an ADMIN.
    pub base_id: Option<Uuid>,
    /// The region that governs the course: its base's region, or the creating ADMIN's
    /// region for a network-wide course (None = nationwide).
    pub region_code: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub category: TrainingCategory,
    pub delivery_mode: DeliveryMode,
    pub hours: i32,
    /// None: no limit.
    pub capacity: Option<i32>,
    /// Enrolled and completed trainees; changed only by conditional updates.
    pub seats_taken: i32,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub status: CourseStatus,
    /// An INSTRUCTOR or BASE_MANAGER account.
    pub instructor_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
