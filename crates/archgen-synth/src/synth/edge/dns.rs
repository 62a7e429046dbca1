//! Route 53 alias records in existing hosted zones: CloudFront
//! distributions get A and AAAA (they serve IPv6), the load balancer gets A
//! only (it is IPv4-only, so an AAAA alias would answer nothing).

use super::cloudfront::{CLOUDFRONT_ZONE_ID, distribution_id};
use crate::spec::edge::DnsSpec;
use crate::synth::app::alb;
use crate::synth::naming::pascal;
use crate::template::route53::RecordSet;
use crate::template::route53::record_set::AliasTarget;
use crate::template::{Expr, Template};

/// The declared zone a record name lies in: the longest matching suffix.
pub fn zone_of<'a>(dns: &'a DnsSpec, record: &str) -> Option<&'a str> {
    let record = record.trim_end_matches('.').to_ascii_lowercase();
    dns.zones
        .keys()
        .map(|z| z.as_str())
        .filter(|z| {
            let z = z.trim_end_matches('.').to_ascii_lowercase();
            record == z || record.ends_with(&format!(".{z}"))
        })
        .max_by_key(|z| z.len())
}

pub fn build(t: &mut Template, dns: &DnsSpec) {
    for (name, record) in &dns.records {
        let Some(zone) = zone_of(dns, name) else {
            continue;
        };
        let zone_id = dns.zones.get(zone).and_then(|z| z.id.clone());
        let (target, types): (AliasTarget, &[&str]) = match &record.cdn {
            Some(cdn) => (
                AliasTarget {
                    dns_name: Expr::get_att(distribution_id(cdn), "DomainName"),
                    hosted_zone_id: CLOUDFRONT_ZONE_ID.into(),
                    // CloudFront alias targets cannot evaluate health.
                    evaluate_target_health: Some(false.into()),
                },
                &["A", "AAAA"],
            ),
            None => (
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
                    hosted_zone_id: zone_id.clone().map(Expr::from),
                    hosted_zone_name: zone_id
                        .is_none()
                        .then(|| format!("{}.", zone.trim_end_matches('.')).into()),
                    name: name.clone().into(),
                    r#type: (*kind).into(),
                    alias_target: Some(target.clone()),
                    ..Default::default()
                },
            );
        }
    }
}
