//! Scale benchmark: a network of 100 bases with 100,000 trainees (loaded through
//! `importTrainees`), then page 1 and page 1,000 of a province's trainee list, a 5,000-row
//! import, and that the DataLoader delay setting no longer affects HTTP requests.
//!
//! `cargo bench -p qihang-suite --bench scale` runs it on SQLite in a temporary directory;
//! with `BENCH_DATABASE_URL=postgres://…` it runs on PostgreSQL (in a fresh schema).
//! `BENCH_TRAINEES` changes the network size. Results are printed as Markdown for
//! `bench/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use qihang::config::Config;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tower::ServiceExt;

const BASES: usize = 100;
const PAGE: usize = 20;
const REPEAT: usize = 15;

struct Bench {
    app: qihang::App,
    _dir: tempfile::TempDir,
    /// The PostgreSQL schema to drop at the end.
    schema: Option<(String, String)>,
}

impl Bench {
    async fn new(delay_us: u64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_string_lossy().into_owned();
        let mut args = vec![
            "qihang".to_owned(),
            "--data-dir".to_owned(),
            data_dir.clone(),
            "--admin-login".to_owned(),
            "root".to_owned(),
            "--admin-password".to_owned(),
            "bench-password-123".to_owned(),
            "--dataloader-delay-us".to_owned(),
            delay_us.to_string(),
            "--login-max-failures".to_owned(),
            "1000".to_owned(),
            // The bench imports one file per base from one account.
            "--imports-per-hour".to_owned(),
            "1000000".to_owned(),
        ];
        let mut created_schema = None;
        if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            created_schema = Some((url.clone(), schema.clone()));
            let admin = Database::connect(&url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
                .await
                .unwrap();
            args.extend([
                "--database-url".to_owned(),
                url,
                "--database-schema".to_owned(),
                schema,
            ]);
        } else {
            args.extend([
                "--database-url".to_owned(),
                format!("sqlite://{data_dir}/bench.db?mode=rwc"),
            ]);
        }
        let app = qihang::build(Config::try_parse_from(args).unwrap())
            .await
            .unwrap();
        Bench {
            app,
            _dir: dir,
            schema: created_schema,
        }
    }

    async fn send(&self, request: Request<Body>) -> Value {
        let response = self.app.router.clone().oneshot(request).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let value = self.send(request.body(Body::from(body)).unwrap()).await;
        assert!(value.get("errors").is_none(), "{value}");
        value["data"].clone()
    }

    async fn login(&self, login: &str, password: &str) -> String {
        let data = self
            .gql(None, "mutation($l: String!, $p: String!) { login(input: { login: $l, password: $p }) { accessToken } }", json!({ "l": login, "p": password }))
            .await;
        data["login"]["accessToken"].as_str().unwrap().to_owned()
    }

    async fn import(&self, token: &str, base: &str, csv: &str, dry_run: bool) -> Value {
        let boundary = "bench-boundary";
        let operations = json!({ "query": "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created failed } }", "variables": { "input": { "baseId": base, "file": null, "dryRun": dry_run, "consentToSensitiveData": true } } });
        let mut body = String::new();
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n"));
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n"));
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"roster.csv\"\r\n\r\n{csv}\r\n--{boundary}--\r\n"));
        let request = Request::post("/graphql")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("apollo-require-preflight", "true")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        self.send(request).await["data"]["importTrainees"].clone()
    }

    async fn drop_schema(self) {
        if let Some((url, schema)) = self.schema {
            let admin = Database::connect(&url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .await
                .unwrap();
        }
    }

    fn statements(&self) -> u64 {
        self.app.state.metrics.statements()
    }
}

fn id_number(region: &str, person: usize) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
        + chrono::Duration::days((person / 1000) as i64);
    let body = format!("{region}{}{:03}", birth.format("%Y%m%d"), person % 1000);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

