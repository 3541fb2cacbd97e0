//! Keyset paging: sorted lists with ties walked both ways, typed cursors, and nested pages
//! that read only the rows they return, in one statement for all parents.

use qihang::service::page::{self, PageArgs};
use qihang::service::trainee::{TraineeFilter, TraineeOrder, TraineeSort};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::{Value, json};

use crate::support::{TestApp, admin_actor, error_code, id_number};

const IMPORT: &str = "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created userErrors { message } } }";
const PAGE: &str = "query($first: Int, $after: String, $last: Int, $before: String, $order: TraineeOrder) { trainees(first: $first, after: $after, last: $last, before: $before, orderBy: $order) { edges { cursor node { id name registeredAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
/// Few names for many people: most sort keys are shared by dozens of rows.
const NAMES: [&str; 7] = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏"];

/// Imports `count` trainees into `base` (identity sequence numbers from `first_seq`).
async fn import(app: &TestApp, token: &str, base: &str, first_seq: u32, count: u32) {
    let mut csv = String::from(
        "name,idNumber,disabilityCertificateNumber,phone,residence,education,employmentStatus,interests\n",
    );
    for seq in first_seq..first_seq + count {
        let id = id_number("220302", "19900101", seq);
        let name = NAMES[(seq as usize * 5) % NAMES.len()];
        csv.push_str(&format!("{name},{id},{id}41,,RURAL,,,\n"));
    }
    let payload = app
        .upload(
            token,
            IMPORT,
            json!({ "baseId": base, "file": null, "consentToSensitiveData": true }),
            "roster.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(
        payload["data"]["importTrainees"]["created"], count,
        "{payload}"
    );
}

