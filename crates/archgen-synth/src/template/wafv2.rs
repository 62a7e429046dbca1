//! AWS::WAFv2::* resource types (generated), with the visibility settings
//! every rule gets and the empty object WAF uses as a flag.

pub use super::generated::wafv2::*;

use serde_json::Value;

impl web_acl::VisibilityConfig {
    /// Metrics and sampled requests on: what every rule gets.
    pub fn on(metric_name: impl Into<String>) -> Self {
        web_acl::VisibilityConfig {
            cloud_watch_metrics_enabled: true.into(),
            metric_name: metric_name.into().into(),
            sampled_requests_enabled: true.into(),
        }
    }
}

/// `{}`: how WAF says "this option" for an override action (`None`,
/// `Count`) or a field to match (`UriPath`, `QueryString`); the schema types
/// those as free-form JSON.
pub fn flag() -> Value {
    Value::Object(serde_json::Map::new())
}
