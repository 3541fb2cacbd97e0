//! Internet stars: nomination, mentors, stage history, scope, the list and its filters.

use serde_json::{Value, json};

use crate::support::{TestApp, error_code, id_number};

pub const NOMINATE: &str = "mutation($i: NominateStarInput!) { nominateStar(input: $i) { star { id stage mentor { displayName } trainee { name } stageHistory { stage fromStage note } } userErrors { field code message } } }";
pub const ADVANCE: &str = "mutation($i: AdvanceStageInput!) { advanceStarStage(input: $i) { star { stage version stageHistory { stage fromStage note changedAt changedBy { login } } } userErrors { field code message } } }";
const GET: &str = "query($id: ID!) { star(id: $id) { id stage trainee { name } } }";
const LIST: &str = "query($f: StarFilter, $first: Int, $after: String) { stars(first: $first, after: $after, filter: $f) { totalCount edges { node { trainee { name } stage } } pageInfo { hasNextPage endCursor } } }";

/// A city with two bases, their managers, an instructor at base A, an ADMIN over the city,
/// and trainees at both bases.
pub struct Network {
    pub app: TestApp,
    pub admin: String,
    pub base_a: String,
    pub base_b: String,
    pub manager_a: String,
    pub manager_b: String,
    pub instructor_a: String,
    pub manager_a_id: String,
}

pub async fn network() -> Network {
    let app = TestApp::new().await;
    let admin = app.admin_of("220300").await;
    let base_a = app.base_in(&admin, "铁西基地", "220302").await;
    let base_b = app.base_in(&admin, "铁东基地", "220303").await;
    let (manager_a, manager_a_id) = app
        .user_with(
            &admin,
            json!({ "login": "manager-a", "password": "manager-password-123", "displayName": "甲经理", "role": "BASE_MANAGER", "baseIds": [base_a] }),
        )
        .await;
    let manager_b = app.manager_of(&admin, "manager-b", &[&base_b]).await;
    let (_, instructor_a) = app
        .user_with(
            &admin,
            json!({ "login": "teacher-a", "password": "teacher-password-123", "displayName": "甲老师", "role": "INSTRUCTOR", "baseIds": [base_a] }),
        )
        .await;
    Network {
        app,
        admin,
        base_a,
        base_b,
        manager_a,
        manager_b,
        instructor_a,
        manager_a_id,
    }
}

/// Registers a trainee; returns its id.
pub async fn trainee(app: &TestApp, token: &str, base: &str, name: &str, seq: u32) -> String {
    let id = id_number("220302", "19930303", seq);
    let data = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
            json!({ "i": {
                "baseId": base, "name": name, "idNumber": id, "disabilityCertificateNumber": format!("{id}41"),
                "residence": "RURAL", "consentToSensitiveData": true
            } }),
            Some(token),
        )
        .await;
    let payload = &data["registerTrainee"];
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["trainee"]["id"].as_str().unwrap().to_owned()
}

pub async fn nominate(app: &TestApp, token: &str, input: Value) -> Value {
    app.data(NOMINATE, json!({ "i": input }), Some(token)).await["nominateStar"].clone()
}

/// Nominates a trainee; returns the star id.
pub async fn star_of(app: &TestApp, token: &str, trainee_id: &str) -> String {
    let payload = nominate(app, token, json!({ "traineeId": trainee_id })).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["star"]["id"].as_str().unwrap().to_owned()
}

async fn advance(app: &TestApp, token: &str, star: &str, stage: &str, note: Option<&str>) -> Value {
    app.data(
        ADVANCE,
        json!({ "i": { "starId": star, "stage": stage, "note": note } }),
        Some(token),
    )
    .await["advanceStarStage"]
        .clone()
}

