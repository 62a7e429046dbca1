//! Rules for the data tier: `databases:`, `caches:`, `buckets:`,
//! `secrets:`, `parameters:` and `keys:`.

use std::net::Ipv4Addr;

use super::checked::{CacheValues, DataValues, DatabaseValues};
use super::is_name;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::spec::ResolvedStack;
use crate::spec::catalog;
use crate::spec::data::*;
use crate::spec::network::{TierKind, data_tier_order};
use crate::spec::value::window::{self, Kind, Window};
use crate::spec::value::{ParameterError, ParameterValue};

struct Out<'a> {
    stack: &'a ResolvedStack<'a>,
    list: Vec<Diagnostic>,
}

impl Out<'_> {
    fn err(&mut self, code: Code, field: &str, msg: impl Into<String>, help: impl Into<String>) {
        self.list
            .push(self.stack.error(code, field, msg).help(help));
    }
}

/// The data tier's diagnostics, and the values parsed on the way (one per
/// database and cache, in spec order; meaningful only without diagnostics).
pub(super) fn check(stack: &ResolvedStack) -> (Vec<Diagnostic>, DataValues) {
    let mut out = Out {
        stack,
        list: Vec::new(),
    };
    check_names(&mut out);
    let spec = &stack.spec;
    let mut values = DataValues::default();
    for (name, db) in &spec.databases {
        values.databases.push(check_database(&mut out, name, db));
    }
    for (name, c) in &spec.caches {
        values.caches.push(check_cache(&mut out, name, c));
    }
    for (name, b) in &spec.buckets {
        check_bucket(&mut out, name, b);
    }
    for (name, s) in &spec.secrets {
        check_secret(&mut out, name, s);
    }
    for (name, p) in &spec.parameters {
        check_parameter(&mut out, name, p);
    }
    for (name, k) in &spec.keys {
        if !(7..=30).contains(&k.deletion_window_days) {
            out.err(
                Code::Data022,
                &format!("keys.{name}.deletion_window_days"),
                format!(
                    "{} days is not a KMS deletion waiting period",
                    k.deletion_window_days
                ),
                "use 7 to 30 days (30 gives the most time to notice a mistake)",
            );
        }
    }
    (out.list, values)
}

/// Data component keys become resource names (`<app>-<env>-<key>`).
fn check_names(out: &mut Out) {
    let data = crate::kinds::components(&out.stack.spec)
        .into_iter()
        .filter(|(_, kind)| kind.role().is_data());
    for (name, kind) in data {
        if !is_name(name, 32) {
            out.err(
                Code::Data001,
                &format!("{}.{name}", kind.block()),
                format!("component name '{name}' cannot be used in resource names"),
                "use 1 to 32 lowercase letters, digits and hyphens, starting with a letter, e.g. 'uploads'",
            );
        }
    }
}

fn check_key_ref(out: &mut Out, field: &str, key: &Option<String>) {
    if let Some(d) = key
        .as_deref()
        .and_then(|k| unknown_key(out.stack, field, k))
    {
        out.list.push(d);
    }
}

/// DATA011: a component's `kms_key` names no key under `keys:`.
pub fn unknown_key(stack: &ResolvedStack, field: &str, key: &str) -> Option<Diagnostic> {
    let keys = &stack.spec.keys;
    if keys.contains_key(key) {
        return None;
    }
    let help = match did_you_mean(key, keys.keys().map(String::as_str)) {
        Some(s) => format!("did you mean '{s}'?"),
        None => format!("declare it under 'keys:', e.g. 'keys: {{ {key}: {{}} }}'"),
    };
    Some(
        stack
            .error(
                Code::Data011,
                field,
                format!("there is no key '{key}' under keys:"),
            )
            .help(help),
    )
}

fn check_tier(out: &mut Out, field: &str, tier: &Option<String>, prefer: TierKind) {
    let spec = &out.stack.spec;
    let Some(net) = &spec.network else {
        out.err(
            Code::Data008,
            field,
            "data components need a network to live in",
            "add a 'network:' block with an isolated or private tier",
        );
        return;
    };
    match tier {
        Some(t) => match net.tiers.get(t) {
            None => {
                let help = match did_you_mean(t, net.tiers.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean '{s}'?"),
                    None => format!(
                        "tiers: {}",
                        nearest_names(t, net.tiers.keys().map(String::as_str))
                    ),
                };
                out.err(
                    Code::Data008,
                    field,
                    format!("there is no subnet tier '{t}'"),
                    help,
                );
            }
            Some(spec) if spec.kind == TierKind::Public => out.err(
                Code::Data008,
                field,
                format!(
                    "tier '{t}' is public: a data store there is one route away from the internet"
                ),
                "use an isolated or private tier",
            ),
            Some(_) => {}
        },
        None => {
            if net.default_tier(&data_tier_order(prefer)).is_none() {
                out.err(
                    Code::Data008,
                    field,
                    "the network has no private or isolated tier for this data store",
                    "add an isolated tier, e.g. 'data: { type: isolated, mask: 24 }'",
                );
            }
        }
    }
}

