//! L1: a typed CloudFormation document. No defaults and no opinions: the
//! builders in `synth` decide what goes in; this module only says how it is
//! written. JSON and YAML both come from the same serde model.
//!
//! Resource types are generated from CloudFormation's schemas
//! (`generated/`, `cargo xtask gen-l1`); the service modules here re-export
//! them with the few helpers builders share (IAM policy documents, a
//! DNS-validated certificate, the no-egress rule, ...).

pub mod certificatemanager;
pub mod cloudfront;
pub mod ec2;
pub mod elasticloadbalancingv2;
pub mod expr;
pub mod generated;
pub mod iam;
pub mod logs;
pub mod s3;
pub mod suppression;
pub mod wafv2;

// Services whose every resource type is generated.
pub use generated::{
    apigatewayv2, applicationautoscaling, chatbot, cloudwatch, cognito, ecr, ecs, elasticache, kms,
    lambda, rds, route53, secretsmanager, servicediscovery, sns, sqs, ssm,
};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

pub use expr::Expr;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub conditions: BTreeMap<String, Expr>,
    /// Sorted by logical id, so the output never depends on builder order.
    pub resources: BTreeMap<String, Resource>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Output>,
    /// Logical ids added twice: a builder or naming bug, reported by synth.
    #[serde(skip)]
    pub duplicate_ids: Vec<String>,
}

impl Template {
    pub fn new(description: impl Into<String>) -> Self {
        Template {
            format_version: "2010-09-09",
            description: description.into(),
            metadata: None,
            parameters: BTreeMap::new(),
            conditions: BTreeMap::new(),
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
            duplicate_ids: Vec::new(),
        }
    }

    /// Adds a resource and returns a mutable handle for policies and
    /// dependencies. A repeated id is recorded, never silently overwritten.
    pub fn add(&mut self, id: impl Into<String>, props: impl Into<Props>) -> &mut Resource {
        let id = id.into();
        if self.resources.contains_key(&id) {
            self.duplicate_ids.push(id.clone());
        }
        self.resources
            .insert(id.clone(), Resource::new(props.into()));
        self.resources.get_mut(&id).expect("just inserted")
    }

    pub fn output(&mut self, id: impl Into<String>, output: Output) {
        let id = id.into();
        if self.outputs.contains_key(&id) {
            self.duplicate_ids.push(id.clone());
        }
        self.outputs.insert(id, output);
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("template model serializes");
        s.push('\n');
        s
    }

    /// Compact JSON for the CloudFormation API: whitespace counts against the
    /// 51,200-byte inline limit and means nothing to CloudFormation.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("template model serializes")
    }

    pub fn to_yaml(&self) -> String {
        let value = serde_json::to_value(self).expect("template model serializes");
        serde_saphyr::to_string(&value).expect("JSON values serialize to YAML")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Policy {
    Delete,
    Retain,
    Snapshot,
    RetainExceptOnCreate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub props: Props,
    pub condition: Option<String>,
    pub depends_on: Vec<String>,
    pub deletion_policy: Option<Policy>,
    pub update_replace_policy: Option<Policy>,
    pub metadata: Option<Value>,
}

impl Resource {
    fn new(props: Props) -> Self {
        Resource {
            props,
            condition: None,
            depends_on: Vec::new(),
            deletion_policy: None,
            update_replace_policy: None,
            metadata: None,
        }
    }

    pub fn depends_on(&mut self, id: impl Into<String>) -> &mut Self {
        let id = id.into();
        if !self.depends_on.contains(&id) {
            self.depends_on.push(id);
            self.depends_on.sort();
        }
        self
    }

    /// Sets both deletion and update-replace policy.
    pub fn retain_with(&mut self, policy: Policy) -> &mut Self {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(policy);
        self
    }

    /// Records a suppression with its reason, once, for every scanner that
    /// has the control (checkov, cfn-guard, cfn_nag; see `suppression`).
    pub fn skip_check(&mut self, id: &str, reason: &str) -> &mut Self {
        let meta = self.metadata.get_or_insert_with(|| serde_json::json!({}));
        suppression::add(
            meta.as_object_mut().expect("metadata is an object"),
            id,
            reason,
        );
        self
    }

    /// Drops a suppression that no longer applies, from every scanner.
    pub fn unskip_check(&mut self, id: &str) -> &mut Self {
        let Some(meta) = self.metadata.as_mut().and_then(|m| m.as_object_mut()) else {
            return self;
        };
        suppression::remove(meta, id);
        if meta.is_empty() {
            self.metadata = None;
        }
        self
    }

    /// Records a cfn-lint suppression with its reason in the resource metadata.
    pub fn ignore_lint(&mut self, rule: &str, reason: &str) -> &mut Self {
        let meta = self.metadata.get_or_insert_with(|| serde_json::json!({}));
        let obj = meta.as_object_mut().expect("metadata is an object");
        let lint = obj
            .entry("cfn-lint")
            .or_insert_with(|| serde_json::json!({"config": {"ignore_checks": []}}));
        lint["config"]["ignore_checks"]
            .as_array_mut()
            .expect("ignore_checks is a list")
            .push(rule.into());
        let reasons = obj
            .entry("archgen")
            .or_insert_with(|| serde_json::json!({"lint_reasons": {}}));
        reasons["lint_reasons"][rule] = reason.into();
        self
    }

    pub fn type_name(&self) -> &str {
        self.props.type_name()
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", self.props.type_name())?;
        if let Some(c) = &self.condition {
            m.serialize_entry("Condition", c)?;
        }
        if !self.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &self.depends_on)?;
        }
        if let Some(p) = &self.deletion_policy {
            m.serialize_entry("DeletionPolicy", p)?;
        }
        if let Some(p) = &self.update_replace_policy {
            m.serialize_entry("UpdateReplacePolicy", p)?;
        }
        if let Some(meta) = &self.metadata {
            m.serialize_entry("Metadata", meta)?;
        }
        m.serialize_entry("Properties", &PropsBody(&self.props))?;
        m.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    pub description: String,
    pub value: Expr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    pub name: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub kind: String,
    pub description: Option<String>,
    pub default: Option<String>,
    pub allowed_pattern: Option<String>,
    pub no_echo: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tag {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: Expr,
}

impl Tag {
    pub fn new(key: &str, value: impl Into<Expr>) -> Tag {
        Tag {
            key: key.to_string(),
            value: value.into(),
        }
    }
}

/// A resource type's CloudFormation name; generated L1 structs implement it.
pub trait CfnResource {
    const TYPE: &'static str;
}

/// A resource whose type is not modelled by a struct: custom resources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Custom {
    #[serde(skip)]
    pub type_name: String,
    #[serde(flatten)]
    pub properties: BTreeMap<String, Expr>,
}