fn roster(region: &str, people: std::ops::Range<usize>) -> String {
    let mut csv = String::from("姓名,身份证号,残疾证号,手机号,城乡,文化程度,就业状况,意向方向\n");
    for p in people {
        let id = id_number(region, p);
        csv.push_str(&format!(
            "学员{p},{id},{id}{}{},139{:08},{},初中,未就业,直播带货、短视频\n",
            1 + p % 7,
            1 + p % 4,
            p,
            if p % 3 == 0 { "城镇" } else { "农村" }
        ));
    }
    csv
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

const LIST: &str = "query($after: String) { trainees(first: 20, after: $after) { edges { node { id name base { name } region { name } services { kind } } } pageInfo { endCursor } } }";

#[tokio::main]
async fn main() {
    let trainees: usize = std::env::var("BENCH_TRAINEES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let per_base = trainees / BASES;
    let database = if std::env::var("BENCH_DATABASE_URL").is_ok() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let bench = Bench::new(1000).await;
    let root = bench.login("root", "bench-password-123").await;

    // 60 bases in Jilin (the measured province), 40 in Liaoning.
    let started = Instant::now();
    let mut bases = Vec::new();
    for b in 0..BASES {
        let region = if b < 60 {
            ["220302", "220303", "220104", "220202"][b % 4]
        } else {
            "210102"
        };
        let data = bench
            .gql(Some(&root), "mutation($n: String!, $r: String!) { createBase(input: { name: $n, regionCode: $r }) { base { id } } }", json!({ "n": format!("基地{b}"), "r": region }))
            .await;
        bases.push((
            data["createBase"]["base"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            region,
        ));
    }
    for (b, (base, region)) in bases.iter().enumerate() {
        let result = bench
            .import(
                &root,
                base,
                &roster(region, b * per_base..(b + 1) * per_base),
                false,
            )
            .await;
        assert_eq!(
            result["created"].as_u64().unwrap() as usize,
            per_base,
            "{result}"
        );
    }
    let seeded = started.elapsed();

    let jilin = {
        let data = bench
            .gql(Some(&root), r#"mutation { createUser(input: { login: "jilin", password: "jilin-password-123", displayName: "吉林省残联", role: ADMIN, regionCode: "220000" }) { user { id } } }"#, json!({}))
            .await;
        assert!(data["createUser"]["user"]["id"].is_string());
        bench.login("jilin", "jilin-password-123").await
    };

    // Walk to page 1,000 once to learn its cursor, then time pages 1 and 1,000 repeatedly.
    // Walk to the deepest full page up to 1,000 to learn its cursor.
    let mut after: Option<String> = None;
    let mut deep: (usize, Option<String>) = (1, None);
    for page in 1..=1000 {
        let data = bench
            .gql(Some(&jilin), LIST, json!({ "after": after }))
            .await;
        if data["trainees"]["edges"].as_array().unwrap().len() < PAGE {
            break;
        }
        deep = (page, after.clone());
        after = data["trainees"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    let mut report = Vec::new();
    for (label, after) in [
        ("page 1".to_owned(), None),
        (format!("page {}", deep.0), deep.1),
    ] {
        let mut samples = Vec::new();
        let mut statements = 0;
        for _ in 0..REPEAT {
            let before = bench.statements();
            let t = Instant::now();
            let data = bench
                .gql(Some(&jilin), LIST, json!({ "after": after }))
                .await;
            samples.push(t.elapsed());
            statements = bench.statements() - before;
            assert_eq!(data["trainees"]["edges"].as_array().unwrap().len(), PAGE);
        }
        report.push(format!("| {label} of the province's list (first: 20, with base, region, services) | {} | {statements} |", ms(median(samples))));
    }

    // A 5,000-row import into a new base: dry run, then the real run.
    let data = bench
        .gql(Some(&root), r#"mutation { createBase(input: { name: "导入基地", regionCode: "220302" }) { base { id } } }"#, json!({}))
        .await;
    let import_base = data["createBase"]["base"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = roster("220303", trainees..trainees + 5000);
    for (label, dry_run) in [("dry run", true), ("real run", false)] {
        let t = Instant::now();
        let result = bench.import(&root, &import_base, &file, dry_run).await;
        report.push(format!(
            "| import of 5,000 rows, {label} | {} | |",
            ms(t.elapsed())
        ));
        assert_eq!(result["created"], 5000, "{result}");
    }

    // DataLoader delay: statements and time of a 100-item page with three relations. HTTP
    // requests fetch when they go idle, so the setting should change neither.
    let mut delays = Vec::new();
    for delay in [0u64, 1000, 100_000] {
        let bench_delay = Bench::new(delay).await;
        let token = bench_delay.login("root", "bench-password-123").await;
        let mut ids = Vec::new();
        for b in 0..10 {
            let data = bench_delay
                .gql(Some(&token), "mutation($n: String!) { createBase(input: { name: $n, regionCode: \"220302\" }) { base { id } } }", json!({ "n": format!("d{b}") }))
                .await;
            ids.push(
                data["createBase"]["base"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        for (b, base) in ids.iter().enumerate() {
            bench_delay
                .import(&token, base, &roster("220302", b * 20..(b + 1) * 20), false)
                .await;
        }
        let query = "{ trainees(first: 100) { edges { node { base { name } region { name parent { name } } services { kind } } } } }";
        let mut samples = Vec::new();
        let mut statements = Vec::new();
        for _ in 0..REPEAT {
            let before = bench_delay.statements();
            let t = Instant::now();
            bench_delay.gql(Some(&token), query, json!({})).await;
            samples.push(t.elapsed());
            statements.push(bench_delay.statements() - before);
        }
        statements.sort();
        delays.push(format!(
            "| {delay} µs | {} | {}–{} |",
            ms(median(samples)),
            statements[0],
            statements[statements.len() - 1]
        ));
        bench_delay.drop_schema().await;
    }
    bench.drop_schema().await;

    println!(
        "## {database}: {trainees} trainees in {BASES} bases (seeded in {:.1} s)\n",
        seeded.as_secs_f64()
    );
    println!("| measurement | median of {REPEAT} | SQL statements |\n| --- | --- | --- |");
    for line in report {
        println!("{line}");
    }
    println!(
        "\n### DataLoader delay setting (100 trainees with base, region, parent region, services)\n"
    );
    println!("| delay | median | statements (min–max) |\n| --- | --- | --- |");
    for line in delays {
        println!("{line}");
    }
}
