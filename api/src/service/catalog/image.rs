//! Product images: accepted by their bytes (JPEG, PNG, WebP), bounded in size and pixel
//! count, decoded and resized off the async workers, stored by content hash.

use std::io::Cursor;

use entity::{product, product_image};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::media::MediaStore;
use super::product::{for_change, touch};
use crate::auth::Actor;
use crate::error::AppError;
use crate::service::write::write;
use crate::service::{Problems, ServiceResult, UserError, UserErrorCode, now, validate};

/// Width of the list-size rendition.
pub const THUMBNAIL_WIDTH: u32 = 240;
/// Width of the detail-size rendition.
pub const MEDIUM_WIDTH: u32 = 960;
/// Most images per product.
const MAX_IMAGES: u64 = 20;

/// The formats accepted, told apart by their first bytes (never by the file name).
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn extension(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        _ => "jpg",
    }
}

/// Why an image was refused after its type was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// More pixels than allowed (or dimensions of 0).
    TooManyPixels,
    /// The file cannot be decoded.
    Unreadable,
}

/// A decoded image with its resized copies.
#[derive(Debug)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    /// (width, encoded bytes) of each rendition narrower than the original.
    pub renditions: Vec<(u32, Vec<u8>)>,
}

/// Reads the dimensions from the header, refuses more than `max_pixels` before decoding
/// anything (a tiny file can claim 100000 × 100000 pixels), then decodes under matching
/// limits and makes the renditions in the original's format. CPU-bound: run it on the
/// blocking pool.
pub fn process(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<Processed, Refusal> {
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| Refusal::Unreadable)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 || pixels > max_pixels {
        return Err(Refusal::TooManyPixels);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Four bytes per pixel, twice over for the decoder's working copy.
    limits.max_alloc = Some(pixels.saturating_mul(8).max(1 << 20));
    reader.limits(limits);
    let image = reader.decode().map_err(|_| Refusal::Unreadable)?;
    let mut renditions = Vec::new();
    for target in [THUMBNAIL_WIDTH, MEDIUM_WIDTH] {
        if target < width {
            let resized = image.resize(target, u32::MAX, image::imageops::FilterType::Triangle);
            renditions.push((target, encode(&resized, format)?));
        }
    }
    Ok(Processed {
        width,
        height,
        renditions,
    })
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, Refusal> {
    let mut out = Cursor::new(Vec::new());
    let result = match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85)),
        // The WebP encoder takes 8-bit RGB(A) only.
        ImageFormat::WebP => DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, format),
        _ => image.write_to(&mut out, format),
    };
    result.map_err(|_| Refusal::Unreadable)?;
    Ok(out.into_inner())
}

/// The store key of an image at `width` (None = the original).
pub fn key(image: &product_image::Model, width: Option<u32>) -> String {
    let ext = match image.content_type.as_str() {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    };
    let stored = width.filter(|w| {
        image
            .renditions
            .split(',')
            .any(|r| r.parse::<u32>().ok() == Some(*w))
    });
    match stored {
        Some(w) => format!("{}-{w}.{ext}", image.content_hash),
        // A rendition wider than the original was not made: the original serves.
        None => format!("{}.{ext}", image.content_hash),
    }
}

/// Where an image is served (relative to the API's address).
pub fn url(image: &product_image::Model, width: Option<u32>) -> String {
    format!("/media/{}", key(image, width))
}

/// An uploaded file as the transport received it.
pub struct Upload {
    pub bytes: Vec<u8>,
}

/// Limits an upload must meet.
#[derive(Debug, Clone, Copy)]
pub struct ImageLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

fn file_problem(message: impl Into<String>) -> UserError {
    UserError::input("file", UserErrorCode::Invalid, message)
}

