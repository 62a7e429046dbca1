//! `audit:`: a multi-region CloudTrail trail with log file validation, into
//! a bucket of the stack that is encrypted, TLS-only, versioned and
//! object-locked for the stated retention; its bucket policy admits only
//! this trail (`aws:SourceArn`). Optionally the trail is delivered to a
//! CloudWatch Logs group too. Management events always; data events for the
//! buckets and tables named, resolved through the registry of kinds.

use std::collections::BTreeMap;

use serde_json::json;

use super::Ctx;
use super::data::key_arn;
use super::logs::{LogBucket, encrypt_bucket_with, log_bucket, retained_log_group};
use crate::spec::audit::{AuditSpec, trail_name};
use crate::template::generated::cloudtrail::Trail;
use crate::template::generated::cloudtrail::trail::{DataResource, EventSelector};
use crate::template::iam::role::Policy as InlinePolicy;
use crate::template::iam::{PolicyDocument, Role, Statement};
use crate::template::s3::bucket;
use crate::template::{Expr, Props, Template};

pub const TRAIL: &str = "AuditTrail";
pub const BUCKET: &str = "AuditTrailBucket";
const LOG_GROUP: &str = "AuditTrailLogGroup";
const LOGS_ROLE: &str = "AuditTrailLogsRole";

/// The trail's ARN, written out: the bucket policy must exist before the
/// trail, so it cannot `GetAtt` it.
pub fn trail_arn(name: &str) -> Expr {
    Expr::sub(format!(
        "arn:${{AWS::Partition}}:cloudtrail:${{AWS::Region}}:${{AWS::AccountId}}:trail/{name}"
    ))
}

pub fn build(t: &mut Template, ctx: &Ctx) {
    let Some(audit) = &ctx.spec.audit else {
        return;
    };
    let name = trail_name(ctx.checked.stack());
    let key = ctx.spec.audit_key().map(key_arn);
    build_bucket(t, ctx, audit, &name, key.as_ref());
    let cloudwatch = audit.cloudwatch.as_ref().map(|cw| {
        retained_log_group(
            t,
            LOG_GROUP,
            None,
            cw.retention_days,
            "audit.cloudwatch.retention_days",
            ctx.named("audit-trail"),
        );
        build_logs_role(t, ctx);
        (
            Expr::get_att(LOG_GROUP, "Arn"),
            Expr::get_att(LOGS_ROLE, "Arn"),
        )
    });
    // Data events by type, in the order the spec names the components.
    let mut data: BTreeMap<&'static str, Vec<Expr>> = BTreeMap::new();
    for key in &audit.data_events {
        match crate::kinds::kind_of(ctx.spec, key).and_then(|k| k.data_events(ctx.spec, key)) {
            Some(events) => data
                .entry(events.resource_type)
                .or_default()
                .push(events.arn),
            None => ctx.bug(format!("audit.data_events: '{key}' has no data events")),
        }
    }
    let data_resources: Vec<DataResource> = data
        .into_iter()
        .map(|(kind, arns)| DataResource {
            r#type: kind.into(),
            values: Some(arns),
        })
        .collect();
    let (log_group, role) = cloudwatch.unzip();
    let trail = t.add(
        TRAIL,
        Trail {
            trail_name: Some(name.clone().into()),
            s3_bucket_name: Expr::r#ref(BUCKET),
            is_logging: true.into(),
            is_multi_region_trail: Some(true.into()),
            include_global_service_events: Some(true.into()),
            enable_log_file_validation: Some(true.into()),
            kms_key_id: key.clone(),
            cloud_watch_logs_log_group_arn: log_group,
            cloud_watch_logs_role_arn: role,
            event_selectors: Some(vec![EventSelector {
                include_management_events: Some(true.into()),
                read_write_type: Some("All".into()),
                data_resources: (!data_resources.is_empty()).then_some(data_resources),
                ..Default::default()
            }]),
            tags: Some(ctx.named("audit-trail")),
            ..Default::default()
        },
    );
    trail.depends_on(format!("{BUCKET}Policy"));
    trail.skip_check(
        "CKV_AWS_252",
        "the trail is read from its bucket (and CloudWatch Logs when delivered there); a notification per log file would only be noise",
    );
    if key.is_none() {
        trail.skip_check(
            "CKV_AWS_35",
            "the stack declares no customer key (keys:), so log files are encrypted with SSE-S3",
        );
    }
}

