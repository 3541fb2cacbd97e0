//! The columns of a trainee import file and the downloadable template built from them.

use entity::{EducationLevel, EmploymentStatus, Residence, TrainingCategory};

use crate::service::labels::Labelled;
use crate::service::spreadsheet::{
    self, InputColumn, Limits, Sheet, SheetColumn, WriteError, human_size,
};

/// The columns an import file may carry, in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 姓名.
    Name,
    /// 身份证号.
    IdNumber,
    /// 残疾证号.
    DisabilityCertificateNumber,
    /// 手机号.
    Phone,
    /// 城乡.
    Residence,
    /// 文化程度.
    Education,
    /// 就业状况.
    EmploymentStatus,
    /// 意向方向.
    Interests,
}

impl Column {
    /// The English header (the GraphQL field name), also used as the `field` of row errors.
    pub fn english(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::IdNumber => "idNumber",
            Column::DisabilityCertificateNumber => "disabilityCertificateNumber",
            Column::Phone => "phone",
            Column::Residence => "residence",
            Column::Education => "education",
            Column::EmploymentStatus => "employmentStatus",
            Column::Interests => "interests",
        }
    }
}

impl InputColumn for Column {
    const ALL: &'static [Column] = &[
        Column::Name,
        Column::IdNumber,
        Column::DisabilityCertificateNumber,
        Column::Phone,
        Column::Residence,
        Column::Education,
        Column::EmploymentStatus,
        Column::Interests,
    ];

    /// The template's Chinese header first, then synonyms seen in managers' own sheets,
    /// then the English name.
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["姓名", "name"],
            Column::IdNumber => &["身份证号", "身份证号码", "身份证", "idNumber"],
            Column::DisabilityCertificateNumber => &[
                "残疾证号",
                "残疾人证号",
                "残疾证号码",
                "残疾人证号码",
                "disabilityCertificateNumber",
            ],
            Column::Phone => &["手机号", "手机号码", "手机", "phone"],
            Column::Residence => &["城乡", "residence"],
            Column::Education => &["文化程度", "学历", "education"],
            Column::EmploymentStatus => &["就业状况", "employmentStatus"],
            Column::Interests => &["意向方向", "interests"],
        }
    }

    fn is_required(self) -> bool {
        matches!(
            self,
            Column::Name
                | Column::IdNumber
                | Column::DisabilityCertificateNumber
                | Column::Residence
        )
    }
}

/// Separators accepted between the values of the interests column.
pub const INTEREST_SEPARATORS: [char; 7] = ['、', ',', '，', ';', '；', '/', ' '];

/// The template managers download: sheet "学员" with the Chinese headers (identity,
/// certificate and phone columns formatted as text so Excel keeps every digit; drop-down
/// lists on the closed-choice columns), and sheet "说明" explaining each column and its
/// allowed values. It has no example row.
pub fn template_xlsx() -> Result<Vec<u8>, WriteError> {
    let limits = Limits::default();
    let columns = Column::ALL
        .iter()
        .map(|&column| {
            let spec = SheetColumn::new(column.label()).width(template_width(column));
            match column {
                Column::IdNumber | Column::DisabilityCertificateNumber | Column::Phone => {
                    spec.as_text()
                }
                Column::Residence => spec.choices(Residence::labels()),
                Column::Education => spec.choices(EducationLevel::labels()),
                Column::EmploymentStatus => spec.choices(EmploymentStatus::labels()),
                Column::Name | Column::Interests => spec,
            }
        })
        .collect();
    let roster =
        Sheet::new("学员", columns).input_rows(u32::try_from(limits.max_rows).unwrap_or(u32::MAX));

    let mut notes = Sheet::new(
        "说明",
        vec![
            SheetColumn::new("列名").width(12.0).wrap(),
            SheetColumn::new("英文列名").width(28.0).wrap(),
            SheetColumn::new("是否必填").width(10.0).wrap(),
            SheetColumn::new("填写说明").width(48.0).wrap(),
            SheetColumn::new("可填写的值").width(48.0).wrap(),
        ],
    );
    for &column in Column::ALL {
        let (explanation, allowed) = column_notes(column);
        let required = if column.is_required() {
            "必填"
        } else {
            "选填"
        };
        notes.push(vec![
            column.label().into(),
            column.english().into(),
            required.into(),
            explanation.into(),
            allowed.into(),
        ]);
    }
    notes.note("填写须知");
    notes.note(
        "1. 在“学员”工作表中填写，第一行为表头，请勿修改或删除列名；每位学员一行，从第二行开始。",
    );
    notes.note("2. 身份证号、残疾证号、手机号列已设为文本格式，请直接输入或粘贴为文本，避免被 Excel 转成科学计数法而丢失数字。");
    notes.note(format!(
        "3. 一次最多导入 {} 行，文件不超过 {}；人数较多时请拆分为多个文件。",
        limits.max_rows,
        human_size(limits.max_bytes)
    ));
    notes.note("4. 也可上传 UTF-8 编码的 CSV 文件，表头可使用上表中的中文或英文列名。");
    notes.note("5. 导入即表示本基地已取得表中每位学员处理其身份证与残疾人证信息的单独同意（书面同意书留存备查）。");
    spreadsheet::xlsx(&[roster, notes])
}

