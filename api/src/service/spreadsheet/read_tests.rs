//! Unit tests of reading spreadsheets: CSV, XLSX, limits and the ZIP-bomb guard.

use std::io::{Cursor, Write};

use rust_xlsxwriter::{Format, Workbook};

use super::read_csv::NOT_UTF8;
use super::read_xlsx::XLSX_UNREADABLE;
use super::*;

/// The columns the reading tests use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Name,
    Id,
    Cert,
    Phone,
    Residence,
    Interests,
}

impl InputColumn for Col {
    const ALL: &'static [Col] = &[
        Col::Name,
        Col::Id,
        Col::Cert,
        Col::Phone,
        Col::Residence,
        Col::Interests,
    ];

    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Name => &["姓名", "name"],
            Col::Id => &["身份证号", "身份证号码", "idNumber"],
            Col::Cert => &["残疾证号", "disabilityCertificateNumber"],
            Col::Phone => &["手机号", "phone"],
            Col::Residence => &["城乡", "residence"],
            Col::Interests => &["意向方向", "interests"],
        }
    }

    fn is_required(self) -> bool {
        matches!(self, Col::Name | Col::Id | Col::Cert | Col::Residence)
    }
}

fn csv_rows(text: &str) -> Result<Vec<Row<Col>>, ReadError> {
    read(text.as_bytes(), FileFormat::Csv, &Limits::default())
}

fn numbers(rows: &[Row<Col>]) -> Vec<u32> {
    rows.iter().map(|row| row.row).collect()
}

#[test]
fn csv_with_chinese_headers() {
    let rows = csv_rows(
        "姓名,身份证号,残疾证号,手机号,城乡,意向方向,备注\n\
         张三 , 11010519491231002X ,11010519491231002X42,13800138000,城镇,\"直播带货、短视频\",随便\n",
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].get(Col::Name), Some("张三"));
    assert_eq!(rows[0].get(Col::Id), Some("11010519491231002X"));
    assert_eq!(rows[0].get(Col::Interests), Some("直播带货、短视频"));
    assert_eq!(rows[0].cells.len(), 6, "unknown 备注 column is ignored");
}

#[test]
fn csv_with_english_headers_and_bom() {
    let text = "\u{feff}Name,IDNUMBER,disability_certificate_number,residence,phone\n李四,110105194912310021,A1,农村\n";
    let rows = csv_rows(text).unwrap();
    assert_eq!(rows[0].get(Col::Name), Some("李四"));
    assert_eq!(rows[0].get(Col::Residence), Some("农村"));
    assert_eq!(
        rows[0].get(Col::Phone),
        None,
        "short record: flexible lengths"
    );
}

#[test]
fn missing_required_columns() {
    let error = csv_rows("姓名,手机号,城乡\n张三,13800138000,城镇\n").unwrap_err();
    assert_eq!(
        error,
        ReadError::MissingColumns(vec!["身份证号", "残疾证号"])
    );
    assert_eq!(error.to_string(), "缺少必填列：身份证号、残疾证号");
    assert_eq!(
        csv_rows("a,b\n1,2\n").unwrap_err(),
        ReadError::MissingColumns(vec!["姓名", "身份证号", "残疾证号", "城乡"])
    );
    assert_eq!(csv_rows("").unwrap_err(), ReadError::MissingHeader);
    assert_eq!(csv_rows(" , \n\n").unwrap_err(), ReadError::MissingHeader);
    let titles: String = (0..12).map(|i| format!("标题{i}\n")).collect();
    assert_eq!(
        csv_rows(&titles).unwrap_err(),
        ReadError::MissingColumns(vec!["姓名", "身份证号", "残疾证号", "城乡"]),
        "no header within the first rows"
    );
}

#[test]
fn blank_rows_skipped_with_row_numbers() {
    let text = "\n姓名,身份证号,残疾证号,城乡\r\n\
                张三,1,2,城镇\r\n\
                \r\n\
                , , ,\r\n\
                \"李\n四\",3,4,农村\r\n\
                王五,5,6,城镇\r\n";
    let rows = csv_rows(text).unwrap();
    assert_eq!(numbers(&rows), vec![3, 6, 7]);
    assert_eq!(rows[1].get(Col::Name), Some("李\n四"));

    // LF-only and old-Mac CR-only files, a CRLF inside quotes, and trailing blank lines.
    let text = "姓名,身份证号,残疾证号,城乡\n\n甲,1,2,城镇\n\"乙\r\n\",3,4,农村\n丙,5,6,城镇\n\n\n";
    assert_eq!(numbers(&csv_rows(text).unwrap()), vec![3, 4, 5]);
    let text = "姓名,身份证号,残疾证号,城乡\r\r甲,1,2,城镇\r乙,3,4,农村";
    assert_eq!(numbers(&csv_rows(text).unwrap()), vec![3, 4]);
}

