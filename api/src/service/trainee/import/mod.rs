//! Bulk registration from a spreadsheet.
//!
//! In order: the caller must govern the base (otherwise `NOT_FOUND` on `baseId` and nothing
//! else is looked at, so an import can never test identity numbers against another base),
//! must attest the people's consent (`CONSENT_REQUIRED`, and the file is not read), and must
//! be within its hourly allowance (`RATE_LIMITED`). Then the file is parsed, every row
//! checked like a registration form, hashed and (for a real run) encrypted — all before any
//! write lock is taken. A dry run only reads; a real run writes its trainees, their consent
//! records and the import record in one transaction. Every import that got this far leaves
//! a record, dry runs and refused files included.

mod columns;
mod limit;
mod record;
mod rows;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use entity::{ConsentSource, base, consent, trainee, trainee_interest};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

pub use columns::{Column, template_xlsx};
pub use limit::ImportLimiter;
pub use record::{ImportFile, count_imports, imports};

use super::{ValidRegistration, governed_base, is_unique_violation, new_rows, staff};
use crate::auth::Actor;
use crate::crypto::FieldCipher;
use crate::error::AppError;
use crate::service::lists;
use crate::service::spreadsheet::{self, FileFormat, Limits, ReadError, Row};
use crate::service::{ServiceError, ServiceResult, UserError, UserErrorCode, begin_write, now};
use record::Counts;
use rows::{check_row, column_error};

/// Rows per INSERT: well under both databases' bind-parameter limits.
const INSERT_BATCH: usize = 200;
/// Identity indexes per duplicate look-up.
const LOOKUP_BATCH: usize = 500;
/// Imports large enough to mislead PostgreSQL's planner until autovacuum notices them.
const ANALYZE_AFTER_ROWS: u32 = 500;

/// The outcome of one data row.
#[derive(Debug, Clone)]
pub struct RowResult {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: u32,
    /// The created trainee (a real run's valid rows).
    pub trainee_id: Option<Uuid>,
    /// Why the row was refused; empty for a valid row.
    pub errors: Vec<UserError>,
}

/// The outcome of an import.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// The import record.
    pub import_id: Uuid,
    pub dry_run: bool,
    /// Rows created (in a dry run: rows that would be created).
    pub created: u32,
    /// Rows refused as already registered or repeated in the file (counted in `failed`).
    pub duplicates: u32,
    /// Rows refused.
    pub failed: u32,
    pub rows: Vec<RowResult>,
}

/// An import the caller may run: it governs the base, attested consent and is within its
/// allowance. Only [`permit`] makes one.
#[derive(Debug)]
pub struct Permit {
    user_id: Uuid,
    base: base::Model,
}

/// Checks, in this order, that the caller may import into `base_id` (`NOT_FOUND` on
/// `baseId` otherwise, and nothing else is checked), has attested every person's consent
/// (`CONSENT_REQUIRED`) and is within its allowance of imports (`RATE_LIMITED`).
pub async fn permit(
    db: &DatabaseConnection,
    limiter: &ImportLimiter,
    actor: &Actor,
    base_id: Uuid,
    consent_given: bool,
) -> ServiceResult<Permit> {
    let user = staff(actor)?;
    let Some(base) = governed_base(db, user, base_id).await? else {
        return Err(UserError::input("baseId", UserErrorCode::NotFound, "基地不存在").into());
    };
    if !consent_given {
        return Err(UserError::input(
            "consentToSensitiveData",
            UserErrorCode::ConsentRequired,
            "须确认已取得表中每位人员处理其身份证与残疾人证信息的单独同意",
        )
        .into());
    }
    limiter.check(user.user_id)?;
    Ok(Permit {
        user_id: user.user_id,
        base,
    })
}

/// The rows of a file after the checks that need no database.
struct Checked {
    results: Vec<RowResult>,
    /// Valid rows not repeated in the file: result index, registration, blind index.
    valid: Vec<(usize, ValidRegistration, String)>,
}

/// Parses the file and checks every row (CPU work, for the blocking pool).
fn check_file(
    cipher: &FieldCipher,
    name: Option<&str>,
    content: &[u8],
    limits: &Limits,
) -> Result<Checked, ReadError> {
    let format = FileFormat::detect(name, content).ok_or(ReadError::UnknownFormat)?;
    let rows: Vec<Row<Column>> = spreadsheet::read(content, format, limits)?;
    let today = now().date_naive();
    let mut results = Vec::with_capacity(rows.len());
    let mut valid = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    for row in &rows {
        let mut result = RowResult {
            row: row.row,
            trainee_id: None,
            errors: Vec::new(),
        };
        match check_row(row, today) {
            Err(errors) => result.errors = errors,
            Ok(registration) => {
                let blind = cipher.blind_index(&registration.identity.number);
                if let Some(first) = first_row_of.get(&blind) {
                    result.errors.push(column_error(
                        Column::IdNumber,
                        UserErrorCode::Duplicate,
                        format!("与第 {first} 行为同一人"),
                    ));
                } else {
                    first_row_of.insert(blind.clone(), row.row);
                    valid.push((results.len(), registration, blind));
                }
            }
        }
        results.push(result);
    }
    Ok(Checked { results, valid })
}

fn registered_elsewhere() -> UserError {
    column_error(
        Column::IdNumber,
        UserErrorCode::Duplicate,
        "该人员已在网络中登记",
    )
}