/// A resource written by the user (`resources:`) or a generated one patched
/// by `overrides:`: its properties as JSON, checked against the type's
/// registry schema before the template is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Raw {
    #[serde(skip)]
    pub type_name: String,
    #[serde(flatten)]
    pub properties: serde_json::Map<String, Value>,
}

fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Declares the enum of every resource type archgen emits, and `From` impls
/// so `template.add(id, Vpc{..})` reads naturally. Each type is a generated
/// L1 struct, which carries its CloudFormation type name
/// (`CfnResource::TYPE`).
macro_rules! resource_types {
    ($($variant:ident($ty:path),)*) => {
        // Resource types differ a lot in size; a template holds a few hundred
        // at most, so boxing the large ones would buy nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Props {
            $($variant($ty),)*
            Custom(Custom),
            Raw(Raw),
        }

        impl Props {
            pub fn type_name(&self) -> &str {
                match self {
                    $(Props::$variant(_) => <$ty as CfnResource>::TYPE,)*
                    Props::Custom(c) => &c.type_name,
                    Props::Raw(r) => &r.type_name,
                }
            }
        }

        struct PropsBody<'a>(&'a Props);

        impl PropsBody<'_> {
            fn to_value(&self) -> Result<Value, serde_json::Error> {
                match self.0 {
                    $(Props::$variant(p) => serde_json::to_value(p),)*
                    Props::Custom(c) => serde_json::to_value(c),
                    Props::Raw(r) => serde_json::to_value(r),
                }
            }
        }

        /// Properties are written with their keys in alphabetical order at
        /// every depth, so the output does not depend on the order of fields
        /// in the L1 structs (generated ones follow the schema's names). Key
        /// order means nothing inside CloudFormation properties: intrinsic
        /// functions are one-key objects.
        impl Serialize for PropsBody<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut value = self.to_value().map_err(serde::ser::Error::custom)?;
                sort_keys(&mut value);
                value.serialize(s)
            }
        }

        $(impl From<$ty> for Props {
            fn from(p: $ty) -> Props { Props::$variant(p) }
        })*

        impl From<Custom> for Props {
            fn from(c: Custom) -> Props { Props::Custom(c) }
        }

        impl From<Raw> for Props {
            fn from(r: Raw) -> Props { Props::Raw(r) }
        }

        impl Props {
            /// The properties as CloudFormation reads them.
            pub fn to_json(&self) -> serde_json::Map<String, Value> {
                match PropsBody(self).to_value() {
                    Ok(Value::Object(map)) => map,
                    _ => serde_json::Map::new(),
                }
            }
        }
    };
}

// Every type in generated/TYPES, so emitting a new type takes one line there.
generated::for_each_resource_type!(resource_types);
