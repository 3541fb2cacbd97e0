//! Lists of categories (a trainee's interests, a base's focus areas) live in join tables:
//! existing lists survive the move, filters by category use an index, and loaders read the
//! lists in one statement per request level.

use migration::{Migrator, MigratorTrait};
use qihang::auth::{Actor, UserActor};
use qihang::service::page::{self, Order, PageArgs};
use qihang::service::trainee::TraineeFilter;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::paging::explain;
use crate::support::{BATCHING_DELAY, TestApp, id_number};

const REGISTER: &str = "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id interests } userErrors { field code message } } }";
const CREATE_BASE: &str = "mutation($i: CreateBaseInput!) { createBase(input: $i) { base { id focusAreas } userErrors { field code message } } }";
const IMPORT: &str = "mutation($input: ImportTraineesInput!) { importTrainees(input: $input) { created userErrors { message } } }";
const THIS_MIGRATION: &str = "m20261123_000004_trainee_sorting_and_category_lists";

async fn base_with(app: &TestApp, token: &str, name: &str, areas: Value) -> String {
    let data = app
        .data(
            CREATE_BASE,
            json!({ "i": { "name": name, "regionCode": "220302", "focusAreas": areas } }),
            Some(token),
        )
        .await;
    assert_eq!(data["createBase"]["userErrors"], json!([]), "{data}");
    assert_eq!(data["createBase"]["base"]["focusAreas"], areas);
    data["createBase"]["base"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn lists_written_before_the_join_tables_survive_the_migration() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = base_with(&app, &admin, "铁西基地", json!(["LIVESTREAM_COMMERCE"])).await;
    let id = id_number("220302", "19900101", 1);
    let registered = app
        .data(
            REGISTER,
            json!({ "i": { "baseId": base, "name": "王一", "idNumber": id, "disabilityCertificateNumber": format!("{id}41"), "residence": "RURAL", "interests": ["SHORT_VIDEO"], "consentToSensitiveData": true } }),
            Some(&admin),
        )
        .await;
    let trainee = registered["registerTrainee"]["trainee"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let db = &app.app.state.db;
    let backend = db.get_database_backend();

    // Back to the schema before the join tables: the lists return to their text columns.
    let migrations = Migrator::migrations();
    let this = migrations
        .iter()
        .position(|m| m.name() == THIS_MIGRATION)
        .unwrap();
    Migrator::down(db, Some((migrations.len() - this) as u32))
        .await
        .unwrap();
    let text = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let row = db
        .query_one_raw(text("SELECT interests FROM trainee"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "SHORT_VIDEO");
    // Old-style data, written as the old code wrote it (unknown names were ignored).
    db.execute_unprepared(
        "UPDATE trainee SET interests = 'VOICE_WORK,LIVESTREAM_COMMERCE,NOT_A_CATEGORY'",
    )
    .await
    .unwrap();
    db.execute_unprepared("UPDATE base SET focus_areas = 'HANDICRAFT,DATA_LABELING'")
        .await
        .unwrap();

    Migrator::up(db, None).await.unwrap();

    let data = app
        .data(
            "query($id: ID!) { trainee(id: $id) { interests base { focusAreas } } trainees(filter: { interests: [VOICE_WORK] }) { totalCount } bases(filter: { focusAreas: [DATA_LABELING] }) { totalCount } }",
            json!({ "id": trainee }),
            Some(&admin),
        )
        .await;
    assert_eq!(
        data,
        json!({
            "trainee": { "interests": ["LIVESTREAM_COMMERCE", "VOICE_WORK"], "base": { "focusAreas": ["DATA_LABELING", "HANDICRAFT"] } },
            "trainees": { "totalCount": 1 },
            "bases": { "totalCount": 1 }
        })
    );
}

#[tokio::test]
async fn bases_filter_by_any_focus_area_and_updates_replace_the_list() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let a = base_with(
        &app,
        &admin,
        "甲",
        json!(["LIVESTREAM_COMMERCE", "SHORT_VIDEO"]),
    )
    .await;
    let b = base_with(&app, &admin, "乙", json!(["VOICE_WORK"])).await;
    base_with(&app, &admin, "丙", json!([])).await;
    let filtered = |areas: Value| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($f: BaseFilter) { bases(filter: $f) { totalCount edges { node { id } } } }",
                    json!({ "f": { "focusAreas": areas } }),
                    None,
                )
                .await;
            let ids: Vec<String> = data["bases"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(data["bases"]["totalCount"], ids.len());
            ids
        }
    };

    assert_eq!(
        filtered(json!(["VOICE_WORK", "HANDICRAFT"])).await,
        vec![b.clone()]
    );
    assert_eq!(filtered(json!(["SHORT_VIDEO"])).await, vec![a.clone()]);
    assert_eq!(
        filtered(json!(["SHORT_VIDEO", "VOICE_WORK"])).await,
        [a.clone(), b.clone()]
    );
    assert_eq!(
        filtered(json!([])).await.len(),
        3,
        "no categories, no condition"
    );

    let updated = app
        .data(
            "mutation($i: UpdateBaseInput!) { updateBase(input: $i) { base { focusAreas version } userErrors { code } } }",
            json!({ "i": { "id": a, "version": 1, "focusAreas": ["HANDICRAFT", "SHORT_VIDEO", "HANDICRAFT"] } }),
            Some(&admin),
        )
        .await;
    assert_eq!(
        updated["updateBase"]["base"],
        json!({ "focusAreas": ["SHORT_VIDEO", "HANDICRAFT"], "version": 2 })
    );
    assert_eq!(
        filtered(json!(["LIVESTREAM_COMMERCE"])).await,
        Vec::<String>::new()
    );
    assert_eq!(filtered(json!(["HANDICRAFT"])).await, [a]);
}

