//! Checking a certificate number without an account: what an employer or partner may learn
//! from it, and nothing more about the person.

use chrono::NaiveDate;
use entity::{EnrollmentStatus, TrainingCategory, base, course, enrollment, trainee};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::rules;

/// What a valid certificate number shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateCheck {
    pub certificate_number: String,
    pub course_title: String,
    pub category: TrainingCategory,
    /// None for a network-wide course.
    pub base_name: Option<String>,
    pub hours: i32,
    /// The completion date in China.
    pub completed_on: NaiveDate,
    /// First and last character only (`王*明`).
    pub holder_name: String,
}

/// The completed enrolment a certificate number belongs to, or None for an unknown number.
/// Callers must rate-limit this: it is open to anyone.
pub async fn verify_certificate(
    db: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<CertificateCheck>, DbErr> {
    let number = rules::normalise_certificate_number(number);
    if number.is_empty() || number.len() > 32 {
        return Ok(None);
    }
    let Some(enrollment) = enrollment::Entity::find()
        .filter(enrollment::Column::CertificateNumber.eq(number.as_str()))
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (Some(course), Some(trainee), Some(completed_at)) = (
        course::Entity::find_by_id(enrollment.course_id)
            .one(db)
            .await?,
        trainee::Entity::find_by_id(enrollment.trainee_id)
            .one(db)
            .await?,
        enrollment.completed_at,
    ) else {
        return Ok(None);
    };
    let base_name = match course.base_id {
        Some(base_id) => base::Entity::find_by_id(base_id)
            .one(db)
            .await?
            .map(|b| b.name),
        None => None,
    };
    Ok(Some(CertificateCheck {
        certificate_number: number,
        course_title: course.title,
        category: course.category,
        base_name,
        hours: course.hours,
        completed_on: (completed_at + chrono::Duration::hours(8)).date_naive(),
        holder_name: rules::masked_name(&trainee.name),
    }))
}
