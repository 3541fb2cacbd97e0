//! Unit tests of writing spreadsheets: typed cells and the formula-injection guard.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::read_tests::Col;
use super::*;

#[test]
fn formula_like_text_stays_text_in_xlsx() {
    let mut sheet = Sheet::new(
        "导出",
        vec![
            SheetColumn::new("文本"),
            SheetColumn::new("数值"),
            SheetColumn::new("金额"),
        ],
    );
    let risky = [
        "=1+1",
        "+86 139",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "＝1+1",
        "=HYPERLINK(\"http://x\")",
    ];
    for text in risky {
        sheet.push(vec![
            text.into(),
            Cell::Integer(-5),
            Cell::Decimal(Decimal::new(1250, 2)),
        ]);
    }
    sheet.push(vec!["普通".into(), Cell::Number(1.5), Cell::Empty]);
    let content = xlsx(&[sheet]).unwrap();

    // Excel's quote prefix keeps the cells text even when someone edits them later.
    let mut archive = zip::ZipArchive::new(Cursor::new(content.clone())).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/styles.xml").unwrap(), &mut styles)
        .unwrap();
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");

    let mut workbook = Xlsx::new(Cursor::new(content)).unwrap();
    let range = workbook.worksheet_range("导出").unwrap();
    for (row, text) in (1u32..).zip(risky) {
        assert_eq!(
            range.get_value((row, 0)),
            Some(&Data::String(text.to_owned()))
        );
        assert_eq!(
            range.get_value((row, 1)),
            Some(&Data::Float(-5.0)),
            "numbers stay numbers"
        );
        assert_eq!(range.get_value((row, 2)), Some(&Data::Float(12.5)));
    }
    assert_eq!(range.get_value((8, 1)), Some(&Data::Float(1.5)));
    let formulas = workbook.worksheet_formula("导出").unwrap();
    assert!(
        formulas.cells().all(|(_, _, f)| f.is_empty()),
        "no formula was written"
    );
}

#[test]
fn formula_like_text_is_quoted_in_csv() {
    let mut sheet = Sheet::new(
        "导出",
        vec![
            SheetColumn::new("文本"),
            SheetColumn::new("数值"),
            SheetColumn::new("日期"),
        ],
    );
    sheet.push(vec![
        "=1+1".into(),
        Cell::Integer(-5),
        NaiveDate::from_ymd_opt(2024, 6, 20).into(),
    ]);
    sheet.push(vec![
        "@cmd".into(),
        Cell::Decimal(Decimal::new(-1250, 2)),
        Cell::Empty,
    ]);
    sheet.push(vec![
        "说\"明\", 含逗号".into(),
        Cell::Bool(true),
        Option::<String>::None.into(),
    ]);
    let text = String::from_utf8(csv(&sheet).unwrap()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("BOM for Excel");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "文本,数值,日期");
    assert!(lines[1].starts_with("'=1+1,"), "{}", lines[1]);
    assert_eq!(lines[1], "'=1+1,-5,2024-06-20", "numbers are not prefixed");
    assert_eq!(lines[2], "'@cmd,-12.50,");
    assert_eq!(lines[3], "\"说\"\"明\"\", 含逗号\",TRUE,");
}

#[test]
fn written_sheets_read_back() {
    let mut sheet = Sheet::new(
        "学员",
        vec![
            SheetColumn::new("姓名"),
            SheetColumn::new("身份证号").as_text(),
            SheetColumn::new("残疾证号"),
            SheetColumn::new("城乡").choices(["城镇", "农村"]),
        ],
    );
    sheet.push(vec![
        "张三".into(),
        "11010519491231002X".into(),
        "11010519491231002X42".into(),
        "城镇".into(),
    ]);
    for content in [
        xlsx(std::slice::from_ref(&sheet)).unwrap(),
        csv(&sheet).unwrap(),
    ] {
        let format = FileFormat::detect(None, &content).unwrap();
        let rows = read::<Col>(&content, format, &Limits::default()).unwrap();
        assert_eq!(rows.len(), 1, "{format:?}");
        assert_eq!(rows[0].get(Col::Id), Some("11010519491231002X"));
        assert_eq!(rows[0].get(Col::Residence), Some("城镇"));
    }
}
