//! ElastiCache (Redis OSS or Valkey) replication groups: encrypted at rest
//! and in transit, an AUTH token generated into Secrets Manager and passed
//! by dynamic reference, Multi-AZ with automatic failover when replicated.

use std::collections::BTreeMap;

use super::{Ctx, keep, key_arn, resolve_secret, security_group, tier_subnets};
use crate::check::CacheValues;
use crate::naming::pascal;
use crate::spec::catalog::cache_family;
use crate::spec::data::{CacheSpec, ParamValue};
use crate::spec::network::TierKind;
use crate::synth::connect::{Component, NetworkEndpoint, SecretRef, SecretSource};
use crate::template::elasticache::{ParameterGroup, ReplicationGroup, SubnetGroup};
use crate::template::secretsmanager::Secret;
use crate::template::secretsmanager::secret::GenerateSecretString;
use crate::template::{Expr, Policy, Template};

pub const PORT: u16 = 6379;

pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, cache: &CacheSpec, values: &CacheValues) {
    let p = pascal(name);
    let kms = cache.kms_key.as_deref().map(key_arn);
    security_group(t, ctx, &format!("{p}SecurityGroup"), name, "Cache");
    t.add(
        format!("{p}SubnetGroup"),
        SubnetGroup {
            description: format!("Subnets of cache '{name}'").into(),
            subnet_ids: tier_subnets(ctx, cache.subnet_tier.as_deref(), TierKind::Private),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    let mut properties: BTreeMap<String, Expr> = cache
        .parameters
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ParamValue::Int(n) => n.to_string(),
                ParamValue::Text(s) => s.clone(),
            };
            (k.clone(), v.into())
        })
        .collect();
    let cluster_mode = cache.shards.is_some();
    properties.insert(
        "cluster-enabled".into(),
        if cluster_mode { "yes" } else { "no" }.into(),
    );
    t.add(
        format!("{p}ParameterGroup"),
        ParameterGroup {
            cache_parameter_group_family: cache_family(cache.engine, &cache.version).into(),
            description: format!("Parameters of cache '{name}'").into(),
            // Never empty: cluster-enabled is always set.
            properties: Some(properties),
            tags: Some(ctx.named(name)),
        },
    );
    let token = format!("{p}AuthToken");
    let secret = t.add(
        &token,
        Secret {
            name: Some(format!("{}/{}/{name}/auth-token", ctx.spec.app, ctx.environment).into()),
            description: Some(format!("AUTH token of cache '{name}'").into()),
            kms_key_id: kms.clone(),
            // ElastiCache tokens are 16-128 printable characters without
            // @, " or /: letters and digits only is the safe subset.
            generate_secret_string: Some(GenerateSecretString {
                password_length: Some(64.into()),
                exclude_punctuation: Some(true.into()),
                ..Default::default()
            }),
            tags: Some(ctx.named(&format!("{name}-auth-token"))),
            ..Default::default()
        },
    );
    // Like every generated secret: the value exists nowhere else, and a
    // snapshot restored later still needs it.
    if cache.retain {
        secret.retain_with(Policy::Retain);
    }
    if kms.is_none() {
        secret.skip_check(
            "CKV_AWS_149",
            &format!("encrypted with the AWS managed key aws/secretsmanager: the spec sets no caches.{name}.kms_key"),
        );
    }
    let (clusters, groups, per_group) = match cache.shards {
        Some(s) => (None, Some(s), Some(cache.replicas)),
        None => (Some(1 + cache.replicas), None, None),
    };
    let r = t.add(
        &p,
        ReplicationGroup {
            replication_group_description: format!(
                "{} {} cache '{name}'",
                ctx.spec.app, ctx.environment
            )
            .into(),
            engine: Some(cache.engine.as_str().into()),
            engine_version: Some(cache.version.clone().into()),
            cache_node_type: Some(cache.node_type.clone().into()),
            num_cache_clusters: clusters.map(Expr::from),
            num_node_groups: groups.map(Expr::from),
            replicas_per_node_group: per_group.map(Expr::from),
            automatic_failover_enabled: Some(cache.failover().into()),
            multi_az_enabled: Some(cache.multi_az().into()),
            at_rest_encryption_enabled: Some(true.into()),
            transit_encryption_enabled: Some(true.into()),
            auth_token: Some(resolve_secret(&token)),
            kms_key_id: kms.clone(),
            cache_subnet_group_name: Some(Expr::r#ref(format!("{p}SubnetGroup"))),
            security_group_ids: Some(vec![Expr::r#ref(format!("{p}SecurityGroup"))]),
            cache_parameter_group_name: Some(Expr::r#ref(format!("{p}ParameterGroup"))),
            port: Some(PORT.into()),
            snapshot_retention_limit: Some(cache.snapshot.retention_days.into()),
            snapshot_window: values.snapshot_window.map(|w| w.to_aws().into()),
            preferred_maintenance_window: values.maintenance_window.map(|w| w.to_aws().into()),
            auto_minor_version_upgrade: Some(true.into()),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    keep(
        r,
        ctx,
        cache.retain,
        Policy::Snapshot,
        &format!("caches.{name}"),
    );
    if kms.is_none() {
        r.skip_check(
            "CKV_AWS_191",
            &format!("encrypted at rest with the ElastiCache service key: the spec sets no caches.{name}.kms_key"),
        );
    }

    let mut c = Component::new(name, &crate::kinds::cache::Caches);
    c.network = Some(NetworkEndpoint {
        group_id: Expr::get_att(format!("{p}SecurityGroup"), "GroupId"),
        port: PORT,
    });
    let endpoint = if cluster_mode {
        "ConfigurationEndPoint"
    } else {
        "PrimaryEndPoint"
    };
    c.environment = vec![
        (
            "HOST".into(),
            Expr::get_att(&p, format!("{endpoint}.Address")),
        ),
        ("PORT".into(), Expr::get_att(&p, format!("{endpoint}.Port"))),
        ("AUTH_SECRET_ARN".into(), Expr::r#ref(&token)),
    ];
    c.secret = Some(SecretRef {
        source: SecretSource::SecretsManager {
            arn: Expr::r#ref(&token),
            json_key: None,
        },
        kms_key_arn: kms,
    });
    ctx.components.register(c);
}
