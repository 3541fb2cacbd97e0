//! Catalog mutations.

use async_graphql::{Context, ID, Object};

use super::inputs::{
    CreateApiKeyInput, CreateInquiryInput, CreatePartnerInput, CreateProductInput,
    RespondInquiryInput, UpdateProducerProfileInput, UpdateProductImageInput, UpdateProductInput,
    UploadProductImageInput,
};
use super::types::{
    CreateApiKeyPayload, InquiryPayload, PartnerPayload, ProducerProfilePayload, ProductPayload,
};
use crate::error::{AppError, GqlResultExt};
use crate::graphql::common::{ContextExt, ids, respond};
use crate::service::catalog::image::{ImageChanges, ImageLimits, Upload};
use crate::service::catalog::inquiry::{Answer, NewInquiry};
use crate::service::catalog::partner::NewPartner;
use crate::service::catalog::producer::ProfileChanges;
use crate::service::catalog::product::{NewProduct, ProductChanges};
use crate::service::catalog::{self, image, inquiry, partner, producer, product};

/// Catalog mutations.
#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Creates a DRAFT product: a TRAINEE for itself, a BASE_MANAGER for the trainees of its
    /// bases, an ADMIN for those in its region. Other roles are `FORBIDDEN`.
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateProductInput,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let producer_trainee_id =
            match ids::input(|ids| ids.one("producerTraineeId", &input.producer_trainee_id)) {
                Ok(id) => id,
                Err(err) => return respond(Err(err)),
            };
        let new_product = NewProduct {
            producer_trainee_id,
            title: input.title,
            description: input.description,
            category: input.category.into(),
            price: input.price.0,
            unit: input.unit,
            stock: input.stock,
            min_order_quantity: input.min_order_quantity,
            origin_region_code: input.origin_region_code,
            tags: input.tags.unwrap_or_default(),
        };
        respond(product::create(ctx.db(), actor, new_product).await)
    }

    /// Changes a product you manage, guarded by `version` (`STALE_VERSION` when someone
    /// else changed it first).
    async fn update_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateProductInput,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let id = match ids::input(|ids| ids.one("id", &input.id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let changes = ProductChanges {
            id,
            version: input.version,
            title: input.title,
            description: input.description,
            category: input.category.map(Into::into),
            price: input.price.map(|p| p.0),
            unit: input.unit,
            stock: input.stock,
            min_order_quantity: input.min_order_quantity,
            tags: input.tags,
        };
        respond(product::update(ctx.db(), actor, changes).await)
    }

    /// Publishes a DRAFT (or re-publishes an ARCHIVED) product you manage. It needs a title,
    /// a price above 0, a unit and at least one image, each with alt text; otherwise
    /// `INVALID_STATE` user errors name what is missing (`field`: `["price"]`,
    /// `["images"]`, `["images", "0", "altText"]`, …).
    async fn publish_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product.")] id: ID,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        respond(product::publish(ctx.db(), actor, id).await)
    }

    /// Archives a product you manage: it leaves the public catalog.
    async fn archive_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product.")] id: ID,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        respond(product::archive(ctx.db(), actor, id).await)
    }

    /// Adds an image to a product you manage (GraphQL multipart request). JPEG, PNG or WebP
    /// by the file's bytes, at most `QIHANG_MAX_IMAGE_BYTES` (5 MB) and
    /// `QIHANG_MAX_IMAGE_PIXELS`; anything else is an `INVALID` user error on
    /// `["input", "file"]`. Renditions 240 and 960 px wide are made at once.
    async fn upload_product_image(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UploadProductImageInput,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let product_id = match ids::input(|ids| ids.one("productId", &input.product_id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let state = ctx.state();
        let limits = ImageLimits {
            max_bytes: state.config.max_image_bytes,
            max_pixels: state.config.max_image_pixels,
        };
        let upload = input.file.value(ctx)?;
        // The transport has already spooled the file to a temporary file; a file over the
        // limit is not read into memory.
        let size = upload.size().map_err(AppError::internal).gql()?;
        let bytes = if usize::try_from(size).unwrap_or(usize::MAX) > limits.max_bytes {
            vec![0; limits.max_bytes + 1]
        } else {
            let mut content = upload.into_read();
            tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut content, &mut bytes).map(|_| bytes)
            })
            .await
            .map_err(AppError::internal)
            .gql()?
            .map_err(AppError::internal)
            .gql()?
        };
        respond(
            image::upload(
                ctx.db(),
                state.media.as_ref(),
                limits,
                actor,
                product_id,
                Upload { bytes },
                input.alt_text,
            )
            .await,
        )
    }

    /// Sets an image's alt text on a product you manage.
    async fn update_product_image(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateProductImageInput,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let id = match ids::input(|ids| ids.one("id", &input.id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let changes = ImageChanges {
            id,
            alt_text: input.alt_text,
        };
        respond(image::update(ctx.db(), actor, changes).await)
    }

    /// Removes an image from a product you manage (a PUBLISHED product keeps at least one).
    async fn remove_product_image(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image.")] id: ID,
    ) -> async_graphql::Result<ProductPayload> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        respond(image::remove(ctx.db(), actor, id).await)
    }

    /// Changes a producer profile: the trainee its own, staff those at their bases.
    async fn update_producer_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: UpdateProducerProfileInput,
    ) -> async_graphql::Result<ProducerProfilePayload> {
        let actor = ctx.actor()?;
        let id = match ids::input(|ids| ids.one("id", &input.id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        let changes = ProfileChanges {
            id,
            version: input.version,
            display_name: input.display_name,
            story: input.story,
        };
        respond(producer::update(ctx.db(), actor, changes).await)
    }

    /// Records a partner in your region. ADMIN only.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreatePartnerInput,
    ) -> async_graphql::Result<PartnerPayload> {
        let actor = ctx.actor()?;
        let new_partner = NewPartner {
            name: input.name,
            kind: input.kind.into(),
            contact_name: input.contact_name,
            contact_phone: input.contact_phone,
        };
        respond(partner::create(ctx.db(), actor, new_partner).await)
    }

    /// Creates an API key for a partner you manage. ADMIN only. The secret is in the payload
    /// only this once; only its hash is kept.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        let actor = ctx.actor()?;
        let partner_id = match ids::input(|ids| ids.one("partnerId", &input.partner_id)) {
            Ok(id) => id,
            Err(err) => return respond(Err(err)),
        };
        respond(partner::create_key(ctx.db(), actor, partner_id, &input.name).await)
    }

    /// Revokes an API key of a partner you manage; requests with it are refused from now
    /// on. ADMIN only. True when this call revoked it, false when it already was; `NOT_FOUND`
    /// for a key you do not manage.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] id: ID,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let id = ids::arg("id", &id).gql()?;
        catalog::partner::revoke_key(ctx.db(), actor, id)
            .await
            .gql()
    }

    /// Asks about a PUBLISHED product. PARTNER only (an API key or a partner account); the
    /// quantity must reach the product's minimum order quantity.
    async fn create_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: CreateInquiryInput,
    ) -> async_graphql::Result<InquiryPayload> {
        let actor = ctx.actor()?;
        let new_inquiry = match ids::input(|ids| NewInquiry {
            product_id: ids.one("productId", &input.product_id),
            quantity: input.quantity,
            message: input.message,
        }) {
            Ok(value) => value,
            Err(err) => return respond(Err(err)),
        };
        let state = ctx.state();
        respond(inquiry::create(&state.db, &state.events, actor, new_inquiry).await)
    }

    /// Accepts or declines an OPEN inquiry: a BASE_MANAGER for its bases' products, a
    /// TRAINEE for its own. Answered inquiries are `INVALID_STATE`.
    async fn respond_to_inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to do; every field is described on the input type.")]
        input: RespondInquiryInput,
    ) -> async_graphql::Result<InquiryPayload> {
        let actor = ctx.actor()?;
        let answer = match ids::input(|ids| Answer {
            inquiry_id: ids.one("inquiryId", &input.inquiry_id),
            accept: input.accept,
            response: input.response,
        }) {
            Ok(value) => value,
            Err(err) => return respond(Err(err)),
        };
        let state = ctx.state();
        respond(inquiry::respond(&state.db, &state.events, actor, answer).await)
    }
}
