//! The trainee as the API shows it and lists read it.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    DisabilityCategory, EducationLevel, EmploymentStatus, Gender, Residence, TraineeStatus, trainee,
};
use sea_orm::{DbErr, FromQueryResult, QueryResult, Value};
use uuid::Uuid;

use crate::service::columns::Columns;
use crate::service::page::Row;

/// A trainee without the columns only a reveal or a change needs: the identity and certificate
/// ciphertexts, the blind index and the bookkeeping timestamps. Lists and loaders read this,
/// so those ciphertexts never leave the database for a read that cannot show them. A list whose
/// caller asked for none of the personal fields reads [`TraineeColumns::Public`] and leaves
/// those out too ([`TraineeRow::personal`] is then `None`). Read by position: select with
/// [`TraineeRow::select`], read with [`TraineeRow::read`] or as a [`FromQueryResult`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraineeRow {
    pub id: Uuid,
    pub base_id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub disability_category: DisabilityCategory,
    pub disability_level: i32,
    pub region_code: String,
    pub residence: Residence,
    pub education: Option<EducationLevel>,
    pub employment_status: EmploymentStatus,
    pub status: TraineeStatus,
    pub registered_at: DateTime<Utc>,
    pub version: i32,
    /// The columns of the personal fields, when the read selected them.
    pub personal: Option<TraineePersonal>,
}

/// The columns behind a trainee's personal fields (`birthDate`, `idNumberMasked`,
/// `disabilityCertificateMasked`, `phone`): masked numbers and the sealed phone number. An
/// instructor may not see them, and a list that shows names has no use for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraineePersonal {
    pub birth_date: NaiveDate,
    pub id_number_masked: String,
    pub certificate_masked: String,
    pub phone_enc: Option<String>,
    pub crypto_version: i32,
}

/// Which of a [`TraineeRow`]'s columns a read selects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TraineeColumns {
    /// Those of the fields anyone who sees the trainee may see: a page of names and statuses
    /// neither moves nor decodes masked numbers and ciphertexts.
    Public,
    /// Also those of the personal fields.
    #[default]
    WithPersonal,
}

/// Every column a row reads, in the order [`TraineeRow::read`] reads them: the public ones,
/// then the personal ones.
const COLUMNS: [trainee::Column; 18] = {
    use trainee::Column::*;
    [
        Id,
        BaseId,
        Name,
        Gender,
        DisabilityCategory,
        DisabilityLevel,
        RegionCode,
        Residence,
        Education,
        EmploymentStatus,
        Status,
        RegisteredAt,
        Version,
        BirthDate,
        IdNumberMasked,
        CertificateMasked,
        PhoneEnc,
        CryptoVersion,
    ]
};

/// How many of [`COLUMNS`] are public.
const PUBLIC_COLUMNS: usize = 13;

impl TraineeColumns {
    /// The columns selected, in reading order.
    pub fn columns(self) -> &'static [trainee::Column] {
        match self {
            TraineeColumns::Public => &COLUMNS[..PUBLIC_COLUMNS],
            TraineeColumns::WithPersonal => &COLUMNS,
        }
    }
}

impl TraineeRow {
    /// `select` reading exactly the `columns` of a row.
    pub fn select<S: sea_orm::QuerySelect>(select: S, columns: TraineeColumns) -> S {
        Columns::select(select, columns.columns())
    }
}

impl FromQueryResult for TraineeRow {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        TraineeRow::read_to_end(&mut Columns::of(row, prefix)?)
    }
}

impl TraineeRow {
    /// Reads a row whose columns end the result row: with the personal columns when the
    /// select has columns left after the public ones. A row followed by another table's
    /// columns is read with [`TraineeRow::read`].
    pub fn read_to_end(columns: &mut Columns<'_>) -> Result<Self, DbErr> {
        let mut trainee = TraineeRow::read(columns, TraineeColumns::Public)?;
        if columns.has_more() {
            trainee.personal = Some(TraineePersonal::read(columns)?);
        }
        Ok(trainee)
    }

    /// Reads the `which` columns from where `columns` stands (after a joined row's own).
    pub fn read(columns: &mut Columns<'_>, which: TraineeColumns) -> Result<Self, DbErr> {
        Ok(TraineeRow {
            id: columns.get()?,
            base_id: columns.get()?,
            name: columns.get()?,
            gender: columns.get_enum()?,
            disability_category: columns.get_enum()?,
            disability_level: columns.get()?,
            region_code: columns.get()?,
            residence: columns.get_enum()?,
            education: columns.get_nullable_enum()?,
            employment_status: columns.get_enum()?,
            status: columns.get_enum()?,
            registered_at: columns.get()?,
            version: columns.get()?,
            personal: match which {
                TraineeColumns::Public => None,
                TraineeColumns::WithPersonal => Some(TraineePersonal::read(columns)?),
            },
        })
    }
}

