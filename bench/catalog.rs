//! Catalog benchmark: 100,000 products of 200 producers at 20 bases; page 1 and a deep page
//! of the catalog as a partner (API key), unfiltered, filtered, searched (a 2-character and a
//! 4-character Chinese term) and sorted by price; on PostgreSQL also the `EXPLAIN ANALYZE` of
//! the searched and filtered pages.
//!
//! `cargo bench -p qihang-suite --bench catalog` runs it on SQLite in a temporary directory;
//! with `BENCH_DATABASE_URL=postgres://…` on PostgreSQL (in a fresh schema, dropped at the
//! end). `BENCH_PRODUCTS` changes the catalog size. Results print as Markdown for
//! `bench/README.md`. One long `main`: seeding, the measured queries and the plans read
//! top to bottom like the report they print.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use chrono::{TimeZone, Utc};
use entity::{ProductCategory, ProductStatus, product, product_tag};
use http_body_util::BodyExt;
use qihang::auth::Actor;
use qihang::config::Config;
use qihang::service::catalog::product::{search_grams, search_text};
use qihang::service::catalog::query::ProductFilter;
use qihang::service::page::{Cursor, Key};
use sea_orm::sea_query::{Expr, NullOrdering, Order};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, Database, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement,
};
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

const REPEAT: usize = 15;
const BASES: usize = 20;
const PRODUCERS_PER_BASE: usize = 10;

/// Words product titles are made of; 「木耳」 and 「长白山黑木耳」 appear in about 1 in 60 and
/// 1 in 300 titles.
const GOODS: [&str; 30] = [
    "大米",
    "小米",
    "玉米",
    "黄豆",
    "绿豆",
    "红豆",
    "蜂蜜",
    "人参",
    "鹿茸",
    "松子",
    "榛子",
    "核桃",
    "香菇",
    "蘑菇",
    "猴头菇",
    "粉条",
    "豆油",
    "辣白菜",
    "酸菜",
    "土豆",
    "宫灯",
    "剪纸",
    "刺绣",
    "编织包",
    "木雕",
    "陶艺",
    "布鞋",
    "围巾",
    "有声书",
    "按摩",
];
const PLACES: [&str; 8] = [
    "长白山",
    "延边",
    "通化",
    "四平",
    "松原",
    "白山",
    "吉林",
    "辽源",
];
const QUALITIES: [&str; 6] = ["精选", "特级", "有机", "农家", "手工", "礼盒装"];

