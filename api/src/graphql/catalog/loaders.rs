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
use crate::service::page::{Page, PageArgs};

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

/// One trainee's page of a nested `products` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TraineeProductsKey {
    pub trainee_id: Uuid,
    pub args: PageArgs,
}

/// Pages of products per trainee: one statement for all trainees asking the same page.
pub struct TraineeProductsLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<TraineeProductsKey> for TraineeProductsLoader {
    type Value = Page<product::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[TraineeProductsKey],
    ) -> Result<HashMap<TraineeProductsKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<&PageArgs, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.args).or_default().push(key.trainee_id);
        }
        let mut pages = HashMap::new();
        for (args, trainee_ids) in groups {
            let by_trainee =
                catalog::query::first_per_trainee(&self.db, &self.actor, &trainee_ids, args)
                    .await
                    .map_err(loader_error)?;
            for (trainee_id, page) in by_trainee {
                let key = TraineeProductsKey {
                    trainee_id,
                    args: args.clone(),
                };
                pages.insert(key, page);
            }
        }
        Ok(pages)
    }
}

/// Visible product counts per trainee, in one grouped statement.
pub struct TraineeProductCountLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<Uuid> for TraineeProductCountLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let counts = catalog::query::count_per_trainee(&self.db, &self.actor, keys)
            .await
            .map_err(loader_error)?;
        Ok(keys
            .iter()
            .map(|id| (*id, counts.get(id).copied().unwrap_or(0)))
            .collect())
    }
}
