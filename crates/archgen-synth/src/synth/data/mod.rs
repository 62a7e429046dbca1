//! L2 data builders: databases, caches, buckets, secrets, parameters and keys
//! (each kind's module in `crate::kinds` calls its builder here).
//! Each component gets its own security group (no ingress: the services
//! builder adds one rule per connecting service), encryption, and a
//! `connect::Component` that says what reaching it takes.

pub mod aurora;
pub mod elasticache;
pub mod kms;
pub mod rds;
pub mod rotation;
pub mod s3;
pub mod secrets;
pub mod workload_users;

use super::Ctx;
use crate::naming::pascal;
use crate::spec::network::{TierKind, Zones, data_tier_order};
use crate::template::ec2::SecurityGroup;
use crate::template::ec2::security_group::Egress;
use crate::template::{Expr, Policy, Resource, Template};

/// `GetAtt <Key>Key.Arn` for a key from `keys:`.
pub fn key_arn(key: &str) -> Expr {
    Expr::get_att(format!("{}Key", pascal(key)), "Arn")
}

/// The tier a data component lives in: the one named, else the first of
/// `prefer`, else the first of the other non-public kind.
pub fn tier_subnets(ctx: &Ctx, named: Option<&str>, prefer: TierKind) -> Vec<Expr> {
    ctx.network
        .as_ref()
        .map(|net| net.subnets_in(named, &data_tier_order(prefer)))
        .unwrap_or_default()
}

/// Zone `i` (0-based) of the network, as the subnets use it.
pub fn zone(ctx: &Ctx, i: usize) -> Option<Expr> {
    let net = ctx.spec.network.as_ref()?;
    match &net.zones {
        Zones::Count(n) => (i < usize::from(*n)).then(|| Expr::zone(i as u32)),
        Zones::Names(names) => names.get(i).map(Expr::from),
    }
}

/// Whether zone names are pinned in the spec (cfn-lint then warns about
/// hard-coded zones, which is what the user asked for).
pub fn pin_zone_lint(r: &mut Resource, ctx: &Ctx) {
    if let Some(net) = &ctx.spec.network
        && matches!(net.zones, Zones::Names(_))
    {
        r.ignore_lint("W3010", "zone names are pinned in the spec (network.zones)");
    }
}

/// A component's own security group: no ingress until a service connects,
/// and no egress (data stores answer, they do not call out).
pub fn security_group(t: &mut Template, ctx: &Ctx, id: &str, name: &str, what: &str) {
    let Some(net) = &ctx.network else { return };
    t.add(
        id,
        SecurityGroup {
            group_description: format!(
                "{what} {name}: ingress only from the services that connect to it"
            )
            .into(),
            vpc_id: Some(net.vpc_id.clone()),
            security_group_egress: Some(vec![Egress::deny_all()]),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
}

/// Keeps a stateful resource (its data) when it is deleted or replaced,
/// unless the spec opts out; the opt-out is reported as a note.
pub fn keep(r: &mut Resource, ctx: &mut Ctx, retain: bool, keep_with: Policy, field: &str) {
    if retain {
        r.retain_with(keep_with);
    } else {
        r.retain_with(Policy::Delete);
        ctx.notes.push(format!(
            "{field}: retain is off in {}, so deleting the stack or replacing the resource deletes its data",
            ctx.environment
        ));
    }
}

/// `rate(90 days)`.
pub fn rate_days(days: u32) -> String {
    if days == 1 {
        "rate(1 day)".into()
    } else {
        format!("rate({days} days)")
    }
}

/// `{{resolve:secretsmanager:<arn>:SecretString:::}}`: the value is read by
/// CloudFormation at deploy time and never appears in the template.
pub fn resolve_secret(secret_id: &str) -> Expr {
    Expr::Join(
        String::new(),
        vec![
            "{{resolve:secretsmanager:".into(),
            Expr::r#ref(secret_id),
            ":SecretString:::}}".into(),
        ],
    )
}
