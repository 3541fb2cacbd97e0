//! Types of the catalog domain. Nothing reachable from a `Product` leads to a trainee: the
//! producer is a `ProducerProfile`, the public face the producer chose. Longer than ~400
//! lines: eight object types with a documented resolver per field, kept together so the
//! schema walk's reach can be read in one file.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{api_key, inquiry, partner, producer_profile, product};

use crate::graphql::base::types::IncubationBase;
use crate::graphql::common::errors::object_payload;
use crate::graphql::common::loaders::required;
use crate::graphql::common::pagination::KeyConnection;
use crate::graphql::common::scalars::{DateTime, Decimal};
use crate::graphql::common::{ContextExt, Payload, UserError};
use crate::graphql::region::types::Region;
use crate::service;
use crate::service::catalog::partner::CreatedKey;

/// What kind of product it is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ProductCategory")]
pub enum ProductCategory {
    /// Farm produce (涉农产品).
    Agricultural,
    /// Processed food.
    Food,
    /// Handicraft, e.g. palace lanterns (宫灯) or knitting (绒线编织).
    Handicraft,
    /// Intangible cultural heritage work (非遗).
    IntangibleHeritage,
    /// Textiles.
    Textile,
    /// Digital works: audiobooks, videos.
    DigitalWork,
    /// Services, e.g. blind massage (盲人按摩).
    Service,
    /// Anything else.
    Other,
}

/// Where a product is in its life.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ProductStatus")]
pub enum ProductStatus {
    /// Being prepared; seen only by those who manage it.
    Draft,
    /// In the public catalog.
    Published,
    /// Withdrawn from the catalog.
    Archived,
}

/// What kind of organisation a partner is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::PartnerKind")]
pub enum PartnerKind {
    /// An e-commerce platform (电商平台).
    EcommercePlatform,
    /// A retailer.
    Retailer,
    /// A logistics firm (快递物流).
    Logistics,
    /// A brand.
    Brand,
    /// Anything else.
    Other,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Product(pub product::Model);

/// A product of a disabled producer. Anonymous and PARTNER callers see PUBLISHED products
/// only; staff also the other products in their scope.
#[Object]
impl Product {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Title, e.g. "长白山黑木耳 500g".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// What kind of product it is.
    async fn category(&self) -> ProductCategory {
        self.0.category.into()
    }

    /// Where it is in its life.
    async fn status(&self) -> ProductStatus {
        self.0.status.into()
    }

    /// Price per unit in yuan, exact, with 2 decimals ("12.50").
    async fn price(&self) -> Decimal {
        Decimal(service::money::from_fen(self.0.price_fen))
    }

    /// Currency of the price: "CNY".
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// Unit the price is for, e.g. 斤, 箱, 件.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// Units in stock.
    async fn stock(&self) -> i32 {
        self.0.stock
    }

    /// Fewest units an inquiry may ask for.
    async fn min_order_quantity(&self) -> i32 {
        self.0.min_order_quantity
    }

    /// Where it comes from (defaults to the base's region).
    async fn origin(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Region::require(ctx, &self.0.origin_region_code)
    }

