//! RDS instances (PostgreSQL, MySQL) with read replicas, and the parts every
//! RDS database shares with Aurora: subnet group, parameters, monitoring
//! role, secret rotation, the connection component.

use std::collections::BTreeMap;

use super::{Ctx, keep, key_arn, rate_days, security_group, tier_subnets, zone};
use crate::check::DatabaseValues;
use crate::naming::pascal;
use crate::spec::catalog::family;
use crate::spec::data::{DatabaseSpec, Engine};
use crate::spec::network::TierKind;
use crate::synth::connect::{Component, DatabaseUsers, NetworkEndpoint, SecretRef, SecretSource};
use crate::template::iam::{PolicyDocument, Role};
use crate::template::rds::{DbInstance, DbParameterGroup, DbSubnetGroup, db_instance};
use crate::template::secretsmanager::RotationSchedule;
use crate::template::secretsmanager::rotation_schedule::RotationRules;
use crate::template::{Expr, Policy, Tag, Template};

/// Current RDS certificate authority (the rds-ca-2019 one has expired).
pub const CA: &str = "rds-ca-rsa2048-g1";
pub const DEFAULT_USERNAME: &str = "dbadmin";

pub fn build(
    t: &mut Template,
    ctx: &mut Ctx,
    name: &str,
    db: &DatabaseSpec,
    values: &DatabaseValues,
) {
    let p = pascal(name);
    let shared = build_shared(t, ctx, name, db, values);
    let storage = db
        .storage
        .clone()
        .unwrap_or(crate::spec::data::StorageSpec {
            r#type: "gp3".into(),
            size_gb: 20,
            max_gb: None,
        });
    let class = values.instance_class.clone();
    let kms = db.kms_key.as_deref().map(key_arn);
    let instance = DbInstance {
        db_instance_class: Some(class.clone().into()),
        engine: Some(db.engine.as_str().into()),
        engine_version: Some(db.version.clone().into()),
        db_name: Some(database_name(name, db).into()),
        master_username: Some(username(db).into()),
        manage_master_user_password: Some(true.into()),
        master_user_secret: kms.clone().map(|k| db_instance::MasterUserSecret {
            kms_key_id: Some(k),
            ..Default::default()
        }),
        // Strings in CloudFormation's schema.
        allocated_storage: Some(storage.size_gb.to_string().into()),
        max_allocated_storage: storage.max_gb.map(Expr::from),
        storage_type: Some(storage.r#type.clone().into()),
        storage_encrypted: Some(true.into()),
        kms_key_id: kms.clone(),
        multi_az: Some(db.multi_az.into()),
        db_subnet_group_name: Some(Expr::r#ref(format!("{p}SubnetGroup"))),
        vpc_security_groups: Some(vec![Expr::r#ref(format!("{p}SecurityGroup"))]),
        db_parameter_group_name: Some(Expr::r#ref(format!("{p}ParameterGroup"))),
        port: Some(port(db).to_string().into()),
        publicly_accessible: Some(false.into()),
        backup_retention_period: Some(db.backup.retention_days.into()),
        preferred_backup_window: shared.backup_window.clone().map(Expr::from),
        preferred_maintenance_window: shared.maintenance_window.clone().map(Expr::from),
        ..instance_defaults(
            db,
            &p,
            kms.clone(),
            log_exports(ctx, name, db),
            ctx.named(name),
        )
    };
    let r = t.add(&p, instance);
    keep(
        r,
        ctx,
        db.retain,
        Policy::Snapshot,
        &format!("databases.{name}"),
    );
    if !db.deletion_protection {
        r.skip_check(
            "CKV_AWS_293",
            &format!("deletion protection is turned off in the spec (databases.{name}.deletion_protection) for this environment"),
        );
    }

    for (i, replica) in db.replicas.iter().enumerate() {
        let n = i + 1;
        let replica_class = replica.instance.clone().unwrap_or_else(|| class.clone());
        let az = replica
            .zone
            .and_then(|z| zone(ctx, (z as usize).saturating_sub(1)));
        let r = t.add(
            format!("{p}Replica{n}"),
            DbInstance {
                db_instance_class: Some(replica_class.into()),
                source_db_instance_identifier: Some(Expr::r#ref(&p)),
                availability_zone: az,
                vpc_security_groups: Some(vec![Expr::r#ref(format!("{p}SecurityGroup"))]),
                db_parameter_group_name: Some(Expr::r#ref(format!("{p}ParameterGroup"))),
                publicly_accessible: Some(false.into()),
                ..instance_defaults(
                    db,
                    &p,
                    kms.clone(),
                    log_exports(ctx, name, db),
                    ctx.named(&format!("{name}-replica-{n}")),
                )
            },
        );
        // A replica holds a copy of the primary's data, which is itself
        // snapshotted: deleting the replica loses nothing.
        r.retain_with(Policy::Delete);
        if replica.zone.is_some() {
            super::pin_zone_lint(r, ctx);
        }
        r.skip_check(
            "CKV_AWS_16",
            "a read replica inherits encryption from its encrypted source; CloudFormation refuses StorageEncrypted on a replica",
        )
        .skip_check(
            "CKV_AWS_157",
            "a read replica is the extra copy; the primary carries Multi-AZ where the spec asks for it",
        );
        if !db.deletion_protection {
            r.skip_check(
                "CKV_AWS_293",
                &format!("deletion protection is turned off in the spec (databases.{name}.deletion_protection) for this environment"),
            );
        }
    }
    if !db.multi_az {
        t.resources
            .get_mut(&p)
            .expect("just added")
            .skip_check(
                "CKV_AWS_157",
                &format!("Multi-AZ is turned off in the spec (databases.{name}.multi_az) for this environment"),
            );
    }

    let secret_arn = Expr::get_att(&p, "MasterUserSecret.SecretArn");
    if let Some(days) = db.rotation_days {
        rotation(t, &p, secret_arn.clone(), days);
    }
    let mut component = component(name, db, &p, secret_arn, "DbiResourceId");
    component
        .environment
        .push(("HOST".into(), Expr::get_att(&p, "Endpoint.Address")));
    component
        .environment
        .push(("PORT".into(), Expr::get_att(&p, "Endpoint.Port")));
    if !db.replicas.is_empty() {
        component.environment.push((
            "READ_HOST".into(),
            Expr::get_att(format!("{p}Replica1"), "Endpoint.Address"),
        ));
    }
    component
        .environment
        .push(("NAME".into(), database_name(name, db).into()));
    // The master secret's address only where workloads sign in with it.
    if component.database_users.is_none() {
        component.environment.push((
            "SECRET_ARN".into(),
            Expr::get_att(&p, "MasterUserSecret.SecretArn"),
        ));
    }
    ctx.components.register(component);
    super::workload_users::build(t, ctx, name, db);
}

/// Windows in AWS's UTC form.
pub struct Shared {
    pub backup_window: Option<String>,
    pub maintenance_window: Option<String>,
}

/// Security group, subnet group, parameter group (instance or cluster
/// flavour chosen by the caller through `cluster`), monitoring role.
pub fn build_shared(
    t: &mut Template,
    ctx: &mut Ctx,
    name: &str,
    db: &DatabaseSpec,
    values: &DatabaseValues,
) -> Shared {
    let p = pascal(name);
    security_group(t, ctx, &format!("{p}SecurityGroup"), name, "Database");
    t.add(
        format!("{p}SubnetGroup"),
        DbSubnetGroup {
            db_subnet_group_description: format!("Subnets of database '{name}'").into(),
            subnet_ids: tier_subnets(ctx, db.subnet_tier.as_deref(), TierKind::Isolated),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    if !db.engine.is_aurora() {
        t.add(
            format!("{p}ParameterGroup"),
            DbParameterGroup {
                description: format!(
                    "Parameters of database '{name}' ({} {})",
                    db.engine.as_str(),
                    db.version
                )
                .into(),
                family: family(db.engine, &db.version).into(),
                parameters: Some(parameters(db, values)),
                tags: Some(ctx.named(name)),
                ..Default::default()
            },
        );
    }
    if db.monitoring_interval > 0 {
        t.add(
            format!("{p}MonitoringRole"),
            Role {
                assume_role_policy_document: PolicyDocument::assumed_by(
                    "monitoring.rds.amazonaws.com",
                )
                .into(),
                description: Some(
                    format!("Lets RDS enhanced monitoring publish OS metrics of database '{name}'")
                        .into(),
                ),
                managed_policy_arns: Some(vec![Expr::sub(
                    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
                )]),
                tags: Some(ctx.named(&format!("{name}-monitoring"))),
                ..Default::default()
            },
        );
    }
    Shared {
        backup_window: values.backup_window.map(|w| w.to_aws()),
        maintenance_window: values.maintenance_window.map(|w| w.to_aws()),
    }
}

/// Performance Insights and enhanced monitoring, shared by every instance.
/// What the primary and every read replica share: patching, snapshots
/// with tags, deletion protection, log exports, IAM authentication, the
/// current CA, and monitoring.
fn instance_defaults(
    db: &DatabaseSpec,
    p: &str,
    kms: Option<Expr>,
    exports: Vec<Expr>,
    tags: Vec<Tag>,
) -> DbInstance {
    DbInstance {
        auto_minor_version_upgrade: Some(true.into()),
        copy_tags_to_snapshot: Some(true.into()),
        deletion_protection: Some(db.deletion_protection.into()),
        enable_cloudwatch_logs_exports: Some(exports),
        enable_iam_database_authentication: Some(db.iam_auth.into()),
        ca_certificate_identifier: Some(CA.into()),
        tags: Some(tags),
        ..monitoring(db, p, kms)
    }
}

pub fn monitoring(db: &DatabaseSpec, p: &str, kms: Option<Expr>) -> DbInstance {
    let monitored = db.monitoring_interval > 0;
    DbInstance {
        enable_performance_insights: Some(db.performance_insights.into()),
        performance_insights_retention_period: db.performance_insights.then(|| 7.into()),
        performance_insights_kms_key_id: kms.filter(|_| db.performance_insights),
        monitoring_interval: Some(db.monitoring_interval.into()),
        monitoring_role_arn: monitored.then(|| Expr::get_att(format!("{p}MonitoringRole"), "Arn")),
        ..DbInstance::default()
    }
}

/// Rotates the RDS-managed master secret on the document's schedule; RDS
/// rotates it itself (managed rotation), so no Lambda is involved.
pub fn rotation(t: &mut Template, p: &str, secret_arn: Expr, days: u32) {
    t.add(
        format!("{p}SecretRotation"),
        RotationSchedule {
            secret_id: secret_arn,
            rotation_rules: Some(RotationRules {
                schedule_expression: Some(rate_days(days).into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
}

/// The connection component, without environment variables (RDS and Aurora
/// expose different endpoints).
pub fn component(
    name: &str,
    db: &DatabaseSpec,
    p: &str,
    secret_arn: Expr,
    resource_id_attr: &str,
) -> Component {
    let mut c = Component::new(name, &crate::kinds::database::Databases);
    c.network = Some(NetworkEndpoint {
        group_id: Expr::get_att(format!("{p}SecurityGroup"), "GroupId"),
        port: port(db),
    });
    // Each connecting workload signs in as its own user (created by
    // `workload_users`); `wire` grants `rds-db:connect` on exactly that user,
    // on the primary and on each RDS read replica (which has its own
    // resource id; an Aurora cluster's covers all its instances).
    if db.iam_auth && db.workload_users.enabled {
        let replicas = if db.engine.is_aurora() {
            Vec::new()
        } else {
            (1..=db.replicas.len())
                .map(|n| format!("{p}Replica{n}"))
                .collect()
        };
        c.database_users = Some(DatabaseUsers {
            sid: format!("Connect{p}"),
            resource: Some(super::workload_users::id(name)),
            resource_ids: std::iter::once(Expr::get_att(p, resource_id_attr))
                .chain(replicas.iter().map(|r| Expr::get_att(r, "DbiResourceId")))
                .collect(),
            region: None,
            importer: None,
        });
    }
    c.secret = Some(SecretRef {
        source: SecretSource::SecretsManager {
            arn: secret_arn,
            json_key: Some("password".into()),
        },
        kms_key_arn: db.kms_key.as_deref().map(key_arn),
    });
    c
}

pub fn port(db: &DatabaseSpec) -> u16 {
    db.port.unwrap_or(db.engine.default_port())
}

pub fn username(db: &DatabaseSpec) -> String {
    db.username
        .clone()
        .unwrap_or_else(|| DEFAULT_USERNAME.into())
}

/// The database created at launch: the spec's name, else the component key
/// with hyphens as underscores.
pub fn database_name(key: &str, db: &DatabaseSpec) -> String {
    db.name.clone().unwrap_or_else(|| key.replace('-', "_"))
}

/// The spec's log exports, else the default per engine (what the engine
/// writes without extra parameters), plus every log a `log_pattern` alarm
/// reads: its metric filter needs the log in CloudWatch Logs.
pub fn log_exports(ctx: &Ctx, key: &str, db: &DatabaseSpec) -> Vec<Expr> {
    let defaults: &[&str] = match db.engine {
        Engine::Postgres => &["postgresql", "upgrade"],
        Engine::AuroraPostgresql => &["postgresql"],
        Engine::Mysql | Engine::AuroraMysql => &["error", "slowquery"],
    };
    let mut logs: Vec<&str> = match &db.log_exports {
        Some(l) => l.iter().map(String::as_str).collect(),
        None => defaults.to_vec(),
    };
    for log in ctx.spec.logs_read_by_alarms(key) {
        if !logs.contains(&log) {
            logs.push(log);
        }
    }
    logs.into_iter().map(Expr::from).collect()
}

/// The spec's parameters in the engine's units, plus TLS required, as the
/// JSON object CloudFormation's schema takes.
pub fn parameters(db: &DatabaseSpec, values: &DatabaseValues) -> serde_json::Value {
    let mut out: BTreeMap<String, String> = values
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect();
    let (k, v) = db.engine.tls_parameter();
    out.insert(k.into(), v.into());
    serde_json::Value::Object(out.into_iter().map(|(k, v)| (k, v.into())).collect())
}
