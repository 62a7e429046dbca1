//! One suppression, every scanner: archgen writes a skipped rule once (the
//! checkov id and the reason) and the template carries it for checkov
//! (`Metadata.checkov.skip`), cfn-guard with AWS's Guard rules registry
//! (`Metadata.guard.SuppressedRules`) and cfn_nag
//! (`Metadata.cfn_nag.rules_to_suppress`), wherever that scanner has the
//! same control. A control a scanner lacks is not invented for it.

use serde_json::{Value, json};

/// The same control as each scanner names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Twins {
    pub checkov: &'static str,
    /// A rule of aws-cloudformation/aws-guard-rules-registry.
    pub guard: Option<&'static str>,
    /// A rule id of stelligent/cfn_nag.
    pub cfn_nag: Option<&'static str>,
}

const fn twins(
    checkov: &'static str,
    guard: Option<&'static str>,
    cfn_nag: Option<&'static str>,
) -> Twins {
    Twins {
        checkov,
        guard,
        cfn_nag,
    }
}

/// Every checkov check archgen may skip that another scanner also has,
/// each row checked against the scanners' own rule sources:
///
/// - checkov: bridgecrewio/checkov @03d5fdad8d,
///   `checkov/cloudformation/checks/resource/aws/<file>` (or
///   `checkov/terraform/checks/resource/aws/<file>` where the check is
///   defined there only), file named per row;
/// - Guard: aws-cloudformation/aws-guard-rules-registry @7f7340c,
///   `rules/aws/<file>` (the `rule` name, and the cfn_nag id the Guard rule
///   itself accepts as the same control in its suppression filter);
/// - cfn_nag: stelligent/cfn_nag @8b5f03d,
///   `lib/cfn-nag/custom_rules/<file>` (`rule_id`, `rule_text`).
///
/// Not mapped, because the other scanners check something else:
/// CKV_AWS_338 (retention of a year or more; Guard's
/// CW_LOGGROUP_RETENTION_PERIOD_CHECK and cfn_nag's W86 only require a
/// retention), CKV_AWS_260 (port 80 open to the world; Guard's
/// EC2_SECURITY_GROUP_INGRESS_OPEN_TO_WORLD_RULE and W2 flag any open
/// port), CKV_AWS_68 (the registry's cloudfront_associated_with_waf.guard
/// is empty). Checks with no twin at all (CKV_AWS_173, 191, 192, 272, 309,
/// 336, 51, 111, 139, CKV2_AWS_47, ...) stay checkov-only.
///
/// `tests/integration/guard.rs` runs cfn-guard on every example template:
/// each Guard suppression is honoured, and its rule fails on the resource
/// once the suppression is removed, so a row naming the wrong Guard rule
/// fails there.
pub const TABLE: &[Twins] = &[
    // CloudWatchLogGroupKMSKey.py (KmsKeyId) | cloudwatch/cloudwatch_log_group_encrypted.guard | LogsLogGroupEncryptedRule.rb
    twins(
        "CKV_AWS_158",
        Some("CLOUDWATCH_LOG_GROUP_ENCRYPTED"),
        Some("W84"),
    ),
    // SecretManagerSecretEncrypted.py | secrets_manager/secretsmanager_using_cmk.guard | SecretsManagerSecretKmsKeyIdRule.rb
    twins("CKV_AWS_149", Some("SECRETSMANAGER_USING_CMK"), Some("W77")),
    // LambdaFunctionLevelConcurrentExecutionLimit.py | lambda/lambda_concurrency_check.guard | LambdaFunctionReservedConcurrentExecutionsRule.rb
    twins("CKV_AWS_115", Some("LAMBDA_CONCURRENCY_CHECK"), Some("W92")),
    // LambdaDLQConfigured.py | lambda/lambda_dlq_check.guard | (none)
    twins("CKV_AWS_116", Some("LAMBDA_DLQ_CHECK"), None),
    // LambdaInVPC.py | lambda/lambda_inside_vpc.guard | LambdaFunctionInsideVPCRule.rb
    twins("CKV_AWS_117", Some("LAMBDA_INSIDE_VPC"), Some("W89")),
    // S3AccessLogs.py | amazon_s3/s3_bucket_logging_enabled.guard | S3BucketAccessLoggingRule.rb
    twins("CKV_AWS_18", Some("S3_BUCKET_LOGGING_ENABLED"), Some("W35")),
    // S3Versioning.py | amazon_s3/s3_bucket_versioning_enabled.guard | (none)
    twins("CKV_AWS_21", Some("S3_BUCKET_VERSIONING_ENABLED"), None),
    // KMSRotation.py | aws_kms/cmk_backing_key_rotation_enabled.guard | KMSKeyRotationRule.rb
    twins(
        "CKV_AWS_7",
        Some("CMK_BACKING_KEY_ROTATION_ENABLED"),
        Some("F19"),
    ),
    // terraform RDSInstanceDeletionProtection.py | amazon_rds/rds_instance_deletion_protection_enabled.guard | RDSInstanceDeletionProtectionRule.rb
    twins(
        "CKV_AWS_293",
        Some("RDS_INSTANCE_DELETION_PROTECTION_ENABLED"),
        Some("F80"),
    ),
    // RDSMultiAZEnabled.py | amazon_rds/rds_multi_az_support.guard | (none)
    twins("CKV_AWS_157", Some("RDS_MULTI_AZ_SUPPORT"), None),
    // RDSEncryption.py | amazon_rds/rds_storage_encrypted.guard | RDSDBInstanceStorageEncryptedRule.rb
    twins("CKV_AWS_16", Some("RDS_STORAGE_ENCRYPTED"), Some("F27")),
    // ELBv2AccessLogs.py | elastic_load_balancing_v2/elbv2_access_logging_rule.guard | ElasticLoadBalancerV2AccessLoggingRule.rb
    twins("CKV_AWS_91", Some("ELBV2_ACCESS_LOGGING_RULE"), Some("W52")),
    // terraform LBDeletionProtection.py | elastic_load_balancing_v2/elb_deletion_protection_enabled.guard | (none)
    twins("CKV_AWS_150", Some("ELB_DELETION_PROTECTION_ENABLED"), None),
    // ALBListenerHTTPS.py | elastic_load_balancing_v2/elbv2_listener_protocol_rule.guard | ElasticLoadBalancerV2ListenerProtocolRule.rb
    twins(
        "CKV_AWS_2",
        Some("ELBV2_LISTENER_PROTOCOL_RULE"),
        Some("W56"),
    ),
    // ALBListenerTLS12.py | elastic_load_balancing_v2/elbv2_listener_ssl_policy_rule.guard | ElasticLoadBalancerV2ListenerSslPolicyRule.rb
    twins(
        "CKV_AWS_103",
        Some("ELBV2_LISTENER_SSL_POLICY_RULE"),
        Some("W55"),
    ),
    // CloudfrontDistributionLogging.py | cloudfront/cloudfront_accesslogs_enabled.guard | CloudFrontDistributionAccessLoggingRule.rb
    twins(
        "CKV_AWS_86",
        Some("CLOUDFRONT_ACCESSLOGS_ENABLED"),
        Some("W10"),
    ),
    // terraform CloudfrontDistributionOriginFailover.py | cloudfront/cloudfront_origin_failover_enabled.guard | (none)
    twins(
        "CKV_AWS_310",
        Some("CLOUDFRONT_ORIGIN_FAILOVER_ENABLED"),
        None,
    ),
    // CloudFrontTLS12.py | cloudfront/cloudfront_minimum_protocol_version_rule.guard | CloudfrontMinimumProtocolVersionRule.rb
    twins(
        "CKV_AWS_174",
        Some("CLOUDFRONT_MINIMUM_PROTOCOL_VERSION_RULE"),
        Some("W70"),
    ),
    // DynamodbRecovery.py | dynamodb/dynamodb_pitr_enabled.guard | DynamoDBBackupRule.rb
    twins("CKV_AWS_28", Some("DYNAMODB_PITR_ENABLED"), Some("W78")),
    // DynamoDBTablesEncrypted.py | dynamodb/dynamodb_table_encrypted_kms.guard | DynamoDBEncryptionRule.rb
    twins(
        "CKV_AWS_119",
        Some("DYNAMODB_TABLE_ENCRYPTED_KMS"),
        Some("W74"),
    ),
    // ECRImageScanning.py | aws_ecr/ecr_repo_scan_on_push_rule.guard | ECRRepositoryScanOnPushRule.rb
    twins("CKV_AWS_163", Some("ECR_REPO_SCAN_ON_PUSH"), Some("W79")),
];