/// Which of these blind indexes are already registered.
async fn registered(
    db: &impl ConnectionTrait,
    indexes: impl Iterator<Item = &String>,
) -> Result<HashSet<String>, DbErr> {
    let indexes: Vec<String> = indexes.cloned().collect();
    let mut found = HashSet::new();
    for chunk in indexes.chunks(LOOKUP_BATCH) {
        let rows: Vec<String> = trainee::Entity::find()
            .select_only()
            .column(trainee::Column::IdNumberIndex)
            .filter(trainee::Column::IdNumberIndex.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Runs on the blocking pool; a panic or cancellation there is an internal error.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)
}

/// Imports the file into the permitted base. A dry run checks everything and writes only
/// its record; a real run creates every valid row in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    cipher: &Arc<FieldCipher>,
    permit: Permit,
    file: ImportFile,
    dry_run: bool,
    limits: Limits,
) -> ServiceResult<ImportReport> {
    let Permit { user_id, base } = permit;
    let base_id = base.id;
    let (facts, content) = file.into_parts();
    let refuse = |error: ReadError| {
        let facts = &facts;
        async move {
            let message = error.to_string();
            let counts = Counts::default();
            record::insert(db, base_id, user_id, dry_run, facts, counts, Some(&message)).await?;
            Err::<ImportReport, ServiceError>(
                UserError::input("file", UserErrorCode::Invalid, message).into(),
            )
        }
    };
    let Some(content) = content else {
        return refuse(ReadError::TooLarge {
            max_bytes: limits.max_bytes,
        })
        .await;
    };
    let checked = {
        let (cipher, name) = (cipher.clone(), facts.name.clone());
        blocking(move || check_file(&cipher, name.as_deref(), &content, &limits)).await?
    };
    let Checked { mut results, valid } = match checked {
        Ok(checked) => checked,
        Err(error) => return refuse(error).await,
    };

    // Plain reads: nothing is locked while the network is searched.
    let known = registered(db, valid.iter().map(|(_, _, blind)| blind)).await?;
    let to_create: Vec<_> = valid
        .into_iter()
        .filter_map(|(index, registration, blind)| {
            if known.contains(&blind) {
                if let Some(result) = results.get_mut(index) {
                    result.errors.push(registered_elsewhere());
                }
                None
            } else {
                Some((index, registration, blind))
            }
        })
        .collect();

    if dry_run {
        let counts = counts(&results, to_create.len());
        let import_id = record::insert(db, base_id, user_id, true, &facts, counts, None).await?;
        return Ok(report(import_id, true, counts, results));
    }

    // Encrypted before the write transaction, which then only inserts.
    let prepared = {
        let cipher = cipher.clone();
        blocking(move || {
            to_create
                .into_iter()
                .map(|(index, registration, blind)| {
                    let interests = registration.interests.clone();
                    let (trainee, consent) =
                        new_rows(&cipher, user_id, &base, registration, ConsentSource::Import)?;
                    Ok((index, blind, trainee, consent, interests))
                })
                .collect::<ServiceResult<Vec<_>>>()
        })
        .await??
    };
    let txn = begin_write(db).await?;
    // People registered since the look-up above. On SQLite the write lock is held from
    // here, so this answer is final; on PostgreSQL the unique index catches a later one.
    let late = registered(&txn, prepared.iter().map(|(_, blind, _, _, _)| blind)).await?;
    let mut trainees = Vec::with_capacity(prepared.len());
    let mut consents = Vec::with_capacity(prepared.len());
    let mut interests = Vec::with_capacity(prepared.len());
    for (index, blind, trainee, consent, wanted) in prepared {
        let Some(result) = results.get_mut(index) else {
            continue;
        };
        if late.contains(&blind) {
            result.errors.push(registered_elsewhere());
        } else {
            result.trainee_id = trainee.id.clone().take();
            if let Some(id) = result.trainee_id {
                interests.push((id, wanted));
            }
            trainees.push(trainee);
            consents.push(consent);
        }
    }
    for chunk in trainees.chunks(INSERT_BATCH) {
        match trainee::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
        {
            Ok(_) => {}
            Err(err) if is_unique_violation(&err) => {
                txn.rollback().await?;
                let message = "导入期间有人员已被登记，请重新导入";
                record::insert(
                    db,
                    base_id,
                    user_id,
                    false,
                    &facts,
                    Counts::default(),
                    Some(message),
                )
                .await?;
                return Err(UserError::general(UserErrorCode::Duplicate, message).into());
            }
            Err(err) => return Err(err.into()),
        }
    }
    for chunk in consents.chunks(INSERT_BATCH) {
        consent::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    lists::insert::<trainee_interest::Entity>(&txn, interests).await?;
    let counts = counts(&results, trainees.len());
    let import_id = record::insert(&txn, base_id, user_id, false, &facts, counts, None).await?;
    txn.commit().await?;
    refresh_statistics(db, counts.created).await;
    Ok(report(import_id, false, counts, results))
}

fn counts(results: &[RowResult], created: usize) -> Counts {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Counts {
        rows: count(results.len()),
        created: count(created),
        duplicates: count(
            results
                .iter()
                .filter(|r| r.errors.iter().any(|e| e.code == UserErrorCode::Duplicate))
                .count(),
        ),
        failed: count(results.iter().filter(|r| !r.errors.is_empty()).count()),
    }
}

fn report(import_id: Uuid, dry_run: bool, counts: Counts, rows: Vec<RowResult>) -> ImportReport {
    ImportReport {
        import_id,
        dry_run,
        created: counts.created,
        duplicates: counts.duplicates,
        failed: counts.failed,
        rows,
    }
}

/// After a large import PostgreSQL's statistics are stale for up to a minute, and the
/// planner may then scan and sort the whole table for a page of 20; refresh them now.
async fn refresh_statistics(db: &DatabaseConnection, created: u32) {
    if created >= ANALYZE_AFTER_ROWS
        && db.get_database_backend() == DbBackend::Postgres
        && let Err(err) = db.execute_unprepared("ANALYZE trainee").await
    {
        tracing::warn!(error = %err, "ANALYZE after import failed");
    }
}
