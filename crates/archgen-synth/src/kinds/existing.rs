//! `existing:`: resources archgen references but does not create (a bucket
//! by name; an SNS topic, a KMS key or a Secrets Manager secret by ARN),
//! per environment through overlays. A workload names one in `connects_to`
//! and gets the same least-privilege grants and variables as for one the
//! stack creates; nothing is added to the template.

use serde::Deserialize;

use super::{Kind, Role, block};
use crate::check::data::bucket_name_problem;
use crate::diagnostic::{Code, Diagnostic};
use crate::naming::pascal;
use crate::spec::ResolvedStack;
use crate::synth::Ctx;
use crate::synth::connect::Component;
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

/// Exactly one of the fields: what the resource is, and its name or ARN.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExistingSpec {
    /// An S3 bucket, by name.
    #[serde(default)]
    pub bucket: Option<String>,
    /// An SNS topic, by ARN.
    #[serde(default)]
    pub topic: Option<String>,
    /// A KMS key, by key ARN.
    #[serde(default)]
    pub kms_key: Option<String>,
    /// A Secrets Manager secret, by ARN.
    #[serde(default)]
    pub secret: Option<String>,
}

/// What an existing resource is.
enum Existing<'a> {
    Bucket(&'a str),
    Topic(&'a str),
    Key(&'a str),
    Secret(&'a str),
}

impl ExistingSpec {
    fn given(&self) -> Vec<Existing<'_>> {
        let mut out = Vec::new();
        out.extend(self.bucket.as_deref().map(Existing::Bucket));
        out.extend(self.topic.as_deref().map(Existing::Topic));
        out.extend(self.kms_key.as_deref().map(Existing::Key));
        out.extend(self.secret.as_deref().map(Existing::Secret));
        out
    }
}

block!(ExistingResources, existing: ExistingSpec, "existing resource");

/// `arn:<partition>:<service>:<region>:<12-digit account>:<resource>`, with
/// the resource starting with `prefix`.
fn arn_problem(arn: &str, service: &str, prefix: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [scheme, partition, svc, region, account, resource] = parts.as_slice() else {
        return Some("an ARN has six parts separated by ':'".into());
    };
    if *scheme != "arn" || !partition.starts_with("aws") {
        return Some("an ARN starts with 'arn:aws:'".into());
    }
    if *svc != service {
        return Some(format!("this is an ARN of '{svc}', not of '{service}'"));
    }
    if region.is_empty() || account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Some("the ARN needs a region and a 12-digit account id".into());
    }
    if !resource.starts_with(prefix) || resource.len() == prefix.len() {
        return Some(format!("the resource part of the ARN is '{prefix}<name>'"));
    }
    None
}

impl Kind for ExistingResources {
    fn role(&self) -> Role {
        Role::Component
    }

    fn check(&self, stack: &ResolvedStack) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (key, e) in &stack.spec.existing {
            let base = format!("existing.{key}");
            let given = e.given();
            let [one] = given.as_slice() else {
                out.push(
                    stack
                        .error(Code::Ext001, &base, format!("existing resource '{key}' must be exactly one of bucket, topic, kms_key or secret"))
                        .help("for example: existing: { assets: { bucket: my-company-assets } }"),
                );
                continue;
            };
            let (field, problem) = match one {
                Existing::Bucket(name) => ("bucket", bucket_name_problem(name).map(str::to_string)),
                Existing::Topic(arn) => ("topic", arn_problem(arn, "sns", "")),
                Existing::Key(arn) => ("kms_key", arn_problem(arn, "kms", "key/")),
                Existing::Secret(arn) => ("secret", arn_problem(arn, "secretsmanager", "secret:")),
            };
            if let Some(why) = problem {
                out.push(
                    stack
                        .error(Code::Ext002, &format!("{base}.{field}"), format!("this {field} reference is malformed: {why}"))
                        .help(match field {
                            "bucket" => "give the bucket's name, e.g. my-company-assets".to_string(),
                            "topic" => "give the topic's ARN, e.g. arn:aws:sns:ap-northeast-1:123456789012:alerts".to_string(),
                            "kms_key" => "give the key's ARN, e.g. arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".to_string(),
                            _ => "give the secret's ARN, e.g. arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:api-token-AbCdEf".to_string(),
                        }),
                );
            }
        }
        out
    }

    /// Registers each as a component; nothing is created.
    fn build(&self, _t: &mut Template, ctx: &mut Ctx) {
        for (key, e) in &ctx.spec.existing {
            let given = e.given();
            let [one] = given.as_slice() else {
                continue;
            };
            let p = pascal(key);
            let mut c = Component::new(key, &ExistingResources);
            match one {
                Existing::Bucket(name) => {
                    let arn = Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{name}"));
                    let objects = Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{name}/*"));
                    super::bucket::grants(&mut c, &p, arn.clone(), objects);
                    c.environment = vec![("NAME".into(), Expr::from(*name)), ("ARN".into(), arn)];
                }
                Existing::Topic(arn) => {
                    c.write_grants.push(Statement::allow(
                        &format!("Publish{p}"),
                        &["sns:Publish"],
                        vec![Expr::from(*arn)],
                    ));
                    c.environment = vec![("TOPIC_ARN".into(), Expr::from(*arn))];
                }
                Existing::Key(arn) => {
                    c.read_grants.push(Statement::allow(
                        &format!("Decrypt{p}"),
                        &["kms:Decrypt", "kms:DescribeKey"],
                        vec![Expr::from(*arn)],
                    ));
                    c.write_grants.push(Statement::allow(
                        &format!("Encrypt{p}"),
                        &["kms:Encrypt", "kms:GenerateDataKey"],
                        vec![Expr::from(*arn)],
                    ));
                    c.environment = vec![("KEY_ARN".into(), Expr::from(*arn))];
                }
                Existing::Secret(arn) => {
                    c.read_grants.push(Statement::allow(
                        &format!("Read{p}Secret"),
                        &[
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:DescribeSecret",
                        ],
                        vec![Expr::from(*arn)],
                    ));
                    c.write_grants.push(Statement::allow(
                        &format!("Write{p}Secret"),
                        &["secretsmanager:PutSecretValue"],
                        vec![Expr::from(*arn)],
                    ));
                    c.environment = vec![("SECRET_ARN".into(), Expr::from(*arn))];
                }
            }
            ctx.components.register(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_checked_for_service_account_and_resource() {
        assert_eq!(
            arn_problem("arn:aws:sns:ap-northeast-1:123456789012:alerts", "sns", ""),
            None
        );
        assert_eq!(
            arn_problem(
                "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd",
                "kms",
                "key/"
            ),
            None
        );
        assert!(arn_problem("arn:aws:sqs:ap-northeast-1:123456789012:alerts", "sns", "").is_some());
        assert!(arn_problem("arn:aws:sns:ap-northeast-1:1234:alerts", "sns", "").is_some());
        assert!(arn_problem("alerts", "sns", "").is_some());
        assert!(
            arn_problem(
                "arn:aws:kms:ap-northeast-1:123456789012:alias/x",
                "kms",
                "key/"
            )
            .is_some()
        );
    }
}
