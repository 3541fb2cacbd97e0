//! `qihang demo load`: fills an empty database with a living demo network from the source
//! documents, through the same GraphQL API a client uses (so every rule and scope applies),
//! and returns the demo logins to print.
//!
//! Stars and products are not loaded yet: those domains are built on other branches.

mod network;

use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use entity::{base, trainee};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::App;
use network::{
    ACCESSIBILITY, BASES, CATEGORIES, COURSES, GIVEN_NAMES, SURNAMES, TARGETS, id_number,
};

/// The password of every demo account (printed with the logins; a demo only).
pub const PASSWORD: &str = "qihang-demo-2024";

/// Trainees per base unless told otherwise (nine bases: a few hundred in all).
pub const TRAINEES_PER_BASE: u32 = 36;

/// A demo account to sign in with.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: &'static str,
    pub login: String,
    /// What the account governs or is.
    pub scope: String,
}

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    pub bases: usize,
    pub trainees: usize,
    pub courses: usize,
    pub enrollments: usize,
    pub completions: usize,
    pub supports: usize,
    pub outcomes: usize,
    pub targets: usize,
}

/// GraphQL requests through the app's own router.
struct Client {
    router: Router,
}

impl Client {
    async fn call(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let mut request =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body))?)
            .await?;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let value: Value = serde_json::from_slice(&bytes)?;
        if let Some(errors) = value.get("errors") {
            bail!("{errors}");
        }
        Ok(value["data"].clone())
    }

    /// Runs the mutation `root` with `$i: input` and returns its payload; refused input fails.
    async fn mutate(
        &self,
        token: &str,
        root: &str,
        query: &str,
        input: Value,
    ) -> anyhow::Result<Value> {
        let data = self
            .call(Some(token), query, json!({ "i": input }))
            .await
            .with_context(|| format!("{root} failed"))?;
        let payload = data[root].clone();
        if payload["userErrors"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
        {
            bail!("{root} refused: {}", payload["userErrors"]);
        }
        Ok(payload)
    }

    async fn login(&self, login: &str) -> anyhow::Result<String> {
        let data = self
            .call(
                None,
                "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                json!({ "i": { "login": login, "password": PASSWORD } }),
            )
            .await
            .with_context(|| format!("signing in as {login} failed"))?;
        data["login"]["accessToken"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("signing in as {login} gave no token"))
    }

    async fn create_user(&self, token: &str, input: Value) -> anyhow::Result<String> {
        let payload = self
            .mutate(
                token,
                "createUser",
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code message } } }",
                input,
            )
            .await?;
        id(&payload["user"])
    }
}

fn id(object: &Value) -> anyhow::Result<String> {
    object["id"]
        .as_str()
        .map(str::to_owned)
        .context("no id in the answer")
}

use crate::service::china_today as today;

/// A date in this year, no later than today, spread by `n`.
fn this_year(n: u32) -> NaiveDate {
    let today = today();
    let elapsed = today.ordinal0();
    today - Duration::days(i64::from(n % (elapsed + 1)))
}

