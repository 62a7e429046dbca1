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
use crate::synth::logs::retained_log_group;
use crate::template::elasticache::replication_group::{
    CloudWatchLogsDestinationDetails, DestinationDetails, LogDeliveryConfigurationRequest,
};
use crate::template::elasticache::{ParameterGroup, ReplicationGroup, SubnetGroup};
use crate::template::secretsmanager::Secret;
use crate::template::secretsmanager::secret::GenerateSecretString;
use crate::template::{Expr, Policy, Template};

pub const PORT: u16 = 6379;

/// ElastiCache tokens are 16-128 printable characters without @, " or /:
/// letters and digits only is the safe subset.
const AUTH_TOKEN_LENGTH: u32 = 64;

/// Logical id of a cache's AUTH-token secret.
pub fn auth_token_id(cache: &str) -> String {
    format!("{}AuthToken", pascal(cache))
}

/// `<app>/<env>/<cache>/auth-token`.
pub fn auth_token_name(ctx: &Ctx, cache: &str) -> String {
    format!("{}/{}/{cache}/auth-token", ctx.spec.app, ctx.environment)
}

/// The token's shape as `GetRandomPassword` arguments, for rotation: the
/// same as the generated one.
pub fn auth_token_shape() -> serde_json::Value {
    serde_json::json!({"PasswordLength": AUTH_TOKEN_LENGTH, "ExcludePunctuation": true})
}

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
    let token = auth_token_id(name);
    let token_kms = ctx.spec.auth_token_key(cache).map(key_arn);
    let secret = t.add(
        &token,
        Secret {
            name: Some(auth_token_name(ctx, name).into()),
            description: Some(format!("AUTH token of cache '{name}'").into()),
            kms_key_id: token_kms.clone(),
            generate_secret_string: Some(GenerateSecretString {
                password_length: Some(AUTH_TOKEN_LENGTH.into()),
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
    if token_kms.is_none() {
        secret.skip_check(
            "CKV_AWS_149",
            &super::secrets::managed_key_reason(
                &format!("caches.{name}.auth_token"),
                cache.auth_token.service_key,
            ),
        );
    }
    let log_delivery = log_delivery(t, ctx, name, cache);
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
            log_delivery_configurations: (!log_delivery.is_empty()).then_some(log_delivery),
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
        kms_key_arn: token_kms,
    });
    ctx.components.register(c);
}

/// A retained log group per log type switched on (encrypted with the
/// stack's log key like every log group, see `logs::encrypt_log_groups`),
/// and the replication group's delivery of that type to it, in JSON.
fn log_delivery(
    t: &mut Template,
    ctx: &Ctx,
    name: &str,
    cache: &CacheSpec,
) -> Vec<LogDeliveryConfigurationRequest> {
    let p = pascal(name);
    cache
        .logs
        .types()
        .into_iter()
        .map(|(log_type, id_part)| {
            let group = format!("{p}{id_part}LogGroup");
            retained_log_group(
                t,
                &group,
                None,
                cache.logs.retention_days,
                &format!("caches.{name}.logs.retention_days"),
                ctx.named(&format!("{name}-{log_type}")),
            );
            LogDeliveryConfigurationRequest {
                destination_type: "cloudwatch-logs".into(),
                destination_details: DestinationDetails {
                    cloud_watch_logs_details: Some(CloudWatchLogsDestinationDetails {
                        log_group: Expr::r#ref(&group),
                    }),
                    ..Default::default()
                },
                log_format: "json".into(),
                log_type: log_type.into(),
            }
        })
        .collect()
}
