//! Bulk registration from spreadsheets: row checks, dry runs, duplicates, re-imports, limits
//! and the template.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rust_xlsxwriter::Workbook;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::support::{TestApp, error_code, id_number};

pub const IMPORT: &str = "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created failed duplicates dryRun importId rows { row traineeId userErrors { field code message } } userErrors { field code message } } }";

pub struct Fixture {
    pub app: TestApp,
    /// ADMIN of 四平 (220300).
    pub admin: String,
    pub base: String,
    pub manager: String,
}

pub async fn fixture() -> Fixture {
    fixture_with(&[]).await
}

/// A manager of one base in 四平 (220300), on a server with extra flags.
pub async fn fixture_with(args: &[&str]) -> Fixture {
    let app = TestApp::with_args(args).await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "四平基地", "220302").await;
    let manager = app.manager_of(&admin, "importer", &[&base]).await;
    Fixture {
        app,
        admin,
        base,
        manager,
    }
}

/// 1,000 data rows; rows listed in `bad` (data row index) carry one mistake each.
fn roster(bad: &[usize]) -> Vec<[String; 8]> {
    (0..1000)
        .map(|i| {
            let id = id_number(
                if i % 2 == 0 { "220302" } else { "220303" },
                &format!("19{:02}0{}1{}", 60 + i % 40, 1 + i % 9, i % 10),
                i as u32 % 1000,
            );
            let mut row = [
                format!("学员{i}"),
                id.clone(),
                format!("{id}{}{}", 1 + i % 7, 1 + i % 4),
                format!("139{:08}", i),
                if i % 3 == 0 { "城镇" } else { "农村" }.to_owned(),
                "初中".to_owned(),
                "未就业".to_owned(),
                "直播带货、短视频".to_owned(),
            ];
            if let Some(kind) = bad.iter().position(|b| *b == i) {
                match kind % 5 {
                    0 => {
                        row[1] =
                            format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' })
                    }
                    1 => row[0] = String::new(),
                    2 => row[2] = format!("{id}91"),
                    3 => row[3] = "12345".to_owned(),
                    _ => row[4] = "海边".to_owned(),
                }
            }
            row
        })
        .collect()
}

