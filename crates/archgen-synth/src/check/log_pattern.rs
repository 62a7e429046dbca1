//! Rules for `log_pattern:` alarms: a component with a log group to read
//! (MON015), a pattern CloudWatch Logs can parse (MON016), and a database
//! log the engine actually writes (MON017).

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::data::{DatabaseSpec, Engine, ParamValue};
use crate::spec::monitoring::{AlarmSpec, exported_logs};
use crate::spec::value::filter_pattern;

pub fn check(stack: &ResolvedStack, base: &str, a: &AlarmSpec, pattern: &str) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    if let Err(e) = filter_pattern::validate(pattern) {
        out.push(
            stack
                .error(
                    Code::Mon016,
                    &format!("{base}.log_pattern"),
                    format!("'{pattern}' is not a CloudWatch Logs filter pattern: {e}"),
                )
                .help(e.help()),
        );
    }
    if spec.services.contains_key(&a.on) {
        if let Some(log) = &a.log {
            out.push(
                stack
                    .error(
                        Code::Mon015,
                        &format!("{base}.log"),
                        format!("service '{}' has one log group; '{log}' chooses a database's exported log", a.on),
                    )
                    .help("remove 'log': the pattern reads the service's log group"),
            );
        }
        return out;
    }
    let Some(db) = spec.databases.get(&a.on) else {
        let mut names: Vec<&String> = spec.services.keys().collect();
        names.extend(spec.databases.keys());
        out.push(super::monitoring::unknown(
            stack,
            Code::Mon015,
            &format!("{base}.on"),
            "service or database with a log group",
            &a.on,
            names.into_iter(),
        ));
        return out;
    };
    let logs = exported_logs(db.engine);
    let log = a.database_log(db.engine);
    if !logs.contains(&log) {
        out.push(
            stack
                .error(
                    Code::Mon015,
                    &format!("{base}.log"),
                    format!("{} does not export a '{log}' log", db.engine.as_str()),
                )
                .help(format!("choose one of: {}", logs.join(", "))),
        );
    } else if let Some((parameter, why)) = log_switch(db, log) {
        out.push(
            stack
                .error(
                    Code::Mon017,
                    &format!("{base}.log"),
                    format!("database '{}' does not write its '{log}' log: {why}", a.on),
                )
                .help(parameter),
        );
    }
    out
}

/// A MySQL log that stays empty unless a parameter turns it on: the fix,
/// and why, when the spec leaves it off. PostgreSQL's log is always written
/// (what it holds is chosen by `log_min_duration_statement` and the like).
fn log_switch(db: &DatabaseSpec, log: &str) -> Option<(String, &'static str)> {
    let on = |name: &str| {
        db.parameters.get(name).is_some_and(|v| match v {
            ParamValue::Int(n) => *n == 1,
            ParamValue::Text(t) => t == "1" || t.eq_ignore_ascii_case("on"),
        })
    };
    let (parameter, example) = match (db.engine, log) {
        (Engine::Mysql | Engine::AuroraMysql, "slowquery") => (
            "slow_query_log",
            "parameters: { slow_query_log: 1, long_query_time: 1 }",
        ),
        (Engine::Mysql | Engine::AuroraMysql, "general") => {
            ("general_log", "parameters: { general_log: 1 }")
        }
        (Engine::AuroraMysql, "audit") => (
            "server_audit_logging",
            "parameters: { server_audit_logging: 1, server_audit_events: \"CONNECT,QUERY\" }",
        ),
        (Engine::Mysql, "audit") => {
            return Some((
                "read another log: RDS for MySQL writes its audit log only with the MariaDB audit plugin's option group, which archgen does not create".into(),
                "the audit plugin is not installed",
            ));
        }
        _ => return None,
    };
    (!on(parameter)).then(|| {
        (
            format!("turn it on in the database's parameters: {example}"),
            "the parameter that writes it is off by default",
        )
    })
}
