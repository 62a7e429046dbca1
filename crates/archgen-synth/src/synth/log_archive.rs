//! `logs.archive`: log groups stream to an S3 archive as they are written.
//! Each archived log group has a subscription filter (every event) to one
//! Kinesis Data Firehose stream, which unpacks CloudWatch Logs' gzip
//! batches and writes GZIP objects into an archive bucket of the stack
//! (private, TLS-only, under the stack's key, with a lifecycle). Two roles,
//! each allowed one hop: CloudWatch Logs may put records into this stream
//! only; Firehose may write into this bucket only.

use serde_json::json;

use super::Ctx;
use super::data::key_arn;
use super::logs::{LogBucket, encrypt_bucket_with, log_bucket};
use crate::spec::monitoring::LogArchiveSpec;
use crate::template::generated::kinesisfirehose::DeliveryStream;
use crate::template::generated::kinesisfirehose::delivery_stream::{
    BufferingHints, DeliveryStreamEncryptionConfigurationInput, ExtendedS3DestinationConfiguration,
    ProcessingConfiguration, Processor, ProcessorParameter,
};
use crate::template::iam::role::Policy as InlinePolicy;
use crate::template::iam::{PolicyDocument, Role, Statement};
use crate::template::logs::SubscriptionFilter;
use crate::template::s3::bucket;
use crate::template::{Expr, Props, Template};

pub const BUCKET: &str = "LogArchiveBucket";
pub const STREAM: &str = "LogArchiveStream";
pub const DELIVERY_ROLE: &str = "LogArchiveDeliveryRole";
pub const SUBSCRIPTION_ROLE: &str = "LogArchiveSubscriptionRole";

/// Runs after every builder, so every log group of the stack exists.
pub fn build(t: &mut Template, ctx: &Ctx) {
    let Some(archive) = &ctx.spec.logs.archive else {
        return;
    };
    let groups = archived_groups(t, ctx, archive);
    let key = ctx.spec.logs_key().map(key_arn);
    build_bucket(t, ctx, archive, key.as_ref());
    build_delivery_role(t, ctx, key.as_ref());
    build_stream(t, ctx, key.as_ref());
    build_subscription_role(t, ctx);
    for group in groups {
        t.add(
            format!("{group}Archive"),
            SubscriptionFilter {
                log_group_name: Expr::r#ref(&group),
                filter_pattern: "".into(),
                destination_arn: Expr::get_att(STREAM, "Arn"),
                role_arn: Some(Expr::get_att(SUBSCRIPTION_ROLE, "Arn")),
                ..Default::default()
            },
        );
    }
}

/// The logical ids of the log groups to archive: the named components'
/// own, or every log group of the stack.
fn archived_groups(t: &Template, ctx: &Ctx, archive: &LogArchiveSpec) -> Vec<String> {
    match &archive.components {
        Some(keys) => keys
            .iter()
            .filter_map(|key| {
                let group =
                    crate::kinds::kind_of(ctx.spec, key).and_then(|k| k.log_group(ctx.spec, key));
                if group.is_none() {
                    ctx.bug(format!("logs.archive: '{key}' has no log group"));
                }
                group
            })
            .collect(),
        None => t
            .resources
            .iter()
            .filter(|(_, r)| matches!(r.props, Props::LogsLogGroup(_)))
            .map(|(id, _)| id.clone())
            .collect(),
    }
}

fn build_bucket(t: &mut Template, ctx: &Ctx, archive: &LogArchiveSpec, key: Option<&Expr>) {
    log_bucket(
        t,
        BUCKET,
        &LogBucket {
            tags: ctx.named("log-archive"),
            expire_days: archive.expire_days,
            acls: false,
            receives: "the stack's archived CloudWatch logs",
        },
    );
    if let Some(days) = archive.glacier_after_days
        && let Some(Props::S3Bucket(b)) = t.resources.get_mut(BUCKET).map(|r| &mut r.props)
        && let Some(rule) = b
            .lifecycle_configuration
            .as_mut()
            .and_then(|lc| lc.rules.first_mut())
    {
        rule.transitions = Some(vec![bucket::Transition {
            storage_class: "GLACIER".into(),
            transition_in_days: Some(days.into()),
            ..Default::default()
        }]);
    }
    if let Some(key) = key {
        encrypt_bucket_with(t, BUCKET, key);
    }
}

