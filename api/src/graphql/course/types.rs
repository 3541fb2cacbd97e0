//! Types of the course domain.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Lookahead, Object, SimpleObject};
use entity::{course, course_session, enrollment};

use uuid::Uuid;

use super::loaders::{BaseCoursesKey, EnrollmentCountKey, EnrollmentParent, EnrollmentsKey};
use crate::auth::Actor;
use crate::error::GqlResultExt;
use crate::graphql::account::types::User;
use crate::graphql::base::types::{IncubationBase, TrainingCategory};
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::loaders::required;
use crate::graphql::common::pagination::{KeyConnection, TotalCount, connection, page_args};
use crate::graphql::common::scalars::{Date, DateTime};
use crate::graphql::common::{ContextExt, Payload, UserError};
use crate::graphql::trainee::types::{Trainee, columns_for};
use crate::service::course::{AttendanceRecorded, CertificateCheck, PagedEnrollment, WithTrainees};
use crate::service::page::Page;
use crate::service::trainee::TraineeRow;

/// How a course is delivered.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::DeliveryMode")]
pub enum DeliveryMode {
    /// 线上.
    Online,
    /// 线下.
    Offline,
    /// 线上线下结合.
    Hybrid,
}

/// What a course offers so that people with a given disability can take part.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::AccessibilityFeature")]
pub enum AccessibilityFeature {
    /// Sign language interpretation (手语翻译), for deaf trainees.
    SignLanguage,
    /// Captions (字幕), for deaf and speech-impaired trainees.
    Captions,
    /// Audio-first material and audio description (口述影像), for blind trainees.
    AudioDescription,
    /// Content that works with screen readers (读屏友好), for blind trainees.
    ScreenReaderFriendly,
    /// Easy-read material (易读材料), for trainees with intellectual disabilities.
    EasyRead,
    /// A wheelchair-accessible venue (无障碍场地).
    WheelchairAccessible,
}

/// Life of a course: DRAFT → OPEN → CLOSED → ARCHIVED, one step at a time.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CourseStatus")]
pub enum CourseStatus {
    /// Being prepared; only its managers see it.
    Draft,
    /// Taking enrolments; visible to everyone.
    Open,
    /// No new enrolments; sessions, attendance and completion go on.
    Closed,
    /// Finished and kept for the record.
    Archived,
}

/// Where a trainee stands in a course.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::EnrollmentStatus")]
pub enum EnrollmentStatus {
    /// Has a seat.
    Enrolled,
    /// Finished, with a certificate number.
    Completed,
    /// Left the course; the seat was freed.
    Dropped,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Course(pub course::Model);

/// A training course of a base, or a network-wide online course run by a federation (no
/// base). OPEN courses are public; others are seen by those who manage them and, for a
/// trainee, the courses it takes.
#[Object]
impl Course {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Title of the course.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the course teaches.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The kind of online work taught.
    async fn category(&self) -> TrainingCategory {
        self.0.category.into()
    }

    /// Online, offline or hybrid.
    async fn delivery_mode(&self) -> DeliveryMode {
        self.0.delivery_mode.into()
    }

    /// The accessibility the course offers.
    async fn accessibility(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<AccessibilityFeature>> {
        let features = ctx
            .loaders()
            .course_features
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(features.into_iter().map(Into::into).collect())
    }

    /// The base running the course; null for a network-wide course.
    async fn base(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<IncubationBase>> {
        match self.0.base_id {
            None => Ok(None),
            Some(id) => Ok(ctx.loaders().bases.load_one(id).await?.map(IncubationBase)),
        }
    }

    /// Who teaches it (an INSTRUCTOR or BASE_MANAGER account). Shown to signed-in people;
    /// null for anonymous callers and partners, who see no accounts.
    async fn instructor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let sees_accounts = matches!(
            ctx.actor()?,
            Actor::User(user) if user.role != entity::Role::Partner
        );
        match self.0.instructor_id {
            Some(id) if sees_accounts => Ok(ctx.loaders().users.load_one(id).await?.map(User)),
            _ => Ok(None),
        }
    }

    /// Class hours (课时).
    async fn hours(&self) -> i32 {
        self.0.hours
    }

    /// Seats; null means no limit.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }

    /// Seats taken by enrolled and completed trainees.
    async fn seats_taken(&self) -> i32 {
        self.0.seats_taken
    }

    /// First day.
    async fn starts_on(&self) -> Option<Date> {
        self.0.starts_on.map(Date)
    }

    /// Last day.
    async fn ends_on(&self) -> Option<Date> {
        self.0.ends_on.map(Date)
    }

    /// Where the course is in its life.
    async fn status(&self) -> CourseStatus {
        self.0.status.into()
    }

    /// Scheduled sessions, by start time.
    async fn sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CourseSession>> {
        let sessions = ctx
            .loaders()
            .course_sessions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(sessions.into_iter().map(CourseSession).collect())
    }

    /// The course's enrolments you may see, oldest first: all of them for its managers and
    /// instructor, a trainee's own for a TRAINEE. One statement serves every course of a list.
    async fn enrollments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the edge to continue after.")] after: Option<String>,
    ) -> async_graphql::Result<EnrollmentConnection> {
        enrollment_connection(ctx, EnrollmentParent::Course, self.0.id, first, after).await
    }