/// Loads the demo network into an empty database: refused when any base or trainee exists.
/// A bootstrap ADMIN (`QIHANG_ADMIN_LOGIN`) may exist; the demo adds its own accounts.
pub async fn load(app: &App, trainees_per_base: u32) -> anyhow::Result<DemoSummary> {
    let db = &app.state.db;
    if base::Entity::find().count(db).await? > 0 || trainee::Entity::find().count(db).await? > 0 {
        bail!("数据库不是空的：演示数据只能载入没有基地和学员的数据库");
    }
    let per_base = trainees_per_base.clamp(1, 99);
    let client = Client {
        router: app.router.clone(),
    };
    let mut summary = DemoSummary::default();
    let mut logins = Vec::new();

    crate::service::account::create_admin(db, "demo-admin", PASSWORD, None)
        .await
        .map_err(crate::error::AppError::from)?;
    logins.push(("ADMIN", "demo-admin".to_owned(), "全国".to_owned()));
    let root = client.login("demo-admin").await?;
    for (login, region, name) in [
        ("demo-jilin", "220000", "吉林省残联"),
        ("demo-siping", "220300", "四平市残联"),
    ] {
        client
            .create_user(
                &root,
                json!({ "login": login, "password": PASSWORD, "displayName": name, "role": "ADMIN", "regionCode": region }),
            )
            .await?;
        logins.push(("ADMIN", login.to_owned(), name.to_owned()));
    }

    let year = today().year();
    let mut trainee_account = None;
    for (b, demo) in (0u32..).zip(BASES.iter()) {
        let created = client
            .mutate(
                &root,
                "createBase",
                "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } userErrors { field code message } } }",
                json!({ "name": demo.name, "regionCode": demo.region_code, "focusAreas": demo.focus,
                        "capacity": 80, "operator": "残疾人联合会", "establishedOn": format!("{}-06-01", year - 2) }),
            )
            .await?;
        let base_id = id(&created["base"])?;
        summary.bases += 1;
        client
            .create_user(
                &root,
                json!({ "login": demo.manager, "password": PASSWORD, "displayName": format!("{}管理员", demo.name), "role": "BASE_MANAGER", "baseIds": [base_id] }),
            )
            .await?;
        logins.push((
            "BASE_MANAGER",
            demo.manager.to_owned(),
            demo.name.to_owned(),
        ));
        let teacher_login = format!("{}-teacher", demo.manager);
        let teacher = client
            .create_user(
                &root,
                json!({ "login": teacher_login, "password": PASSWORD, "displayName": format!("{}讲师", demo.name), "role": "INSTRUCTOR", "baseIds": [base_id] }),
            )
            .await?;
        if b == 2 {
            logins.push(("INSTRUCTOR", teacher_login, demo.name.to_owned()));
        }

        let mut courses = Vec::new();
        for (c, category) in (0u32..).zip(demo.focus) {
            let title = COURSES
                .iter()
                .find(|(cat, _)| *cat == category)
                .map_or("网络创业培训", |(_, title)| *title);
            let features = ACCESSIBILITY[((b + c) % 5) as usize];
            let mode = ["ONLINE", "HYBRID", "OFFLINE"][((b + c) % 3) as usize];
            let course = client
                .mutate(
                    &root,
                    "createCourse",
                    "mutation($i: CreateCourseInput!) { createCourse(input: $i) { course { id } userErrors { field code message } } }",
                    json!({ "baseId": base_id, "title": title, "category": category, "deliveryMode": mode,
                            "accessibility": features, "instructorId": teacher, "hours": 24 + 8 * c, "capacity": 120,
                            "description": "面向残疾人的网络创业技能培训，提供无障碍支持。" }),
                )
                .await?;
            let course_id = id(&course["course"])?;
            client
                .mutate(
                    &root,
                    "updateCourse",
                    "mutation($i: UpdateCourseInput!) { updateCourse(input: $i) { course { id } userErrors { field code message } } }",
                    json!({ "id": course_id, "version": 1, "status": "OPEN" }),
                )
                .await?;
            let starts = Utc::now() + Duration::days(i64::from(7 + c));
            client
                .mutate(
                    &root,
                    "addCourseSession",
                    "mutation($i: AddSessionInput!) { addCourseSession(input: $i) { session { id } userErrors { field code message } } }",
                    json!({ "courseId": course_id, "startsAt": starts.to_rfc3339(), "endsAt": (starts + Duration::hours(2)).to_rfc3339(),
                            "topic": "第一讲", "location": demo.name }),
                )
                .await?;
            courses.push(course_id);
            summary.courses += 1;
        }

        for i in 0..per_base {
            let n = b * 100 + i;
            let (_, digit) = CATEGORIES[((b + i) % 7) as usize];
            let birth = format!(
                "{}{:02}{:02}",
                1968 + (n * 7) % 36,
                1 + n % 12,
                1 + (n * 5) % 28
            );
            let number = id_number(demo.region_code, &birth, n);
            let name = format!(
                "{}{}",
                SURNAMES[(n % 20) as usize],
                GIVEN_NAMES[((n / 3) % 24) as usize]
            );
            let registered = client
                .mutate(
                    &root,
                    "registerTrainee",
                    "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
                    json!({ "baseId": base_id, "name": name, "idNumber": number,
                            "disabilityCertificateNumber": format!("{number}{digit}{}", 1 + i % 4),
                            "residence": if i % 3 == 0 { "URBAN" } else { "RURAL" },
                            "phone": format!("139{:08}", 10_000_000 + n * 7919 % 89_999_999),
                            "interests": demo.focus, "consentToSensitiveData": true }),
                )
                .await?;
            let trainee = id(&registered["trainee"])?;
            summary.trainees += 1;
            if b == 2 && i == 0 {
                trainee_account = Some((trainee.clone(), name.clone()));
            }

            for (c, course) in courses.iter().enumerate() {
                if c == 1 && i % 2 == 1 {
                    continue;
                }
                let enrolled = client
                    .mutate(
                        &root,
                        "enroll",
                        "mutation($i: EnrollInput!) { enroll(input: $i) { enrollment { id } userErrors { field code message } } }",
                        json!({ "courseId": course, "traineeId": trainee }),
                    )
                    .await?;
                summary.enrollments += 1;
                let finishes = if c == 0 { i % 3 != 2 } else { i % 4 == 0 };
                if finishes {
                    client
                        .mutate(
                            &root,
                            "completeEnrollment",
                            "mutation($i: CompleteEnrollmentInput!) { completeEnrollment(input: $i) { enrollment { id } userErrors { field code message } } }",
                            json!({ "enrollmentId": id(&enrolled["enrollment"])?, "score": 60 + (n * 7) % 40 }),
                        )
                        .await?;
                    summary.completions += 1;
                }
            }

            let support = match i % 9 {
                0 => Some(("EQUIPMENT", "3000.00", "直播设备（手机、补光灯、支架）")),
                4 => Some(("STARTUP_SUBSIDY", "5000.00", "一次性创业补贴")),
                7 => Some(("TRAINING_SUBSIDY", "800.00", "培训期间交通与生活补贴")),
                _ => None,
            };
            if let Some((kind, amount, description)) = support {
                client
                    .mutate(
                        &root,
                        "grantSupport",
                        "mutation($i: GrantSupportInput!) { grantSupport(input: $i) { support { id } userErrors { field code message } } }",
                        json!({ "traineeId": trainee, "kind": kind, "amount": amount, "description": description,
                                "grantedOn": this_year(n * 11).to_string() }),
                    )
                    .await?;
                summary.supports += 1;
            }
            if i % 3 == 0 {
                let kind = [
                    "EMPLOYED",
                    "SELF_EMPLOYED",
                    "ONLINE_SHOP_OPENED",
                    "BUSINESS_REGISTERED",
                    "FLEXIBLE",
                ][((n / 3) % 5) as usize];
                let date = if i % 12 == 0 {
                    NaiveDate::from_ymd_opt(year - 1, 1 + n % 12, 1 + n % 28).unwrap_or_else(today)
                } else {
                    this_year(n * 13)
                };
                client
                    .mutate(
                        &root,
                        "recordOutcome",
                        "mutation($i: RecordOutcomeInput!) { recordOutcome(input: $i) { outcome { id } userErrors { field code message } } }",
                        json!({ "traineeId": trainee, "kind": kind, "date": date.to_string(),
                                "monthlyIncome": format!("{}.00", 1800 + (n * 37) % 3000),
                                "employer": if kind == "EMPLOYED" { Some("四平市电商产业园") } else { None } }),
                    )
                    .await?;
                summary.outcomes += 1;
            }
        }
    }

    if let Some((trainee, name)) = trainee_account {
        client
            .create_user(
                &root,
                json!({ "login": "demo-trainee", "password": PASSWORD, "displayName": name, "role": "TRAINEE", "traineeId": trainee }),
            )
            .await?;
        logins.push(("TRAINEE", "demo-trainee".to_owned(), name));
    }

    let jilin = client.login("demo-jilin").await?;
    for (region, indicator, value) in TARGETS {
        client
            .mutate(
                &jilin,
                "setTarget",
                "mutation($i: SetTargetInput!) { setTarget(input: $i) { target { value } userErrors { field code message } } }",
                json!({ "regionCode": region, "year": year, "indicator": indicator, "value": value }),
            )
            .await?;
        summary.targets += 1;
    }

    summary.logins = logins
        .into_iter()
        .map(|(role, login, scope)| DemoLogin { role, login, scope })
        .collect();
    Ok(summary)
}