/// Firehose writes objects into the archive bucket, and nothing else.
fn build_delivery_role(t: &mut Template, ctx: &Ctx, key: Option<&Expr>) {
    let mut trust = PolicyDocument::assumed_by("firehose.amazonaws.com");
    if let Some(s) = trust.statement.first_mut() {
        s.condition = Some(json!({"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}}));
    }
    let mut statements = vec![Statement::allow(
        "WriteToTheArchiveBucket",
        &[
            "s3:AbortMultipartUpload",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
        ],
        vec![
            Expr::get_att(BUCKET, "Arn"),
            Expr::sub(format!("${{{BUCKET}.Arn}}/*")),
        ],
    )];
    if let Some(key) = key {
        let mut kms = Statement::allow(
            "EncryptArchivedObjects",
            &["kms:Decrypt", "kms:GenerateDataKey"],
            vec![key.clone()],
        );
        kms.condition = Some(json!({
            "StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
        }));
        statements.push(kms);
    }
    t.add(
        DELIVERY_ROLE,
        Role {
            assume_role_policy_document: trust.into(),
            description: Some("Lets Firehose write archived logs into the archive bucket".into()),
            policies: Some(vec![InlinePolicy {
                policy_name: "write-log-archive".into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(ctx.named("log-archive-delivery")),
            ..Default::default()
        },
    );
}

fn build_stream(t: &mut Template, ctx: &Ctx, key: Option<&Expr>) {
    let parameter = |name: &str, value: &str| ProcessorParameter {
        parameter_name: name.into(),
        parameter_value: value.into(),
    };
    let r = t.add(
        STREAM,
        DeliveryStream {
            delivery_stream_type: Some("DirectPut".into()),
            delivery_stream_encryption_configuration_input: Some(
                DeliveryStreamEncryptionConfigurationInput {
                    key_type: if key.is_some() {
                        "CUSTOMER_MANAGED_CMK"
                    } else {
                        "AWS_OWNED_CMK"
                    }
                    .into(),
                    key_arn: key.cloned(),
                },
            ),
            extended_s3_destination_configuration: Some(ExtendedS3DestinationConfiguration {
                bucket_arn: Expr::get_att(BUCKET, "Arn"),
                role_arn: Expr::get_att(DELIVERY_ROLE, "Arn"),
                // CloudWatch Logs sends gzip batches: unpacked here, so the
                // archive holds one GZIP object of plain events per flush.
                processing_configuration: Some(ProcessingConfiguration {
                    enabled: Some(true.into()),
                    processors: Some(vec![Processor {
                        r#type: "Decompression".into(),
                        parameters: Some(vec![parameter("CompressionFormat", "GZIP")]),
                    }]),
                }),
                compression_format: Some("GZIP".into()),
                buffering_hints: Some(BufferingHints {
                    interval_in_seconds: Some(300.into()),
                    size_in_m_bs: Some(64.into()),
                }),
                ..Default::default()
            }),
            tags: Some(ctx.named("log-archive")),
            ..Default::default()
        },
    );
    if key.is_none() {
        r.skip_check(
            "CKV_AWS_241",
            "the stack declares no customer key (keys:), so the stream is encrypted with an AWS owned key",
        );
    }
}

/// CloudWatch Logs puts records into this stream, for log groups of this
/// account and region only.
fn build_subscription_role(t: &mut Template, ctx: &Ctx) {
    let mut trust = PolicyDocument::assumed_by("logs.amazonaws.com");
    if let Some(s) = trust.statement.first_mut() {
        s.condition = Some(json!({
            "StringLike": {
                "aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"}
            }
        }));
    }
    t.add(
        SUBSCRIPTION_ROLE,
        Role {
            assume_role_policy_document: trust.into(),
            description: Some("Lets CloudWatch Logs stream log groups to the log archive".into()),
            policies: Some(vec![InlinePolicy {
                policy_name: "stream-to-log-archive".into(),
                policy_document: PolicyDocument::new(vec![Statement::allow(
                    "PutRecordsIntoTheArchiveStream",
                    &["firehose:PutRecord", "firehose:PutRecordBatch"],
                    vec![Expr::get_att(STREAM, "Arn")],
                )])
                .into(),
            }]),
            tags: Some(ctx.named("log-archive-subscription")),
            ..Default::default()
        },
    );
}
