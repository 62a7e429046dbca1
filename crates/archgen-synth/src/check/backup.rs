//! Rules of `backup:`: plans that AWS Backup would run as written, with
//! schedules that parse, retention it accepts, components it supports and
//! copy destinations that are vaults (DATA030-DATA034).

use super::monitoring::unknown;
use crate::diagnostic::{Code, Diagnostic};
use crate::kinds::Backup;
use crate::spec::ResolvedStack;
use crate::spec::backup::{BackupSpec, COLD_STORAGE_MIN_DAYS, CopySpec, RuleSpec};
use crate::spec::value::recurrence;

/// AWS Backup's range for a rule's start window, in minutes.
const START_WINDOW: std::ops::RangeInclusive<u32> = 60..=43200;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let Some(backup) = &stack.spec.backup else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(k) = &backup.kms_key {
        out.extend(super::data::unknown_key(stack, "backup.kms_key", k));
    }
    if let Some(lock) = &backup.lock {
        if lock.min_days == 0 {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        "backup.lock.min_days",
                        "a vault lock keeps recovery points at least one day",
                    )
                    .help("write the shortest retention any rule may have, e.g. min_days: 7"),
            );
        }
        if let Some(max) = lock.max_days
            && max < lock.min_days
        {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        "backup.lock.max_days",
                        format!("max_days {max} is below min_days {}", lock.min_days),
                    )
                    .help("raise max_days to at least min_days, or leave it out"),
            );
        }
    }
    if backup.plans.is_empty() {
        out.push(
            stack
                .error(Code::Data030, "backup.plans", "backup: has no plan")
                .help("add a plan, e.g. plans: { daily: { resources: [db], rules: { daily: { schedule: daily 03:00 Asia/Tokyo } } } }"),
        );
    }
    for (name, plan) in &backup.plans {
        let base = format!("backup.plans.{name}");
        let full = format!("{}-{}-{name}", stack.spec.app, stack.environment);
        if !is_backup_name(&full) {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        &base,
                        format!("plan name '{full}' is not a name AWS Backup accepts"),
                    )
                    .help("use letters, digits, hyphens, underscores and dots; <app>-<env>-<plan> fits in 50 characters"),
            );
        }
        for rule_name in plan.rules.keys().filter(|r| !is_backup_name(r)) {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        &format!("{base}.rules.{rule_name}"),
                        format!("rule name '{rule_name}' is not a name AWS Backup accepts"),
                    )
                    .help("use 1 to 50 letters, digits, hyphens, underscores and dots"),
            );
        }
        if plan.resources.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        &format!("{base}.resources"),
                        "the plan backs nothing up",
                    )
                    .help("name the databases, buckets or tables it backs up"),
            );
        }
        if plan.rules.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Data030,
                        &format!("{base}.rules"),
                        "the plan has no rule",
                    )
                    .help(
                        "add a rule, e.g. rules: { daily: { schedule: daily 03:00 Asia/Tokyo } }",
                    ),
            );
        }
        for (i, key) in plan.resources.iter().enumerate() {
            out.extend(check_selection(
                stack,
                &format!("{base}.resources[{i}]"),
                key,
            ));
        }
        for (rule_name, rule) in &plan.rules {
            out.extend(check_rule(
                stack,
                backup,
                &format!("{base}.rules.{rule_name}"),
                rule,
            ));
        }
    }
    out
}

/// A rule's schedule, when it does not parse (DATA031).
fn schedule_error(stack: &ResolvedStack, field: &str, rule: &RuleSpec) -> Option<Diagnostic> {
    recurrence::parse(&rule.schedule).err().map(|e| {
        let help = match &e {
            recurrence::RecurrenceError::Zone(_) => {
                "use a fixed-offset zone such as Asia/Tokyo or +09:00, or UTC".to_string()
            }
            recurrence::RecurrenceError::ShiftedPastFebruary { .. } => {
                "choose day 27 or earlier, or a time that stays on the same day in UTC".to_string()
            }
            _ => recurrence::SYNTAX_HELP.to_string(),
        };
        stack
            .error(Code::Data031, &format!("{field}.schedule"), e.to_string())
            .help(help)
    })
}

fn check_selection(stack: &ResolvedStack, field: &str, key: &str) -> Option<Diagnostic> {
    let spec = &stack.spec;
    let Some(kind) = crate::kinds::kind_of(spec, key) else {
        let supported: Vec<&String> = crate::kinds::components(spec)
            .into_iter()
            .filter(|(k, kind)| kind.backup(spec, k) != Backup::Unsupported)
            .map(|(k, _)| k)
            .collect();
        let mut d = unknown(
            stack,
            Code::Data033,
            field,
            "component",
            key,
            supported.into_iter(),
        );
        d.message = format!("there is no component '{key}' to back up");
        return Some(d);
    };
    match kind.backup(spec, key) {
        Backup::Resource { .. } => None,
        Backup::Blocked(help) => Some(
            stack
                .error(
                    Code::Data033,
                    field,
                    format!("AWS Backup cannot back up {} '{key}' as it is", kind.noun()),
                )
                .help(help),
        ),
        Backup::Unsupported => Some(
            stack
                .error(
                    Code::Data033,
                    field,
                    format!(
                        "'{key}' is a {}, which AWS Backup does not back up",
                        kind.noun()
                    ),
                )
                .help("name databases, buckets or tables; other kinds keep their data elsewhere"),
        ),
    }
}