/// (id, name, registeredAt) of each edge.
fn rows(data: &Value) -> Vec<(String, String, String)> {
    data["trainees"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["id"].as_str().unwrap().to_owned(),
                n["name"].as_str().unwrap().to_owned(),
                n["registeredAt"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Walks the whole list in `order` forwards with `first`/`after`, then backwards with
/// `last`/`before`; returns both walks in list order.
async fn walk(
    app: &TestApp,
    token: &str,
    order: Value,
) -> (Vec<(String, String, String)>, Vec<(String, String, String)>) {
    let mut forward = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                PAGE,
                json!({ "first": 23, "after": after, "order": order }),
                Some(token),
            )
            .await;
        forward.extend(rows(&data));
        let info = &data["trainees"]["pageInfo"];
        assert_eq!(info["hasPreviousPage"], !after.is_null());
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    let mut backward = Vec::new();
    let mut before = Value::Null;
    loop {
        let data = app
            .data(
                PAGE,
                json!({ "last": 23, "before": before, "order": order }),
                Some(token),
            )
            .await;
        let mut page = rows(&data);
        page.extend(backward);
        backward = page;
        let info = &data["trainees"]["pageInfo"];
        assert_eq!(info["hasNextPage"], !before.is_null());
        if info["hasPreviousPage"] == false {
            break;
        }
        before = info["startCursor"].clone();
    }
    (forward, backward)
}

#[tokio::test]
async fn a_list_sorted_by_a_shared_key_pages_every_row_once_both_ways() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "铁西基地", "220302").await;
    let manager = app.manager_of(&admin, "pager", &[&base]).await;
    import(&app, &manager, &base, 0, 250).await;
    // Five registration times for 250 people: registeredAt is shared by fifty rows each.
    let db = &app.app.state.db;
    for (k, name) in NAMES.iter().enumerate() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z").unwrap()
            + chrono::Duration::hours((k % 5) as i64);
        entity::trainee::Entity::update_many()
            .col_expr(
                entity::trainee::Column::RegisteredAt,
                Expr::value(at.with_timezone(&chrono::Utc)),
            )
            .filter(entity::trainee::Column::Name.eq(*name))
            .exec(db)
            .await
            .unwrap();
    }

    let mut walks = Vec::new();
    for field in ["NAME", "REGISTERED_AT"] {
        for direction in ["ASC", "DESC"] {
            let (forward, backward) = walk(
                &app,
                &manager,
                json!({ "field": field, "direction": direction }),
            )
            .await;
            let mut ids: Vec<&String> = forward.iter().map(|r| &r.0).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(
                ids.len(),
                250,
                "{field} {direction}: every row exactly once"
            );
            assert_eq!(forward.len(), 250, "{field} {direction}: no row twice");
            assert_eq!(
                forward, backward,
                "{field} {direction}: backwards walks the same list"
            );
            walks.push(forward);
        }
    }
    // Descending is ascending reversed, ties included (they are broken by id both ways).
    let reversed = |w: &Vec<(String, String, String)>| w.iter().rev().cloned().collect::<Vec<_>>();
    assert_eq!(walks[1], reversed(&walks[0]));
    assert_eq!(walks[3], reversed(&walks[2]));
    // Equal names are contiguous; registration times ascend.
    let mut seen: Vec<&str> = walks[0].iter().map(|r| r.1.as_str()).collect();
    seen.dedup();
    assert_eq!(seen.len(), NAMES.len(), "each name one run: {seen:?}");
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = walks[2]
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(&r.2).unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    // Within a shared key, ties run in registration (id) order.
    let first_name = &walks[0][0].1;
    let tie_ids: Vec<&String> = walks[0]
        .iter()
        .filter(|r| &r.1 == first_name)
        .map(|r| &r.0)
        .collect();
    assert!(tie_ids.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn a_cursor_belongs_to_its_order() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "铁西基地", "220302").await;
    let manager = app.manager_of(&admin, "pager", &[&base]).await;
    import(&app, &manager, &base, 0, 3).await;
    let by_name = json!({ "field": "NAME", "direction": "ASC" });
    let data = app
        .data(
            PAGE,
            json!({ "first": 1, "order": by_name }),
            Some(&manager),
        )
        .await;
    let cursor = data["trainees"]["pageInfo"]["endCursor"].clone();

    let by_time = json!({ "field": "REGISTERED_AT", "direction": "ASC" });
    let other_order = app
        .gql(
            PAGE,
            json!({ "first": 1, "after": cursor, "order": by_time }),
            Some(&manager),
        )
        .await;
    let default_order = app
        .gql(PAGE, json!({ "first": 1, "after": cursor }), Some(&manager))
        .await;
    let garbage = app
        .gql(
            PAGE,
            json!({ "first": 1, "after": "bm90IGEgY3Vyc29y" }),
            Some(&manager),
        )
        .await;
    let same_order = app
        .data(
            PAGE,
            json!({ "first": 5, "after": cursor, "order": by_name }),
            Some(&manager),
        )
        .await;

    assert_eq!(error_code(&other_order), "BAD_USER_INPUT", "{other_order}");
    assert_eq!(
        error_code(&default_order),
        "BAD_USER_INPUT",
        "{default_order}"
    );
    assert_eq!(error_code(&garbage), "BAD_USER_INPUT", "{garbage}");
    assert_eq!(rows(&same_order).len(), 2);
}

/// The per-base page statement the nested `trainees` connection runs, as the service builds it.
fn nested_page_statement(backend: DbBackend, bases: &[uuid::Uuid], args: &PageArgs) -> Statement {
    let order = TraineeOrder {
        sort: TraineeSort::Name,
        ..TraineeOrder::default()
    };
    page::per_parent_statement(
        backend,
        qihang::service::trainee::select(&admin_actor("220300"), &TraineeFilter::default()),
        entity::trainee::Column::BaseId,
        bases,
        &order.sort(),
        args,
    )
    .unwrap()
}

/// Rows each scan of `trainee` in a PostgreSQL plan produced (actual rows × loops), and
/// the node types that read it.
fn trainee_reads(plan: &Value, reads: &mut Vec<(String, f64)>) {
    if plan["Relation Name"] == "trainee" {
        let rows = plan["Actual Rows"].as_f64().unwrap() * plan["Actual Loops"].as_f64().unwrap();
        reads.push((plan["Node Type"].as_str().unwrap().to_owned(), rows));
    }
    for child in plan["Plans"].as_array().into_iter().flatten() {
        trainee_reads(child, reads);
    }
}