#[test]
fn title_rows_unknown_columns_and_repeated_headers() {
    let rows = csv_rows("2024 年学员名单\n姓名,身份证号,残疾证号,城乡\n张三,1,2,城镇\n").unwrap();
    assert_eq!(numbers(&rows), vec![3]);
    let rows =
        csv_rows("序号,姓名,身份证号,残疾证号,城乡\n1,张三,1,2,城镇\n2,,,,\n3,,,,\n").unwrap();
    assert_eq!(rows.len(), 1, "rows with only unknown columns are skipped");
    let rows = csv_rows("姓名,身份证号,残疾证号,城乡,姓名\n张三,1,2,城镇,李四\n").unwrap();
    assert_eq!(rows[0].get(Col::Name), Some("张三"), "leftmost wins");
}

#[test]
fn semicolon_and_tab_separated() {
    for separator in [";", "\t"] {
        let text = ["姓名", "身份证号", "残疾证号", "城乡"].join(separator)
            + "\n"
            + &["张三", "1", "2", "城镇"].join(separator);
        assert_eq!(
            csv_rows(&text).unwrap()[0].get(Col::Residence),
            Some("城镇")
        );
    }
}

#[test]
fn non_utf8_csv_is_rejected() {
    // "姓名" in GBK.
    let error = read::<Col>(b"\xD0\xD5\xC3\xFB,a\n", FileFormat::Csv, &Limits::default());
    assert_eq!(error, Err(ReadError::Unreadable(NOT_UTF8.to_owned())));
}

#[test]
fn row_and_size_limits() {
    let limits = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    let ok = "姓名,身份证号,残疾证号,城乡\n甲,1,2,城镇\n\n乙,1,2,城镇\n";
    assert_eq!(
        read::<Col>(ok.as_bytes(), FileFormat::Csv, &limits)
            .unwrap()
            .len(),
        2
    );
    let over = format!("{ok}丙,1,2,城镇\n");
    let error = read::<Col>(over.as_bytes(), FileFormat::Csv, &limits).unwrap_err();
    assert_eq!(error, ReadError::TooManyRows { max_rows: 2 });
    assert_eq!(error.to_string(), "数据超过 2 行上限，请拆分后分批导入");

    let tiny = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let error = read::<Col>(&[b'a'; 11], format, &tiny).unwrap_err();
        assert_eq!(error, ReadError::TooLarge { max_bytes: 10 });
    }
    assert_eq!(
        ReadError::TooLarge {
            max_bytes: Limits::default().max_bytes
        }
        .to_string(),
        "文件超过 10 MB 上限"
    );
    assert_eq!(human_size(1536 * 1024), "1.5 MB");
    assert_eq!(human_size(512 * 1024), "512 KB");
}

#[test]
fn xlsx_cells_read_as_the_user_sees_them() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in (0u16..).zip([
        "序号",
        "姓名",
        "身份证号",
        "残疾证号",
        "手机号",
        "城乡",
        "意向方向",
    ]) {
        sheet.write_string(0, col, header).unwrap();
    }
    sheet.write_number(1, 0, 1).unwrap();
    sheet.write_string(1, 1, " 张三 ").unwrap();
    sheet.write_number(1, 2, 110_105_194_912_310_021.0).unwrap();
    sheet.write_string(1, 3, "11010519491231002142").unwrap();
    sheet.write_number(1, 4, 13_800_138_000.0).unwrap();
    sheet.write_string(1, 5, "城镇").unwrap();
    sheet.write_boolean(1, 6, true).unwrap();
    // Row 3 left blank; row 4 only has the 序号.
    sheet.write_number(3, 0, 3).unwrap();
    sheet.write_string(4, 1, "李四").unwrap();
    sheet.write_number(4, 4, 1.5).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 9).unwrap();
    let date_format = Format::new().set_num_format("yyyy/mm/dd");
    sheet
        .write_datetime_with_format(4, 6, &date, &date_format)
        .unwrap();
    let content = workbook.save_to_buffer().unwrap();

    assert_eq!(FileFormat::detect(None, &content), Some(FileFormat::Xlsx));
    let rows = read::<Col>(&content, FileFormat::Xlsx, &Limits::default()).unwrap();
    assert_eq!(numbers(&rows), vec![2, 5]);
    assert_eq!(rows[0].get(Col::Name), Some("张三"));
    // Precision beyond 2^53 is lost; the value renders as Excel shows it.
    assert_eq!(rows[0].get(Col::Id), Some("110105194912310020"));
    assert_eq!(rows[0].get(Col::Cert), Some("11010519491231002142"));
    assert_eq!(rows[0].get(Col::Phone), Some("13800138000"));
    assert_eq!(rows[0].get(Col::Interests), Some("TRUE"));
    assert_eq!(rows[1].get(Col::Phone), Some("1.5"));
    assert_eq!(rows[1].get(Col::Interests), Some("2024-03-09"));
}

