//! Livestreams: checks, the dashboard figures (exact, null where undefined), totals, the
//! newest-first connection and growth series, featured products and the statement count of
//! the contract's nested star page. Long because the hand-built growth series and the
//! 50-star page need their data spelled out.

use serde_json::{Value, json};

use crate::star::{network, star_of, trainee};
use crate::support::{TestApp, error_code};

pub const RECORD: &str = "mutation($i: RecordLivestreamInput!) { recordLivestream(input: $i) { livestream { id platform startedAt durationMinutes peakViewers views orders sales gpm conversionRate averageOrderValue star { id } } userErrors { field code message } } }";
const ADD_ACCOUNT: &str = "mutation($i: AddPlatformAccountInput!) { addPlatformAccount(input: $i) { account { id } userErrors { field code message } } }";
const FOLLOWERS: &str = "mutation($i: UpdateFollowersInput!) { updateFollowers(input: $i) { userErrors { field code message } } }";
const GROWTH: &str = "query($id: ID!, $from: Date!, $to: Date!, $interval: GrowthInterval!) { star(id: $id) { growth(from: $from, to: $to, interval: $interval) { start end followers streams views orders sales } } }";

pub fn stream(star: &str, started_at: &str, views: i64, orders: i64, sales: &str) -> Value {
    json!({
        "starId": star, "platform": "DOUYIN", "startedAt": started_at, "durationMinutes": 90,
        "peakViewers": views.min(50), "views": views, "orders": orders, "sales": sales
    })
}

pub async fn record(app: &TestApp, token: &str, input: Value) -> Value {
    app.data(RECORD, json!({ "i": input }), Some(token)).await["recordLivestream"].clone()
}

async fn recorded(app: &TestApp, token: &str, input: Value) -> Value {
    let payload = record(app, token, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["livestream"].clone()
}

#[tokio::test]
async fn gpm_conversion_and_order_value_are_exact_and_null_where_undefined() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "冯直播", 31).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;

    // 1234.56 yuan from 789 views and 37 orders: GPM 1234.56 × 1000 / 789 = 1564.7148…,
    // conversion 37 / 789, order value 1234.56 / 37 = 33.3664….
    let computed = recorded(
        &n.app,
        &n.manager_a,
        stream(&star, "2026-06-01T12:00:00Z", 789, 37, "1234.56"),
    )
    .await;
    let no_views = recorded(
        &n.app,
        &n.manager_a,
        stream(&star, "2026-06-02T12:00:00Z", 0, 2, "200"),
    )
    .await;
    let no_orders = recorded(
        &n.app,
        &n.manager_a,
        stream(&star, "2026-06-03T12:00:00Z", 300, 0, "0"),
    )
    .await;

    assert_eq!(computed["sales"], "1234.56");
    assert_eq!(computed["views"], 789);
    assert_eq!(computed["gpm"], "1564.71");
    assert_eq!(computed["conversionRate"], json!(37.0 / 789.0));
    assert_eq!(computed["averageOrderValue"], "33.37");
    assert_eq!(computed["star"]["id"], star);
    assert_eq!(no_views["gpm"], json!(null));
    assert_eq!(no_views["conversionRate"], json!(null));
    assert_eq!(no_views["averageOrderValue"], "100.00");
    assert_eq!(no_views["sales"], "200.00");
    assert_eq!(no_orders["gpm"], "0.00");
    assert_eq!(no_orders["conversionRate"], json!(0.0));
    assert_eq!(no_orders["averageOrderValue"], json!(null));
}

