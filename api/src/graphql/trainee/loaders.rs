//! Loaders of the trainee domain. Those returning trainees carry the request's caller and
//! apply its scope in SQL.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{base, service_record};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::graphql::common::loaders::loader_error;
use crate::service;
use crate::service::page::{Page, PageArgs};
use crate::service::trainee::{TraineeColumns, TraineeFilter, TraineeOrder, TraineeRow};

/// Trainees by id, among those the caller may see.
pub struct TraineeLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<Uuid> for TraineeLoader {
    type Value = Arc<TraineeRow>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::trainee::by_ids(&self.db, &self.actor, keys)
            .await
            .map_err(loader_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, row)| (id, Arc::new(row)))
            .collect())
    }
}

/// Trainees by id among those the caller may see, each with its base, in one statement.
pub struct TraineeWithBaseLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<Uuid> for TraineeWithBaseLoader {
    type Value = (Arc<TraineeRow>, base::Model);
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = service::trainee::by_ids_with_base(&self.db, &self.actor, keys)
            .await
            .map_err(loader_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, (trainee, base))| (id, (Arc::new(trainee), base)))
            .collect())
    }
}

/// Employment service records by trainee id.
pub struct TraineeServicesLoader(pub DatabaseConnection);

impl Loader<Uuid> for TraineeServicesLoader {
    type Value = Vec<service_record::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::trainee::employment::of_trainees(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// One base's page of a nested `trainees` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseTraineesKey {
    pub base_id: Uuid,
    pub args: PageArgs,
    pub order: TraineeOrder,
    pub filter: TraineeFilter,
    /// Which columns the page's fields need.
    pub columns: TraineeColumns,
}

/// Pages of trainees per base: one statement for all bases asking the same page, order and
/// filter.
pub struct BaseTraineesLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<BaseTraineesKey> for BaseTraineesLoader {
    type Value = Page<Arc<TraineeRow>>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[BaseTraineesKey],
    ) -> Result<HashMap<BaseTraineesKey, Self::Value>, Self::Error> {
        type Group<'a> = (
            &'a PageArgs,
            TraineeOrder,
            &'a TraineeFilter,
            TraineeColumns,
        );
        let mut groups: HashMap<Group<'_>, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((&key.args, key.order, &key.filter, key.columns))
                .or_default()
                .push(key.base_id);
        }
        let mut pages = HashMap::new();
        for ((args, order, filter, columns), base_ids) in groups {
            let by_base = service::trainee::first_per_base(
                &self.db,
                &self.actor,
                &base_ids,
                filter,
                order,
                args,
                columns,
            )
            .await
            .map_err(loader_error)?;
            for (base_id, page) in by_base {
                let page = page.map(Arc::new);
                let key = BaseTraineesKey {
                    base_id,
                    args: args.clone(),
                    order,
                    filter: filter.clone(),
                    columns,
                };
                pages.insert(key, page);
            }
        }
        Ok(pages)
    }
}

/// One base's `totalCount` of a nested `trainees` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseTraineeCountKey {
    pub base_id: Uuid,
    pub filter: TraineeFilter,
}

/// Visible trainee counts per base: one grouped statement per filter.
pub struct BaseTraineeCountLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<BaseTraineeCountKey> for BaseTraineeCountLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[BaseTraineeCountKey],
    ) -> Result<HashMap<BaseTraineeCountKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<&TraineeFilter, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.filter).or_default().push(key.base_id);
        }
        let mut counts = HashMap::new();
        for (filter, base_ids) in groups {
            let by_base =
                service::trainee::count_per_base(&self.db, &self.actor, &base_ids, filter)
                    .await
                    .map_err(loader_error)?;
            for base_id in base_ids {
                let count = by_base.get(&base_id).copied().unwrap_or(0);
                counts.insert(
                    BaseTraineeCountKey {
                        base_id,
                        filter: filter.clone(),
                    },
                    count,
                );
            }
        }
        Ok(counts)
    }
}
