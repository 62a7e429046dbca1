//! `api:`: one HTTP API (API Gateway v2) in front of the load balancer,
//! reached through a VPC link, with a Cognito JWT authorizer.

use indexmap::IndexMap;
use serde::Deserialize;

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiSpec {
    /// API name (default `<app>-<env>-api`).
    #[serde(default)]
    pub name: Option<String>,
    /// Validate JWTs issued by this user pool for these of its clients
    /// (default: all of them).
    #[serde(default)]
    pub authorizer: Option<AuthorizerSpec>,
    /// Route name → route; every route goes to the load balancer.
    pub routes: IndexMap<String, ApiRouteSpec>,
    #[serde(default)]
    pub throttling: ThrottlingSpec,
    #[serde(default = "default_retention")]
    pub log_retention_days: i64,
    /// Tier whose subnets hold the VPC link (default: the first private).
    #[serde(default)]
    pub tier: Option<String>,
}

fn default_retention() -> i64 {
    30
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthorizerSpec {
    pub user_pool: String,
    #[serde(default)]
    pub clients: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiRouteSpec {
    /// `ANY /api/{proxy+}`, `GET /health`, or `$default`.
    pub route: String,
    /// Require a valid token (needs `authorizer`).
    #[serde(default = "yes")]
    pub authorized: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThrottlingSpec {
    /// Requests per second, steady.
    #[serde(default = "default_rate")]
    pub rate: f64,
    /// Requests allowed in a burst.
    #[serde(default = "default_burst")]
    pub burst: u32,
}

fn default_rate() -> f64 {
    100.0
}
fn default_burst() -> u32 {
    200
}

impl Default for ThrottlingSpec {
    fn default() -> Self {
        ThrottlingSpec {
            rate: default_rate(),
            burst: default_burst(),
        }
    }
}
