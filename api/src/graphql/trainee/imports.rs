//! Types and inputs of trainee imports: the mutation's input and payload, and the import
//! record listed by `traineeImports`. Kept apart from `types.rs` and `inputs.rs`, which are
//! long enough already.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Upload};
use entity::trainee_import;
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::account::types::User;
use crate::graphql::base::types::IncubationBase;
use crate::graphql::common::loaders::required;
use crate::graphql::common::pagination::KeyConnection;
use crate::graphql::common::scalars::DateTime;
use crate::graphql::common::{ContextExt, Payload, UserError, ids};
use crate::service::trainee::import::ImportReport;

/// A spreadsheet of trainees, for `importTrainees`.
#[derive(InputObject)]
pub struct ImportTraineesInput {
    /// The base the trainees join (one you govern; otherwise `NOT_FOUND` and nothing else is
    /// checked).
    pub base_id: ID,
    /// XLSX or CSV (UTF-8) with a header row in Chinese or English; download the template
    /// from `GET /templates/trainees.xlsx`. At most 10 MB and 5,000 rows.
    pub file: Upload,
    /// Check everything and create nothing (the import is still recorded and counts towards
    /// the hourly allowance).
    pub dry_run: Option<bool>,
    /// Your statement that every person in the file gave separate consent (PIPL art. 29) to
    /// the processing of their identity and disability data, on a signed form the base
    /// keeps. `false` refuses the import with `CONSENT_REQUIRED` before the file is read.
    /// Each created trainee gets a consent record with source IMPORT.
    pub consent_to_sensitive_data: bool,
}

/// The outcome of one data row of an import.
#[derive(SimpleObject)]
pub struct ImportRowResult {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: i32,
    /// The created trainee (valid rows of a real run).
    pub trainee_id: Option<ID>,
    /// Why the row was refused; `field` is the column, e.g. `["idNumber"]`.
    pub user_errors: Vec<UserError>,
}

/// Result of `importTrainees`.
#[derive(SimpleObject, Default)]
pub struct ImportTraineesPayload {
    /// Rows created; in a dry run, rows that would be created.
    pub created: i32,
    /// Rows refused (duplicates included).
    pub failed: i32,
    /// Rows refused because the person is already registered in the network or appears
    /// earlier in the file (counted in `failed` too).
    pub duplicates: i32,
    /// Whether this was a dry run (nothing created).
    pub dry_run: bool,
    /// The record of this import in `traineeImports`; null when the import was refused as
    /// a whole (`userErrors`). A file refused whole is recorded too, with its `refusal`.
    pub import_id: Option<ID>,
    /// Every data row with its outcome, in file order.
    pub rows: Vec<ImportRowResult>,
    /// Problems with the request or the file as a whole; nothing was imported.
    pub user_errors: Vec<UserError>,
}

fn int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl Payload for ImportTraineesPayload {
    type Value = ImportReport;

    fn ok(report: ImportReport) -> Self {
        ImportTraineesPayload {
            created: int(report.created),
            failed: int(report.failed),
            duplicates: int(report.duplicates),
            dry_run: report.dry_run,
            import_id: Some(ID(report.import_id.to_string())),
            rows: report
                .rows
                .into_iter()
                .map(|r| ImportRowResult {
                    row: int(r.row),
                    trainee_id: r.trainee_id.map(|id| ID(id.to_string())),
                    user_errors: r.errors.into_iter().map(Into::into).collect(),
                })
                .collect(),
            user_errors: Vec::new(),
        }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        ImportTraineesPayload {
            user_errors,
            ..Default::default()
        }
    }
}

/// Filters of `traineeImports`.
#[derive(InputObject, Default)]
pub struct TraineeImportFilter {
    /// Imports into this base.
    pub base_id: Option<ID>,
}

impl TraineeImportFilter {
    /// The base to filter by; a malformed id is `BAD_USER_INPUT`, as in every filter.
    pub fn base_id(&self) -> Result<Option<Uuid>, AppError> {
        ids::arg_opt("filter.baseId", self.base_id.as_ref())
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct TraineeImport(pub trainee_import::Model);

/// The record of one run of `importTrainees`, dry runs included: who imported which file
/// into which base, when, and what came of it. It holds no personal data of the trainees.
#[Object]
impl TraineeImport {
    /// Opaque id (the `importId` the mutation returned).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The base imported into.
    async fn base(&self, ctx: &Context<'_>) -> async_graphql::Result<IncubationBase> {
        required(&ctx.loaders().bases, self.0.base_id, IncubationBase).await
    }

    /// Who ran the import.
    async fn imported_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx
            .loaders()
            .users
            .load_one(self.0.imported_by)
            .await?
            .map(User))
    }

    /// When.
    async fn imported_at(&self) -> DateTime {
        self.0.imported_at.into()
    }

    /// Whether it was a dry run (nothing created).
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }

    /// The uploaded file's name, if the upload carried one.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }

    /// SHA-256 of the uploaded file, 64 lowercase hex characters: tells whether two imports
    /// read the same file.
    async fn file_sha256(&self) -> &str {
        &self.0.file_sha256
    }

    /// Size of the uploaded file in bytes.
    async fn file_size(&self) -> i64 {
        self.0.file_size
    }

    /// Data rows read from the file (0 when the file was refused whole).
    async fn rows(&self) -> i32 {
        self.0.rows
    }

    /// Trainees created; for a dry run, how many would have been.
    async fn created(&self) -> i32 {
        self.0.created
    }

    /// Rows refused as already registered in the network or repeated in the file.
    async fn duplicates(&self) -> i32 {
        self.0.duplicates
    }

    /// Rows refused for any reason, duplicates included.
    async fn failed(&self) -> i32 {
        self.0.failed
    }

    /// Why the import was refused as a whole (unreadable file, missing columns, too many
    /// rows, people registered meanwhile); null when its rows were checked.
    async fn refusal(&self) -> Option<&str> {
        self.0.refusal.as_deref()
    }
}

/// A page of import records.
pub type TraineeImportConnection = KeyConnection<TraineeImport>;
