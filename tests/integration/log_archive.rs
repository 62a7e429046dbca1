//! `logs.archive` read as an operator checks it in the template: every
//! archived log group streams to the one Firehose stream, which writes GZIP
//! objects into the archive bucket, through roles that allow one hop each.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

fn spec_with(extra: &str) -> String {
    VALID.replacen("environments:", &format!("{extra}environments:"), 1)
}

fn synth(extra: &str) -> Value {
    template_json(
        &TempProject::new(&spec_with(extra)).synth("prod").unwrap(),
        "main",
    )
}

/// Log group logical id → the subscription filters on it.
fn filters(t: &Value) -> Vec<(String, Value)> {
    resources_of(t, "AWS::Logs::SubscriptionFilter")
        .into_iter()
        .map(|(_, f)| {
            let group = f["Properties"]["LogGroupName"]["Ref"]
                .as_str()
                .expect("a filter names its group by Ref")
                .to_string();
            (group, f["Properties"].clone())
        })
        .collect()
}

#[test]
fn every_archived_log_group_has_a_subscription_filter_to_the_stream() {
    let t = synth("logs: { archive: {} }\n");
    let groups: Vec<&String> = resources_of(&t, "AWS::Logs::LogGroup")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(groups.len() >= 3, "{groups:?}");
    let found = filters(&t);
    for group in &groups {
        let on: Vec<&Value> = found
            .iter()
            .filter(|(g, _)| g == *group)
            .map(|(_, f)| f)
            .collect();
        assert_eq!(on.len(), 1, "{group}: {on:?}");
        assert_eq!(
            on[0]["DestinationArn"],
            json!({"Fn::GetAtt": ["LogArchiveStream", "Arn"]})
        );
        assert_eq!(
            on[0]["RoleArn"],
            json!({"Fn::GetAtt": ["LogArchiveSubscriptionRole", "Arn"]})
        );
        // Every event, not a pattern.
        assert_eq!(on[0]["FilterPattern"], "");
    }
    assert_eq!(found.len(), groups.len());

    // Per component: only the named service's log group.
    let t = synth("logs: { archive: { components: [web] } }\n");
    let found = filters(&t);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "WebLogGroup");
}

#[test]
fn the_stream_writes_gzip_objects_into_the_archive_bucket_with_a_lifecycle() {
    let t = synth(
        "keys: { logs: {} }\nlogs: { archive: { glacier_after_days: 90, expire_days: 730 } }\n",
    );
    let stream = &t["Resources"]["LogArchiveStream"]["Properties"];
    let s3 = &stream["ExtendedS3DestinationConfiguration"];
    assert_eq!(
        s3["BucketARN"],
        json!({"Fn::GetAtt": ["LogArchiveBucket", "Arn"]})
    );
    assert_eq!(s3["CompressionFormat"], "GZIP");
    assert_eq!(
        s3["ProcessingConfiguration"]["Processors"],
        json!([{"Type": "Decompression", "Parameters": [{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}]}])
    );
    assert_eq!(
        stream["DeliveryStreamEncryptionConfigurationInput"],
        json!({"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": {"Fn::GetAtt": ["LogsKey", "Arn"]}})
    );
    let bucket = &t["Resources"]["LogArchiveBucket"]["Properties"];
    let rule = &bucket["LifecycleConfiguration"]["Rules"][0];
    assert_eq!(rule["ExpirationInDays"], 730);
    assert_eq!(
        rule["Transitions"],
        json!([{"StorageClass": "GLACIER", "TransitionInDays": 90}])
    );
    assert_eq!(
        bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
            ["SSEAlgorithm"],
        "aws:kms"
    );
    let policy =
        t["Resources"]["LogArchiveBucketPolicy"]["Properties"]["PolicyDocument"].to_string();
    assert!(policy.contains("aws:SecureTransport"), "{policy}");
}

#[test]
fn the_archive_roles_are_least_privilege() {
    let t = synth("keys: { logs: {} }\nlogs: { archive: {} }\n");
    let role = |id: &str| t["Resources"][id]["Properties"].clone();

    // CloudWatch Logs of this account and region, into this stream only.
    let subscription = role("LogArchiveSubscriptionRole");
    let trust = &subscription["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"], json!({"Service": "logs.amazonaws.com"}));
    assert_eq!(
        trust["Condition"]["StringLike"]["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"})
    );
    assert_eq!(subscription["Policies"].as_array().unwrap().len(), 1);
    assert_eq!(
        subscription["Policies"][0]["PolicyDocument"]["Statement"],
        json!([{
            "Sid": "PutRecordsIntoTheArchiveStream",
            "Effect": "Allow",
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Resource": [{"Fn::GetAtt": ["LogArchiveStream", "Arn"]}],
        }])
    );
    assert!(subscription.get("ManagedPolicyArns").is_none());

    // Firehose of this account, into this bucket only, the key through S3 only.
    let delivery = role("LogArchiveDeliveryRole");
    let trust = &delivery["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Principal"],
        json!({"Service": "firehose.amazonaws.com"})
    );
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"],
        json!({"Ref": "AWS::AccountId"})
    );
    assert!(delivery.get("ManagedPolicyArns").is_none());
    let statements = delivery["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[0]["Resource"],
        json!([{"Fn::GetAtt": ["LogArchiveBucket", "Arn"]}, {"Fn::Sub": "${LogArchiveBucket.Arn}/*"}])
    );
    for action in statements[0]["Action"].as_array().unwrap() {
        assert!(action.as_str().unwrap().starts_with("s3:"), "{action}");
        assert!(!action.as_str().unwrap().contains('*'), "{action}");
    }
    assert!(!statements[0]["Action"].to_string().contains("DeleteObject"));
    assert_eq!(
        statements[1]["Resource"],
        json!([{"Fn::GetAtt": ["LogsKey", "Arn"]}])
    );
    assert_eq!(
        statements[1]["Condition"]["StringEquals"]["kms:ViaService"],
        json!({"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"})
    );
}

#[test]
fn malformed_log_archives_fail_with_file_line_field_and_fix() {
    // `logs:` is at line 11.
    let cases = [
        Case {
            name: "an unknown component",
            from: "environments:",
            to: "logs:\n  archive: { components: [wbe] }\nenvironments:",
            line: 12,
            field: "logs.archive.components[0]",
            says: &["no service or function 'wbe'", "did you mean 'web'?"],
        },
        Case {
            name: "a component without a log group",
            from: "environments:",
            to: "buckets:\n  files: {}\nlogs:\n  archive: { components: [files] }\nenvironments:",
            line: 14,
            field: "logs.archive.components[0]",
            says: &[
                "writes no log group of its own",
                "name services or functions",
            ],
        },
        Case {
            name: "Glacier after expiry",
            from: "environments:",
            to: "logs:\n  archive: { glacier_after_days: 400, expire_days: 365 }\nenvironments:",
            line: 12,
            field: "logs.archive.glacier_after_days",
            says: &["deleted after 365", "earlier than expire_days"],
        },
        Case {
            name: "an unknown archive setting",
            from: "environments:",
            to: "logs:\n  archive: { expire: 30 }\nenvironments:",
            line: 12,
            field: "",
            says: &["expire", "expire_days"],
        },
    ];
    for case in &cases {
        assert_fails_on(VALID, case);
    }
}
