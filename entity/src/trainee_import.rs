//! The record of every trainee import, dry runs included: who imported which file into which
//! base, when, and what came of it. No personal data: counts, the file's name and digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainee_import")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub base_id: Uuid,
    /// The account that ran the import.
    pub imported_by: Uuid,
    pub imported_at: DateTimeUtc,
    pub dry_run: bool,
    /// The uploaded file's name, when the upload carried one.
    pub file_name: Option<String>,
    /// Hex SHA-256 of the uploaded bytes.
    pub file_sha256: String,
    pub file_size: i64,
    /// Data rows read from the file.
    pub rows: i32,
    /// Trainees created (in a dry run: that would have been created).
    pub created: i32,
    /// Rows refused as people already registered or repeated in the file.
    pub duplicates: i32,
    /// Rows refused for any reason, duplicates included.
    pub failed: i32,
    /// Why the import was refused as a whole; None when its rows were checked.
    pub refusal: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
