//! Inputs of the course domain.

use async_graphql::{ID, InputObject};

use super::types::{AccessibilityFeature, CourseStatus, DeliveryMode};
use crate::error::AppError;
use crate::graphql::base::types::TrainingCategory;
use crate::graphql::common::ids;
use crate::graphql::common::scalars::{Date, DateTime};
use crate::graphql::trainee::types::DisabilityCategory;
use crate::service;

/// Filters of a course list; all given conditions must hold.
#[derive(InputObject, Default, Clone)]
pub struct CourseFilter {
    /// Courses of this base.
    pub base_id: Option<ID>,
    /// Courses of any of these categories.
    pub category: Option<Vec<TrainingCategory>>,
    /// Courses in any of these states.
    pub status: Option<Vec<CourseStatus>>,
    /// Courses that fit a trainee of this disability category: VISUAL needs audio
    /// description or screen-reader-friendly content; HEARING captions or sign language;
    /// SPEECH captions or online delivery; PHYSICAL online delivery or a wheelchair-accessible
    /// venue; INTELLECTUAL easy-read material; MENTAL and MULTIPLE any course.
    pub accessible_for: Option<DisabilityCategory>,
    /// Case-insensitive part of the title, e.g. "直播".
    pub search: Option<String>,
}

impl CourseFilter {
    /// The service filter; a malformed base id is `BAD_USER_INPUT`.
    pub fn into_service(self) -> Result<service::course::CourseFilter, AppError> {
        Ok(service::course::CourseFilter {
            base_id: ids::arg_opt("filter.baseId", self.base_id.as_ref())?,
            categories: self
                .category
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            status: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            accessible_for: self.accessible_for.map(Into::into),
            search: self.search,
        })
    }
}

/// A new course, for `createCourse`. It starts as DRAFT.
#[derive(InputObject)]
pub struct CreateCourseInput {
    /// The base running it (one you govern). Leave out for a network-wide course (ADMIN
    /// only), governed by your region.
    pub base_id: Option<ID>,
    /// 1–100 characters.
    pub title: String,
    /// Up to 2000 characters.
    pub description: Option<String>,
    /// The kind of online work taught.
    pub category: TrainingCategory,
    /// Online, offline or hybrid.
    pub delivery_mode: DeliveryMode,
    /// The accessibility the course offers.
    pub accessibility: Option<Vec<AccessibilityFeature>>,
    /// Who teaches it: an INSTRUCTOR or BASE_MANAGER working at the base.
    pub instructor_id: Option<ID>,
    /// Class hours, 1–10000.
    pub hours: i32,
    /// Seats, 1–100000; leave out for no limit.
    pub capacity: Option<i32>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day, not before the first.
    pub ends_on: Option<Date>,
}

/// Changes to a course, for `updateCourse`; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateCourseInput {
    /// The course.
    pub id: ID,
    /// The `version` you read; a stale one gives `STALE_VERSION`.
    pub version: i32,
    /// 1–100 characters.
    pub title: Option<String>,
    /// Up to 2000 characters; an empty string removes it.
    pub description: Option<String>,
    /// The next status (DRAFT → OPEN → CLOSED → ARCHIVED); any other move gives
    /// `INVALID_STATE`.
    pub status: Option<CourseStatus>,
    /// The full new list of accessibility features.
    pub accessibility: Option<Vec<AccessibilityFeature>>,
    /// Seats, not fewer than those taken.
    pub capacity: Option<i32>,
    /// A new instructor (not for instructors themselves).
    pub instructor_id: Option<ID>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day.
    pub ends_on: Option<Date>,
}

/// A session to schedule, for `addCourseSession`.
#[derive(InputObject)]
pub struct AddSessionInput {
    /// The course (one you manage).
    pub course_id: ID,
    /// Start; within the course's dates when they are set.
    pub starts_at: DateTime,
    /// End, after the start.
    pub ends_at: DateTime,
    /// What it covers, up to 200 characters.
    pub topic: Option<String>,
    /// Where (a room, or a meeting link), up to 200 characters.
    pub location: Option<String>,
}

/// An enrolment, for `enroll`.
#[derive(InputObject)]
pub struct EnrollInput {
    /// An OPEN course of the trainee's base, or a network-wide one.
    pub course_id: ID,
    /// The trainee (yourself, for a TRAINEE).
    pub trainee_id: ID,
}

/// Who attended a session, for `recordAttendance`.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The session (of a course you manage).
    pub session_id: ID,
    /// Trainees who attended; each must be enrolled in the course. At most 500.
    pub trainee_ids: Vec<ID>,
}

/// A completion, for `completeEnrollment`.
#[derive(InputObject)]
pub struct CompleteEnrollmentInput {
    /// The enrolment (in a course you manage).
    pub enrollment_id: ID,
    /// Final score 0–100.
    pub score: Option<i32>,
}

/// Leaving a course, for `dropEnrollment`.
#[derive(InputObject)]
pub struct DropEnrollmentInput {
    /// The enrolment.
    pub enrollment_id: ID,
    /// Why, up to 200 characters.
    pub reason: Option<String>,
}
