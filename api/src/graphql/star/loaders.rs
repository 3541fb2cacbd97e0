//! Loaders of the star domain, gathered in [`StarLoaders`] so the request's `Loaders` holds
//! them in one field. Those returning stars carry the request's caller and apply its scope
//! in SQL; the others load what hangs off rows the caller has already seen.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    award, competition, follower_snapshot, livestream as livestream_row, platform_account, product,
    star_profile, star_stage_change,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::graphql::common::batching::Batching;
use crate::graphql::common::loaders::{loader, loader_error};
use crate::service::page::{Page, PageArgs};
use crate::service::star::growth::{self, Period, Point};
use crate::service::star::{account, award as awards, livestream, profile};

/// The star domain's loaders of one request.
pub struct StarLoaders {
    pub stars: DataLoader<StarLoader>,
    pub trainee_stars: DataLoader<TraineeStarLoader>,
    pub stage_history: DataLoader<StageHistoryLoader>,
    pub accounts: DataLoader<StarAccountsLoader>,
    pub total_sales: DataLoader<TotalSalesLoader>,
    pub growth: DataLoader<GrowthLoader>,
    pub awards: DataLoader<TraineeAwardsLoader>,
    pub competitions: DataLoader<CompetitionLoader>,
    pub follower_history: DataLoader<FollowerHistoryLoader>,
    pub livestreams: DataLoader<StarLivestreamsLoader>,
    pub livestream_counts: DataLoader<StarLivestreamCountLoader>,
    pub livestream_products: DataLoader<LivestreamProductsLoader>,
}

impl StarLoaders {
    /// Fresh loaders over `db` for `actor`, fetching on `batching`'s clock.
    pub fn new(db: &DatabaseConnection, batching: &Arc<Batching>, actor: &Actor) -> Self {
        let scoped = || Scoped {
            db: db.clone(),
            actor: actor.clone(),
        };
        StarLoaders {
            stars: loader(StarLoader(scoped()), batching),
            trainee_stars: loader(TraineeStarLoader(scoped()), batching),
            stage_history: loader(StageHistoryLoader(db.clone()), batching),
            accounts: loader(StarAccountsLoader(db.clone()), batching),
            total_sales: loader(TotalSalesLoader(db.clone()), batching),
            growth: loader(GrowthLoader(db.clone()), batching),
            awards: loader(TraineeAwardsLoader(scoped()), batching),
            competitions: loader(CompetitionLoader(db.clone()), batching),
            follower_history: loader(FollowerHistoryLoader(db.clone()), batching),
            livestreams: loader(StarLivestreamsLoader(db.clone()), batching),
            livestream_counts: loader(StarLivestreamCountLoader(db.clone()), batching),
            livestream_products: loader(LivestreamProductsLoader(scoped()), batching),
        }
    }
}

/// The database and the caller whose scope a loader applies.
pub struct Scoped {
    db: DatabaseConnection,
    actor: Actor,
}

/// Star profiles by id, among those the caller may see.
pub struct StarLoader(Scoped);

impl Loader<Uuid> for StarLoader {
    type Value = star_profile::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        profile::by_ids(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(loader_error)
    }
}

/// Star profiles by trainee id, among those the caller may see.
pub struct TraineeStarLoader(Scoped);

impl Loader<Uuid> for TraineeStarLoader {
    type Value = star_profile::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        profile::of_trainees(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(loader_error)
    }
}

/// Stage histories by star id.
pub struct StageHistoryLoader(DatabaseConnection);

