//! CloudFormation's registry schemas, embedded in the binary (see
//! `build.rs`), and a validator of raw resource properties against them.
//!
//! The schemas are the ones `cargo xtask gen-l1` reads
//! (`schemas/cloudformation/`, vendored from cfn-lint): about 3.3 MB
//! gzipped, decompressed one type at a time when a stack uses it.

mod intrinsic;
mod validate;

pub use intrinsic::{ComponentUse, Reference};
pub use validate::{Validation, Violation, ViolationKind, validate};

use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/schemas.rs"));
}

fn gunzip(bytes: &[u8]) -> Option<String> {
    let mut text = String::new();
    GzDecoder::new(bytes).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The types each region has: `{region: [type, ...]}`.
fn regions() -> &'static BTreeMap<String, Vec<String>> {
    static REGIONS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        gunzip(embedded::REGIONS)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    })
}

/// The resource types CloudFormation has in `region`, sorted; `None` for a
/// region the schemas do not list.
pub fn types_in(region: &str) -> Option<&'static [String]> {
    regions().get(region).map(Vec::as_slice)
}

/// The regions that have `type_name`.
pub fn regions_with(type_name: &str) -> Vec<&'static str> {
    regions()
        .iter()
        .filter(|(_, types)| {
            types
                .binary_search_by(|t| t.as_str().cmp(type_name))
                .is_ok()
        })
        .map(|(region, _)| region.as_str())
        .collect()
}

/// `AWS::DynamoDB::Table` → `aws-dynamodb-table`, the vendored file's stem.
fn stem(type_name: &str) -> String {
    type_name.to_lowercase().replace("::", "-")
}

/// The registry schema of `type_name` (exact spelling), parsed once.
pub fn schema(type_name: &str) -> Option<Arc<Value>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Value>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(type_name) {
        return Some(found.clone());
    }
    let stem = stem(type_name);
    let index = embedded::SCHEMAS
        .binary_search_by(|(s, _)| (*s).cmp(stem.as_str()))
        .ok()?;
    let (_, bytes) = embedded::SCHEMAS.get(index)?;
    let value: Value = serde_json::from_str(&gunzip(bytes)?).ok()?;
    // The file name is case-insensitive; the type name is not.
    if value.get("typeName").and_then(Value::as_str) != Some(type_name) {
        return None;
    }
    let value = Arc::new(value);
    cache
        .lock()
        .ok()?
        .insert(type_name.to_string(), value.clone());
    Some(value)
}

/// The attributes `Fn::GetAtt` can read on a resource of this schema
/// (its read-only properties, `A/B` written `A.B`).
pub fn attributes(schema: &Value) -> Vec<String> {
    schema
        .get("readOnlyProperties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str()?.strip_prefix("/properties/"))
        .map(|p| p.replace('/', "."))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_of_every_region_has_an_embedded_schema() {
        let mut missing = Vec::new();
        let all: std::collections::BTreeSet<&String> = regions().values().flatten().collect();
        assert!(
            all.len() > 1000,
            "the region index lists {} types",
            all.len()
        );
        for type_name in all {
            if schema(type_name).is_none() {
                missing.push(type_name.clone());
            }
        }
        assert!(missing.is_empty(), "no schema for {missing:?}");
    }

    #[test]
    fn every_schema_validates_a_nested_value_and_terminates() {
        let node = crate::spec::node::Node::parse(
            "Name: x\nTags: [{Key: a, Value: b}]\nA: {B: [1, {C: {Ref: X}}], D: true}\n",
        )
        .unwrap();
        let mut checked = 0;
        for type_name in regions()
            .values()
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
        {
            if let Some(schema) = schema(type_name) {
                validate(&node, "Properties", &schema);
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }

    #[test]
    fn schemas_are_found_by_exact_type_name_only() {
        assert!(schema("AWS::DynamoDB::Table").is_some());
        assert!(schema("aws::dynamodb::table").is_none());
        assert!(schema("AWS::DynamoDB::Tabel").is_none());
        assert!(
            types_in("ap-northeast-1")
                .unwrap()
                .iter()
                .any(|t| t == "AWS::Scheduler::Schedule")
        );
        assert!(types_in("mars-north-1").is_none());
    }

    #[test]
    fn attributes_are_the_read_only_properties() {
        let table = schema("AWS::DynamoDB::Table").unwrap();
        let attrs = attributes(&table);
        assert!(attrs.contains(&"Arn".to_string()), "{attrs:?}");
        assert!(attrs.contains(&"StreamArn".to_string()), "{attrs:?}");
    }
}
