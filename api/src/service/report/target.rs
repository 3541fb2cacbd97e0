//! Yearly targets: one value per region, year and indicator, set by the ADMIN of that region
//! or of a region above it.

use entity::{Indicator, target};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::auth::Actor;
use crate::service::scope::Scope;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserErrorCode, now, region};

/// What `setTarget` asks for.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub region_code: String,
    pub year: i32,
    pub indicator: Indicator,
    pub value: i32,
}

/// Years a plan may name.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Sets (or replaces) a region's target for one indicator and year. A region outside the
/// caller's is NOT_FOUND, like a missing one; only ADMINs set targets (FORBIDDEN otherwise).
pub async fn set_target(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewTarget,
) -> ServiceResult<target::Model> {
    let scope = Scope::of(actor);
    let governed = scope.admin()?;
    let user = scope.user()?;
    let mut problems = Problems::default();
    if !YEARS.contains(&input.year) {
        problems.add("year", UserErrorCode::Invalid, "年份须在 2000 到 2100 之间");
    }
    if input.value < 0 {
        problems.add("value", UserErrorCode::Invalid, "目标值不能为负数");
    }
    write(db)
        .run(async |txn| {
            let exists = governed.contains(&input.region_code)
                && region::get(txn, &input.region_code).await?.is_some();
            if !exists {
                problems.add("regionCode", UserErrorCode::NotFound, "地区不存在");
            }
            problems.into_result()?;
            let row = target::ActiveModel {
                region_code: Set(input.region_code.clone()),
                year: Set(input.year),
                indicator: Set(input.indicator),
                value: Set(input.value),
                updated_by: Set(Some(user.user_id)),
                updated_at: Set(now()),
            };
            target::Entity::insert(row)
                .on_conflict(
                    OnConflict::columns([
                        target::Column::RegionCode,
                        target::Column::Year,
                        target::Column::Indicator,
                    ])
                    .update_columns([
                        target::Column::Value,
                        target::Column::UpdatedBy,
                        target::Column::UpdatedAt,
                    ])
                    .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
            let saved = target::Entity::find_by_id((
                input.region_code.clone(),
                input.year,
                input.indicator,
            ))
            .one(txn)
            .await?;
            saved.ok_or_else(|| {
                crate::error::AppError::internal(anyhow::anyhow!("目标保存后未找到")).into()
            })
        })
        .await
}
