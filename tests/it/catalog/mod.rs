//! The catalog: partners and API keys, products, search and paging, images, inquiries and
//! the partner's view. Shared fixtures live here.

mod images;
mod inquiries;
mod partners;
mod products;
mod search;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{TestApp, id_number};

pub const CREATE_PARTNER: &str = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id name kind } userErrors { field code message } } }";
pub const CREATE_KEY: &str = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id name prefix lastUsedAt revokedAt } secret userErrors { field code message } } }";
pub const CREATE_PRODUCT: &str = "mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id title status price currency unit stock minOrderQuantity tags origin { code } producer { id displayName } base { id } version } userErrors { field code message } } }";
pub const PUBLISH: &str = "mutation($id: ID!) { publishProduct(id: $id) { product { id status publishedAt version } userErrors { field code message } } }";
pub const UPLOAD: &str = "mutation($input: UploadProductImageInput!) { uploadProductImage(input: $input) { product { id version images { id url contentType width height altText thumb: url(size: THUMBNAIL) medium: url(size: MEDIUM) } } userErrors { field code message } } }";

/// A city ADMIN, a base with its manager, and a trainee there.
pub struct World {
    pub app: TestApp,
    pub admin: String,
    pub base: String,
    pub manager: String,
    pub trainee: String,
}

impl World {
    pub async fn new() -> World {
        Self::with_args(&[]).await
    }

    pub async fn with_args(args: &[&str]) -> World {
        let app = TestApp::with_args(args).await;
        let admin = app.admin_of("220300").await;
        let base = app
            .base_in(&admin, "四平市铁西区残疾人网络创业孵化基地", "220302")
            .await;
        let manager = app.manager_of(&admin, "catalog-manager", &[&base]).await;
        let trainee = register_trainee(&app, &manager, &base, "王小明", 1).await;
        World {
            app,
            admin,
            base,
            manager,
            trainee,
        }
    }

    /// A partner recorded by the city ADMIN, with one API key; returns (partner id, secret).
    pub async fn partner_with_key(&self, name: &str) -> (String, String) {
        let partner = create_partner(&self.app, &self.admin, name).await;
        let secret = create_key(&self.app, &self.admin, &partner).await.1;
        (partner, secret)
    }

    /// A draft product of the world's trainee; returns its id.
    pub async fn draft(&self, title: &str, price: &str) -> String {
        let data = self
            .app
            .data(
                CREATE_PRODUCT,
                json!({ "i": { "producerTraineeId": self.trainee, "title": title, "category": "AGRICULTURAL", "price": price, "unit": "袋", "stock": 10 } }),
                Some(&self.manager),
            )
            .await;
        assert_eq!(data["createProduct"]["userErrors"], json!([]), "{data}");
        data["createProduct"]["product"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A published product (with one described image); returns its id.
    pub async fn published(&self, title: &str, price: &str) -> String {
        let id = self.draft(title, price).await;
        let payload = self
            .app
            .upload(
                &self.manager,
                UPLOAD,
                json!({ "productId": id, "file": null, "altText": "产品照片" }),
                "photo.png",
                &png(300, 200),
            )
            .await;
        assert_eq!(
            payload["data"]["uploadProductImage"]["userErrors"],
            json!([]),
            "{payload}"
        );
        let data = self
            .app
            .data(PUBLISH, json!({ "id": id }), Some(&self.manager))
            .await;
        assert_eq!(data["publishProduct"]["userErrors"], json!([]), "{data}");
        id
    }
}

/// Registers a trainee at `base`; returns its id.
pub async fn register_trainee(
    app: &TestApp,
    token: &str,
    base: &str,
    name: &str,
    seq: u32,
) -> String {
    let id = id_number("220302", "19900307", seq);
    let data = app
        .data(
            "mutation($i: RegisterTraineeInput!) { registerTrainee(input: $i) { trainee { id } userErrors { field code message } } }",
            json!({ "i": {
                "baseId": base, "name": name, "idNumber": id, "disabilityCertificateNumber": format!("{id}41"),
                "residence": "RURAL", "phone": "13912345678", "consentToSensitiveData": true
            } }),
            Some(token),
        )
        .await;
    assert_eq!(data["registerTrainee"]["userErrors"], json!([]), "{data}");
    data["registerTrainee"]["trainee"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn create_partner(app: &TestApp, admin: &str, name: &str) -> String {
    let data = app
        .data(
            CREATE_PARTNER,
            json!({ "i": { "name": name, "kind": "ECOMMERCE_PLATFORM", "contactName": "李经理", "contactPhone": "0434-1234567" } }),
            Some(admin),
        )
        .await;
    assert_eq!(data["createPartner"]["userErrors"], json!([]), "{data}");
    data["createPartner"]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates a key; returns (key id, secret).
pub async fn create_key(app: &TestApp, admin: &str, partner: &str) -> (String, String) {
    let data = app
        .data(
            CREATE_KEY,
            json!({ "i": { "partnerId": partner, "name": "ERP 同步" } }),
            Some(admin),
        )
        .await;
    let payload = &data["createApiKey"];
    assert_eq!(payload["userErrors"], json!([]), "{data}");
    (
        payload["apiKey"]["id"].as_str().unwrap().to_owned(),
        payload["secret"].as_str().unwrap().to_owned(),
    )
}

/// POSTs a GraphQL operation with an `X-Api-Key` header; returns status, headers and body.
pub async fn with_key(
    app: &TestApp,
    key: &str,
    query: &str,
    variables: Value,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-api-key", key)
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap();
    let (status, headers, bytes) = app.send(request).await;
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

/// `data` of an operation sent with an API key, failing on any error.
pub async fn key_data(app: &TestApp, key: &str, query: &str, variables: Value) -> Value {
    let (status, _, body) = with_key(app, key, query, variables).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

/// A PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, image::ImageFormat::Png)
}

/// An image of the given size and format, noisy so that its encoded size follows its pixel
/// count.
pub fn encode(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let mut seed: u32 = width ^ height.rotate_left(16);
    let image = image::RgbImage::from_fn(width, height, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        image::Rgb([(seed >> 16) as u8, (seed >> 8) as u8, seed as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}
