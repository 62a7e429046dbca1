//! AWS::ElasticLoadBalancingV2::* resource types (generated) and the
//! actions and attributes archgen's load balancer uses.

pub use super::generated::elasticloadbalancingv2::*;

use super::Expr;

/// Listeners and listener rules have action types of their own, with the
/// same fields; archgen builds the same actions for both.
macro_rules! actions {
    ($module:ident) => {
        impl $module::Action {
            pub fn forward(target_group: Expr) -> Self {
                $module::Action {
                    r#type: "forward".into(),
                    target_group_arn: Some(target_group),
                    ..Default::default()
                }
            }

            pub fn redirect_to_https() -> Self {
                $module::Action {
                    r#type: "redirect".into(),
                    redirect_config: Some($module::RedirectConfig {
                        protocol: Some("HTTPS".into()),
                        port: Some("443".into()),
                        status_code: "HTTP_301".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
            }

            pub fn not_found() -> Self {
                Self::fixed(404, "Not Found")
            }

            pub fn forbidden() -> Self {
                Self::fixed(403, "Forbidden")
            }

            fn fixed(status: u16, body: &str) -> Self {
                $module::Action {
                    r#type: "fixed-response".into(),
                    fixed_response_config: Some($module::FixedResponseConfig {
                        status_code: status.to_string().into(),
                        content_type: Some("text/plain".into()),
                        message_body: Some(body.into()),
                    }),
                    ..Default::default()
                }
            }
        }
    };
}

actions!(listener);
actions!(listener_rule);

impl load_balancer::LoadBalancerAttribute {
    pub fn new(key: &str, value: impl Into<Expr>) -> Self {
        load_balancer::LoadBalancerAttribute {
            key: Some(key.into()),
            value: Some(value.into()),
        }
    }
}