/// The audit bucket: the stack's log bucket (private, TLS-only, retained),
/// versioned and object-locked for the retention, under the trail's key,
/// with the statements CloudTrail needs to write to it.
fn build_bucket(t: &mut Template, ctx: &Ctx, audit: &AuditSpec, name: &str, key: Option<&Expr>) {
    log_bucket(
        t,
        BUCKET,
        &LogBucket {
            tags: ctx.named("audit-trail"),
            expire_days: audit.retention_days,
            acls: false,
            receives: "the CloudTrail audit trail",
        },
    );
    if let Some(r) = t.resources.get_mut(BUCKET) {
        if let Props::S3Bucket(b) = &mut r.props {
            b.object_lock_enabled = Some(true.into());
            b.object_lock_configuration = Some(bucket::ObjectLockConfiguration {
                object_lock_enabled: Some("Enabled".into()),
                rule: Some(bucket::ObjectLockRule {
                    default_retention: Some(bucket::DefaultRetention {
                        days: Some(audit.retention_days.into()),
                        mode: Some(audit.lock.as_str().into()),
                        ..Default::default()
                    }),
                }),
            });
            // Object Lock needs versioning.
            b.versioning_configuration = Some(bucket::VersioningConfiguration {
                status: "Enabled".into(),
            });
            if let Some(lc) = &mut b.lifecycle_configuration
                && let Some(rule) = lc.rules.first_mut()
            {
                rule.noncurrent_version_expiration = Some(bucket::NoncurrentVersionExpiration {
                    noncurrent_days: 1.into(),
                    ..Default::default()
                });
            }
        }
        r.unskip_check("CKV_AWS_21");
    }
    if let Some(key) = key {
        encrypt_bucket_with(t, BUCKET, key);
    }
    let source = json!({"aws:SourceArn": trail_arn(name)});
    let mut acl = Statement::allow(
        "CloudTrailChecksTheBucketAcl",
        &["s3:GetBucketAcl"],
        vec![Expr::get_att(BUCKET, "Arn")],
    );
    acl.principal = Some(json!({"Service": "cloudtrail.amazonaws.com"}));
    acl.condition = Some(json!({"StringEquals": source}));
    let mut write = Statement::allow(
        "CloudTrailWritesLogFiles",
        &["s3:PutObject"],
        vec![Expr::sub(format!(
            "${{{BUCKET}.Arn}}/AWSLogs/${{AWS::AccountId}}/*"
        ))],
    );
    write.principal = Some(json!({"Service": "cloudtrail.amazonaws.com"}));
    write.condition = Some(json!({
        "StringEquals": {
            "aws:SourceArn": trail_arn(name),
            "s3:x-amz-acl": "bucket-owner-full-control",
        }
    }));
    if let Some(Props::S3BucketPolicy(policy)) = t
        .resources
        .get_mut(&format!("{BUCKET}Policy"))
        .map(|r| &mut r.props)
    {
        PolicyDocument::push_statement(&mut policy.policy_document, acl);
        PolicyDocument::push_statement(&mut policy.policy_document, write);
    }
}

/// What CloudTrail needs to deliver to the log group: create streams and
/// put events in that group only.
fn build_logs_role(t: &mut Template, ctx: &Ctx) {
    t.add(
        LOGS_ROLE,
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("cloudtrail.amazonaws.com")
                .into(),
            description: Some("Lets CloudTrail deliver the audit trail to its log group".into()),
            policies: Some(vec![InlinePolicy {
                policy_name: "deliver-audit-trail".into(),
                policy_document: PolicyDocument::new(vec![Statement::allow(
                    "DeliverToTheTrailLogGroup",
                    &["logs:CreateLogStream", "logs:PutLogEvents"],
                    vec![Expr::get_att(LOG_GROUP, "Arn")],
                )])
                .into(),
            }]),
            tags: Some(ctx.named("audit-trail-logs")),
            ..Default::default()
        },
    );
}

/// The key policy statement that lets CloudTrail encrypt this stack's trail.
pub fn key_statement(name: &str) -> Statement {
    let mut stmt = Statement::allow(
        "CloudTrailEncryptsTheAuditTrail",
        &["kms:GenerateDataKey*", "kms:DescribeKey"],
        vec!["*".into()],
    );
    stmt.principal = Some(json!({"Service": "cloudtrail.amazonaws.com"}));
    stmt.condition = Some(json!({
        "StringEquals": {"aws:SourceArn": trail_arn(name)},
        "StringLike": {
            "kms:EncryptionContext:aws:cloudtrail:arn": {
                "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"
            }
        }
    }));
    stmt
}
