//! Supports, outcomes, targets and the region report: scope, exact amounts, the indicator
//! definitions on a hand-built network, and the report's bounded statements.

use chrono::Datelike;
use serde_json::{Value, json};

use crate::course::{Net, course, net};
use crate::course_enrollment::{complete, enrolled};
use crate::support::error_code;

const GRANT: &str = "mutation($i: GrantSupportInput!) { grantSupport(input: $i) { support { id kind description amount grantedOn } userErrors { field code message } } }";
const OUTCOME: &str = "mutation($i: RecordOutcomeInput!) { recordOutcome(input: $i) { outcome { id kind date monthlyIncome employer } userErrors { field code message } } }";
const TARGET: &str = "mutation($i: SetTargetInput!) { setTarget(input: $i) { target { region { code } year indicator value } userErrors { field code message } } }";
const REPORT: &str = "query($c: String!, $y: Int!) { regionReport(regionCode: $c, year: $y) { region { code } year indicators { indicator target actual } traineesByCategory { category trainees } children { region { code } indicators { indicator target actual } traineesByCategory { category trainees } } } }";

/// The current year in China, as the report counts it.
pub fn this_year() -> i32 {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y")
        .to_string()
        .parse()
        .unwrap()
}

async fn grant(n: &Net, token: &str, input: Value) -> Value {
    n.app.data(GRANT, json!({ "i": input }), Some(token)).await["grantSupport"].clone()
}

async fn outcome(n: &Net, token: &str, input: Value) -> Value {
    n.app
        .data(OUTCOME, json!({ "i": input }), Some(token))
        .await["recordOutcome"]
        .clone()
}

