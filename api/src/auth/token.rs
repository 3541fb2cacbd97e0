//! Access tokens: short-lived HS256 JWTs carrying the caller's role and scope, so checking
//! permissions needs no database round trip. A changed role or base takes effect at the
//! next refresh, at most one access-token lifetime later. Deactivation and password resets
//! take effect at once: a token carries its account's token generation, which
//! `AccountStates` compares with the current one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::UserActor;
use crate::error::AppError;

const ISSUER: &str = "qihang";
const AUDIENCE: &str = "qihang-api";

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
    pub jti: Uuid,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainee: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<Uuid>,
    /// The account's token generation when the token was issued.
    #[serde(rename = "gen", default)]
    pub generation: i32,
    /// The login session (refresh token family) the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

/// What a valid access token says.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub actor: UserActor,
    /// Compared with the account's current generation on every use.
    pub generation: i32,
    pub expires_at: DateTime<Utc>,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys from the HS256 secret; tokens live for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        // The algorithm is pinned and every registered claim is required: the library's
        // defaults require only `exp`.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 30;
        validation.validate_exp = true;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// A signed access token for `user`, issued in the account's token `generation`, and
    /// when it expires.
    pub fn issue(
        &self,
        user: &UserActor,
        generation: i32,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        let now = Utc::now();
        let expires_at = now + chrono::Duration::from_std(self.ttl).map_err(AppError::internal)?;
        let claims = Claims {
            sub: user.user_id,
            exp: expires_at.timestamp(),
            iat: now.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: Uuid::now_v7(),
            role: user.role,
            region: user.region_code.clone(),
            bases: user.base_ids.clone(),
            trainee: user.trainee_id,
            partner: user.partner_id,
            generation,
            sid: user.session_id,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, expires_at))
    }

    /// The caller a token describes; `UNAUTHENTICATED` when it is expired, tampered with,
    /// signed otherwise or missing a claim. Whether the account still admits it is
    /// `AccountStates::admits`.
    pub fn verify(&self, token: &str) -> Result<AccessToken, AppError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| AppError::Unauthenticated)?;
        let claims = data.claims;
        let expires_at =
            DateTime::from_timestamp(claims.exp, 0).ok_or(AppError::Unauthenticated)?;
        Ok(AccessToken {
            actor: UserActor {
                user_id: claims.sub,
                role: claims.role,
                region_code: claims.region,
                base_ids: claims.bases,
                trainee_id: claims.trainee,
                partner_id: claims.partner,
                session_id: claims.sid,
            },
            generation: claims.generation,
            expires_at,
        })
    }
}
