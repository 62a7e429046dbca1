//! S3 buckets: all public access blocked, objects owned by the bucket owner,
//! encrypted (SSE-S3 or SSE-KMS with a bucket key), a TLS-only bucket policy,
//! lifecycle rules, CORS and server access logging.

use serde_json::json;

use super::{Ctx, keep, key_arn};
use crate::naming::pascal;
use crate::spec::data::BucketSpec;
use crate::synth::connect::Component;
use crate::template::iam::{PolicyDocument, Statement};
use crate::template::iam::{Role, role};
use crate::template::s3::bucket::{
    AbortIncompleteMultipartUpload, BucketEncryption, CorsConfiguration, CorsRule,
    DeleteMarkerReplication, EncryptionConfiguration, LifecycleConfiguration, LoggingConfiguration,
    NoncurrentVersionExpiration, NoncurrentVersionTransition, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, ReplicationConfiguration,
    ReplicationDestination, ReplicationRule, ReplicationRuleFilter, Rule,
    ServerSideEncryptionByDefault, ServerSideEncryptionRule, SourceSelectionCriteria,
    SseKmsEncryptedObjects, Transition, VersioningConfiguration,
};
use crate::template::s3::{Bucket, BucketPolicy};
use crate::template::{Expr, Policy, Template};

pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, b: &BucketSpec) {
    let p = pascal(name);
    let id = format!("{p}Bucket");
    let kms = b.kms_key.as_deref().map(key_arn);
    let encryption = ServerSideEncryptionRule {
        server_side_encryption_by_default: Some(ServerSideEncryptionByDefault {
            sse_algorithm: if kms.is_some() { "aws:kms" } else { "AES256" }.into(),
            kms_master_key_id: kms.clone(),
        }),
        // Bucket keys cut KMS requests (and cost) by orders of magnitude.
        bucket_key_enabled: kms.is_some().then(|| true.into()),
        ..Default::default()
    };
    let lc = &b.lifecycle;
    let rule = Rule {
        id: Some("archgen-lifecycle".into()),
        status: "Enabled".into(),
        transitions: (!lc.transitions.is_empty()).then(|| {
            lc.transitions
                .iter()
                .map(|t| Transition {
                    storage_class: t.to.as_str().into(),
                    transition_in_days: Some(t.days.into()),
                    ..Default::default()
                })
                .collect()
        }),
        expiration_in_days: lc.expire_days.map(Expr::from),
        noncurrent_version_transitions: lc
            .noncurrent
            .as_ref()
            .filter(|n| !n.transitions.is_empty())
            .map(|n| {
                n.transitions
                    .iter()
                    .map(|t| NoncurrentVersionTransition {
                        storage_class: t.to.as_str().into(),
                        transition_in_days: t.days.into(),
                        ..Default::default()
                    })
                    .collect()
            }),
        noncurrent_version_expiration: lc.noncurrent.as_ref().and_then(|n| n.expire_days).map(
            |d| NoncurrentVersionExpiration {
                noncurrent_days: d.into(),
                ..Default::default()
            },
        ),
        abort_incomplete_multipart_upload: Some(AbortIncompleteMultipartUpload {
            days_after_initiation: lc.abort_multipart_days.into(),
        }),
        ..Default::default()
    };
    let exprs = |v: &[String]| v.iter().map(Expr::from).collect::<Vec<_>>();
    let cors = (!b.cors.is_empty()).then(|| CorsConfiguration {
        cors_rules: b
            .cors
            .iter()
            .map(|c| CorsRule {
                allowed_origins: exprs(&c.origins),
                allowed_methods: exprs(&c.methods),
                allowed_headers: (!c.headers.is_empty()).then(|| exprs(&c.headers)),
                exposed_headers: (!c.expose_headers.is_empty()).then(|| exprs(&c.expose_headers)),
                max_age: c.max_age.map(Expr::from),
                ..Default::default()
            })
            .collect(),
    });
    let replication_configuration = replication(t, ctx, name, b);
    let r = t.add(
        &id,
        Bucket {
            bucket_name: b
                .name
                .as_deref()
                .map(|n| crate::naming::per_environment(n, ctx.environment).into()),
            bucket_encryption: Some(BucketEncryption {
                server_side_encryption_configuration: vec![encryption],
            }),
            public_access_block_configuration: Some(PublicAccessBlockConfiguration::all()),
            ownership_controls: Some(OwnershipControls {
                rules: vec![OwnershipControlsRule {
                    object_ownership: Some("BucketOwnerEnforced".into()),
                }],
            }),
            versioning_configuration: b.versioned.then(|| VersioningConfiguration {
                status: "Enabled".into(),
            }),
            lifecycle_configuration: Some(LifecycleConfiguration {
                rules: vec![rule],
                ..Default::default()
            }),
            cors_configuration: cors,
            logging_configuration: b.access_logs.as_deref().map(|target| LoggingConfiguration {
                destination_bucket_name: Some(Expr::r#ref(format!("{}Bucket", pascal(target)))),
                log_file_prefix: Some(format!("s3/{name}/").into()),
                ..Default::default()
            }),
            replication_configuration,
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    keep(r, ctx, b.retain, Policy::Retain, &format!("buckets.{name}"));
    let sources: Vec<&String> = ctx
        .spec
        .buckets
        .iter()
        .filter(|(_, other)| other.access_logs.as_deref() == Some(name))
        .map(|(k, _)| k)
        .collect();
    if b.access_logs.is_none() {
        let why = if sources.is_empty() {
            format!("the spec names no access-log bucket for it (buckets.{name}.access_logs)")
        } else {
            "it receives the other buckets' access logs; logging it too would log its own log deliveries".into()
        };
        r.skip_check("CKV_AWS_18", &why);
    }
    if !b.versioned {
        r.skip_check(
            "CKV_AWS_21",
            &format!("versioning is left off in the spec (buckets.{name}.versioned): its objects are replaceable"),
        );
    }

    let arn = Expr::get_att(&id, "Arn");
    let objects = Expr::sub(format!("${{{id}.Arn}}/*"));
    let mut deny = Statement::allow(
        "DenyInsecureTransport",
        &["s3:*"],
        vec![arn.clone(), objects.clone()],
    );
    deny.effect = "Deny";
    deny.principal = Some(json!({"AWS": "*"}));
    deny.condition = Some(json!({"Bool": {"aws:SecureTransport": "false"}}));
    let mut statements = vec![deny];
    if !sources.is_empty() {
        let mut allow = Statement::allow(
            "AllowServerAccessLogDelivery",
            &["s3:PutObject"],
            vec![objects.clone()],
        );
        allow.principal = Some(json!({"Service": "logging.s3.amazonaws.com"}));
        let source_arns: Vec<serde_json::Value> = sources
            .iter()
            .map(|s| json!({"Fn::GetAtt": [format!("{}Bucket", pascal(s)), "Arn"]}))
            .collect();
        allow.condition = Some(json!({
            "ArnLike": {"aws:SourceArn": source_arns},
            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        }));
        statements.push(allow);
    }
    t.add(
        format!("{id}Policy"),
        BucketPolicy {
            bucket: Expr::r#ref(&id),
            policy_document: PolicyDocument::new(statements).into(),
        },
    );

    let mut c = Component::new(name, &crate::kinds::bucket::Buckets);
    crate::kinds::bucket::grants(&mut c, &p, arn.clone(), objects);
    if let Some(k) = &kms {
        c.read_grants.push(Statement::allow(
            &format!("Decrypt{p}Objects"),
            &["kms:Decrypt"],
            vec![k.clone()],
        ));
        c.write_grants.push(Statement::allow(
            &format!("Encrypt{p}Objects"),
            &["kms:GenerateDataKey"],
            vec![k.clone()],
        ));
    }
    c.environment = vec![("NAME".into(), Expr::r#ref(&id)), ("ARN".into(), arn)];
    ctx.components.register(c);
}

/// Logical id of a bucket component's bucket.
pub fn bucket_id(name: &str) -> String {
    format!("{}Bucket", pascal(name))
}

/// Adds `statement` to the bucket's one policy. Other builders use this when
/// an AWS service must write to or read from a bucket of the stack (load
/// balancer logs, CloudFront origin access), so a bucket never gets a second
/// policy that would replace the first.
pub fn extend_policy(t: &mut Template, name: &str, statement: Statement) {
    extend_policy_of(t, &bucket_id(name), statement);
}

/// [`extend_policy`] for a bucket by logical id (`<id>Policy`), e.g. a
/// dedicated log bucket that is no component.
pub fn extend_policy_of(t: &mut Template, bucket_logical_id: &str, statement: Statement) {
    let id = format!("{bucket_logical_id}Policy");
    if let Some(r) = t.resources.get_mut(&id)
        && let crate::template::Props::S3BucketPolicy(p) = &mut r.props
    {
        PolicyDocument::push_statement(&mut p.policy_document, statement);
    }
}

/// The account Elastic Load Balancing delivers access logs from, in the
/// regions that predate the log-delivery service principal (AWS: "Enable
/// access logs for your Application Load Balancer").
pub fn elb_log_account(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "127311923021",
        "us-east-2" => "033677994240",
        "us-west-1" => "027434742980",
        "us-west-2" => "797873946194",
        "af-south-1" => "098369216593",
        "ap-east-1" => "754344448648",
        "ap-southeast-3" => "589379963580",
        "ap-south-1" => "718504428378",
        "ap-northeast-3" => "383597477331",
        "ap-northeast-2" => "600734575887",
        "ap-southeast-1" => "114774131450",
        "ap-southeast-2" => "783225319266",
        "ap-northeast-1" => "582318560864",
        "ca-central-1" => "985666609251",
        "eu-central-1" => "054676820928",
        "eu-west-1" => "156460612806",
        "eu-west-2" => "652711504416",
        "eu-south-1" => "635631232127",
        "eu-west-3" => "009996457667",
        "eu-north-1" => "897822967062",
        "me-south-1" => "076674570225",
        "sa-east-1" => "507241528517",
        _ => return None,
    })
}

/// Cross-region replication of every object version to an existing bucket,
/// replicas encrypted with the destination region's key. The role S3
/// assumes may read this bucket's versions, write replicas into the
/// destination, decrypt with the bucket's key and encrypt with the
/// destination's, each through S3 only. It names this bucket by its ARN
/// (check requires `name`), so bucket and role do not refer to each other.
fn replication(
    t: &mut Template,
    ctx: &Ctx,
    name: &str,
    b: &BucketSpec,
) -> Option<ReplicationConfiguration> {
    let r = b.replication.as_ref()?;
    let bucket_name = crate::naming::per_environment(b.name.as_deref()?, ctx.environment);
    let source = format!("arn:${{AWS::Partition}}:s3:::{bucket_name}");
    let source_key = key_arn(b.kms_key.as_deref()?);
    let region = r.destination_region()?;
    let role_id = format!("{}BucketReplicationRole", pascal(name));
    let mut trust = PolicyDocument::assumed_by("s3.amazonaws.com");
    trust.statement[0].condition = Some(json!({
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }));
    let via_s3 = |region: Expr, objects_of: Vec<Expr>| {
        json!({
            "StringEquals": {"kms:ViaService": region},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": objects_of},
        })
    };
    let mut decrypt = Statement::allow("DecryptSourceObjects", &["kms:Decrypt"], vec![source_key]);
    // With a bucket key the context is the bucket's ARN, else the object's.
    decrypt.condition = Some(via_s3(
        Expr::sub("s3.${AWS::Region}.amazonaws.com"),
        vec![Expr::sub(source.clone()), Expr::sub(format!("{source}/*"))],
    ));
    let mut encrypt = Statement::allow(
        "EncryptReplicas",
        &["kms:Encrypt", "kms:GenerateDataKey"],
        vec![r.kms_key.clone().into()],
    );
    encrypt.condition = Some(via_s3(
        format!("s3.{region}.amazonaws.com").into(),
        vec![
            r.destination.clone().into(),
            format!("{}/*", r.destination).into(),
        ],
    ));
    let statements = vec![
        Statement::allow(
            "ReadReplicationConfiguration",
            &["s3:GetReplicationConfiguration", "s3:ListBucket"],
            vec![Expr::sub(source.clone())],
        ),
        Statement::allow(
            "ReadSourceVersions",
            &[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
            ],
            vec![Expr::sub(format!("{source}/*"))],
        ),
        Statement::allow(
            "WriteReplicas",
            &[
                "s3:ReplicateObject",
                "s3:ReplicateDelete",
                "s3:ReplicateTags",
            ],
            vec![format!("{}/*", r.destination).into()],
        ),
        decrypt,
        encrypt,
    ];
    t.add(
        &role_id,
        Role {
            assume_role_policy_document: trust.into(),
            description: Some(
                format!("S3 replication of bucket {name} to {}", r.destination).into(),
            ),
            policies: Some(vec![role::Policy {
                policy_name: "replicate".into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(ctx.named(&format!("{name}-replication"))),
            ..Default::default()
        },
    );
    Some(ReplicationConfiguration {
        role: Expr::get_att(&role_id, "Arn"),
        rules: vec![ReplicationRule {
            id: Some("archgen-replication".into()),
            status: "Enabled".into(),
            priority: Some(1.into()),
            // Every object; a deletion is not replicated, so the replica
            // survives a mistake in this region.
            filter: Some(ReplicationRuleFilter {
                prefix: Some("".into()),
                ..Default::default()
            }),
            delete_marker_replication: Some(DeleteMarkerReplication {
                status: Some("Disabled".into()),
            }),
            source_selection_criteria: Some(SourceSelectionCriteria {
                sse_kms_encrypted_objects: Some(SseKmsEncryptedObjects {
                    status: "Enabled".into(),
                }),
                ..Default::default()
            }),
            destination: ReplicationDestination {
                bucket: r.destination.clone().into(),
                encryption_configuration: Some(EncryptionConfiguration {
                    replica_kms_key_id: r.kms_key.clone().into(),
                }),
                ..Default::default()
            },
            ..Default::default()
        }],
    })
}
