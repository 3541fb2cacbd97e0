//! Course queries and the public certificate check. Out-of-scope courses are null or
//! absent, never an error.

use super::inputs::CourseFilter;
use super::types::{CertificateVerification, Course, CourseConnection};
use crate::error::{AppError, GqlResultExt};
use crate::graphql::common::context::ClientAddress;
use crate::graphql::common::pagination::{
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TotalCount, connection, page_args,
};
use crate::graphql::common::{ContextExt, ids};
use crate::service;
use async_graphql::{Context, ErrorExtensions, ID, Object};

/// Course queries.
#[derive(Default)]
pub struct CourseQuery;

#[Object]
impl CourseQuery {
    /// One course, if you may see it (OPEN courses are public); null otherwise.
    async fn course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its id.")] id: ID,
    ) -> async_graphql::Result<Option<Course>> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        Ok(service::course::get(ctx.db(), actor, id)
            .await
            .gql()?
            .map(Course))
    }

    /// The courses you may see, oldest first: OPEN courses for everyone, and the courses you
    /// manage (ADMIN in its region, BASE_MANAGER at its bases, INSTRUCTOR its own) or take.
    async fn courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size counted back from `before`, at most 100.")] last: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue before.")] before: Option<String>,
        #[graphql(desc = "Conditions the courses must meet.")] filter: Option<CourseFilter>,
    ) -> async_graphql::Result<CourseConnection> {
        let actor = ctx.actor()?.clone();
        let args = page_args(first, after, last, before).gql()?;
        let filter = filter.unwrap_or_default().into_service().gql()?;
        let page = service::course::list(ctx.db(), &actor, &filter, &args)
            .await
            .gql()?;
        let db = ctx.db().clone();
        let total = TotalCount::new(move || {
            let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
            Box::pin(async move { service::course::count(&db, &actor, &filter).await.gql() })
        });
        Ok(connection(page, |c| c.id, Course, total))
    }

    /// Courses a trainee you may see could join now and that fit its disability (see
    /// `CourseFilter.accessibleFor`): OPEN, of its base or network-wide, with a free seat and
    /// not already taken. Courses in a category of the trainee's interests come first, then
    /// the soonest start. Empty for a trainee you may not see.
    async fn recommended_courses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The trainee.")] trainee_id: ID,
        #[graphql(desc = "How many, at most 100 (default 20).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Course>> {
        let actor = ctx.actor()?;
        let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(0..=MAX_PAGE_SIZE).contains(&first) {
            return Err(AppError::BadUserInput(format!(
                "`first` must be between 0 and {MAX_PAGE_SIZE}"
            ))
            .extend());
        }
        let trainee_id = ids::arg("traineeId", &trainee_id).gql()?;
        let courses = service::course::recommended(ctx.db(), actor, trainee_id, first as u64)
            .await
            .gql()?;
        Ok(courses.into_iter().map(Course).collect())
    }

    /// Checks a certificate number without an account (for employers and partners): the
    /// course, hours, completion date and the holder's masked name, or null for an unknown
    /// number. Rate limited per client address (`RATE_LIMITED`).
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate number, e.g. \"QH-2026-7K3F-9Q2M\".")] number: String,
    ) -> async_graphql::Result<Option<CertificateVerification>> {
        ctx.state()
            .certificate_checks
            .check(ctx.data_opt::<ClientAddress>().and_then(|c| c.0))
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs }.extend())?;
        Ok(service::course::verify_certificate(ctx.db(), &number)
            .await
            .gql()?
            .map(Into::into))
    }
}
