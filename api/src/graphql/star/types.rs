//! Types of the star domain. Longer than most modules because it holds the domain's eleven
//! object types and four payloads, each a thin wrapper whose every field carries its doc
//! comment; splitting them would scatter one schema area over several files.

use async_graphql::connection::{Connection, ConnectionNameType, Edge, EdgeNameType, EmptyFields};
use async_graphql::{Context, Enum, ErrorExtensions, ID, Object, OutputType, SimpleObject};
use entity::{
    award, competition, follower_snapshot, livestream, platform_account, star_profile,
    star_stage_change,
};

use super::loaders::{FollowerHistoryKey, GrowthKey, StarLivestreamsKey};
use crate::error::{AppError, GqlResultExt};
use crate::graphql::account::types::User;
use crate::graphql::catalog::types::Product;
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::loaders::required;
use crate::graphql::common::pagination::{
    KeyConnection, MAX_PAGE_SIZE, TotalCount, connection, cost, page_args,
};
use crate::graphql::common::scalars::{Date, DateTime, Decimal};
use crate::graphql::common::{ContextExt, UserError};
use crate::graphql::trainee::types::Trainee;
use crate::service::money;
use crate::service::page::{Cursor, Page};
use crate::service::star::{account, growth, livestream as livestreams, metrics};

/// Stages of cultivation, in order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::StarStage")]
pub enum StarStage {
    /// Nominated: promise seen (苗子).
    Prospect,
    /// In incubation at the base (孵化中).
    Incubating,
    /// Growing an audience (成长中).
    Rising,
    /// An established internet star (网创红人).
    Star,
}

/// Platforms stars work on.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::Platform")]
pub enum Platform {
    /// 抖音.
    Douyin,
    /// 快手.
    Kuaishou,
    /// 微信视频号.
    WechatChannels,
    /// 淘宝直播.
    TaobaoLive,
    /// 小红书.
    Xiaohongshu,
    /// 哔哩哔哩.
    Bilibili,
    /// 喜马拉雅 (audio).
    Ximalaya,
    /// Any other platform.
    Other,
}

/// Length of the periods of a growth series.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::service::star::growth::Interval")]
pub enum GrowthInterval {
    /// Calendar weeks, Monday to Sunday (China time).
    Week,
    /// Calendar months (China time).
    Month,
}

