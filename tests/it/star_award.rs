//! Competitions and awards: the competition found or created by name and year, awards on the
//! trainee and the star profile, duplicates and scope.

use serde_json::{Value, json};

use crate::star::{network, star_of, trainee};
use crate::support::TestApp;

const RECORD: &str = "mutation($i: RecordAwardInput!) { recordAward(input: $i) { award { id prize competition { id name year organizer } trainee { name } } userErrors { field code message } } }";

async fn record(app: &TestApp, token: &str, input: Value) -> Value {
    app.data(RECORD, json!({ "i": input }), Some(token)).await["recordAward"].clone()
}

#[tokio::test]
async fn awards_find_or_create_their_competition_and_show_on_trainee_and_star() {
    let n = network().await;
    let t1 = trainee(&n.app, &n.manager_a, &n.base_a, "韩冠军", 41).await;
    let t2 = trainee(&n.app, &n.manager_a, &n.base_a, "杨亚军", 42).await;
    let star = star_of(&n.app, &n.manager_a, &t1).await;
    let contest = "残疾人网络创业创新大赛";

    let first = record(
        &n.app,
        &n.manager_a,
        json!({ "competitionName": contest, "year": 2025, "organizer": "吉林省残联", "traineeId": t1, "prize": "一等奖" }),
    )
    .await;
    let same_contest = record(
        &n.app,
        &n.admin,
        json!({ "competitionName": contest, "year": 2025, "traineeId": t2, "prize": "二等奖" }),
    )
    .await;
    let next_year = record(
        &n.app,
        &n.manager_a,
        json!({ "competitionName": contest, "year": 2026, "traineeId": t1, "prize": "特等奖" }),
    )
    .await;
    let again = record(
        &n.app,
        &n.manager_a,
        json!({ "competitionName": contest, "year": 2025, "traineeId": t1, "prize": "一等奖" }),
    )
    .await;

    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(first["award"]["prize"], "一等奖");
    assert_eq!(first["award"]["trainee"]["name"], "韩冠军");
    assert_eq!(first["award"]["competition"]["organizer"], "吉林省残联");
    assert_eq!(
        same_contest["award"]["competition"]["id"],
        first["award"]["competition"]["id"]
    );
    assert_ne!(
        next_year["award"]["competition"]["id"],
        first["award"]["competition"]["id"]
    );
    assert_eq!(again["award"], json!(null));
    assert_eq!(again["userErrors"][0]["code"], "DUPLICATE");
    assert_eq!(again["userErrors"][0]["field"], json!(["input", "prize"]));

    let data = n
        .app
        .data(
            "query($t: ID!, $s: ID!) { trainee(id: $t) { awards { prize competition { year } } } star(id: $s) { awards { prize } } }",
            json!({ "t": t1, "s": star }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        data["trainee"]["awards"],
        json!([
            { "prize": "一等奖", "competition": { "year": 2025 } },
            { "prize": "特等奖", "competition": { "year": 2026 } },
        ])
    );
    assert_eq!(
        data["star"]["awards"],
        json!([{ "prize": "一等奖" }, { "prize": "特等奖" }])
    );
}

#[tokio::test]
async fn awards_are_checked_and_scoped() {
    let n = network().await;
    let t = trainee(&n.app, &n.manager_a, &n.base_a, "朱奖项", 43).await;
    let (own, _) = n
        .app
        .user_with(
            &n.admin,
            json!({ "login": "zhujx", "password": "trainee-password-123", "displayName": "朱奖项", "role": "TRAINEE", "traineeId": t }),
        )
        .await;
    record(
        &n.app,
        &n.manager_a,
        json!({ "competitionName": "直播带货实战赛", "year": 2024, "traineeId": t, "prize": "优秀奖" }),
    )
    .await;

    let foreign = record(
        &n.app,
        &n.manager_b,
        json!({ "competitionName": "直播带货实战赛", "year": 2024, "traineeId": t, "prize": "金奖" }),
    )
    .await;
    let bad = record(
        &n.app,
        &n.manager_a,
        json!({ "competitionName": " ", "year": 1800, "traineeId": t, "prize": "" }),
    )
    .await;
    let by_trainee = n
        .app
        .gql(
            RECORD,
            json!({ "i": { "competitionName": "赛", "year": 2024, "traineeId": t, "prize": "奖" } }),
            Some(&own),
        )
        .await;

    assert_eq!(foreign["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(
        foreign["userErrors"][0]["field"],
        json!(["input", "traineeId"])
    );
    let fields: Vec<&Value> = bad["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert_eq!(
        fields,
        [
            &json!(["input", "competitionName"]),
            &json!(["input", "prize"]),
            &json!(["input", "year"])
        ]
    );
    assert_eq!(crate::support::error_code(&by_trainee), "FORBIDDEN");
    let query = "query($t: ID!) { trainee(id: $t) { awards { prize } } }";
    let mine = n.app.data(query, json!({ "t": t }), Some(&own)).await;
    assert_eq!(mine["trainee"]["awards"], json!([{ "prize": "优秀奖" }]));
}
