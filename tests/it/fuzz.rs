//! Hostile input for every root field: the schema is read by introspection, and every query
//! and mutation is called, as the root ADMIN and anonymously, with each argument (and each
//! field of an input object, built with its required fields) set in turn to hostile values:
//! NUL, 100,000 characters, rare CJK, extreme numbers, malformed ids, dates, date-times and
//! decimals, empty strings, long lists, broken upload files. Nothing may answer 5xx or
//! `INTERNAL`. New fields and arguments are covered without changing this file, which is
//! long because the value generators and the walk belong together.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::support::{TestApp, id_number};

const SCHEMA_QUERY: &str = r#"
query {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
"#;

/// Marks an upload in generated variables; the number picks the file content.
const UPLOAD: &str = "\u{1}upload:";

/// Real objects for the plausible values, so a hostile value in one field meets the checks
/// behind the valid others.
struct Known {
    base: String,
    trainee: String,
    refresh_token: String,
}

struct Fuzz {
    types: Map<String, Value>,
    known: Known,
}

/// A type reference without its wrappers: its name and whether it was a list.
fn named(ty: &Value) -> &str {
    match ty["kind"].as_str() {
        Some("NON_NULL" | "LIST") => named(&ty["ofType"]),
        _ => ty["name"].as_str().unwrap_or_default(),
    }
}

/// The reference as GraphQL writes it, for a variable declaration.
fn written(ty: &Value) -> String {
    match ty["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", written(&ty["ofType"])),
        Some("LIST") => format!("[{}]", written(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap_or_default().to_owned(),
    }
}

fn required(ty: &Value) -> bool {
    ty["kind"] == "NON_NULL"
}

fn strings() -> Vec<Value> {
    vec![
        json!("\u{0}"),
        json!("a\u{0}b"),
        json!("x".repeat(100_000)),
        json!("𠀀𪚥".repeat(3)),
        json!(""),
        json!("   "),
        json!("%_\\' OR 1=1 --"),
        json!("\u{202e}\u{feff}"),
    ]
}

impl Fuzz {
    fn input_fields(&self, type_name: &str) -> Vec<Value> {
        self.types[type_name]["inputFields"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn kind(&self, type_name: &str) -> &str {
        self.types
            .get(type_name)
            .and_then(|t| t["kind"].as_str())
            .unwrap_or("SCALAR")
    }

    /// A valid-looking value for a position named `name` in `owner`.
    fn plausible(&self, ty: &Value, name: &str, owner: &str) -> Value {
        match ty["kind"].as_str() {
            Some("NON_NULL") => return self.plausible(&ty["ofType"], name, owner),
            Some("LIST") => return json!([self.plausible(&ty["ofType"], name, owner)]),
            _ => {}
        }
        let type_name = named(ty);
        match self.kind(type_name) {
            "ENUM" => self.types[type_name]["enumValues"][0]["name"].clone(),
            "INPUT_OBJECT" => {
                let mut object = Map::new();
                for field in self.input_fields(type_name) {
                    if required(&field["type"]) {
                        let field_name = field["name"].as_str().unwrap_or_default();
                        object.insert(
                            field_name.to_owned(),
                            self.plausible(&field["type"], field_name, type_name),
                        );
                    }
                }
                Value::Object(object)
            }
            _ => self.plausible_scalar(type_name, name, owner),
        }
    }

    fn plausible_scalar(&self, type_name: &str, name: &str, owner: &str) -> Value {
        let lower = name.to_ascii_lowercase();
        let owner = owner.to_ascii_lowercase();
        match type_name {
            "ID" => {
                let trainee = lower.contains("trainee")
                    || (lower == "id"
                        && ["trainee", "reveal", "service", "transfer"]
                            .iter()
                            .any(|t| owner.contains(t)));
                if trainee {
                    json!(self.known.trainee)
                } else {
                    json!(self.known.base)
                }
            }
            "Int" => json!(if lower == "first" { 10 } else { 1 }),
            "Float" => json!(1.5),
            "Boolean" => json!(true),
            "Date" => json!("2024-06-20"),
            "DateTime" => json!("2024-06-20T08:00:00Z"),
            "Decimal" => json!("12.50"),
            "Upload" => json!(format!("{UPLOAD}0")),
            _ => json!(match lower.as_str() {
                "regioncode" | "code" | "parentcode" => "220302".to_owned(),
                "login" => "fuzz-user".to_owned(),
                "password" => "fuzz-password-123".to_owned(),
                "idnumber" => id_number("220302", "19900101", 7),
                "disabilitycertificatenumber" =>
                    format!("{}11", id_number("220302", "19900101", 7)),
                "phone" | "contactphone" => "13800000000".to_owned(),
                "refreshtoken" => self.known.refresh_token.clone(),
                _ => "测试".to_owned(),
            }),
        }
    }

    /// Hostile values for a position: each a whole value for it.
    fn hostile(&self, ty: &Value, name: &str, owner: &str, depth: usize) -> Vec<Value> {
        match ty["kind"].as_str() {
            Some("NON_NULL") => return self.hostile(&ty["ofType"], name, owner, depth),
            Some("LIST") => {
                let element = &ty["ofType"];
                let mut values: Vec<Value> = self
                    .hostile(element, name, owner, depth)
                    .into_iter()
                    .map(|v| json!([v]))
                    .collect();
                let many = vec![self.plausible(element, name, owner); 2_000];
                values.push(Value::Array(many));
                values.push(json!([]));
                return values;
            }
            _ => {}
        }
        let type_name = named(ty);
        match self.kind(type_name) {
            "ENUM" => vec![json!("NOT_A_VALUE")],
            "INPUT_OBJECT" if depth < 3 => {
                let base = self.plausible(ty, name, owner);
                let mut values = Vec::new();
                for field in self.input_fields(type_name) {
                    let field_name = field["name"].as_str().unwrap_or_default();
                    for value in self.hostile(&field["type"], field_name, type_name, depth + 1) {
                        let mut object = base.clone();
                        object[field_name] = value;
                        values.push(object);
                    }
                }
                values
            }
            "INPUT_OBJECT" => Vec::new(),
            _ => match type_name {
                "Int" => vec![
                    json!(i32::MIN),
                    json!(i32::MAX),
                    json!(0),
                    json!(-1),
                    json!(i64::MAX),
                    json!(1.5),
                ],
                "Float" => vec![json!(1e308), json!(-1e308), json!(0.0), json!(5e-324)],
                "Boolean" => vec![json!(false), json!("true")],
                "ID" => {
                    let mut values = strings();
                    values.extend([
                        json!("not-an-id"),
                        json!("00000000-0000-0000-0000-000000000000"),
                        json!("ffffffff-ffff-ffff-ffff-ffffffffffff"),
                        json!(-1),
                    ]);
                    values
                }
                "Date" => vec![
                    json!(""),
                    json!("2024-02-30"),
                    json!("2024-13-01"),
                    json!("0000-01-01"),
                    json!("9999-12-31"),
                    json!("+275760-09-13"),
                    json!("𠀀"),
                    json!(20240620),
                ],
                "DateTime" => vec![
                    json!(""),
                    json!("2024-06-20T25:00:00Z"),
                    json!("0001-01-01T00:00:00+14:00"),
                    json!("9999-12-31T23:59:59-14:00"),
                    json!("2024-06-20"),
                    json!("not a time"),
                ],
                "Decimal" => vec![
                    json!(""),
                    json!("abc"),
                    json!("NaN"),
                    json!("1e400"),
                    json!("79228162514264337593543950335"),
                    json!("-79228162514264337593543950335"),
                    json!("0.0000000000000000000000000001"),
                    json!("99999999999999999999999999999999"),
                    json!(12.5),
                ],
                "Upload" => (1..UPLOAD_FILES.len())
                    .map(|i| json!(format!("{UPLOAD}{i}")))
                    .collect(),
                _ => strings(),
            },
        }
    }
}

/// Upload contents: a plausible CSV, then hostile ones.
const UPLOAD_FILES: [&[u8]; 5] = [
    "姓名,身份证号,残疾证号,居住地,同意\n".as_bytes(),
    b"",
    b"\x00\xff\xfe\x00garbage\x89PNG\r\n",
    "姓名,身份证号\n\u{0}\u{0},𠀀𪚥\n".as_bytes(),
    b"PK\x03\x04not really a spreadsheet",
];

/// One call: `operation` with `variables` (uploads marked by [`UPLOAD`]).
async fn call(
    app: &TestApp,
    token: Option<&str>,
    operation: &str,
    mut variables: Value,
) -> (StatusCode, Value) {
    let mut uploads = Vec::new();
    collect_uploads(&mut variables, "variables", &mut uploads);
    let mut request = Request::post("/graphql");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let operations = json!({ "query": operation, "variables": variables });
    let request = if uploads.is_empty() {
        request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(operations.to_string()))
    } else {
        let boundary = "fuzz-boundary";
        let map: Map<String, Value> = uploads
            .iter()
            .enumerate()
            .map(|(i, (path, _))| (i.to_string(), json!([path])))
            .collect();
        let mut body = Vec::new();
        for (name, value) in [
            ("operations", operations.to_string()),
            ("map", Value::Object(map).to_string()),
        ] {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        }
        for (i, (_, file)) in uploads.iter().enumerate() {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{i}\"; filename=\"学员.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
            body.extend(UPLOAD_FILES[*file]);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        request
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("apollo-require-preflight", "true")
            .body(Body::from(body))
    };
    let (status, _, bytes) = app.send(request.unwrap()).await;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) }));
    (status, body)
}