#[tokio::test]
async fn livestream_figures_are_checked() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "陈检查", 32).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let with = |changes: Value| {
        let mut input = stream(&star, "2026-06-01T12:00:00Z", 100, 5, "10.00");
        for (key, value) in changes.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    };

    let cases = [
        (json!({ "durationMinutes": 0 }), "durationMinutes"),
        (json!({ "peakViewers": -1 }), "peakViewers"),
        (json!({ "orders": -1 }), "orders"),
        (json!({ "peakViewers": 101 }), "views"),
        (json!({ "sales": "-0.01" }), "sales"),
        (json!({ "sales": "1.005" }), "sales"),
        (json!({ "startedAt": "2999-01-01T00:00:00Z" }), "startedAt"),
    ];
    for (change, field) in cases {
        let payload = record(&n.app, &n.manager_a, with(change.clone())).await;
        assert_eq!(payload["livestream"], json!(null), "{change}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{change}: {payload}"
        );
        assert_eq!(payload["userErrors"][0]["code"], "INVALID");
    }
    let foreign = record(&n.app, &n.manager_b, with(json!({}))).await;
    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");
    let float = n
        .app
        .gql(
            RECORD,
            json!({ "i": with(json!({ "sales": 10.5 })) }),
            Some(&n.manager_a),
        )
        .await;
    assert!(
        float["errors"].is_array(),
        "money is never a float: {float}"
    );
    let none = n
        .app
        .data(
            "query($id: ID!) { star(id: $id) { totalSales livestreams { totalCount } } }",
            json!({ "id": star }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        none["star"],
        json!({ "totalSales": "0.00", "livestreams": { "totalCount": 0 } })
    );
}

