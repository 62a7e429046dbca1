//! L2 edge: WAFv2 web ACLs, CloudFront distributions, Route 53 alias
//! records and their health checks. Builders run after the application
//! tier (they attach to the load balancer) in a fixed order: WAF,
//! CloudFront, DNS, health checks.

pub mod cloudfront;
pub mod dns;
pub mod health;
pub mod stack;
pub mod waf;

use std::collections::BTreeMap;

use super::Ctx;
use crate::template::{Expr, Template};
pub use stack::{Edge, EdgeStack};

/// Builds the edge of one stack. Returns the us-east-1 stack when the stack
/// needs one (see [`stack`]).
pub fn build(t: &mut Template, ctx: &mut Ctx) -> Option<EdgeStack> {
    let spec = ctx.spec;
    if spec.waf.is_empty() && spec.cdn.is_empty() && spec.dns.is_none() {
        return None;
    }
    let mut edge = Edge::new(ctx);
    let mut acl_arns: BTreeMap<String, Expr> = BTreeMap::new();
    for (key, acl) in &spec.waf {
        let arn = waf::build(t, &mut edge, ctx, key, acl);
        acl_arns.insert(key.clone(), arn);
    }
    for (key, dist, certificate) in ctx.checked.distributions() {
        cloudfront::build(t, &mut edge, ctx, key, dist, certificate, &acl_arns);
    }
    dns::build(t, ctx.checked.dns_records());
    health::build(t, &mut edge, ctx);
    edge.finish()
}