/// Parses a window and reports a malformed one; `min` is AWS's shortest.
fn window(
    out: &mut Out,
    field: &str,
    text: &Option<String>,
    kind: Kind,
    min: i64,
) -> Option<Window> {
    let text = text.as_ref()?;
    match window::parse(text, kind) {
        Ok(w) if w.minutes < min || w.minutes > 24 * 60 => {
            out.err(
                Code::Data006,
                field,
                format!("window '{text}' lasts {} minutes", w.minutes),
                format!("AWS needs at least {min} minutes and at most 24 hours"),
            );
            None
        }
        Ok(w) => Some(w),
        Err(e) => {
            out.err(
                Code::Data006,
                field,
                e.to_string(),
                window::syntax_help(kind),
            );
            None
        }
    }
}

fn overlap(out: &mut Out, field: &str, a: Option<Window>, b: Option<Window>, what: &str) {
    if let (Some(a), Some(b)) = (a, b)
        && a.overlaps(b)
    {
        out.err(
            Code::Data007,
            field,
            format!(
                "the maintenance window ({} UTC) overlaps the {what} window ({} UTC)",
                b.to_aws(),
                a.to_aws()
            ),
            format!("move one of them; AWS refuses overlapping {what} and maintenance windows"),
        );
    }
}

/// The instance class of Aurora Serverless v2 instances.
const SERVERLESS_CLASS: &str = "db.serverless";

