//! The request's DataLoaders: every relation field resolves through one, so the number of
//! SQL statements depends on the query's depth, not on how many rows it returns.

use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::graphql::account::loaders::{UserBasesLoader, UserLoader};
use crate::graphql::base::loaders::{BaseLoader, BaseManagersLoader};
use crate::graphql::catalog::loaders::{
    PartnerKeysLoader, PartnerLoader, ProducerLoader, ProductImagesLoader, ProductLoader,
    ProductTagsLoader, TraineeProductCountLoader, TraineeProductsLoader,
};
use crate::graphql::region::loaders::{RegionChildrenLoader, RegionLoader};
use crate::graphql::trainee::loaders::{
    BaseTraineeCountLoader, BaseTraineesLoader, TraineeLoader, TraineeServicesLoader,
};

/// One set per request, so nothing is cached across callers.
pub struct Loaders {
    pub regions: DataLoader<RegionLoader>,
    pub region_children: DataLoader<RegionChildrenLoader>,
    pub user_bases: DataLoader<UserBasesLoader>,
    pub base_managers: DataLoader<BaseManagersLoader>,
    pub bases: DataLoader<BaseLoader>,
    pub users: DataLoader<UserLoader>,
    pub trainees: DataLoader<TraineeLoader>,
    pub trainee_services: DataLoader<TraineeServicesLoader>,
    pub base_trainees: DataLoader<BaseTraineesLoader>,
    pub base_trainee_counts: DataLoader<BaseTraineeCountLoader>,
    pub products: DataLoader<ProductLoader>,
    pub product_images: DataLoader<ProductImagesLoader>,
    pub product_tags: DataLoader<ProductTagsLoader>,
    pub producers: DataLoader<ProducerLoader>,
    pub partners: DataLoader<PartnerLoader>,
    pub partner_keys: DataLoader<PartnerKeysLoader>,
    pub trainee_products: DataLoader<TraineeProductsLoader>,
    pub trainee_product_counts: DataLoader<TraineeProductCountLoader>,
}

impl Loaders {
    /// Fresh loaders over `db` for `actor`, gathering keys for `delay` before each batch.
    pub fn new(db: &DatabaseConnection, delay: Duration, actor: &Actor) -> Self {
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
            bases: loader(BaseLoader(db.clone()), delay),
            users: loader(UserLoader(db.clone()), delay),
            trainees: loader(
                TraineeLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            trainee_services: loader(TraineeServicesLoader(db.clone()), delay),
            base_trainees: loader(
                BaseTraineesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            base_trainee_counts: loader(
                BaseTraineeCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            products: loader(
                ProductLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            product_images: loader(ProductImagesLoader(db.clone()), delay),
            product_tags: loader(ProductTagsLoader(db.clone()), delay),
            producers: loader(ProducerLoader(db.clone()), delay),
            partners: loader(PartnerLoader(db.clone()), delay),
            partner_keys: loader(PartnerKeysLoader(db.clone()), delay),
            trainee_products: loader(
                TraineeProductsLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            trainee_product_counts: loader(
                TraineeProductCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
        }
    }
}

/// A loader failure as a GraphQL error; database failures are logged and shown as `INTERNAL`.
pub fn loader_error(err: impl Into<crate::error::AppError>) -> async_graphql::Error {
    async_graphql::ErrorExtensions::extend(&err.into())
}
