//! Loaders of the catalog domain. Products carry the request's caller and apply its scope
//! in SQL; profiles, partners, images and tags are read only through something already
//! scoped.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{api_key, partner, producer_profile, product, product_image};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::graphql::common::loaders::loader_error;
use crate::service::catalog;

/// Products by id, among those the caller may see.
pub struct ProductLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<Uuid> for ProductLoader {
    type Value = product::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::query::by_ids(&self.db, &self.actor, keys)
            .await
            .map_err(loader_error)
    }
}

/// Images by product id.
pub struct ProductImagesLoader(pub DatabaseConnection);

impl Loader<Uuid> for ProductImagesLoader {
    type Value = Vec<product_image::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::image::of_products(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Tags by product id.
pub struct ProductTagsLoader(pub DatabaseConnection);

impl Loader<Uuid> for ProductTagsLoader {
    type Value = Vec<String>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::product::tags_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Producer profiles by id.
pub struct ProducerLoader(pub DatabaseConnection);

impl Loader<Uuid> for ProducerLoader {
    type Value = producer_profile::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::producer::by_ids(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Partners by id.
pub struct PartnerLoader(pub DatabaseConnection);

impl Loader<Uuid> for PartnerLoader {
    type Value = partner::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::partner::by_ids(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// API keys by partner id.
pub struct PartnerKeysLoader(pub DatabaseConnection);

impl Loader<Uuid> for PartnerKeysLoader {
    type Value = Vec<api_key::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        catalog::partner::keys_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}
