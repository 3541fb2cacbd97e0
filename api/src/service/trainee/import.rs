//! Bulk registration from a spreadsheet: every row checked like a registration form,
//! duplicates found inside the file and against the network, valid rows created in one
//! transaction. Re-importing the same file creates nothing new.

use std::collections::{HashMap, HashSet};

use entity::{
    ConsentSource, EducationLevel, EmploymentStatus, Residence, TrainingCategory, consent, trainee,
    trainee_interest,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use super::import_file::{self, Column, FileFormat, Limits, RawRow};
use super::{
    Registration, ValidRegistration, check, governed_base, is_unique_violation, new_rows, staff,
};
use crate::auth::Actor;
use crate::crypto::FieldCipher;
use crate::service::lists;
use crate::service::write::write;
use crate::service::{ServiceResult, UserError, UserErrorCode, now};

/// Rows per INSERT: well under both databases' bind-parameter limits.
const INSERT_BATCH: usize = 200;
/// Identity indexes per duplicate look-up.
const LOOKUP_BATCH: usize = 500;

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
    pub dry_run: bool,
    /// Rows created (in a dry run: rows that would be created).
    pub created: u32,
    /// Rows refused.
    pub failed: u32,
    pub rows: Vec<RowResult>,
}

/// An uploaded file.
pub struct ImportFile<'a> {
    pub name: Option<&'a str>,
    pub content: &'a [u8],
}

fn file_error(message: impl Into<String>) -> UserError {
    UserError::input("file", UserErrorCode::Invalid, message)
}

fn column_error(column: Column, code: UserErrorCode, message: impl Into<String>) -> UserError {
    UserError {
        field: vec![column.english().to_owned()],
        code,
        message: message.into(),
    }
}

/// Chinese spreadsheet values and the API's enum names are both accepted.
fn parse_residence(text: &str) -> Option<Residence> {
    match text.trim() {
        "城镇" | "城市" | "URBAN" | "urban" => Some(Residence::Urban),
        "农村" | "乡村" | "RURAL" | "rural" => Some(Residence::Rural),
        _ => None,
    }
}

fn parse_education(text: &str) -> Option<EducationLevel> {
    use EducationLevel::*;
    match text.trim() {
        "无" | "文盲" | "NONE" => Some(None),
        "小学" | "PRIMARY" => Some(Primary),
        "初中" | "JUNIOR_SECONDARY" => Some(JuniorSecondary),
        "高中" | "SENIOR_SECONDARY" => Some(SeniorSecondary),
        "中专" | "职高" | "技校" | "VOCATIONAL" => Some(Vocational),
        "大专" | "COLLEGE" => Some(College),
        "本科" | "大学" | "BACHELOR" => Some(Bachelor),
        "研究生" | "硕士" | "博士" | "POSTGRADUATE" => Some(Postgraduate),
        _ => Option::None,
    }
}

fn parse_employment(text: &str) -> Option<EmploymentStatus> {
    match text.trim() {
        "未就业" | "失业" | "UNEMPLOYED" => Some(EmploymentStatus::Unemployed),
        "就业" | "已就业" | "EMPLOYED" => Some(EmploymentStatus::Employed),
        "自主创业" | "创业" | "个体" | "SELF_EMPLOYED" => {
            Some(EmploymentStatus::SelfEmployed)
        }
        "在校学生" | "学生" | "在校" | "STUDENT" => Some(EmploymentStatus::Student),
        _ => None,
    }
}

