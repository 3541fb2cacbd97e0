//! Inputs of the catalog domain.

use async_graphql::{Enum, ID, InputObject, Upload};

use super::types::{PartnerKind, ProductCategory, ProductStatus};
use crate::error::AppError;
use crate::graphql::common::ids;
use crate::graphql::common::pagination::SortDirection;
use crate::graphql::common::scalars::{DateTime, Decimal};
use crate::service::catalog::query::{self, ProductSort};
use crate::service::money::bound_fen;

/// What the catalog can be sorted by; ties are broken by id, so paging never skips or
/// repeats a product.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProductSortField {
    /// When the product was published (never-published drafts, which only their managers
    /// see, come last ascending and first descending).
    PublishedAt,
    /// Price.
    Price,
    /// Title (in the database's collation).
    Title,
    /// When the product last changed: the order for catalog sync with `updatedSince`.
    UpdatedAt,
}

/// How to sort the catalog.
#[derive(InputObject, Clone, Copy)]
pub struct ProductOrder {
    /// The sort key.
    pub field: ProductSortField,
    /// The direction.
    pub direction: SortDirection,
}

impl ProductOrder {
    /// The service order; none given is newest publications first (oldest changes first for
    /// a sync with `updatedSince`).
    pub fn into_service(order: Option<Self>, filter: &query::ProductFilter) -> query::ProductOrder {
        match order {
            None => query::ProductOrder::default_for(filter),
            Some(order) => query::ProductOrder {
                sort: match order.field {
                    ProductSortField::PublishedAt => ProductSort::PublishedAt,
                    ProductSortField::Price => ProductSort::Price,
                    ProductSortField::Title => ProductSort::Title,
                    ProductSortField::UpdatedAt => ProductSort::UpdatedAt,
                },
                direction: order.direction.into(),
            },
        }
    }
}

/// Filters of the catalog; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    /// Products of any of these categories.
    pub category: Option<Vec<ProductCategory>>,
    /// Products in any of these states (anonymous and PARTNER callers see PUBLISHED only).
    pub status: Option<Vec<ProductStatus>>,
    /// Products originating in this region or anywhere under it.
    pub region_code: Option<String>,
    /// Products of this base.
    pub base_id: Option<ID>,
    /// Products of this producer (a `ProducerProfile` id).
    pub producer_id: Option<ID>,
    /// Case-insensitive part of the title, description or a tag, Chinese included
    /// (e.g. "木耳").
    pub search: Option<String>,
    /// Lowest price in yuan.
    pub price_min: Option<Decimal>,
    /// Highest price in yuan.
    pub price_max: Option<Decimal>,
    /// True: only products in stock; false: only sold-out ones.
    pub in_stock: Option<bool>,
    /// Products carrying every one of these tags.
    pub tags: Option<Vec<String>>,
    /// Products changed at or after this time, archived ones included (status ARCHIVED) so
    /// that a copy of the catalog can drop them. Sort by UPDATED_AT to sync.
    pub updated_since: Option<DateTime>,
}

impl ProductFilter {
    /// The service filter; a malformed id is `BAD_USER_INPUT` naming it.
    pub fn into_service(self) -> Result<query::ProductFilter, AppError> {
        Ok(query::ProductFilter {
            categories: self
                .category
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            region_code: self.region_code.filter(|c| !c.trim().is_empty()),
            base_id: ids::arg_opt("filter.baseId", self.base_id.as_ref())?,
            producer_id: ids::arg_opt("filter.producerId", self.producer_id.as_ref())?,
            trainee_id: None,
            search: self.search,
            price_min_fen: self.price_min.map(|p| bound_fen(p.0, true)),
            price_max_fen: self.price_max.map(|p| bound_fen(p.0, false)),
            in_stock: self.in_stock,
            tags: self.tags.unwrap_or_default(),
            updated_since: self.updated_since.map(|t| t.0),
        })
    }
}