async fn granted(n: &Net, token: &str, trainee: &str, kind: &str, date: &str) {
    let payload = grant(
        n,
        token,
        json!({ "traineeId": trainee, "kind": kind, "amount": "100.00", "grantedOn": date }),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
}

async fn employed(n: &Net, token: &str, trainee: &str, date: &str) {
    let payload = outcome(
        n,
        token,
        json!({ "traineeId": trainee, "kind": "EMPLOYED", "date": date }),
    )
    .await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
}

async fn set_target(
    n: &Net,
    token: &str,
    code: &str,
    year: i32,
    indicator: &str,
    value: i32,
) -> Value {
    n.app
        .data(
            TARGET,
            json!({ "i": { "regionCode": code, "year": year, "indicator": indicator, "value": value } }),
            Some(token),
        )
        .await["setTarget"]
        .clone()
}

fn codes(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"][1].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn supports_and_outcomes_are_exact_dated_and_scoped() {
    let n = net().await;
    let year = this_year();
    let person = n
        .trainee(&n.manager_a, &n.base_a, "王小明", "MENTAL", &[])
        .await;
    let day = format!("{year}-01-15");

    let given = grant(
        &n,
        &n.manager_a,
        json!({ "traineeId": person, "kind": "STARTUP_SUBSIDY", "description": " 创业补贴 ", "amount": "1234.56", "grantedOn": day }),
    )
    .await;
    assert_eq!(given["userErrors"], json!([]), "{given}");
    assert_eq!(given["support"]["amount"], "1234.56");
    assert_eq!(given["support"]["description"], "创业补贴");
    let recorded = outcome(
        &n,
        &n.admin,
        json!({ "traineeId": person, "kind": "ONLINE_SHOP_OPENED", "date": day, "monthlyIncome": "3000.1", "employer": "四平网店" }),
    )
    .await;
    assert_eq!(recorded["userErrors"], json!([]), "{recorded}");
    assert_eq!(recorded["outcome"]["monthlyIncome"], "3000.10");

    // Bad amounts and future dates are field errors; nothing is stored.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let bad = grant(
        &n,
        &n.manager_a,
        json!({ "traineeId": person, "kind": "EQUIPMENT", "amount": "12.345", "grantedOn": tomorrow }),
    )
    .await;
    assert_eq!(
        codes(&bad),
        [
            ("amount".to_owned(), "INVALID".to_owned()),
            ("grantedOn".to_owned(), "INVALID".to_owned())
        ]
    );
    let negative = grant(
        &n,
        &n.manager_a,
        json!({ "traineeId": person, "kind": "EQUIPMENT", "amount": "-1", "grantedOn": day }),
    )
    .await;
    assert_eq!(
        codes(&negative),
        [("amount".to_owned(), "INVALID".to_owned())]
    );
    let future = outcome(
        &n,
        &n.manager_a,
        json!({ "traineeId": person, "kind": "EMPLOYED", "date": tomorrow }),
    )
    .await;
    assert_eq!(codes(&future), [("date".to_owned(), "INVALID".to_owned())]);
    // A number instead of a decimal string is refused before the resolver.
    let float = n
        .app
        .gql(
            GRANT,
            json!({ "i": { "traineeId": person, "kind": "EQUIPMENT", "amount": 0.1, "grantedOn": day } }),
            Some(&n.manager_a),
        )
        .await;
    assert!(float["errors"].is_array(), "{float}");

    // Another base's manager: the trainee looks absent.
    let other = grant(
        &n,
        &n.manager_b,
        json!({ "traineeId": person, "kind": "EQUIPMENT", "amount": "1", "grantedOn": day }),
    )
    .await;
    assert_eq!(
        codes(&other),
        [("traineeId".to_owned(), "NOT_FOUND".to_owned())]
    );
    let other = outcome(
        &n,
        &n.manager_b,
        json!({ "traineeId": person, "kind": "EMPLOYED", "date": day }),
    )
    .await;
    assert_eq!(
        codes(&other),
        [("traineeId".to_owned(), "NOT_FOUND".to_owned())]
    );
    // Instructors may not record them.
    let by_instructor = n
        .app
        .gql(
            OUTCOME,
            json!({ "i": { "traineeId": person, "kind": "EMPLOYED", "date": day } }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(error_code(&by_instructor), "FORBIDDEN", "{by_instructor}");

    let read = "query($id: ID!) { trainee(id: $id) { supports { kind amount grantedOn description } outcomes { kind date monthlyIncome employer } } }";
    let seen = n
        .app
        .data(read, json!({ "id": person }), Some(&n.manager_a))
        .await;
    assert_eq!(
        seen["trainee"]["supports"],
        json!([{ "kind": "STARTUP_SUBSIDY", "amount": "1234.56", "grantedOn": day, "description": "创业补贴" }])
    );
    assert_eq!(
        seen["trainee"]["outcomes"],
        json!([{ "kind": "ONLINE_SHOP_OPENED", "date": day, "monthlyIncome": "3000.10", "employer": "四平网店" }])
    );
    // An instructor who teaches the trainee sees it, but not its supports or outcomes.
    let taught = n
        .open_course(&n.manager_a, {
            let mut c = course(&n.base_a, "短视频", "ONLINE", &[]);
            c["instructorId"] = json!(n.instructor_id);
            c
        })
        .await;
    enrolled(&n, &n.manager_a, &taught, &person).await;
    for field in ["supports { kind }", "outcomes { kind }"] {
        let body = n
            .app
            .gql(
                &format!("query($id: ID!) {{ trainee(id: $id) {{ name {field} }} }}"),
                json!({ "id": person }),
                Some(&n.instructor),
            )
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    }
}

#[tokio::test]
async fn targets_are_set_by_admins_of_the_region_or_above_and_replaced() {
    let n = net().await;
    let province = n.app.admin_of("220000").await;
    let set = set_target(&n, &province, "220000", 2026, "STARS", 200).await;
    assert_eq!(set["userErrors"], json!([]), "{set}");
    assert_eq!(
        set["target"],
        json!({ "region": { "code": "220000" }, "year": 2026, "indicator": "STARS", "value": 200 })
    );
    // Setting it again replaces it.
    let again = set_target(&n, &province, "220000", 2026, "STARS", 210).await;
    assert_eq!(again["target"]["value"], 210);
    // The province may set its cities' targets; a city ADMIN its own, not the province's.
    let city = set_target(&n, &province, "220300", 2026, "ACTIVE_BASES", 6).await;
    assert_eq!(city["userErrors"], json!([]));
    let own = set_target(&n, &n.admin, "220300", 2026, "STARS", 15).await;
    assert_eq!(own["userErrors"], json!([]));
    let above = set_target(&n, &n.admin, "220000", 2026, "STARS", 1).await;
    assert_eq!(
        codes(&above),
        [("regionCode".to_owned(), "NOT_FOUND".to_owned())]
    );
    let unknown = set_target(&n, &province, "229999", 2026, "STARS", 1).await;
    assert_eq!(
        codes(&unknown),
        [("regionCode".to_owned(), "NOT_FOUND".to_owned())]
    );
    let bad = set_target(&n, &province, "220000", 1800, "STARS", -1).await;
    assert_eq!(
        codes(&bad),
        [
            ("year".to_owned(), "INVALID".to_owned()),
            ("value".to_owned(), "INVALID".to_owned())
        ]
    );
    // A manager sets no targets.
    let body = n
        .app
        .gql(
            TARGET,
            json!({ "i": { "regionCode": "220302", "year": 2026, "indicator": "STARS", "value": 1 } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let report = n
        .app
        .data(REPORT, json!({ "c": "220000", "y": 2026 }), Some(&province))
        .await;
    let stars = progress(&report["regionReport"], "STARS");
    assert_eq!(stars["target"], 210);
}

fn progress<'a>(report: &'a Value, indicator: &str) -> &'a Value {
    report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["indicator"] == indicator)
        .unwrap()
}

/// Each indicator with its target and actual.
type Progress = Vec<(String, Value, i64)>;

/// Indicator → (target, actual), and the non-zero categories.
fn summary(report: &Value) -> (Progress, Vec<(String, i64)>) {
    let indicators = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["indicator"].as_str().unwrap().to_owned(),
                p["target"].clone(),
                p["actual"].as_i64().unwrap(),
            )
        })
        .collect();
    let categories = report["traineesByCategory"].as_array().unwrap();
    assert_eq!(categories.len(), 7, "all seven categories: {report}");
    let nonzero = categories
        .iter()
        .filter(|c| c["trainees"] != 0)
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_owned(),
                c["trainees"].as_i64().unwrap(),
            )
        })
        .collect();
    (indicators, nonzero)
}

