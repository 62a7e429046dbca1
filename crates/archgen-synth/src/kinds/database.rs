//! `databases:`: RDS instances and Aurora clusters in an isolated tier,
//! encrypted, snapshotted on delete, with an RDS-managed master secret. A
//! connection opens the engine's port; the secret is injected by name.

use super::metrics::{Metric, Watched, dim};
use super::{Backup, Kind, Role, block};
use crate::naming::pascal;
use crate::spec::StackSpec;
use crate::spec::app::Access;
use crate::spec::data::DatabaseSpec;
use crate::synth::Ctx;
use crate::synth::data::{aurora, rds};
use crate::template::{Expr, Template};

block!(Databases, databases: DatabaseSpec, "database");

const RDS: &str = "AWS/RDS";

impl Kind for Databases {
    fn role(&self) -> Role {
        Role::Data { secret: true }
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        let checked = ctx.checked;
        for (name, db, values) in checked.databases() {
            if db.engine.is_aurora() {
                aurora::build(t, ctx, name, db, values);
            } else {
                rds::build(t, ctx, name, db, values);
            }
        }
    }
    fn backup(&self, spec: &StackSpec, key: &str) -> Backup {
        let Some(db) = spec.databases.get(key) else {
            return Backup::Unsupported;
        };
        // Aurora is backed up as a cluster, RDS as an instance.
        let attribute = if db.engine.is_aurora() {
            "DBClusterArn"
        } else {
            "DBInstanceArn"
        };
        Backup::Resource {
            arn: Expr::get_att(pascal(key), attribute),
            s3: false,
            cold: false,
        }
    }
    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        let db = spec.databases.get(key)?;
        let p = pascal(key);
        let cpu = Metric::new("cpu", RDS, "CPUUtilization", "Average", false, "percent");
        let connections = Metric::new(
            "connections",
            RDS,
            "DatabaseConnections",
            "Maximum",
            false,
            "connections",
        );
        Some(if db.engine.is_aurora() {
            let cluster = || vec![dim("DBClusterIdentifier", Expr::r#ref(&p))];
            let mut metrics = vec![cpu.on(cluster()), connections.on(cluster())];
            if db.readers.unwrap_or(u32::from(db.multi_az)) > 0 {
                metrics.push(
                    Metric::new(
                        "replica-lag",
                        RDS,
                        "AuroraReplicaLagMaximum",
                        "Maximum",
                        false,
                        "milliseconds",
                    )
                    .on(vec![
                        dim("DBClusterIdentifier", Expr::r#ref(&p)),
                        dim("Role", "WRITER".into()),
                    ]),
                );
            }
            Watched {
                noun: "Aurora database",
                metrics,
            }
        } else {
            let instance = || vec![dim("DBInstanceIdentifier", Expr::r#ref(&p))];
            let mut metrics = vec![
                cpu.on(instance()),
                connections.on(instance()),
                Metric::new(
                    "free-storage",
                    RDS,
                    "FreeStorageSpace",
                    "Minimum",
                    false,
                    "bytes",
                )
                .on(instance()),
            ];
            if !db.replicas.is_empty() {
                metrics.push(
                    Metric::new(
                        "replica-lag",
                        RDS,
                        "ReplicaLag",
                        "Maximum",
                        false,
                        "seconds",
                    )
                    .on(vec![dim(
                        "DBInstanceIdentifier",
                        Expr::r#ref(format!("{p}Replica1")),
                    )]),
                );
            }
            Watched {
                noun: "RDS database",
                metrics,
            }
        })
    }
}

/// One connecting workload's database user.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadUser {
    /// The database user (`user_api` is never needed: workload keys are
    /// unique across the stack).
    pub name: String,
    /// The workload's spec key and where its connection is declared.
    pub workload: String,
    pub field: String,
    pub access: Access,
    /// The stack of a workload of another stack of the project
    /// (`connects_to: [data.db]`); `None` for this stack's own.
    pub stack: Option<String>,
}

/// The database user of workload `key`: its key, hyphens as underscores.
pub fn user_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The database user of workload `key` of another stack `stack` of the
/// project: prefixed with the stack, so it never meets a local workload's.
pub fn imported_user_name(stack: &str, key: &str) -> String {
    user_name(&format!("{stack}_{key}"))
}

/// Every workload connecting to database `db`: services then functions in
/// spec order, then those of other stacks of the project.
pub fn users(spec: &StackSpec, db: &str) -> Vec<WorkloadUser> {
    let services = spec
        .services
        .iter()
        .map(|(k, s)| (k, "services", &s.connects_to));
    let functions = spec
        .functions
        .iter()
        .map(|(k, f)| (k, "functions", &f.connects_to));
    services
        .chain(functions)
        .filter_map(|(key, block, connects_to)| {
            let i = connects_to.iter().position(|c| c.key == db)?;
            Some(WorkloadUser {
                name: user_name(key),
                workload: key.clone(),
                field: format!("{block}.{key}.connects_to[{i}]"),
                access: connects_to.get(i)?.granted(),
                stack: None,
            })
        })
        .chain(
            spec.importers
                .iter()
                .filter(|i| i.component == db)
                .map(|i| WorkloadUser {
                    name: imported_user_name(&i.stack, &i.workload),
                    workload: i.workload.clone(),
                    field: i.field.clone(),
                    access: i.access,
                    stack: Some(i.stack.clone()),
                }),
        )
        .collect()
}

/// The tier of the first connecting workload: the users task runs beside
/// it, so it reaches the database and AWS the same way.
pub fn first_tier(spec: &StackSpec, users: &[WorkloadUser]) -> Option<String> {
    let first = users.iter().find(|u| u.stack.is_none())?;
    spec.services
        .get(&first.workload)
        .map(|s| s.tier.clone())
        .or_else(|| spec.functions.get(&first.workload).map(|f| f.tier.clone()))
        .flatten()
}
