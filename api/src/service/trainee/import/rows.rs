//! One import row checked like a registration form: the Chinese (or API) enum values read
//! through the shared label tables, then the form's own checks.

use chrono::NaiveDate;
use entity::{EducationLevel, EmploymentStatus, Residence, TrainingCategory};

use super::columns::{Column, INTEREST_SEPARATORS};
use crate::service::labels::Labelled;
use crate::service::spreadsheet::{InputColumn, Row};
use crate::service::trainee::{Registration, ValidRegistration, check};
use crate::service::{UserError, UserErrorCode};

/// A problem with one column of a row; `field` is the column's English name.
pub(super) fn column_error(
    column: Column,
    code: UserErrorCode,
    message: impl Into<String>,
) -> UserError {
    UserError {
        field: vec![column.english().to_owned()],
        code,
        message: message.into(),
    }
}

/// The value of an enum column, recording a problem when the cell names no value.
fn enumerated<E: Labelled>(
    row: &Row<Column>,
    column: Column,
    errors: &mut Vec<UserError>,
) -> Option<E> {
    let text = row.get(column)?;
    let value = E::from_label(text);
    if value.is_none() {
        errors.push(column_error(
            column,
            UserErrorCode::Invalid,
            format!("{}应为：{}", column.label(), E::labels().join("、")),
        ));
    }
    value
}

/// Turns a row into a checked registration, or the row's problems.
pub(super) fn check_row(
    row: &Row<Column>,
    today: NaiveDate,
) -> Result<ValidRegistration, Vec<UserError>> {
    let mut errors = Vec::new();
    let residence = enumerated::<Residence>(row, Column::Residence, &mut errors);
    let education = enumerated::<EducationLevel>(row, Column::Education, &mut errors);
    let employment_status =
        enumerated::<EmploymentStatus>(row, Column::EmploymentStatus, &mut errors);
    let mut interests = Vec::new();
    for part in row
        .get(Column::Interests)
        .unwrap_or_default()
        .split(INTEREST_SEPARATORS)
        .filter(|p| !p.trim().is_empty())
    {
        match TrainingCategory::from_label(part) {
            Some(interest) if !interests.contains(&interest) => interests.push(interest),
            Some(_) => {}
            None => errors.push(column_error(
                Column::Interests,
                UserErrorCode::Invalid,
                format!("无法识别的意向方向：{}", part.trim()),
            )),
        }
    }
    let registration = Registration {
        name: row.get(Column::Name).unwrap_or_default().to_owned(),
        id_number: row.get(Column::IdNumber).unwrap_or_default().to_owned(),
        certificate_number: row
            .get(Column::DisabilityCertificateNumber)
            .unwrap_or_default()
            .to_owned(),
        region_code: None,
        phone: row.get(Column::Phone).map(str::to_owned),
        residence,
        education,
        employment_status,
        interests,
    };
    let residence_given = row.get(Column::Residence).is_some();
    match check(&registration, today) {
        Ok(valid) if errors.is_empty() => Ok(valid),
        Ok(_) => Err(errors),
        Err(problems) => {
            // Form field paths become column names; an unreadable residence is reported once.
            errors.extend(
                problems
                    .into_iter()
                    .filter(|p| {
                        !(residence_given && p.field.last().is_some_and(|f| f == "residence"))
                    })
                    .map(|mut p| {
                        p.field = p.field.into_iter().skip(1).collect();
                        p
                    }),
            );
            Err(errors)
        }
    }
}