#[tokio::test]
async fn stage_history_records_every_change_in_order() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "张明", 1).await;

    let nominated = nominate(
        &n.app,
        &n.manager_a,
        json!({ "traineeId": t, "mentorId": n.instructor_a, "note": "直播表现突出" }),
    )
    .await;
    assert_eq!(nominated["userErrors"], json!([]), "{nominated}");
    let star = &nominated["star"];
    assert_eq!(star["stage"], "PROSPECT");
    assert_eq!(star["mentor"]["displayName"], "甲老师");
    assert_eq!(star["trainee"]["name"], "张明");
    let id = star["id"].as_str().unwrap();

    advance(&n.app, &n.manager_a, id, "INCUBATING", Some("入驻孵化")).await;
    advance(&n.app, &n.admin, id, "RISING", None).await;
    let back = advance(&n.app, &n.manager_a, id, "INCUBATING", Some("数据回落")).await;
    let last = advance(&n.app, &n.manager_a, id, "STAR", Some("粉丝破十万")).await;

    assert_eq!(back["userErrors"], json!([]));
    assert_eq!(last["userErrors"], json!([]));
    let star = &last["star"];
    assert_eq!(star["stage"], "STAR");
    assert_eq!(star["version"], 5);
    let history = star["stageHistory"].as_array().unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|h| {
            (
                h["fromStage"].clone(),
                h["stage"].clone(),
                h["note"].clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (json!(null), json!("PROSPECT"), json!("直播表现突出")),
            (json!("PROSPECT"), json!("INCUBATING"), json!("入驻孵化")),
            (json!("INCUBATING"), json!("RISING"), json!(null)),
            (json!("RISING"), json!("INCUBATING"), json!("数据回落")),
            (json!("INCUBATING"), json!("STAR"), json!("粉丝破十万")),
        ]
    );
    let times: Vec<&str> = history
        .iter()
        .map(|h| h["changedAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(history[2]["changedBy"]["login"], "admin220300");
}

#[tokio::test]
async fn setting_the_current_stage_is_invalid_state_and_changes_nothing() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "李华", 2).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;

    let same = advance(&n.app, &n.manager_a, &star, "PROSPECT", Some("重复")).await;

    assert_eq!(same["star"], json!(null));
    assert_eq!(same["userErrors"][0]["code"], "INVALID_STATE");
    assert_eq!(same["userErrors"][0]["field"], json!(["input", "stage"]));
    let data = n
        .app
        .data(
            "query($id: ID!) { star(id: $id) { version stageHistory { stage } } }",
            json!({ "id": star }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(data["star"]["version"], 1);
    assert_eq!(
        data["star"]["stageHistory"],
        json!([{ "stage": "PROSPECT" }])
    );
}

#[tokio::test]
async fn a_trainee_has_one_profile_and_a_mentor_from_its_own_base() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "王芳", 3).await;
    let (_, instructor_b) = n
        .app
        .user_with(
            &n.admin,
            json!({ "login": "teacher-b", "password": "teacher-password-123", "displayName": "乙老师", "role": "INSTRUCTOR", "baseIds": [n.base_b] }),
        )
        .await;

    let foreign_mentor = nominate(
        &n.app,
        &n.manager_a,
        json!({ "traineeId": t, "mentorId": instructor_b }),
    )
    .await;
    let unknown_mentor = nominate(
        &n.app,
        &n.manager_a,
        json!({ "traineeId": t, "mentorId": uuid::Uuid::now_v7().to_string() }),
    )
    .await;
    let manager_mentor = nominate(
        &n.app,
        &n.manager_a,
        json!({ "traineeId": t, "mentorId": n.manager_a_id }),
    )
    .await;
    let again = nominate(&n.app, &n.admin, json!({ "traineeId": t })).await;

    for refused in [&foreign_mentor, &unknown_mentor] {
        assert_eq!(refused["star"], json!(null));
        assert_eq!(refused["userErrors"][0]["code"], "INVALID", "{refused}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "mentorId"])
        );
    }
    assert_eq!(manager_mentor["userErrors"], json!([]));
    assert_eq!(manager_mentor["star"]["mentor"]["displayName"], "甲经理");
    assert_eq!(again["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(
        again["userErrors"][0]["field"],
        json!(["input", "traineeId"])
    );

    let data = n
        .app
        .data(
            "query($id: ID!) { trainee(id: $id) { star { stage mentor { displayName } } } }",
            json!({ "id": t }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        data["trainee"]["star"],
        json!({ "stage": "PROSPECT", "mentor": { "displayName": "甲经理" } })
    );
}

#[tokio::test]
async fn stars_are_seen_and_changed_only_in_scope() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "赵强", 4).await;
    let star = star_of(&n.app, &n.manager_a, &t).await;
    let (trainee_token, _) = n
        .app
        .user_with(
            &n.admin,
            json!({ "login": "zhaoqiang", "password": "trainee-password-123", "displayName": "赵强", "role": "TRAINEE", "traineeId": t }),
        )
        .await;
    let other = trainee(&n.app, &n.manager_a, &n.base_a, "钱多", 5).await;
    star_of(&n.app, &n.manager_a, &other).await;
    let outside_admin = n.app.admin_of("220100").await;
    let instructor = n.app.login("teacher-a", "teacher-password-123").await.0;

    for (token, visible) in [
        (&n.admin, true),
        (&n.manager_a, true),
        (&trainee_token, true),
        (&n.manager_b, false),
        (&outside_admin, false),
    ] {
        let data = n.app.data(GET, json!({ "id": star }), Some(token)).await;
        assert_eq!(!data["star"].is_null(), visible, "{data}");
    }
    let own = n.app.data(LIST, json!({}), Some(&trainee_token)).await;
    assert_eq!(own["stars"]["totalCount"], 1);
    let none = n.app.data(LIST, json!({}), Some(&n.manager_b)).await;
    assert_eq!(none["stars"]["totalCount"], 0);

    let foreign = advance(&n.app, &n.manager_b, &star, "RISING", None).await;
    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");
    let foreign = nominate(&n.app, &n.manager_b, json!({ "traineeId": t })).await;
    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");

    for token in [&trainee_token, &instructor] {
        let body = n
            .app
            .gql(
                ADVANCE,
                json!({ "i": { "starId": star, "stage": "RISING" } }),
                Some(token),
            )
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
        let list = n.app.gql(LIST, json!({}), Some(&instructor)).await;
        assert_eq!(list["data"]["stars"]["totalCount"], 0);
    }
    let anonymous = n.app.gql(LIST, json!({}), None).await;
    assert_eq!(anonymous["data"]["stars"]["totalCount"], 0);
}

