//! The import record: written for every import that passed the scope, consent and rate
//! checks, and listed for the staff who govern its base.

use entity::{Role, trainee_import};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, Select,
};
use uuid::Uuid;

use super::super::bases_in;
use crate::auth::{Actor, RegionScope};
use crate::error::AppError;
use crate::service::page::{self, Page, PageArgs};
use crate::service::{ServiceResult, now};

/// The file an import read, as the record keeps it.
#[derive(Debug, Clone)]
pub(super) struct FileFacts {
    pub name: Option<String>,
    pub sha256: String,
    pub size: u64,
}

/// What came of an import.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub rows: u32,
    pub created: u32,
    pub duplicates: u32,
    pub failed: u32,
}

/// Longest file name kept (characters).
const FILE_NAME_CHARS: usize = 255;
/// Longest refusal kept (characters).
const REFUSAL_CHARS: usize = 500;

fn clip(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Writes the record of one import; returns its id.
pub(super) async fn insert(
    db: &impl ConnectionTrait,
    base_id: Uuid,
    imported_by: Uuid,
    dry_run: bool,
    file: &FileFacts,
    counts: Counts,
    refusal: Option<&str>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    trainee_import::ActiveModel {
        id: Set(id),
        base_id: Set(base_id),
        imported_by: Set(imported_by),
        imported_at: Set(now()),
        dry_run: Set(dry_run),
        file_name: Set(file.name.as_deref().map(|n| clip(n, FILE_NAME_CHARS))),
        file_sha256: Set(file.sha256.clone()),
        file_size: Set(i64::try_from(file.size).unwrap_or(i64::MAX)),
        rows: Set(int(counts.rows)),
        created: Set(int(counts.created)),
        duplicates: Set(int(counts.duplicates)),
        failed: Set(int(counts.failed)),
        refusal: Set(refusal.map(|r| clip(r, REFUSAL_CHARS))),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The records `actor` may read: an ADMIN those of bases in its region, a BASE_MANAGER
/// those of its own bases; other roles none (`FORBIDDEN`).
fn in_scope(
    actor: &Actor,
    base_id: Option<Uuid>,
) -> Result<Select<trainee_import::Entity>, AppError> {
    let user = actor.user()?;
    let mut select = trainee_import::Entity::find();
    match user.role {
        Role::Admin => {
            if let Some(subquery) = bases_in(&RegionScope::of(user.region_code.as_deref())) {
                select = select.filter(trainee_import::Column::BaseId.in_subquery(subquery));
            }
        }
        Role::BaseManager => {
            select =
                select.filter(trainee_import::Column::BaseId.is_in(user.base_ids.iter().copied()));
        }
        _ => return Err(AppError::Forbidden),
    }
    if let Some(base_id) = base_id {
        select = select.filter(trainee_import::Column::BaseId.eq(base_id));
    }
    Ok(select)
}

/// One page of import records, oldest first (page backwards from the end for the newest).
pub async fn imports(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_id: Option<Uuid>,
    args: PageArgs,
) -> ServiceResult<Page<trainee_import::Model>> {
    let select = in_scope(actor, base_id)?;
    Ok(page::fetch(db, select, trainee_import::Column::Id, args).await?)
}

/// How many records `imports` would list.
pub async fn count_imports(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_id: Option<Uuid>,
) -> ServiceResult<u64> {
    Ok(page::count(db, in_scope(actor, base_id)?).await?)
}
