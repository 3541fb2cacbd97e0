//! Loaders of the report domain.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{outcome, support_record};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::graphql::common::loaders::loader_error;
use crate::service;

/// Support records by trainee id (the trainee is already visible to the caller).
pub struct TraineeSupportsLoader(pub DatabaseConnection);

impl Loader<Uuid> for TraineeSupportsLoader {
    type Value = Vec<support_record::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::report::supports_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Outcomes by trainee id (the trainee is already visible to the caller).
pub struct TraineeOutcomesLoader(pub DatabaseConnection);

impl Loader<Uuid> for TraineeOutcomesLoader {
    type Value = Vec<outcome::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::report::outcomes_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// The child regions' reports of a parent region and year: per year, one set of grouped
/// statements for every parent of a request level. The parents' reports were allowed, so
/// their children's are too.
pub struct RegionReportChildrenLoader(pub DatabaseConnection);

impl Loader<(String, i32)> for RegionReportChildrenLoader {
    type Value = Vec<service::report::RegionReport>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(String, i32)],
    ) -> Result<HashMap<(String, i32), Self::Value>, Self::Error> {
        let mut by_year: HashMap<i32, Vec<String>> = HashMap::new();
        for (code, year) in keys {
            by_year.entry(*year).or_default().push(code.clone());
        }
        let mut out = HashMap::new();
        for (year, parents) in by_year {
            let children = service::report::children_reports(&self.0, &parents, year)
                .await
                .map_err(loader_error)?;
            out.extend(
                children
                    .into_iter()
                    .map(|(parent, reports)| ((parent, year), reports)),
            );
        }
        Ok(out)
    }
}