    /// Changes with every update; send it back with `updateCourse`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the course was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When the course was last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}

/// A page of courses.
pub type CourseConnection = KeyConnection<Course>;

/// The stored row, exposed through the `#[Object]` impl below.
pub struct CourseSession(pub course_session::Model);

/// One scheduled session of a course.
#[Object]
impl CourseSession {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The course it belongs to.
    async fn course(&self, ctx: &Context<'_>) -> async_graphql::Result<Course> {
        required(&ctx.loaders().courses, self.0.course_id, Course).await
    }

    /// When it starts.
    async fn starts_at(&self) -> DateTime {
        self.0.starts_at.into()
    }

    /// When it ends.
    async fn ends_at(&self) -> DateTime {
        self.0.ends_at.into()
    }

    /// What it covers.
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }

    /// Where it takes place (a room, or a meeting link for online sessions).
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
}

/// The stored row, exposed through the `#[Object]` impl below, with its trainee when a page
/// read it joined.
#[derive(Clone)]
pub struct Enrollment {
    row: enrollment::Model,
    trainee: Option<Arc<TraineeRow>>,
}

impl From<enrollment::Model> for Enrollment {
    fn from(row: enrollment::Model) -> Self {
        Enrollment { row, trainee: None }
    }
}

impl From<PagedEnrollment> for Enrollment {
    fn from(paged: PagedEnrollment) -> Self {
        Enrollment {
            row: paged.enrollment,
            trainee: paged.trainee,
        }
    }
}

/// A trainee's place in a course.
#[Object]
impl Enrollment {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }

    /// Who is enrolled.
    async fn trainee(&self, ctx: &Context<'_>) -> async_graphql::Result<Trainee> {
        if let Some(trainee) = &self.trainee {
            return Ok(Trainee::from(trainee.clone()));
        }
        required(&ctx.loaders().trainees, self.row.trainee_id, Trainee::from).await
    }

    /// The course.
    async fn course(&self, ctx: &Context<'_>) -> async_graphql::Result<Course> {
        required(&ctx.loaders().courses, self.row.course_id, Course).await
    }

    /// Enrolled, completed or dropped.
    async fn status(&self) -> EnrollmentStatus {
        self.row.status.into()
    }

    /// When the seat was taken (last taken, for a re-enrolment).
    async fn enrolled_at(&self) -> DateTime {
        self.row.enrolled_at.into()
    }

    /// When the course was completed.
    async fn completed_at(&self) -> Option<DateTime> {
        self.row.completed_at.map(Into::into)
    }

    /// Sessions of the course the trainee attended.
    async fn attended_sessions(&self) -> i32 {
        self.row.attended_sessions
    }

    /// Final score 0–100, if one was given at completion.
    async fn score(&self) -> Option<i32> {
        self.row.score
    }

    /// The certificate number issued at completion, e.g. `QH-2026-7K3F-9Q2M`; anyone can
    /// check it with `verifyCertificate`.
    async fn certificate_number(&self) -> Option<&str> {
        self.row.certificate_number.as_deref()
    }
}

/// A page of enrolments.
pub type EnrollmentConnection = KeyConnection<Enrollment>;