fn parse_interest(text: &str) -> Option<TrainingCategory> {
    use TrainingCategory::*;
    match text.trim() {
        "直播带货" | "直播" | "LIVESTREAM_COMMERCE" => Some(LivestreamCommerce),
        "短视频" | "SHORT_VIDEO" => Some(ShortVideo),
        "网店运营" | "网店" | "电商" | "ONLINE_STORE" => Some(OnlineStore),
        "有声配音" | "配音" | "声音创业" | "VOICE_WORK" => Some(VoiceWork),
        "客服" | "话务" | "在线客服" | "CUSTOMER_SERVICE" => Some(CustomerService),
        "数据标注" | "DATA_LABELING" => Some(DataLabeling),
        "手工艺" | "手工" | "HANDICRAFT" => Some(Handicraft),
        "供应链" | "SUPPLY_CHAIN" => Some(SupplyChain),
        "数字素养" | "DIGITAL_LITERACY" => Some(DigitalLiteracy),
        "创业" | "ENTREPRENEURSHIP" => Some(Entrepreneurship),
        _ => None,
    }
}

/// Turns a raw row into a checked registration, or the row's problems.
fn check_row(row: &RawRow, today: chrono::NaiveDate) -> Result<ValidRegistration, Vec<UserError>> {
    let mut errors = Vec::new();
    let mut enumerated = |column: Column, parse: &dyn Fn(&str) -> bool, allowed: &str| {
        if let Some(text) = row.get(column)
            && !parse(text)
        {
            errors.push(column_error(
                column,
                UserErrorCode::Invalid,
                format!("{}应为：{allowed}", column.chinese()),
            ));
        }
    };
    enumerated(
        Column::Residence,
        &|t| parse_residence(t).is_some(),
        "城镇、农村",
    );
    enumerated(
        Column::Education,
        &|t| parse_education(t).is_some(),
        "无、小学、初中、高中、中专、大专、本科、研究生",
    );
    enumerated(
        Column::EmploymentStatus,
        &|t| parse_employment(t).is_some(),
        "未就业、就业、自主创业、在校学生",
    );
    let mut interests = Vec::new();
    for part in row
        .get(Column::Interests)
        .unwrap_or_default()
        .split(['、', ',', '，', ';', '；', '/', ' '])
        .filter(|p| !p.trim().is_empty())
    {
        match parse_interest(part) {
            Some(interest) if !interests.contains(&interest) => interests.push(interest),
            Some(_) => {}
            None => errors.push(column_error(
                Column::Interests,
                UserErrorCode::Invalid,
                format!("无法识别的意向方向：{part}"),
            )),
        }
    }
    let registration = Registration {
        name: row.get(Column::Name).unwrap_or_default().to_owned(),
        id_number: row.get(Column::IdNumber).unwrap_or_default().to_owned(),
        certificate_number: row
            .get(Column::DisabilityCertificateNumber)
            .unwrap_or_default()
            .to_owned(),
        region_code: None,
        phone: row.get(Column::Phone).map(str::to_owned),
        residence: row.get(Column::Residence).and_then(parse_residence),
        education: row.get(Column::Education).and_then(parse_education),
        employment_status: row.get(Column::EmploymentStatus).and_then(parse_employment),
        interests,
    };
    let residence_given = row.get(Column::Residence).is_some();
    match check(&registration, today) {
        Ok(valid) if errors.is_empty() => Ok(valid),
        Ok(_) => Err(errors),
        Err(problems) => {
            // Form field paths become column names; an unparsable residence is reported once.
            errors.extend(
                problems
                    .into_iter()
                    .filter(|p| {
                        !(residence_given && p.field.last().is_some_and(|f| f == "residence"))
                    })
                    .map(|mut p| {
                        p.field = p.field.into_iter().skip(1).collect();
                        p
                    }),
            );
            Err(errors)
        }
    }
}

