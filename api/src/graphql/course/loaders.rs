//! Loaders of the course domain. Those returning lists of a parent's courses or enrolments
//! carry the request's caller and apply its scope in SQL.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{AccessibilityFeature, course, course_session};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::graphql::common::loaders::loader_error;
use crate::service;

/// Courses by id, for sessions and enrolments the caller already sees.
pub struct CourseLoader(pub DatabaseConnection);

impl Loader<Uuid> for CourseLoader {
    type Value = course::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::course::by_ids(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Accessibility features by course id.
pub struct CourseFeaturesLoader(pub DatabaseConnection);

impl Loader<Uuid> for CourseFeaturesLoader {
    type Value = Vec<AccessibilityFeature>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::course::features_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}

/// Sessions by course id.
pub struct CourseSessionsLoader(pub DatabaseConnection);

impl Loader<Uuid> for CourseSessionsLoader {
    type Value = Vec<course_session::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::course::sessions_of(&self.0, keys)
            .await
            .map_err(loader_error)
    }
}
