//! Route 53 alias records in existing hosted zones: CloudFront
//! distributions get A and AAAA (they serve IPv6), the load balancer gets A
//! only (it is IPv4-only, so an AAAA alias would answer nothing).

use super::cloudfront::{CLOUDFRONT_ZONE_ID, distribution_id};
use crate::naming::pascal;
use crate::spec::edge::{AliasRecord, AliasTarget as Target, HostedZone};
use crate::synth::app::alb;
use crate::template::route53::RecordSet;
use crate::template::route53::record_set::AliasTarget;
use crate::template::{Expr, Template};

pub fn build<'a>(t: &mut Template, records: impl Iterator<Item = (&'a str, &'a AliasRecord)>) {
    for (name, record) in records {
        let (target, types): (AliasTarget, &[&str]) = match &record.target {
            Target::Distribution(cdn) => (
                AliasTarget {
                    dns_name: Expr::get_att(distribution_id(cdn), "DomainName"),
                    hosted_zone_id: CLOUDFRONT_ZONE_ID.into(),
                    // CloudFront alias targets cannot evaluate health.
                    evaluate_target_health: Some(false.into()),
                },
                &["A", "AAAA"],
            ),
            Target::LoadBalancer => (
                AliasTarget {
                    dns_name: Expr::get_att(alb::LB, "DNSName"),
                    hosted_zone_id: Expr::get_att(alb::LB, "CanonicalHostedZoneID"),
                    evaluate_target_health: Some(true.into()),
                },
                &["A"],
            ),
        };
        for kind in types {
            t.add(
                format!(
                    "{}Record{}",
                    pascal(name),
                    pascal(&kind.to_ascii_lowercase())
                ),
                RecordSet {
                    hosted_zone_id: match &record.zone {
                        HostedZone::Id(id) => Some(id.into()),
                        HostedZone::Name(_) => None,
                    },
                    hosted_zone_name: match &record.zone {
                        HostedZone::Id(_) => None,
                        HostedZone::Name(zone) => Some(zone.into()),
                    },
                    name: name.into(),
                    r#type: (*kind).into(),
                    alias_target: Some(target.clone()),
                    ..Default::default()
                },
            );
        }
    }
}
