//! The report and roster spreadsheets: the region report as XLSX (indicators with a bar
//! chart of target against actual, then one row per child region) or CSV, and a base's
//! trainee roster with masked identity numbers.

use entity::{Indicator, base, trainee};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::indicators::{RegionReport, children_reports, region_report};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::labels::Labelled;
use crate::service::scope::Scope;
use crate::service::spreadsheet::{Cell, Sheet, SheetColumn, csv, xlsx};
use crate::service::trainee as trainees;

/// Formats a report can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Csv,
}

/// Achievement as a percentage with one decimal; None without a (non-zero) target.
fn rate(actual: u64, target: Option<i32>) -> Option<Decimal> {
    let target = target.filter(|t| *t > 0)?;
    let percent = Decimal::from(actual) * Decimal::ONE_HUNDRED / Decimal::from(target);
    Some(percent.round_dp(1))
}

fn count(n: u64) -> Cell {
    Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Sheet 1: one row per indicator with its target, actual and rate, and the bar chart.
fn indicator_sheet(report: &RegionReport) -> Sheet {
    let mut sheet = Sheet::new(
        "指标",
        vec![
            SheetColumn::new("指标"),
            SheetColumn::new("目标"),
            SheetColumn::new("完成"),
            SheetColumn::new("完成率"),
        ],
    )
    .bar_chart(
        format!("{} {} 年目标与完成", report.region.name, report.year),
        &[1, 2],
    );
    for p in &report.indicators {
        sheet.push(vec![
            p.indicator.label().into(),
            p.target
                .map_or(Cell::Empty, |t| Cell::Integer(i64::from(t))),
            count(p.actual),
            rate(p.actual, p.target).map_or(Cell::Empty, Cell::Decimal),
        ]);
    }
    sheet.note("完成率 = 完成 ÷ 目标 × 100（%）；未设目标的指标不计完成率。");
    sheet
}

/// Sheet 2: one row per child region, each indicator's target and actual side by side.
fn children_sheet(children: &[RegionReport]) -> Sheet {
    let mut columns = vec![
        SheetColumn::new("地区代码").as_text(),
        SheetColumn::new("地区"),
    ];
    for indicator in Indicator::LABELS.iter().map(|(i, _)| i) {
        columns.push(SheetColumn::new(format!("{}目标", indicator.label())));
        columns.push(SheetColumn::new(format!("{}完成", indicator.label())));
    }
    let mut sheet = Sheet::new("下级地区", columns);
    for child in children {
        let mut row: Vec<Cell> = vec![
            child.region.code.as_str().into(),
            child.region.name.as_str().into(),
        ];
        for p in &child.indicators {
            row.push(
                p.target
                    .map_or(Cell::Empty, |t| Cell::Integer(i64::from(t))),
            );
            row.push(count(p.actual));
        }
        sheet.push(row);
    }
    sheet
}

/// The report of `region_code` for `year` as a file, for those who may read the report
/// (FORBIDDEN, NOT_FOUND otherwise, as `regionReport`).
pub async fn report_file(
    db: &impl ConnectionTrait,
    actor: &Actor,
    region_code: &str,
    year: i32,
    format: ReportFormat,
) -> Result<Vec<u8>, AppError> {
    let report = region_report(db, actor, region_code, year).await?;
    let bytes = match format {
        ReportFormat::Csv => csv(&indicator_sheet(&report)),
        ReportFormat::Xlsx => {
            let children = children_reports(db, std::slice::from_ref(&report.region.code), year)
                .await?
                .remove(&report.region.code)
                .unwrap_or_default();
            xlsx(&[indicator_sheet(&report), children_sheet(&children)])
        }
    };
    bytes.map_err(AppError::internal)
}

/// A base's trainees as XLSX, in registration order, identity and certificate numbers
/// masked. For staff who govern the base (FORBIDDEN for other roles; a base out of scope is
/// NOT_FOUND, like a missing one).
pub async fn roster_xlsx(
    db: &impl ConnectionTrait,
    actor: &Actor,
    base_id: Uuid,
) -> Result<Vec<u8>, AppError> {
    let scope = Scope::of(actor);
    scope.staff()?;
    let base = base::Entity::find_by_id(base_id)
        .one(db)
        .await?
        .filter(|b| scope.governs_base(b))
        .ok_or(AppError::NotFound)?;
    let rows = trainee::Entity::find()
        .filter(trainees::visible(actor))
        .filter(trainee::Column::BaseId.eq(base.id))
        .order_by_asc(trainee::Column::RegisteredAt)
        .order_by_asc(trainee::Column::Id)
        .all(db)
        .await?;
    let mut sheet = Sheet::new(
        "学员名册",
        vec![
            SheetColumn::new("姓名"),
            SheetColumn::new("性别"),
            SheetColumn::new("出生日期"),
            SheetColumn::new("身份证号").as_text(),
            SheetColumn::new("残疾证号").as_text(),
            SheetColumn::new("残疾类别"),
            SheetColumn::new("残疾等级"),
            SheetColumn::new("城乡"),
            SheetColumn::new("就业状态"),
            SheetColumn::new("状态"),
            SheetColumn::new("登记日期"),
        ],
    );
    for t in rows {
        sheet.push(vec![
            t.name.into(),
            t.gender.label().into(),
            Cell::Date(t.birth_date),
            t.id_number_masked.into(),
            t.certificate_masked.into(),
            t.disability_category.label().into(),
            Cell::Integer(i64::from(t.disability_level)),
            t.residence.label().into(),
            t.employment_status.label().into(),
            t.status.label().into(),
            Cell::Date(t.registered_at.date_naive()),
        ]);
    }
    sheet.note(format!("{}：身份证号与残疾证号已脱敏。", base.name));
    xlsx(&[sheet]).map_err(AppError::internal)
}
