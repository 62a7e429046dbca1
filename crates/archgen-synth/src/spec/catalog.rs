//! What AWS offers, as archgen knows it: engine versions, instance classes,
//! cache node types and parameter-group families. Checked before synthesis
//! so a typo fails at the spec line, not mid-deploy; synth names families
//! from it. (Parameter units are in `value::parameter`.)
//!
//! Engine versions are the ones RDS still offers for new instances (taken
//! from the RDS engine-version lists that cfn-lint 1.58 validates against,
//! deprecated minors removed). Bare major versions are left out on purpose.

use super::data::{CacheEngine, Engine};

pub const POSTGRES_VERSIONS: &[&str] = &[
    "13.23", "14.18", "14.19", "14.20", "14.21", "14.22", "15.13", "15.14", "15.15", "15.16",
    "15.17", "16.9", "16.10", "16.11", "16.12", "16.13", "17.5", "17.6", "17.7", "17.8", "17.9",
];

pub const MYSQL_VERSIONS: &[&str] = &[
    "8.0.42", "8.0.43", "8.0.44", "8.0.45", "8.4.5", "8.4.6", "8.4.7", "8.4.8",
];

pub const AURORA_POSTGRESQL_VERSIONS: &[&str] = &[
    "13.23", "14.17", "14.18", "14.19", "14.20", "15.10", "15.12", "15.13", "15.14", "15.15",
    "16.8", "16.9", "16.10", "16.11", "17.4", "17.5", "17.6", "17.7",
];

pub const AURORA_MYSQL_VERSIONS: &[&str] = &[
    "8.0.mysql_aurora.3.04.3",
    "8.0.mysql_aurora.3.04.4",
    "8.0.mysql_aurora.3.08.0",
    "8.0.mysql_aurora.3.08.1",
    "8.0.mysql_aurora.3.08.2",
    "8.0.mysql_aurora.3.09.0",
    "8.0.mysql_aurora.3.10.0",
    "8.0.mysql_aurora.3.10.1",
];

pub fn versions(engine: Engine) -> &'static [&'static str] {
    match engine {
        Engine::Postgres => POSTGRES_VERSIONS,
        Engine::Mysql => MYSQL_VERSIONS,
        Engine::AuroraPostgresql => AURORA_POSTGRESQL_VERSIONS,
        Engine::AuroraMysql => AURORA_MYSQL_VERSIONS,
    }
}

/// The major version a family is named after: `15.15` → `15`,
/// `8.4.6` → `8.4`, `8.0.mysql_aurora.3.08.2` → `8.0`.
fn major(engine: Engine, version: &str) -> String {
    let mut parts = version.split('.');
    let first = parts.next().unwrap_or_default();
    if engine.is_postgres() {
        first.to_string()
    } else {
        format!("{first}.{}", parts.next().unwrap_or_default())
    }
}

/// Parameter-group family: `postgres15`, `mysql8.4`, `aurora-postgresql16`.
pub fn family(engine: Engine, version: &str) -> String {
    format!("{}{}", engine.as_str(), major(engine, version))
}

/// Aurora Serverless v2 may scale to 0 ACU from these versions on.
pub fn supports_zero_capacity(engine: Engine, version: &str) -> bool {
    let num = |s: &str| -> Vec<u32> { s.split('.').filter_map(|p| p.parse().ok()).collect() };
    match engine {
        Engine::AuroraPostgresql => {
            let v = num(version);
            let min = match v.first() {
                Some(13) => 15,
                Some(14) => 12,
                Some(15) => 7,
                Some(16) => 3,
                Some(m) if *m >= 17 => 0,
                _ => return false,
            };
            v.get(1).copied().unwrap_or(0) >= min
        }
        Engine::AuroraMysql => version
            .strip_prefix("8.0.mysql_aurora.")
            .map(num)
            .is_some_and(|v| v >= vec![3, 8]),
        _ => false,
    }
}

const DB_FAMILIES: &[&str] = &[
    "db.t3", "db.t4g", "db.m5", "db.m6g", "db.m6i", "db.m7g", "db.r5", "db.r6g", "db.r6i", "db.r7g",
];
const DB_SIZES: &[&str] = &[
    "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge",
    "16xlarge", "24xlarge",
];