/// Replaces upload markers by null and notes their paths and contents.
fn collect_uploads(value: &mut Value, path: &str, uploads: &mut Vec<(String, usize)>) {
    match value {
        Value::String(text) if text.starts_with(UPLOAD) => {
            let file = text[UPLOAD.len()..].parse().unwrap_or(0);
            uploads.push((path.to_owned(), file));
            *value = Value::Null;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                collect_uploads(item, &format!("{path}.{i}"), uploads);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields.iter_mut() {
                collect_uploads(item, &format!("{path}.{name}"), uploads);
            }
        }
        _ => {}
    }
}

/// The `extensions.code` of every error, wherever the response holds errors.
fn internal_or_uncoded(body: &Value) -> Option<String> {
    let errors = body["errors"].as_array()?;
    errors
        .iter()
        .find(|e| e["extensions"]["code"] == "INTERNAL" || e["extensions"]["code"].is_null())
        .map(Value::to_string)
}

#[tokio::test]
async fn every_root_field_survives_hostile_arguments() {
    let app = TestApp::new().await;
    let (root, refresh_token) = app
        .login(crate::support::ROOT_LOGIN, crate::support::ROOT_PASSWORD)
        .await;
    let base = app.base_in(&root, "模糊测试基地", "220302").await;
    let registered = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
            json!({ "i": {
                "baseId": base, "name": "模糊", "idNumber": id_number("220302", "19900101", 7),
                "disabilityCertificateNumber": format!("{}11", id_number("220302", "19900101", 7)),
                "residence": "URBAN", "consentToSensitiveData": true } }),
            Some(&root),
        )
        .await;
    let trainee = registered["registerTrainee"]["trainee"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{registered}"))
        .to_owned();
    let schema = app.data(SCHEMA_QUERY, json!({}), Some(&root)).await;
    let types: Map<String, Value> = schema["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect();
    let fuzz = Fuzz {
        types,
        known: Known {
            base,
            trainee,
            refresh_token,
        },
    };

    let mut calls = 0;
    let mut failures = Vec::new();
    for (operation_type, root_type) in [
        (
            "query",
            schema["__schema"]["queryType"]["name"].as_str().unwrap(),
        ),
        (
            "mutation",
            schema["__schema"]["mutationType"]["name"].as_str().unwrap(),
        ),
    ] {
        let fields = fuzz.types[root_type]["fields"].as_array().unwrap().clone();
        for field in fields {
            let field_name = field["name"].as_str().unwrap();
            let args = field["args"].as_array().unwrap();
            let selection = match fuzz.kind(named(&field["type"])) {
                "OBJECT" | "INTERFACE" | "UNION" => "{ __typename }",
                _ => "",
            };
            let baseline: Map<String, Value> = args
                .iter()
                .filter(|a| required(&a["type"]))
                .map(|a| {
                    let name = a["name"].as_str().unwrap();
                    (
                        name.to_owned(),
                        fuzz.plausible(&a["type"], name, field_name),
                    )
                })
                .collect();
            let mut cases = vec![baseline.clone()];
            for arg in args {
                let name = arg["name"].as_str().unwrap();
                for value in fuzz.hostile(&arg["type"], name, field_name, 0) {
                    let mut case = baseline.clone();
                    case.insert(name.to_owned(), value);
                    cases.push(case);
                }
            }
            for case in cases {
                let declared: Vec<String> = args
                    .iter()
                    .filter(|a| case.contains_key(a["name"].as_str().unwrap()))
                    .map(|a| format!("${}: {}", a["name"].as_str().unwrap(), written(&a["type"])))
                    .collect();
                let passed: Vec<String> = args
                    .iter()
                    .map(|a| a["name"].as_str().unwrap())
                    .filter(|name| case.contains_key(*name))
                    .map(|name| format!("{name}: ${name}"))
                    .collect();
                let operation = if declared.is_empty() {
                    format!("{operation_type} {{ {field_name} {selection} }}")
                } else {
                    format!(
                        "{operation_type}({}) {{ {field_name}({}) {selection} }}",
                        declared.join(", "),
                        passed.join(", ")
                    )
                };
                for token in [Some(root.as_str()), None] {
                    calls += 1;
                    let (status, body) =
                        call(&app, token, &operation, Value::Object(case.clone())).await;
                    let caller = if token.is_some() {
                        "ADMIN"
                    } else {
                        "anonymous"
                    };
                    let shown = |v: &Value| {
                        let text = v.to_string();
                        if text.len() > 300 {
                            format!("{}…", &text[..text.floor_char_boundary(300)])
                        } else {
                            text
                        }
                    };
                    if status.is_server_error() {
                        failures.push(format!(
                            "{caller} {operation} {}: HTTP {status} {}",
                            shown(&Value::Object(case.clone())),
                            shown(&body)
                        ));
                    } else if let Some(error) = internal_or_uncoded(&body) {
                        failures.push(format!(
                            "{caller} {operation} {}: {}",
                            shown(&Value::Object(case.clone())),
                            shown(&json!(error))
                        ));
                    }
                }
            }
        }
    }

    assert!(calls > 500, "the schema was walked: {calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
