//! The request's DataLoaders: every relation field resolves through one, so the number of
//! SQL statements depends on the query's depth, not on how many rows it returns. They fetch
//! when the request can add no more keys (see [`Batching`]).

use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use super::batching::Batching;
use crate::auth::Actor;
use crate::graphql::account::loaders::{UserBasesLoader, UserLoader};
use crate::graphql::base::loaders::{BaseLoader, BaseManagersLoader};
use crate::graphql::trainee::loaders::{
    BaseTraineeCountLoader, BaseTraineesLoader, TraineeLoader, TraineeServicesLoader,
};

/// One set per request, so nothing is cached across callers.
pub struct Loaders {
    pub user_bases: DataLoader<UserBasesLoader>,
    pub base_managers: DataLoader<BaseManagersLoader>,
    pub bases: DataLoader<BaseLoader>,
    pub users: DataLoader<UserLoader>,
    pub trainees: DataLoader<TraineeLoader>,
    pub trainee_services: DataLoader<TraineeServicesLoader>,
    pub base_trainees: DataLoader<BaseTraineesLoader>,
    pub base_trainee_counts: DataLoader<BaseTraineeCountLoader>,
}

impl Loaders {
    /// Fresh loaders over `db` for `actor`, fetching on `batching`'s clock.
    pub fn new(db: &DatabaseConnection, batching: &Arc<Batching>, actor: &Actor) -> Self {
        Loaders {
            user_bases: loader(UserBasesLoader(db.clone()), batching),
            base_managers: loader(BaseManagersLoader(db.clone()), batching),
            bases: loader(BaseLoader(db.clone()), batching),
            users: loader(UserLoader(db.clone()), batching),
            trainees: loader(
                TraineeLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainee_services: loader(TraineeServicesLoader(db.clone()), batching),
            base_trainees: loader(
                BaseTraineesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            base_trainee_counts: loader(
                BaseTraineeCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
        }
    }
}

/// A loader whose fetches start on `batching`'s clock; its own delay is zero.
fn loader<T: Send + Sync + 'static>(inner: T, batching: &Arc<Batching>) -> DataLoader<T> {
    let batching = batching.clone();
    DataLoader::new(inner, move |fetch| batching.spawn(fetch)).delay(Duration::ZERO)
}

/// Loader failures are database failures: logged, shown as `INTERNAL`.
pub fn loader_error(err: sea_orm::DbErr) -> async_graphql::Error {
    async_graphql::ErrorExtensions::extend(&crate::error::AppError::from(err))
}
