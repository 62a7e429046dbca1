//! `api:`: one HTTP API (API Gateway v2) per stack.

use crate::spec::yes;
use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    #[serde(default)]
    pub description: Option<String>,
    /// A JWT authorizer on a user pool of the stack.
    #[serde(default)]
    pub authorizer: Option<AuthorizerSpec>,
    #[serde(default)]
    pub throttling: ThrottlingSpec,
    #[serde(default = "default_retention")]
    pub log_retention_days: i64,
    /// Tier of the VPC link's network interfaces (default: first private tier).
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub cors: Option<CorsSpec>,
    /// Routes by name; the name is part of logical ids (`ApiOrdersRoute`).
    pub routes: IndexMap<String, ApiRouteSpec>,
}

fn default_retention() -> i64 {
    90
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthorizerSpec {
    /// A key under `user_pools:`.
    pub user_pool: String,
    /// App clients of that pool whose tokens are accepted.
    pub clients: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ThrottlingSpec {
    #[serde(default = "default_burst")]
    pub burst: u32,
    /// Steady-state requests per second.
    #[serde(default = "default_rate")]
    pub rate: u32,
}

fn default_burst() -> u32 {
    100
}
fn default_rate() -> u32 {
    50
}

impl Default for ThrottlingSpec {
    fn default() -> Self {
        ThrottlingSpec {
            burst: default_burst(),
            rate: default_rate(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CorsSpec {
    pub origins: Vec<String>,
    #[serde(default = "default_methods")]
    pub methods: Vec<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub max_age: Option<u32>,
}

fn default_methods() -> Vec<String> {
    vec![
        "GET".into(),
        "POST".into(),
        "PUT".into(),
        "DELETE".into(),
        "OPTIONS".into(),
    ]
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiRouteSpec {
    /// `METHOD /path` (e.g. `ANY /api/{proxy+}`) or `$default`.
    pub key: String,
    /// `load-balancer` (through a VPC link) or a key under `functions:`.
    pub target: String,
    /// Require a valid token from the authorizer.
    #[serde(default = "yes")]
    pub auth: bool,
    /// Why the load balancer may also serve this route's paths to the
    /// internet or CloudFront without the authorizer (API011).
    #[serde(default)]
    pub direct_access: Option<String>,
}

/// The route target that means the stack's load balancer.
pub const LOAD_BALANCER: &str = "load-balancer";
