//! AWS::Cognito::* resource types.

use super::Expr;
use serde::Serialize;
use std::collections::BTreeMap;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPool {
    pub user_pool_name: Option<String>,
    pub username_attributes: Option<Vec<String>>,
    pub alias_attributes: Option<Vec<String>>,
    pub auto_verified_attributes: Option<Vec<String>>,
    pub username_configuration: Option<UsernameConfiguration>,
    pub policies: Policies,
    pub mfa_configuration: String,
    pub enabled_mfas: Option<Vec<String>>,
    pub account_recovery_setting: AccountRecoverySetting,
    pub admin_create_user_config: AdminCreateUserConfig,
    pub deletion_protection: String,
    pub user_pool_tags: BTreeMap<String, Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    pub case_sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policies {
    pub password_policy: PasswordPolicy,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    pub name: String,
    pub priority: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    pub allow_admin_create_user_only: bool,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClient {
    pub user_pool_id: Expr,
    pub client_name: String,
    pub generate_secret: bool,
    pub access_token_validity: u32,
    pub id_token_validity: u32,
    pub refresh_token_validity: u32,
    pub token_validity_units: TokenValidityUnits,
    pub explicit_auth_flows: Vec<String>,
    pub prevent_user_existence_errors: String,
    pub enable_token_revocation: bool,
    pub allowed_o_auth_flows_user_pool_client: Option<bool>,
    pub allowed_o_auth_flows: Option<Vec<String>>,
    pub allowed_o_auth_scopes: Option<Vec<String>>,
    #[serde(rename = "CallbackURLs")]
    pub callback_urls: Option<Vec<String>>,
    #[serde(rename = "LogoutURLs")]
    pub logout_urls: Option<Vec<String>>,
    pub supported_identity_providers: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    pub access_token: String,
    pub id_token: String,
    pub refresh_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDomain {
    pub domain: String,
    pub user_pool_id: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolIdentityProvider {
    pub user_pool_id: Expr,
    pub provider_name: String,
    pub provider_type: String,
    pub provider_details: BTreeMap<String, Expr>,
    pub attribute_mapping: BTreeMap<String, String>,
}