struct Bench {
    app: qihang::App,
    _dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

impl Bench {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_string_lossy().into_owned();
        let mut args: Vec<String> = [
            "qihang",
            "--data-dir",
            &data_dir,
            "--admin-login",
            "root",
            "--admin-password",
            "bench-password-123",
            "--api-key-per-minute",
            "1000000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut schema = None;
        if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
            let name = format!("bench_{}", Uuid::new_v4().simple());
            let admin = Database::connect(&url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE SCHEMA \"{name}\""))
                .await
                .unwrap();
            schema = Some((url.clone(), name.clone()));
            args.extend([
                "--database-url".into(),
                url,
                "--database-schema".into(),
                name,
            ]);
        } else {
            args.extend([
                "--database-url".into(),
                format!("sqlite://{data_dir}/bench.db?mode=rwc"),
            ]);
        }
        let app = qihang::build(Config::try_parse_from(args).unwrap())
            .await
            .unwrap();
        Bench {
            app,
            _dir: dir,
            schema,
        }
    }

    async fn gql(&self, auth: (&str, &str), query: &str, variables: Value) -> Value {
        let mut request =
            Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
        if !auth.1.is_empty() {
            request = request.header(auth.0, auth.1);
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let response = self
            .app
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(value.get("errors").is_none(), "{value}");
        value["data"].clone()
    }

    async fn bearer(&self, token: &str, query: &str, variables: Value) -> Value {
        self.gql(
            ("authorization", &format!("Bearer {token}")),
            query,
            variables,
        )
        .await
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A valid identity number for person `n` of region `region`.
fn id_number(region: &str, n: usize) -> String {
    let body = format!(
        "{region}1985{:02}{:02}{:03}",
        1 + n % 12,
        1 + n % 28,
        n % 1000
    );
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("BENCH_PRODUCTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let bench = Bench::new().await;
    let db = bench.app.state.db.clone();
    let backend = db.get_database_backend();
    let started = Instant::now();

    // Staff, bases and producers through the API; each producer's first product makes its
    // profile, the rest of the catalog is inserted in bulk with the same search text.
    let root = bench
        .gql(("", ""), "mutation { login(input: { login: \"root\", password: \"bench-password-123\" }) { accessToken } }", json!({}))
        .await["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let counties = ["220302", "220303", "220322", "220323", "220382"];
    let mut producers: Vec<(Uuid, Uuid, Uuid, &str)> = Vec::new(); // (trainee, base, profile, county)
    for b in 0..BASES {
        let county = counties[b % counties.len()];
        let base = bench
            .bearer(
                &root,
                "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id } } }",
                json!({ "i": { "name": format!("基地{b}"), "regionCode": county } }),
            )
            .await["createBase"]["base"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for p in 0..PRODUCERS_PER_BASE {
            let n = b * PRODUCERS_PER_BASE + p;
            let id = id_number(county, n);
            let trainee = bench
                .bearer(&root, "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { message } } }", json!({ "i": {
                    "baseId": base, "name": format!("王{n}"), "idNumber": id, "disabilityCertificateNumber": format!("{id}41"),
                    "residence": "RURAL", "consentToSensitiveData": true } }))
                .await["registerTrainee"]["trainee"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let created = bench
                .bearer(&root, "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id producer { id } } } }", json!({ "i": {
                    "producerTraineeId": trainee, "title": "样品", "category": "FOOD", "price": "1", "unit": "件", "stock": 1 } }))
                .await;
            let profile = created["createProduct"]["product"]["producer"]["id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            producers.push((
                trainee.parse().unwrap(),
                base.parse().unwrap(),
                profile,
                county,
            ));
        }
    }
    let categories = [
        ProductCategory::Agricultural,
        ProductCategory::Food,
        ProductCategory::Handicraft,
        ProductCategory::IntangibleHeritage,
        ProductCategory::Textile,
        ProductCategory::DigitalWork,
        ProductCategory::Service,
        ProductCategory::Other,
    ];
    let year_start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut rng: u64 = 42;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (rng >> 33) as usize
    };
    let mut batch = Vec::new();
    let mut tags = Vec::new();
    for i in 0..total {
        let (trainee, base, profile, county) = producers[i % producers.len()];
        let good = if i % 60 == 7 {
            "木耳"
        } else {
            GOODS[next() % GOODS.len()]
        };
        let place = if i % 300 == 13 {
            "长白山黑"
        } else {
            PLACES[next() % PLACES.len()]
        };
        let title = format!(
            "{place}{good} {}{}g",
            QUALITIES[next() % QUALITIES.len()],
            100 + next() % 900
        );
        let description = format!("产自{county}，{}。", QUALITIES[next() % QUALITIES.len()]);
        let product_tags = vec![
            PLACES[next() % PLACES.len()].to_owned(),
            QUALITIES[next() % QUALITIES.len()].to_owned(),
        ];
        let status = if i % 10 == 0 {
            ProductStatus::Draft
        } else {
            ProductStatus::Published
        };
        let at = year_start + chrono::Duration::seconds((next() % 31_536_000) as i64);
        let id = Uuid::now_v7();
        for (position, tag) in product_tags.iter().enumerate() {
            tags.push(product_tag::ActiveModel {
                product_id: Set(id),
                tag: Set(tag.clone()),
                position: Set(position as i32),
            });
        }
        batch.push(product::ActiveModel {
            id: Set(id),
            base_id: Set(base),
            producer_id: Set(profile),
            trainee_id: Set(trainee),
            search_grams: Set(search_grams(&search_text(
                &title,
                Some(&description),
                &product_tags,
            ))),
            search_text: Set(search_text(&title, Some(&description), &product_tags)),
            title: Set(title),
            description: Set(Some(description)),
            category: Set(categories[next() % categories.len()]),
            status: Set(status),
            price_fen: Set((100 + next() % 50_000) as i64),
            currency: Set("CNY".to_owned()),
            unit: Set("件".to_owned()),
            stock: Set((next() % 200) as i32),
            min_order_quantity: Set(1),
            origin_region_code: Set(county.to_owned()),
            published_at: Set((status == ProductStatus::Published).then_some(at)),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        });
        if batch.len() == 1000 {
            product::Entity::insert_many(std::mem::take(&mut batch))
                .exec(&db)
                .await
                .unwrap();
            product_tag::Entity::insert_many(std::mem::take(&mut tags))
                .exec(&db)
                .await
                .unwrap();
        }
    }
    if !batch.is_empty() {
        product::Entity::insert_many(batch).exec(&db).await.unwrap();
        product_tag::Entity::insert_many(tags)
            .exec(&db)
            .await
            .unwrap();
    }
    if backend == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE product; ANALYZE product_tag")
            .await
            .unwrap();
    } else {
        db.execute_unprepared("ANALYZE").await.unwrap();
    }
    let seeded = started.elapsed();

    let partner = bench
        .bearer(&root, "mutation { createPartner(input: { name: \"吉品优选\", kind: ECOMMERCE_PLATFORM }) { partner { id } } }", json!({}))
        .await["createPartner"]["partner"]["id"]
        .clone();
    let key = bench
        .bearer(&root, "mutation($p: ID!) { createApiKey(input: { partnerId: $p, name: \"bench\" }) { secret } }", json!({ "p": partner }))
        .await["createApiKey"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    // A deep page starts after the 20,000th row of its order: its cursor is made from that row.
    let deep_cursor = |order: &str, row: &product::Model| {
        let key = match order {
            "price" => Key::Int(row.price_fen),
            _ => row.published_at.map_or(Key::Null, Key::Time),
        };
        Cursor {
            sort: order.to_owned(),
            key: Some(key),
            id: row.id,
        }
        .encode()
    };
    let newest = product::Entity::find()
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .order_by_desc(product::Column::PublishedAt)
        .order_by_desc(product::Column::Id)
        .offset(Ord::min(20_000u64, total as u64 / 2))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let cheapest = product::Entity::find()
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .order_by_asc(product::Column::PriceFen)
        .order_by_asc(product::Column::Id)
        .offset(Ord::min(20_000u64, total as u64 / 2))
        .one(&db)
        .await
        .unwrap()
        .unwrap();

    let query = "query($f: ProductFilter, $o: ProductOrder, $after: String) { products(first: 20, after: $after, filter: $f, orderBy: $o) { edges { node { id title price images { url } producer { displayName } } } pageInfo { endCursor } } }";
    let filtered = json!({ "category": ["AGRICULTURAL", "FOOD"], "regionCode": "220300", "priceMin": "50", "priceMax": "300", "inStock": true });
    let cases = [
        ("unfiltered, page 1", json!({}), Value::Null, Value::Null),
        (
            "unfiltered, deep page (after row 20,000)",
            json!({}),
            Value::Null,
            json!(deep_cursor("published_at", &newest)),
        ),
        (
            "filtered (2 categories, city, price range, in stock), page 1",
            filtered.clone(),
            Value::Null,
            Value::Null,
        ),
        (
            "search 「木耳」 (2 characters), page 1",
            json!({ "search": "木耳" }),
            Value::Null,
            Value::Null,
        ),
        (
            "search 「长白山黑」 (4 characters), page 1",
            json!({ "search": "长白山黑" }),
            Value::Null,
            Value::Null,
        ),
        (
            "search 「松茸」 (2 characters, no match)",
            json!({ "search": "松茸" }),
            Value::Null,
            Value::Null,
        ),
        (
            "sorted by price, page 1",
            json!({}),
            json!({ "field": "PRICE", "direction": "ASC" }),
            Value::Null,
        ),
        (
            "sorted by price, deep page (after row 20,000)",
            json!({}),
            json!({ "field": "PRICE", "direction": "ASC" }),
            json!(deep_cursor("price", &cheapest)),
        ),
    ];
    let mut report = Vec::new();
    let mut baseline = None;
    for (label, filter, order, after) in cases {
        let variables = json!({ "f": filter, "o": order, "after": after });
        let mut samples = Vec::new();
        let mut statements = 0;
        let mut rows = 0;
        for _ in 0..REPEAT {
            let before = bench.app.state.metrics.statements();
            let t = Instant::now();
            let data = bench
                .gql(("x-api-key", &key), query, variables.clone())
                .await;
            samples.push(t.elapsed());
            statements = bench.app.state.metrics.statements() - before;
            rows = data["products"]["edges"].as_array().unwrap().len();
        }
        let m = median(samples);
        let base = *baseline.get_or_insert(m);
        report.push(format!(
            "| {label} | {} | {:.1}× | {rows} | {statements} |",
            ms(m),
            m.as_secs_f64() / base.as_secs_f64()
        ));
    }
    let csv_started = Instant::now();
    let response = bench
        .app
        .router
        .clone()
        .oneshot(
            Request::get("/catalog/products.csv")
                .header("x-api-key", &key)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let csv = response.into_body().collect().await.unwrap().to_bytes();
    let csv_time = csv_started.elapsed();

    let name = if backend == DbBackend::Postgres {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "### {name}: {total} products, {} producers (seeded in {:.1} s)\n",
        producers.len(),
        seeded.as_secs_f64()
    );
    println!(
        "Queries as a partner (API key), `products(first: 20)` with images and producer; the factor is against the unfiltered page 1.\n"
    );
    println!(
        "| query | median of {REPEAT} | vs page 1 | rows | SQL statements |\n| --- | --- | --- | --- | --- |"
    );
    for line in report {
        println!("{line}");
    }
    println!(
        "\n`GET /catalog/products.csv` ({} published products): {} ({} bytes)\n",
        total - total / 10,
        ms(csv_time),
        csv.len()
    );

    if backend == DbBackend::Postgres {
        // The statements the searched and filtered pages run, built by the service (filter,
        // scope of a partner: PUBLISHED only) with the keyset order and one extra row.
        for (label, filter) in [
            ("search 「木耳」", json!({ "search": "木耳" })),
            ("search 「长白山黑」", json!({ "search": "长白山黑" })),
            ("search 「松茸」 (no match)", json!({ "search": "松茸" })),
            ("filtered", filtered.clone()),
        ] {
            let filter = ProductFilter {
                search: filter["search"].as_str().map(str::to_owned),
                categories: if filter.get("category").is_some() {
                    vec![ProductCategory::Agricultural, ProductCategory::Food]
                } else {
                    Vec::new()
                },
                region_code: filter["regionCode"].as_str().map(str::to_owned),
                price_min_fen: filter.get("priceMin").map(|_| 5000),
                price_max_fen: filter.get("priceMax").map(|_| 30000),
                in_stock: filter["inStock"].as_bool(),
                ..ProductFilter::default()
            };
            let mut query =
                qihang::service::catalog::query::filtered(backend, &Actor::Anonymous, &filter)
                    .into_query();
            query
                .order_by_expr_with_nulls(
                    Expr::col(product::Column::PublishedAt),
                    Order::Desc,
                    NullOrdering::First,
                )
                .order_by(product::Column::Id, Order::Desc)
                .limit(21);
            let statement = backend.build(&query);
            let sql = statement.to_string();
            let plan = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("EXPLAIN (ANALYZE, COSTS OFF) {sql}"),
                ))
                .await
                .unwrap();
            println!("EXPLAIN ANALYZE, {label}:\n\n```");
            for row in plan {
                println!("{}", row.try_get_by_index::<String>(0).unwrap());
            }
            println!("```\n");
        }
    }
    if let Some((url, name)) = bench.schema {
        let admin = Database::connect(&url).await.unwrap();
        admin
            .execute_unprepared(&format!("DROP SCHEMA \"{name}\" CASCADE"))
            .await
            .unwrap();
    }
}
