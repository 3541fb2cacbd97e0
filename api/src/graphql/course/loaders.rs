//! Loaders of the course domain. Those returning lists of a parent's courses or enrolments
//! carry the request's caller and apply its scope in SQL.

use std::collections::HashMap;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::Loader;
use entity::{course, course_session};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::types::Enrollment;
use crate::auth::Actor;
use crate::graphql::common::loaders::loader_error;
use crate::service;
use crate::service::course::WithTrainees;
use crate::service::page::{Page, PageArgs};

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

/// Whose enrolments a nested `enrollments` connection lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrollmentParent {
    Course,
    Trainee,
}

/// One parent's page of a nested `enrollments` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnrollmentsKey {
    pub parent: EnrollmentParent,
    pub id: Uuid,
    pub args: PageArgs,
    /// Whether the page's selection asks for each enrolment's trainee.
    pub with_trainees: WithTrainees,
}

/// Pages of enrolments per course or per trainee: one statement for all parents of a kind
/// asking the same page, which also reads the trainees when the selection asks for them.
pub struct EnrollmentPagesLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<EnrollmentsKey> for EnrollmentPagesLoader {
    type Value = Page<Enrollment>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[EnrollmentsKey],
    ) -> Result<HashMap<EnrollmentsKey, Self::Value>, Self::Error> {
        type Group<'a> = (EnrollmentParent, &'a PageArgs, WithTrainees);
        let mut groups: HashMap<Group<'_>, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.parent, &key.args, key.with_trainees))
                .or_default()
                .push(key.id);
        }
        let mut pages = HashMap::new();
        for ((parent, args, with_trainees), ids) in groups {
            let (db, actor) = (&self.db, &self.actor);
            let by_parent = match parent {
                EnrollmentParent::Course => {
                    service::course::enrollments_per_course(db, actor, &ids, args, with_trainees)
                        .await
                }
                EnrollmentParent::Trainee => {
                    service::course::enrollments_per_trainee(db, actor, &ids, args, with_trainees)
                        .await
                }
            }
            .map_err(|e| e.extend())?;
            for (id, page) in by_parent {
                let key = EnrollmentsKey {
                    parent,
                    id,
                    args: args.clone(),
                    with_trainees,
                };
                pages.insert(key, page.map(Enrollment::from));
            }
        }
        Ok(pages)
    }
}

/// One parent's `totalCount` of a nested `enrollments` connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnrollmentCountKey {
    pub parent: EnrollmentParent,
    pub id: Uuid,
}

/// Enrolment counts per course or per trainee: one grouped statement per kind of parent.
pub struct EnrollmentCountLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<EnrollmentCountKey> for EnrollmentCountLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[EnrollmentCountKey],
    ) -> Result<HashMap<EnrollmentCountKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<EnrollmentParent, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(key.parent).or_default().push(key.id);
        }
        let mut counts = HashMap::new();
        for (parent, ids) in groups {
            let by_parent = match parent {
                EnrollmentParent::Course => {
                    service::course::count_per_course(&self.db, &self.actor, &ids).await
                }
                EnrollmentParent::Trainee => {
                    service::course::count_per_trainee(&self.db, &self.actor, &ids).await
                }
            }
            .map_err(loader_error)?;
            for id in ids {
                let count = by_parent.get(&id).copied().unwrap_or(0);
                counts.insert(EnrollmentCountKey { parent, id }, count);
            }
        }
        Ok(counts)
    }
}

/// One base's page of a nested `courses` connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseCoursesKey {
    pub base_id: Uuid,
    pub args: PageArgs,
}

/// Pages of the courses the caller may see per base: one statement for all bases asking the
/// same page.
pub struct BaseCoursesLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<BaseCoursesKey> for BaseCoursesLoader {
    type Value = Page<course::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[BaseCoursesKey],
    ) -> Result<HashMap<BaseCoursesKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<&PageArgs, Vec<Uuid>> = HashMap::new();
        for key in keys {
            groups.entry(&key.args).or_default().push(key.base_id);
        }
        let mut pages = HashMap::new();
        for (args, base_ids) in groups {
            let by_base = service::course::courses_per_base(&self.db, &self.actor, &base_ids, args)
                .await
                .map_err(|e| e.extend())?;
            for (base_id, page) in by_base {
                let key = BaseCoursesKey {
                    base_id,
                    args: args.clone(),
                };
                pages.insert(key, page);
            }
        }
        Ok(pages)
    }
}

/// How many courses the caller may see each base has: one grouped statement.
pub struct BaseCourseCountLoader {
    pub db: DatabaseConnection,
    pub actor: Actor,
}

impl Loader<Uuid> for BaseCourseCountLoader {
    type Value = u64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::course::count_per_base(&self.db, &self.actor, keys)
            .await
            .map_err(loader_error)
    }
}