/// The control `checkov_id` is in every scanner (checkov only when no other
/// scanner has it).
pub fn twins_of(checkov_id: &str) -> Twins {
    TABLE
        .iter()
        .find(|t| t.checkov == checkov_id)
        .copied()
        .unwrap_or(Twins {
            checkov: "",
            guard: None,
            cfn_nag: None,
        })
}

fn list<'m>(
    meta: &'m mut serde_json::Map<String, Value>,
    scanner: &str,
    key: &str,
) -> &'m mut Vec<Value> {
    meta.entry(scanner)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("scanner metadata is an object")
        .entry(key)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("a suppression list")
}

/// Records the suppression of `checkov_id` with `reason` for every scanner
/// that has the control.
pub fn add(meta: &mut serde_json::Map<String, Value>, checkov_id: &str, reason: &str) {
    list(meta, "checkov", "skip").push(json!({"id": checkov_id, "comment": reason}));
    let t = twins_of(checkov_id);
    if let Some(rule) = t.guard {
        let rules = list(meta, "guard", "SuppressedRules");
        if !rules.iter().any(|r| r == rule) {
            rules.push(rule.into());
        }
    }
    if let Some(id) = t.cfn_nag {
        let rules = list(meta, "cfn_nag", "rules_to_suppress");
        if !rules.iter().any(|r| r["id"] == id) {
            rules.push(json!({"id": id, "reason": reason}));
        }
    }
}

