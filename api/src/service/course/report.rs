//! Training person-times (培训人次) for the yearly reports: one person completing two
//! courses counts twice.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use entity::{EnrollmentStatus, enrollment};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::RegionScope;
use crate::service::scope::in_any_region;

/// Midnight of 1 January of `year` in China (UTC+8), in UTC.
pub fn china_new_year(year: i32) -> Option<chrono::DateTime<Utc>> {
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
    let rows = training_person_times_by_region(db, std::slice::from_ref(scope), year).await?;
    Ok(rows.iter().map(|(_, n)| *n).sum())
}

/// The same count in one grouped statement over several region scopes, per credited region
/// code (the reports add the codes up per child region).
pub async fn training_person_times_by_region(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Vec<(String, u64)>, DbErr> {
    // Years chrono cannot represent (e.g. i32::MAX from a hostile argument) have nothing.
    let next = year.checked_add(1).and_then(china_new_year);
    let (Some(from), Some(to)) = (china_new_year(year), next) else {
        return Ok(Vec::new());
    };
    let within = in_any_region(enrollment::Column::CreditedRegionCode, scopes);
    let rows: Vec<(Option<String>, i64)> = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
        .filter(enrollment::Column::CompletedAt.gte(from))
        .filter(enrollment::Column::CompletedAt.lt(to))
        .filter(enrollment::Column::CreditedRegionCode.is_not_null())
        .filter(within)
        .select_only()
        .column(enrollment::Column::CreditedRegionCode)
        .column_as(Expr::cust("COUNT(*)"), "count")
        .group_by(enrollment::Column::CreditedRegionCode)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, n)| Some((code?, u64::try_from(n).unwrap_or(0))))
        .collect())
}