/// What the database does with the statement: PostgreSQL's executed plan (JSON) or SQLite's
/// query plan lines.
pub(crate) async fn explain(app: &TestApp, statement: Statement) -> Result<Value, Vec<String>> {
    let db = &app.app.state.db;
    let values = statement.values.clone().map(|v| v.0).unwrap_or_default();
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE trainee").await.unwrap();
        let sql = format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", statement.sql);
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                values,
            ))
            .await
            .unwrap()
            .unwrap();
        let plan: Value = row.try_get_by_index(0).unwrap();
        Ok(plan[0]["Plan"].clone())
    } else {
        let sql = format!("EXPLAIN QUERY PLAN {}", statement.sql);
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql,
                values,
            ))
            .await
            .unwrap();
        Err(rows
            .iter()
            .map(|r| r.try_get::<String>("", "detail").unwrap())
            .collect())
    }
}

#[tokio::test]
async fn nested_pages_read_only_the_rows_they_return_in_one_statement() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let mut bases = Vec::new();
    for (k, name) in ["一号基地", "二号基地", "三号基地"].iter().enumerate() {
        let base = app.base_in(&admin, name, "220302").await;
        import(&app, &admin, &base, k as u32 * 200, 200).await;
        bases.push(base);
    }
    let query = "query($after: String) { bases { edges { node { id trainees(first: 5, after: $after, orderBy: { field: NAME, direction: ASC }) { edges { cursor node { name } } pageInfo { hasNextPage } } } } } }";
    let measured = app.counting(&[&admin]).await;

    let before = measured.statements();
    let data = measured.data(query, json!({}), Some(&admin)).await;
    let statements = measured.statements() - before;

    // The bases, then one statement for the three bases' pages.
    assert_eq!(statements, 2);
    for edge in data["bases"]["edges"].as_array().unwrap() {
        let id = edge["node"]["id"].as_str().unwrap();
        let top = app
            .data(
                "query($b: ID) { trainees(first: 5, filter: { baseId: $b }, orderBy: { field: NAME, direction: ASC }) { edges { cursor node { name } } } }",
                json!({ "b": id }),
                Some(&admin),
            )
            .await;
        assert_eq!(
            edge["node"]["trainees"]["edges"], top["trainees"]["edges"],
            "base {id}"
        );
        assert_eq!(edge["node"]["trainees"]["pageInfo"]["hasNextPage"], true);
    }

    let ids: Vec<uuid::Uuid> = bases.iter().map(|b| b.parse().unwrap()).collect();
    let first = PageArgs::Forward {
        limit: 5,
        after: None,
    };
    let cursor = data["bases"]["edges"][0]["node"]["trainees"]["edges"][4]["cursor"]
        .as_str()
        .unwrap();
    let second = PageArgs::Forward {
        limit: 5,
        after: Some(page::Cursor::decode(cursor).unwrap()),
    };
    let backend = app.app.state.db.get_database_backend();
    for args in [first, second] {
        match explain(&app, nested_page_statement(backend, &ids, &args)).await {
            Ok(plan) => {
                let mut reads = Vec::new();
                trainee_reads(&plan, &mut reads);
                assert!(!reads.is_empty(), "{plan}");
                for (node, rows) in &reads {
                    assert!(node.starts_with("Index"), "{node} on trainee: {plan}");
                    // Six rows (a page and one to learn there is more) for each of 3 bases.
                    assert!(*rows <= 18.0, "read {rows} trainee rows: {plan}");
                }
            }
            Err(lines) => {
                let searches = lines
                    .iter()
                    .filter(|l| {
                        l.contains(
                            "SEARCH trainee USING INDEX idx_trainee_base_id_name_id (base_id=?",
                        )
                    })
                    .count();
                assert_eq!(searches, 3, "one index range per base: {lines:?}");
                assert!(
                    !lines.iter().any(|l| l.starts_with("SCAN trainee")),
                    "no full scan: {lines:?}"
                );
            }
        }
    }
}

