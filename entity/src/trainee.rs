//! Disabled people trained at a base. Identity, certificate and phone numbers are stored only
//! encrypted (AES-256-GCM, each value bound to its column and row), the identity number with
//! an HMAC blind index for uniqueness, identity and certificate with a masked copy for display.

use sea_orm::entity::prelude::*;

use crate::{
    DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Residence, TraineeStatus,
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trainee")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub base_id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub birth_date: Date,
    /// Ciphertext of the identity number.
    pub id_number_enc: String,
    /// HMAC-SHA256 blind index of the identity number: one registration per person.
    #[sea_orm(unique)]
    pub id_number_index: String,
    /// The region code and 12 `*`: nothing the other fields do not show.
    pub id_number_masked: String,
    /// Ciphertext of the disability certificate number.
    pub certificate_enc: String,
    /// The region code, 12 `*`, the category and level digits.
    pub certificate_masked: String,
    pub disability_category: DisabilityCategory,
    pub disability_level: i32,
    /// Ciphertext of the mobile number.
    pub phone_enc: Option<String>,
    /// How this row's ciphertexts are bound: 1 = to their column only, with a plain phone
    /// (rows from before 2026-11); 2 = to their column and this row's id. The server upgrades
    /// version 1 to 2 at start-up.
    pub crypto_version: i32,
    /// Where the trainee lives.
    pub region_code: String,
    pub residence: Residence,
    pub education: Option<EducationLevel>,
    pub employment_status: EmploymentStatus,
    pub status: TraineeStatus,
    pub registered_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