fn template_width(column: Column) -> f64 {
    match column {
        Column::IdNumber => 22.0,
        Column::DisabilityCertificateNumber => 26.0,
        Column::Phone => 15.0,
        Column::Interests => 30.0,
        Column::Education | Column::EmploymentStatus => 12.0,
        Column::Name | Column::Residence => 10.0,
    }
}

/// The explanation and allowed values shown in the "说明" sheet.
fn column_notes(column: Column) -> (&'static str, String) {
    let list = |values: Vec<&str>| values.join("、");
    match column {
        Column::Name => ("学员姓名，与身份证一致", String::new()),
        Column::IdNumber => ("18 位居民身份证号码，末位可能是 X", String::new()),
        Column::DisabilityCertificateNumber => ("残疾人证上的证号", String::new()),
        Column::Phone => ("11 位手机号码", String::new()),
        Column::Residence => ("户籍所在地属于城镇还是农村", list(Residence::labels())),
        Column::Education => ("最高学历", list(EducationLevel::labels())),
        Column::EmploymentStatus => ("目前的就业情况", list(EmploymentStatus::labels())),
        Column::Interests => (
            "希望学习的方向，可填多个，用顿号“、”或逗号“,”分隔",
            list(TrainingCategory::labels()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx};

    use super::*;
    use crate::service::spreadsheet::{FileFormat, Row, read};

    #[test]
    fn header_recognition() {
        assert_eq!(Column::from_header(" 身份证号码 "), Some(Column::IdNumber));
        assert_eq!(
            Column::from_header("残疾人证号"),
            Some(Column::DisabilityCertificateNumber)
        );
        assert_eq!(Column::from_header("\u{feff}姓名"), Some(Column::Name));
        assert_eq!(Column::from_header("姓名*"), Some(Column::Name));
        assert_eq!(Column::from_header("城乡（必填）"), Some(Column::Residence));
        assert_eq!(
            Column::from_header("EmploymentStatus"),
            Some(Column::EmploymentStatus)
        );
        assert_eq!(Column::from_header("id_number"), Some(Column::IdNumber));
        assert_eq!(Column::from_header("ID Number"), Some(Column::IdNumber));
        assert_eq!(Column::from_header("备注"), None);
        assert_eq!(Column::from_header("  "), None);
        for &column in Column::ALL {
            assert_eq!(Column::from_header(column.label()), Some(column));
            assert_eq!(Column::from_header(column.english()), Some(column));
            assert!(column.names().contains(&column.english()));
        }
    }

    #[test]
    fn template_reads_back_with_no_rows() {
        let content = template_xlsx().unwrap();
        let rows: Vec<Row<Column>> = read(&content, FileFormat::Xlsx, &Limits::default()).unwrap();
        assert!(rows.is_empty());
        let mut workbook = Xlsx::new(Cursor::new(content.as_slice())).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["学员", "说明"]);
        let range = workbook.worksheet_range("学员").unwrap();
        let headers: Vec<Option<Column>> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|cell| Column::from_header(&cell.to_string()))
            .collect();
        assert_eq!(
            headers,
            Column::ALL.iter().copied().map(Some).collect::<Vec<_>>()
        );
        let notes = workbook.worksheet_range("说明").unwrap();
        let text: String = notes.cells().map(|(_, _, cell)| cell.to_string()).collect();
        for value in [
            "城镇、农村",
            "研究生",
            "在校学生",
            "数字素养",
            "顿号",
            "单独同意",
        ] {
            assert!(text.contains(value), "说明 lacks {value}");
        }
    }
}