/// On PostgreSQL a page by id is not sorted again outside its `LATERAL`: each base's page
/// must still list its own trainees in registration order, also when the bases registered
/// theirs in turn.
#[tokio::test]
async fn nested_pages_by_id_list_each_parents_rows_in_registration_order() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let mut bases = Vec::new();
    for name in ["一号基地", "二号基地", "三号基地"] {
        bases.push(app.base_in(&admin, name, "220302").await);
    }
    for round in 0..3u32 {
        for (k, base) in bases.iter().enumerate() {
            import(&app, &admin, base, round * 30 + k as u32 * 10, 4).await;
        }
    }
    let ids = |connection: &Value| -> Vec<Value> {
        connection["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect()
    };
    for first in [5, 12] {
        let nested = app
            .data(
                "query($first: Int) { bases { nodes { id trainees(first: $first) { nodes { id } } } } }",
                json!({ "first": first }),
                Some(&admin),
            )
            .await;
        let listed = nested["bases"]["nodes"].as_array().unwrap();
        assert_eq!(listed.len(), 3);
        for base in listed {
            let flat = app
                .data(
                    "query($b: ID, $first: Int) { trainees(first: $first, filter: { baseId: $b }) { nodes { id } } }",
                    json!({ "b": base["id"], "first": first }),
                    Some(&admin),
                )
                .await;
            let expected = ids(&flat["trainees"]);
            assert_eq!(expected.len(), first.min(12));
            assert_eq!(ids(&base["trainees"]), expected, "first {first}");
        }
    }
}

#[tokio::test]
async fn nested_pages_follow_their_cursor() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "一号基地", "220302").await;
    import(&app, &admin, &base, 0, 12).await;
    let query = "query($after: String) { bases { edges { node { trainees(first: 5, after: $after, orderBy: { field: NAME, direction: DESC }) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } } }";
    let all = app
        .data(
            "{ trainees(first: 12, orderBy: { field: NAME, direction: DESC }) { edges { node { id } } } }",
            json!({}),
            Some(&admin),
        )
        .await;
    let expected: Vec<Value> = all["trainees"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(query, json!({ "after": after }), Some(&admin))
            .await;
        let conn = &data["bases"]["edges"][0]["node"]["trainees"];
        seen.extend(
            conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].clone()),
        );
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], !after.is_null());
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }

    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_nullable_sort_key_keeps_its_nulls_last_both_ways() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = app.base_in(&admin, "铁西基地", "220302").await;
    let mut csv = String::from("name,idNumber,disabilityCertificateNumber,phone,residence\n");
    for seq in 0..40u32 {
        let id = id_number("220302", "19900101", seq);
        // A third have a phone (sealed, so each distinct); the rest have none (NULL).
        let phone = match seq % 3 {
            0 => format!("139{:08}", seq % 4),
            _ => String::new(),
        };
        csv.push_str(&format!("王{seq},{id},{id}41,{phone},RURAL\n"));
    }
    let payload = app
        .upload(
            &admin,
            IMPORT,
            json!({ "baseId": base, "file": null, "consentToSensitiveData": true }),
            "roster.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(
        payload["data"]["importTrainees"]["created"], 40,
        "{payload}"
    );
    let db = &app.app.state.db;
    let all = entity::trainee::Entity::find;
    use entity::trainee::Column;

    for direction in [page::Direction::Asc, page::Direction::Desc] {
        let order = page::Order::by("phone", Column::PhoneEnc, Column::Id).direction(direction);
        let mut forward = Vec::new();
        let mut after = None;
        loop {
            let args = PageArgs::Forward { limit: 7, after };
            let page: page::Page<entity::trainee::Model> =
                page::fetch(db, all(), &order, &args).await.unwrap();
            forward.extend(page.items.iter().map(|t| (t.phone_enc.clone(), t.id)));
            after = page.items.last().map(|t| order.cursor(t));
            if !page.has_next {
                break;
            }
        }
        let mut backward = Vec::new();
        let mut before = None;
        loop {
            let args = PageArgs::Backward { limit: 7, before };
            let page: page::Page<entity::trainee::Model> =
                page::fetch(db, all(), &order, &args).await.unwrap();
            let mut rows: Vec<_> = page
                .items
                .iter()
                .map(|t| (t.phone_enc.clone(), t.id))
                .collect();
            rows.extend(backward);
            backward = rows;
            before = page.items.first().map(|t| order.cursor(t));
            if !page.has_previous {
                break;
            }
        }

        assert_eq!(forward.len(), 40, "{direction:?}");
        assert_eq!(forward, backward, "{direction:?}");
        let mut expected = forward.clone();
        // NULL is larger than every phone: last ascending, first descending; ties by id.
        expected.sort_by(|a, b| match (&a.0, &b.0) {
            (None, None) => a.1.cmp(&b.1),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y).then(a.1.cmp(&b.1)),
        });
        if direction == page::Direction::Desc {
            expected.reverse();
        }
        assert_eq!(forward, expected, "{direction:?}");
    }
}
