//! `backup:`: the stack's AWS Backup vault (under the stack's customer key
//! when it has one, optionally locked), a role AWS Backup assumes with
//! AWS's managed backup and restore policies, and per plan a backup plan
//! whose rules run on UTC crons and a selection of the components' ARNs.

use super::Ctx;
use super::data::{keep, key_arn};
use crate::kinds::Backup;
use crate::naming::pascal;
use crate::spec::backup::{BackupSpec, COMPLIANCE_GRACE_DAYS, LockMode, RuleSpec, vault_name};
use crate::template::generated::backup::backup_plan::{
    BackupPlanResourceType, BackupRuleResourceType, CopyActionResourceType, LifecycleResourceType,
};
use crate::template::generated::backup::backup_selection::BackupSelectionResourceType;
use crate::template::generated::backup::backup_vault::LockConfigurationType;
use crate::template::generated::backup::{BackupPlan, BackupSelection, BackupVault};
use crate::template::iam::{PolicyDocument, Role};
use crate::template::{Expr, Policy, Template};

pub const VAULT: &str = "BackupVault";
pub const ROLE: &str = "BackupRole";

pub fn build(t: &mut Template, ctx: &mut Ctx) {
    let Some(backup) = &ctx.spec.backup else {
        return;
    };
    build_vault(t, ctx, backup);
    // The ARNs each plan selects, resolved through the registry of kinds.
    let mut any_s3 = false;
    let mut selections = Vec::new();
    for (name, plan) in &backup.plans {
        let mut arns = Vec::new();
        for key in &plan.resources {
            match crate::kinds::kind_of(ctx.spec, key).map(|k| k.backup(ctx.spec, key)) {
                Some(Backup::Resource { arn, s3, .. }) => {
                    any_s3 |= s3;
                    arns.push(arn);
                }
                _ => ctx.bug(format!("backup.plans.{name}: '{key}' cannot be backed up")),
            }
        }
        selections.push((name, arns));
    }
    build_role(t, ctx, any_s3);
    note_warm_only(ctx, backup);
    for (name, plan) in &backup.plans {
        let p = pascal(name);
        let rules = plan
            .rules
            .iter()
            .map(|(rule_name, rule)| build_rule(ctx, name, rule_name, rule))
            .collect();
        t.add(
            format!("{p}BackupPlan"),
            BackupPlan {
                backup_plan: BackupPlanResourceType {
                    backup_plan_name: ctx.names.physical(name).into(),
                    backup_plan_rule: rules,
                    ..Default::default()
                },
                ..Default::default()
            },
        );
    }
    for (name, arns) in selections {
        let p = pascal(name);
        t.add(
            format!("{p}BackupSelection"),
            BackupSelection {
                backup_plan_id: Expr::r#ref(format!("{p}BackupPlan")),
                backup_selection: BackupSelectionResourceType {
                    iam_role_arn: Expr::get_att(ROLE, "Arn"),
                    resources: Some(arns),
                    selection_name: format!("{name}-components").into(),
                    ..Default::default()
                },
            },
        );
    }
}

/// AWS Backup silently ignores `cold_after_days` for resource types it
/// cannot move to cold storage (RDS, S3): say which components stay warm.
fn note_warm_only(ctx: &mut Ctx, backup: &BackupSpec) {
    for (plan_name, plan) in &backup.plans {
        let warm: Vec<&str> = plan
            .resources
            .iter()
            .filter(|key| {
                crate::kinds::kind_of(ctx.spec, key).is_some_and(|k| {
                    matches!(
                        k.backup(ctx.spec, key),
                        Backup::Resource { cold: false, .. }
                    )
                })
            })
            .map(String::as_str)
            .collect();
        if warm.is_empty() {
            continue;
        }
        for (rule_name, rule) in &plan.rules {
            if rule.cold_after_days.is_some() {
                ctx.notes.push(format!(
                    "backup.plans.{plan_name}.rules.{rule_name}.cold_after_days: AWS Backup cannot move recovery points of {} to cold storage; they stay in warm storage until deleted",
                    warm.join(", ")
                ));
            }
        }
    }
}