#[tokio::test]
async fn the_star_list_filters_and_pages_by_keyset() {
    let n = network().await;
    let mut stars = Vec::new();
    for (seq, (name, base)) in [
        ("甲一", &n.base_a),
        ("乙一", &n.base_b),
        ("甲二", &n.base_a),
        ("甲三", &n.base_a),
        ("乙二", &n.base_b),
    ]
    .into_iter()
    .enumerate()
    {
        let t = trainee(&n.app, &n.admin, base, name, 10 + seq as u32).await;
        stars.push(star_of(&n.app, &n.admin, &t).await);
    }
    advance(&n.app, &n.admin, &stars[2], "RISING", None).await;
    advance(&n.app, &n.admin, &stars[4], "RISING", None).await;
    let names = |data: &Value| -> Vec<String> {
        data["stars"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["trainee"]["name"].as_str().unwrap().to_owned())
            .collect()
    };

    let at_a = n
        .app
        .data(LIST, json!({ "f": { "baseId": n.base_a } }), Some(&n.admin))
        .await;
    let rising = n
        .app
        .data(
            LIST,
            json!({ "f": { "stage": ["RISING"] } }),
            Some(&n.admin),
        )
        .await;
    let in_tiedong = n
        .app
        .data(
            LIST,
            json!({ "f": { "regionCode": "220303" } }),
            Some(&n.admin),
        )
        .await;
    let by_name = n
        .app
        .data(
            LIST,
            json!({ "f": { "search": "甲" , "stage": ["PROSPECT"] } }),
            Some(&n.admin),
        )
        .await;

    assert_eq!(names(&at_a), ["甲一", "甲二", "甲三"]);
    assert_eq!(names(&rising), ["甲二", "乙二"]);
    assert_eq!(names(&in_tiedong), ["乙一", "乙二"]);
    assert_eq!(names(&by_name), ["甲一", "甲三"]);

    let page1 = n
        .app
        .data(LIST, json!({ "first": 2 }), Some(&n.admin))
        .await;
    let page2 = n
        .app
        .data(
            LIST,
            json!({ "first": 2, "after": page1["stars"]["pageInfo"]["endCursor"] }),
            Some(&n.admin),
        )
        .await;
    let page3 = n
        .app
        .data(
            LIST,
            json!({ "first": 2, "after": page2["stars"]["pageInfo"]["endCursor"] }),
            Some(&n.admin),
        )
        .await;
    assert_eq!(names(&page1), ["甲一", "乙一"]);
    assert_eq!(names(&page2), ["甲二", "甲三"]);
    assert_eq!(names(&page3), ["乙二"]);
    assert_eq!(page3["stars"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(page1["stars"]["totalCount"], 5);
    let too_many = n
        .app
        .gql(LIST, json!({ "first": 101 }), Some(&n.admin))
        .await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
}
