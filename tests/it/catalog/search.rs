//! Finding products: Chinese substring search, every filter, keyset paging in every order
//! (each product exactly once, also with shared prices), and catalog sync by `updatedSince`.

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::{Value, json};

use super::{CREATE_PRODUCT, World, key_data, register_trainee};
use crate::support::{TestApp, error_code};

const SEARCH: &str = "query($f: ProductFilter) { products(first: 100, filter: $f) { totalCount edges { node { title } } } }";

fn titles(data: &Value) -> Vec<String> {
    let mut titles: Vec<String> = data["products"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

async fn create(w: &World, trainee: &str, input: Value) -> String {
    let mut full = json!({ "producerTraineeId": trainee, "category": "AGRICULTURAL", "price": "10", "unit": "袋", "stock": 5 });
    for (k, v) in input.as_object().unwrap() {
        full[k] = v.clone();
    }
    let data = w
        .app
        .data(CREATE_PRODUCT, json!({ "i": full }), Some(&w.manager))
        .await;
    assert_eq!(data["createProduct"]["userErrors"], json!([]), "{data}");
    data["createProduct"]["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn search_finds_chinese_substrings_in_titles_descriptions_and_tags() {
    let w = World::new().await;
    let muer = w.published("长白山黑木耳 500g", "39.90").await;
    w.published("东北大米 5kg", "59.00").await;
    let (_, key) = w.partner_with_key("吉品优选").await;
    let version = w
        .app
        .data(
            "query($id: ID!) { product(id: $id) { version } }",
            json!({ "id": muer }),
            Some(&w.manager),
        )
        .await["product"]["version"]
        .clone();
    w.app
        .data(
            "mutation($i: UpdateProductInput!) { updateProduct(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": muer, "version": version, "description": "秋季采摘，肉厚无沙", "tags": ["山珍", "100%天然"] } }),
            Some(&w.manager),
        )
        .await;

    for (term, expected) in [
        ("木耳", vec!["长白山黑木耳 500g"]),
        ("长白山黑", vec!["长白山黑木耳 500g"]),
        ("500G", vec!["长白山黑木耳 500g"]),
        ("肉厚", vec!["长白山黑木耳 500g"]),
        ("山珍", vec!["长白山黑木耳 500g"]),
        ("100%", vec!["长白山黑木耳 500g"]),
        ("大米", vec!["东北大米 5kg"]),
        ("米", vec!["东北大米 5kg"]),
        ("%", vec!["长白山黑木耳 500g"]),
        ("_", vec![]),
        ("松茸", vec![]),
    ] {
        let data = key_data(&w.app, &key, SEARCH, json!({ "f": { "search": term } })).await;
        assert_eq!(titles(&data), expected, "search {term}");
    }
}

