//! `tables:`: DynamoDB tables, on-demand, encrypted with KMS (AWS-managed
//! or a key from `keys:`), point-in-time recovery on, deletion protection
//! on and retained on delete unless `retain: false`. A connection grants the
//! item actions of its access level on the table and its indexes, and hands
//! over `<NAME>_TABLE_NAME` and `<NAME>_TABLE_ARN`; DynamoDB is reached over
//! HTTPS (a NAT gateway or the `dynamodb` gateway endpoint), so no port.
//!
//! ```yaml
//! tables:
//!   orders:
//!     partition_key: { name: customer_id, type: string }
//!     sort_key: { name: created_at, type: number }
//!     ttl_attribute: expires_at
//! ```

use crate::spec::yes;
use serde::Deserialize;
use serde_json::json;

use super::metrics::{Metric, Watched, dim};
use super::{Backup, DataEvents, Kind, Named, Role, block};
use crate::diagnostic::{Code, Diagnostic};
use crate::naming::pascal;
use crate::spec::network::NatMode;
use crate::spec::{ResolvedStack, StackSpec};
use crate::synth::Ctx;
use crate::synth::connect::Component;
use crate::synth::data::{keep, key_arn};
use crate::template::generated::dynamodb::Table;
use crate::template::generated::dynamodb::table::{
    AttributeDefinition, PointInTimeRecoverySpecification, SseSpecification,
    TimeToLiveSpecification,
};
use crate::template::iam::Statement;
use crate::template::{Expr, Policy, Template};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The attribute that spreads items over partitions.
    pub partition_key: KeyAttribute,
    /// The attribute that orders items within a partition.
    #[serde(default)]
    pub sort_key: Option<KeyAttribute>,
    /// Key from `keys:` to encrypt with; absent: the AWS-managed key
    /// `aws/dynamodb`.
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Continuous backups for restoring to any second of the last 35 days.
    #[serde(default = "yes")]
    pub point_in_time_recovery: bool,
    /// Attribute holding an expiry time (epoch seconds); DynamoDB deletes
    /// expired items.
    #[serde(default)]
    pub ttl_attribute: Option<String>,
    /// Keep the table (and turn on deletion protection) when the stack is
    /// deleted or the table replaced.
    #[serde(default = "yes")]
    pub retain: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyAttribute {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AttributeType,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AttributeType {
    String,
    Number,
    Binary,
}

impl AttributeType {
    fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
        }
    }
}

block!(Tables, tables: TableSpec, "DynamoDB table");

pub fn table_id(key: &str) -> String {
    format!("{}Table", pascal(key))
}

/// DynamoDB's limit on attribute names used in a key or as TTL.
const MAX_ATTRIBUTE_NAME: usize = 255;

impl Kind for Tables {
    fn role(&self) -> Role {
        Role::Data { secret: false }
    }
    // No `api_endpoint`: DATA026 already names the missing `dynamodb`
    // endpoint at the connection, more precisely than NET017 would.

    fn check(&self, stack: &ResolvedStack) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let spec = &stack.spec;
        for (name, table) in &spec.tables {
            let base = format!("tables.{name}");
            let attributes = [
                ("partition_key.name", Some(&table.partition_key.name)),
                ("sort_key.name", table.sort_key.as_ref().map(|k| &k.name)),
                ("ttl_attribute", table.ttl_attribute.as_ref()),
            ];
            for (field, value) in attributes {
                let Some(value) = value else { continue };
                let bytes = value.len();
                if bytes == 0 || bytes > MAX_ATTRIBUTE_NAME {
                    out.push(
                        stack
                            .error(
                                Code::Data025,
                                &format!("{base}.{field}"),
                                format!("attribute name '{value}' is {bytes} bytes long"),
                            )
                            .help("DynamoDB attribute names are 1 to 255 bytes (UTF-8)"),
                    );
                }
            }
            if let Some(sort) = &table.sort_key
                && sort.name == table.partition_key.name
            {
                out.push(
                    stack
                        .error(
                            Code::Data025,
                            &format!("{base}.sort_key.name"),
                            format!(
                                "'{}' is already the partition key: a key uses two different attributes",
                                sort.name
                            ),
                        )
                        .help("name another attribute, or leave sort_key out"),
                );
            }
            if let Some(k) = &table.kms_key {
                out.extend(crate::check::data::unknown_key(
                    stack,
                    &format!("{base}.kms_key"),
                    k,
                ));
            }
        }
        out.extend(unreachable_tables(stack));
        out
    }

    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, table) in &ctx.spec.tables {
            build_table(t, ctx, name, table);
        }
    }

    fn backup(&self, spec: &StackSpec, key: &str) -> Backup {
        if spec.tables.contains_key(key) {
            Backup::Resource {
                arn: Expr::get_att(table_id(key), "Arn"),
                s3: false,
                cold: true,
            }
        } else {
            Backup::Unsupported
        }
    }

    fn data_events(&self, spec: &StackSpec, key: &str) -> Option<DataEvents> {
        spec.tables.get(key)?;
        Some(DataEvents {
            resource_type: "AWS::DynamoDB::Table",
            arn: Expr::get_att(table_id(key), "Arn"),
        })
    }

    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        spec.tables.get(key)?;
        let table = || vec![dim("TableName", Expr::r#ref(table_id(key)))];
        const DDB: &str = "AWS/DynamoDB";
        Some(Watched {
            noun: self.noun(),
            metrics: vec![
                Metric::new(
                    "read-throttles",
                    DDB,
                    "ReadThrottleEvents",
                    "Sum",
                    true,
                    "requests",
                )
                .on(table()),
                Metric::new(
                    "write-throttles",
                    DDB,
                    "WriteThrottleEvents",
                    "Sum",
                    true,
                    "requests",
                )
                .on(table()),
            ],
        })
    }
}

