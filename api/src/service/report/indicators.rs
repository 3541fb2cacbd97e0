//! The region report: each indicator's target and actual for a region's subtree in a year,
//! and its trainees by disability category.
//!
//! [`reports_of`] computes the reports of any number of regions at once, in a fixed number of
//! grouped statements: each indicator is counted once over the union of the regions, grouped
//! by the base's (or credited) region code, and the codes are then added up per region by
//! prefix. So a province's report with all its cities costs the same statements as one
//! county's.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    BaseStatus, DisabilityCategory, Indicator, ProductStatus, StarStage, SupportKind, base,
    outcome, product, region, star_profile, star_stage_change, support_record, target, trainee,
};
use sea_orm::sea_query::{Expr, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable, JoinType, QueryFilter,
    QuerySelect, Select,
};

use crate::auth::{Actor, RegionScope};
use crate::error::AppError;
use crate::service::course::report::{china_new_year, training_person_times_by_region};
use crate::service::scope::{Scope, in_any_region};
use crate::service::{self};

/// One indicator of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorProgress {
    pub indicator: Indicator,
    /// None when no target is set for the region and year.
    pub target: Option<i32>,
    pub actual: u64,
}

/// Trainees of one disability category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCount {
    pub category: DisabilityCategory,
    pub trainees: u64,
}

/// A region's report for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionReport {
    pub region: region::Model,
    pub year: i32,
    /// Every indicator, in the enum's order.
    pub indicators: Vec<IndicatorProgress>,
    /// Every category, zeros included.
    pub by_category: Vec<CategoryCount>,
}

