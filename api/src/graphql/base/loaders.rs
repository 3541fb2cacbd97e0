//! Loaders of the base domain: bases by id and the managers of each base.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

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
pub struct BaseLoader {
    db: DatabaseConnection,
    /// Bases another statement of this request already read (a trainee's, joined to it),
    /// handed over to the next load that asks for them instead of being read again.
    handed_over: Mutex<HashMap<Uuid, base::Model>>,
}

impl BaseLoader {
    pub fn new(db: DatabaseConnection) -> Self {
        BaseLoader {
            db,
            handed_over: Mutex::new(HashMap::new()),
        }
    }

    /// Gives the next load of `base.id` this row, read by the request a moment ago.
    pub fn hand_over(&self, base: base::Model) {
        self.handed_over
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(base.id, base);
    }
}

impl Loader<Uuid> for BaseLoader {
    type Value = base::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing = Vec::new();
        {
            let mut handed_over = self
                .handed_over
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for key in keys {
                match handed_over.remove(key) {
                    Some(base) => {
                        found.insert(*key, base);
                    }
                    None => missing.push(*key),
                }
            }
        }
        if !missing.is_empty() {
            let read = service::base::by_ids(&self.db, &missing)
                .await
                .map_err(loader_error)?;
            found.extend(read);
        }
        Ok(found)
    }
}
