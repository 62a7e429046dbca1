//! The bootstrap stack: one per account and region, holding the artifact
//! bucket that templates over the inline limit are uploaded to (as `cdk
//! bootstrap` does). Its output records the bucket, so deploy and diff find
//! it without flags; `--artifact-bucket` still overrides it.

use serde_json::{Value, json};

use super::cfn::CloudFormation;
use super::ops::Target;
use super::upload::MAX_INLINE_BYTES;

/// The bootstrap stack's name, the same in every region.
/// (`ci:` deploy roles may read it by this name.)
pub const STACK_NAME: &str = archgen_synth::spec::ci::BOOTSTRAP_STACK;
/// Its output naming the bucket, for people and scripts.
pub const BUCKET_OUTPUT: &str = "ArtifactBucketName";
/// The bucket's logical id.
const BUCKET_RESOURCE: &str = "ArtifactBucket";

/// The bucket for `target`'s template: none when it fits inline, else the
/// `--artifact-bucket` flag, else the bootstrap stack's bucket in the
/// stack's region, if there is one.
pub async fn artifact_bucket<C: CloudFormation>(
    cfn: &C,
    target: &Target,
    flag: Option<&str>,
) -> Option<String> {
    if target.body.len() <= MAX_INLINE_BYTES {
        return None;
    }
    if let Some(flag) = flag {
        return Some(flag.to_string());
    }
    recorded_bucket(cfn).await
}

/// The bucket the bootstrap stack of `cfn`'s region holds, if any: the
/// physical id of its bucket resource (read from the resources rather than
/// the output, which some emulators drop).
pub async fn recorded_bucket<C: CloudFormation>(cfn: &C) -> Option<String> {
    cfn.describe_stack(STACK_NAME).await.ok()??;
    cfn.list_stack_resources(STACK_NAME)
        .await
        .ok()?
        .into_iter()
        .find(|r| r.logical_resource_id == BUCKET_RESOURCE)
        .and_then(|r| r.physical_resource_id)
}

/// The bootstrap template: an S3 bucket encrypted at rest, reachable only
/// over TLS, versioned (a rollback may need an earlier template), with old
/// versions and abandoned uploads expiring, public access blocked, and kept
/// when the stack is deleted.
pub fn template() -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "archgen bootstrap: the artifact bucket for templates over CloudFormation's inline limit",
        "Resources": {
            "ArtifactBucket": {
                "Type": "AWS::S3::Bucket",
                "Metadata": {
                    "checkov": {
                        "skip": [
                            {
                                "id": "CKV_AWS_18",
                                "comment": "holds only the templates archgen uploads, each named by its own SHA-256; an access log would need a second bucket per region for no audit value CloudTrail lacks"
                            }
                        ]
                    }
                },
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            { "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" } }
                        ]
                    },
                    "VersioningConfiguration": { "Status": "Enabled" },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": true,
                        "BlockPublicPolicy": true,
                        "IgnorePublicAcls": true,
                        "RestrictPublicBuckets": true
                    },
                    "OwnershipControls": { "Rules": [ { "ObjectOwnership": "BucketOwnerEnforced" } ] },
                    "LifecycleConfiguration": {
                        "Rules": [
                            {
                                "Id": "expire-old-templates",
                                "Status": "Enabled",
                                "NoncurrentVersionExpiration": { "NoncurrentDays": 90 },
                                "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 7 }
                            }
                        ]
                    }
                }
            },
            "ArtifactBucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": { "Ref": "ArtifactBucket" },
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "TlsOnly",
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "s3:*",
                                "Resource": [
                                    { "Fn::GetAtt": ["ArtifactBucket", "Arn"] },
                                    { "Fn::Sub": "${ArtifactBucket.Arn}/*" }
                                ],
                                "Condition": { "Bool": { "aws:SecureTransport": "false" } }
                            }
                        ]
                    }
                }
            }
        },
        "Outputs": {
            BUCKET_OUTPUT: {
                "Description": "Where archgen uploads templates over the inline limit",
                "Value": { "Ref": "ArtifactBucket" }
            }
        }
    })
}

/// The bootstrap stack of `region` as a deploy target.
pub fn target(region: &str, tags: &std::collections::BTreeMap<String, String>) -> Target {
    let template = template();
    let body = template.to_string();
    Target {
        entry: archgen_synth::manifest::StackEntry {
            name: STACK_NAME.to_string(),
            stack_name: STACK_NAME.to_string(),
            region: region.to_string(),
            template_file: String::new(),
            depends_on: Vec::new(),
            parameters: Default::default(),
            // The bucket is retained whatever happens to the stack, so
            // deleting the stack loses nothing (and local emulators have no
            // termination protection).
            termination_protection: false,
            account: None,
            tags: tags.clone(),
        },
        region: region.to_string(),
        body,
        template,
    }
}
