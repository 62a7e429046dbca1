//! Log groups for what archgen runs: retained when the stack goes (logs are
//! data), retention from the spec, and the checkov reasons that go with it.

use serde_json::json;

use crate::template::iam::{PolicyDocument, Statement};
use crate::template::logs::LogGroup;
use crate::template::s3 as s3t;
use crate::template::s3::bucket;
use crate::template::{Expr, Policy, Props, Resource, Tag, Template};

/// Puts every log group of the stack's own region under `key`: CloudWatch
/// Logs then encrypts with the stack's customer key (whose policy lets it,
/// see `data::kms`) instead of its service key.
pub fn encrypt_log_groups(t: &mut Template, key: Expr) {
    for r in t.resources.values_mut() {
        if let Props::LogsLogGroup(group) = &mut r.props {
            group.kms_key_id = Some(key.clone());
            r.unskip_check("CKV_AWS_158");
        }
    }
}

/// `spec_field` is where the retention was chosen, for the reason shown to
/// reviewers when it is under a year.
pub fn retained_log_group<'t>(
    t: &'t mut Template,
    id: &str,
    name: Option<Expr>,
    retention_days: i64,
    spec_field: &str,
    tags: Vec<Tag>,
) -> &'t mut Resource {
    let group = t.add(
        id,
        LogGroup {
            log_group_name: name,
            retention_in_days: Some(retention_days.into()),
            tags: Some(tags),
            ..Default::default()
        },
    );
    group.retain_with(Policy::Retain);
    group.skip_check(
        "CKV_AWS_158",
        "CloudWatch Logs encrypts every log group at rest with a service key",
    );
    if retention_days < 365 {
        group.skip_check(
            "CKV_AWS_338",
            &format!("retention of {retention_days} days is chosen in the spec ({spec_field})"),
        );
    }
    group
}

/// What a dedicated access-log bucket is for.
pub struct LogBucket<'a> {
    pub tags: Vec<Tag>,
    pub expire_days: u32,
    /// CloudFront's standard logs are written through an ACL grant; Elastic
    /// Load Balancing writes with a bucket policy (ACLs stay off).
    pub acls: bool,
    /// What it receives, for the reviewers' reasons.
    pub receives: &'a str,
}

/// A bucket of the stack for access logs: public access blocked, SSE-S3
/// (neither CloudFront nor Elastic Load Balancing writes SSE-KMS), TLS
/// only, objects expiring, retained with the stack. Returns its logical id;
/// the caller extends its policy with the delivery statement.
pub fn log_bucket(t: &mut Template, id: &str, b: &LogBucket) -> String {
    let r = t.add(
        id,
        s3t::Bucket {
            bucket_encryption: Some(bucket::BucketEncryption {
                server_side_encryption_configuration: vec![bucket::ServerSideEncryptionRule {
                    server_side_encryption_by_default: Some(
                        bucket::ServerSideEncryptionByDefault {
                            sse_algorithm: "AES256".into(),
                            kms_master_key_id: None,
                        },
                    ),
                    ..Default::default()
                }],
            }),
            public_access_block_configuration: Some(bucket::PublicAccessBlockConfiguration::all()),
            ownership_controls: Some(bucket::OwnershipControls {
                rules: vec![bucket::OwnershipControlsRule {
                    object_ownership: Some(
                        if b.acls {
                            "BucketOwnerPreferred"
                        } else {
                            "BucketOwnerEnforced"
                        }
                        .into(),
                    ),
                }],
            }),
            lifecycle_configuration: Some(bucket::LifecycleConfiguration {
                rules: vec![bucket::Rule {
                    id: Some("archgen-lifecycle".into()),
                    status: "Enabled".into(),
                    expiration_in_days: Some(b.expire_days.into()),
                    abort_incomplete_multipart_upload: Some(
                        bucket::AbortIncompleteMultipartUpload {
                            days_after_initiation: 7.into(),
                        },
                    ),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            tags: Some(b.tags.clone()),
            ..Default::default()
        },
    );
    r.retain_with(Policy::Retain);
    r.skip_check(
        "CKV_AWS_18",
        &format!(
            "it receives {}; logging it too would log its own log deliveries",
            b.receives
        ),
    );
    r.skip_check(
        "CKV_AWS_21",
        "log objects are written once and expire; versioning would only keep deleted logs",
    );
    let mut deny = Statement::allow(
        "DenyInsecureTransport",
        &["s3:*"],
        vec![
            Expr::get_att(id, "Arn"),
            Expr::sub(format!("${{{id}.Arn}}/*")),
        ],
    );
    deny.effect = "Deny";
    deny.principal = Some(json!({"AWS": "*"}));
    deny.condition = Some(json!({"Bool": {"aws:SecureTransport": "false"}}));
    t.add(
        format!("{id}Policy"),
        s3t::BucketPolicy {
            bucket: Expr::r#ref(id),
            policy_document: PolicyDocument::new(vec![deny]).into(),
        },
    );
    id.to_string()
}

/// Encrypts bucket `id` (built by [`log_bucket`]) with a customer key
/// instead of SSE-S3, with a bucket key to keep KMS requests few; for
/// writers that encrypt with KMS themselves (CloudTrail, Firehose).
pub fn encrypt_bucket_with(t: &mut Template, id: &str, key: &Expr) {
    if let Some(Props::S3Bucket(b)) = t.resources.get_mut(id).map(|r| &mut r.props) {
        b.bucket_encryption = Some(bucket::BucketEncryption {
            server_side_encryption_configuration: vec![bucket::ServerSideEncryptionRule {
                server_side_encryption_by_default: Some(bucket::ServerSideEncryptionByDefault {
                    sse_algorithm: "aws:kms".into(),
                    kms_master_key_id: Some(key.clone()),
                }),
                bucket_key_enabled: Some(true.into()),
                ..Default::default()
            }],
        });
    }
}
