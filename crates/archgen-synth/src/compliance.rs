//! The compliance report (`archgen compliance`): what the synthesized
//! templates of one environment actually apply (encryption at rest and in
//! transit, logging, retention, backups, least privilege, secret rotation),
//! read from the templates themselves rather than from a fixed text, and
//! every suppressed scanner rule with its resource and reason, so an auditor
//! reads one page instead of three scanners' output.

use serde::Serialize;
use serde_json::Value;

use crate::synth::Synthesis;
use crate::template::suppression::twins_of;

/// What kind of control a line is about, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    EncryptionAtRest,
    EncryptionInTransit,
    Logging,
    Retention,
    Backups,
    LeastPrivilege,
    SecretRotation,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::EncryptionAtRest,
        Area::EncryptionInTransit,
        Area::Logging,
        Area::Retention,
        Area::Backups,
        Area::LeastPrivilege,
        Area::SecretRotation,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Area::EncryptionAtRest => "Encryption at rest",
            Area::EncryptionInTransit => "Encryption in transit",
            Area::Logging => "Logging",
            Area::Retention => "Retention",
            Area::Backups => "Backups",
            Area::LeastPrivilege => "Least privilege",
            Area::SecretRotation => "Secret rotation",
        }
    }
}

/// One control applied to one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Control {
    pub area: Area,
    pub resource: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub applied: String,
}

/// One suppressed rule, as every scanner that has it names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppression {
    pub resource: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub checkov: String,
    pub guard: Option<String>,
    pub cfn_nag: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackReport {
    pub stack: String,
    pub stack_name: String,
    pub region: String,
    pub controls: Vec<Control>,
    pub suppressions: Vec<Suppression>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub app: String,
    pub environment: String,
    pub stacks: Vec<StackReport>,
}

/// The report of one synthesized environment.
pub fn report(s: &Synthesis) -> Report {
    let stacks = s
        .manifest
        .stacks
        .iter()
        .filter_map(|entry| {
            let template = serde_json::to_value(s.template(&entry.name)?).ok()?;
            let (controls, suppressions) = read_template(&template);
            Some(StackReport {
                stack: entry.name.clone(),
                stack_name: entry.stack_name.clone(),
                region: entry.region.clone(),
                controls,
                suppressions,
            })
        })
        .collect();
    Report {
        app: s.manifest.app.clone(),
        environment: s.manifest.environment.clone(),
        stacks,
    }
}

fn read_template(t: &Value) -> (Vec<Control>, Vec<Suppression>) {
    let mut controls = Vec::new();
    let mut suppressions = Vec::new();
    let Some(resources) = t["Resources"].as_object() else {
        return (controls, suppressions);
    };
    for (id, r) in resources {
        let kind = r["Type"].as_str().unwrap_or_default();
        let mut add = |area: Area, applied: String| {
            controls.push(Control {
                area,
                resource: id.clone(),
                kind: kind.to_string(),
                applied,
            })
        };
        read_resource(kind, r, &mut add);
        for skip in r["Metadata"]["checkov"]["skip"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let checkov = skip["id"].as_str().unwrap_or_default().to_string();
            let twins = twins_of(&checkov);
            suppressions.push(Suppression {
                resource: id.clone(),
                kind: kind.to_string(),
                guard: twins.guard.map(str::to_string),
                cfn_nag: twins.cfn_nag.map(str::to_string),
                checkov,
                reason: skip["comment"].as_str().unwrap_or_default().to_string(),
            });
        }
    }
    controls.sort_by(|a, b| (a.area, &a.resource).cmp(&(b.area, &b.resource)));
    (controls, suppressions)
}