fn check_database(out: &mut Out, name: &str, db: &DatabaseSpec) -> DatabaseValues {
    let base = format!("databases.{name}");
    let f = |s: &str| format!("{base}.{s}");
    let engine = db.engine;
    let versions = catalog::versions(engine);
    if !versions.contains(&db.version.as_str()) {
        let prefix = format!("{}.", db.version);
        let minors: Vec<&str> = versions
            .iter()
            .copied()
            .filter(|v| v.starts_with(&prefix))
            .collect();
        let msg = if !minors.is_empty() {
            format!(
                "'{}' is a major version; RDS creates new {} instances only from a full minor version",
                db.version,
                engine.as_str()
            )
        } else {
            format!(
                "{} {} is not an engine version RDS offers",
                engine.as_str(),
                db.version
            )
        };
        let help = if minors.is_empty() {
            format!("use one of {}", versions.join(", "))
        } else {
            format!("use one of {}", minors.join(", "))
        };
        out.err(Code::Data002, &f("version"), msg, help);
    }
    match (&db.instance, &db.serverless, engine.is_aurora()) {
        (Some(class), _, _) if !catalog::instance_class_ok(engine, class) => out.err(
            Code::Data003,
            &f("instance"),
            format!("'{class}' is not an instance class RDS offers for {}", engine.as_str()),
            format!("use e.g. {}", catalog::example_classes(engine)),
        ),
        (Some(_), Some(_), _) => out.err(
            Code::Data005,
            &f("serverless"),
            "a database is either provisioned ('instance:') or Serverless v2 ('serverless:'), not both",
            "remove one of them",
        ),
        (None, None, _) => out.err(
            Code::Data003,
            &base,
            "missing 'instance:' (the instance class)",
            format!("add e.g. 'instance: db.t3.medium'{}", if engine.is_aurora() { " or 'serverless: { min_acu: 0.5, max_acu: 4 }'" } else { "" }),
        ),
        _ => {}
    }
    if let Some(s) = &db.serverless {
        if !engine.is_aurora() {
            out.err(
                Code::Data005,
                &f("serverless"),
                "Serverless v2 is an Aurora feature",
                "use engine aurora-postgresql or aurora-mysql, or give an 'instance:' class",
            );
        }
        let step = |x: f64| (x * 2.0).fract() == 0.0;
        for (field, v) in [("min_acu", s.min_acu), ("max_acu", s.max_acu)] {
            if !(0.0..=256.0).contains(&v) || !step(v) {
                out.err(
                    Code::Data005,
                    &f(&format!("serverless.{field}")),
                    format!("{v} ACU is not a Serverless v2 capacity"),
                    "use 0 to 256 ACU in steps of 0.5",
                );
            }
        }
        if s.min_acu > s.max_acu {
            out.err(
                Code::Data005,
                &f("serverless.min_acu"),
                format!(
                    "minimum {} ACU is above the maximum {} ACU",
                    s.min_acu, s.max_acu
                ),
                "make min_acu at most max_acu",
            );
        } else if s.max_acu < 1.0 && s.max_acu >= 0.0 {
            out.err(
                Code::Data005,
                &f("serverless.max_acu"),
                format!(
                    "{} ACU is below Serverless v2's smallest maximum",
                    s.max_acu
                ),
                "use a max_acu of at least 1",
            );
        }
        if s.min_acu == 0.0 && !catalog::supports_zero_capacity(engine, &db.version) {
            out.err(
                Code::Data005,
                &f("serverless.min_acu"),
                format!("{} {} cannot pause at 0 ACU", engine.as_str(), db.version),
                "use min_acu 0.5, or an engine version that scales to zero (aurora-postgresql 16.3+, aurora-mysql 3.08+)",
            );
        }
    }
    if engine.is_aurora() {
        if db.storage.is_some() {
            out.err(
                Code::Data004,
                &f("storage"),
                "Aurora storage grows by itself and takes no size",
                "remove 'storage:'",
            );
        }
        if !db.replicas.is_empty() {
            out.err(
                Code::Data020,
                &f("replicas"),
                "Aurora clusters have readers, not read replicas",
                "use 'readers: <count>'",
            );
        }
        if db.readers.is_some_and(|r| r > 15) {
            out.err(
                Code::Data020,
                &f("readers"),
                "an Aurora cluster has at most 15 readers",
                "use 0 to 15 readers",
            );
        }
    } else {
        if db.readers.is_some() {
            out.err(
                Code::Data020,
                &f("readers"),
                "'readers' is for Aurora clusters",
                "use 'replicas:' for RDS read replicas",
            );
        }
        if let Some(st) = &db.storage {
            if !["gp2", "gp3", "io1", "io2"].contains(&st.r#type.as_str()) {
                out.err(
                    Code::Data004,
                    &f("storage.type"),
                    format!("'{}' is not an RDS storage type", st.r#type),
                    "use gp3 (or gp2, io1, io2)",
                );
            }
            if !(20..=65536).contains(&st.size_gb) {
                out.err(
                    Code::Data004,
                    &f("storage.size_gb"),
                    format!("{} GB is out of range", st.size_gb),
                    "use 20 to 65536 GB",
                );
            }
            if let Some(max) = st.max_gb
                && (max <= st.size_gb || max > 65536)
            {
                out.err(
                    Code::Data004,
                    &f("storage.max_gb"),
                    format!("the autoscaling ceiling {max} GB must be above the size {} GB", st.size_gb),
                    "use a max_gb between size_gb and 65536, or leave it out to turn storage autoscaling off",
                );
            }
        }
        let zones = out
            .stack
            .spec
            .network
            .as_ref()
            .map_or(0, |n| n.zones.count());
        for (i, r) in db.replicas.iter().enumerate() {
            if let Some(class) = &r.instance
                && !catalog::instance_class_ok(engine, class)
            {
                out.err(
                    Code::Data003,
                    &f(&format!("replicas[{i}].instance")),
                    format!(
                        "'{class}' is not an instance class RDS offers for {}",
                        engine.as_str()
                    ),
                    format!("use e.g. {}", catalog::example_classes(engine)),
                );
            }
            if let Some(z) = r.zone
                && (z == 0 || z as usize > zones)
            {
                out.err(
                    Code::Data020,
                    &f(&format!("replicas[{i}].zone")),
                    format!("zone {z} is not one of the network's {zones} zones"),
                    "zones are numbered from 1 in network zone order",
                );
            }
        }
        if db.replicas.len() > 15 {
            out.err(
                Code::Data020,
                &f("replicas"),
                "RDS allows at most 15 read replicas",
                "use fewer replicas",
            );
        }
    }
    if !(1..=35).contains(&db.backup.retention_days) {
        out.err(
            Code::Data009,
            &f("backup.retention_days"),
            format!(
                "{} days of backups is out of range",
                db.backup.retention_days
            ),
            "use 1 to 35 days; 0 would turn automated backups (and point-in-time recovery) off",
        );
    }
    let backup = window(out, &f("backup.window"), &db.backup.window, Kind::Daily, 30);
    let maint = window(
        out,
        &f("maintenance_window"),
        &db.maintenance_window,
        Kind::Weekly,
        30,
    );
    overlap(out, &f("maintenance_window"), backup, maint, "backup");
    let mut values = DatabaseValues {
        // Neither given is DATA003: then there is no checked stack.
        instance_class: match (&db.instance, &db.serverless) {
            (Some(class), _) => class.clone(),
            (None, Some(_)) => SERVERLESS_CLASS.into(),
            (None, None) => String::new(),
        },
        backup_window: backup,
        maintenance_window: maint,
        parameters: Default::default(),
    };
    check_tier(out, &f("subnet_tier"), &db.subnet_tier, TierKind::Isolated);
    check_key_ref(out, &f("kms_key"), &db.kms_key);
    let (tls, _) = engine.tls_parameter();
    for (k, v) in &db.parameters {
        if k == tls {
            out.err(
                Code::Data010,
                &f(&format!("parameters.{k}")),
                format!("'{k}' is set by archgen: TLS is always required"),
                format!("remove '{k}'"),
            );
            continue;
        }
        match ParameterValue::parse(engine, k, v) {
            Ok(value) => {
                values.parameters.insert(k.clone(), value);
            }
            Err(e) => out.err(
                Code::Data010,
                &f(&format!("parameters.{k}")),
                e.to_string(),
                parameter_help(&e),
            ),
        }
    }
    if ![0, 1, 5, 10, 15, 30, 60].contains(&db.monitoring_interval) {
        out.err(
            Code::Data019,
            &f("monitoring_interval"),
            format!(
                "{} seconds is not an enhanced-monitoring interval",
                db.monitoring_interval
            ),
            "use 0 (off), 1, 5, 10, 15, 30 or 60",
        );
    }
    if db.performance_insights
        && let Some(class) = &db.instance
        && !catalog::performance_insights_ok(engine, class)
    {
        out.err(
            Code::Data019,
            &f("performance_insights"),
            format!(
                "Performance Insights is not offered on {class} for {}",
                engine.as_str()
            ),
            "use a medium or larger class, or set 'performance_insights: false'",
        );
    }
    if let Some(d) = db.rotation_days
        && !(1..=365).contains(&d)
    {
        out.err(
            Code::Data017,
            &f("rotation_days"),
            format!("rotation every {d} days is out of range"),
            "use 1 to 365 days",
        );
    }
    let db_name = db.name.clone().unwrap_or_else(|| name.replace('-', "_"));
    let ident = |s: &str, max: usize| {
        s.len() <= max
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !ident(&db_name, 63) {
        out.err(
            Code::Data021,
            &f("name"),
            format!("'{db_name}' is not a database name"),
            "use up to 63 letters, digits and underscores, starting with a letter",
        );
    }
    if let Some(u) = &db.username
        && (!ident(u, 16) || ["rdsadmin", "rdsrepladmin", "rdsproxyadmin"].contains(&u.as_str()))
    {
        out.err(Code::Data021, &f("username"), format!("'{u}' cannot be the master user name"), "use up to 16 letters, digits and underscores, starting with a letter, and not a name RDS reserves");
    }
    check_workload_users(out, name, db);
    values
}

/// DATA043-DATA045: each connecting workload gets a database user it signs
/// in to with an IAM token, unless the spec says why not.
fn check_workload_users(out: &mut Out, name: &str, db: &DatabaseSpec) {
    let field = format!("databases.{name}.workload_users");
    let wu = &db.workload_users;
    if !wu.enabled {
        if wu.reason.is_none() {
            out.err(
                Code::Data043,
                &format!("{field}.enabled"),
                format!("database '{name}' goes without workload users, and the spec does not say why"),
                "say why with 'reason: ...' beside 'enabled: false' (e.g. the application cannot use IAM authentication tokens yet), or turn them back on",
            );
        }
        return;
    }
    if !db.iam_auth {
        out.err(
            Code::Data044,
            &format!("databases.{name}.iam_auth"),
            format!("database '{name}' gives each workload its own user, who signs in with an IAM token, but IAM database authentication is off"),
            format!("remove 'iam_auth: false', or set '{field}: {{ enabled: false, reason: ... }}' so workloads use the master secret"),
        );
        return;
    }
    if let Some(image) = &wu.image {
        out.list.extend(super::app::unknown_repository(
            out.stack,
            &format!("{field}.image.repository"),
            image,
        ));
    }
    let max = if db.engine.is_postgres() { 63 } else { 32 };
    let master = db.username.clone().unwrap_or_else(|| "dbadmin".into());
    let users = crate::kinds::database::users(&out.stack.spec, name);
    for (i, u) in users.iter().enumerate() {
        let taken = users.iter().take(i).find(|other| other.name == u.name);
        if let Some(other) = taken {
            out.err(
                Code::Data046,
                &user_field(name, u),
                format!(
                    "{} and {} would both sign in to database '{name}' as user '{}'",
                    describe(u),
                    describe(other),
                    u.name
                ),
                "rename one of the workloads: a local workload's user is its key, one of another stack's is '<stack>_<key>', hyphens as underscores",
            );
        }
    }
    for u in users {
        let reserved = u.name == master
            || u.name.starts_with("rds_")
            || u.name.starts_with("pg_")
            || [
                "rdsadmin",
                "rdsrepladmin",
                "rdsproxyadmin",
                "postgres",
                "root",
                "mysql",
                "public",
            ]
            .contains(&u.name.as_str());
        let problem = if u.name.len() > max {
            Some(format!(
                "is {} characters long, {} allows {max}",
                u.name.len(),
                db.engine.as_str()
            ))
        } else if reserved {
            Some("is a name RDS or the engine reserves, or the master user's".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            out.err(
                Code::Data045,
                &user_field(name, &u),
                format!("the database user of {} would be '{}', which {problem}", describe(&u), u.name),
                format!("rename the workload (its user is its key with hyphens as underscores), or set '{field}: {{ enabled: false, reason: ... }}'"),
            );
        }
    }
}

/// Where a workload user is reported: at the connection, or for a workload
/// of another stack, at the database (the connection is in another file).
fn user_field(db: &str, u: &crate::kinds::database::WorkloadUser) -> String {
    match &u.stack {
        Some(_) => format!("databases.{db}"),
        None => u.field.clone(),
    }
}

/// `service 'api'`, or `service 'backend' of stack 'app'`.
fn describe(u: &crate::kinds::database::WorkloadUser) -> String {
    let kind = if u.field.starts_with("services") {
        "service"
    } else {
        "function"
    };
    match &u.stack {
        Some(stack) => format!("{kind} '{}' of stack '{stack}'", u.workload),
        None => format!("{kind} '{}'", u.workload),
    }
}

fn parameter_help(e: &ParameterError) -> &'static str {
    match e {
        ParameterError::UnknownUnit { .. } | ParameterError::NotWholeUnits { .. } => {
            "write the value in the parameter's own unit, as a plain number"
        }
        ParameterError::TooLarge { .. } => "write a size below 16 EB, e.g. '256MB' or '4GB'",
    }
}

fn check_cache(out: &mut Out, name: &str, c: &CacheSpec) -> CacheValues {
    let base = format!("caches.{name}");
    let f = |s: &str| format!("{base}.{s}");
    if (c.logs.slow || c.logs.engine)
        && !crate::template::logs::RETENTION_DAYS.contains(&c.logs.retention_days)
    {
        out.err(
            Code::Data040,
            &f("logs.retention_days"),
            format!(
                "{} days is not a CloudWatch Logs retention period",
                c.logs.retention_days
            ),
            "use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ...",
        );
    }
    let versions = catalog::cache_versions(c.engine);
    if !versions.contains(&c.version.as_str()) {
        out.err(
            Code::Data012,
            &f("version"),
            format!(
                "{} {} is not an engine version ElastiCache offers",
                c.engine.as_str(),
                c.version
            ),
            format!("use one of {}", versions.join(", ")),
        );
    }
    if !catalog::node_type_ok(&c.node_type) {
        out.err(
            Code::Data012,
            &f("node_type"),
            format!("'{}' is not an ElastiCache node type", c.node_type),
            "use e.g. cache.t4g.micro, cache.t3.medium, cache.r7g.large",
        );
    }
    if c.replicas > 5 {
        out.err(
            Code::Data013,
            &f("replicas"),
            format!("{} replicas is out of range", c.replicas),
            "use 0 to 5 replicas",
        );
    }
    if let Some(s) = c.shards {
        if !(1..=500).contains(&s) {
            out.err(
                Code::Data013,
                &f("shards"),
                format!("{s} shards is out of range"),
                "use 1 to 500 shards",
            );
        }
        if !c.failover() {
            out.err(
                Code::Data013,
                &f(if c.automatic_failover.is_some() {
                    "automatic_failover"
                } else {
                    "shards"
                }),
                "cluster mode (shards) needs automatic failover",
                "set 'automatic_failover: true' and give each shard a replica ('replicas: 1')",
            );
        }
    }
    if c.failover() && c.replicas == 0 {
        out.err(
            Code::Data013,
            &f("automatic_failover"),
            "automatic failover needs a replica to fail over to",
            "set 'replicas: 1' or more",
        );
    }
    if c.multi_az() && !c.failover() {
        out.err(
            Code::Data013,
            &f("multi_az"),
            "Multi-AZ needs automatic failover",
            "set 'automatic_failover: true' with at least one replica",
        );
    }
    if c.snapshot.retention_days > 35 {
        out.err(
            Code::Data009,
            &f("snapshot.retention_days"),
            format!(
                "{} days of snapshots is out of range",
                c.snapshot.retention_days
            ),
            "use 0 to 35 days",
        );
    }
    let snap = window(
        out,
        &f("snapshot.window"),
        &c.snapshot.window,
        Kind::Daily,
        60,
    );
    let maint = window(
        out,
        &f("maintenance_window"),
        &c.maintenance_window,
        Kind::Weekly,
        60,
    );
    overlap(out, &f("maintenance_window"), snap, maint, "snapshot");
    check_tier(out, &f("subnet_tier"), &c.subnet_tier, TierKind::Private);
    check_key_ref(out, &f("kms_key"), &c.kms_key);
    if let Some(days) = c.auth_token.rotation_days {
        check_rotation_days(out, &f("auth_token.rotation_days"), days);
    }
    CacheValues {
        snapshot_window: snap,
        maintenance_window: maint,
    }
}

/// S3's bucket naming rules, for the name archgen will use.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-';
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&name.len()) {
        Some("bucket names are 3 to 63 characters long")
    } else if !name.chars().all(ok_char) {
        Some("bucket names hold only lowercase letters, digits, dots and hyphens")
    } else if !edge(name.chars().next()) || !edge(name.chars().last()) {
        Some("bucket names begin and end with a letter or digit")
    } else if name.contains("..") || name.contains(".-") || name.contains("-.") {
        Some("bucket names have no two adjacent dots, nor a dot next to a hyphen")
    } else if name.parse::<Ipv4Addr>().is_ok() {
        Some("bucket names may not look like an IP address")
    } else if ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        Some("bucket names may not begin with xn--, sthree- or amzn-s3-demo-")
    } else if ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        Some("bucket names may not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3")
    } else {
        None
    }
}