/// A workload in a VPC without NAT reaches DynamoDB only through the
/// gateway endpoint: without it, every call would time out at run time.
fn unreachable_tables(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let Some(net) = &spec.network else {
        return Vec::new();
    };
    if net.nat != NatMode::None || net.endpoints.iter().any(|e| e == "dynamodb") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (field, key, c) in super::workload_connections(spec) {
        if spec.tables.contains_key(&c.key) {
            out.push(
                stack
                    .error(
                        Code::Data026,
                        &field,
                        format!(
                            "'{key}' cannot reach table '{}': the VPC has no NAT gateway and no 'dynamodb' endpoint",
                            c.key
                        ),
                    )
                    .help("add 'dynamodb' to network.endpoints (a gateway endpoint, free of charge)"),
            );
        }
    }
    out
}

fn build_table(t: &mut Template, ctx: &mut Ctx, name: &str, spec: &TableSpec) {
    let id = table_id(name);
    let p = pascal(name);
    let keys: Vec<(&KeyAttribute, &str)> = std::iter::once((&spec.partition_key, "HASH"))
        .chain(spec.sort_key.iter().map(|k| (k, "RANGE")))
        .collect();
    let kms = spec.kms_key.as_deref().map(key_arn);
    let r = t.add(
        &id,
        Table {
            billing_mode: Some("PAY_PER_REQUEST".into()),
            attribute_definitions: Some(
                keys.iter()
                    .map(|(k, _)| AttributeDefinition {
                        attribute_name: k.name.clone().into(),
                        attribute_type: k.kind.code().into(),
                    })
                    .collect(),
            ),
            // The schema allows a list or a map here, so the L1 field is
            // untyped; CloudFormation's documented form is the list.
            key_schema: keys
                .iter()
                .map(|(k, role)| json!({"AttributeName": k.name, "KeyType": role}))
                .collect(),
            sse_specification: Some(SseSpecification {
                sse_enabled: true.into(),
                sse_type: Some("KMS".into()),
                kms_master_key_id: kms.clone(),
            }),
            point_in_time_recovery_specification: Some(PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: Some(spec.point_in_time_recovery.into()),
                ..Default::default()
            }),
            time_to_live_specification: spec.ttl_attribute.as_ref().map(|a| {
                TimeToLiveSpecification {
                    attribute_name: Some(a.clone().into()),
                    enabled: true.into(),
                }
            }),
            deletion_protection_enabled: Some(spec.retain.into()),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    if kms.is_none() {
        r.skip_check(
            "CKV_AWS_119",
            &format!(
                "encrypted with the AWS-managed key aws/dynamodb; set tables.{name}.kms_key for a customer-managed key"
            ),
        );
    }
    if !spec.point_in_time_recovery {
        r.skip_check(
            "CKV_AWS_28",
            &format!("point-in-time recovery is turned off in the spec (tables.{name}.point_in_time_recovery)"),
        );
    }
    keep(
        r,
        ctx,
        spec.retain,
        Policy::Retain,
        &format!("tables.{name}"),
    );

    let arn = Expr::get_att(&id, "Arn");
    let indexes = Expr::sub(format!("${{{id}.Arn}}/index/*"));
    let mut c = Component::new(name, &Tables);
    c.read_grants.push(Statement::allow(
        &format!("Read{p}Items"),
        &[
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
        ],
        vec![arn.clone(), indexes],
    ));
    c.write_grants.push(Statement::allow(
        &format!("Write{p}Items"),
        &[
            "dynamodb:BatchWriteItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ],
        vec![arn.clone()],
    ));
    if let Some(k) = &kms {
        c.read_grants.push(Statement::allow(
            &format!("Decrypt{p}Items"),
            &["kms:Decrypt", "kms:DescribeKey"],
            vec![k.clone()],
        ));
        // DynamoDB reads the table key to write too (as CDK's grantWriteData).
        c.write_grants.push(Statement::allow(
            &format!("Encrypt{p}Items"),
            &[
                "kms:Decrypt",
                "kms:DescribeKey",
                "kms:Encrypt",
                "kms:GenerateDataKey",
            ],
            vec![k.clone()],
        ));
    }
    c.environment = vec![
        ("TABLE_NAME".into(), Expr::r#ref(&id)),
        ("TABLE_ARN".into(), arn),
    ];
    ctx.components.register(c);
}
