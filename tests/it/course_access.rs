//! Who sees what, and what it costs: what instructors see of their trainees, the public
//! certificate check's rate limit, and the statements a nested course list runs.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::course::{Net, course, net, net_with};
use crate::course_enrollment::{VERIFY, codes, complete, enrolled, session};
use crate::support::error_code;

/// A POST of a GraphQL request from a given client address, through the router.
async fn post_from(n: &Net, address: &str, query: &str, variables: Value) -> Value {
    let mut request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(address.parse::<SocketAddr>().unwrap()));
    let response = n.app.app.router.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn certificate_checks_are_rate_limited_per_client_address() {
    let n = net_with(&["--certificate-checks-per-minute", "3"]).await;
    let vars = json!({ "n": "QH-2026-2222-2222" });
    for _ in 0..3 {
        let body = post_from(&n, "203.0.113.7:40000", VERIFY, vars.clone()).await;
        assert_eq!(body["data"]["verifyCertificate"], json!(null), "{body}");
    }
    let limited = post_from(&n, "203.0.113.7:40001", VERIFY, vars.clone()).await;
    assert_eq!(error_code(&limited), "RATE_LIMITED");
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let elsewhere = post_from(&n, "198.51.100.9:40000", VERIFY, vars).await;
    assert!(elsewhere.get("errors").is_none(), "{elsewhere}");
}

