//! `existing:`: resources archgen references but does not create (a bucket
//! by name; an SNS topic, a KMS key, a Secrets Manager secret or an ACM
//! certificate by ARN; a Route 53 hosted zone by id), per environment
//! through overlays. A workload names one in `connects_to` and gets the same
//! least-privilege grants and variables as for one the stack creates; a
//! certificate or zone can be named where archgen takes one (see
//! [`resolve_references`]); nothing is added to the template.

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
    /// An ACM certificate, by ARN.
    #[serde(default)]
    pub certificate: Option<String>,
    /// A Route 53 hosted zone, by id.
    #[serde(default)]
    pub hosted_zone: Option<String>,
}

/// What an existing resource is.
enum Existing<'a> {
    Bucket(&'a str),
    Topic(&'a str),
    Key(&'a str),
    Secret(&'a str),
    Certificate(&'a str),
    Zone(&'a str),
}

impl ExistingSpec {
    fn given(&self) -> Vec<Existing<'_>> {
        let mut out = Vec::new();
        out.extend(self.bucket.as_deref().map(Existing::Bucket));
        out.extend(self.topic.as_deref().map(Existing::Topic));
        out.extend(self.kms_key.as_deref().map(Existing::Key));
        out.extend(self.secret.as_deref().map(Existing::Secret));
        out.extend(self.certificate.as_deref().map(Existing::Certificate));
        out.extend(self.hosted_zone.as_deref().map(Existing::Zone));
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
                        .error(Code::Ext001, &base, format!("existing resource '{key}' must be exactly one of bucket, topic, kms_key, secret, certificate or hosted_zone"))
                        .help("for example: existing: { assets: { bucket: my-company-assets } }"),
                );
                continue;
            };
            let (field, problem) = match one {
                Existing::Bucket(name) => ("bucket", bucket_name_problem(name).map(str::to_string)),
                Existing::Topic(arn) => ("topic", arn_problem(arn, "sns", "")),
                Existing::Key(arn) => ("kms_key", arn_problem(arn, "kms", "key/")),
                Existing::Secret(arn) => ("secret", arn_problem(arn, "secretsmanager", "secret:")),
                Existing::Certificate(arn) => {
                    ("certificate", arn_problem(arn, "acm", "certificate/"))
                }
                Existing::Zone(id) => ("hosted_zone", crate::check::edge::zone_id_problem(id)),
            };
            if let Some(why) = problem {
                out.push(
                    stack
                        .error(Code::Ext002, &format!("{base}.{field}"), format!("this {field} reference is malformed: {why}"))
                        .help(match field {
                            "bucket" => "give the bucket's name, e.g. my-company-assets".to_string(),
                            "topic" => "give the topic's ARN, e.g. arn:aws:sns:ap-northeast-1:123456789012:alerts".to_string(),
                            "kms_key" => "give the key's ARN, e.g. arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".to_string(),
                            "certificate" => "give the certificate's ARN, e.g. arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab".to_string(),
                            "hosted_zone" => "give the zone's id, e.g. Z0123456789EXAMPLE (Route 53 console, or aws route53 list-hosted-zones)".to_string(),
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
                // Nothing to grant: a workload learns which one it is.
                Existing::Certificate(arn) => {
                    c.environment = vec![("CERTIFICATE_ARN".into(), Expr::from(*arn))];
                }
                Existing::Zone(id) => {
                    c.environment = vec![("HOSTED_ZONE_ID".into(), Expr::from(*id))];
                }
            }
            ctx.components.register(c);
        }
    }
}

/// What a reference to an `existing:` entry must be.
#[derive(Clone, Copy)]
enum Wanted {
    Certificate,
    Zone,
}

impl Wanted {
    fn value(self, e: &ExistingSpec) -> Option<&String> {
        match self {
            Wanted::Certificate => e.certificate.as_ref(),
            Wanted::Zone => e.hosted_zone.as_ref(),
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Wanted::Certificate => "certificate",
            Wanted::Zone => "hosted_zone",
        }
    }
}

/// Replaces every reference to an existing certificate or hosted zone with
/// its ARN or id, before the stack is checked, so the rules on certificates
/// (their region, APP031 / EDGE024) and zones (EDGE021, EDGE022) apply to
/// the value: `certificate: { existing: KEY }` (→ `arn`), `certificate:
/// { hosted_zone: KEY }` (→ `hosted_zone_id`) of the load balancer and of
/// distributions, and `dns.zones.<domain>: { existing: KEY }` (→ `id`).
pub fn resolve_references(stack: &mut ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    // (field, the key, what it must be, whether the direct value is given too)
    let mut refs: Vec<(String, &str, Wanted, bool)> = Vec::new();
    fn cert<'s>(
        refs: &mut Vec<(String, &'s str, Wanted, bool)>,
        base: String,
        c: &'s crate::spec::app::CertificateSpec,
    ) {
        if let Some(k) = c.existing.as_deref() {
            refs.push((
                format!("{base}.existing"),
                k,
                Wanted::Certificate,
                c.arn.is_some(),
            ));
        }
        if let Some(k) = c.hosted_zone.as_deref() {
            refs.push((
                format!("{base}.hosted_zone"),
                k,
                Wanted::Zone,
                c.hosted_zone_id.is_some(),
            ));
        }
    }
    if let Some(c) = spec
        .load_balancer
        .as_ref()
        .and_then(|lb| lb.certificate.as_ref())
    {
        cert(&mut refs, "load_balancer.certificate".into(), c);
    }
    for (name, d) in &spec.cdn {
        if let Some(c) = &d.certificate {
            cert(&mut refs, format!("cdn.{name}.certificate"), c);
        }
    }
    for (domain, z) in spec.dns.iter().flat_map(|d| &d.zones) {
        if let Some(k) = z.existing.as_deref() {
            refs.push((
                format!("dns.zones.{domain}.existing"),
                k,
                Wanted::Zone,
                z.id.is_some(),
            ));
        }
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for (field, key, wanted, twice) in refs {
        if twice {
            out.push(
                stack
                    .error(
                        Code::Ext004,
                        &field,
                        format!("the {} is given twice: here and by value", wanted.noun()),
                    )
                    .help("keep one: the reference to the existing entry, or the ARN / id"),
            );
            continue;
        }
        match spec.existing.get(key).and_then(|e| wanted.value(e)) {
            Some(v) => values.push((field, v.clone())),
            None => {
                let fitting = spec
                    .existing
                    .iter()
                    .filter(|(_, e)| wanted.value(e).is_some())
                    .map(|(k, _)| k.as_str());
                let listed = crate::diagnostic::nearest_names(key, fitting.clone());
                let help = match crate::diagnostic::did_you_mean(key, fitting) {
                    Some(k) => format!("did you mean '{k}'? Existing {}s: {listed}", wanted.noun()),
                    None if listed.is_empty() => format!(
                        "declare it under existing:, e.g. existing: {{ {key}: {{ {}: ... }} }}",
                        wanted.noun()
                    ),
                    None => format!("existing {}s: {listed}", wanted.noun()),
                };
                out.push(
                    stack
                        .error(
                            Code::Ext003,
                            &field,
                            format!("there is no existing {} '{key}'", wanted.noun()),
                        )
                        .help(help),
                );
            }
        }
    }
    let spec = &mut stack.spec;
    for (field, value) in values {
        let parts: Vec<&str> = field.split('.').collect();
        match parts.as_slice() {
            ["load_balancer", "certificate", which] => {
                if let Some(c) = spec
                    .load_balancer
                    .as_mut()
                    .and_then(|lb| lb.certificate.as_mut())
                {
                    set_certificate(c, which, value);
                }
            }
            ["cdn", name, "certificate", which] => {
                if let Some(c) = spec.cdn.get_mut(*name).and_then(|d| d.certificate.as_mut()) {
                    set_certificate(c, which, value);
                }
            }
            _ => {
                // `dns.zones.<domain>.existing`: the domain holds dots.
                let domain = field
                    .strip_prefix("dns.zones.")
                    .and_then(|f| f.strip_suffix(".existing"));
                if let Some(z) = domain.and_then(|d| spec.dns.as_mut()?.zones.get_mut(d)) {
                    z.id = Some(value);
                }
            }
        }
    }
    out
}

fn set_certificate(c: &mut crate::spec::app::CertificateSpec, which: &str, value: String) {
    if which == "existing" {
        c.arn = Some(value);
    } else {
        c.hosted_zone_id = Some(value);
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
