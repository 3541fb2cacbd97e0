//! Enrolment under concurrency, attendance, completion, certificates and training
//! person-times. Long because each test tells one end-to-end story on the shared fixture.

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::course::{Net, course, net};
use crate::support::error_code;

pub const ENROLL: &str = "mutation($i: EnrollInput!) { enroll(input: $i) { enrollment { id status attendedSessions course { seatsTaken } trainee { name } } userErrors { field code message } } }";
const ATTEND: &str = "mutation($i: RecordAttendanceInput!) { recordAttendance(input: $i) { recorded userErrors { field code message } } }";
pub const COMPLETE: &str = "mutation($i: CompleteEnrollmentInput!) { completeEnrollment(input: $i) { enrollment { status score completedAt certificateNumber attendedSessions } userErrors { field code message } } }";
const DROP: &str = "mutation($i: DropEnrollmentInput!) { dropEnrollment(input: $i) { enrollment { status course { seatsTaken } } userErrors { field code message } } }";
pub const VERIFY: &str = "query($n: String!) { verifyCertificate(number: $n) { certificateNumber courseTitle category baseName hours completedOn holderName } }";

pub fn codes(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

async fn enroll(n: &Net, token: &str, course: &str, trainee: &str) -> Value {
    n.app
        .data(
            ENROLL,
            json!({ "i": { "courseId": course, "traineeId": trainee } }),
            Some(token),
        )
        .await["enroll"]
        .clone()
}

pub async fn enrolled(n: &Net, token: &str, course: &str, trainee: &str) -> String {
    let payload = enroll(n, token, course, trainee).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["enrollment"]["id"].as_str().unwrap().to_owned()
}

pub async fn complete(n: &Net, token: &str, enrollment: &str, score: Option<i32>) -> Value {
    n.app
        .data(
            COMPLETE,
            json!({ "i": { "enrollmentId": enrollment, "score": score } }),
            Some(token),
        )
        .await["completeEnrollment"]
        .clone()
}

pub async fn session(n: &Net, token: &str, course: &str, day: u32) -> String {
    let data = n
        .app
        .data(
            crate::course::ADD_SESSION,
            json!({ "i": { "courseId": course, "startsAt": format!("2026-12-{day:02}T01:00:00Z"), "endsAt": format!("2026-12-{day:02}T03:00:00Z") } }),
            Some(token),
        )
        .await;
    assert_eq!(data["addCourseSession"]["userErrors"], json!([]), "{data}");
    data["addCourseSession"]["session"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Sends one `enroll` as the base A manager on its own task, so that requests really run at
/// the same time.
fn spawn_enroll(n: &Net, course: &str, trainee: &str) -> tokio::task::JoinHandle<Value> {
    let router = n.app.app.router.clone();
    let token = n.manager_a.clone();
    let body = json!({ "query": ENROLL, "variables": { "i": { "courseId": course, "traineeId": trainee } } });
    tokio::spawn(async move {
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_enrolments_never_exceed_capacity() {
    let n = net().await;
    let mut input = course(&n.base_a, "客服培训", "ONLINE", &[]);
    input["capacity"] = json!(25);
    let course_id = n.open_course(&n.manager_a, input).await;
    let mut trainees = Vec::new();
    for i in 0..40 {
        trainees.push(
            n.trainee(
                &n.manager_a,
                &n.base_a,
                &format!("学员{i}"),
                "PHYSICAL",
                &[],
            )
            .await,
        );
    }

    let tasks: Vec<_> = trainees
        .iter()
        .map(|trainee| spawn_enroll(&n, &course_id, trainee))
        .collect();
    let (mut succeeded, mut full) = (0, 0);
    for task in tasks {
        let body = task.await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        let payload = &body["data"]["enroll"];
        match payload["userErrors"].as_array().unwrap().as_slice() {
            [] => succeeded += 1,
            [error] if error["code"] == "CAPACITY_REACHED" => full += 1,
            other => panic!("unexpected result: {other:?}"),
        }
    }
    assert_eq!((succeeded, full), (25, 15));
    let data = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { seatsTaken capacity enrollments(first: 100) { totalCount } } }",
            json!({ "id": course_id }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(data["course"]["seatsTaken"], 25);
    assert_eq!(data["course"]["enrollments"]["totalCount"], 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_enrolments_of_one_trainee_take_one_seat() {
    let n = net().await;
    let course_id = n
        .open_course(&n.manager_a, course(&n.base_a, "网店客服", "ONLINE", &[]))
        .await;
    let trainee = n
        .trainee(&n.manager_a, &n.base_a, "王小明", "PHYSICAL", &[])
        .await;
    let tasks: Vec<_> = (0..10)
        .map(|_| spawn_enroll(&n, &course_id, &trainee))
        .collect();
    let mut codes_seen = Vec::new();
    for task in tasks {
        let body = task.await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        let errors = body["data"]["enroll"]["userErrors"]
            .as_array()
            .unwrap()
            .clone();
        codes_seen.push(match errors.as_slice() {
            [] => "OK".to_owned(),
            [error] => format!(
                "{}:{}",
                error["field"][1].as_str().unwrap(),
                error["code"].as_str().unwrap()
            ),
            other => panic!("unexpected result: {other:?}"),
        });
    }
    codes_seen.sort();
    let mut expected = vec!["traineeId:DUPLICATE".to_owned(); 9];
    expected.push("OK".to_owned());
    expected.sort();
    assert_eq!(codes_seen, expected);
    let data = n
        .app
        .data(
            "query($id: ID!) { course(id: $id) { seatsTaken } }",
            json!({ "id": course_id }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(data["course"]["seatsTaken"], 1);
}

#[tokio::test]
async fn enrolment_rules_duplicates_and_dropping() {
    let n = net().await;
    let mut input = course(&n.base_a, "数据标注", "ONLINE", &[]);
    input["capacity"] = json!(1);
    let course_id = n.open_course(&n.manager_a, input).await;
    let first = n
        .trainee(&n.manager_a, &n.base_a, "王小明", "VISUAL", &[])
        .await;
    let second = n
        .trainee(&n.manager_a, &n.base_a, "李四", "VISUAL", &[])
        .await;
    let at_b = n
        .trainee(&n.manager_b, &n.base_b, "赵五", "VISUAL", &[])
        .await;

    let ok = enroll(&n, &n.manager_a, &course_id, &first).await;
    assert_eq!(ok["userErrors"], json!([]));
    assert_eq!(ok["enrollment"]["status"], "ENROLLED");
    assert_eq!(ok["enrollment"]["course"]["seatsTaken"], 1);
    assert_eq!(ok["enrollment"]["trainee"]["name"], "王小明");
    let enrollment = ok["enrollment"]["id"].as_str().unwrap().to_owned();
    for (case, token, trainee, field, code) in [
        ("twice", &n.manager_a, &first, "traineeId", "DUPLICATE"),
        (
            "full",
            &n.manager_a,
            &second,
            "courseId",
            "CAPACITY_REACHED",
        ),
        (
            "another base's trainee",
            &n.manager_b,
            &at_b,
            "courseId",
            "INVALID",
        ),
        (
            "a trainee out of scope",
            &n.manager_b,
            &first,
            "traineeId",
            "NOT_FOUND",
        ),
    ] {
        let refused = enroll(&n, token, &course_id, trainee).await;
        assert_eq!(
            codes(&refused),
            [(json!(["input", field]), code.to_owned())],
            "{case}"
        );
    }
    // Dropping frees the seat; a dropped enrolment cannot be dropped again.
    let dropped = n
        .app
        .data(
            DROP,
            json!({ "i": { "enrollmentId": enrollment, "reason": "时间冲突" } }),
            Some(&n.manager_a),
        )
        .await["dropEnrollment"]
        .clone();
    assert_eq!(dropped["enrollment"]["status"], "DROPPED");
    assert_eq!(dropped["enrollment"]["course"]["seatsTaken"], 0);
    let again = n
        .app
        .data(
            DROP,
            json!({ "i": { "enrollmentId": enrollment } }),
            Some(&n.manager_a),
        )
        .await["dropEnrollment"]
        .clone();
    assert_eq!(
        codes(&again),
        [(json!(["input", "enrollmentId"]), "INVALID_STATE".to_owned())]
    );
    let freed = enroll(&n, &n.manager_a, &course_id, &second).await;
    assert_eq!(freed["userErrors"], json!([]));
    // A DRAFT course takes nobody; an instructor enrols nobody.
    let draft = n
        .create(&n.manager_a, course(&n.base_a, "草稿", "ONLINE", &[]))
        .await["course"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = enroll(&n, &n.manager_a, &draft, &first).await;
    assert_eq!(
        codes(&refused),
        [(json!(["input", "courseId"]), "INVALID_STATE".to_owned())]
    );
    let body = n
        .app
        .gql(
            ENROLL,
            json!({ "i": { "courseId": course_id, "traineeId": first } }),
            Some(&n.instructor),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn a_trainee_enrols_itself_in_a_network_wide_course() {
    let n = net().await;
    let network = n
        .open_course(
            &n.admin,
            json!({ "title": "数字素养（全网）", "category": "DIGITAL_LITERACY", "deliveryMode": "ONLINE", "hours": 8 }),
        )
        .await;
    let me = n
        .trainee(&n.manager_b, &n.base_b, "孙六", "SPEECH", &[])
        .await;
    let someone = n
        .trainee(&n.manager_b, &n.base_b, "周七", "SPEECH", &[])
        .await;
    let (token, _) = n
        .app
        .user_with(
            &n.admin,
            json!({ "login": "sunliu", "password": "trainee-password-123", "displayName": "孙六", "role": "TRAINEE", "traineeId": me }),
        )
        .await;
    let mine = enroll(&n, &token, &network, &me).await;
    assert_eq!(mine["userErrors"], json!([]), "{mine}");
    let other = enroll(&n, &token, &network, &someone).await;
    assert_eq!(
        codes(&other),
        [(json!(["input", "traineeId"]), "NOT_FOUND".to_owned())]
    );
    let data = n
        .app
        .data(
            "query($id: ID!) { trainee(id: $id) { enrollments(first: 5) { totalCount edges { node { status course { title base { id } } } } } } }",
            json!({ "id": me }),
            Some(&token),
        )
        .await;
    let enrollments = &data["trainee"]["enrollments"];
    assert_eq!(enrollments["totalCount"], 1);
    assert_eq!(
        enrollments["edges"][0]["node"]["course"],
        json!({ "title": "数字素养（全网）", "base": null })
    );
}

#[tokio::test]
async fn attendance_counts_once_and_completion_issues_one_unique_certificate() {
    let n = net().await;
    let mut input = course(&n.base_a, "有声读物配音", "ONLINE", &["AUDIO_DESCRIPTION"]);
    input["instructorId"] = json!(n.instructor_id);
    let course_id = n.open_course(&n.manager_a, input).await;
    let mut trainees = Vec::new();
    for name in ["王小明", "李四", "欧阳小明"] {
        trainees.push(
            n.trainee(&n.manager_a, &n.base_a, name, "VISUAL", &["VOICE_WORK"])
                .await,
        );
    }
    let outsider = n
        .trainee(&n.manager_a, &n.base_a, "未报名", "VISUAL", &[])
        .await;
    let mut enrollments = Vec::new();
    for trainee in &trainees {
        enrollments.push(enrolled(&n, &n.manager_a, &course_id, trainee).await);
    }
    let first_session = session(&n, &n.instructor, &course_id, 1).await;
    let second_session = session(&n, &n.instructor, &course_id, 2).await;

    // A malformed id is the caller's mistake: nothing is recorded.
    let attend =
        |session: &str, ids: Vec<&str>| json!({ "i": { "sessionId": session, "traineeIds": ids } });
    let malformed = n
        .app
        .data(
            ATTEND,
            attend(&first_session, vec![&trainees[0], "not-an-id"]),
            Some(&n.instructor),
        )
        .await["recordAttendance"]
        .clone();
    assert_eq!(malformed["recorded"], 0);
    assert_eq!(
        codes(&malformed),
        [(json!(["input", "traineeIds", "1"]), "INVALID".to_owned())]
    );
    // The instructor records attendance; the outsider is reported by position.
    let recorded = n
        .app
        .data(
            ATTEND,
            attend(&first_session, vec![&trainees[0], &trainees[1], &outsider]),
            Some(&n.instructor),
        )
        .await["recordAttendance"]
        .clone();
    assert_eq!(recorded["recorded"], 2);
    assert_eq!(
        codes(&recorded),
        [(json!(["input", "traineeIds", "2"]), "NOT_FOUND".to_owned())]
    );
    // The same session again counts once.
    let again = n
        .app
        .data(
            ATTEND,
            attend(&first_session, vec![&trainees[0], &trainees[0]]),
            Some(&n.manager_a),
        )
        .await["recordAttendance"]
        .clone();
    assert_eq!(again["recorded"], 1);
    assert_eq!(again["userErrors"], json!([]));
    n.app
        .data(
            ATTEND,
            attend(&second_session, vec![&trainees[0]]),
            Some(&n.instructor),
        )
        .await;
    // Nobody enrolled in the list: nothing recorded.
    let none = n
        .app
        .data(
            ATTEND,
            attend(&second_session, vec![&outsider]),
            Some(&n.instructor),
        )
        .await["recordAttendance"]
        .clone();
    assert_eq!(none["recorded"], 0);
    // Another base's manager cannot see the session.
    let foreign = n
        .app
        .data(
            ATTEND,
            attend(&first_session, vec![&trainees[0]]),
            Some(&n.manager_b),
        )
        .await["recordAttendance"]
        .clone();
    assert_eq!(
        codes(&foreign),
        [(json!(["input", "sessionId"]), "NOT_FOUND".to_owned())]
    );

    // Completion: a score out of range is refused, then once only.
    let bad = complete(&n, &n.instructor, &enrollments[0], Some(101)).await;
    assert_eq!(
        codes(&bad),
        [(json!(["input", "score"]), "INVALID".to_owned())]
    );
    let done = complete(&n, &n.instructor, &enrollments[0], Some(92)).await;
    assert_eq!(done["userErrors"], json!([]), "{done}");
    let e = &done["enrollment"];
    assert_eq!(e["status"], "COMPLETED");
    assert_eq!(e["score"], 92);
    assert_eq!(e["attendedSessions"], 2);
    assert!(e["completedAt"].is_string());
    let twice = complete(&n, &n.instructor, &enrollments[0], Some(95)).await;
    assert_eq!(
        codes(&twice),
        [(json!(["input", "enrollmentId"]), "INVALID_STATE".to_owned())]
    );
    let mut numbers = vec![e["certificateNumber"].as_str().unwrap().to_owned()];
    for enrollment in &enrollments[1..] {
        let done = complete(&n, &n.manager_a, enrollment, None).await;
        assert_eq!(done["userErrors"], json!([]));
        numbers.push(
            done["enrollment"]["certificateNumber"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let year = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y")
        .to_string();
    for number in &numbers {
        let parts: Vec<&str> = number.split('-').collect();
        assert_eq!(parts.len(), 4, "{number}");
        assert_eq!(parts[0], "QH");
        assert_eq!(parts[1], year);
        assert!(
            parts[2..].iter().all(|p| p.len() == 4
                && p.chars()
                    .all(|c| "23456789ABCDEFGHJKMNPQRSTWXYZ".contains(c))),
            "{number}"
        );
    }
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), numbers.len());
    // A completed enrolment cannot be dropped.
    let drop = n
        .app
        .data(
            DROP,
            json!({ "i": { "enrollmentId": enrollments[0] } }),
            Some(&n.manager_a),
        )
        .await["dropEnrollment"]
        .clone();
    assert_eq!(
        codes(&drop),
        [(json!(["input", "enrollmentId"]), "INVALID_STATE".to_owned())]
    );

    // Anyone can check a certificate: the training and a masked name, nothing more.
    let check = n
        .app
        .data(VERIFY, json!({ "n": numbers[0].to_lowercase() }), None)
        .await;
    assert_eq!(
        check["verifyCertificate"],
        json!({
            "certificateNumber": numbers[0], "courseTitle": "有声读物配音", "category": "SHORT_VIDEO",
            "baseName": "铁西基地", "hours": 24,
            "completedOn": chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).format("%Y-%m-%d").to_string(),
            "holderName": "王*明"
        })
    );
    let other = n.app.data(VERIFY, json!({ "n": numbers[2] }), None).await;
    assert_eq!(other["verifyCertificate"]["holderName"], "欧**明");
    let unknown = n
        .app
        .data(VERIFY, json!({ "n": "QH-2026-2222-2222" }), None)
        .await;
    assert_eq!(unknown["verifyCertificate"], json!(null));
}

#[tokio::test]
async fn training_person_times_count_completions_by_year_and_region() {
    use qihang::auth::RegionScope;
    use qihang::service::course::report::training_person_times;

    let n = net().await;
    let at_a = n
        .open_course(&n.manager_a, course(&n.base_a, "铁西课程", "ONLINE", &[]))
        .await;
    let at_b = n
        .open_course(&n.manager_b, course(&n.base_b, "铁东课程", "ONLINE", &[]))
        .await;
    let network = n
        .open_course(
            &n.admin,
            json!({ "title": "全网课程", "category": "ENTREPRENEURSHIP", "deliveryMode": "ONLINE", "hours": 4 }),
        )
        .await;
    let person = n
        .trainee(&n.manager_a, &n.base_a, "王小明", "MENTAL", &[])
        .await;
    let neighbour = n
        .trainee(&n.manager_b, &n.base_b, "李四", "MENTAL", &[])
        .await;
    // One person finishing two courses counts twice; an unfinished one not at all.
    for course in [&at_a, &network] {
        let e = enrolled(&n, &n.manager_a, course, &person).await;
        assert_eq!(
            complete(&n, &n.admin, &e, None).await["userErrors"],
            json!([])
        );
    }
    let e = enrolled(&n, &n.manager_b, &at_b, &neighbour).await;
    assert_eq!(
        complete(&n, &n.manager_b, &e, None).await["userErrors"],
        json!([])
    );
    enrolled(&n, &n.manager_b, &network, &neighbour).await;

    let db = &n.app.app.state.db;
    let year = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    let count = |code: Option<&'static str>, year: i32| async move {
        training_person_times(db, &RegionScope::of(code), year)
            .await
            .unwrap()
    };
    assert_eq!(count(Some("220302"), year).await, 2);
    assert_eq!(count(Some("220303"), year).await, 1);
    assert_eq!(count(Some("220300"), year).await, 3);
    assert_eq!(count(Some("220000"), year).await, 3);
    assert_eq!(count(None, year).await, 3);
    assert_eq!(count(Some("210000"), year).await, 0);
    assert_eq!(count(Some("220300"), year - 1).await, 0);
}

/// Enrolments, trainees and service records that lists read by position (`service::columns`),
/// alone or joined, come out as the entities read by sea-orm do, NULL and set columns alike.
#[tokio::test]
async fn rows_read_by_position_match_the_entities() {
    use entity::{course, enrollment, service_record, trainee};
    use qihang::service::course::{PagedEnrollment, WithTrainees};
    use qihang::service::page::PageArgs;
    use qihang::service::trainee::{TraineeColumns, TraineeRow};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let n = net().await;
    let course_id = n
        .open_course(&n.manager_a, course(&n.base_a, "网店运营", "ONLINE", &[]))
        .await;
    let mut enrollment_ids = Vec::new();
    let mut trainee_ids = Vec::new();
    for name in ["王芳", "李娜", "张伟"] {
        let trainee = n
            .trainee(&n.manager_a, &n.base_a, name, "HEARING", &[])
            .await;
        enrollment_ids.push(enrolled(&n, &n.manager_a, &course_id, &trainee).await);
        trainee_ids.push(trainee.parse::<uuid::Uuid>().unwrap());
    }
    let done = complete(&n, &n.manager_a, &enrollment_ids[0], Some(88)).await;
    assert_eq!(done["userErrors"], json!([]), "{done}");
    let dropped = n
        .app
        .data(
            DROP,
            json!({ "i": { "enrollmentId": enrollment_ids[1], "reason": "身体原因" } }),
            Some(&n.manager_a),
        )
        .await;
    assert_eq!(
        dropped["dropEnrollment"]["userErrors"],
        json!([]),
        "{dropped}"
    );

    let admin = crate::support::admin_actor("220000");
    let db = &n.app.app.state.db;
    let course_id: uuid::Uuid = course_id.parse().unwrap();
    let args = PageArgs::Forward {
        limit: 10,
        after: None,
    };
    let admin = &admin;
    let args = &args;
    let page = |with_trainees| async move {
        qihang::service::course::enrollments_per_course(
            db,
            admin,
            &[course_id],
            args,
            with_trainees,
        )
        .await
        .unwrap()
        .remove(&course_id)
        .unwrap()
        .items
    };
    let alone = page(WithTrainees::No).await;
    let joined = page(WithTrainees::Yes(TraineeColumns::WithPersonal)).await;
    let joined_public = page(WithTrainees::Yes(TraineeColumns::Public)).await;
    let stored = enrollment::Entity::find()
        .filter(enrollment::Column::CourseId.eq(course_id))
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored[0].completed_at.is_some() && stored[0].score == Some(88));
    assert!(stored[1].drop_reason.is_some() && stored[1].completed_at.is_none());
    let enrollments = |paged: &[PagedEnrollment]| -> Vec<enrollment::Model> {
        paged.iter().map(|p| p.enrollment.clone()).collect()
    };
    assert_eq!(enrollments(&alone), stored);
    assert_eq!(enrollments(&joined), stored);
    assert_eq!(enrollments(&joined_public), stored);
    assert!(alone.iter().all(|p| p.trainee.is_none()));
    for (paged, paged_public) in joined.iter().zip(&joined_public) {
        let trainee = trainee::Entity::find_by_id(paged.enrollment.trainee_id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let full = TraineeRow::from(trainee);
        assert_eq!(paged.trainee.as_deref(), Some(&full));
        let public = TraineeRow {
            personal: None,
            ..full
        };
        assert_eq!(paged_public.trainee.as_deref(), Some(&public));
    }

    let rows = qihang::service::trainee::by_ids(db, admin, &trainee_ids)
        .await
        .unwrap();
    let stored = trainee::Entity::find()
        .filter(trainee::Column::Id.is_in(trainee_ids.clone()))
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored[0].phone_enc.is_some() && stored[0].education.is_none());
    for model in stored {
        assert_eq!(rows[&model.id], TraineeRow::from(model));
    }

    for (kind, notes) in [
        ("INFO_VERIFICATION", None),
        ("EMPLOYMENT_SERVICE", Some("推荐到客服岗位")),
    ] {
        let service = json!({ "traineeId": trainee_ids[0], "kind": kind, "date": "2026-03-02",
            "notes": notes });
        let data = n
            .app
            .data(
                "mutation($i: RecordServiceInput!) { recordService(input: $i) { userErrors { field code message } } }",
                json!({ "i": service }),
                Some(&n.manager_a),
            )
            .await;
        assert_eq!(data["recordService"]["userErrors"], json!([]), "{data}");
    }
    let read = qihang::service::trainee::employment::of_trainees(db, &trainee_ids)
        .await
        .unwrap();
    let stored = service_record::Entity::find()
        .order_by_asc(service_record::Column::Id)
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored[0].notes.is_none() && stored[1].notes.is_some());
    assert_eq!(read[&trainee_ids[0]], stored);
    assert_eq!(read.len(), 1);

    let mut detailed = course(&n.base_a, "直播带货", "OFFLINE", &["WHEELCHAIR_ACCESSIBLE"]);
    detailed["description"] = json!("从选品到开播的全流程");
    detailed["instructorId"] = json!(n.instructor_id);
    detailed["capacity"] = json!(30);
    detailed["startsOn"] = json!("2026-03-01");
    detailed["endsOn"] = json!("2026-04-30");
    let detailed: uuid::Uuid = n.open_course(&n.manager_a, detailed).await.parse().unwrap();
    let base_id: uuid::Uuid = n.base_a.parse().unwrap();
    let stored = course::Entity::find()
        .filter(course::Column::BaseId.eq(base_id))
        .order_by_asc(course::Column::Id)
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored[0].description.is_none() && stored[0].capacity.is_none());
    assert!(stored[1].description.is_some() && stored[1].starts_on.is_some());
    let filter = qihang::service::course::CourseFilter {
        base_id: Some(base_id),
        ..Default::default()
    };
    let listed = qihang::service::course::list(db, admin, &filter, args)
        .await
        .unwrap();
    assert_eq!(listed.items, stored);
    let per_base = qihang::service::course::courses_per_base(db, admin, &[base_id], args)
        .await
        .unwrap();
    assert_eq!(per_base[&base_id].items, stored);
    let by_id = qihang::service::course::by_ids(db, &[course_id, detailed])
        .await
        .unwrap();
    assert_eq!(by_id.len(), 2);
    for model in &stored {
        assert_eq!(&by_id[&model.id], model);
    }
}