/// Imports 1,000 trainees into `base`: most want livestream selling and short video, every
/// hundredth data labelling.
async fn import_roster(app: &TestApp, token: &str, base: &str) {
    let mut csv = String::from("name,idNumber,disabilityCertificateNumber,residence,interests\n");
    for seq in 0..1000u32 {
        let id = id_number(
            "220302",
            &format!("19{:02}0101", 60 + seq / 100),
            seq % 1000,
        );
        let interests = if seq % 100 == 7 {
            "数据标注"
        } else {
            "直播带货、短视频"
        };
        csv.push_str(&format!("学员{seq},{id},{id}41,农村,{interests}\n"));
    }
    let payload = app
        .upload(
            token,
            IMPORT,
            json!({ "baseId": base, "file": null }),
            "roster.csv",
            csv.as_bytes(),
        )
        .await;
    assert_eq!(
        payload["data"]["importTrainees"]["created"], 1000,
        "{payload}"
    );
}

#[tokio::test]
async fn trainees_filter_by_any_interest_through_the_category_index() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base = base_with(&app, &admin, "铁西基地", json!([])).await;
    let (manager, _) = app
        .user_with(
            &admin,
            json!({ "login": "manager", "password": "manager-password-123", "displayName": "经理", "role": "BASE_MANAGER", "baseIds": [base] }),
        )
        .await;
    import_roster(&app, &manager, &base).await;
    let count = |interests: Value| {
        let (app, manager) = (&app, &manager);
        async move {
            let data = app
                .data(
                    "query($f: TraineeFilter) { trainees(filter: $f) { totalCount } bases { edges { node { trainees(filter: $f) { totalCount } } } } }",
                    json!({ "f": { "interests": interests } }),
                    Some(manager),
                )
                .await;
            let nested = data["bases"]["edges"][0]["node"]["trainees"]["totalCount"].clone();
            assert_eq!(data["trainees"]["totalCount"], nested);
            data["trainees"]["totalCount"].as_i64().unwrap()
        }
    };

    assert_eq!(count(json!(["DATA_LABELING"])).await, 10);
    assert_eq!(count(json!(["DATA_LABELING", "SHORT_VIDEO"])).await, 1000);
    assert_eq!(
        count(json!(["SHORT_VIDEO", "LIVESTREAM_COMMERCE"])).await,
        990
    );
    assert_eq!(count(json!(["VOICE_WORK"])).await, 0);

    // The list statement as the service builds it, for this manager.
    let actor = Actor::User(UserActor {
        user_id: uuid::Uuid::now_v7(),
        role: entity::Role::BaseManager,
        region_code: None,
        base_ids: vec![base.parse().unwrap()],
        trainee_id: None,
        partner_id: None,
        session_id: None,
    });
    let filter = TraineeFilter {
        interests: vec![entity::TrainingCategory::DataLabeling],
        ..TraineeFilter::default()
    };
    let db = &app.app.state.db;
    let statement = page::statement(
        db.get_database_backend(),
        qihang::service::trainee::select(&actor, &filter),
        &Order::by_id(entity::trainee::Column::Id),
        &PageArgs::Forward {
            limit: 20,
            after: None,
        },
    )
    .unwrap();
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE trainee_interest")
            .await
            .unwrap();
    }
    match explain(&app, statement).await {
        Ok(plan) => {
            let plan = plan.to_string();
            assert!(
                plan.contains(r#""Index Name":"idx_trainee_interest_category_trainee_id""#),
                "the category index: {plan}"
            );
        }
        Err(lines) => assert!(
            lines
                .iter()
                .any(|l| l.contains("trainee_interest USING COVERING INDEX idx_trainee_interest_category_trainee_id (category=?)")),
            "the category index: {lines:?}"
        ),
    }
}

