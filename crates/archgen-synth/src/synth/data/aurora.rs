//! Aurora clusters (PostgreSQL- and MySQL-compatible), provisioned or
//! Serverless v2: one writer and readers spread over the zones.

use super::catalog::family;
use super::rds::{
    CA, build_shared, component, log_exports, monitoring, parameters, port, rotation,
};
use super::{Ctx, keep, key_arn, zone};
use crate::spec::data::DatabaseSpec;
use crate::synth::naming::pascal;
use crate::template::rds::{
    DbCluster, DbClusterParameterGroup, DbInstance, MasterUserSecret,
    ServerlessV2ScalingConfiguration,
};
use crate::template::{Expr, Policy, Template};

pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, db: &DatabaseSpec) {
    let p = pascal(name);
    let shared = build_shared(t, ctx, name, db);
    t.add(
        format!("{p}ClusterParameterGroup"),
        DbClusterParameterGroup {
            description: format!(
                "Cluster parameters of database '{name}' ({} {})",
                db.engine.as_str(),
                db.version
            ),
            family: family(db.engine, &db.version),
            parameters: parameters(db),
            tags: ctx.named(name),
        },
    );
    let kms = db.kms_key.as_deref().map(key_arn);
    let cluster = DbCluster {
        engine: db.engine.as_str().into(),
        engine_version: db.version.clone(),
        database_name: Some(super::rds::database_name(name, db)),
        master_username: super::rds::username(db),
        manage_master_user_password: true,
        master_user_secret: kms.clone().map(|k| MasterUserSecret {
            kms_key_id: Some(k),
        }),
        storage_encrypted: true,
        kms_key_id: kms.clone(),
        db_subnet_group_name: Expr::r#ref(format!("{p}SubnetGroup")),
        vpc_security_group_ids: vec![Expr::r#ref(format!("{p}SecurityGroup"))],
        db_cluster_parameter_group_name: Expr::r#ref(format!("{p}ClusterParameterGroup")),
        port: Some(port(db)),
        backup_retention_period: db.backup.retention_days,
        preferred_backup_window: shared.backup_window,
        preferred_maintenance_window: shared.maintenance_window,
        copy_tags_to_snapshot: true,
        deletion_protection: db.deletion_protection,
        enable_cloudwatch_logs_exports: log_exports(db),
        enable_iam_database_authentication: db.iam_auth,
        serverless_v2_scaling_configuration: db.serverless.as_ref().map(|s| {
            ServerlessV2ScalingConfiguration {
                min_capacity: s.min_acu,
                max_capacity: s.max_acu,
            }
        }),
        tags: ctx.named(name),
    };
    let r = t.add(&p, cluster);
    keep(
        r,
        ctx,
        db.retain,
        Policy::Snapshot,
        &format!("databases.{name}"),
    );
    if !db.deletion_protection {
        r.skip_check(
            "CKV_AWS_139",
            &format!("deletion protection is turned off in the spec (databases.{name}.deletion_protection) for this environment"),
        );
    }

    let class = match (&db.instance, &db.serverless) {
        (Some(c), _) => c.clone(),
        (None, _) => "db.serverless".to_string(),
    };
    let readers = db.readers.unwrap_or(u32::from(db.multi_az));
    let zones = ctx
        .spec
        .network
        .as_ref()
        .map_or(1, |n| n.zones.count().max(1));
    for i in 0..=readers as usize {
        let (id, what, tier) = if i == 0 {
            (format!("{p}Writer"), format!("{name}-writer"), 0)
        } else {
            (format!("{p}Reader{i}"), format!("{name}-reader-{i}"), 1)
        };
        let r = t.add(
            &id,
            DbInstance {
                db_instance_class: class.clone(),
                engine: Some(db.engine.as_str().into()),
                db_cluster_identifier: Some(Expr::r#ref(&p)),
                // Writer in the first zone, readers round the others.
                availability_zone: zone(ctx, i % zones),
                publicly_accessible: Some(false),
                auto_minor_version_upgrade: Some(true),
                ca_certificate_identifier: Some(CA.into()),
                promotion_tier: Some(tier),
                tags: ctx.named(&what),
                ..monitoring(db, &p, kms.clone())
            },
        );
        // The cluster owns the data and is snapshotted; its instances are
        // compute only.
        r.retain_with(Policy::Delete);
        super::pin_zone_lint(r, ctx);
    }

    let secret_arn = Expr::get_att(&p, "MasterUserSecret.SecretArn");
    if let Some(days) = db.rotation_days {
        rotation(t, &p, secret_arn.clone(), days);
    }
    let mut c = component(name, db, &p, secret_arn.clone(), "DBClusterResourceId");
    c.environment = vec![
        ("HOST".into(), Expr::get_att(&p, "Endpoint.Address")),
        ("PORT".into(), Expr::get_att(&p, "Endpoint.Port")),
        (
            "READ_HOST".into(),
            Expr::get_att(&p, "ReadEndpoint.Address"),
        ),
        ("NAME".into(), super::rds::database_name(name, db).into()),
        ("SECRET_ARN".into(), secret_arn),
    ];
    ctx.components.register(c);
}
