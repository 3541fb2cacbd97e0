//! Disabled people trained at a base. Identity and certificate numbers are stored only
//! encrypted (AES-256-GCM), with an HMAC blind index for uniqueness and a masked copy for
//! display.

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
    pub id_number_masked: String,
    /// Ciphertext of the disability certificate number.
    pub certificate_enc: String,
    pub certificate_masked: String,
    pub disability_category: DisabilityCategory,
    pub disability_level: i32,
    pub phone: Option<String>,
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
