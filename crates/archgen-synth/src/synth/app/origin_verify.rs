//! The origin-verify header of a load balancer with `ingress: cloudfront`.
//!
//! CloudFront's origin-facing prefix list admits every distribution, not
//! only this stack's, so the security group alone would let anyone's
//! distribution skip this stack's web ACL. This stack's distributions send
//! a header whose value is a secret generated in Secrets Manager; every
//! listener rule requires it and the listener's default action is a 403.
//!
//! The value never appears in a template: the distribution, the listener
//! rules and the API's VPC-link integration all read it through a dynamic
//! reference. They are all in the main stack (CloudFront is global, so the
//! distribution lives beside the load balancer; only its certificate and
//! web ACL go to the us-east-1 edge stack), so the reference resolves in the
//! secret's own region: no replica, no NoEcho parameter that deploy would
//! have to carry across stacks.

use crate::synth::Ctx;
use crate::synth::data::resolve_secret;
use crate::template::elasticloadbalancingv2::listener_rule::{HttpHeaderConfig, RuleCondition};
use crate::template::secretsmanager::Secret;
use crate::template::secretsmanager::secret::GenerateSecretString;
use crate::template::{Expr, Template};

/// The header CloudFront adds to every request to the load balancer.
pub const HEADER: &str = "X-Origin-Verify";
/// The secret holding its value.
pub const SECRET: &str = "OriginVerifySecret";

/// Adds the secret (once per stack).
pub fn add_secret(t: &mut Template, ctx: &Ctx) {
    let r = t.add(
        SECRET,
        Secret {
            name: Some(
                format!(
                    "{}/{}/cloudfront-origin-verify",
                    ctx.spec.app, ctx.environment
                )
                .into(),
            ),
            description: Some(
                "Value of the X-Origin-Verify header CloudFront sends to the load balancer".into(),
            ),
            // Listener conditions treat * and ? as wildcards and CloudFront
            // refuses some punctuation in header values: letters and digits.
            generate_secret_string: Some(GenerateSecretString {
                password_length: Some(64.into()),
                exclude_punctuation: Some(true.into()),
                ..Default::default()
            }),
            tags: Some(ctx.named("cloudfront-origin-verify")),
            ..Default::default()
        },
    );
    r.skip_check(
        "CKV_AWS_149",
        "encrypted with the AWS managed key aws/secretsmanager: only CloudFormation reads it, to configure CloudFront and the load balancer",
    );
}

/// The header's value, resolved by CloudFormation at deploy time.
pub fn value() -> Expr {
    resolve_secret(SECRET)
}

/// The listener-rule condition that admits only requests carrying it.
pub fn condition() -> RuleCondition {
    RuleCondition {
        field: Some("http-header".into()),
        http_header_config: Some(HttpHeaderConfig {
            http_header_name: Some(HEADER.into()),
            values: Some(vec![value()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}