/// Drops the suppression of `checkov_id` and its twins.
pub fn remove(meta: &mut serde_json::Map<String, Value>, checkov_id: &str) {
    let t = twins_of(checkov_id);
    let mut drop = |scanner: &str, key: &str, matches: &dyn Fn(&Value) -> bool| {
        let Some(obj) = meta.get_mut(scanner).and_then(Value::as_object_mut) else {
            return;
        };
        if let Some(items) = obj.get_mut(key).and_then(Value::as_array_mut) {
            items.retain(|i| !matches(i));
            if items.is_empty() {
                obj.remove(key);
            }
        }
        if obj.is_empty() {
            meta.remove(scanner);
        }
    };
    drop("checkov", "skip", &|s| s["id"] == checkov_id);
    if let Some(rule) = t.guard {
        drop("guard", "SuppressedRules", &|r| r == rule);
    }
    if let Some(id) = t.cfn_nag {
        drop("cfn_nag", "rules_to_suppress", &|r| r["id"] == id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_control_is_named_once_per_scanner() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert_ne!(a.checkov, b.checkov);
                assert!(a.guard.is_none() || a.guard != b.guard, "{a:?} {b:?}");
                assert!(a.cfn_nag.is_none() || a.cfn_nag != b.cfn_nag, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn a_suppression_goes_to_every_scanner_with_the_control_and_comes_back_out() {
        let mut meta = serde_json::Map::new();
        add(&mut meta, "CKV_AWS_158", "why");
        add(&mut meta, "CKV_AWS_338", "retention");
        assert_eq!(
            Value::Object(meta.clone()),
            json!({
                "checkov": {"skip": [{"id": "CKV_AWS_158", "comment": "why"}, {"id": "CKV_AWS_338", "comment": "retention"}]},
                "guard": {"SuppressedRules": ["CLOUDWATCH_LOG_GROUP_ENCRYPTED"]},
                "cfn_nag": {"rules_to_suppress": [{"id": "W84", "reason": "why"}]},
            })
        );
        remove(&mut meta, "CKV_AWS_158");
        assert_eq!(
            Value::Object(meta),
            json!({"checkov": {"skip": [{"id": "CKV_AWS_338", "comment": "retention"}]}})
        );
    }
}
