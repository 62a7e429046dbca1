//! `audit:` read as an auditor checks it in the template: a multi-region
//! trail with validated log files, in a bucket locked for the retention that
//! admits this trail only, and data events on the named components.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

fn spec_with(audit: &str) -> String {
    VALID.replacen(
        "environments:",
        &format!(
            "\
keys:
  data: {{}}
buckets:
  uploads: {{ versioned: true }}
tables:
  orders: {{ partition_key: {{ name: id, type: string }} }}
{audit}environments:"
        ),
        1,
    )
}

const AUDIT: &str = "\
audit:
  retention_days: 2555
  lock: compliance
  data_events: [uploads, orders]
  cloudwatch: { retention_days: 365 }
";

fn synth(audit: &str) -> Value {
    template_json(
        &TempProject::new(&spec_with(audit)).synth("prod").unwrap(),
        "main",
    )
}

#[test]
fn the_trail_is_multi_region_with_validated_log_files_under_the_stack_key() {
    let t = synth(AUDIT);
    let trail = &t["Resources"]["AuditTrail"]["Properties"];
    assert_eq!(trail["IsMultiRegionTrail"], true);
    assert_eq!(trail["EnableLogFileValidation"], true);
    assert_eq!(trail["IncludeGlobalServiceEvents"], true);
    assert_eq!(trail["IsLogging"], true);
    assert_eq!(trail["S3BucketName"], json!({"Ref": "AuditTrailBucket"}));
    assert_eq!(trail["KMSKeyId"], json!({"Fn::GetAtt": ["DataKey", "Arn"]}));
    // The key admits CloudTrail for this trail only.
    let key = t["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Principal"] == json!({"Service": "cloudtrail.amazonaws.com"}))
        .expect("a statement for CloudTrail")
        .clone();
    assert_eq!(
        key["Condition"]["StringEquals"]["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/demo-prod-main"})
    );
    // Delivered to CloudWatch Logs by a role that may write to that group only.
    assert_eq!(
        trail["CloudWatchLogsLogGroupArn"],
        json!({"Fn::GetAtt": ["AuditTrailLogGroup", "Arn"]})
    );
    let role = &t["Resources"]["AuditTrailLogsRole"]["Properties"];
    assert_eq!(
        role["Policies"][0]["PolicyDocument"]["Statement"],
        json!([{
            "Sid": "DeliverToTheTrailLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [{"Fn::GetAtt": ["AuditTrailLogGroup", "Arn"]}],
        }])
    );
    assert_eq!(
        t["Resources"]["AuditTrailLogGroup"]["Properties"]["RetentionInDays"],
        365
    );
}

#[test]
fn the_bucket_is_object_locked_for_the_retention_and_admits_only_this_trail() {
    let t = synth(AUDIT);
    let bucket = &t["Resources"]["AuditTrailBucket"];
    assert_eq!(bucket["DeletionPolicy"], "Retain");
    let p = &bucket["Properties"];
    assert_eq!(p["ObjectLockEnabled"], true);
    assert_eq!(
        p["ObjectLockConfiguration"],
        json!({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Days": 2555, "Mode": "COMPLIANCE"}}})
    );
    assert_eq!(p["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(
        p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]}})
    );
    let statements =
        t["Resources"]["AuditTrailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
    let tls = statements
        .iter()
        .find(|s| s["Sid"] == "DenyInsecureTransport")
        .expect("TLS only");
    assert_eq!(tls["Effect"], "Deny");
    let trail = json!({"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/demo-prod-main"});
    let cloudtrail: Vec<&Value> = statements
        .iter()
        .filter(|s| s["Principal"] == json!({"Service": "cloudtrail.amazonaws.com"}))
        .collect();
    assert_eq!(cloudtrail.len(), 2);
    for s in cloudtrail {
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceArn"], trail,
            "{s}"
        );
    }
    // Governance is the default mode; the retention is the spec's.
    let t = synth("audit: { retention_days: 30 }\n");
    assert_eq!(
        t["Resources"]["AuditTrailBucket"]["Properties"]["ObjectLockConfiguration"]["Rule"],
        json!({"DefaultRetention": {"Days": 30, "Mode": "GOVERNANCE"}})
    );
}

#[test]
fn data_events_list_the_named_components_arns() {
    let t = synth(AUDIT);
    let selectors = &t["Resources"]["AuditTrail"]["Properties"]["EventSelectors"];
    assert_eq!(
        selectors,
        &json!([{
            "IncludeManagementEvents": true,
            "ReadWriteType": "All",
            "DataResources": [
                {"Type": "AWS::DynamoDB::Table", "Values": [{"Fn::GetAtt": ["OrdersTable", "Arn"]}]},
                {"Type": "AWS::S3::Object", "Values": [{"Fn::Sub": "${UploadsBucket.Arn}/"}]},
            ],
        }])
    );
    // Management events only by default.
    let t = synth("audit: { retention_days: 30 }\n");
    assert_eq!(
        t["Resources"]["AuditTrail"]["Properties"]["EventSelectors"],
        json!([{"IncludeManagementEvents": true, "ReadWriteType": "All"}])
    );
}

#[test]
fn malformed_audit_blocks_fail_with_file_line_field_and_fix() {
    let valid = spec_with(AUDIT);
    let case = |name, to, line, field, says| Case {
        name,
        from: AUDIT,
        to,
        line,
        field,
        says,
    };
    // `audit:` is at line 17 of `spec_with(AUDIT)`.
    let cases = [
        case(
            "a retention beyond Object Lock's range",
            "audit: { retention_days: 40000 }\n",
            17,
            "audit.retention_days",
            &[
                "outside S3 Object Lock's retention range",
                "seven years is 2555",
            ][..],
        ),
        case(
            "a misspelt data-event component",
            "audit:\n  retention_days: 2555\n  data_events: [uplods]\n",
            19,
            "audit.data_events[0]",
            &["no bucket or table 'uplods'", "did you mean 'uploads'?"][..],
        ),
        case(
            "a data event on a service",
            "audit:\n  retention_days: 2555\n  data_events: [web]\n",
            19,
            "audit.data_events[0]",
            &["management events only", "name buckets or tables"][..],
        ),
        case(
            "an unknown key",
            "audit:\n  retention_days: 2555\n  kms_key: dta\n",
            19,
            "audit.kms_key",
            &["did you mean 'data'?"][..],
        ),
    ];
    for case in &cases {
        assert_fails_on(&valid, case);
    }
}