/// Which of these blind indexes are already registered.
async fn registered(
    db: &impl ConnectionTrait,
    indexes: &[String],
) -> Result<HashSet<String>, DbErr> {
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

/// Imports large enough to mislead PostgreSQL's planner until autovacuum notices them.
const ANALYZE_AFTER_ROWS: u32 = 500;

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

/// Imports trainees into a base the caller governs. A dry run checks everything and writes
/// nothing; a real run creates every valid row in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    cipher: &FieldCipher,
    actor: &Actor,
    base_id: Uuid,
    file: ImportFile<'_>,
    dry_run: bool,
    limits: &Limits,
) -> ServiceResult<ImportReport> {
    let user = staff(actor)?;
    let report = write(db)
        .run(async |txn| {
            let Some(base) = governed_base(txn, user, base_id).await? else {
                return Err(
                    UserError::input("baseId", UserErrorCode::NotFound, "基地不存在").into(),
                );
            };
            let format = FileFormat::detect(file.name, file.content)
                .ok_or_else(|| file_error("无法识别的文件格式，请上传 .xlsx 或 .csv 文件"))?;
            let rows = import_file::read_rows(file.content, format, limits)
                .map_err(|e| file_error(e.to_string()))?;

            let today = now().date_naive();
            let mut results: Vec<RowResult> = Vec::with_capacity(rows.len());
            let mut valid: Vec<(usize, ValidRegistration, String)> = Vec::new();
            let mut first_row_of: HashMap<String, u32> = HashMap::new();
            for raw in &rows {
                let index = results.len();
                results.push(RowResult {
                    row: raw.row,
                    trainee_id: None,
                    errors: Vec::new(),
                });
                match check_row(raw, today) {
                    Err(errors) => results[index].errors = errors,
                    Ok(registration) => {
                        let blind = cipher.blind_index(&registration.identity.number);
                        if let Some(first) = first_row_of.get(&blind) {
                            results[index].errors.push(column_error(
                                Column::IdNumber,
                                UserErrorCode::Duplicate,
                                format!("与第 {first} 行为同一人"),
                            ));
                        } else {
                            first_row_of.insert(blind.clone(), raw.row);
                            valid.push((index, registration, blind));
                        }
                    }
                }
            }
            let indexes: Vec<String> = valid.iter().map(|(_, _, blind)| blind.clone()).collect();
            let known = registered(txn, &indexes).await?;
            let mut to_create = Vec::new();
            for (index, registration, blind) in valid {
                if known.contains(&blind) {
                    results[index].errors.push(column_error(
                        Column::IdNumber,
                        UserErrorCode::Duplicate,
                        "该人员已在网络中登记",
                    ));
                } else {
                    to_create.push((index, registration));
                }
            }

            let created = u32::try_from(to_create.len()).unwrap_or(u32::MAX);
            if !dry_run && !to_create.is_empty() {
                let mut trainees = Vec::with_capacity(to_create.len());
                let mut consents = Vec::with_capacity(to_create.len());
                let mut interests = Vec::with_capacity(to_create.len());
                for (index, registration) in to_create {
                    let wanted = registration.interests.clone();
                    let (trainee, consent) = new_rows(
                        cipher,
                        user.user_id,
                        &base,
                        registration,
                        ConsentSource::Import,
                    )?;
                    results[index].trainee_id = trainee.id.clone().take();
                    if let Some(id) = results[index].trainee_id {
                        interests.push((id, wanted));
                    }
                    trainees.push(trainee);
                    consents.push(consent);
                }
                for chunk in trainees.chunks(INSERT_BATCH) {
                    match trainee::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await
                    {
                        Ok(_) => {}
                        Err(err) if is_unique_violation(&err) => {
                            return Err(UserError::general(
                                UserErrorCode::Duplicate,
                                "导入期间有人员已被登记，请重新导入",
                            )
                            .into());
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
                for chunk in consents.chunks(INSERT_BATCH) {
                    consent::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await?;
                }
                lists::insert::<trainee_interest::Entity>(txn, interests).await?;
            }
            let failed = u32::try_from(results.iter().filter(|r| !r.errors.is_empty()).count())
                .unwrap_or(u32::MAX);
            Ok(ImportReport {
                dry_run,
                created,
                failed,
                rows: results,
            })
        })
        .await?;
    if !report.dry_run {
        refresh_statistics(db, report.created).await;
    }
    Ok(report)
}
