//! `qihang demo load`: fills an empty database with a living demo network from the source
//! documents, through the same GraphQL API a client uses (so every rule and scope applies),
//! and returns the demo logins to print.

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
    ACCESSIBILITY, BASES, CATEGORIES, COURSES, GIVEN_NAMES, GOODS, SURNAMES, TARGETS, id_number,
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
    pub products: usize,
    pub stars: usize,
    pub livestreams: usize,
    pub inquiries: usize,
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

    /// Uploads `png` as a product's photo (a GraphQL multipart request, as the app sends).
    async fn upload_image(
        &self,
        token: &str,
        product: &str,
        alt_text: &str,
        png: Vec<u8>,
    ) -> anyhow::Result<()> {
        const BOUNDARY: &str = "qihang-demo-boundary";
        let operations = json!({
            "query": "mutation($i: UploadProductImageInput!) { uploadProductImage(input: $i) { userErrors { field code message } } }",
            "variables": { "i": { "productId": product, "file": null, "altText": alt_text } },
        });
        let mut body = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", json!({ "0": ["variables.i.file"] }).to_string()),
        ] {
            body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        body.extend(png);
        body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let request = Request::post("/graphql")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("apollo-require-preflight", "true")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body))?;
        let response = self.router.clone().oneshot(request).await?;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let value: Value = serde_json::from_slice(&bytes)?;
        let errors = &value["data"]["uploadProductImage"]["userErrors"];
        if value.get("errors").is_some() || errors.as_array().is_none_or(|e| !e.is_empty()) {
            bail!("uploadProductImage refused: {value}");
        }
        Ok(())
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
    let mut published = Vec::new();
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

        let mut producers = Vec::new();
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
            // Two producers per base, of varied surnames (a name's surname follows `i`).
            if i == b % per_base || i == (b + 1) % per_base {
                producers.push(trainee.clone());
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
        published.extend(
            products_and_star(&client, &root, b, demo, &teacher, &producers, &mut summary).await?,
        );
    }

    let partner = client
        .mutate(
            &root,
            "createPartner",
            "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } userErrors { field code message } } }",
            json!({ "name": "吉品电商", "kind": "ECOMMERCE_PLATFORM", "contactName": "王经理", "contactPhone": "13943400000" }),
        )
        .await?;
    client
        .create_user(
            &root,
            json!({ "login": "demo-partner", "password": PASSWORD, "displayName": "吉品电商采购",
                    "role": "PARTNER", "partnerId": id(&partner["partner"])? }),
        )
        .await?;
    logins.push(("PARTNER", "demo-partner".to_owned(), "吉品电商".to_owned()));
    let buyer = client.login("demo-partner").await?;
    for (q, product) in (0u32..).zip(published.iter().step_by(5)) {
        client
            .mutate(
                &buyer,
                "createInquiry",
                "mutation($i: CreateInquiryInput!) { createInquiry(input: $i) { inquiry { id } userErrors { field code message } } }",
                json!({ "productId": product, "quantity": 50 + 25 * q, "message": "想了解批量采购价格和发货时间" }),
            )
            .await?;
        summary.inquiries += 1;
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

/// A base's catalog and star: two of its trainees sell two goods each (published), and the
/// first of them is nominated as an internet star with the base's instructor as mentor. At
/// every other base the star has grown to RISING (at every fourth to STAR) and gone live
/// twice with its goods. Returns the published products' ids.
async fn products_and_star(
    client: &Client,
    token: &str,
    b: u32,
    demo: &network::DemoBase,
    mentor: &str,
    producers: &[String],
    summary: &mut DemoSummary,
) -> anyhow::Result<Vec<String>> {
    let mut products = Vec::new();
    for (p, producer) in (0u32..).zip(producers) {
        for g in 0..2 {
            let (title, category, price, unit, tags) = GOODS[((b * 3 + p * 2 + g) % 8) as usize];
            let created = client
                .mutate(
                    token,
                    "createProduct",
                    "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { field code message } } }",
                    json!({ "producerTraineeId": producer, "title": title, "category": category, "price": price,
                            "unit": unit, "stock": 200 + 50 * g, "originRegionCode": demo.region_code, "tags": tags,
                            "description": format!("{}学员亲手制作、挑选，产地直发。", demo.name) }),
                )
                .await?;
            let product = id(&created["product"])?;
            client
                .upload_image(
                    token,
                    &product,
                    &format!("{title}的实物照片"),
                    photo(b * 4 + p * 2 + g)?,
                )
                .await?;
            client
                .mutate(
                    token,
                    "publishProduct",
                    "mutation($i: ID!) { publishProduct(id: $i) { product { id } userErrors { field code message } } }",
                    json!(product),
                )
                .await?;
            products.push(product);
            summary.products += 1;
        }
    }
    let Some(star_trainee) = producers.first() else {
        return Ok(products);
    };
    let nominated = client
        .mutate(
            token,
            "nominateStar",
            "mutation($i: NominateStarInput!) { nominateStar(input: $i) { star { id } userErrors { field code message } } }",
            json!({ "traineeId": star_trainee, "mentorId": mentor, "note": "直播表现突出，推荐重点培育" }),
        )
        .await?;
    let star = id(&nominated["star"])?;
    summary.stars += 1;
    let grown = match b % 4 {
        0 => 3,
        2 => 2,
        _ => 1,
    };
    for stage in &["INCUBATING", "RISING", "STAR"][..grown] {
        client
            .mutate(
                token,
                "advanceStarStage",
                "mutation($i: AdvanceStageInput!) { advanceStarStage(input: $i) { star { id } userErrors { field code message } } }",
                json!({ "starId": star, "stage": stage }),
            )
            .await?;
    }
    if grown > 1 {
        for (l, platform) in (0u32..).zip(["DOUYIN", "KUAISHOU"]) {
            let started = Utc::now() - Duration::days(i64::from(3 + 7 * l + b));
            client
                .mutate(
                    token,
                    "recordLivestream",
                    "mutation($i: RecordLivestreamInput!) { recordLivestream(input: $i) { livestream { id } userErrors { field code message } } }",
                    json!({ "starId": star, "platform": platform, "startedAt": started.to_rfc3339(),
                            "durationMinutes": 90 + 30 * l, "peakViewers": 300 + 40 * b, "views": 4200 + 600 * b,
                            "orders": 35 + 5 * l, "sales": format!("{}.50", 1800 + 240 * b + 500 * l),
                            "productIds": &products[..2] }),
                )
                .await?;
            summary.livestreams += 1;
        }
    }
    Ok(products)
}

/// A 320×240 PNG standing in for a product photo: a soft gradient, its hue set by `n`.
fn photo(n: u32) -> anyhow::Result<Vec<u8>> {
    let [r, g, b] = [(n * 53) % 256, (n * 97) % 256, (n * 151) % 256].map(|c| c as u8);
    let image = image::RgbImage::from_fn(320, 240, |x, y| {
        let shade = |c: u8, by: u32| c.saturating_add((by / 4) as u8);
        image::Rgb([shade(r, x), shade(g, y), shade(b, x + y)])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image).write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}