/// The report of `region_code` for `year`, for an ADMIN of that region or of one above it.
/// Anyone else is FORBIDDEN; an unknown region is NOT_FOUND.
pub async fn region_report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    region_code: &str,
    year: i32,
) -> Result<RegionReport, AppError> {
    let governed = Scope::of(actor).admin()?;
    if !governed.contains(region_code) {
        return Err(AppError::Forbidden);
    }
    let region = service::region::get(db, region_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut reports = reports_of(db, vec![region], year).await?;
    reports.pop().ok_or(AppError::NotFound)
}

/// The reports of each parent's child regions, by parent code. The caller has been allowed
/// the parents' reports, and so those of the regions below them.
pub async fn children_reports(
    db: &impl ConnectionTrait,
    parent_codes: &[String],
    year: i32,
) -> Result<HashMap<String, Vec<RegionReport>>, DbErr> {
    let children = service::region::children_of(db, parent_codes).await?;
    let all: Vec<region::Model> = children.values().flatten().cloned().collect();
    let mut reports: HashMap<String, RegionReport> = reports_of(db, all, year)
        .await?
        .into_iter()
        .map(|r| (r.region.code.clone(), r))
        .collect();
    Ok(children
        .into_iter()
        .map(|(parent, regions)| {
            let list = regions
                .iter()
                .filter_map(|r| reports.remove(&r.code))
                .collect();
            (parent, list)
        })
        .collect())
}

/// Counts per region code, as the grouped statements return them.
type Counts = Vec<(String, u64)>;

/// The reports of `regions` for `year`, in their order, in a fixed number of statements.
pub async fn reports_of(
    db: &impl ConnectionTrait,
    regions: Vec<region::Model>,
    year: i32,
) -> Result<Vec<RegionReport>, DbErr> {
    if regions.is_empty() {
        return Ok(Vec::new());
    }
    let scopes: Vec<RegionScope> = regions
        .iter()
        .map(|r| RegionScope::of(Some(&r.code)))
        .collect();
    let active_bases = active_bases(db, &scopes).await?;
    let person_times = training_person_times_by_region(db, &scopes, year).await?;
    let employed = new_employment(db, &scopes, year).await?;
    let supported = supported_entrepreneurs(db, &scopes, year).await?;
    let stars = stars(db, &scopes, year).await?;
    let products = published_products(db, &scopes, year).await?;
    let categories = trainees_by_category(db, &scopes, year).await?;
    let targets = targets(db, &regions, year).await?;

    let total = |counts: &Counts, scope: &RegionScope| -> u64 {
        counts
            .iter()
            .filter(|(code, _)| scope.contains(code))
            .map(|(_, n)| n)
            .sum()
    };
    Ok(regions
        .into_iter()
        .zip(scopes)
        .map(|(region, scope)| {
            let indicators = Indicator::iter()
                .map(|indicator| {
                    let counts = match indicator {
                        Indicator::ActiveBases => &active_bases,
                        Indicator::TrainingPersonTimes => &person_times,
                        Indicator::Stars => &stars,
                        Indicator::NewEmployment => &employed,
                        Indicator::SupportedEntrepreneurs => &supported,
                        Indicator::PublishedProducts => &products,
                    };
                    IndicatorProgress {
                        indicator,
                        target: targets.get(&(region.code.clone(), indicator)).copied(),
                        actual: total(counts, &scope),
                    }
                })
                .collect();
            let by_category = DisabilityCategory::iter()
                .map(|category| CategoryCount {
                    category,
                    trainees: categories
                        .iter()
                        .filter(|(code, c, _)| *c == category && scope.contains(code))
                        .map(|(_, _, n)| n)
                        .sum(),
                })
                .collect();
            RegionReport {
                region,
                year,
                indicators,
                by_category,
            }
        })
        .collect())
}

/// 1 January and 31 December of `year`; None for a year chrono cannot represent.
fn year_days(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// `count` over the rows of `select` (already joined to `base`) whose base lies in one of
/// `scopes`, per base region code: one grouped statement.
async fn per_base_region<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    scopes: &[RegionScope],
    count: SimpleExpr,
) -> Result<Counts, DbErr> {
    let rows = select
        .filter(in_any_region(base::Column::RegionCode, scopes))
        .select_only()
        .column(base::Column::RegionCode)
        .column_as(count, "count")
        .group_by(base::Column::RegionCode)
        .into_tuple()
        .all(db)
        .await?;
    Ok(to_counts(rows))
}

fn to_counts(rows: Vec<(String, i64)>) -> Counts {
    rows.into_iter()
        .map(|(code, n)| (code, u64::try_from(n).unwrap_or(0)))
        .collect()
}

/// Bases ACTIVE now, per region code.
async fn active_bases(db: &impl ConnectionTrait, scopes: &[RegionScope]) -> Result<Counts, DbErr> {
    let select = base::Entity::find().filter(base::Column::Status.eq(BaseStatus::Active));
    per_base_region(db, select, scopes, Expr::cust("COUNT(*)")).await
}

/// Distinct trainees with an outcome dated in `year`, per their base's region code.
async fn new_employment(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Counts, DbErr> {
    let Some((first, last)) = year_days(year) else {
        return Ok(Vec::new());
    };
    let select = outcome::Entity::find()
        .join(
            JoinType::InnerJoin,
            outcome::Entity::belongs_to(trainee::Entity)
                .from(outcome::Column::TraineeId)
                .to(trainee::Column::Id)
                .into(),
        )
        .join(JoinType::InnerJoin, service::trainee::base_relation())
        .filter(outcome::Column::Date.between(first, last));
    per_base_region(
        db,
        select,
        scopes,
        Expr::expr(Func::count_distinct(Expr::col((
            outcome::Entity,
            outcome::Column::TraineeId,
        )))),
    )
    .await
}

/// Distinct trainees granted a startup subsidy or equipment in `year`, per their base's
/// region code.
async fn supported_entrepreneurs(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Counts, DbErr> {
    let Some((first, last)) = year_days(year) else {
        return Ok(Vec::new());
    };
    let select = support_record::Entity::find()
        .join(
            JoinType::InnerJoin,
            support_record::Entity::belongs_to(trainee::Entity)
                .from(support_record::Column::TraineeId)
                .to(trainee::Column::Id)
                .into(),
        )
        .join(JoinType::InnerJoin, service::trainee::base_relation())
        .filter(support_record::Column::GrantedOn.between(first, last))
        .filter(
            support_record::Column::Kind
                .is_in([SupportKind::StartupSubsidy, SupportKind::Equipment]),
        );
    per_base_region(
        db,
        select,
        scopes,
        Expr::expr(Func::count_distinct(Expr::col((
            support_record::Entity,
            support_record::Column::TraineeId,
        )))),
    )
    .await
}

/// Star profiles at stage STAR now that reached STAR by the year's end (China time), per
/// their trainee's base's region code.
async fn stars(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Counts, DbErr> {
    let Some(end) = china_new_year(year.saturating_add(1)) else {
        return Ok(Vec::new());
    };
    let reached = Query::select()
        .column(star_stage_change::Column::StarId)
        .from(star_stage_change::Entity)
        .and_where(star_stage_change::Column::Stage.eq(StarStage::Star))
        .and_where(star_stage_change::Column::ChangedAt.lt(end))
        .to_owned();
    let select = star_profile::Entity::find()
        .join(
            JoinType::InnerJoin,
            star_profile::Entity::belongs_to(trainee::Entity)
                .from(star_profile::Column::TraineeId)
                .to(trainee::Column::Id)
                .into(),
        )
        .join(JoinType::InnerJoin, service::trainee::base_relation())
        .filter(star_profile::Column::Stage.eq(StarStage::Star))
        .filter(star_profile::Column::Id.in_subquery(reached));
    per_base_region(db, select, scopes, Expr::cust("COUNT(*)")).await
}

/// Products PUBLISHED now and first published by the year's end (China time), per their
/// base's region code.
async fn published_products(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Counts, DbErr> {
    let Some(end) = china_new_year(year.saturating_add(1)) else {
        return Ok(Vec::new());
    };
    let select = product::Entity::find()
        .join(
            JoinType::InnerJoin,
            product::Entity::belongs_to(base::Entity)
                .from(product::Column::BaseId)
                .to(base::Column::Id)
                .into(),
        )
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .filter(product::Column::PublishedAt.lt(end));
    per_base_region(db, select, scopes, Expr::cust("COUNT(*)")).await
}

/// Trainees registered by the year's end, per their base's region code and category.
async fn trainees_by_category(
    db: &impl ConnectionTrait,
    scopes: &[RegionScope],
    year: i32,
) -> Result<Vec<(String, DisabilityCategory, u64)>, DbErr> {
    let Some(end) = china_new_year(year.saturating_add(1)) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(String, DisabilityCategory, i64)> = trainee::Entity::find()
        .join(JoinType::InnerJoin, service::trainee::base_relation())
        .filter(trainee::Column::RegisteredAt.lt(end))
        .filter(in_any_region(base::Column::RegionCode, scopes))
        .select_only()
        .column(base::Column::RegionCode)
        .column(trainee::Column::DisabilityCategory)
        .column_as(Expr::cust("COUNT(*)"), "count")
        .group_by(base::Column::RegionCode)
        .group_by(trainee::Column::DisabilityCategory)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, category, n)| (code, category, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The targets set for `regions` in `year`, by region code and indicator.
async fn targets(
    db: &impl ConnectionTrait,
    regions: &[region::Model],
    year: i32,
) -> Result<HashMap<(String, Indicator), i32>, DbErr> {
    let rows = target::Entity::find()
        .filter(
            Condition::all()
                .add(target::Column::Year.eq(year))
                .add(target::Column::RegionCode.is_in(regions.iter().map(|r| r.code.clone()))),
        )
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| ((t.region_code, t.indicator), t.value))
        .collect())
}