/// `Ref X` / `GetAtt X.Arn` → `X`; a literal as it is.
fn name_of(v: &Value) -> String {
    if let Some(r) = v.get("Ref").and_then(Value::as_str) {
        return r.to_string();
    }
    if let Some(a) = v.get("Fn::GetAtt").and_then(Value::as_array) {
        return a.first().and_then(Value::as_str).unwrap_or("?").to_string();
    }
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn yes(v: &Value) -> bool {
    v == &Value::Bool(true) || v.as_str() == Some("true")
}

/// `otherwise`: the key used when the resource names none.
fn key_or(v: &Value, otherwise: &str) -> String {
    if v.is_null() {
        otherwise.to_string()
    } else {
        format!("the customer key {}", name_of(v))
    }
}

fn kept(r: &Value) -> Option<String> {
    match r["DeletionPolicy"].as_str()? {
        "Retain" => Some("retained when deleted or replaced".into()),
        "Snapshot" => Some("snapshotted when deleted or replaced".into()),
        _ => None,
    }
}

fn read_resource(kind: &str, r: &Value, add: &mut dyn FnMut(Area, String)) {
    let p = &r["Properties"];
    match kind {
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster" => {
            if yes(&p["StorageEncrypted"]) {
                add(
                    Area::EncryptionAtRest,
                    format!(
                        "storage encrypted with {}",
                        key_or(&p["KmsKeyId"], "the AWS managed key aws/rds")
                    ),
                );
            }
            if yes(&p["ManageMasterUserPassword"]) {
                add(
                    Area::SecretRotation,
                    "master password generated and kept by RDS in Secrets Manager".into(),
                );
            }
            if let Some(days) = p["BackupRetentionPeriod"].as_i64() {
                add(Area::Backups, format!("automated backups kept {days} days"));
            }
            if yes(&p["DeletionProtection"]) {
                add(Area::Backups, "deletion protection on".into());
            }
            if let Some(k) = kept(r) {
                add(Area::Backups, k);
            }
        }
        "AWS::RDS::DBParameterGroup" | "AWS::RDS::DBClusterParameterGroup" => {
            for (param, on) in [("rds.force_ssl", "1"), ("require_secure_transport", "ON")] {
                let v = &p["Parameters"][param];
                if v.as_str() == Some(on) || v.as_str() == Some("1") || v.as_i64() == Some(1) {
                    add(
                        Area::EncryptionInTransit,
                        format!("TLS required ({param} = {})", name_of(v)),
                    );
                }
            }
        }
        "AWS::ElastiCache::ReplicationGroup" => {
            if yes(&p["AtRestEncryptionEnabled"]) {
                add(
                    Area::EncryptionAtRest,
                    format!(
                        "encrypted with {}",
                        key_or(&p["KmsKeyId"], "ElastiCache's service key")
                    ),
                );
            }
            if yes(&p["TransitEncryptionEnabled"]) {
                add(Area::EncryptionInTransit, "TLS in transit".into());
            }
            if !p["AuthToken"].is_null() {
                add(
                    Area::LeastPrivilege,
                    "AUTH token required, read from Secrets Manager at deploy".into(),
                );
            }
            if let Some(days) = p["SnapshotRetentionLimit"].as_i64() {
                add(Area::Backups, format!("daily snapshots kept {days} days"));
            }
            if let Some(k) = kept(r) {
                add(Area::Backups, k);
            }
        }
        "AWS::S3::Bucket" => {
            let sse = &p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"];
            match sse["SSEAlgorithm"].as_str() {
                Some("aws:kms") => add(
                    Area::EncryptionAtRest,
                    format!(
                        "SSE-KMS with {}",
                        key_or(&sse["KMSMasterKeyID"], "the AWS managed key aws/s3")
                    ),
                ),
                Some(a) => add(Area::EncryptionAtRest, format!("SSE ({a})")),
                None => {}
            }
            if !p["LoggingConfiguration"].is_null() {
                add(
                    Area::Logging,
                    format!(
                        "access logs to {}",
                        name_of(&p["LoggingConfiguration"]["DestinationBucketName"])
                    ),
                );
            }
            if p["VersioningConfiguration"]["Status"].as_str() == Some("Enabled") {
                add(Area::Backups, "versioned".into());
            }
            let block = &p["PublicAccessBlockConfiguration"];
            if [
                "BlockPublicAcls",
                "BlockPublicPolicy",
                "IgnorePublicAcls",
                "RestrictPublicBuckets",
            ]
            .iter()
            .all(|k| yes(&block[*k]))
            {
                add(Area::LeastPrivilege, "all public access blocked".into());
            }
            if let Some(days) = p["LifecycleConfiguration"]["Rules"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|rule| rule["ExpirationInDays"].as_i64())
            {
                add(Area::Retention, format!("objects expire after {days} days"));
            }
            if let Some(k) = kept(r) {
                add(Area::Retention, k);
            }
        }
        "AWS::S3::BucketPolicy" => {
            let denies_plain_http = p["PolicyDocument"]["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|s| {
                    s["Effect"] == "Deny"
                        && s["Condition"]["Bool"]["aws:SecureTransport"].as_str() == Some("false")
                });
            if denies_plain_http {
                add(
                    Area::EncryptionInTransit,
                    format!(
                        "TLS only: {} denies requests without it",
                        name_of(&p["Bucket"])
                    ),
                );
            }
        }
        "AWS::SecretsManager::Secret" => {
            add(
                Area::EncryptionAtRest,
                format!(
                    "encrypted with {}",
                    key_or(&p["KmsKeyId"], "the AWS managed key aws/secretsmanager")
                ),
            );
            if let Some(k) = kept(r) {
                add(Area::Retention, k);
            }
        }
        "AWS::SecretsManager::RotationSchedule" => {
            add(
                Area::SecretRotation,
                format!(
                    "{} rotates on {} by {}",
                    name_of(&p["SecretId"]),
                    name_of(&p["RotationRules"]["ScheduleExpression"]),
                    name_of(&p["RotationLambdaARN"])
                ),
            );
        }
        "AWS::Logs::LogGroup" => {
            add(
                Area::EncryptionAtRest,
                format!(
                    "encrypted with {}",
                    key_or(&p["KmsKeyId"], "CloudWatch Logs' service key")
                ),
            );
            match p["RetentionInDays"].as_i64() {
                Some(days) => add(Area::Retention, format!("log events kept {days} days")),
                None => add(Area::Retention, "log events kept forever".into()),
            }
            if let Some(k) = kept(r) {
                add(Area::Retention, k);
            }
        }
        "AWS::DynamoDB::Table" => {
            let sse = &p["SSESpecification"];
            add(
                Area::EncryptionAtRest,
                if yes(&sse["SSEEnabled"]) {
                    format!(
                        "encrypted with {}",
                        key_or(&sse["KMSMasterKeyId"], "the AWS managed key aws/dynamodb")
                    )
                } else {
                    "encrypted with a key owned by DynamoDB".into()
                },
            );
            if yes(&p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]) {
                add(Area::Backups, "point-in-time recovery".into());
            }
            if yes(&p["DeletionProtectionEnabled"]) {
                add(Area::Backups, "deletion protection on".into());
            }
            if let Some(k) = kept(r) {
                add(Area::Backups, k);
            }
        }
        "AWS::SQS::Queue" => {
            if !p["KmsMasterKeyId"].is_null() {
                add(
                    Area::EncryptionAtRest,
                    format!("encrypted with {}", key_or(&p["KmsMasterKeyId"], "")),
                );
            } else if yes(&p["SqsManagedSseEnabled"]) {
                add(Area::EncryptionAtRest, "SSE with SQS-managed keys".into());
            }
            if let Some(s) = p["MessageRetentionPeriod"].as_i64() {
                add(Area::Retention, format!("messages kept {} hours", s / 3600));
            }
        }
        "AWS::SNS::Topic" if !p["KmsMasterKeyId"].is_null() => {
            add(
                Area::EncryptionAtRest,
                format!("encrypted with {}", key_or(&p["KmsMasterKeyId"], "")),
            );
        }
        "AWS::KMS::Key" => {
            if yes(&p["EnableKeyRotation"]) {
                add(
                    Area::EncryptionAtRest,
                    "customer key, rotated yearly by KMS".into(),
                );
            }
            if let Some(k) = kept(r) {
                add(Area::Retention, k);
            }
        }
        "AWS::ElasticLoadBalancingV2::Listener" => match p["Protocol"].as_str() {
            Some("HTTPS") => add(
                Area::EncryptionInTransit,
                format!("HTTPS with {}", name_of(&p["SslPolicy"])),
            ),
            Some("HTTP") if p["DefaultActions"][0]["Type"] == "redirect" => {
                add(Area::EncryptionInTransit, "HTTP redirects to HTTPS".into())
            }
            Some(other) => add(
                Area::EncryptionInTransit,
                format!("{other} listener without TLS"),
            ),
            None => {}
        },
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let logged = p["LoadBalancerAttributes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a["Key"] == "access_logs.s3.enabled" && yes(&a["Value"]));
            if logged {
                add(Area::Logging, "access logs to S3".into());
            }
        }
        "AWS::CloudFront::Distribution" => {
            let c = &p["DistributionConfig"];
            if let Some(v) = c["DefaultCacheBehavior"]["ViewerProtocolPolicy"].as_str() {
                add(
                    Area::EncryptionInTransit,
                    format!(
                        "viewers: {v}, minimum {}",
                        c["ViewerCertificate"]["MinimumProtocolVersion"]
                            .as_str()
                            .unwrap_or("TLSv1 (default certificate)")
                    ),
                );
            }
            if !c["Logging"].is_null() {
                add(
                    Area::Logging,
                    format!("standard logs to {}", name_of(&c["Logging"]["Bucket"])),
                );
            }
        }
        "AWS::EC2::FlowLog" => add(
            Area::Logging,
            format!(
                "VPC flow logs ({}) of {}",
                name_of(&p["TrafficType"]),
                name_of(&p["ResourceId"])
            ),
        ),
        "AWS::ApiGatewayV2::Stage" if !p["AccessLogSettings"].is_null() => add(
            Area::Logging,
            format!(
                "access logs to {}",
                name_of(&p["AccessLogSettings"]["DestinationArn"])
            ),
        ),
        "AWS::WAFv2::LoggingConfiguration" => add(
            Area::Logging,
            format!("WAF logs of {}", name_of(&p["ResourceArn"])),
        ),
        "AWS::IAM::Role" => add(Area::LeastPrivilege, role_scope(r)),
        _ => {}
    }
}

