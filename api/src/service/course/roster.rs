//! Reading enrolments: per-course and per-trainee pages and counts for nested connections,
//! each one statement for all parents, scoped by [`enrollments_visible`].

use std::collections::HashMap;

use entity::enrollment;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use super::enrollments_visible;
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::page::{self, Order, Page, PageArgs};

/// The enrolments the caller may read, as a select to filter and page further.
pub fn visible_enrollments(actor: &Actor) -> Select<enrollment::Entity> {
    enrollment::Entity::find().filter(enrollments_visible(actor))
}

/// Enrolments in the order they were made.
fn by_id() -> Order<enrollment::Entity> {
    Order::by_id(enrollment::Column::Id)
}

/// A page of the enrolments the caller may read of each course.
pub async fn enrollments_per_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    course_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<enrollment::Model>>, AppError> {
    page::fetch_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::CourseId,
        course_ids,
        &by_id(),
        args,
    )
    .await
}

/// How many enrolments the caller may read each course has.
pub async fn count_per_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    course_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::CourseId,
        course_ids,
    )
    .await
}

/// A page of the enrolments the caller may read of each trainee.
pub async fn enrollments_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
    args: &PageArgs,
) -> Result<HashMap<Uuid, Page<enrollment::Model>>, AppError> {
    page::fetch_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::TraineeId,
        trainee_ids,
        &by_id(),
        args,
    )
    .await
}

/// How many enrolments the caller may read each trainee has.
pub async fn count_per_trainee(
    db: &impl ConnectionTrait,
    actor: &Actor,
    trainee_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    page::count_per_parent(
        db,
        visible_enrollments(actor),
        enrollment::Column::TraineeId,
        trainee_ids,
    )
    .await
}
