//! The trainee as the API shows it and lists read it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Residence, TraineeStatus, trainee,
};
use sea_orm::{DerivePartialModel, Value};
use uuid::Uuid;

use crate::service::page::Row;

/// A trainee without the columns only a reveal or a change needs: the identity and certificate
/// ciphertexts, the blind index and the bookkeeping timestamps. Lists and loaders read this,
/// so those ciphertexts never leave the database for a read that cannot show them, and a page
/// of trainees decodes five columns fewer per row. The phone ciphertext stays: `phone` shows
/// it to those who may contact the trainee.
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel)]
#[sea_orm(entity = "trainee::Entity")]
pub struct TraineeRow {
    pub id: Uuid,
    pub base_id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub id_number_masked: String,
    pub certificate_masked: String,
    pub disability_category: DisabilityCategory,
    pub disability_level: i32,
    pub phone_enc: Option<String>,
    pub crypto_version: i32,
    pub region_code: String,
    pub residence: Residence,
    pub education: Option<EducationLevel>,
    pub employment_status: EmploymentStatus,
    pub status: TraineeStatus,
    pub registered_at: DateTime<Utc>,
    pub version: i32,
}

impl From<trainee::Model> for TraineeRow {
    fn from(row: trainee::Model) -> Self {
        TraineeRow {
            id: row.id,
            base_id: row.base_id,
            name: row.name,
            gender: row.gender,
            birth_date: row.birth_date,
            id_number_masked: row.id_number_masked,
            certificate_masked: row.certificate_masked,
            disability_category: row.disability_category,
            disability_level: row.disability_level,
            phone_enc: row.phone_enc,
            crypto_version: row.crypto_version,
            region_code: row.region_code,
            residence: row.residence,
            education: row.education,
            employment_status: row.employment_status,
            status: row.status,
            registered_at: row.registered_at,
            version: row.version,
        }
    }
}

impl Row<trainee::Entity> for TraineeRow {
    fn column_value(&self, column: trainee::Column) -> Value {
        use trainee::Column;
        match column {
            Column::Id => self.id.into(),
            Column::BaseId => self.base_id.into(),
            Column::Name => self.name.clone().into(),
            Column::RegisteredAt => self.registered_at.into(),
            // Lists sort by id, name or registration time and page per base only.
            _ => Value::String(None),
        }
    }
}