/// How narrowly a role's inline policies name their resources.
fn role_scope(r: &Value) -> String {
    let mut statements = 0;
    let mut wildcard: Vec<String> = Vec::new();
    for policy in r["Properties"]["Policies"].as_array().into_iter().flatten() {
        for s in policy["PolicyDocument"]["Statement"]
            .as_array()
            .into_iter()
            .flatten()
        {
            statements += 1;
            let on_any = match &s["Resource"] {
                Value::Array(rs) => rs.iter().any(|x| x == "*"),
                other => other == "*",
            };
            if on_any {
                let actions = match &s["Action"] {
                    Value::Array(a) => a.iter().map(name_of).collect::<Vec<_>>().join(", "),
                    other => name_of(other),
                };
                let why = s["Action"].as_array().into_iter().flatten().find_map(|a| {
                    r["Metadata"]["archgen"]["wildcard_resources"][a.as_str().unwrap_or("")]
                        .as_str()
                });
                wildcard.push(match why {
                    Some(why) => format!("{actions} ({why})"),
                    None => actions,
                });
            }
        }
    }
    if wildcard.is_empty() {
        format!("{statements} statement(s), each naming its resources")
    } else {
        format!(
            "{statements} statement(s); on any resource only: {}",
            wildcard.join("; ")
        )
    }
}