impl TraineePersonal {
    fn read(columns: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(TraineePersonal {
            birth_date: columns.get()?,
            id_number_masked: columns.get()?,
            certificate_masked: columns.get()?,
            phone_enc: columns.get_nullable()?,
            crypto_version: columns.get()?,
        })
    }
}

impl From<trainee::Model> for TraineeRow {
    fn from(row: trainee::Model) -> Self {
        TraineeRow {
            id: row.id,
            base_id: row.base_id,
            name: row.name,
            gender: row.gender,
            disability_category: row.disability_category,
            disability_level: row.disability_level,
            region_code: row.region_code,
            residence: row.residence,
            education: row.education,
            employment_status: row.employment_status,
            status: row.status,
            registered_at: row.registered_at,
            version: row.version,
            personal: Some(TraineePersonal {
                birth_date: row.birth_date,
                id_number_masked: row.id_number_masked,
                certificate_masked: row.certificate_masked,
                phone_enc: row.phone_enc,
                crypto_version: row.crypto_version,
            }),
        }
    }
}

impl Row<trainee::Entity> for TraineeRow {
    fn column_value(&self, column: trainee::Column) -> Value {
        use trainee::Column;
        let personal = self.personal.as_ref();
        // Exhaustive, so a new column must be placed: read here, or left out below.
        match column {
            Column::Id => self.id.into(),
            Column::BaseId => self.base_id.into(),
            Column::Name => self.name.clone().into(),
            Column::Gender => self.gender.into(),
            Column::BirthDate => personal.map(|p| p.birth_date).into(),
            Column::IdNumberMasked => personal.map(|p| p.id_number_masked.clone()).into(),
            Column::CertificateMasked => personal.map(|p| p.certificate_masked.clone()).into(),
            Column::DisabilityCategory => self.disability_category.into(),
            Column::DisabilityLevel => self.disability_level.into(),
            Column::PhoneEnc => personal.and_then(|p| p.phone_enc.clone()).into(),
            Column::CryptoVersion => personal.map(|p| p.crypto_version).into(),
            Column::RegionCode => self.region_code.clone().into(),
            Column::Residence => self.residence.into(),
            Column::Education => self.education.into(),
            Column::EmploymentStatus => self.employment_status.into(),
            Column::Status => self.status.into(),
            Column::RegisteredAt => self.registered_at.into(),
            Column::Version => self.version.into(),
            // Never read, so no list may sort or page by them: a cursor would carry no key.
            // (Nor by a personal column: a public read has none.)
            Column::IdNumberEnc
            | Column::IdNumberIndex
            | Column::CertificateEnc
            | Column::CreatedAt
            | Column::UpdatedAt => Value::String(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{Iterable, ModelTrait};

    use super::*;

    #[test]
    fn a_row_gives_every_column_it_reads_as_the_model_does() {
        let at = DateTime::<Utc>::from_timestamp(1_764_000_000, 0).expect("a valid instant");
        let model = trainee::Model {
            id: Uuid::now_v7(),
            base_id: Uuid::now_v7(),
            name: "王芳".to_owned(),
            gender: Gender::Female,
            birth_date: NaiveDate::from_ymd_opt(1990, 5, 17).expect("a valid date"),
            id_number_enc: "sealed-id".to_owned(),
            id_number_index: "index".to_owned(),
            id_number_masked: "220302************".to_owned(),
            certificate_enc: "sealed-certificate".to_owned(),
            certificate_masked: "220302************42".to_owned(),
            disability_category: DisabilityCategory::Physical,
            disability_level: 2,
            phone_enc: Some("sealed-phone".to_owned()),
            crypto_version: 2,
            region_code: "220302".to_owned(),
            residence: Residence::Rural,
            education: Some(EducationLevel::Vocational),
            employment_status: EmploymentStatus::SelfEmployed,
            status: TraineeStatus::Active,
            registered_at: at,
            created_at: at,
            updated_at: at,
            version: 3,
        };
        let row = TraineeRow::from(model.clone());
        use trainee::Column;
        let read = |column: &Column| {
            !matches!(
                column,
                Column::IdNumberEnc
                    | Column::IdNumberIndex
                    | Column::CertificateEnc
                    | Column::CreatedAt
                    | Column::UpdatedAt
            )
        };
        for column in Column::iter().filter(read) {
            assert_eq!(row.column_value(column), model.get(column), "{column:?}");
        }
    }

    #[test]
    fn a_public_read_selects_no_column_of_a_personal_field() {
        use sea_orm::IdenStatic;
        let names = |columns: &[trainee::Column]| -> Vec<&str> {
            columns.iter().map(|column| column.as_str()).collect()
        };
        let public = names(TraineeColumns::Public.columns());
        let all = names(TraineeColumns::WithPersonal.columns());
        let personal = [
            "birth_date",
            "id_number_masked",
            "certificate_masked",
            "phone_enc",
            "crypto_version",
        ];
        assert!(personal.iter().all(|column| !public.contains(column)));
        assert_eq!(
            all[..public.len()],
            public,
            "the public columns are read first"
        );
        assert_eq!(all[public.len()..], personal);
    }
}