/// Whether RDS offers `class` for `engine` (burstable classes stop at
/// 2xlarge, general-purpose and memory classes start at large; Aurora takes
/// no micro or small class and no m class).
pub fn instance_class_ok(engine: Engine, class: &str) -> bool {
    let Some((family, size)) = class.rsplit_once('.') else {
        return false;
    };
    if !DB_FAMILIES.contains(&family) || !DB_SIZES.contains(&size) {
        return false;
    }
    let burstable = family == "db.t3" || family == "db.t4g";
    let small = ["micro", "small", "medium"].contains(&size);
    let fits = if burstable {
        !["4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"].contains(&size)
    } else {
        !small
    };
    let aurora_ok = !engine.is_aurora()
        || (burstable && (size == "medium" || size == "large"))
        || family.starts_with("db.r");
    fits && aurora_ok
}

pub fn example_classes(engine: Engine) -> &'static str {
    if engine.is_aurora() {
        "db.t4g.medium, db.r6g.large, db.r7g.large (or 'serverless:' for Serverless v2)"
    } else {
        "db.t4g.micro, db.t3.medium, db.m7g.large, db.r6g.xlarge"
    }
}

/// Performance Insights is not offered on the smallest MySQL classes.
pub fn performance_insights_ok(engine: Engine, class: &str) -> bool {
    engine.is_postgres() || !(class.ends_with(".micro") || class.ends_with(".small"))
}

pub const CACHE_NODE_FAMILIES: &[&str] = &[
    "cache.t3",
    "cache.t4g",
    "cache.m5",
    "cache.m6g",
    "cache.m7g",
    "cache.r5",
    "cache.r6g",
    "cache.r7g",
];

pub fn node_type_ok(node: &str) -> bool {
    let Some((family, size)) = node.rsplit_once('.') else {
        return false;
    };
    let burstable = family == "cache.t3" || family == "cache.t4g";
    CACHE_NODE_FAMILIES.contains(&family)
        && if burstable {
            ["micro", "small", "medium"].contains(&size)
        } else {
            [
                "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
                "24xlarge",
            ]
            .contains(&size)
        }
}

pub fn cache_versions(engine: CacheEngine) -> &'static [&'static str] {
    match engine {
        CacheEngine::Redis => &["6.2", "7.0", "7.1"],
        CacheEngine::Valkey => &["7.2", "8.0", "8.1"],
    }
}

/// `redis7`, `redis6.x`, `valkey8`.
pub fn cache_family(engine: CacheEngine, version: &str) -> String {
    let major = version.split('.').next().unwrap_or_default();
    match (engine, major) {
        (CacheEngine::Redis, "6") => "redis6.x".into(),
        (e, m) => format!("{}{m}", e.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_engine_and_major_version() {
        assert_eq!(family(Engine::Postgres, "15.15"), "postgres15");
        assert_eq!(family(Engine::Mysql, "8.4.6"), "mysql8.4");
        assert_eq!(
            family(Engine::AuroraPostgresql, "16.8"),
            "aurora-postgresql16"
        );
        assert_eq!(
            family(Engine::AuroraMysql, "8.0.mysql_aurora.3.08.2"),
            "aurora-mysql8.0"
        );
        assert_eq!(cache_family(CacheEngine::Redis, "7.0"), "redis7");
        assert_eq!(cache_family(CacheEngine::Redis, "6.2"), "redis6.x");
        assert_eq!(cache_family(CacheEngine::Valkey, "8.0"), "valkey8");
    }

    #[test]
    fn classes_and_zero_capacity_by_engine() {
        assert!(instance_class_ok(Engine::Postgres, "db.t3.micro"));
        assert!(!instance_class_ok(Engine::Postgres, "db.t3.mega"));
        assert!(!instance_class_ok(Engine::Postgres, "db.m5.micro"));
        assert!(!instance_class_ok(Engine::AuroraPostgresql, "db.t3.micro"));
        assert!(instance_class_ok(Engine::AuroraPostgresql, "db.r6g.large"));
        assert!(supports_zero_capacity(Engine::AuroraPostgresql, "16.8"));
        assert!(!supports_zero_capacity(Engine::AuroraPostgresql, "15.4"));
        assert!(supports_zero_capacity(
            Engine::AuroraMysql,
            "8.0.mysql_aurora.3.08.2"
        ));
        assert!(node_type_ok("cache.t3.medium"));
        assert!(!node_type_ok("cache.t3.large"));
    }
}
