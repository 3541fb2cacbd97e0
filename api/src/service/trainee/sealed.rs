//! Personal numbers at rest. Each ciphertext is bound (AES-GCM associated data) to its column
//! and to its row's id, so a value copied into another column or another row in the database
//! fails to decrypt there instead of showing one person's number as another's.
//!
//! Rows written before this binding (`crypto_version` 1: column-bound ciphertexts and a plain
//! phone) are re-encrypted by [`upgrade_sealing`], which the server runs at start-up after the
//! migrations; migrations cannot do it because they have no key. Only version-2 rows are read:
//! a row still at version 1 cannot be made to pass for another.

use entity::{Role, trainee};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::{TraineePersonal, TraineeRow};
use crate::auth::Actor;
use crate::crypto::{CryptoError, FieldCipher};
use crate::error::AppError;
use crate::service::begin_write;

/// `crypto_version` of rows whose ciphertexts are bound to their column and row.
pub const CURRENT: i32 = 2;
/// `crypto_version` of rows from before: ciphertexts bound to their column only, plain phone.
const LEGACY: i32 = 1;
/// The condition of the partial index `idx_trainee_crypto_upgrade`, word for word.
const LEGACY_ROWS: &str = "crypto_version = 1";
/// Rows re-encrypted per transaction by the start-up upgrade.
const UPGRADE_BATCH: u64 = 500;

/// An encrypted column of the trainee table.
#[derive(Debug, Clone, Copy)]
pub(super) enum Sealed {
    IdNumber,
    Certificate,
    Phone,
}

impl Sealed {
    /// The column's name in the associated data (and in log lines).
    fn column(self) -> &'static str {
        match self {
            Sealed::IdNumber => "trainee.id_number",
            Sealed::Certificate => "trainee.certificate",
            Sealed::Phone => "trainee.phone",
        }
    }

    /// Associated data of a value in this column of row `id`: the column name, a NUL byte
    /// (never part of a name, so the split is unambiguous) and the 16 bytes of the id.
    fn bound_to(self, id: Uuid) -> Vec<u8> {
        let column = self.column().as_bytes();
        let mut data = Vec::with_capacity(column.len() + 1 + 16);
        data.extend_from_slice(column);
        data.push(0);
        data.extend_from_slice(id.as_bytes());
        data
    }

    /// Associated data of version-1 rows: the column alone.
    fn legacy(self) -> &'static [u8] {
        self.column().as_bytes()
    }
}

/// Encrypts `plaintext` for column `field` of row `id`.
pub(super) fn seal(
    cipher: &FieldCipher,
    field: Sealed,
    id: Uuid,
    plaintext: &str,
) -> Result<String, AppError> {
    cipher
        .encrypt(plaintext, &field.bound_to(id))
        .map_err(AppError::internal)
}

/// Decrypts column `field` of the row `id` sealed the `crypto_version` way. A value that does
/// not decrypt for this row (tampered, copied from another row or column, another key) or a
/// row not yet upgraded is an internal error: the caller sees `INTERNAL`, the log names the row
/// and column, never the value.
pub(super) fn open(
    cipher: &FieldCipher,
    field: Sealed,
    (id, crypto_version): (Uuid, i32),
    stored: &str,
) -> Result<String, AppError> {
    if crypto_version != CURRENT {
        tracing::error!(
            trainee_id = %id,
            crypto_version,
            "trainee row awaits the encryption upgrade (restart the server to run it)"
        );
        return Err(AppError::internal(CryptoError::Decrypt));
    }
    cipher
        .decrypt(stored, &field.bound_to(id))
        .map_err(|err| {
            tracing::error!(
                trainee_id = %id,
                column = field.column(),
                "stored value does not decrypt for its row: tampered, copied from another row or encrypted under another key"
            );
            AppError::internal(err)
        })
}