fn xlsx(rows: &[[String; 8]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in [
        "姓名",
        "身份证号",
        "残疾证号",
        "手机号",
        "城乡",
        "文化程度",
        "就业状况",
        "意向方向",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, value).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

pub async fn trainee_count(app: &TestApp) -> u64 {
    entity::trainee::Entity::find()
        .count(&app.app.state.db)
        .await
        .unwrap()
}

fn codes(payload: &Value) -> Vec<(i64, String)> {
    payload["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["userErrors"].as_array().unwrap().iter().map(move |e| {
                (
                    r["row"].as_i64().unwrap(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

#[tokio::test]
async fn a_thousand_rows_with_twenty_bad_ones_dry_run_import_and_reimport() {
    let f = fixture().await;
    let bad: Vec<usize> = (0..20).map(|k| 7 + k * 49).collect();
    let file = xlsx(&roster(&bad));

    let dry = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "dryRun": true, "consentToSensitiveData": true }),
            "学员名单.xlsx",
            &file,
        )
        .await;
    let dry = &dry["data"]["importTrainees"];
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["failed"], 20);
    assert_eq!(dry["created"], 980, "rows that would be created");
    let failed_rows: Vec<i64> = dry["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["userErrors"].as_array().unwrap().is_empty())
        .map(|r| r["row"].as_i64().unwrap())
        .collect();
    let expected_rows: Vec<i64> = bad.iter().map(|b| *b as i64 + 2).collect();
    assert_eq!(
        failed_rows, expected_rows,
        "exactly the bad rows, numbered as the spreadsheet shows them"
    );
    assert_eq!(trainee_count(&f.app).await, 0, "a dry run writes nothing");

    let real = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "学员名单.xlsx",
            &file,
        )
        .await;
    let real = &real["data"]["importTrainees"];
    assert_eq!(real["created"], 980);
    assert_eq!(real["failed"], 20);
    assert_eq!(trainee_count(&f.app).await, 980);
    assert!(real["rows"][0]["traineeId"].is_string());
    assert_eq!(real["duplicates"], 0);
    let consents = entity::consent::Entity::find()
        .count(&f.app.app.state.db)
        .await
        .unwrap();
    assert_eq!(consents, 980, "each imported person has a consent record");

    let again = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "学员名单.xlsx",
            &file,
        )
        .await;
    let again = &again["data"]["importTrainees"];
    assert_eq!(again["created"], 0);
    assert_eq!(again["failed"], 1000);
    assert_eq!(again["duplicates"], 980);
    let codes = codes(again);
    assert_eq!(codes.iter().filter(|(_, c)| c == "DUPLICATE").count(), 980);
    assert_eq!(codes.iter().filter(|(_, c)| c != "DUPLICATE").count(), 20);
    assert_eq!(trainee_count(&f.app).await, 980);
}

#[tokio::test]
async fn csv_with_english_headers_reports_duplicates_inside_the_file() {
    let f = fixture().await;
    let a = id_number("220302", "19910101", 11);
    let b = id_number("220302", "19910102", 12);
    let csv = format!(
        "\u{feff}name,idNumber,disabilityCertificateNumber,phone,residence,education,employmentStatus,interests\n\
         张一,{a},{a}41,13900000001,RURAL,BACHELOR,STUDENT,VOICE_WORK\n\
         张二,{b},{b}12,,城镇,,,\n\
         张一again,{a},{a}41,,农村,,,\n\
         张三,{b}x,{b}12,,火星,博士后,摸鱼,炒股\n"
    );

    let payload = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "roster.csv",
            csv.as_bytes(),
        )
        .await;
    let payload = &payload["data"]["importTrainees"];

    assert_eq!(payload["created"], 2);
    assert_eq!(payload["rows"][2]["row"], 4);
    assert_eq!(payload["rows"][2]["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(
        payload["rows"][2]["userErrors"][0]["field"],
        json!(["idNumber"])
    );
    let fields: Vec<&str> = payload["rows"][3]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"][0].as_str().unwrap())
        .collect();
    for field in [
        "idNumber",
        "residence",
        "education",
        "employmentStatus",
        "interests",
    ] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let list = f
        .app
        .data(
            "{ trainees { edges { node { name education employmentStatus interests } } } }",
            json!({}),
            Some(&f.manager),
        )
        .await;
    assert_eq!(
        list["trainees"]["edges"][0]["node"],
        json!({ "name": "张一", "education": "BACHELOR", "employmentStatus": "STUDENT", "interests": ["VOICE_WORK"] })
    );
}

#[tokio::test]
async fn files_that_cannot_be_imported_are_refused_whole() {
    let f = fixture().await;
    let other_admin = f.app.admin_of("220100").await;
    let other_base = f.app.base_in(&other_admin, "长春基地", "220104").await;
    let good = "姓名,身份证号,残疾证号,城乡\n";

    let missing = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "x.csv",
            "姓名,手机号\n张三,13900000000\n".as_bytes(),
        )
        .await;
    let missing = &missing["data"]["importTrainees"];
    assert_eq!(missing["userErrors"][0]["field"], json!(["input", "file"]));
    assert!(
        missing["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("身份证号")
    );

    let unknown = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "x.pdf",
            b"%PDF-1.4\x00\x01\x02",
        )
        .await;
    assert_eq!(
        unknown["data"]["importTrainees"]["userErrors"][0]["field"],
        json!(["input", "file"])
    );

    let mut many = good.to_owned();
    for i in 0..5_001 {
        many.push_str(&format!(
            "人{i},{},x,城镇\n",
            id_number("220302", "19900101", i % 1000)
        ));
    }
    let too_many = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "dryRun": true, "consentToSensitiveData": true }),
            "x.csv",
            many.as_bytes(),
        )
        .await;
    assert!(
        too_many["data"]["importTrainees"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("5000")
    );

    let elsewhere = f
        .app
        .upload(
            &f.manager,
            IMPORT,
            json!({ "baseId": other_base, "file": null, "consentToSensitiveData": true }),
            "x.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(
        elsewhere["data"]["importTrainees"]["userErrors"][0]["field"],
        json!(["input", "baseId"])
    );
    assert_eq!(trainee_count(&f.app).await, 0);
}

#[tokio::test]
async fn only_staff_may_import() {
    let f = fixture().await;
    let root = f.app.root_token().await;
    let instructor = f
        .app
        .user_with(&root, json!({ "login": "teacher", "password": "teacher-password-123", "displayName": "老师", "role": "INSTRUCTOR", "baseIds": [f.base] }))
        .await
        .0;

    let body = f
        .app
        .upload(
            &instructor,
            IMPORT,
            json!({ "baseId": f.base, "file": null, "consentToSensitiveData": true }),
            "x.csv",
            b"a,b\n",
        )
        .await;

    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn the_template_downloads_and_reads_back() {
    let app = TestApp::new().await;

    let (status, headers, body) = app
        .send(
            Request::get("/templates/trainees.xlsx")
                .header(header::ACCEPT_ENCODING, "identity")
                .body(Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    use qihang::service::spreadsheet::{FileFormat, Limits, Row, read};
    use qihang::service::trainee::import::Column;
    let rows: Vec<Row<Column>> = read(&body, FileFormat::Xlsx, &Limits::default())
        .expect("the template's headers are recognised");
    assert!(rows.is_empty());
}