#[test]
fn xlsx_garbage_is_unreadable() {
    let error = read::<Col>(b"PK\x03\x04garbage", FileFormat::Xlsx, &Limits::default());
    assert_eq!(
        error,
        Err(ReadError::Unreadable(XLSX_UNREADABLE.to_owned()))
    );
}

/// A valid XLSX whose sheet is followed by `extra` (name, bytes) parts, stored deflated.
fn workbook_with_parts(extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut sheet = Sheet::new(
        "学员",
        vec![SheetColumn::new("姓名"), SheetColumn::new("身份证号")],
    );
    sheet.push(vec!["张三".into(), "1".into()]);
    let base = xlsx(&[sheet]).unwrap();
    let mut source = zip::ZipArchive::new(Cursor::new(base)).unwrap();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..source.len() {
        writer
            .raw_copy_file(source.by_index(index).unwrap())
            .unwrap();
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in extra {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn zip_bomb_guard_refuses_crafted_workbooks() {
    let limits = Limits::default();
    let plain = workbook_with_parts(&[]);
    assert_eq!(
        read::<Col>(&plain, FileFormat::Xlsx, &limits),
        Err(ReadError::MissingColumns(vec!["残疾证号", "城乡"])),
        "an ordinary workbook passes the guard"
    );

    // 8 MiB of zeros compress about 1,000×: a bomb, refused before calamine inflates it.
    let bomb = workbook_with_parts(&[("xl/media/padding.bin", vec![0u8; 8 * 1024 * 1024])]);
    assert!(
        bomb.len() < 64 * 1024,
        "the crafted file is small: {}",
        bomb.len()
    );
    let error = read::<Col>(&bomb, FileFormat::Xlsx, &limits).unwrap_err();
    assert!(
        matches!(&error, ReadError::Unreadable(message) if message.contains("解压后")),
        "{error:?}"
    );

    // Too many parts.
    let parts: Vec<(String, Vec<u8>)> = (0..1_001)
        .map(|i| (format!("customXml/item{i}.xml"), b"<a/>".to_vec()))
        .collect();
    let named: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let crowded = workbook_with_parts(&named);
    let error = read::<Col>(&crowded, FileFormat::Xlsx, &limits).unwrap_err();
    assert!(
        matches!(&error, ReadError::Unreadable(message) if message.contains("部件过多")),
        "{error:?}"
    );
}

#[test]
fn detect_format() {
    assert_eq!(
        FileFormat::detect(Some("学员.CSV"), b"a,b"),
        Some(FileFormat::Csv)
    );
    assert_eq!(
        FileFormat::detect(Some("学员.xlsx"), b""),
        Some(FileFormat::Xlsx)
    );
    assert_eq!(
        FileFormat::detect(Some("a.Xlsx "), b"x"),
        Some(FileFormat::Xlsx)
    );
    assert_eq!(
        FileFormat::detect(Some("renamed.csv"), b"PK\x03\x04rest"),
        Some(FileFormat::Xlsx)
    );
    assert_eq!(
        FileFormat::detect(None, b"PK\x03\x04rest"),
        Some(FileFormat::Xlsx)
    );
    assert_eq!(
        FileFormat::detect(Some("upload"), "姓名,城乡\n".as_bytes()),
        Some(FileFormat::Csv)
    );
    assert_eq!(
        FileFormat::detect(None, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
        None
    );
    assert_eq!(
        FileFormat::detect(Some("old.xls"), b"\xD0\xCF\x11\xE0\0"),
        None
    );
    assert_eq!(FileFormat::detect(None, b""), None);
}
