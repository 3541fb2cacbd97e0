//! The schema: every domain's queries and mutations merged. The limits on an operation's
//! shape are checked in front of it, by [`super::guard::Gateway`].

use async_graphql::{MergedObject, MergedSubscription, Schema, Upload};

use super::account::{mutation::AccountMutation, query::AccountQuery};
use super::base::types::IncubationBaseConnection;
use super::base::{mutation::BaseMutation, query::BaseQuery};
use super::catalog::types::{InquiryConnection, ProductConnection};
use super::catalog::{
    mutation::CatalogMutation, query::CatalogQuery, subscription::CatalogSubscription,
};
use super::common::scalars::Decimal;
use super::course::types::{CourseConnection, EnrollmentConnection};
use super::course::{mutation::CourseMutation, query::CourseQuery};
use super::guard::limits::{MAX_DIRECTIVES, recursion_limit};
use super::region::query::RegionQuery;
use super::report::{mutation::ReportMutation, query::ReportQuery};
use super::star::types::{LivestreamConnection, StarConnection};
use super::star::{mutation::StarMutation, query::StarQuery, subscription::StarSubscription};
use super::trainee::imports::TraineeImportConnection;
use super::trainee::types::{IdentityRevealEntryConnection, TraineeConnection};
use super::trainee::{mutation::TraineeMutation, query::TraineeQuery};
use crate::config::Config;
use crate::state::AppState;

/// All queries.
#[derive(MergedObject, Default)]
pub struct Query(
    AccountQuery,
    RegionQuery,
    BaseQuery,
    TraineeQuery,
    CourseQuery,
    StarQuery,
    CatalogQuery,
    ReportQuery,
);

/// All mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AccountMutation,
    BaseMutation,
    TraineeMutation,
    CourseMutation,
    StarMutation,
    CatalogMutation,
    ReportMutation,
);

/// All subscriptions (served on `/graphql/ws`).
#[derive(MergedSubscription, Default)]
pub struct Subscription(StarSubscription, CatalogSubscription);

/// Qihang's GraphQL schema.
pub type QihangSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema for `config`; `state` is available to every resolver. No extension is
/// registered: with any, async-graphql runs every field's resolution through the extension
/// chain.
pub fn build_schema(config: &Config, state: Option<AppState>) -> QihangSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_recursive_depth(recursion_limit(config))
    .limit_directives(MAX_DIRECTIVES)
    .register_input_type::<Decimal>()
    .register_input_type::<Upload>()
    .override_output_type_description::<IncubationBaseConnection>("A page of incubation bases.")
    .override_output_type_description::<TraineeConnection>("A page of trainees.")
    .override_output_type_description::<CourseConnection>("A page of courses.")
    .override_output_type_description::<EnrollmentConnection>("A page of enrolments.")
    .override_output_type_description::<StarConnection>("A page of star profiles.")
    .override_output_type_description::<LivestreamConnection>("A page of livestreams.")
    .override_output_type_description::<ProductConnection>("A page of the catalog.")
    .override_output_type_description::<InquiryConnection>("A page of sourcing inquiries.")
    .override_output_type_description::<IdentityRevealEntryConnection>(
        "A page of the identity reveal audit log.",
    )
    .override_output_type_description::<TraineeImportConnection>(
        "A page of trainee import records.",
    );
    if !config.introspection_enabled() {
        // Suggestions ("did you mean …") would leak the schema that introspection hides.
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}
