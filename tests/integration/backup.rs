//! `backup:` read as an operator checks it in the template: when the plans
//! run (in UTC), what they select, how long recovery points live, where
//! copies go, and the malformed specs refused with file, line and fix.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

/// `VALID` with a database, a versioned bucket, a table, a key and a
/// `backup:` block; `environments:` stays the anchor for the malformed cases.
fn spec_with(backup: &str) -> String {
    VALID.replacen(
        "environments:",
        &format!(
            "\
keys:
  data: {{}}
databases:
  db: {{ engine: postgres, version: \"15.15\", instance: db.t3.medium }}
buckets:
  uploads: {{ versioned: true }}
  scratch: {{}}
tables:
  orders: {{ partition_key: {{ name: id, type: string }} }}
{backup}environments:"
        ),
        1,
    )
}

const PLANS: &str = "\
backup:
  lock: { min_days: 7, max_days: 3650, mode: compliance }
  plans:
    long-term:
      resources: [db, uploads, orders]
      rules:
        nightly: { schedule: \"daily 03:00 Asia/Tokyo\", delete_after_days: 35 }
        weekly: { schedule: \"weekly sun 03:00 Asia/Tokyo\", delete_after_days: 90 }
        monthly:
          schedule: \"monthly 1 03:00 Asia/Tokyo\"
          cold_after_days: 90
          delete_after_days: 2555
          copy_to: [{ region: us-west-2, vault: dr }]
";

fn rules(t: &Value) -> Vec<Value> {
    t["Resources"]["LongTermBackupPlan"]["Properties"]["BackupPlan"]["BackupPlanRule"]
        .as_array()
        .expect("the plan's rules")
        .clone()
}

fn rule<'a>(rules: &'a [Value], name: &str) -> &'a Value {
    rules
        .iter()
        .find(|r| r["RuleName"] == name)
        .unwrap_or_else(|| panic!("no rule {name}"))
}

#[test]
fn the_backup_schedule_is_in_utc_with_the_day_shifted_across_midnight() {
    let t = template_json(
        &TempProject::new(&spec_with(PLANS)).synth("prod").unwrap(),
        "main",
    );
    let rules = rules(&t);
    // 03:00 in Tokyo is 18:00 UTC the day before.
    assert_eq!(
        rule(&rules, "nightly")["ScheduleExpression"],
        "cron(0 18 * * ? *)"
    );
    // Sunday 03:00 in Tokyo is Saturday 18:00 UTC.
    assert_eq!(
        rule(&rules, "weekly")["ScheduleExpression"],
        "cron(0 18 ? * SAT *)"
    );
    // The 1st at 03:00 in Tokyo is the last day of the month before, 18:00 UTC.
    assert_eq!(
        rule(&rules, "monthly")["ScheduleExpression"],
        "cron(0 18 L * ? *)"
    );
    // No time zone is left for AWS Backup to apply a second time.
    assert!(
        rules
            .iter()
            .all(|r| r.get("ScheduleExpressionTimezone").is_none())
    );
}

#[test]
fn the_selection_holds_the_arns_of_the_named_components() {
    let t = template_json(
        &TempProject::new(&spec_with(PLANS)).synth("prod").unwrap(),
        "main",
    );
    let selection = &t["Resources"]["LongTermBackupSelection"]["Properties"];
    assert_eq!(
        selection["BackupPlanId"],
        json!({"Ref": "LongTermBackupPlan"})
    );
    assert_eq!(
        selection["BackupSelection"]["Resources"],
        json!([
            {"Fn::GetAtt": ["Db", "DBInstanceArn"]},
            {"Fn::GetAtt": ["UploadsBucket", "Arn"]},
            {"Fn::GetAtt": ["OrdersTable", "Arn"]},
        ])
    );
    assert_eq!(
        selection["BackupSelection"]["IamRoleArn"],
        json!({"Fn::GetAtt": ["BackupRole", "Arn"]})
    );
    // The role is AWS Backup's, with the S3 policies because a bucket is selected.
    let role = &t["Resources"]["BackupRole"]["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "backup.amazonaws.com"})
    );
    let policies = role["ManagedPolicyArns"].to_string();
    for p in [
        "service-role/AWSBackupServiceRolePolicyForBackup",
        "service-role/AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Backup",
        "AWSBackupServiceRolePolicyForS3Restore",
    ] {
        assert!(policies.contains(p), "{p} missing in {policies}");
    }
    // Without a bucket, the S3 policies are not granted.
    let t = template_json(
        &TempProject::new(&spec_with(&PLANS.replace("[db, uploads, orders]", "[db]")))
            .synth("prod")
            .unwrap(),
        "main",
    );
    let policies = t["Resources"]["BackupRole"]["Properties"]["ManagedPolicyArns"].to_string();
    assert!(!policies.contains("S3"), "{policies}");
}

#[test]
fn the_vault_is_locked_under_the_stack_key_and_rules_keep_and_copy_as_written() {
    let synthesis = TempProject::new(&spec_with(PLANS)).synth("prod").unwrap();
    // Cold storage applies to the table only: the user is told, not misled.
    assert!(
        synthesis.notes.iter().any(|n| n.contains(
            "backup.plans.long-term.rules.monthly.cold_after_days: AWS Backup cannot move recovery points of db, uploads to cold storage"
        )),
        "{:?}",
        synthesis.notes
    );
    let t = template_json(&synthesis, "main");
    let vault = &t["Resources"]["BackupVault"];
    assert_eq!(vault["DeletionPolicy"], "Retain");
    assert_eq!(vault["Properties"]["BackupVaultName"], "demo-prod-main");
    assert_eq!(
        vault["Properties"]["EncryptionKeyArn"],
        json!({"Fn::GetAtt": ["DataKey", "Arn"]})
    );
    // Compliance mode: a grace period after which the lock is immutable.
    assert_eq!(
        vault["Properties"]["LockConfiguration"],
        json!({"MinRetentionDays": 7, "MaxRetentionDays": 3650, "ChangeableForDays": 3})
    );
    // The key lets AWS Backup use it on the account's behalf.
    let key = t["Resources"]["DataKey"]["Properties"]["KeyPolicy"].to_string();
    assert!(key.contains("backup.${AWS::Region}.amazonaws.com"), "{key}");
    let rules = rules(&t);
    let monthly = rule(&rules, "monthly");
    assert_eq!(
        monthly["Lifecycle"],
        json!({"MoveToColdStorageAfterDays": 90, "DeleteAfterDays": 2555})
    );
    assert_eq!(
        monthly["CopyActions"],
        json!([{
            "DestinationBackupVaultArn": {"Fn::Sub": "arn:${AWS::Partition}:backup:us-west-2:${AWS::AccountId}:backup-vault:dr"},
            "Lifecycle": {"DeleteAfterDays": 2555},
        }])
    );
    assert_eq!(monthly["TargetBackupVault"], json!({"Ref": "BackupVault"}));
}

fn case(
    name: &'static str,
    to: &'static str,
    line: u32,
    field: &'static str,
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        from: "  plans:\n",
        to,
        line,
        field,
        says,
    }
}

#[test]
fn malformed_backup_blocks_fail_with_file_line_field_and_fix() {
    // The new plan starts at line 23 of `spec_with(PLANS)`.
    let valid = spec_with(PLANS);
    let cases = [
        case(
            "cold storage shorter than AWS Backup's 90 days",
            "  plans:\n    short:\n      resources: [db]\n      rules:\n        monthly: { schedule: monthly 1 03:00, cold_after_days: 30, delete_after_days: 60 }\n",
            26,
            "backup.plans.short.rules.monthly.delete_after_days",
            &["at least 90 days", "set delete_after_days to 120 or more"],
        ),
        case(
            "a schedule in a daylight-saving zone",
            "  plans:\n    eu:\n      resources: [db]\n      rules:\n        nightly: { schedule: daily 03:00 Europe/Paris }\n",
            26,
            "backup.plans.eu.rules.nightly.schedule",
            &["observes daylight saving time", "Asia/Tokyo or +09:00"],
        ),
        case(
            "a day of the month some months lack",
            "  plans:\n    eom:\n      resources: [db]\n      rules:\n        monthly: { schedule: monthly 31 03:00 }\n",
            26,
            "backup.plans.eom.rules.monthly.schedule",
            &["only days 1 to 28", "monthly <1-28> hh:mm"],
        ),
        case(
            "a misspelt component",
            "  plans:\n    typo:\n      resources: [orderz]\n      rules:\n        nightly: { schedule: daily 03:00 }\n",
            24,
            "backup.plans.typo.resources[0]",
            &["no component 'orderz'", "did you mean 'orders'?"],
        ),
        case(
            "a kind AWS Backup does not back up",
            "  plans:\n    web:\n      resources: [web]\n      rules:\n        nightly: { schedule: daily 03:00 }\n",
            24,
            "backup.plans.web.resources[0]",
            &[
                "AWS Backup does not back up",
                "name databases, buckets or tables",
            ],
        ),
        case(
            "an unversioned bucket",
            "  plans:\n    files:\n      resources: [scratch]\n      rules:\n        nightly: { schedule: daily 03:00 }\n",
            24,
            "backup.plans.files.resources[0]",
            &["set buckets.scratch.versioned: true"],
        ),
        case(
            "a retention the vault lock forbids",
            "  plans:\n    brief:\n      resources: [db]\n      rules:\n        nightly: { schedule: daily 03:00, delete_after_days: 3 }\n",
            26,
            "backup.plans.brief.rules.nightly.delete_after_days",
            &["keeps recovery points 7 to 3650 days", "change backup.lock"],
        ),
        case(
            "a copy into the stack's own vault",
            "  plans:\n    self:\n      resources: [db]\n      rules:\n        nightly: { schedule: daily 03:00, copy_to: [{ vault: demo-prod-main }] }\n",
            26,
            "backup.plans.self.rules.nightly.copy_to[0].vault",
            &["the stack's own vault", "another region"],
        ),
        case(
            "an unknown key in a rule",
            "  plans:\n    typo:\n      resources: [db]\n      rules:\n        nightly: { schedule: daily 03:00, delete_after: 3 }\n",
            26,
            "",
            &["delete_after", "delete_after_days"],
        ),
        case(
            "a rule name AWS Backup refuses",
            "  plans:\n    odd:\n      resources: [db]\n      rules:\n        \"every night\": { schedule: daily 03:00 }\n",
            26,
            "backup.plans.odd.rules.every night",
            &["rule name 'every night'", "1 to 50 letters"],
        ),
    ];
    for case in &cases {
        assert_fails_on(&valid, case);
    }
}
