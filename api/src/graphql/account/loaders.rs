//! Loaders of the account domain: users by id and the bases each user works at.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{base, user};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::graphql::common::loaders::loader_error;
use crate::service;

/// Bases by user id.
pub struct UserBasesLoader(pub DatabaseConnection);

impl Loader<Uuid> for UserBasesLoader {
    type Value = Vec<base::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::account::bases_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Users by id, for "recorded by" and "revealed by".
pub struct UserLoader(pub DatabaseConnection);

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::account::by_ids(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}
