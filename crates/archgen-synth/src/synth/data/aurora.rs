//! Aurora clusters (PostgreSQL- and MySQL-compatible), provisioned or
//! Serverless v2: one writer and readers spread over the zones.

use super::rds::{
    CA, build_shared, component, log_exports, monitoring, parameters, port, rotation,
};
use super::{Ctx, keep, key_arn, zone};
use crate::check::DatabaseValues;
use crate::naming::pascal;
use crate::spec::catalog::family;
use crate::spec::data::DatabaseSpec;
use crate::template::rds::{DbCluster, DbClusterParameterGroup, DbInstance, db_cluster};
use crate::template::{Expr, Policy, Template};

pub fn build(
    t: &mut Template,
    ctx: &mut Ctx,
    name: &str,
    db: &DatabaseSpec,
    values: &DatabaseValues,
) {
    let p = pascal(name);
    let shared = build_shared(t, ctx, name, db, values);
    t.add(
        format!("{p}ClusterParameterGroup"),
        DbClusterParameterGroup {
            description: format!(
                "Cluster parameters of database '{name}' ({} {})",
                db.engine.as_str(),
                db.version
            )
            .into(),
            family: family(db.engine, &db.version).into(),
            parameters: parameters(db, values),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    let kms = db.kms_key.as_deref().map(key_arn);
    let cluster = DbCluster {
        engine: Some(db.engine.as_str().into()),
        engine_version: Some(db.version.clone().into()),
        database_name: Some(super::rds::database_name(name, db).into()),
        master_username: Some(super::rds::username(db).into()),
        manage_master_user_password: Some(true.into()),
        master_user_secret: kms.clone().map(|k| db_cluster::MasterUserSecret {
            kms_key_id: Some(k),
            ..Default::default()
        }),
        storage_encrypted: Some(true.into()),
        kms_key_id: kms.clone(),
        db_subnet_group_name: Some(Expr::r#ref(format!("{p}SubnetGroup"))),
        vpc_security_group_ids: Some(vec![Expr::r#ref(format!("{p}SecurityGroup"))]),
        db_cluster_parameter_group_name: Some(Expr::r#ref(format!("{p}ClusterParameterGroup"))),
        port: Some(port(db).into()),
        backup_retention_period: Some(db.backup.retention_days.into()),
        preferred_backup_window: shared.backup_window.map(Expr::from),
        preferred_maintenance_window: shared.maintenance_window.map(Expr::from),
        copy_tags_to_snapshot: Some(true.into()),
        deletion_protection: Some(db.deletion_protection.into()),
        enable_cloudwatch_logs_exports: Some(log_exports(ctx, name, db)),
        enable_iam_database_authentication: Some(db.iam_auth.into()),
        serverless_v2_scaling_configuration: db.serverless.as_ref().map(|s| {
            db_cluster::ServerlessV2ScalingConfiguration {
                min_capacity: Some(s.min_acu.into()),
                max_capacity: Some(s.max_acu.into()),
                ..Default::default()
            }
        }),
        tags: Some(ctx.named(name)),
        ..Default::default()
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

    let class = &values.instance_class;
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
                db_instance_class: Some(class.clone().into()),
                engine: Some(db.engine.as_str().into()),
                db_cluster_identifier: Some(Expr::r#ref(&p)),
                // Writer in the first zone, readers round the others.
                availability_zone: zone(ctx, i % zones),
                publicly_accessible: Some(false.into()),
                auto_minor_version_upgrade: Some(true.into()),
                ca_certificate_identifier: Some(CA.into()),
                promotion_tier: Some(tier.into()),
                tags: Some(ctx.named(&what)),
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
    ];
    // The master secret's address only where workloads sign in with it.
    if c.database_users.is_none() {
        c.environment.push(("SECRET_ARN".into(), secret_arn));
    }
    ctx.components.register(c);
    super::workload_users::build(t, ctx, name, db);
}
