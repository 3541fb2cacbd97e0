//! Loaders of the base domain: bases by id and the managers of each base.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{base, user};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::graphql::common::loaders::loader_error;
use crate::service;

/// BASE_MANAGER accounts by base id.
pub struct BaseManagersLoader(pub DatabaseConnection);

impl Loader<Uuid> for BaseManagersLoader {
    type Value = Vec<user::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::base::managers_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Bases by id (the directory is public).
pub struct BaseLoader(pub DatabaseConnection);

impl Loader<Uuid> for BaseLoader {
    type Value = base::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::base::by_ids(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}
