//! Report and roster downloads: the caller's token and scope, the XLSX read back with
//! calamine (numbers as numbers, the chart present), the CSV, and masked identity numbers.

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;

use crate::report::fixture;
use crate::support::TestApp;

async fn get(app: &TestApp, uri: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = Request::get(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let (status, _, body) = app.send(request.body(Body::empty()).unwrap()).await;
    (status, body)
}

fn code(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).unwrap();
    value["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    book.worksheet_range(name)
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect()
}

fn row<'a>(rows: &'a [Vec<Data>], first: &str) -> &'a [Data] {
    rows.iter()
        .find(|r| r.first() == Some(&Data::String(first.to_owned())))
        .unwrap_or_else(|| panic!("no row {first}: {rows:?}"))
}

#[tokio::test]
async fn region_report_downloads_as_xlsx_with_a_chart_and_as_csv() {
    let f = fixture().await;
    let app = &f.n.app;
    let year = f.year;
    let (status, bytes) = get(
        app,
        &format!("/reports/220000/{year}.xlsx"),
        Some(&f.province),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let indicators = sheet(&bytes, "指标");
    assert_eq!(
        indicators[0],
        ["指标", "目标", "完成", "完成率"].map(|h| Data::String(h.to_owned()))
    );
    assert_eq!(
        row(&indicators, "运营基地数")[1..],
        [Data::Float(70.0), Data::Float(3.0), Data::Float(4.3)]
    );
    assert_eq!(
        row(&indicators, "培训人次")[1..],
        [Data::Float(50000.0), Data::Float(4.0), Data::Float(0.0)]
    );
    assert_eq!(
        row(&indicators, "新增就业人数")[1..3],
        [Data::Empty, Data::Float(2.0)]
    );
    assert_eq!(row(&indicators, "扶持创业人数")[2], Data::Float(2.0));
    // The native chart is part of the package (file names are stored uncompressed).
    assert!(
        bytes
            .windows(b"xl/charts/chart1.xml".len())
            .any(|w| w == b"xl/charts/chart1.xml"),
        "no chart in the workbook"
    );

    let children = sheet(&bytes, "下级地区");
    assert_eq!(
        children[0][..4],
        ["地区代码", "地区", "运营基地数目标", "运营基地数完成"]
            .map(|h| Data::String(h.to_owned()))
    );
    let siping = row(&children, "220300");
    assert_eq!(siping[1], Data::String("四平市".to_owned()));
    assert_eq!(
        siping[2..6],
        [
            Data::Float(6.0),
            Data::Float(2.0),
            Data::Empty,
            Data::Float(3.0)
        ]
    );
    let changchun = row(&children, "220100");
    assert_eq!(changchun[5], Data::Float(1.0));

    let (status, csv) = get(
        app,
        &format!("/reports/220300/{year}.csv"),
        Some(&f.n.admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("\u{feff}指标,目标,完成,完成率"), "{text}");
    assert!(text.contains("运营基地数,6,2,33.3"), "{text}");
    assert!(text.contains("培训人次,,3,"), "{text}");
}

#[tokio::test]
async fn report_downloads_follow_the_callers_token_and_scope() {
    let f = fixture().await;
    let app = &f.n.app;
    let uri = format!("/reports/220000/{}.xlsx", f.year);
    let (status, body) = get(app, &uri, Some(&f.n.admin)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "FORBIDDEN".to_owned())
    );
    let (status, _) = get(
        app,
        &format!("/reports/220302/{}.csv", f.year),
        Some(&f.n.manager_a),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = get(app, &uri, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED".to_owned())
    );
    let (status, _) = get(app, &uri, Some("not-a-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(app, "/reports/229999/2026.xlsx", Some(&f.province)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(app, "/reports/220000/2026.pdf", Some(&f.province)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT".to_owned())
    );
}

#[tokio::test]
async fn trainee_roster_masks_identity_numbers_and_is_scoped() {
    let f = fixture().await;
    let n = &f.n;
    let uri = format!("/exports/trainees.xlsx?baseId={}", n.base_a);
    let (status, bytes) = get(&n.app, &uri, Some(&n.manager_a)).await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(&bytes, "学员名册");
    assert_eq!(rows[0][0], Data::String("姓名".to_owned()));
    assert_eq!(rows[0][3], Data::String("身份证号".to_owned()));
    let first = row(&rows, "一号");
    assert_eq!(first[5], Data::String("精神残疾".to_owned()));
    let Data::String(id) = &first[3] else {
        panic!("{first:?}")
    };
    assert_eq!(id.chars().count(), 18);
    assert!(id.contains('*') && !id.contains("19900101"), "{id}");
    assert!(row(&rows, "二号").len() > 3);
    // The region's ADMIN too; another base's manager sees no such base; instructors and
    // anonymous callers are refused.
    let (status, _) = get(&n.app, &uri, Some(&n.admin)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&n.app, &uri, Some(&n.manager_b)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&n.app, &uri, Some(&n.instructor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&n.app, &uri, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(
        &n.app,
        "/exports/trainees.xlsx?baseId=nope",
        Some(&n.manager_a),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