fn expected(rows: [(&str, Value, i64); 6]) -> Progress {
    rows.into_iter()
        .map(|(i, t, a)| (i.to_owned(), t, a))
        .collect()
}

fn cats(rows: &[(&str, i64)]) -> Vec<(String, i64)> {
    rows.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

/// The hand-built network: Siping (220300) with 铁西 (220302: base A and a suspended base) and
/// 铁东 (220303: base B), Changchun's 南关 (220102: base C), and a Panjin base outside Jilin.
pub struct Fixture {
    pub n: Net,
    pub province: String,
    pub root: String,
    pub year: i32,
}

pub async fn fixture() -> Fixture {
    let n = net().await;
    let year = this_year();
    let last_year = format!("{}-06-01", year - 1);
    let day = format!("{year}-01-15");
    let province = n.app.admin_of("220000").await;
    let root = n.app.root_token().await;
    let base_c = n.app.base_in(&province, "南关基地", "220102").await;
    let suspended = n
        .app
        .data(
            "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id status } } }",
            json!({ "i": { "name": "停办基地", "regionCode": "220302", "status": "SUSPENDED" } }),
            Some(&n.admin),
        )
        .await;
    assert_eq!(suspended["createBase"]["base"]["status"], "SUSPENDED");
    let panjin = n.app.base_in(&root, "盘锦基地", "211102").await;

    let t1 = n
        .trainee(&n.manager_a, &n.base_a, "一号", "MENTAL", &[])
        .await;
    let t2 = n
        .trainee(&n.manager_a, &n.base_a, "二号", "VISUAL", &[])
        .await;
    let t3 = n
        .trainee(&n.manager_b, &n.base_b, "三号", "HEARING", &[])
        .await;
    let t4 = n.trainee(&province, &base_c, "四号", "PHYSICAL", &[]).await;
    let t5 = n.trainee(&root, &panjin, "五号", "VISUAL", &[]).await;

    // Person-times: t1 finishes two courses (220302), t3 one (220303), t4 one (220102), t5
    // one in Panjin; t2 enrols but does not finish.
    let at_a = n
        .open_course(&n.manager_a, course(&n.base_a, "铁西课程", "ONLINE", &[]))
        .await;
    let at_a2 = n
        .open_course(&n.manager_a, course(&n.base_a, "铁西课程二", "ONLINE", &[]))
        .await;
    let at_b = n
        .open_course(&n.manager_b, course(&n.base_b, "铁东课程", "ONLINE", &[]))
        .await;
    let at_c = n
        .open_course(&province, course(&base_c, "南关课程", "ONLINE", &[]))
        .await;
    let at_p = n
        .open_course(&root, course(&panjin, "盘锦课程", "ONLINE", &[]))
        .await;
    for (token, course, trainee) in [
        (&n.manager_a, &at_a, &t1),
        (&n.manager_a, &at_a2, &t1),
        (&n.manager_b, &at_b, &t3),
        (&province, &at_c, &t4),
        (&root, &at_p, &t5),
    ] {
        let e = enrolled(&n, token, course, trainee).await;
        assert_eq!(complete(&n, token, &e, None).await["userErrors"], json!([]));
    }
    enrolled(&n, &n.manager_a, &at_a, &t2).await;

    // New employment: t1 twice (one person), t3 once; t2 last year; t5 outside Jilin.
    employed(&n, &n.manager_a, &t1, &day).await;
    employed(&n, &n.manager_a, &t1, &day).await;
    employed(&n, &n.manager_b, &t3, &day).await;
    employed(&n, &n.manager_a, &t2, &last_year).await;
    employed(&n, &root, &t5, &day).await;
    // Supported entrepreneurs: t1 (two grants), t4; t2's training subsidy does not count,
    // t3's equipment was last year.
    granted(&n, &n.manager_a, &t1, "STARTUP_SUBSIDY", &day).await;
    granted(&n, &n.manager_a, &t1, "EQUIPMENT", &day).await;
    granted(&n, &province, &t4, "STARTUP_SUBSIDY", &day).await;
    granted(&n, &n.manager_a, &t2, "TRAINING_SUBSIDY", &day).await;
    granted(&n, &n.manager_b, &t3, "EQUIPMENT", &last_year).await;

    for (code, indicator, value) in [
        ("220000", "ACTIVE_BASES", 70),
        ("220000", "STARS", 200),
        ("220000", "TRAINING_PERSON_TIMES", 50000),
        ("220300", "ACTIVE_BASES", 6),
        ("220300", "STARS", 15),
    ] {
        let set = set_target(&n, &province, code, year, indicator, value).await;
        assert_eq!(set["userErrors"], json!([]), "{set}");
    }
    Fixture {
        n,
        province,
        root,
        year,
    }
}

async fn report(f: &Fixture, token: &str, code: &str, year: i32) -> Value {
    f.n.app
        .data(REPORT, json!({ "c": code, "y": year }), Some(token))
        .await["regionReport"]
        .clone()
}

#[tokio::test]
async fn region_report_counts_each_indicator_for_county_city_and_province() {
    let f = fixture().await;
    let year = f.year;
    let n = &f.n;

    let county = report(&f, &n.admin, "220302", year).await;
    assert_eq!(
        summary(&county),
        (
            expected([
                ("ACTIVE_BASES", json!(null), 1),
                ("TRAINING_PERSON_TIMES", json!(null), 2),
                ("STARS", json!(null), 0),
                ("NEW_EMPLOYMENT", json!(null), 1),
                ("SUPPORTED_ENTREPRENEURS", json!(null), 1),
                ("PUBLISHED_PRODUCTS", json!(null), 0),
            ]),
            cats(&[("VISUAL", 1), ("MENTAL", 1)])
        )
    );
    let city_expected = (
        expected([
            ("ACTIVE_BASES", json!(6), 2),
            ("TRAINING_PERSON_TIMES", json!(null), 3),
            ("STARS", json!(15), 0),
            ("NEW_EMPLOYMENT", json!(null), 2),
            ("SUPPORTED_ENTREPRENEURS", json!(null), 1),
            ("PUBLISHED_PRODUCTS", json!(null), 0),
        ]),
        cats(&[("VISUAL", 1), ("HEARING", 1), ("MENTAL", 1)]),
    );
    let city = report(&f, &n.admin, "220300", year).await;
    assert_eq!(summary(&city), city_expected);
    // The city's children are its counties, 铁西 among them with the county's numbers.
    let tiexi = city["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"]["code"] == "220302")
        .unwrap();
    assert_eq!(summary(tiexi), summary(&county));

    let province = report(&f, &f.province, "220000", year).await;
    assert_eq!(
        summary(&province),
        (
            expected([
                ("ACTIVE_BASES", json!(70), 3),
                ("TRAINING_PERSON_TIMES", json!(50000), 4),
                ("STARS", json!(200), 0),
                ("NEW_EMPLOYMENT", json!(null), 2),
                ("SUPPORTED_ENTREPRENEURS", json!(null), 2),
                ("PUBLISHED_PRODUCTS", json!(null), 0),
            ]),
            cats(&[
                ("VISUAL", 1),
                ("HEARING", 1),
                ("PHYSICAL", 1),
                ("MENTAL", 1)
            ])
        )
    );
    let children = province["children"].as_array().unwrap();
    let siping = children
        .iter()
        .find(|c| c["region"]["code"] == "220300")
        .unwrap();
    assert_eq!(summary(siping), city_expected);
    let changchun = children
        .iter()
        .find(|c| c["region"]["code"] == "220100")
        .unwrap();
    assert_eq!(progress(changchun, "TRAINING_PERSON_TIMES")["actual"], 1);
    assert_eq!(progress(changchun, "SUPPORTED_ENTREPRENEURS")["actual"], 1);
    // The children add up to the province.
    for indicator in ["TRAINING_PERSON_TIMES", "NEW_EMPLOYMENT", "ACTIVE_BASES"] {
        let sum: i64 = children
            .iter()
            .map(|c| progress(c, indicator)["actual"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, progress(&province, indicator)["actual"], "{indicator}");
    }

    // Last year: t2's outcome and t3's equipment; no completions, no targets.
    let last = report(&f, &f.province, "220000", year - 1).await;
    assert_eq!(
        summary(&last).0,
        expected([
            ("ACTIVE_BASES", json!(null), 3),
            ("TRAINING_PERSON_TIMES", json!(null), 0),
            ("STARS", json!(null), 0),
            ("NEW_EMPLOYMENT", json!(null), 1),
            ("SUPPORTED_ENTREPRENEURS", json!(null), 1),
            ("PUBLISHED_PRODUCTS", json!(null), 0),
        ])
    );
    // A year without activity: zeros, not errors (ACTIVE_BASES counts bases active now) and
    // nobody registered by then.
    let quiet = report(&f, &f.province, "220000", year - 5).await;
    let (indicators, categories) = summary(&quiet);
    assert!(categories.is_empty(), "{quiet}");
    for (indicator, target, actual) in indicators {
        assert_eq!(target, json!(null));
        let expected = if indicator == "ACTIVE_BASES" { 3 } else { 0 };
        assert_eq!(actual, expected, "{indicator}");
    }
    // Nationwide, Panjin's activity counts too.
    let liaoning = report(&f, &f.root, "210000", year).await;
    assert_eq!(progress(&liaoning, "NEW_EMPLOYMENT")["actual"], 1);
    assert_eq!(progress(&liaoning, "TRAINING_PERSON_TIMES")["actual"], 1);
}

#[tokio::test]
async fn region_report_is_for_admins_of_the_region_or_above() {
    let f = fixture().await;
    let n = &f.n;
    let ask = |token: &str, code: &str| {
        let token = token.to_owned();
        let code = code.to_owned();
        async move {
            n.app
                .gql(REPORT, json!({ "c": code, "y": f.year }), Some(&token))
                .await
        }
    };
    assert_eq!(error_code(&ask(&n.admin, "220000").await), "FORBIDDEN");
    assert_eq!(error_code(&ask(&n.admin, "220100").await), "FORBIDDEN");
    assert_eq!(error_code(&ask(&n.manager_a, "220302").await), "FORBIDDEN");
    assert_eq!(error_code(&ask(&n.instructor, "220302").await), "FORBIDDEN");
    let anonymous = n
        .app
        .gql(REPORT, json!({ "c": "220302", "y": f.year }), None)
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(error_code(&ask(&f.province, "229999").await), "NOT_FOUND");
}

#[tokio::test]
async fn region_report_with_children_runs_in_a_bounded_number_of_statements() {
    let f = fixture().await;
    let query = "query($c: String!, $y: Int!) { regionReport(regionCode: $c, year: $y) { indicators { actual target } traineesByCategory { trainees } children { region { name } indicators { actual target } traineesByCategory { trainees } children { indicators { actual } } } } }";
    let measure = async |f: &Fixture| {
        let measured = f.n.app.counting(&[&f.province]).await;
        let before = measured.statements();
        measured
            .data(
                query,
                json!({ "c": "220000", "y": f.year }),
                Some(&f.province),
            )
            .await;
        measured.statements() - before
    };
    let small = measure(&f).await;
    // More cities, bases and activity change nothing.
    for (i, code) in ["220202", "220402", "220502", "220602", "220702", "220802"]
        .iter()
        .enumerate()
    {
        let base =
            f.n.app
                .base_in(&f.province, &format!("新基地{i}"), code)
                .await;
        let t =
            f.n.trainee(&f.province, &base, &format!("新学员{i}"), "SPEECH", &[])
                .await;
        employed(&f.n, &f.province, &t, &format!("{}-02-01", f.year)).await;
        granted(
            &f.n,
            &f.province,
            &t,
            "EQUIPMENT",
            &format!("{}-02-01", f.year),
        )
        .await;
    }
    let large = measure(&f).await;
    assert_eq!(small, large, "statements grew with the network");
    // The report, its cities and their counties: three levels of a handful of statements.
    assert!(small <= 30, "{small} statements");
    let after = report(&f, &f.province, "220000", f.year).await;
    assert_eq!(progress(&after, "ACTIVE_BASES")["actual"], 9);
    assert_eq!(progress(&after, "NEW_EMPLOYMENT")["actual"], 8);
}

#[tokio::test]
async fn stars_and_published_products_count_at_their_bases_region() {
    let w = crate::catalog::World::new().await;
    w.published("长白山黑木耳 500g", "39.90").await;
    w.draft("四平宫灯", "120.00").await;
    let archived = w.published("绒线编织围巾", "80.00").await;
    let data = w
        .app
        .data(
            "mutation($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }",
            json!({ "id": archived }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(data["archiveProduct"]["userErrors"], json!([]), "{data}");
    let star = crate::star::star_of(&w.app, &w.manager, &w.trainee).await;
    let data = w
        .app
        .data(
            "mutation($i: AdvanceStageInput!) { advanceStarStage(input: $i) { userErrors { code } } }",
            json!({ "i": { "starId": star, "stage": "STAR", "note": "粉丝过万" } }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(data["advanceStarStage"]["userErrors"], json!([]), "{data}");
    // Reports count by China's calendar year.
    let year = (chrono::Utc::now() + chrono::Duration::hours(8)).year();

    let this_year = w
        .app
        .data(REPORT, json!({ "c": "220300", "y": year }), Some(&w.admin))
        .await;
    let last_year = w
        .app
        .data(
            REPORT,
            json!({ "c": "220300", "y": year - 1 }),
            Some(&w.admin),
        )
        .await;

    let city = &this_year["regionReport"];
    assert_eq!(progress(city, "STARS")["actual"], 1, "{city}");
    assert_eq!(progress(city, "PUBLISHED_PRODUCTS")["actual"], 1, "{city}");
    let county = city["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region"]["code"] == "220302")
        .unwrap();
    assert_eq!(progress(county, "STARS")["actual"], 1);
    assert_eq!(progress(county, "PUBLISHED_PRODUCTS")["actual"], 1);
    let before = &last_year["regionReport"];
    assert_eq!(progress(before, "STARS")["actual"], 0, "not yet a star");
    assert_eq!(
        progress(before, "PUBLISHED_PRODUCTS")["actual"],
        0,
        "not yet published"
    );
}