/// Adds an image to a product the caller manages. The file must be JPEG, PNG or WebP by its
/// bytes, at most `max_bytes` and `max_pixels`; otherwise an `INVALID` on `input.file`.
pub async fn upload(
    db: &DatabaseConnection,
    store: &dyn MediaStore,
    limits: ImageLimits,
    actor: &Actor,
    product_id: Uuid,
    file: Upload,
    alt_text: Option<String>,
) -> ServiceResult<product::Model> {
    // Scope first: nobody learns anything about a file for a product out of reach.
    for_change(db, actor, product_id, "productId").await?;
    let mut problems = Problems::default();
    let alt_text = validate::optional_text(&mut problems, "altText", alt_text.as_deref(), 300);
    problems.into_result()?;
    if file.bytes.len() > limits.max_bytes {
        return Err(file_problem(format!("图片不能超过 {} KB", limits.max_bytes / 1024)).into());
    }
    let Some(format) = sniff(&file.bytes) else {
        return Err(file_problem("只接受 JPEG、PNG 或 WebP 格式的图片").into());
    };
    let bytes = file.bytes;
    let (bytes, processed) = tokio::task::spawn_blocking(move || {
        let processed = process(&bytes, format, limits.max_pixels);
        (bytes, processed)
    })
    .await
    .map_err(AppError::internal)?;
    let processed = processed.map_err(|refusal| match refusal {
        Refusal::TooManyPixels => file_problem(format!(
            "图片像素过多（最多 {} 万像素）",
            limits.max_pixels / 10_000
        )),
        Refusal::Unreadable => file_problem("图片文件已损坏或无法读取"),
    })?;
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ext = extension(format);
    let byte_size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    store
        .put(format!("{hash}.{ext}"), bytes)
        .await
        .map_err(AppError::internal)?;
    let mut widths = Vec::new();
    for (width, encoded) in processed.renditions {
        store
            .put(format!("{hash}-{width}.{ext}"), encoded)
            .await
            .map_err(AppError::internal)?;
        widths.push(width.to_string());
    }

    write(db)
        .run(async |txn| {
            let existing = for_change(txn, actor, product_id, "productId").await?;
            let count = product_image::Entity::find()
                .filter(product_image::Column::ProductId.eq(product_id))
                .count(txn)
                .await?;
            if count >= MAX_IMAGES {
                return Err(file_problem(format!("每个产品最多 {MAX_IMAGES} 张图片")).into());
            }
            product_image::ActiveModel {
                id: Set(Uuid::now_v7()),
                product_id: Set(product_id),
                content_hash: Set(hash),
                content_type: Set(format.to_mime_type().to_owned()),
                width: Set(i32::try_from(processed.width).unwrap_or(i32::MAX)),
                height: Set(i32::try_from(processed.height).unwrap_or(i32::MAX)),
                byte_size: Set(byte_size),
                renditions: Set(widths.join(",")),
                alt_text: Set(alt_text.flatten()),
                position: Set(i32::try_from(count).unwrap_or(i32::MAX)),
                created_at: Set(now()),
            }
            .insert(txn)
            .await?;
            let saved = touch(txn, &existing).await?;
            Ok(saved)
        })
        .await
}

/// What `updateProductImage` changes.
#[derive(Debug, Clone)]
pub struct ImageChanges {
    pub id: Uuid,
    pub alt_text: Option<String>,
}

/// Sets an image's alt text (blank removes it) on a product the caller manages.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: ImageChanges,
) -> ServiceResult<product::Model> {
    let mut problems = Problems::default();
    let alt_text =
        validate::optional_text(&mut problems, "altText", changes.alt_text.as_deref(), 300);
    problems.into_result()?;
    write(db)
        .run(async |txn| {
            let not_found = || UserError::input("id", UserErrorCode::NotFound, "图片不存在");
            let Some(image) = product_image::Entity::find_by_id(changes.id)
                .one(txn)
                .await?
            else {
                return Err(not_found().into());
            };
            let existing = for_change(txn, actor, image.product_id, "id").await?;
            let mut model: product_image::ActiveModel = image.into();
            model.alt_text = Set(alt_text.flatten());
            model.update(txn).await?;
            let saved = touch(txn, &existing).await?;
            Ok(saved)
        })
        .await
}

/// Removes an image from a product the caller manages (the stored file stays: another
/// image may share its content). A PUBLISHED product keeps at least one image.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
) -> ServiceResult<product::Model> {
    write(db)
        .run(async |txn| {
            let not_found = || UserError::input("id", UserErrorCode::NotFound, "图片不存在");
            let Some(image) = product_image::Entity::find_by_id(id).one(txn).await? else {
                return Err(not_found().into());
            };
            let existing = for_change(txn, actor, image.product_id, "id").await?;
            let remaining = product_image::Entity::find()
                .filter(product_image::Column::ProductId.eq(existing.id))
                .count(txn)
                .await?;
            if existing.status == entity::ProductStatus::Published && remaining <= 1 {
                return Err(UserError::input(
                    "id",
                    UserErrorCode::InvalidState,
                    "已发布的产品须保留至少一张图片",
                )
                .into());
            }
            product_image::Entity::delete_by_id(id).exec(txn).await?;
            let saved = touch(txn, &existing).await?;
            Ok(saved)
        })
        .await
}

/// The images of each product, in order, for the images loader.
pub async fn of_products(
    db: &impl sea_orm::ConnectionTrait,
    product_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<product_image::Model>>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let rows = product_image::Entity::find()
        .filter(product_image::Column::ProductId.is_in(product_ids.iter().copied()))
        .order_by_asc(product_image::Column::ProductId)
        .order_by_asc(product_image::Column::Position)
        .all(db)
        .await?;
    let mut by_product: std::collections::HashMap<Uuid, Vec<product_image::Model>> =
        std::collections::HashMap::new();
    for row in rows {
        by_product.entry(row.product_id).or_default().push(row);
    }
    Ok(by_product)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(ImageFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        assert_eq!(sniff(b"hello, I am text"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn renditions_keep_the_format_and_shrink() {
        let image = DynamicImage::new_rgb8(1200, 600);
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, ImageFormat::Png).unwrap();
        let processed = process(png.get_ref(), ImageFormat::Png, 40_000_000).unwrap();
        assert_eq!((processed.width, processed.height), (1200, 600));
        let widths: Vec<u32> = processed.renditions.iter().map(|r| r.0).collect();
        assert_eq!(widths, [240, 960]);
        assert_eq!(sniff(&processed.renditions[0].1), Some(ImageFormat::Png));
        assert_eq!(
            process(png.get_ref(), ImageFormat::Png, 1000).unwrap_err(),
            Refusal::TooManyPixels
        );
    }
}