/// A nested `enrollments` connection of a course or a trainee, through the batching loaders.
pub async fn enrollment_connection(
    ctx: &Context<'_>,
    parent: EnrollmentParent,
    id: Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<EnrollmentConnection> {
    ctx.actor()?;
    let args = page_args(first, after, None, None).gql()?;
    let loaders = ctx.loaders().clone();
    // Asked for the trainees, the page reads them joined: one statement, not two in a row.
    let selection = ctx.look_ahead();
    let trainees = [
        selection.field("nodes").field("trainee"),
        selection.field("edges").field("node").field("trainee"),
    ];
    let with_trainees = if trainees.iter().any(Lookahead::exists) {
        WithTrainees::Yes(columns_for(trainees))
    } else {
        WithTrainees::No
    };
    let key = EnrollmentsKey {
        parent,
        id,
        args: args.clone(),
        with_trainees,
    };
    let page = loaders
        .enrollment_pages
        .load_one(key)
        .await?
        .unwrap_or_else(|| Page::empty(&args));
    let total = TotalCount::new(move || {
        let loaders = loaders.clone();
        Box::pin(async move {
            let key = EnrollmentCountKey { parent, id };
            Ok(loaders.enrollment_counts.load_one(key).await?.unwrap_or(0))
        })
    });
    Ok(connection(page, |e| e.row.id, |e| e, total))
}

/// A nested `courses` connection of a base, through the batching loaders.
pub async fn base_course_connection(
    ctx: &Context<'_>,
    base_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<CourseConnection> {
    ctx.actor()?;
    let args = page_args(first, after, None, None).gql()?;
    let loaders = ctx.loaders().clone();
    let key = BaseCoursesKey {
        base_id,
        args: args.clone(),
    };
    let page = loaders
        .base_courses
        .load_one(key)
        .await?
        .unwrap_or_else(|| Page::empty(&args));
    let total = TotalCount::new(move || {
        let loaders = loaders.clone();
        Box::pin(async move {
            Ok(loaders
                .base_course_counts
                .load_one(base_id)
                .await?
                .unwrap_or(0))
        })
    });
    Ok(connection(page, |c| c.id, Course, total))
}

/// What a certificate number shows to anyone who holds it: the training, and the holder's
/// name masked. Nothing else about the person.
#[derive(SimpleObject)]
pub struct CertificateVerification {
    /// The number checked, normalised.
    pub certificate_number: String,
    /// Title of the completed course.
    pub course_title: String,
    /// The kind of online work it taught.
    pub category: TrainingCategory,
    /// The base that ran it; null for a network-wide course.
    pub base_name: Option<String>,
    /// Class hours.
    pub hours: i32,
    /// The day it was completed (China time).
    pub completed_on: Date,
    /// The holder's name with all but the first and last character hidden, e.g. `王*明`.
    pub holder_name: String,
}

impl From<CertificateCheck> for CertificateVerification {
    fn from(check: CertificateCheck) -> Self {
        CertificateVerification {
            certificate_number: check.certificate_number,
            course_title: check.course_title,
            category: check.category.into(),
            base_name: check.base_name,
            hours: check.hours,
            completed_on: Date(check.completed_on),
            holder_name: check.holder_name,
        }
    }
}

/// Result of `createCourse` and `updateCourse`.
#[derive(SimpleObject)]
pub struct CoursePayload {
    /// The course as saved.
    pub course: Option<Course>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(CoursePayload, course: course::Model => Course);

/// Result of `addCourseSession`.
#[derive(SimpleObject)]
pub struct SessionPayload {
    /// The scheduled session.
    pub session: Option<CourseSession>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(SessionPayload, session: course_session::Model => CourseSession);

/// Result of `enroll`, `completeEnrollment` and `dropEnrollment`.
#[derive(SimpleObject)]
pub struct EnrollmentPayload {
    /// The enrolment as saved.
    pub enrollment: Option<Enrollment>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(EnrollmentPayload, enrollment: enrollment::Model => Enrollment::from);

/// Result of `recordAttendance`.
#[derive(SimpleObject, Default)]
pub struct AttendancePayload {
    /// Listed trainees whose attendance now stands recorded (recording again is harmless
    /// and stores nothing new).
    pub recorded: i32,
    /// Listed trainees not enrolled in the course, with `field` `["input", "traineeIds",
    /// "<position>"]`; the others were recorded.
    pub user_errors: Vec<UserError>,
}

impl Payload for AttendancePayload {
    type Value = AttendanceRecorded;

    fn ok(result: AttendanceRecorded) -> Self {
        AttendancePayload {
            recorded: i32::try_from(result.recorded).unwrap_or(i32::MAX),
            user_errors: result.refused.into_iter().map(Into::into).collect(),
        }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        AttendancePayload {
            recorded: 0,
            user_errors,
        }
    }
}
