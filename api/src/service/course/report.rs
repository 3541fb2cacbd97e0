//! Training person-times (培训人次) for the yearly reports: one person completing two
//! courses counts twice.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use entity::{EnrollmentStatus, enrollment};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::RegionScope;

/// Midnight of 1 January of `year` in China (UTC+8), in UTC.
fn china_new_year(year: i32) -> Option<chrono::DateTime<Utc>> {
    let midnight = NaiveDate::from_ymd_opt(year, 1, 1)?.and_time(NaiveTime::MIN);
    Some(Utc.from_utc_datetime(&midnight) - chrono::Duration::hours(8))
}

/// Completed enrolments whose completion date (China time) falls in `year` and whose
/// credited region (the course's base, or the trainee's base for a network-wide course)
/// lies in `scope`.
pub async fn training_person_times(
    db: &impl ConnectionTrait,
    scope: &RegionScope,
    year: i32,
) -> Result<u64, DbErr> {
    let (Some(from), Some(to)) = (china_new_year(year), china_new_year(year + 1)) else {
        return Ok(0);
    };
    let mut select = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
        .filter(enrollment::Column::CompletedAt.gte(from))
        .filter(enrollment::Column::CompletedAt.lt(to));
    if let Some((low, high)) = scope.code_range() {
        select = select.filter(enrollment::Column::CreditedRegionCode.between(low, high));
    }
    select.count(db).await
}
