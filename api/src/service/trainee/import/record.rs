//! The import record: written for every import that passed the scope, consent and rate
//! checks (with the uploaded file's name, size and digest), and listed for the staff who
//! govern its base.

use std::io::Read;

use entity::trainee_import;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, Select,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::AppError;
use crate::service::page::{self, Order, Page, PageArgs};
use crate::service::scope::Scope;
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

/// An uploaded file as received: its name, its size and SHA-256 over every byte, and its
/// content unless it is larger than the limit.
#[derive(Debug)]
pub struct ImportFile {
    facts: FileFacts,
    content: Option<Vec<u8>>,
}

impl ImportFile {
    /// Reads an upload (blocking I/O: call it on the blocking pool), hashing all of it and
    /// keeping at most `max_bytes`.
    pub fn read(
        name: Option<String>,
        mut reader: impl Read,
        max_bytes: usize,
    ) -> std::io::Result<Self> {
        let mut hasher = Sha256::new();
        let mut content = Vec::new();
        let mut size: u64 = 0;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = reader.read(&mut buffer)?;
            let Some(chunk) = buffer.get(..read).filter(|c| !c.is_empty()) else {
                break;
            };
            hasher.update(chunk);
            size = size.saturating_add(read as u64);
            if content.len() <= max_bytes {
                content.extend_from_slice(chunk);
            }
        }
        let sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(ImportFile {
            facts: FileFacts { name, sha256, size },
            content: (content.len() <= max_bytes).then_some(content),
        })
    }

    /// What the record keeps of the file, and its content if within the limit.
    pub(super) fn into_parts(self) -> (FileFacts, Option<Vec<u8>>) {
        (self.facts, self.content)
    }
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
    let scope = Scope::of(actor);
    scope.staff()?;
    let mut select =
        trainee_import::Entity::find().filter(scope.governed_bases(trainee_import::Column::BaseId));
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
    args: &PageArgs,
) -> ServiceResult<Page<trainee_import::Model>> {
    let select = in_scope(actor, base_id)?;
    let order = Order::by_id(trainee_import::Column::Id);
    Ok(page::fetch(db, select, &order, args).await?)
}

/// How many records `imports` would list.
pub async fn count_imports(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_id: Option<Uuid>,
) -> ServiceResult<u64> {
    Ok(page::count(db, in_scope(actor, base_id)?).await?)
}