fn int(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct StarProfile(pub star_profile::Model);

/// A trainee cultivated as an internet star (网创红人). Visible to ADMINs over the trainee's
/// base, the base's managers and the trainee.
#[Object]
impl StarProfile {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The trainee cultivated.
    async fn trainee(&self, ctx: &Context<'_>) -> async_graphql::Result<Trainee> {
        required(&ctx.loaders().trainees, self.0.trainee_id, Trainee::from).await
    }

    /// Current stage.
    async fn stage(&self) -> StarStage {
        self.0.stage.into()
    }

    /// The instructor or base manager who mentors the star.
    async fn mentor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.mentor_id {
            None => Ok(None),
            Some(id) => Ok(ctx.loaders().users.load_one(id).await?.map(User)),
        }
    }

    /// Accounts on platforms, in the order they were added.
    async fn accounts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PlatformAccount>> {
        Ok(ctx
            .loaders()
            .stars
            .accounts
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(PlatformAccount)
            .collect())
    }

    /// Every stage the star has been in, oldest first, starting with the nomination.
    async fn stage_history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StageChange>> {
        Ok(ctx
            .loaders()
            .stars
            .stage_history
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(StageChange)
            .collect())
    }

    /// Livestreams, newest first.
    async fn livestreams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<LivestreamConnection> {
        let args = page_args(first, after, None, None).gql()?;
        let loaders = ctx.loaders().clone();
        let key = StarLivestreamsKey {
            star_id: self.0.id,
            args: args.clone(),
        };
        let page = loaders
            .stars
            .livestreams
            .load_one(key)
            .await?
            .unwrap_or_else(|| Page::empty(&args));
        let star_id = self.0.id;
        let total = TotalCount::new(move || {
            let loaders = loaders.clone();
            Box::pin(async move {
                Ok(loaders
                    .stars
                    .livestream_counts
                    .load_one(star_id)
                    .await?
                    .unwrap_or(0))
            })
        });
        let order = livestreams::newest_first();
        Ok(connection(page, |l| order.cursor(l), Livestream, total))
    }

    /// Sum of the accounts' latest follower counts.
    async fn total_followers(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let accounts = ctx
            .loaders()
            .stars
            .accounts
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(int(account::total_followers(&accounts)))
    }

    /// Sales of all recorded livestreams, in yuan.
    async fn total_sales(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
        let fen = ctx
            .loaders()
            .stars
            .total_sales
            .load_one(self.0.id)
            .await?
            .unwrap_or(0);
        Ok(Decimal(money::from_fen(fen)))
    }

    /// Follower, stream and sales figures per week or month from `from` to `to` (both
    /// included, China time), every period present even when nothing happened in it. At most
    /// 120 periods.
    async fn growth(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the series.")] from: Date,
        #[graphql(desc = "Last day of the series.")] to: Date,
        #[graphql(desc = "Length of each period.")] interval: GrowthInterval,
    ) -> async_graphql::Result<Vec<GrowthPoint>> {
        let periods = growth::periods(from.0, to.0, interval.into()).gql()?;
        let key = GrowthKey {
            star_id: self.0.id,
            periods,
        };
        Ok(ctx
            .loaders()
            .stars
            .growth
            .load_one(key)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(GrowthPoint)
            .collect())
    }

    /// Prizes the star's trainee has won.
    async fn awards(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Award>> {
        awards_of(ctx, self.0.trainee_id).await
    }

    /// When the trainee was nominated.
    async fn nominated_at(&self) -> DateTime {
        self.0.nominated_at.into()
    }

    /// Changes with every stage change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The awards of a trainee the caller has seen.
pub async fn awards_of(
    ctx: &Context<'_>,
    trainee_id: uuid::Uuid,
) -> async_graphql::Result<Vec<Award>> {
    Ok(ctx
        .loaders()
        .stars
        .awards
        .load_one(trainee_id)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(Award)
        .collect())
}

/// Names the star list's connection as the contract does, not after its node type.
pub struct StarConnectionName;

impl ConnectionNameType for StarConnectionName {
    fn type_name<T: OutputType>() -> String {
        "StarConnection".to_owned()
    }
}

/// Names the star list's edges as the contract does.
pub struct StarEdgeName;

impl EdgeNameType for StarEdgeName {
    fn type_name<T: OutputType>() -> String {
        "StarEdge".to_owned()
    }
}

/// A page of star profiles.
pub type StarConnection =
    Connection<Cursor, StarProfile, TotalCount, EmptyFields, StarConnectionName, StarEdgeName>;

/// The star page under the contract's names.
pub fn star_connection(page: KeyConnection<StarProfile>) -> StarConnection {
    let mut named = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        page.additional_fields,
    );
    named.edges = page
        .edges
        .into_iter()
        .map(|edge| Edge::new(edge.cursor, edge.node))
        .collect();
    named
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct StageChange(pub star_stage_change::Model);

/// One entry of a star's stage history.
#[Object]
impl StageChange {
    /// The stage entered.
    async fn stage(&self) -> StarStage {
        self.0.stage.into()
    }

    /// The stage left; null for the nomination.
    async fn from_stage(&self) -> Option<StarStage> {
        self.0.from_stage.map(Into::into)
    }

    /// When.
    async fn changed_at(&self) -> DateTime {
        self.0.changed_at.into()
    }

    /// Why, as given.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// Who changed it.
    async fn changed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.changed_by {
            None => Ok(None),
            Some(id) => Ok(ctx.loaders().users.load_one(id).await?.map(User)),
        }
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct PlatformAccount(pub platform_account::Model);

/// A star's account on a platform.
#[Object]
impl PlatformAccount {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The platform.
    async fn platform(&self) -> Platform {
        self.0.platform.into()
    }

    /// The account's name on the platform.
    async fn handle(&self) -> &str {
        &self.0.handle
    }

    /// The latest follower count.
    async fn followers(&self) -> i32 {
        int(self.0.followers)
    }

    /// When the latest follower count was taken.
    async fn followers_at(&self) -> DateTime {
        self.0.followers_at.into()
    }

    /// When the account was last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// The newest follower counts, newest first (reverse them for a growth chart). Every
    /// count ever entered is kept.
    #[graphql(complexity = "cost(Some(first), None, child_complexity)")]
    async fn follower_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many counts, 1 to 100 (default 30).", default = 30)] first: i32,
    ) -> async_graphql::Result<Vec<FollowerSnapshot>> {
        let limit = u64::try_from(first)
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE as u64).contains(n))
            .ok_or_else(|| {
                AppError::BadUserInput(format!("`first` must be between 1 and {MAX_PAGE_SIZE}"))
                    .extend()
            })?;
        let key = FollowerHistoryKey {
            account_id: self.0.id,
            limit,
        };
        Ok(ctx
            .loaders()
            .stars
            .follower_history
            .load_one(key)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(FollowerSnapshot)
            .collect())
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct FollowerSnapshot(pub follower_snapshot::Model);

/// A follower count as it was at one time.
#[Object]
impl FollowerSnapshot {
    /// Followers at that time.
    async fn followers(&self) -> i32 {
        int(self.0.followers)
    }

    /// When the count was taken.
    async fn recorded_at(&self) -> DateTime {
        self.0.recorded_at.into()
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Livestream(pub livestream::Model);

/// One livestream session of a star, with the figures livestream dashboards show.
#[Object]
impl Livestream {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Whose stream it was.
    async fn star(&self, ctx: &Context<'_>) -> async_graphql::Result<StarProfile> {
        required(&ctx.loaders().stars.stars, self.0.star_id, StarProfile).await
    }

    /// Where it was streamed.
    async fn platform(&self) -> Platform {
        self.0.platform.into()
    }

    /// When it started.
    async fn started_at(&self) -> DateTime {
        self.0.started_at.into()
    }

    /// How long it ran.
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }

    /// Most viewers at one time.
    async fn peak_viewers(&self) -> i32 {
        self.0.peak_viewers
    }

    /// Cumulative views (观看人次).
    async fn views(&self) -> i32 {
        self.0.views
    }

    /// Orders taken.
    async fn orders(&self) -> i32 {
        self.0.orders
    }

    /// Sales in yuan.
    async fn sales(&self) -> Decimal {
        Decimal(money::from_fen(self.0.sales_fen))
    }

    /// Products featured, in the order given (those you may see).
    async fn products(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Product>> {
        Ok(ctx
            .loaders()
            .stars
            .livestream_products
            .load_one(self.0.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Product)
            .collect())
    }

    /// GPM: sales per thousand views, in yuan with 2 decimals; null without views.
    async fn gpm(&self) -> Option<Decimal> {
        metrics::gpm(self.0.sales_fen, self.0.views).map(Decimal)
    }

    /// Orders per view (0.05 = 5 %); null without views.
    async fn conversion_rate(&self) -> Option<f64> {
        metrics::conversion_rate(self.0.orders, self.0.views)
    }

    /// Sales per order, in yuan with 2 decimals; null without orders.
    async fn average_order_value(&self) -> Option<Decimal> {
        metrics::average_order_value(self.0.sales_fen, self.0.orders).map(Decimal)
    }
}

/// A page of livestreams.
pub type LivestreamConnection = KeyConnection<Livestream>;

/// One period of a growth series.
pub struct GrowthPoint(pub growth::Point);

/// A star's figures over one week or month.
#[Object]
impl GrowthPoint {
    /// First day of the period.
    async fn start(&self) -> Date {
        Date(self.0.period.start)
    }

    /// Last day of the period (the series' last day for the last period).
    async fn end(&self) -> Date {
        Date(self.0.period.end)
    }

    /// Followers on all accounts at the end of the period (each account's latest count).
    async fn followers(&self) -> i32 {
        int(self.0.followers)
    }

    /// Livestreams started in the period.
    async fn streams(&self) -> i32 {
        int(self.0.streams)
    }

    /// Views of those livestreams.
    async fn views(&self) -> i32 {
        int(self.0.views)
    }

    /// Orders of those livestreams.
    async fn orders(&self) -> i32 {
        int(self.0.orders)
    }

    /// Sales of those livestreams, in yuan.
    async fn sales(&self) -> Decimal {
        Decimal(money::from_fen(self.0.sales_fen))
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Competition(pub competition::Model);

/// A competition, e.g. 残疾人网络创业创新大赛 2025.
#[Object]
impl Competition {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Name of the competition.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The year it was held.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Who organised it.
    async fn organizer(&self) -> Option<&str> {
        self.0.organizer.as_deref()
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Award(pub award::Model);

/// A prize a trainee won at a competition.
#[Object]
impl Award {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Where it was won.
    async fn competition(&self, ctx: &Context<'_>) -> async_graphql::Result<Competition> {
        required(
            &ctx.loaders().stars.competitions,
            self.0.competition_id,
            Competition,
        )
        .await
    }

    /// Who won it.
    async fn trainee(&self, ctx: &Context<'_>) -> async_graphql::Result<Trainee> {
        required(&ctx.loaders().trainees, self.0.trainee_id, Trainee::from).await
    }

    /// The prize, e.g. "一等奖".
    async fn prize(&self) -> &str {
        &self.0.prize
    }
}

/// Result of `nominateStar` and `advanceStarStage`.
#[derive(SimpleObject)]
pub struct StarPayload {
    /// The star profile as saved.
    pub star: Option<StarProfile>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(StarPayload, star: star_profile::Model => StarProfile);

/// Result of `addPlatformAccount` and `updateFollowers`.
#[derive(SimpleObject)]
pub struct PlatformAccountPayload {
    /// The account as saved.
    pub account: Option<PlatformAccount>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(PlatformAccountPayload, account: platform_account::Model => PlatformAccount);

/// Result of `recordLivestream`.
#[derive(SimpleObject)]
pub struct LivestreamPayload {
    /// The recorded livestream.
    pub livestream: Option<Livestream>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(LivestreamPayload, livestream: livestream::Model => Livestream);

/// Result of `recordAward`.
#[derive(SimpleObject)]
pub struct AwardPayload {
    /// The recorded award.
    pub award: Option<Award>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(AwardPayload, award: award::Model => Award);
