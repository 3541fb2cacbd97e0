//! Loaders for regions by code and for the children of a region.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::region;
use sea_orm::DatabaseConnection;

use crate::graphql::common::loaders::loader_error;
use crate::service;

/// Regions by code.
pub struct RegionLoader(pub DatabaseConnection);

impl Loader<String> for RegionLoader {
    type Value = region::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        service::region::by_codes(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// The children of regions, by parent code.
pub struct RegionChildrenLoader(pub DatabaseConnection);

impl Loader<String> for RegionChildrenLoader {
    type Value = Vec<region::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        service::region::children_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}