/// The report as pretty JSON (the same structure as the Markdown).
pub fn json(reports: &[Report]) -> String {
    format!(
        "{:#}\n",
        serde_json::to_value(reports).expect("the report serializes")
    )
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown: one section per stack, controls by area, then
/// the suppressions with their reasons.
pub fn markdown(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        out.push_str(&format!(
            "# Compliance report: {} {}\n\nRead from the templates `archgen synth {}` writes. \
             Every suppression is written for checkov (`Metadata.checkov.skip`) and, where they \
             have the same control, cfn-guard (`Metadata.guard.SuppressedRules`) and cfn_nag \
             (`Metadata.cfn_nag.rules_to_suppress`), with one reason.\n",
            report.app, report.environment, report.environment
        ));
        for stack in &report.stacks {
            out.push_str(&format!(
                "\n## Stack {} ({}, {})\n",
                stack.stack, stack.stack_name, stack.region
            ));
            for area in Area::ALL {
                let rows: Vec<&Control> =
                    stack.controls.iter().filter(|c| c.area == area).collect();
                out.push_str(&format!("\n### {}\n\n", area.title()));
                if rows.is_empty() {
                    out.push_str("Nothing in this stack.\n");
                    continue;
                }
                out.push_str("| Resource | Type | Applied |\n|---|---|---|\n");
                for c in rows {
                    out.push_str(&format!(
                        "| {} | {} | {} |\n",
                        c.resource,
                        c.kind,
                        cell(&c.applied)
                    ));
                }
            }
            out.push_str(&format!(
                "\n### Suppressions ({})\n\n",
                stack.suppressions.len()
            ));
            if stack.suppressions.is_empty() {
                out.push_str("None.\n");
                continue;
            }
            out.push_str(
                "| Resource | Type | checkov | cfn-guard | cfn_nag | Reason |\n|---|---|---|---|---|---|\n",
            );
            for s in &stack.suppressions {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    s.resource,
                    s.kind,
                    s.checkov,
                    s.guard.as_deref().unwrap_or("-"),
                    s.cfn_nag.as_deref().unwrap_or("-"),
                    cell(&s.reason)
                ));
            }
        }
        out.push('\n');
    }
    out
}