/// The trainee's mobile number for a caller who may contact them: an ADMIN (its reads of
/// trainees are limited to its region in SQL), a manager of the trainee's base, or the trainee
/// itself. `None` for everyone else and when there is no number. `personal` is `row`'s.
pub fn phone(
    cipher: &FieldCipher,
    actor: &Actor,
    row: &TraineeRow,
    personal: &TraineePersonal,
) -> Result<Option<String>, AppError> {
    let Actor::User(user) = actor else {
        return Ok(None);
    };
    let allowed = match user.role {
        Role::Admin => true,
        Role::BaseManager => user.base_ids.contains(&row.base_id),
        Role::Trainee => user.trainee_id == Some(row.id),
        Role::Instructor | Role::Partner => false,
    };
    match &personal.phone_enc {
        Some(stored) if allowed => open(
            cipher,
            Sealed::Phone,
            (row.id, personal.crypto_version),
            stored,
        )
        .map(Some),
        _ => Ok(None),
    }
}

/// Re-encrypts a version-1 row the current way into `model` (which must be that row's).
///
/// # Errors
///
/// [`CryptoError`] when a stored value does not decrypt as a version-1 value.
pub(super) fn upgrade_row(
    cipher: &FieldCipher,
    row: &trainee::Model,
    model: &mut trainee::ActiveModel,
) -> Result<(), CryptoError> {
    let reseal = |field: Sealed, stored: &str| {
        let plaintext = cipher.decrypt(stored, field.legacy())?;
        cipher.encrypt(&plaintext, &field.bound_to(row.id))
    };
    model.id_number_enc = Set(reseal(Sealed::IdNumber, &row.id_number_enc)?);
    model.certificate_enc = Set(reseal(Sealed::Certificate, &row.certificate_enc)?);
    // Version-1 rows hold the phone in plain text.
    model.phone_enc = Set(match &row.phone_enc {
        Some(plain) => Some(cipher.encrypt(plain, &Sealed::Phone.bound_to(row.id))?),
        None => None,
    });
    model.crypto_version = Set(CURRENT);
    Ok(())
}

/// What [`upgrade_sealing`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SealingUpgrade {
    /// Rows re-encrypted to the current version.
    pub upgraded: u64,
    /// Rows whose values did not decrypt; they stay at version 1 and are logged.
    pub failed: u64,
}

/// Re-encrypts every version-1 trainee row, [`UPGRADE_BATCH`] rows per transaction. Idempotent
/// and safe to run from several servers at once: a row is written only while it is still at
/// version 1. Neither `version` nor `updated_at` changes: the person's data did not.
///
/// # Errors
///
/// Database errors. Rows that do not decrypt are counted in `failed`, not errors, so one
/// damaged row cannot keep the network offline; the caller decides what too many failures mean.
pub async fn upgrade_sealing(
    db: &DatabaseConnection,
    cipher: &FieldCipher,
) -> Result<SealingUpgrade, DbErr> {
    let mut report = SealingUpgrade::default();
    let mut after: Option<Uuid> = None;
    loop {
        let txn = begin_write(db).await?;
        // A literal, not a bound parameter, so both databases can prove the query matches the
        // partial index of rows still to upgrade and skip the upgraded ones without a scan.
        let mut select = trainee::Entity::find().filter(Expr::cust(LEGACY_ROWS));
        if let Some(after) = after {
            select = select.filter(trainee::Column::Id.gt(after));
        }
        let rows = select
            .order_by_asc(trainee::Column::Id)
            .limit(UPGRADE_BATCH)
            .all(&txn)
            .await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = Some(last.id);
        for row in &rows {
            let mut model = trainee::ActiveModel::default();
            if let Err(err) = upgrade_row(cipher, row, &mut model) {
                tracing::error!(trainee_id = %row.id, error = %err, "cannot upgrade the encryption of a trainee row");
                report.failed += 1;
                continue;
            }
            let written = trainee::Entity::update_many()
                .set(model)
                .filter(trainee::Column::Id.eq(row.id))
                .filter(trainee::Column::CryptoVersion.eq(LEGACY))
                .exec(&txn)
                .await?;
            report.upgraded += written.rows_affected;
        }
        txn.commit().await?;
    }
    Ok(report)
}