impl Loader<Uuid> for StageHistoryLoader {
    type Value = Vec<star_stage_change::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        profile::stage_history(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Platform accounts by star id.
pub struct StarAccountsLoader(DatabaseConnection);

impl Loader<Uuid> for StarAccountsLoader {
    type Value = Vec<platform_account::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        account::of_stars(&self.0, keys).await.map_err(loader_error)
    }
}

/// Livestream sales in fen by star id.
pub struct TotalSalesLoader(DatabaseConnection);

impl Loader<Uuid> for TotalSalesLoader {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        livestream::total_sales(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// One star's growth series over some periods.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GrowthKey {
    pub star_id: Uuid,
    pub periods: Vec<Period>,
}

/// Growth series: one grouped statement for all stars asking for the same periods.
pub struct GrowthLoader(DatabaseConnection);

impl Loader<GrowthKey> for GrowthLoader {
    type Value = Vec<Point>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[GrowthKey],
    ) -> Result<HashMap<GrowthKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<&[Period], Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.periods).or_default().push(key.star_id);
        }
        let mut series = HashMap::new();
        for (periods, star_ids) in groups {
            let by_star = growth::series(&self.0, &star_ids, periods)
                .await
                .map_err(loader_error)?;
            for (star_id, points) in by_star {
                let key = GrowthKey {
                    star_id,
                    periods: periods.to_vec(),
                };
                series.insert(key, points);
            }
        }
        Ok(series)
    }
}

/// Awards by trainee id, of trainees whose star data the caller may see.
pub struct TraineeAwardsLoader(Scoped);

impl Loader<Uuid> for TraineeAwardsLoader {
    type Value = Vec<award::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        awards::of_trainees(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(loader_error)
    }
}

/// Competitions by id.
pub struct CompetitionLoader(DatabaseConnection);

impl Loader<Uuid> for CompetitionLoader {
    type Value = competition::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        awards::competitions(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// The newest follower counts of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FollowerHistoryKey {
    pub account_id: Uuid,
    pub limit: u64,
}

/// Follower histories: one statement for all accounts asking for as many counts.
pub struct FollowerHistoryLoader(DatabaseConnection);

impl Loader<FollowerHistoryKey> for FollowerHistoryLoader {
    type Value = Vec<follower_snapshot::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[FollowerHistoryKey],
    ) -> Result<HashMap<FollowerHistoryKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<u64, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(key.limit).or_default().push(key.account_id);
        }
        let mut histories = HashMap::new();
        for (limit, account_ids) in groups {
            let by_account = account::history(&self.0, &account_ids, limit)
                .await
                .map_err(|e| e.extend())?;
            for (account_id, snapshots) in by_account {
                histories.insert(FollowerHistoryKey { account_id, limit }, snapshots);
            }
        }
        Ok(histories)
    }
}

/// One star's page of its `livestreams` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StarLivestreamsKey {
    pub star_id: Uuid,
    pub args: PageArgs,
}

/// Livestream pages per star, newest first: one statement for all stars asking the same page.
pub struct StarLivestreamsLoader(DatabaseConnection);

impl Loader<StarLivestreamsKey> for StarLivestreamsLoader {
    type Value = Page<livestream_row::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[StarLivestreamsKey],
    ) -> Result<HashMap<StarLivestreamsKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<&PageArgs, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.args).or_default().push(key.star_id);
        }
        let mut pages = HashMap::new();
        for (args, star_ids) in groups {
            let by_star = livestream::of_stars(&self.0, &star_ids, args)
                .await
                .map_err(|e| e.extend())?;
            for (star_id, page) in by_star {
                let key = StarLivestreamsKey {
                    star_id,
                    args: args.clone(),
                };
                pages.insert(key, page);
            }
        }
        Ok(pages)
    }
}

/// Livestream counts by star id.
pub struct StarLivestreamCountLoader(DatabaseConnection);

impl Loader<Uuid> for StarLivestreamCountLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        livestream::count_of_stars(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Featured products by livestream id, among the products the caller may see.
pub struct LivestreamProductsLoader(Scoped);

impl Loader<Uuid> for LivestreamProductsLoader {
    type Value = Vec<product::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        livestream::products_of(&self.0.db, &self.0.actor, keys)
            .await
            .map_err(loader_error)
    }
}
