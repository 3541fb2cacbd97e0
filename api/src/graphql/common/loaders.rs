//! The request's DataLoaders: every relation field resolves through one, so the number of
//! SQL statements depends on the query's depth, not on how many rows it returns.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{base_focus_area, course_accessibility, trainee_interest};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::graphql::account::loaders::{UserBasesLoader, UserLoader};
use crate::graphql::base::loaders::{BaseLoader, BaseManagersLoader};
use crate::graphql::course::loaders::{
    BaseCourseCountLoader, BaseCoursesLoader, CourseLoader, CourseSessionsLoader,
    EnrollmentCountLoader, EnrollmentPagesLoader,
};
use crate::graphql::region::loaders::{RegionChildrenLoader, RegionLoader};
use crate::graphql::report::loaders::{
    RegionReportChildrenLoader, TraineeOutcomesLoader, TraineeSupportsLoader,
};
use crate::graphql::trainee::loaders::{
    BaseTraineeCountLoader, BaseTraineesLoader, TraineeLoader, TraineeServicesLoader,
};
use crate::service::lists::{self, ListTable};

/// One set per request, so nothing is cached across callers.
pub struct Loaders {
    pub regions: DataLoader<RegionLoader>,
    pub region_children: DataLoader<RegionChildrenLoader>,
    pub user_bases: DataLoader<UserBasesLoader>,
    pub base_managers: DataLoader<BaseManagersLoader>,
    pub bases: DataLoader<BaseLoader>,
    pub users: DataLoader<UserLoader>,
    pub trainees: DataLoader<TraineeLoader>,
    pub trainee_services: DataLoader<TraineeServicesLoader>,
    pub base_trainees: DataLoader<BaseTraineesLoader>,
    pub base_trainee_counts: DataLoader<BaseTraineeCountLoader>,
    pub courses: DataLoader<CourseLoader>,
    pub course_features: DataLoader<ListLoader<course_accessibility::Entity>>,
    pub course_sessions: DataLoader<CourseSessionsLoader>,
    pub enrollment_pages: DataLoader<EnrollmentPagesLoader>,
    pub enrollment_counts: DataLoader<EnrollmentCountLoader>,
    pub base_courses: DataLoader<BaseCoursesLoader>,
    pub base_course_counts: DataLoader<BaseCourseCountLoader>,
    pub trainee_interests: DataLoader<ListLoader<trainee_interest::Entity>>,
    pub base_focus_areas: DataLoader<ListLoader<base_focus_area::Entity>>,
    pub trainee_supports: DataLoader<TraineeSupportsLoader>,
    pub trainee_outcomes: DataLoader<TraineeOutcomesLoader>,
    pub region_report_children: DataLoader<RegionReportChildrenLoader>,
}

impl Loaders {
    /// Fresh loaders over `db` for `actor`, gathering keys for `delay` before each batch.
    pub fn new(db: &DatabaseConnection, delay: Duration, actor: &Actor) -> Self {
        fn loader<T>(inner: T, delay: Duration) -> DataLoader<T>
        where
            T: Send + Sync + 'static,
        {
            DataLoader::new(inner, tokio::spawn).delay(delay)
        }
        Loaders {
            regions: loader(RegionLoader(db.clone()), delay),
            region_children: loader(RegionChildrenLoader(db.clone()), delay),
            user_bases: loader(UserBasesLoader(db.clone()), delay),
            base_managers: loader(BaseManagersLoader(db.clone()), delay),
            bases: loader(BaseLoader(db.clone()), delay),
            users: loader(UserLoader(db.clone()), delay),
            trainees: loader(
                TraineeLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            trainee_services: loader(TraineeServicesLoader(db.clone()), delay),
            base_trainees: loader(
                BaseTraineesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            base_trainee_counts: loader(
                BaseTraineeCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            courses: loader(CourseLoader(db.clone()), delay),
            course_features: loader(ListLoader::new(db), delay),
            course_sessions: loader(CourseSessionsLoader(db.clone()), delay),
            enrollment_pages: loader(
                EnrollmentPagesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            enrollment_counts: loader(
                EnrollmentCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            base_courses: loader(
                BaseCoursesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            base_course_counts: loader(
                BaseCourseCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                delay,
            ),
            trainee_interests: loader(ListLoader::new(db), delay),
            base_focus_areas: loader(ListLoader::new(db), delay),
            trainee_supports: loader(TraineeSupportsLoader(db.clone()), delay),
            trainee_outcomes: loader(TraineeOutcomesLoader(db.clone()), delay),
            region_report_children: loader(RegionReportChildrenLoader(db.clone()), delay),
        }
    }
}

/// The lists of a join table (e.g. trainees' interests) by owner id: one statement for all
/// owners of a request level. Owners must already be visible to the caller.
pub struct ListLoader<L> {
    db: DatabaseConnection,
    table: PhantomData<fn() -> L>,
}

impl<L> ListLoader<L> {
    /// A loader over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        ListLoader {
            db: db.clone(),
            table: PhantomData,
        }
    }
}

impl<L: ListTable> Loader<Uuid> for ListLoader<L> {
    type Value = Vec<L::Value>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        lists::load::<L>(&self.db, keys).await.map_err(loader_error)
    }
}

/// A loader failure as a GraphQL error; database failures are logged and shown as `INTERNAL`.
pub fn loader_error(err: impl Into<crate::error::AppError>) -> async_graphql::Error {
    async_graphql::ErrorExtensions::extend(&err.into())
}
