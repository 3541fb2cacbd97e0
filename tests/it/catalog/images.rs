//! Product images: accepted by their bytes, size and pixel limits, renditions, serving with
//! content type and cache headers; and the CSV export of the published catalog.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::{UPLOAD, World, encode, png, with_key};
use crate::support::{TestApp, error_code};

async fn upload(w: &World, product: &str, name: &str, bytes: &[u8]) -> Value {
    w.app
        .upload(
            &w.manager,
            UPLOAD,
            json!({ "productId": product, "file": null, "altText": "照片" }),
            name,
            bytes,
        )
        .await["data"]["uploadProductImage"]
        .clone()
}

async fn get(app: &TestApp, url: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    app.send(Request::get(url).body(Body::empty()).unwrap())
        .await
}

/// A PNG whose header claims `width` × `height` pixels, with no image data behind it.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    // An empty zlib stream: a real bomb's few kilobytes of compressed zeros would do the same.
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn images_are_judged_by_their_bytes_and_limited_in_size() {
    let w = World::with_args(&["--max-image-bytes", "60000"]).await;
    let product = w.draft("宫灯", "88").await;

    // A PNG named .jpg is a PNG.
    let payload = upload(&w, &product, "lantern.jpg", &png(64, 48)).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let image = &payload["product"]["images"][0];
    assert_eq!(image["contentType"], "image/png");
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert_eq!(image["altText"], "照片");

    // Text named .png is refused, as is a file over the limit and a broken image.
    let payload = upload(&w, &product, "lantern.png", "这不是图片".as_bytes()).await;
    assert_eq!(payload["userErrors"][0]["field"], json!(["input", "file"]));
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    let big = image::RgbImage::from_fn(200, 200, |_, _| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        image::Rgb([(x >> 16) as u8, (x >> 8) as u8, x as u8])
    });
    image::DynamicImage::ImageRgb8(big)
        .write_to(
            &mut std::io::Cursor::new(&mut noise),
            image::ImageFormat::Png,
        )
        .unwrap();
    assert!(noise.len() > 60_000);
    let payload = upload(&w, &product, "big.png", &noise).await;
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "file"]),
        "{payload}"
    );
    let mut broken = png(64, 48);
    broken.truncate(60);
    let payload = upload(&w, &product, "broken.png", &broken).await;
    assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload}");

    // A partner key cannot upload.
    let (_, key) = w.partner_with_key("吉品优选").await;
    let (_, _, body) = with_key(&w.app, &key, "mutation { archiveProduct(id: \"00000000-0000-0000-0000-000000000000\") { product { id } } }", json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let count = w
        .app
        .data(
            "query($id: ID!) { product(id: $id) { images { id } } }",
            json!({ "id": product }),
            Some(&w.manager),
        )
        .await;
    assert_eq!(
        count["product"]["images"].as_array().unwrap().len(),
        1,
        "refused uploads add nothing"
    );
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_before_decoding() {
    let w = World::new().await;
    let product = w.draft("宫灯", "88").await;
    let bomb = png_claiming(100_000, 100_000);
    assert!(bomb.len() < 120);
    let payload = upload(&w, &product, "bomb.png", &bomb).await;
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "file"]),
        "{payload}"
    );
    assert_eq!(payload["userErrors"][0]["code"], "INVALID");
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("像素")
    );
}

#[tokio::test]
async fn uploads_make_renditions_served_with_their_type_and_long_cache_headers() {
    let w = World::new().await;
    let product = w.draft("宫灯", "88").await;
    for (format, name, mime) in [
        (image::ImageFormat::Png, "a.png", "image/png"),
        (image::ImageFormat::Jpeg, "b.jpeg", "image/jpeg"),
        (image::ImageFormat::WebP, "c.webp", "image/webp"),
    ] {
        let original = encode(1000, 100, format);
        let payload = upload(&w, &product, name, &original).await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        let image = payload["product"]["images"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(image["contentType"], mime);
        let url = image["url"].as_str().unwrap();
        let thumb = image["thumb"].as_str().unwrap();
        let medium = image["medium"].as_str().unwrap();
        assert!(url != thumb && thumb != medium, "{image}");

        let (status, headers, body) = get(&w.app, url).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], mime);
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert_eq!(body, original);
        let (status, headers, small) = get(&w.app, thumb).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], mime);
        assert!(small.len() < original.len());
        let decoded = image::load_from_memory(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (240, 24));
        let decoded = image::load_from_memory(&get(&w.app, medium).await.2).unwrap();
        assert_eq!(decoded.width(), 960);
    }
    // A small image has no renditions: every size is the original.
    let payload = upload(&w, &product, "small.png", &png(100, 80)).await;
    let image = payload["product"]["images"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(image["thumb"], image["url"]);

    assert_eq!(
        get(&w.app, "/media/../../etc/passwd").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&w.app, &format!("/media/{}.png", "0".repeat(64)))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn partners_export_the_published_catalog_as_csv() {
    let w = World::new().await;
    let product = w.published("=HYPERLINK(\"x\") 黑木耳", "39.90").await;
    w.draft("草稿", "1").await;
    let (_, key) = w.partner_with_key("吉品优选").await;

    let request = |key: Option<&str>| {
        let mut r = Request::get("/catalog/products.csv");
        if let Some(key) = key {
            r = r.header("x-api-key", key);
        }
        r.body(Body::empty()).unwrap()
    };
    let (status, headers, body) = w.app.send(request(Some(&key))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = String::from_utf8(body).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "header and the published product only: {text}"
    );
    assert!(lines[0].starts_with("ID,标题,类别,价格"));
    assert!(lines[1].contains(&product));
    assert!(
        lines[1].contains("'=HYPERLINK"),
        "formulas are defused: {}",
        lines[1]
    );
    assert!(lines[1].contains("农产品") && lines[1].contains("39.90") && lines[1].contains("王**"));
    assert!(lines[1].contains("/media/"));

    assert_eq!(w.app.send(request(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.app.send(request(Some("qhk_nope"))).await.0,
        StatusCode::UNAUTHORIZED
    );
}