    /// Images, in upload order.
    async fn images(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductImage>> {
        let images = ctx
            .loaders()
            .product_images
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(images.into_iter().map(ProductImage).collect())
    }

    /// Tags, in the order given.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(ctx
            .loaders()
            .product_tags
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    /// Who makes it: the producer's public profile.
    async fn producer(&self, ctx: &Context<'_>) -> async_graphql::Result<ProducerProfile> {
        required(
            &ctx.loaders().producers,
            self.0.producer_id,
            ProducerProfile,
        )
        .await
    }

    /// The base the producer works with.
    async fn base(&self, ctx: &Context<'_>) -> async_graphql::Result<IncubationBase> {
        required(&ctx.loaders().bases, self.0.base_id, IncubationBase).await
    }

    /// When it was (last) published; null for a product never published.
    async fn published_at(&self) -> Option<DateTime> {
        self.0.published_at.map(Into::into)
    }

    /// When it last changed (catalog sync pages by this with `filter.updatedSince`).
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// Changes with every update; send it back with `updateProduct`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A page of the catalog.
pub type ProductConnection = KeyConnection<Product>;

/// Sizes of a product image.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImageSize {
    /// About 240 px wide, for lists.
    Thumbnail,
    /// About 960 px wide, for detail pages.
    Medium,
    /// The uploaded file.
    Original,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct ProductImage(pub entity::product_image::Model);

/// An image of a product, served by this server at a stable URL with long cache headers.
#[Object(serial)]
impl ProductImage {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Where to fetch the image: the original, or a resized rendition (never wider than
    /// the original), relative to the API's address: `/media/<content hash>[-<width>].<ext>`.
    async fn url(
        &self,
        #[graphql(
            desc = "Which size (default ORIGINAL).",
            default_with = "ImageSize::Original"
        )]
        size: ImageSize,
    ) -> String {
        let width = match size {
            ImageSize::Thumbnail => Some(service::catalog::image::THUMBNAIL_WIDTH),
            ImageSize::Medium => Some(service::catalog::image::MEDIUM_WIDTH),
            ImageSize::Original => None,
        };
        service::catalog::image::url(&self.0, width)
    }

    /// MIME type of the original: image/jpeg, image/png or image/webp.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Width of the original in pixels.
    async fn width(&self) -> Option<i32> {
        Some(self.0.width)
    }

    /// Height of the original in pixels.
    async fn height(&self) -> Option<i32> {
        Some(self.0.height)
    }

    /// What the image shows, for screen readers; required before publishing.
    async fn alt_text(&self) -> Option<&str> {
        self.0.alt_text.as_deref()
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct ProducerProfile(pub producer_profile::Model);

/// The public face of a producer: a chosen display name (by default the surname and
/// 「**」), region, base and story. Holds no personal data.
#[Object(serial)]
impl ProducerProfile {
    /// Opaque id (use it in `ProductFilter.producerId`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The name the producer shows, e.g. "王**".
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The region of the producer's base.
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Region> {
        Region::require(ctx, &self.0.region_code)
    }

    /// The base the producer works with.
    async fn base(&self, ctx: &Context<'_>) -> async_graphql::Result<IncubationBase> {
        required(&ctx.loaders().bases, self.0.base_id, IncubationBase).await
    }

    /// The producer's story, in their words.
    async fn story(&self) -> Option<&str> {
        self.0.story.as_deref()
    }

    /// Changes with every update; send it back with `updateProducerProfile`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Partner(pub partner::Model);

/// An e-commerce partner that sources from the catalog.
#[Object]
impl Partner {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Name of the organisation.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of organisation it is.
    async fn kind(&self) -> PartnerKind {
        self.0.kind.into()
    }

    /// Business contact person.
    async fn contact_name(&self) -> Option<&str> {
        self.0.contact_name.as_deref()
    }

    /// Business contact telephone.
    async fn contact_phone(&self) -> Option<&str> {
        self.0.contact_phone.as_deref()
    }

    /// The partner's API keys, oldest first: shown to the ADMINs who manage the partner and
    /// to the partner itself; empty for everyone else. Secrets are never shown again.
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        if !service::catalog::partner::may_see_keys(ctx.actor()?, &self.0) {
            return Ok(Vec::new());
        }
        let keys = ctx
            .loaders()
            .partner_keys
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(keys.into_iter().map(ApiKey).collect())
    }

    /// When it was recorded.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct ApiKey(pub api_key::Model);

/// A key a partner's system sends as the `X-Api-Key` header. Only its prefix is shown.
#[Object]
impl ApiKey {
    /// Opaque id (for `revokeApiKey`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What the key is for, e.g. "ERP 同步".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The first characters of the secret, to tell keys apart.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was last used (to the minute: it is noted at most once a minute).
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(Into::into)
    }

    /// When it was revoked; a revoked key is refused.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(Into::into)
    }
}

/// Where a sourcing inquiry stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::InquiryStatus")]
pub enum InquiryStatus {
    /// Waiting for an answer.
    Open,
    /// The base or producer can supply.
    Accepted,
    /// The base or producer cannot supply.
    Declined,
    /// Closed without an answer.
    Closed,
}

/// The stored row, exposed through the `#[Object]` impl below.
pub struct Inquiry(pub inquiry::Model);

/// A partner's sourcing inquiry about a published product.
#[Object]
impl Inquiry {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Who asks.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        required(&ctx.loaders().partners, self.0.partner_id, Partner).await
    }

    /// About what (still shown after the product is archived).
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Product> {
        required(&ctx.loaders().products, self.0.product_id, Product).await
    }

    /// How many units.
    async fn quantity(&self) -> i32 {
        self.0.quantity
    }

    /// The partner's message.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Where it stands.
    async fn status(&self) -> InquiryStatus {
        self.0.status.into()
    }

    /// The answer of the base or producer.
    async fn response(&self) -> Option<&str> {
        self.0.response.as_deref()
    }

    /// When it was answered.
    async fn responded_at(&self) -> Option<DateTime> {
        self.0.responded_at.map(Into::into)
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// A page of inquiries.
pub type InquiryConnection = KeyConnection<Inquiry>;

/// Result of `createInquiry` and `respondToInquiry`.
#[derive(SimpleObject)]
pub struct InquiryPayload {
    /// The inquiry as saved.
    pub inquiry: Option<Inquiry>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(InquiryPayload, inquiry: inquiry::Model => Inquiry);

/// Result of product mutations.
#[derive(SimpleObject)]
pub struct ProductPayload {
    /// The product as saved.
    pub product: Option<Product>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(ProductPayload, product: product::Model => Product);

/// Result of `updateProducerProfile`.
#[derive(SimpleObject)]
pub struct ProducerProfilePayload {
    /// The profile as saved.
    pub producer: Option<ProducerProfile>,
    /// Problems with the input; nothing was changed.
    pub user_errors: Vec<UserError>,
}

object_payload!(ProducerProfilePayload, producer: producer_profile::Model => ProducerProfile);

/// Result of `createPartner`.
#[derive(SimpleObject)]
pub struct PartnerPayload {
    /// The recorded partner.
    pub partner: Option<Partner>,
    /// Problems with the input; nothing was recorded.
    pub user_errors: Vec<UserError>,
}

object_payload!(PartnerPayload, partner: partner::Model => Partner);

/// Result of `createApiKey`.
#[derive(SimpleObject, Default)]
pub struct CreateApiKeyPayload {
    /// The created key.
    pub api_key: Option<ApiKey>,
    /// The secret, shown only this once: send it as the `X-Api-Key` header.
    pub secret: Option<String>,
    /// Problems with the input; nothing was created.
    pub user_errors: Vec<UserError>,
}

impl Payload for CreateApiKeyPayload {
    type Value = CreatedKey;

    fn ok(created: CreatedKey) -> Self {
        CreateApiKeyPayload {
            api_key: Some(ApiKey(created.key)),
            secret: Some(created.secret),
            user_errors: Vec::new(),
        }
    }

    fn refused(user_errors: Vec<UserError>) -> Self {
        CreateApiKeyPayload {
            user_errors,
            ..Default::default()
        }
    }
}
