//! Support, outcome, target and report types.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{outcome, support_record, target};

use crate::graphql::common::errors::object_payload;
use crate::graphql::common::scalars::{Date, Decimal};
use crate::graphql::common::{ContextExt, UserError};
use crate::graphql::region::types::Region;
use crate::graphql::trainee::types::DisabilityCategory;
use crate::service::money::from_fen;
use crate::service::report as service;

/// Kinds of support granted to a trainee (扶持).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SupportKind")]
pub enum SupportKind {
    /// 设备扶持.
    Equipment,
    /// 创业补贴.
    StartupSubsidy,
    /// 培训补贴.
    TrainingSubsidy,
    /// 场地扶持.
    Venue,
    /// 其他.
    Other,
}

/// Kinds of employment or entrepreneurship outcome.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::OutcomeKind")]
pub enum OutcomeKind {
    /// 受雇就业.
    Employed,
    /// 自主就业.
    SelfEmployed,
    /// 注册经营主体.
    BusinessRegistered,
    /// 开设网店.
    OnlineShopOpened,
    /// 灵活就业.
    Flexible,
}

/// The yearly indicators a federation plans and reports, each counted over a region's subtree
/// by the base's region.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Indicator")]
pub enum Indicator {
    /// Bases ACTIVE now.
    ActiveBases,
    /// Enrolments completed in the year (one person, two courses = 2).
    TrainingPersonTimes,
    /// Star profiles at stage STAR by the year's end.
    Stars,
    /// Distinct trainees with an outcome dated in the year.
    NewEmployment,
    /// Distinct trainees granted STARTUP_SUBSIDY or EQUIPMENT in the year.
    SupportedEntrepreneurs,
    /// Products PUBLISHED now, first published by the year's end.
    PublishedProducts,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct SupportRecord(pub support_record::Model);

/// Support granted to a trainee.
#[Object]
impl SupportRecord {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What kind of support.
    async fn kind(&self) -> SupportKind {
        self.0.kind.into()
    }

    /// What was given.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Its value in yuan, exact (two decimals).
    async fn amount(&self) -> Decimal {
        Decimal(from_fen(self.0.amount_fen))
    }

    /// When it was granted.
    async fn granted_on(&self) -> Date {
        Date(self.0.granted_on)
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Outcome(pub outcome::Model);

/// An employment or entrepreneurship outcome of a trainee.
#[Object]
impl Outcome {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What kind of outcome.
    async fn kind(&self) -> OutcomeKind {
        self.0.kind.into()
    }

    /// When it was reached.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// Monthly income in yuan, exact (two decimals), if known.
    async fn monthly_income(&self) -> Option<Decimal> {
        self.0.monthly_income_fen.map(|fen| Decimal(from_fen(fen)))
    }

    /// The employer, if any.
    async fn employer(&self) -> Option<&str> {
        self.0.employer.as_deref()
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Target(pub target::Model);

/// A region's target for one indicator in one year.
#[Object]
impl Target {
    /// The region the target is set for.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Region::require(ctx, &self.0.region_code)
    }

    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Which indicator.
    async fn indicator(&self) -> Indicator {
        self.0.indicator.into()
    }

    /// The planned value.
    async fn value(&self) -> i32 {
        self.0.value
    }
}

/// One indicator of a report: its target and what was achieved.
#[derive(SimpleObject)]
pub struct IndicatorProgress {
    /// Which indicator.
    pub indicator: Indicator,
    /// The target set for the region and year; null when none is set.
    pub target: Option<i32>,
    /// What was achieved.
    pub actual: i32,
}

/// Trainees of one disability category.
#[derive(SimpleObject)]
pub struct CategoryCount {
    /// The category.
    pub category: DisabilityCategory,
    /// Trainees registered by the year's end at bases in the region.
    pub trainees: i32,
}

/// Saturates counts beyond the GraphQL `Int` range.
fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The computed report, exposed through the `#[Object]` impl below.
pub struct RegionReport(pub service::RegionReport);

/// A region's yearly report: every indicator's target and actual over the region's subtree,
/// and its trainees by category.
#[Object]
impl RegionReport {
    /// The region reported on.
    async fn region(&self) -> Region {
        Region(std::sync::Arc::new(self.0.region.clone()))
    }

    /// The year reported on.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Every indicator, with its target (null if none) and actual.
    async fn indicators(&self) -> Vec<IndicatorProgress> {
        self.0
            .indicators
            .iter()
            .map(|p| IndicatorProgress {
                indicator: p.indicator.into(),
                target: p.target,
                actual: int(p.actual),
            })
            .collect()
    }

    /// Trainees registered by the year's end, for all seven categories (zeros included).
    async fn trainees_by_category(&self) -> Vec<CategoryCount> {
        self.0
            .by_category
            .iter()
            .map(|c| CategoryCount {
                category: c.category.into(),
                trainees: int(c.trainees),
            })
            .collect()
    }

    /// The same report for each child region, by code. All children of a request level are
    /// computed together in a fixed number of grouped statements.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RegionReport>> {
        let children = ctx
            .loaders()
            .region_report_children
            .load_one((self.0.region.code.clone(), self.0.year))
            .await?
            .unwrap_or_default();
        Ok(children.into_iter().map(RegionReport).collect())
    }
}

/// Result of `grantSupport`.
#[derive(SimpleObject)]
pub struct SupportPayload {
    /// The recorded support.
    pub support: Option<SupportRecord>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(SupportPayload, support: support_record::Model => SupportRecord);

/// Result of `recordOutcome`.
#[derive(SimpleObject)]
pub struct OutcomePayload {
    /// The recorded outcome.
    pub outcome: Option<Outcome>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(OutcomePayload, outcome: outcome::Model => Outcome);

/// Result of `setTarget`.
#[derive(SimpleObject)]
pub struct TargetPayload {
    /// The target as stored.
    pub target: Option<Target>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(TargetPayload, target: target::Model => Target);