/// Cross-region replication: ARNs S3 and KMS accept, and a source bucket
/// that can be replicated with KMS-encrypted replicas.
fn check_replication(out: &mut Out, base: &str, b: &BucketSpec, r: &ReplicationSpec) {
    let field = |s: &str| format!("{base}.replication.{s}");
    let destination_name = r.destination.strip_prefix("arn:aws:s3:::");
    if destination_name.is_none_or(|n| bucket_name_problem(n).is_some()) {
        out.err(
            Code::Data041,
            &field("destination"),
            format!("'{}' is not an S3 bucket ARN", r.destination),
            "give the existing destination bucket's ARN: arn:aws:s3:::<bucket-name>",
        );
    }
    let key_parts: Vec<&str> = r.kms_key.split(':').collect();
    let key_ok = key_parts.len() == 6
        && key_parts.first() == Some(&"arn")
        && key_parts.get(1) == Some(&"aws")
        && key_parts.get(2) == Some(&"kms")
        && r.destination_region().is_some_and(|region| {
            region.split('-').count() >= 3
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        && key_parts
            .get(4)
            .is_some_and(|a| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
        && key_parts
            .get(5)
            .is_some_and(|k| k.strip_prefix("key/").is_some_and(|id| !id.is_empty()));
    if !key_ok {
        out.err(
            Code::Data041,
            &field("kms_key"),
            format!("'{}' is not a KMS key ARN", r.kms_key),
            "give the ARN of a key in the destination's region: arn:aws:kms:<region>:<account>:key/<key-id> (not an alias: the replication role is granted on the key)",
        );
    } else if r.destination_region() == Some(out.stack.spec.region.as_str()) {
        out.err(
            Code::Data041,
            &field("kms_key"),
            format!(
                "the key is in {}, the stack's own region: this is not cross-region replication",
                out.stack.spec.region
            ),
            "use a destination bucket and key in another region",
        );
    }
    let needs = [
        (
            !b.versioned,
            "versioned",
            "S3 replicates versions: the bucket must be versioned",
            "add 'versioned: true' (the destination bucket must be versioned too)",
        ),
        (
            b.kms_key.is_none(),
            "kms_key",
            "replicas are encrypted with the destination key only when the source objects are SSE-KMS",
            "add 'kms_key: <key>' from keys: to the bucket",
        ),
        (
            b.name.is_none(),
            "name",
            "the replication role's policy must name the bucket before CloudFormation creates it",
            "add 'name: <stem>' (archgen appends -<environment>)",
        ),
    ];
    for (missing, what, why, fix) in needs {
        if missing {
            out.err(
                Code::Data042,
                &field("destination"),
                format!("a replicated bucket needs '{what}': {why}"),
                fix,
            );
        }
    }
}

fn check_bucket(out: &mut Out, name: &str, b: &BucketSpec) {
    let base = format!("buckets.{name}");
    let f = |s: &str| format!("{base}.{s}");
    if let Some(n) = &b.name {
        let full = crate::naming::per_environment(n, &out.stack.environment);
        if let Some(why) = bucket_name_problem(&full) {
            out.err(Code::Data014, &f("name"), format!("bucket name '{full}' breaks S3's naming rules: {why}"), "archgen appends '-<environment>'; use lowercase letters, digits and hyphens, e.g. 'user-app-uploads'");
        }
    }
    check_key_ref(out, &f("kms_key"), &b.kms_key);
    if let Some(r) = &b.replication {
        check_replication(out, &base, b, r);
    }
    if let Some(target) = &b.access_logs {
        match out.stack.spec.buckets.get(target) {
            None => {
                let help = match did_you_mean(target, out.stack.spec.buckets.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean '{s}'?"),
                    None => "name a bucket declared under 'buckets:'".into(),
                };
                out.err(Code::Data015, &f("access_logs"), format!("there is no bucket '{target}' to receive access logs"), help);
            }
            Some(_) if target == name => out.err(Code::Data015, &f("access_logs"), "a bucket cannot log its own access into itself", "send the logs to a separate log bucket"),
            Some(t) if t.kms_key.is_some() => out.err(Code::Data015, &f("access_logs"), format!("bucket '{target}' is encrypted with SSE-KMS, which S3 server access logging cannot write to"), format!("leave buckets.{target}.kms_key out (SSE-S3)")),
            Some(t) if t.access_logs.is_some() => out.err(Code::Data015, &f("access_logs"), format!("bucket '{target}' itself logs to another bucket; log buckets should not chain"), "send every bucket's logs to one log bucket that logs nowhere"),
            Some(_) => {}
        }
    }
    let check_transitions = |out: &mut Out, field: &str, ts: &[Transition], expire: Option<u32>| {
        let mut last = 0;
        for (i, t) in ts.iter().enumerate() {
            let tf = format!("{field}.transitions[{i}].days");
            if t.days < t.to.min_days() {
                out.err(
                    Code::Data016,
                    &tf,
                    format!(
                        "S3 moves objects to {} after 30 days at the earliest",
                        t.to.as_str()
                    ),
                    "use 30 days or more",
                );
            } else if i > 0 && t.days <= last {
                out.err(Code::Data016, &tf, format!("transition after {} days does not come after the previous one ({last} days)", t.days), "list transitions in increasing days");
            }
            last = t.days;
        }
        if let Some(e) = expire
            && (e == 0 || e <= last)
        {
            out.err(
                Code::Data016,
                &format!("{field}.expire_days"),
                format!("expiry after {e} days comes before the last transition ({last} days)"),
                "expire objects after their last transition",
            );
        }
    };
    check_transitions(
        out,
        &f("lifecycle"),
        &b.lifecycle.transitions,
        b.lifecycle.expire_days,
    );
    if let Some(n) = &b.lifecycle.noncurrent {
        if !b.versioned {
            out.err(
                Code::Data016,
                &f("lifecycle.noncurrent"),
                "noncurrent-version rules need versioning",
                "set 'versioned: true' or remove 'noncurrent:'",
            );
        }
        check_transitions(
            out,
            &f("lifecycle.noncurrent"),
            &n.transitions,
            n.expire_days,
        );
    }
    if b.lifecycle.abort_multipart_days == 0 {
        out.err(
            Code::Data016,
            &f("lifecycle.abort_multipart_days"),
            "0 days would abort uploads still in progress",
            "use 1 day or more (7 is usual)",
        );
    }
    const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];
    for (i, rule) in b.cors.iter().enumerate() {
        for (j, m) in rule.methods.iter().enumerate() {
            if !METHODS.contains(&m.as_str()) {
                out.err(
                    Code::Data024,
                    &f(&format!("cors[{i}].methods[{j}]")),
                    format!("'{m}' is not a CORS method S3 accepts"),
                    format!("use {}", METHODS.join(", ")),
                );
            }
        }
        if rule.origins.is_empty() {
            out.err(
                Code::Data024,
                &f(&format!("cors[{i}].origins")),
                "a CORS rule needs at least one origin",
                "list the web origins, e.g. 'https://example.com'",
            );
        }
    }
}

fn check_secret(out: &mut Out, name: &str, s: &SecretSpec) {
    let base = format!("secrets.{name}");
    let f = |x: &str| format!("{base}.{x}");
    if let Some(arn) = &s.arn {
        if !(arn.starts_with("arn:aws")
            && arn.contains(":secretsmanager:")
            && arn.contains(":secret:"))
        {
            out.err(
                Code::Data017,
                &f("arn"),
                format!("'{arn}' is not a Secrets Manager secret ARN"),
                "use arn:aws:secretsmanager:<region>:<account>:secret:<name>",
            );
        }
        if s.generate.is_some() || s.rotation.is_some() || s.kms_key.is_some() {
            out.err(Code::Data017, &f("arn"), "a referenced secret is managed outside this stack", "remove 'generate', 'rotation' and 'kms_key', or drop 'arn' to create the secret here");
        }
    }
    if let Some(g) = &s.generate
        && !(8..=4096).contains(&g.length)
    {
        out.err(
            Code::Data017,
            &f("generate.length"),
            format!("{} characters is out of range", g.length),
            "use 8 to 4096 characters (32 or more for keys)",
        );
    }
    if let Some(r) = &s.rotation {
        if !(1..=1000).contains(&r.days) {
            out.err(
                Code::Data017,
                &f("rotation.days"),
                format!("rotation every {} days is out of range", r.days),
                "use 1 to 1000 days",
            );
        }
        if !r.function_arn.starts_with("arn:aws") || !r.function_arn.contains(":lambda:") {
            out.err(
                Code::Data017,
                &f("rotation.function_arn"),
                format!("'{}' is not a Lambda function ARN", r.function_arn),
                "use arn:aws:lambda:<region>:<account>:function:<name>",
            );
        }
    }
    check_key_ref(out, &f("kms_key"), &s.kms_key);
    if s.service_key && s.kms_key.is_some() {
        out.err(
            Code::Data035,
            &f("service_key"),
            "'service_key: true' and 'kms_key' contradict each other",
            "keep one: kms_key names the key, service_key keeps Secrets Manager's AWS managed key",
        );
    }
    if s.service_key && s.arn.is_some() {
        out.err(
            Code::Data035,
            &f("service_key"),
            "a referenced secret keeps the key it was created with",
            "remove 'service_key', or drop 'arn' to create the secret here",
        );
    }
    if let Some(days) = s.rotation_days {
        check_rotation_days(out, &f("rotation_days"), days);
        if s.arn.is_some() {
            out.err(
                Code::Data036,
                &f("rotation_days"),
                "archgen does not generate a secret referenced by 'arn', so it cannot rotate it",
                "rotate it where it is created, or drop 'arn' to have archgen generate and rotate it",
            );
        }
        if s.rotation.is_some() {
            out.err(
                Code::Data036,
                &f("rotation_days"),
                "'rotation_days' and 'rotation' both set a rotation function",
                "keep 'rotation_days' for archgen's function, or 'rotation: { days, function_arn }' for your own",
            );
        }
    }
}

/// Secrets Manager rotates every 1 to 1000 days.
fn check_rotation_days(out: &mut Out, field: &str, days: u32) {
    if !(1..=1000).contains(&days) {
        out.err(
            Code::Data036,
            field,
            format!("rotation every {days} days is out of range"),
            "use 1 to 1000 days (Secrets Manager's range)",
        );
    }
}

fn check_parameter(out: &mut Out, name: &str, p: &ParameterSpec) {
    let base = format!("parameters.{name}");
    if p.secure && p.value.is_some() {
        out.err(Code::Data018, &format!("{base}.value"), "CloudFormation cannot create SecureString parameters, and a secret value does not belong in the spec", "create it outside the stack (aws ssm put-parameter --type SecureString) and remove 'value'; archgen references it by name");
    }
    if !p.secure && p.value.is_none() {
        out.err(Code::Data018, &base, "a plain parameter needs a 'value'", "add 'value:', or set 'secure: true' to reference a SecureString created outside the stack");
    }
    if let Some(n) = &p.name
        && (!n.starts_with('/') || n.len() > 1011 || n.contains("//"))
    {
        out.err(
            Code::Data018,
            &format!("{base}.name"),
            format!("'{n}' is not a hierarchical parameter name"),
            "use a path such as /solo-saving/prod/db-password",
        );
    }
}
