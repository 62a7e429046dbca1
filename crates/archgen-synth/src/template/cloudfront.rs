//! AWS::CloudFront::* resource types (generated), and a path behaviour made
//! from a default one.

pub use super::generated::cloudfront::*;

use super::Expr;

impl distribution::DefaultCacheBehavior {
    /// The same behaviour for requests matching `path`. The schema defines
    /// the two types apart (only a path behaviour has a path); every field
    /// is carried over, so a field added to the schema is a compile error
    /// here until it is carried too.
    pub fn at_path(self, path: impl Into<Expr>) -> distribution::CacheBehavior {
        let distribution::DefaultCacheBehavior {
            allowed_methods,
            cache_policy_id,
            cached_methods,
            compress,
            default_ttl,
            field_level_encryption_id,
            forwarded_values,
            function_associations,
            grpc_config,
            lambda_function_associations,
            max_ttl,
            min_ttl,
            origin_request_policy_id,
            realtime_log_config_arn,
            response_headers_policy_id,
            smooth_streaming,
            target_origin_id,
            trusted_key_groups,
            trusted_signers,
            viewer_protocol_policy,
        } = self;
        distribution::CacheBehavior {
            path_pattern: path.into(),
            allowed_methods,
            cache_policy_id,
            cached_methods,
            compress,
            default_ttl,
            field_level_encryption_id,
            forwarded_values,
            function_associations,
            grpc_config,
            lambda_function_associations,
            max_ttl,
            min_ttl,
            origin_request_policy_id,
            realtime_log_config_arn,
            response_headers_policy_id,
            smooth_streaming,
            target_origin_id,
            trusted_key_groups,
            trusted_signers,
            viewer_protocol_policy,
        }
    }
}