#[tokio::test]
async fn lists_are_read_in_one_statement_per_level() {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let a = base_with(&app, &admin, "甲", json!(["SHORT_VIDEO"])).await;
    let b = base_with(&app, &admin, "乙", json!(["VOICE_WORK", "HANDICRAFT"])).await;
    for seq in 0..40u32 {
        let id = id_number("220302", "19900101", seq);
        let base = if seq % 2 == 0 { &a } else { &b };
        let payload = app
            .data(
                REGISTER,
                json!({ "i": { "baseId": base, "name": format!("学员{seq}"), "idNumber": id, "disabilityCertificateNumber": format!("{id}41"), "residence": "RURAL", "interests": if seq % 3 == 0 { json!(["VOICE_WORK", "SHORT_VIDEO"]) } else { json!(["DATA_LABELING"]) }, "consentToSensitiveData": true } }),
                Some(&admin),
            )
            .await;
        assert_eq!(payload["registerTrainee"]["userErrors"], json!([]));
    }
    let query = "query($first: Int) { trainees(first: $first) { edges { node { interests base { focusAreas } } } } }";
    let measured = app.reopened(&BATCHING_DELAY).await;
    // The first request of a process reads the caller's account state; keep it out of the count.
    measured
        .data("{ me { id } }", json!({}), Some(&admin))
        .await;

    let mut counts = Vec::new();
    for first in [4, 40] {
        let before = measured.statements();
        let data = measured
            .data(query, json!({ "first": first }), Some(&admin))
            .await;
        counts.push(measured.statements() - before);
        let edges = data["trainees"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first);
        assert_eq!(
            edges[0]["node"],
            json!({ "interests": ["SHORT_VIDEO", "VOICE_WORK"], "base": { "focusAreas": ["SHORT_VIDEO"] } })
        );
        assert_eq!(
            edges[1]["node"],
            json!({ "interests": ["DATA_LABELING"], "base": { "focusAreas": ["VOICE_WORK", "HANDICRAFT"] } })
        );
    }

    // trainees, their interests, their bases, the bases' focus areas.
    assert_eq!(counts, [4, 4]);
}