#[tokio::test]
async fn every_filter_narrows_the_catalog() {
    let w = World::new().await;
    let other = register_trainee(&w.app, &w.manager, &w.base, "李四", 2).await;
    let other_base = w.app.base_in(&w.admin, "铁东基地", "220303").await;
    let far_manager = w
        .app
        .manager_of(&w.admin, "far-manager", &[&other_base])
        .await;
    let far = register_trainee(&w.app, &far_manager, &other_base, "赵五", 3).await;
    create(
        &w,
        &w.trainee,
        json!({ "title": "木耳", "price": "12.50", "tags": ["山珍", "东北"] }),
    )
    .await;
    create(&w, &w.trainee, json!({ "title": "宫灯", "category": "HANDICRAFT", "price": "88", "stock": 0, "tags": ["东北"] })).await;
    create(&w, &other, json!({ "title": "大米", "category": "FOOD", "price": "12.49", "originRegionCode": "220303" })).await;
    let far_product = w
        .app
        .data(CREATE_PRODUCT, json!({ "i": { "producerTraineeId": far, "title": "蜂蜜", "category": "FOOD", "price": "30", "unit": "瓶", "stock": 2 } }), Some(&far_manager))
        .await;
    assert_eq!(far_product["createProduct"]["userErrors"], json!([]));
    let producer = w
        .app
        .data(
            "{ products(filter: { search: \"木耳\" }) { edges { node { producer { id } } } } }",
            json!({}),
            Some(&w.manager),
        )
        .await["products"]["edges"][0]["node"]["producer"]["id"]
        .clone();

    let admin = &w.admin;
    for (filter, expected) in [
        (json!({}), vec!["大米", "宫灯", "木耳", "蜂蜜"]),
        (
            json!({ "category": ["HANDICRAFT", "AGRICULTURAL"] }),
            vec!["宫灯", "木耳"],
        ),
        (
            json!({ "status": ["DRAFT"] }),
            vec!["大米", "宫灯", "木耳", "蜂蜜"],
        ),
        (json!({ "status": ["PUBLISHED"] }), vec![]),
        (json!({ "regionCode": "220303" }), vec!["大米", "蜂蜜"]),
        (
            json!({ "regionCode": "220300" }),
            vec!["大米", "宫灯", "木耳", "蜂蜜"],
        ),
        (json!({ "baseId": other_base }), vec!["蜂蜜"]),
        (json!({ "producerId": producer }), vec!["宫灯", "木耳"]),
        (json!({ "priceMin": "12.50" }), vec!["宫灯", "木耳", "蜂蜜"]),
        (json!({ "priceMax": "12.5" }), vec!["大米", "木耳"]),
        (
            json!({ "priceMin": "12.491", "priceMax": "30" }),
            vec!["木耳", "蜂蜜"],
        ),
        (json!({ "inStock": false }), vec!["宫灯"]),
        (
            json!({ "inStock": true, "category": ["FOOD"] }),
            vec!["大米", "蜂蜜"],
        ),
        (json!({ "tags": ["东北"] }), vec!["宫灯", "木耳"]),
        (json!({ "tags": ["东北", "山珍"] }), vec!["木耳"]),
        (json!({ "tags": ["东北", "松茸"] }), vec![]),
    ] {
        let data = w
            .app
            .data(SEARCH, json!({ "f": filter }), Some(admin))
            .await;
        assert_eq!(titles(&data), expected, "filter {filter}");
        assert_eq!(data["products"]["totalCount"], expected.len());
    }
    let body = w
        .app
        .gql(SEARCH, json!({ "f": { "baseId": "nope" } }), Some(admin))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = w
        .app
        .gql(
            "{ products(first: 101) { totalCount } }",
            json!({}),
            Some(admin),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $order: ProductOrder) { products(first: $first, after: $after, last: $last, before: $before, orderBy: $order) { edges { cursor node { id price } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// Walks the whole list forwards (or backwards) in pages of 20; returns the ids in order.
async fn walk(app: &TestApp, token: &str, order: Value, forwards: bool) -> Vec<(String, f64)> {
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let variables = if forwards {
            json!({ "first": 20, "after": cursor, "order": order })
        } else {
            json!({ "last": 20, "before": cursor, "order": order })
        };
        let data = app.data(PAGE, variables, Some(token)).await;
        let conn = &data["products"];
        let mut page: Vec<(String, f64)> = conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["id"].as_str().unwrap().to_owned(),
                    e["node"]["price"].as_str().unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert!(page.len() <= 20);
        if forwards {
            seen.append(&mut page);
            if conn["pageInfo"]["hasNextPage"] != true {
                break;
            }
            cursor = conn["pageInfo"]["endCursor"].clone();
        } else {
            page.append(&mut seen);
            seen = page;
            if conn["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            cursor = conn["pageInfo"]["startCursor"].clone();
        }
    }
    seen
}

#[tokio::test]
async fn paging_by_price_returns_every_product_exactly_once_with_shared_prices() {
    let w = World::new().await;
    let mut ids = HashSet::new();
    for i in 0..250 {
        // 25 prices shared by 10 products each.
        let price = format!("{}.{:02}", 1 + i % 25, (i % 25) * 3);
        ids.insert(
            create(
                &w,
                &w.trainee,
                json!({ "title": format!("产品{i:03}"), "price": price }),
            )
            .await,
        );
    }
    for (direction, forwards) in [("ASC", true), ("DESC", true), ("ASC", false)] {
        let order = json!({ "field": "PRICE", "direction": direction });
        let seen = walk(&w.app, &w.manager, order, forwards).await;
        assert_eq!(seen.len(), 250, "{direction} forwards={forwards}");
        let unique: HashSet<&String> = seen.iter().map(|(id, _)| id).collect();
        assert_eq!(unique.len(), 250, "each product once");
        assert!(seen.iter().all(|(id, _)| ids.contains(id)));
        let sorted = seen.windows(2).all(|w| {
            if direction == "ASC" {
                w[0].1 <= w[1].1
            } else {
                w[0].1 >= w[1].1
            }
        });
        assert!(sorted, "{direction} order kept");
    }
    let by_title = walk(
        &w.app,
        &w.manager,
        json!({ "field": "TITLE", "direction": "DESC" }),
        true,
    )
    .await;
    assert_eq!(by_title.len(), 250);
    // A cursor of one order is refused by another.
    let data = w
        .app
        .data(
            PAGE,
            json!({ "first": 1, "order": { "field": "PRICE", "direction": "ASC" } }),
            Some(&w.manager),
        )
        .await;
    let cursor = data["products"]["pageInfo"]["endCursor"].clone();
    let body = w.app.gql(PAGE, json!({ "first": 1, "after": cursor, "order": { "field": "TITLE", "direction": "ASC" } }), Some(&w.manager)).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

const SYNC: &str = "query($since: DateTime!, $after: String) { products(first: 2, after: $after, filter: { updatedSince: $since }, orderBy: { field: UPDATED_AT, direction: ASC }) { edges { node { id title status updatedAt } } pageInfo { hasNextPage endCursor } } }";

async fn sync(app: &TestApp, key: &str, since: &str) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = key_data(app, key, SYNC, json!({ "since": since, "after": after })).await;
        let conn = &data["products"];
        nodes.extend(
            conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if conn["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_sync_from_updated_since_sees_updates_and_archives() {
    let w = World::new().await;
    let (_, key) = w.partner_with_key("吉品优选").await;
    let kept = w.published("木耳", "10").await;
    let changed = w.published("大米", "20").await;
    let archived = w.published("蜂蜜", "30").await;
    w.draft("草稿", "5").await;

    let first = sync(&w.app, &key, "2000-01-01T00:00:00Z").await;
    assert_eq!(first.len(), 3, "the whole published catalog: {first:?}");
    let last_seen = first
        .iter()
        .map(|n| n["updatedAt"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let version = w
        .app
        .data(
            "query($id: ID!) { product(id: $id) { version } }",
            json!({ "id": changed }),
            Some(&w.manager),
        )
        .await["product"]["version"]
        .clone();
    w.app
        .data("mutation($i: UpdateProductInput!) { updateProduct(input: $i) { userErrors { code } } }", json!({ "i": { "id": changed, "version": version, "stock": 99 } }), Some(&w.manager))
        .await;
    w.app
        .data(
            "mutation($id: ID!) { archiveProduct(id: $id) { userErrors { code } } }",
            json!({ "id": archived }),
            Some(&w.manager),
        )
        .await;

    let next = sync(&w.app, &key, &last_seen).await;
    let by_id = |id: &str| next.iter().find(|n| n["id"] == id).cloned();
    assert_eq!(by_id(&changed).unwrap()["title"], "大米");
    assert_eq!(by_id(&archived).unwrap()["status"], "ARCHIVED", "{next:?}");
    // The product untouched since is seen at most once more (the boundary is inclusive).
    assert!(next.len() <= 3);
    assert!(by_id(&kept).is_none() || next.len() == 3);
    // Outside a sync the partner no longer sees the archived product.
    let listed = key_data(
        &w.app,
        &key,
        "{ products { edges { node { id } } } }",
        json!({}),
    )
    .await;
    assert!(!listed.to_string().contains(&archived));
}

/// A search term decides which index pays off: a plan PostgreSQL keeps for the statement
/// cannot see it. Searched pages run on connections that plan every execution with its values;
/// every other statement keeps PostgreSQL's cached plans.
#[tokio::test]
async fn searched_pages_are_planned_with_their_term_and_other_lists_keep_cached_plans() {
    let w = World::new().await;
    w.published("长白山黑木耳 500g", "39.90").await;
    w.published("东北大米 5kg", "59.00").await;
    let state = &w.app.app.state;
    let searched = json!({ "f": { "search": "木耳" } });
    // Enough executions that each connection of the pool passes the five after which
    // PostgreSQL would consider a cached plan.
    for _ in 0..24 {
        let data = w.app.data(SEARCH, searched.clone(), Some(&w.manager)).await;
        assert_eq!(titles(&data), ["长白山黑木耳 500g"]);
    }
    if state.db.get_database_backend() != DbBackend::Postgres {
        // SQLite plans every statement it prepares once; both names are the same pool.
        return;
    }
    let mode = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            db.query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SHOW plan_cache_mode",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<String>(0)
            .unwrap()
        }
    };
    assert_eq!(mode(&state.db).await, "auto");
    assert_eq!(mode(&state.search_db).await, "force_custom_plan");
    // The pool spreads searches over its connections, and the one answering the check is any
    // of them: search on until it is one that has passed the five executions, checking on the
    // way that no connection ever used a cached plan.
    let plans_of_answering_connection = || async {
        let plans = state
            .search_db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT COALESCE(SUM(custom_plans), 0)::bigint, COALESCE(SUM(generic_plans), 0)::bigint \
                 FROM pg_prepared_statements \
                 WHERE statement LIKE '%search_tsv%' AND statement NOT LIKE '%pg_prepared_statements%'",
            ))
            .await
            .unwrap()
            .unwrap();
        let custom: i64 = plans.try_get_by_index(0).unwrap();
        let generic: i64 = plans.try_get_by_index(1).unwrap();
        (custom, generic)
    };
    let mut custom = 0;
    for _ in 0..200 {
        let generic;
        (custom, generic) = plans_of_answering_connection().await;
        assert_eq!(generic, 0);
        if custom > 5 {
            break;
        }
        w.app.data(SEARCH, searched.clone(), Some(&w.manager)).await;
    }
    assert!(custom > 5, "{custom} custom plans");
}
