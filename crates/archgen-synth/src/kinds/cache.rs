//! `caches:`: ElastiCache replication groups in an isolated or private tier,
//! encrypted in transit and at rest, with an AUTH token a service injects.

use super::metrics::{Metric, Watched, dim};
use super::{Kind, Named, Role, block};
use crate::naming::pascal;
use crate::spec::StackSpec;
use crate::spec::data::CacheSpec;
use crate::synth::Ctx;
use crate::synth::data::elasticache;
use crate::template::{Expr, Template};

block!(Caches, caches: CacheSpec, "cache");

impl Kind for Caches {
    fn role(&self) -> Role {
        Role::Data { secret: true }
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        let checked = ctx.checked;
        for (name, cache, values) in checked.caches() {
            elasticache::build(t, ctx, name, cache, values);
        }
    }
    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        let cache = spec.caches.get(key)?;
        // Node metrics: the first node is the primary at creation (after a
        // failover it is a replica, whose memory mirrors the primary's). In
        // cluster mode this is shard 1's primary.
        let node = if cache.shards.is_some() {
            "0001-001"
        } else {
            "001"
        };
        let p = pascal(key);
        let first = || vec![dim("CacheClusterId", Expr::sub(format!("${{{p}}}-{node}")))];
        const EC: &str = "AWS/ElastiCache";
        Some(Watched {
            noun: self.noun(),
            metrics: vec![
                Metric::new(
                    "cpu",
                    EC,
                    "EngineCPUUtilization",
                    "Average",
                    false,
                    "percent",
                )
                .on(first()),
                Metric::new(
                    "memory",
                    EC,
                    "DatabaseMemoryUsagePercentage",
                    "Average",
                    false,
                    "percent",
                )
                .on(first()),
                Metric::new("evictions", EC, "Evictions", "Sum", true, "keys").on(first()),
            ],
        })
    }
}