fn check_rule(
    stack: &ResolvedStack,
    backup: &BackupSpec,
    base: &str,
    rule: &RuleSpec,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(schedule_error(stack, base, rule));
    if !START_WINDOW.contains(&rule.start_window_minutes) {
        out.push(
            stack
                .error(
                    Code::Data030,
                    &format!("{base}.start_window_minutes"),
                    format!(
                        "{} minutes is outside AWS Backup's start window range",
                        rule.start_window_minutes
                    ),
                )
                .help("use 60 to 43200 minutes (the default is 60)"),
        );
    }
    out.extend(check_retention(
        stack,
        base,
        rule.delete_after_days,
        rule.cold_after_days,
    ));
    if let Some(lock) = &backup.lock {
        let too_short = rule.delete_after_days < lock.min_days;
        let too_long = lock
            .max_days
            .is_some_and(|max| rule.delete_after_days > max);
        if too_short || too_long {
            let range = match lock.max_days {
                Some(max) => format!("{} to {max} days", lock.min_days),
                None => format!("at least {} days", lock.min_days),
            };
            out.push(
                stack
                    .error(
                        Code::Data032,
                        &format!("{base}.delete_after_days"),
                        format!(
                            "the vault lock keeps recovery points {range}, but this rule deletes them after {} days",
                            rule.delete_after_days
                        ),
                    )
                    .help(format!("keep them {range}, or change backup.lock")),
            );
        }
    }
    for (i, copy) in rule.copy_to.iter().enumerate() {
        out.extend(check_copy(stack, &format!("{base}.copy_to[{i}]"), copy));
    }
    out
}

/// Deletion after cold storage, as AWS Backup requires it.
fn check_retention(
    stack: &ResolvedStack,
    base: &str,
    delete: u32,
    cold: Option<u32>,
) -> Option<Diagnostic> {
    if delete == 0 {
        return Some(
            stack
                .error(
                    Code::Data032,
                    &format!("{base}.delete_after_days"),
                    "recovery points would be deleted at once",
                )
                .help("keep them at least a day, e.g. delete_after_days: 35"),
        );
    }
    let cold = cold?;
    if cold == 0 {
        return Some(
            stack
                .error(
                    Code::Data032,
                    &format!("{base}.cold_after_days"),
                    "cold storage starts a day after the backup at the earliest",
                )
                .help("write 1 or more, or leave cold_after_days out"),
        );
    }
    let needed = cold.saturating_add(COLD_STORAGE_MIN_DAYS);
    (delete < needed).then(|| {
        stack
            .error(
                Code::Data032,
                &format!("{base}.delete_after_days"),
                format!(
                    "recovery points move to cold storage after {cold} days and would be deleted after {delete}: AWS Backup keeps them in cold storage at least {COLD_STORAGE_MIN_DAYS} days"
                ),
            )
            .help(match delete.checked_sub(COLD_STORAGE_MIN_DAYS) {
                Some(latest) if latest > 0 => format!(
                    "set delete_after_days to {needed} or more, or cold_after_days to {latest} or less"
                ),
                _ => format!(
                    "set delete_after_days to {needed} or more, or leave cold_after_days out"
                ),
            })
    })
}

fn check_copy(stack: &ResolvedStack, base: &str, copy: &CopySpec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let err = |field: &str, message: String, help: &str| {
        stack
            .error(Code::Data034, &format!("{base}{field}"), message)
            .help(help.to_string())
    };
    match (&copy.arn, &copy.vault) {
        (Some(_), _) if copy.vault.is_some() || copy.region.is_some() => out.push(err(
            "",
            "a copy names its vault either by 'arn' or by 'vault' (and 'region'), not both".into(),
            "keep arn: for a vault of another account, or vault: and region: for one of this account",
        )),
        (Some(arn), _) if !is_vault_arn(arn) => out.push(err(
            ".arn",
            format!("'{arn}' is not a backup vault ARN"),
            "write arn:aws:backup:<region>:<account>:backup-vault:<name>",
        )),
        (Some(_), _) => {}
        (None, Some(vault)) => {
            let region = copy.region.as_deref().unwrap_or(&stack.spec.region);
            if !is_vault_name(vault) {
                out.push(err(
                    ".vault",
                    format!("'{vault}' is not a backup vault name"),
                    "use 2 to 50 letters, digits, hyphens and underscores",
                ));
            } else if !super::REGIONS.contains(&region) {
                out.push(err(
                    ".region",
                    format!("'{region}' is not an AWS region"),
                    "use a region code such as us-west-2",
                ));
            } else if *vault == crate::spec::backup::vault_name(stack) && region == stack.spec.region {
                out.push(err(
                    ".vault",
                    format!("'{vault}' is the stack's own vault: the copy would land next to the original"),
                    "copy to a vault in another region (region: us-west-2) or of another account (arn:)",
                ));
            }
        }
        (None, None) => out.push(err(
            "",
            "the copy names no vault".into(),
            "write vault: <name> with region: <region> (a vault that exists there), or arn: <vault ARN>",
        )),
    }
    if copy.delete_after_days == Some(0) {
        out.push(err(
            ".delete_after_days",
            "the copy would be deleted at once".into(),
            "keep it at least a day, or leave delete_after_days out to keep it as long as the original",
        ));
    }
    out
}

/// Plan and rule names: `^[a-zA-Z0-9\-\_\.]{1,50}$`.
fn is_backup_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_vault_name(name: &str) -> bool {
    (2..=50).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
fn is_vault_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    match parts.as_slice() {
        [
            "arn",
            partition,
            "backup",
            region,
            account,
            "backup-vault",
            name,
        ] => {
            partition.starts_with("aws")
                && !region.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && is_vault_name(name)
        }
        _ => false,
    }
}