/// A new product, for `createProduct`. It starts as a DRAFT.
#[derive(InputObject)]
pub struct CreateProductInput {
    /// The producing trainee: yourself (TRAINEE), a trainee of your bases (BASE_MANAGER) or
    /// of your region (ADMIN).
    pub producer_trainee_id: ID,
    /// Title, 1–100 characters.
    pub title: String,
    /// Description, up to 5000 characters.
    pub description: Option<String>,
    /// What kind of product it is.
    pub category: ProductCategory,
    /// Price per unit in yuan, at least 0 with at most 2 decimals (publishing needs more
    /// than 0).
    pub price: Decimal,
    /// Unit the price is for, e.g. 斤, 箱, 件 (1–20 characters).
    pub unit: String,
    /// Units in stock, 0 or more.
    pub stock: i32,
    /// Fewest units an inquiry may ask for, 1 or more (default 1).
    pub min_order_quantity: Option<i32>,
    /// Where the product comes from (default: the base's region).
    pub origin_region_code: Option<String>,
    /// Tags: trimmed, duplicates dropped, at most 20 of at most 30 characters.
    pub tags: Option<Vec<String>>,
}

/// Changes to a product, for `updateProduct`; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProductInput {
    /// The product.
    pub id: ID,
    /// The `version` you read; a different current version is `STALE_VERSION`.
    pub version: i32,
    /// Title, 1–100 characters.
    pub title: Option<String>,
    /// Description; an empty string removes it.
    pub description: Option<String>,
    /// What kind of product it is.
    pub category: Option<ProductCategory>,
    /// Price per unit in yuan, at most 2 decimals (above 0 while PUBLISHED).
    pub price: Option<Decimal>,
    /// Unit the price is for.
    pub unit: Option<String>,
    /// Units in stock, 0 or more.
    pub stock: Option<i32>,
    /// Fewest units an inquiry may ask for, 1 or more.
    pub min_order_quantity: Option<i32>,
    /// The new tags (replace the old ones).
    pub tags: Option<Vec<String>>,
}

/// An image for a product, for `uploadProductImage` (GraphQL multipart request).
#[derive(InputObject)]
pub struct UploadProductImageInput {
    /// The product.
    pub product_id: ID,
    /// A JPEG, PNG or WebP file (judged by its bytes, not its name), at most 5 MB by default.
    pub file: Upload,
    /// What the image shows, for screen readers (up to 300 characters); required on every
    /// image before publishing.
    pub alt_text: Option<String>,
}

/// Changes to an image, for `updateProductImage`.
#[derive(InputObject)]
pub struct UpdateProductImageInput {
    /// The image.
    pub id: ID,
    /// What the image shows, for screen readers; an empty string removes it.
    pub alt_text: Option<String>,
}

/// Changes to a producer profile, for `updateProducerProfile`.
#[derive(InputObject)]
pub struct UpdateProducerProfileInput {
    /// The profile (`Product.producer.id`).
    pub id: ID,
    /// The `version` you read.
    pub version: i32,
    /// The name shown to buyers, 1–30 characters.
    pub display_name: Option<String>,
    /// The producer's story; an empty string removes it.
    pub story: Option<String>,
}

/// A new partner, for `createPartner`.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// Name of the organisation, 1–100 characters.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: PartnerKind,
    /// Business contact person.
    pub contact_name: Option<String>,
    /// Business contact telephone.
    pub contact_phone: Option<String>,
}

/// A new API key, for `createApiKey`.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// The partner the key acts for.
    pub partner_id: ID,
    /// What the key is for, e.g. "ERP 同步" (1–100 characters).
    pub name: String,
}

/// A sourcing inquiry, for `createInquiry`.
#[derive(InputObject)]
pub struct CreateInquiryInput {
    /// A PUBLISHED product.
    pub product_id: ID,
    /// Units wanted, at least the product's `minOrderQuantity`.
    pub quantity: i32,
    /// A message to the base (up to 1000 characters).
    pub message: Option<String>,
}

/// An answer, for `respondToInquiry`.
#[derive(InputObject)]
pub struct RespondInquiryInput {
    /// An OPEN inquiry on a product of your base (or your own product).
    pub inquiry_id: ID,
    /// True to accept, false to decline.
    pub accept: bool,
    /// The answer to the partner (up to 1000 characters).
    pub response: Option<String>,
}
