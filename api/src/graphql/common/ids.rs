//! Ids from arguments and inputs: the one place an `ID` becomes a key.
//!
//! An id is the 36-character UUID the API hands out (`0192f1c4-…`). A malformed one is the
//! caller's mistake and is never taken for an unknown object or silently dropped:
//! - in a mutation's `input` it is a `userErrors` entry `INVALID` at its path, e.g.
//!   `["input", "baseIds", "1"]`; every malformed id of the input is reported at once and
//!   nothing is changed ([`input`]);
//! - in a query argument or filter it is a `BAD_USER_INPUT` error naming the argument, e.g.
//!   `filter.baseId` ([`arg`], [`arg_opt`]).
//!
//! A well-formed id of an object that does not exist or lies outside the caller's scope is
//! what each resolver says it is: `null`, absent, or `NOT_FOUND`.

use async_graphql::ID;
use uuid::Uuid;

use crate::error::AppError;
use crate::service::{ServiceError, UserError, UserErrorCode};

/// The key an id names, if it is well formed.
pub fn parse(id: &str) -> Option<Uuid> {
    if id.len() == 36 {
        Uuid::try_parse(id).ok()
    } else {
        None
    }
}

fn malformed(path: &str) -> AppError {
    AppError::BadUserInput(format!("`{path}` 不是有效的 ID"))
}

/// A query argument's id; `path` names it for the error, e.g. `"id"` or `"filter.baseId"`.
pub fn arg(path: &str, id: &ID) -> Result<Uuid, AppError> {
    parse(id).ok_or_else(|| malformed(path))
}

/// An optional query argument's id.
pub fn arg_opt(path: &str, id: Option<&ID>) -> Result<Option<Uuid>, AppError> {
    id.map(|id| arg(path, id)).transpose()
}

/// Collects the ids of one mutation input; see [`input`].
#[derive(Debug, Default)]
pub struct InputIds {
    errors: Vec<UserError>,
}

impl InputIds {
    fn record(&mut self, path: Vec<String>) {
        self.errors.push(UserError {
            field: path,
            code: UserErrorCode::Invalid,
            message: "不是有效的 ID".to_owned(),
        });
    }

    /// `input.<field>`. A malformed id is recorded (the returned nil key is never used:
    /// [`input`] discards the value).
    pub fn one(&mut self, field: &str, id: &ID) -> Uuid {
        parse(id).unwrap_or_else(|| {
            self.record(vec!["input".to_owned(), field.to_owned()]);
            Uuid::nil()
        })
    }

    /// An optional `input.<field>`.
    pub fn optional(&mut self, field: &str, id: Option<&ID>) -> Option<Uuid> {
        id.map(|id| self.one(field, id))
    }

    /// A list `input.<field>`; each malformed id is recorded at its index.
    pub fn list(&mut self, field: &str, ids: &[ID]) -> Vec<Uuid> {
        ids.iter()
            .enumerate()
            .map(|(index, id)| {
                parse(id).unwrap_or_else(|| {
                    self.record(vec![
                        "input".to_owned(),
                        field.to_owned(),
                        index.to_string(),
                    ]);
                    Uuid::nil()
                })
            })
            .collect()
    }
}

/// Builds what a mutation hands its service, parsing the input's ids on the way: the value
/// when every id is well formed, otherwise `INVALID` user errors for all malformed ones.
///
/// ```ignore
/// let changes = ids::input(|ids| TraineeChanges { id: ids.one("id", &input.id), .. })?;
/// ```
pub fn input<T>(build: impl FnOnce(&mut InputIds) -> T) -> Result<T, ServiceError> {
    let mut ids = InputIds::default();
    let value = build(&mut ids);
    if ids.errors.is_empty() {
        Ok(value)
    } else {
        Err(ServiceError::User(ids.errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_ids_the_api_hands_out_parse() {
        let id = Uuid::now_v7();
        assert_eq!(parse(&id.to_string()), Some(id));
        assert_eq!(parse(&id.simple().to_string()), None);
        assert_eq!(parse(&format!("{{{id}}}")), None);
        assert_eq!(parse("not-an-id"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn every_malformed_input_id_is_reported_with_its_path() {
        let good = ID(Uuid::now_v7().to_string());
        let result = input(|ids| {
            (
                ids.one("id", &good),
                ids.list("baseIds", &[good.clone(), ID("x".into())]),
                ids.optional("partnerId", Some(&ID("y".into()))),
            )
        });
        let Err(ServiceError::User(errors)) = result else {
            panic!("malformed ids accepted");
        };
        let paths: Vec<String> = errors.iter().map(|e| e.field.join(".")).collect();
        assert_eq!(paths, ["input.baseIds.1", "input.partnerId"]);
        assert!(errors.iter().all(|e| e.code == UserErrorCode::Invalid));
        assert!(input(|ids| ids.one("id", &good)).is_ok());
    }
}
