//! The request's DataLoaders: every relation field resolves through one, so the number of
//! SQL statements depends on the query's depth, not on how many rows it returns.

use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use crate::graphql::account::loaders::UserBasesLoader;
use crate::graphql::base::loaders::BaseManagersLoader;
use crate::graphql::region::loaders::{RegionChildrenLoader, RegionLoader};

/// One set per request, so nothing is cached across callers.
pub struct Loaders {
    pub regions: DataLoader<RegionLoader>,
    pub region_children: DataLoader<RegionChildrenLoader>,
    pub user_bases: DataLoader<UserBasesLoader>,
    pub base_managers: DataLoader<BaseManagersLoader>,
}

impl Loaders {
    /// Fresh loaders over `db`, gathering keys for `delay` before each batch.
    pub fn new(db: &DatabaseConnection, delay: Duration) -> Self {
        fn loader<T>(inner: T, delay: Duration) -> DataLoader<T>
        where
            T: Send + Sync + 'static,
        {
            DataLoader::new(inner, tokio::spawn).delay(delay)
        }
        Loaders {
            regions: loader(RegionLoader(db.clone()), delay),
            region_children: loader(RegionChildrenLoader(db.clone()), delay),
            user_bases: loader(UserBasesLoader(db.clone()), delay),
            base_managers: loader(BaseManagersLoader(db.clone()), delay),
        }
    }
}

/// Loader failures are database failures: logged, shown as `INTERNAL`.
pub fn loader_error(err: sea_orm::DbErr) -> async_graphql::Error {
    async_graphql::ErrorExtensions::extend(&crate::error::AppError::from(err))
}