#[tokio::test]
async fn instructors_see_their_courses_trainees_without_personal_data() {
    let n = net().await;
    let mut own = course(&n.base_a, "讲师的课", "ONLINE", &["CAPTIONS"]);
    own["instructorId"] = json!(n.instructor_id);
    let own = n.open_course(&n.manager_a, own).await;
    let other = n
        .open_course(&n.manager_a, course(&n.base_a, "别人的课", "ONLINE", &[]))
        .await;
    let taught = n
        .trainee(&n.manager_a, &n.base_a, "聋人学员", "HEARING", &[])
        .await;
    let not_taught = n
        .trainee(&n.manager_a, &n.base_a, "其他学员", "HEARING", &[])
        .await;
    let taught_enrollment = enrolled(&n, &n.manager_a, &own, &taught).await;
    let other_enrollment = enrolled(&n, &n.manager_a, &other, &not_taught).await;
    enrolled(&n, &n.manager_a, &other, &taught).await;

    // Name, category and needs: yes.
    let data = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { enrollments(first: 10) { totalCount edges { node { trainee { name disabilityCategory accessibilityNeeds } } } } } }",
            json!({ "id": own }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(data["course"]["enrollments"]["totalCount"], 1);
    assert_eq!(
        data["course"]["enrollments"]["edges"][0]["node"]["trainee"],
        json!({ "name": "聋人学员", "disabilityCategory": "HEARING", "accessibilityNeeds": ["SIGN_LANGUAGE", "CAPTIONS"] })
    );
    // Personal fields: FORBIDDEN, one by one.
    for field in [
        "idNumberMasked",
        "disabilityCertificateMasked",
        "phone",
        "birthDate",
        "services { kind }",
    ] {
        let body = n
            .app
            .gql(
                &format!("query($id: ID!) {{ trainee(id: $id) {{ name {field} }} }}"),
                json!({ "id": taught }),
                Some(&n.instructor),
            )
            .await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{field}: {body}");
    }
    // The base manager still reads them.
    let manager = n
        .app
        .data(
            "query($id: ID!) { trainee(id: $id) { idNumberMasked phone } }",
            json!({ "id": taught }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(manager["trainee"]["phone"], "13912345678");
    // Through a page of enrolments, which reads its trainees joined: the same values for the
    // manager, FORBIDDEN for the instructor.
    let roster = "query($id: ID!) { course(id: $id) { enrollments(first: 10) { nodes { trainee { idNumberMasked phone } } } } }";
    let seats = n
        .app
        .data(roster, json!({ "id": own }), Some(&n.manager_a))
        .await;
    assert_eq!(
        seats["course"]["enrollments"]["nodes"][0]["trainee"],
        manager["trainee"]
    );
    let seats = n
        .app
        .gql(roster, json!({ "id": own }), Some(&n.instructor))
        .await;
    assert_eq!(error_code(&seats), "FORBIDDEN", "{seats}");
    let reveal = n
        .app
        .gql(
            "mutation($i: RevealIdentityInput!) { revealTraineeIdentity(input: $i) { idNumber userErrors { code } } }",
            json!({ "i": { "traineeId": taught, "reason": "核实身份" } }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(error_code(&reveal), "FORBIDDEN");
    // Trainees of other courses, and other courses' enrolments, are absent.
    let hidden = n
        .app
        .data(
            "query($id: ID!) { trainee(id: $id) { name } }",
            json!({ "id": not_taught }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(hidden["trainee"], json!(null));
    let list = n
        .app
        .data(
            "{ trainees { edges { node { name } } } }",
            json!({}),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(
        list["trainees"]["edges"],
        json!([{ "node": { "name": "聋人学员" } }])
    );
    let their_enrollments = n
        .app
        .data(
            "query($id: ID!) { trainee(id: $id) { enrollments { totalCount } } }",
            json!({ "id": taught }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(their_enrollments["trainee"]["enrollments"]["totalCount"], 1);
    let other_course = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { enrollments { totalCount } } }",
            json!({ "id": other }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(other_course["course"]["enrollments"]["totalCount"], 0);
    // It completes its own course's enrolments only.
    let foreign = complete(&n, &n.instructor, &other_enrollment, None).await;
    assert_eq!(
        codes(&foreign),
        [(json!(["input", "enrollmentId"]), "NOT_FOUND".to_owned())]
    );
    let own_done = complete(&n, &n.instructor, &taught_enrollment, Some(80)).await;
    assert_eq!(own_done["userErrors"], json!([]));
}

#[tokio::test]
async fn the_nested_course_list_runs_in_a_constant_number_of_statements() {
    let n = net().await;
    let mut courses = Vec::new();
    for i in 0..6 {
        let mut input = course(&n.base_a, &format!("课程{i}"), "ONLINE", &[]);
        input["instructorId"] = json!(n.instructor_id);
        let id = n.open_course(&n.manager_a, input).await;
        session(&n, &n.manager_a, &id, 1).await;
        session(&n, &n.manager_a, &id, 2).await;
        courses.push(id);
    }
    for i in 0..8 {
        let trainee = n
            .trainee(&n.manager_a, &n.base_a, &format!("学员{i}"), "MENTAL", &[])
            .await;
        for course in &courses[..(i % 6) + 1] {
            enrolled(&n, &n.manager_a, course, &trainee).await;
        }
    }
    let measured = n.app.counting(&[&n.admin]).await;
    let query = "{ courses(first: 50) { edges { node { base { name } instructor { displayName } sessions { startsAt } enrollments(first: 5) { totalCount edges { node { trainee { name } } } } } } } }";

    let before = measured.statements();
    let data = measured.data(query, json!({}), Some(&n.admin)).await;
    let statements = measured.statements() - before;

    let edges = data["courses"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 6);
    let first = &edges[0]["node"];
    assert_eq!(first["base"]["name"], "铁西基地");
    assert_eq!(first["instructor"]["displayName"], "张老师");
    assert_eq!(first["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(first["enrollments"]["totalCount"], 8);
    assert_eq!(first["enrollments"]["edges"].as_array().unwrap().len(), 5);
    assert_eq!(
        edges[5]["node"]["enrollments"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // courses, bases, instructors, sessions, enrolment pages with their trainees, their
    // counts.
    assert_eq!(statements, 6, "ran {statements} statements");

    // Asked through `nodes` and a fragment, the trainees are still read with their page.
    let query = "{ courses(first: 50) { nodes { enrollments(first: 5) { nodes { ...Seat } } } } }
        fragment Seat on Enrollment { trainee { name } }";
    let before = measured.statements();
    let data = measured.data(query, json!({}), Some(&n.admin)).await;
    let statements = measured.statements() - before;
    let seats = &data["courses"]["nodes"][0]["enrollments"]["nodes"];
    assert_eq!(seats.as_array().unwrap().len(), 5);
    assert!(
        seats[0]["trainee"]["name"]
            .as_str()
            .unwrap()
            .starts_with("学员")
    );
    assert_eq!(
        statements, 2,
        "courses, then enrolment pages with their trainees"
    );
}

/// Rows each scan of `relation` in a PostgreSQL plan produced (actual rows × loops), with
/// the node types that read it.
fn reads_of(plan: &Value, relation: &str, reads: &mut Vec<(String, f64)>) {
    if plan["Relation Name"] == relation {
        let rows = plan["Actual Rows"].as_f64().unwrap() * plan["Actual Loops"].as_f64().unwrap();
        reads.push((plan["Node Type"].as_str().unwrap().to_owned(), rows));
    }
    for child in plan["Plans"].as_array().into_iter().flatten() {
        reads_of(child, relation, reads);
    }
}

#[tokio::test]
async fn nested_enrolment_pages_read_only_the_rows_they_return() {
    use qihang::service::page::{self, Order, PageArgs};
    use sea_orm::ConnectionTrait;

    let n = net().await;
    let mut courses = Vec::new();
    for i in 0..3 {
        courses.push(
            n.open_course(
                &n.manager_a,
                course(&n.base_a, &format!("课程{i}"), "ONLINE", &[]),
            )
            .await,
        );
    }
    for i in 0..30 {
        let trainee = n
            .trainee(&n.manager_a, &n.base_a, &format!("学员{i}"), "MENTAL", &[])
            .await;
        for course in &courses {
            enrolled(&n, &n.manager_a, course, &trainee).await;
        }
    }
    // As in a real city, far more trainees in scope than a course enrols: the per-course
    // index range then beats reading every trainee, and the planner knows it.
    for i in 0..150 {
        n.trainee(&n.manager_b, &n.base_b, &format!("他人{i}"), "MENTAL", &[])
            .await;
    }
    let city_admin = crate::support::admin_actor("220300");
    let ids: Vec<uuid::Uuid> = courses.iter().map(|c| c.parse().unwrap()).collect();
    let db = &n.app.app.state.db;
    let statement = page::per_parent_statement(
        db.get_database_backend(),
        qihang::service::course::visible_enrollments(&city_admin),
        entity::enrollment::Column::CourseId,
        &ids,
        &Order::by_id(entity::enrollment::Column::Id),
        &PageArgs::Forward {
            limit: 5,
            after: None,
        },
    )
    .unwrap();
    assert!(!statement.sql.to_uppercase().contains("ROW_NUMBER"));
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE enrollment, trainee, base")
            .await
            .unwrap();
    }
    match crate::paging::explain(&n.app, statement).await {
        Ok(plan) => {
            let mut reads = Vec::new();
            reads_of(&plan, "enrollment", &mut reads);
            assert!(!reads.is_empty(), "{plan}");
            for (node, rows) in &reads {
                assert!(node.starts_with("Index"), "{node} on enrollment: {plan}");
                // A page and one row more, for each of three courses.
                assert!(*rows <= 18.0, "read {rows} enrollment rows: {plan}");
            }
        }
        Err(lines) => {
            let searches = lines
                .iter()
                .filter(|l| {
                    l.contains(
                        "SEARCH enrollment USING INDEX idx_enrollment_course_id_id (course_id=?",
                    )
                })
                .count();
            assert_eq!(searches, 3, "one index range per course: {lines:?}");
            // Each course's page is an ordered index range with a LIMIT; only the few
            // rows of the union are sorted at the end.
            assert!(
                !lines.iter().any(|l| l.starts_with("SCAN enrollment")),
                "no full scan of enrollment: {lines:?}"
            );
        }
    }
}
