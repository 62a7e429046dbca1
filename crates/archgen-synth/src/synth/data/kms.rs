//! Customer-managed KMS keys with rotation and a least-privilege key policy:
//! the account administers the key, and uses it only through the AWS
//! services that store data with it (unless `direct_use` is set).

use serde_json::json;

use super::Ctx;
use crate::naming::pascal;
use crate::spec::data::KeySpec;
use crate::synth::connect::Component;
use crate::template::iam::{PolicyDocument, Statement};
use crate::template::kms::{Alias, Key};
use crate::template::{Expr, Policy, Template};

const ADMIN_ACTIONS: &[&str] = &[
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
];

const USE_ACTIONS: &[&str] = &[
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
    "kms:CreateGrant",
];

/// The AWS services whose resources in this spec use the key.
pub fn services_using(spec: &crate::spec::StackSpec, key: &str) -> Vec<&'static str> {
    let uses = |k: &Option<String>| k.as_deref() == Some(key);
    let mut out = Vec::new();
    if spec.databases.values().any(|d| uses(&d.kms_key)) {
        // RDS encrypts storage; Secrets Manager holds the master secret.
        out.extend(["rds", "secretsmanager"]);
    }
    if spec.caches.values().any(|c| uses(&c.kms_key)) {
        out.push("elasticache");
    }
    // Secrets archgen creates, cache AUTH tokens included, default to the
    // stack's first key (see `StackSpec::secret_key`).
    if spec
        .caches
        .values()
        .any(|c| spec.auth_token_key(c) == Some(key))
        || spec
            .secrets
            .values()
            .any(|s| spec.secret_key(s) == Some(key))
    {
        out.push("secretsmanager");
    }
    if spec.buckets.values().any(|b| uses(&b.kms_key)) {
        out.push("s3");
    }
    if spec.queues.values().any(|q| uses(&q.kms_key)) {
        out.push("sqs");
    }
    if spec.topics.values().any(|t| uses(&t.kms_key)) {
        out.push("sns");
    }
    // AWS Backup encrypts the vault's recovery points with it.
    if spec.backup_key() == Some(key) {
        out.push("backup");
    }
    // Readers of the audit trail decrypt its log files through S3.
    if spec.audit_key() == Some(key) {
        out.push("s3");
    }
    // The log archive: Firehose encrypts its stream, S3 the archived objects.
    if spec.logs.archive.is_some() && spec.logs_key() == Some(key) {
        out.extend(["firehose", "s3"]);
    }
    out.sort();
    out.dedup();
    out
}

fn account_root() -> serde_json::Value {
    json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})
}

pub fn build_key(t: &mut Template, ctx: &mut Ctx, name: &str, key: &KeySpec) {
    let p = pascal(name);
    let mut admin = Statement::allow("AdministerKey", ADMIN_ACTIONS, vec!["*".into()]);
    admin.principal = Some(account_root());
    let mut statements = vec![admin];
    let services = services_using(ctx.spec, name);
    if !services.is_empty() {
        let via: Vec<String> = services
            .iter()
            .map(|s| format!("{s}.${{AWS::Region}}.amazonaws.com"))
            .collect();
        let via: Vec<serde_json::Value> = via.iter().map(|v| json!({"Fn::Sub": v})).collect();
        let mut stmt = Statement::allow("UseThroughServices", USE_ACTIONS, vec!["*".into()]);
        stmt.principal = Some(account_root());
        stmt.condition = Some(json!({
            "StringEquals": {
                "kms:CallerAccount": {"Ref": "AWS::AccountId"},
                "kms:ViaService": via,
            }
        }));
        statements.push(stmt);
    }
    // CloudWatch publishes alarm notifications to topics encrypted with it.
    if ctx
        .spec
        .topics
        .values()
        .any(|t| t.kms_key.as_deref() == Some(name))
    {
        statements.push(crate::synth::monitoring::cloudwatch_publish_statement());
    }
    // CloudWatch Logs encrypts the stack's log groups with it, for log
    // groups of this account and region only.
    if ctx.spec.logs_key() == Some(name) {
        let mut stmt = Statement::allow(
            "CloudWatchLogsEncryptsLogGroups",
            &[
                "kms:Decrypt*",
                "kms:Describe*",
                "kms:Encrypt*",
                "kms:GenerateDataKey*",
                "kms:ReEncrypt*",
            ],
            vec!["*".into()],
        );
        stmt.principal = Some(json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}}));
        stmt.condition = Some(json!({
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": {
                    "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"
                }
            }
        }));
        statements.push(stmt);
    }
    // CloudTrail encrypts the stack's audit trail with it.
    if ctx.spec.audit_key() == Some(name) {
        statements.push(crate::synth::audit::key_statement(
            &crate::spec::audit::trail_name(ctx.checked.stack()),
        ));
    }
    if key.direct_use {
        // IAM policies (the grants of connecting services) decide who.
        let mut stmt = Statement::allow(
            "UseDirectlyWhenGranted",
            &[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            vec!["*".into()],
        );
        stmt.principal = Some(account_root());
        statements.push(stmt);
    }
    let r = t.add(
        format!("{p}Key"),
        Key {
            description: Some(
                key.description
                    .clone()
                    .unwrap_or_else(|| format!("{} {} {name}", ctx.spec.app, ctx.environment))
                    .into(),
            ),
            enable_key_rotation: Some(key.rotation.into()),
            pending_window_in_days: Some(key.deletion_window_days.into()),
            key_policy: Some(PolicyDocument::new(statements).into()),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    // Deleting a key makes everything encrypted with it unreadable.
    super::keep(r, ctx, key.retain, Policy::Retain, &format!("keys.{name}"));
    if !key.rotation {
        r.skip_check(
            "CKV_AWS_7",
            &format!("key rotation is turned off in the spec (keys.{name}.rotation)"),
        );
    }
    t.add(
        format!("{p}KeyAlias"),
        Alias {
            alias_name: format!("alias/{}/{}/{name}", ctx.spec.app, ctx.environment).into(),
            target_key_id: Expr::r#ref(format!("{p}Key")),
        },
    );
    let arn = Expr::get_att(format!("{p}Key"), "Arn");
    let mut c = Component::new(name, &crate::kinds::key::Keys);
    c.read_grants.push(Statement::allow(
        &format!("Decrypt{p}"),
        &["kms:Decrypt"],
        vec![arn.clone()],
    ));
    c.write_grants.push(Statement::allow(
        &format!("Encrypt{p}"),
        &["kms:Encrypt", "kms:GenerateDataKey"],
        vec![arn.clone()],
    ));
    c.environment.push(("ARN".into(), arn));
    ctx.components.register(c);
}
