//! The request's DataLoaders: every relation field resolves through one, so the number of
//! SQL statements depends on the query's depth, not on how many rows it returns. They fetch
//! when the request can add no more keys (see [`Batching`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::ErrorExtensions;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{base_focus_area, course_accessibility, trainee_interest};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::batching::Batching;
use crate::auth::Actor;
use crate::graphql::account::loaders::{UserBasesLoader, UserLoader};
use crate::graphql::base::loaders::{BaseLoader, BaseManagersLoader};
use crate::graphql::catalog::loaders::{
    PartnerKeysLoader, PartnerLoader, ProducerLoader, ProductImagesLoader, ProductLoader,
    ProductTagsLoader, TraineeProductCountLoader, TraineeProductsLoader,
};
use crate::graphql::course::loaders::{
    BaseCourseCountLoader, BaseCoursesLoader, CourseLoader, CourseSessionsLoader,
    EnrollmentCountLoader, EnrollmentPagesLoader,
};
use crate::graphql::report::loaders::{
    RegionReportChildrenLoader, TraineeOutcomesLoader, TraineeSupportsLoader,
};
use crate::graphql::star::loaders::StarLoaders;
use crate::graphql::trainee::loaders::{
    BaseTraineeCountLoader, BaseTraineesLoader, TraineeLoader, TraineeServicesLoader,
    TraineeWithBaseLoader,
};
use crate::service::lists::{self, ListTable};

/// One set per request, so nothing is cached across callers.
pub struct Loaders {
    pub user_bases: DataLoader<UserBasesLoader>,
    pub base_managers: DataLoader<BaseManagersLoader>,
    pub bases: DataLoader<BaseLoader>,
    pub users: DataLoader<UserLoader>,
    pub trainees: DataLoader<TraineeLoader>,
    /// Trainees with their bases, for a `trainee(id:)` that asks for its base.
    pub trainees_with_base: DataLoader<TraineeWithBaseLoader>,
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
    /// The star domain's loaders.
    pub stars: StarLoaders,
    pub products: DataLoader<ProductLoader>,
    pub product_images: DataLoader<ProductImagesLoader>,
    pub product_tags: DataLoader<ProductTagsLoader>,
    pub producers: DataLoader<ProducerLoader>,
    pub partners: DataLoader<PartnerLoader>,
    pub partner_keys: DataLoader<PartnerKeysLoader>,
    pub trainee_products: DataLoader<TraineeProductsLoader>,
    pub trainee_product_counts: DataLoader<TraineeProductCountLoader>,
    pub trainee_supports: DataLoader<TraineeSupportsLoader>,
    pub trainee_outcomes: DataLoader<TraineeOutcomesLoader>,
    pub region_report_children: DataLoader<RegionReportChildrenLoader>,
}

impl Loaders {
    /// Fresh loaders over `db` for `actor`, fetching on `batching`'s clock.
    pub fn new(db: &DatabaseConnection, batching: &Arc<Batching>, actor: &Actor) -> Self {
        Loaders {
            user_bases: loader(UserBasesLoader(db.clone()), batching),
            base_managers: loader(BaseManagersLoader(db.clone()), batching),
            bases: loader(BaseLoader(db.clone()), batching),
            users: loader(UserLoader(db.clone()), batching),
            trainees: loader(
                TraineeLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainees_with_base: loader(
                TraineeWithBaseLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainee_services: loader(TraineeServicesLoader(db.clone()), batching),
            base_trainees: loader(
                BaseTraineesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            base_trainee_counts: loader(
                BaseTraineeCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            courses: loader(CourseLoader(db.clone()), batching),
            course_features: loader(ListLoader::new(db), batching),
            course_sessions: loader(CourseSessionsLoader(db.clone()), batching),
            enrollment_pages: loader(
                EnrollmentPagesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            enrollment_counts: loader(
                EnrollmentCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            base_courses: loader(
                BaseCoursesLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            base_course_counts: loader(
                BaseCourseCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainee_interests: loader(ListLoader::new(db), batching),
            base_focus_areas: loader(ListLoader::new(db), batching),
            stars: StarLoaders::new(db, batching, actor),
            products: loader(
                ProductLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            product_images: loader(ProductImagesLoader(db.clone()), batching),
            product_tags: loader(ProductTagsLoader(db.clone()), batching),
            producers: loader(ProducerLoader(db.clone()), batching),
            partners: loader(PartnerLoader(db.clone()), batching),
            partner_keys: loader(PartnerKeysLoader(db.clone()), batching),
            trainee_products: loader(
                TraineeProductsLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainee_product_counts: loader(
                TraineeProductCountLoader {
                    db: db.clone(),
                    actor: actor.clone(),
                },
                batching,
            ),
            trainee_supports: loader(TraineeSupportsLoader(db.clone()), batching),
            trainee_outcomes: loader(TraineeOutcomesLoader(db.clone()), batching),
            region_report_children: loader(RegionReportChildrenLoader(db.clone()), batching),
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

/// A loader whose fetches start on `batching`'s clock; its own delay is zero.
pub fn loader<T: Send + Sync + 'static>(inner: T, batching: &Arc<Batching>) -> DataLoader<T> {
    let batching = batching.clone();
    DataLoader::new(inner, move |fetch| batching.spawn(fetch)).delay(Duration::ZERO)
}

/// The object `key` names, read through `loader` and exposed as `wrap` makes it, for a
/// relation that must exist: a row the caller may not see (or one gone since) is
/// `NOT_FOUND`, not a null the schema does not allow.
pub async fn required<K, L, T>(
    loader: &DataLoader<L>,
    key: K,
    wrap: impl FnOnce(L::Value) -> T,
) -> async_graphql::Result<T>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K, Error = async_graphql::Error>,
{
    loader
        .load_one(key)
        .await?
        .map(wrap)
        .ok_or_else(|| crate::error::AppError::NotFound.extend())
}

/// A loader failure as a GraphQL error; database failures are logged and shown as `INTERNAL`.
pub fn loader_error(err: impl Into<crate::error::AppError>) -> async_graphql::Error {
    async_graphql::ErrorExtensions::extend(&err.into())
}
