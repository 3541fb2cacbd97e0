//! Course mutations.

use async_graphql::{Context, Object};

use super::inputs::{
    AddSessionInput, CompleteEnrollmentInput, CreateCourseInput, DropEnrollmentInput, EnrollInput,
    RecordAttendanceInput, UpdateCourseInput,
};
use super::types::{AttendancePayload, CoursePayload, EnrollmentPayload, SessionPayload};
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service;
use crate::service::course::{CourseChanges, NewCourse, NewSession};

/// Course mutations.
#[derive(Default)]
pub struct CourseMutation;

#[Object]
impl CourseMutation {
    /// Creates a course (DRAFT) at a base you govern (ADMIN in its region, or its
    /// BASE_MANAGER), or a network-wide course without a base (ADMIN only).
    async fn create_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateCourseInput,
    ) -> async_graphql::Result<CoursePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let new_course = ids::input(|ids| NewCourse {
                    base_id: ids.optional("baseId", input.base_id.as_ref()),
                    title: input.title,
                    description: input.description,
                    category: input.category.into(),
                    delivery_mode: input.delivery_mode.into(),
                    accessibility: input
                        .accessibility
                        .unwrap_or_default()
                        .into_iter()
                        .map(Into::into)
                        .collect(),
                    instructor_id: ids.optional("instructorId", input.instructor_id.as_ref()),
                    hours: input.hours,
                    capacity: input.capacity,
                    starts_on: input.starts_on.map(|d| d.0),
                    ends_on: input.ends_on.map(|d| d.0),
                })?;
                service::course::create(ctx.db(), actor, new_course).await
            }
            .await,
        )
    }

    /// Changes a course you manage, guarded by `version`. Status moves one step at a time
    /// (DRAFT → OPEN → CLOSED → ARCHIVED; others give `INVALID_STATE`); capacity cannot drop
    /// below the seats taken. An INSTRUCTOR may edit its own courses but not reassign them.
    async fn update_course(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateCourseInput,
    ) -> async_graphql::Result<CoursePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let changes = ids::input(|ids| CourseChanges {
                    id: ids.one("id", &input.id),
                    version: input.version,
                    title: input.title,
                    description: input.description,
                    status: input.status.map(Into::into),
                    accessibility: input
                        .accessibility
                        .map(|a| a.into_iter().map(Into::into).collect()),
                    capacity: input.capacity,
                    instructor_id: ids.optional("instructorId", input.instructor_id.as_ref()),
                    starts_on: input.starts_on.map(|d| d.0),
                    ends_on: input.ends_on.map(|d| d.0),
                })?;
                service::course::update(ctx.db(), actor, changes).await
            }
            .await,
        )
    }

    /// Schedules a session of a course you manage (its instructor included).
    async fn add_course_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: AddSessionInput,
    ) -> async_graphql::Result<SessionPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let session = ids::input(|ids| NewSession {
                    course_id: ids.one("courseId", &input.course_id),
                    starts_at: input.starts_at.0,
                    ends_at: input.ends_at.0,
                    topic: input.topic,
                    location: input.location,
                })?;
                service::course::add_session(ctx.db(), actor, session).await
            }
            .await,
        )
    }

    /// Enrols a trainee in an OPEN course: a BASE_MANAGER its bases' trainees, an ADMIN those
    /// of its region, a TRAINEE itself. Once per trainee and course (`DUPLICATE`); never beyond
    /// capacity, even under concurrent requests (`CAPACITY_REACHED`).
    async fn enroll(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: EnrollInput,
    ) -> async_graphql::Result<EnrollmentPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let (course_id, trainee_id) = ids::input(|ids| {
                    (
                        ids.one("courseId", &input.course_id),
                        ids.one("traineeId", &input.trainee_id),
                    )
                })?;
                service::course::enroll(ctx.db(), actor, course_id, trainee_id).await
            }
            .await,
        )
    }

    /// Records who attended a session of a course you manage. Trainees not enrolled in the
    /// course are reported in `userErrors` by their position; the others are recorded.
    /// Recording the same trainee and session again changes nothing.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RecordAttendanceInput,
    ) -> async_graphql::Result<AttendancePayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let (session_id, trainee_ids) = ids::input(|ids| {
                    (
                        ids.one("sessionId", &input.session_id),
                        ids.list("traineeIds", &input.trainee_ids),
                    )
                })?;
                service::course::record_attendance(ctx.db(), actor, session_id, &trainee_ids).await
            }
            .await,
        )
    }

    /// Completes an enrolment in a course you manage, with an optional score 0–100, and
    /// issues its certificate number. Once only (`INVALID_STATE` after that).
    async fn complete_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CompleteEnrollmentInput,
    ) -> async_graphql::Result<EnrollmentPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let id = ids::input(|ids| ids.one("enrollmentId", &input.enrollment_id))?;
                service::course::complete(ctx.db(), actor, id, input.score).await
            }
            .await,
        )
    }

    /// Takes a trainee out of a course and frees its seat (whoever may enrol the trainee).
    /// A completed or dropped enrolment gives `INVALID_STATE`.
    async fn drop_enrollment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: DropEnrollmentInput,
    ) -> async_graphql::Result<EnrollmentPayload> {
        let actor = ctx.actor()?;
        respond(
            async {
                let id = ids::input(|ids| ids.one("enrollmentId", &input.enrollment_id))?;
                service::course::drop(ctx.db(), actor, id, input.reason).await
            }
            .await,
        )
    }
}