fn build_vault(t: &mut Template, ctx: &mut Ctx, backup: &BackupSpec) {
    let key = ctx.spec.backup_key().map(key_arn);
    let r = t.add(
        VAULT,
        BackupVault {
            backup_vault_name: vault_name(ctx.checked.stack()).into(),
            encryption_key_arn: key.clone(),
            lock_configuration: backup.lock.as_ref().map(|lock| LockConfigurationType {
                min_retention_days: lock.min_days.into(),
                max_retention_days: lock.max_days.map(Into::into),
                // A grace period turns the lock into compliance mode: after
                // it, nobody can remove the lock or shorten its retention.
                changeable_for_days: (lock.mode == LockMode::Compliance)
                    .then(|| COMPLIANCE_GRACE_DAYS.into()),
            }),
            backup_vault_tags: Some(
                ctx.named("backup")
                    .into_iter()
                    .map(|tag| (tag.key, tag.value))
                    .collect(),
            ),
            ..Default::default()
        },
    );
    if key.is_none() {
        r.skip_check(
            "CKV_AWS_166",
            "the stack declares no customer key (keys:), so the vault uses AWS Backup's own key",
        );
    }
    keep(r, ctx, backup.retain, Policy::Retain, "backup");
}

/// The role AWS Backup assumes: AWS's managed backup and restore policies
/// (scoped by AWS to what AWS Backup does), and the S3 ones only when a
/// bucket is backed up.
fn build_role(t: &mut Template, ctx: &Ctx, s3: bool) {
    let mut policies = vec![
        "service-role/AWSBackupServiceRolePolicyForBackup",
        "service-role/AWSBackupServiceRolePolicyForRestores",
    ];
    if s3 {
        policies.extend([
            "AWSBackupServiceRolePolicyForS3Backup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ]);
    }
    t.add(
        ROLE,
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("backup.amazonaws.com").into(),
            description: Some("Lets AWS Backup back up and restore the stack's components".into()),
            managed_policy_arns: Some(
                policies
                    .iter()
                    .map(|p| Expr::sub(format!("arn:${{AWS::Partition}}:iam::aws:policy/{p}")))
                    .collect(),
            ),
            tags: Some(ctx.named("backup")),
            ..Default::default()
        },
    );
}

fn build_rule(ctx: &Ctx, plan: &str, name: &str, rule: &RuleSpec) -> BackupRuleResourceType {
    let schedule = ctx.checked.backup_schedule(plan, name);
    if schedule.is_none() {
        ctx.bug(format!(
            "backup.plans.{plan}.rules.{name}: no parsed schedule"
        ));
    }
    let lifecycle = |delete: u32, cold: Option<u32>| LifecycleResourceType {
        delete_after_days: Some(delete.into()),
        move_to_cold_storage_after_days: cold.map(Into::into),
        ..Default::default()
    };
    let copies: Vec<CopyActionResourceType> = rule
        .copy_to
        .iter()
        .map(|copy| CopyActionResourceType {
            destination_backup_vault_arn: match (&copy.arn, &copy.vault) {
                (Some(arn), _) => arn.clone().into(),
                (None, vault) => Expr::sub(format!(
                    "arn:${{AWS::Partition}}:backup:{}:${{AWS::AccountId}}:backup-vault:{}",
                    copy.region.as_deref().unwrap_or("${AWS::Region}"),
                    vault.as_deref().unwrap_or_default()
                )),
            },
            lifecycle: Some(lifecycle(
                copy.delete_after_days.unwrap_or(rule.delete_after_days),
                None,
            )),
        })
        .collect();
    BackupRuleResourceType {
        rule_name: name.into(),
        target_backup_vault: Expr::r#ref(VAULT),
        // UTC, as archgen writes every window; the zone stays in the spec.
        schedule_expression: schedule.map(|s| s.to_cron().into()),
        start_window_minutes: Some(rule.start_window_minutes.into()),
        lifecycle: Some(lifecycle(rule.delete_after_days, rule.cold_after_days)),
        copy_actions: (!copies.is_empty()).then_some(copies),
        ..Default::default()
    }
}