#[tokio::test]
async fn totals_match_the_accounts_and_streams_and_streams_come_newest_first() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "褚合计", 33).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    for (platform, handle, followers) in [("DOUYIN", "chu-dy", 1500), ("KUAISHOU", "chu-ks", 250)] {
        let data = n
            .app
            .data(
                ADD_ACCOUNT,
                json!({ "i": { "starId": star, "platform": platform, "handle": handle, "followers": followers } }),
                Some(&n.manager_a),
            )
            .await;
        assert_eq!(data["addPlatformAccount"]["userErrors"], json!([]));
    }
    // Amounts a float would get wrong: 0.1 + 0.2.
    let sales = ["0.10", "0.20", "99999999.99", "12.34"];
    for (day, amount) in sales.iter().enumerate() {
        recorded(
            &n.app,
            &n.manager_a,
            stream(
                &star,
                &format!("2026-05-0{}T08:00:00Z", day + 1),
                100,
                1,
                amount,
            ),
        )
        .await;
    }
    let query = "query($id: ID!, $after: String) { star(id: $id) { totalFollowers totalSales accounts { followers } livestreams(first: 3, after: $after) { totalCount edges { node { startedAt sales } } pageInfo { hasNextPage endCursor } } } }";

    let first = n
        .app
        .data(query, json!({ "id": star }), Some(&n.manager_a))
        .await;
    let rest = n
        .app
        .data(
            query,
            json!({ "id": star, "after": first["star"]["livestreams"]["pageInfo"]["endCursor"] }),
            Some(&n.manager_a),
        )
        .await;

    let star_data = &first["star"];
    assert_eq!(star_data["totalSales"], "100000012.63");
    assert_eq!(star_data["totalFollowers"], 1750);
    let account_sum: i64 = star_data["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["followers"].as_i64().unwrap())
        .sum();
    assert_eq!(star_data["totalFollowers"], account_sum);
    let sales_of = |data: &Value| -> Vec<String> {
        data["star"]["livestreams"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["sales"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(sales_of(&first), ["12.34", "99999999.99", "0.20"]);
    assert_eq!(sales_of(&rest), ["0.10"]);
    assert_eq!(star_data["livestreams"]["totalCount"], 4);
    assert_eq!(star_data["livestreams"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        rest["star"]["livestreams"]["pageInfo"]["hasNextPage"],
        false
    );
}

#[tokio::test]
async fn growth_gives_the_hand_built_series_with_empty_periods() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "蒋增长", 34).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let other = star_of(
        &n.app,
        &n.manager_a,
        &trainee(&n.app, &n.manager_a, &n.base_a, "沈旁人", 35).await,
    )
    .await;
    let account = |platform: &'static str, handle: &'static str| {
        let app = &n.app;
        let token = &n.manager_a;
        let star = star.clone();
        async move {
            let data = app
                .data(
                    ADD_ACCOUNT,
                    json!({ "i": { "starId": star, "platform": platform, "handle": handle, "followers": 9999 } }),
                    Some(token),
                )
                .await;
            data["addPlatformAccount"]["account"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let a = account("DOUYIN", "jiang-dy").await;
    let b = account("KUAISHOU", "jiang-ks").await;
    // Counts read off the platforms in the past (the accounts' own counts of today lie after
    // every period below). Times are UTC; periods are China time (UTC+8).
    for (id, followers, at) in [
        (&a, 100, "2026-02-20T00:00:00Z"),
        (&a, 150, "2026-03-05T10:00:00Z"),
        (&a, 170, "2026-03-07T10:00:00Z"),
        (&a, 300, "2026-03-18T10:00:00Z"),
        (&b, 40, "2026-03-10T03:00:00Z"),
        (&b, 60, "2026-03-15T17:00:00Z"), // Monday 01:00 in China
    ] {
        let data = n
            .app
            .data(
                FOLLOWERS,
                json!({ "i": { "accountId": id, "followers": followers, "asOf": at } }),
                Some(&n.manager_a),
            )
            .await;
        assert_eq!(data["updateFollowers"]["userErrors"], json!([]));
    }
    for (at, views, orders, sales) in [
        ("2026-03-03T15:00:00Z", 5, 1, "3.00"), // Tuesday 23:00 in China: before
        ("2026-03-04T02:00:00Z", 1000, 10, "100.50"),
        ("2026-03-08T15:30:00Z", 10, 1, "0.25"), // Sunday 23:30 in China
        ("2026-03-08T16:30:00Z", 500, 5, "200.00"), // Monday 00:30 in China
        ("2026-03-24T15:59:00Z", 1, 1, "1.00"),  // the last day, 23:59 in China
        ("2026-03-24T16:01:00Z", 7, 1, "7.00"),  // the day after in China: after
    ] {
        recorded(
            &n.app,
            &n.manager_a,
            stream(&star, at, views, orders, sales),
        )
        .await;
    }
    recorded(
        &n.app,
        &n.manager_a,
        stream(&other, "2026-03-10T02:00:00Z", 50, 2, "888.00"),
    )
    .await;

    let weeks = n
        .app
        .data(
            GROWTH,
            json!({ "id": star, "from": "2026-03-04", "to": "2026-03-24", "interval": "WEEK" }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        weeks["star"]["growth"],
        json!([
            { "start": "2026-03-04", "end": "2026-03-08", "followers": 170, "streams": 2, "views": 1010, "orders": 11, "sales": "100.75" },
            { "start": "2026-03-09", "end": "2026-03-15", "followers": 210, "streams": 1, "views": 500, "orders": 5, "sales": "200.00" },
            { "start": "2026-03-16", "end": "2026-03-22", "followers": 360, "streams": 0, "views": 0, "orders": 0, "sales": "0.00" },
            { "start": "2026-03-23", "end": "2026-03-24", "followers": 360, "streams": 1, "views": 1, "orders": 1, "sales": "1.00" },
        ])
    );

    let months = n
        .app
        .data(
            "query($from: Date!, $to: Date!) { stars { edges { node { trainee { name } growth(from: $from, to: $to, interval: MONTH) { start followers streams sales } } } } }",
            json!({ "from": "2026-01-15", "to": "2026-04-30" }),
            Some(&n.manager_a),
        )
        .await;
    let series = |name: &str| {
        months["stars"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["trainee"]["name"] == name)
            .unwrap()["node"]["growth"]
            .clone()
    };
    assert_eq!(
        series("蒋增长"),
        json!([
            { "start": "2026-01-15", "followers": 0, "streams": 0, "sales": "0.00" },
            { "start": "2026-02-01", "followers": 100, "streams": 0, "sales": "0.00" },
            { "start": "2026-03-01", "followers": 360, "streams": 6, "sales": "311.75" },
            { "start": "2026-04-01", "followers": 360, "streams": 0, "sales": "0.00" },
        ])
    );
    assert_eq!(
        series("沈旁人"),
        json!([
            { "start": "2026-01-15", "followers": 0, "streams": 0, "sales": "0.00" },
            { "start": "2026-02-01", "followers": 0, "streams": 0, "sales": "0.00" },
            { "start": "2026-03-01", "followers": 0, "streams": 1, "sales": "888.00" },
            { "start": "2026-04-01", "followers": 0, "streams": 0, "sales": "0.00" },
        ])
    );

    let reversed = n
        .app
        .gql(
            GROWTH,
            json!({ "id": star, "from": "2026-03-24", "to": "2026-03-04", "interval": "WEEK" }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(error_code(&reversed), "BAD_USER_INPUT");
    let too_long = n
        .app
        .gql(
            GROWTH,
            json!({ "id": star, "from": "2000-01-01", "to": "2026-03-04", "interval": "WEEK" }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(error_code(&too_long), "BAD_USER_INPUT");
}

/// A product of `trainee` at its base, published (with the image publishing needs) unless
/// `draft`; returns its id.
async fn product(app: &TestApp, token: &str, trainee: &str, title: &str, draft: bool) -> String {
    use crate::catalog::{CREATE_PRODUCT, PUBLISH, UPLOAD, png};
    let data = app
        .data(
            CREATE_PRODUCT,
            json!({ "i": { "producerTraineeId": trainee, "title": title, "category": "HANDICRAFT", "price": "35.00", "unit": "件", "stock": 20 } }),
            Some(token),
        )
        .await;
    assert_eq!(data["createProduct"]["userErrors"], json!([]), "{data}");
    let id = data["createProduct"]["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    if !draft {
        let upload = app
            .upload(
                token,
                UPLOAD,
                json!({ "productId": id, "file": null, "altText": "产品照片" }),
                "photo.png",
                &png(300, 200),
            )
            .await;
        assert_eq!(
            upload["data"]["uploadProductImage"]["userErrors"],
            json!([])
        );
        let published = app.data(PUBLISH, json!({ "id": id }), Some(token)).await;
        assert_eq!(published["publishProduct"]["userErrors"], json!([]));
    }
    id
}

#[tokio::test]
async fn a_livestream_features_published_products_in_the_order_given() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "秦带货", 36).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let lantern = product(&n.app, &n.manager_a, &t, "四平宫灯", false).await;
    let knit = product(&n.app, &n.manager_a, &t, "绒线编织挂件", false).await;
    let draft = product(&n.app, &n.manager_a, &t, "未上架的草稿", true).await;
    let with_products = |ids: Value| {
        let mut input = stream(&star, "2026-07-01T12:00:00Z", 100, 3, "105.00");
        input["productIds"] = ids;
        input
    };

    let refused = record(
        &n.app,
        &n.manager_a,
        with_products(json!([
            lantern,
            draft,
            uuid::Uuid::now_v7().to_string(),
            lantern,
            "nope"
        ])),
    )
    .await;
    let malformed: Vec<Value> = refused["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["field"], e["code"]]))
        .collect();
    assert_eq!(
        malformed,
        [json!([["input", "productIds", "4"], "INVALID"])],
        "malformed ids are refused first"
    );
    let refused = record(
        &n.app,
        &n.manager_a,
        with_products(json!([
            lantern,
            draft,
            uuid::Uuid::now_v7().to_string(),
            lantern
        ])),
    )
    .await;
    let problems: Vec<Value> = refused["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["field"], e["code"]]))
        .collect();
    assert_eq!(
        problems,
        [
            json!([["input", "productIds", "3"], "INVALID"]),
            json!([["input", "productIds", "1"], "INVALID_STATE"]),
            json!([["input", "productIds", "2"], "NOT_FOUND"]),
        ]
    );
    let recorded = record(&n.app, &n.manager_a, with_products(json!([knit, lantern]))).await;
    assert_eq!(recorded["userErrors"], json!([]), "{recorded}");

    let data = n
        .app
        .data(
            "query($id: ID!) { star(id: $id) { livestreams { edges { node { products { title price } } } } } }",
            json!({ "id": star }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        data["star"]["livestreams"]["edges"],
        json!([{ "node": { "products": [
            { "title": "绒线编织挂件", "price": "35.00" },
            { "title": "四平宫灯", "price": "35.00" },
        ] } }])
    );
}

#[tokio::test]
async fn a_page_of_stars_with_streams_and_products_costs_a_constant_number_of_statements() {
    let n = network().await;
    let producer = trainee(&n.app, &n.admin, &n.base_a, "产品人", 99).await;
    let lantern = product(&n.app, &n.admin, &producer, "宫灯", false).await;
    let rice = product(&n.app, &n.admin, &producer, "大米", false).await;
    for seq in 0..50u32 {
        let base = if seq % 2 == 0 { &n.base_a } else { &n.base_b };
        let t = trainee(&n.app, &n.admin, base, &format!("红人{seq}"), 100 + seq).await;
        let payload = crate::star::nominate(
            &n.app,
            &n.admin,
            json!({ "traineeId": t, "mentorId": if seq % 2 == 0 { json!(n.instructor_a) } else { json!(null) } }),
        )
        .await;
        let star = payload["star"]["id"].as_str().unwrap().to_owned();
        n.app
            .data(
                ADD_ACCOUNT,
                json!({ "i": { "starId": star, "platform": "DOUYIN", "handle": format!("hr{seq}"), "followers": seq } }),
                Some(&n.admin),
            )
            .await;
        for day in 1..=4 {
            let mut input = stream(&star, &format!("2026-08-0{day}T12:00:00Z"), 10, 1, "9.90");
            input["productIds"] = json!([lantern, rice]);
            recorded(&n.app, &n.admin, input).await;
        }
    }
    let query = "query($first: Int) { stars(first: $first) { edges { node { trainee { name base { name } } mentor { displayName } accounts { followers } livestreams(first: 3) { edges { node { sales products { title } } } } } } } }";
    let measured = n.app.counting(&[&n.admin]).await;

    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = measured.statements();
        let data = measured
            .data(query, json!({ "first": first }), Some(&n.admin))
            .await;
        counts.push(measured.statements() - before);
        let edges = data["stars"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        let node = &edges[0]["node"];
        assert_eq!(node["trainee"]["base"]["name"], "铁西基地");
        assert_eq!(node["mentor"]["displayName"], "甲老师");
        assert_eq!(node["livestreams"]["edges"].as_array().unwrap().len(), 3);
        assert_eq!(
            node["livestreams"]["edges"][0]["node"]["products"],
            json!([{ "title": "宫灯" }, { "title": "大米" }])
        );
    }

    // stars; trainees, mentors, accounts and stream pages; bases and featured products.
    assert_eq!(counts[0], counts[1], "independent of page size: {counts:?}");
    assert!(counts[0] <= 7, "statements: {counts:?}");

    // Totals and growth series: the stars, then one statement each for sales, accounts and
    // the grouped growth series of every star.
    let totals = "query($first: Int) { stars(first: $first) { edges { node { totalSales totalFollowers growth(from: \"2026-07-15\", to: \"2026-08-31\", interval: WEEK) { streams sales } } } } }";
    let mut counts = Vec::new();
    for first in [5, 50] {
        let before = measured.statements();
        let data = measured
            .data(totals, json!({ "first": first }), Some(&n.admin))
            .await;
        counts.push(measured.statements() - before);
        let node = &data["stars"]["edges"][0]["node"];
        assert_eq!(node["totalSales"], "39.60");
        let series = node["growth"].as_array().unwrap();
        assert_eq!(series.len(), 8, "{series:?}");
        // 1 and 2 August 2026 are a Saturday and a Sunday.
        assert_eq!(series[2], json!({ "streams": 2, "sales": "19.80" }));
        assert_eq!(series[3], json!({ "streams": 2, "sales": "19.80" }));
        assert_eq!(series[4], json!({ "streams": 0, "sales": "0.00" }));
    }
    assert_eq!(counts, [4, 4]);
}
