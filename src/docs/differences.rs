//! The settings that differ between environments, side by side: every
//! environment's view of one stack is flattened into named settings, and a
//! setting whose values are not all equal becomes a row.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::model::StackDoc;

/// Sections that describe the same thing in another form (the diagram and
/// the matrix repeat the graph; skipped checks follow from the rest).
const LEFT_OUT: &[&str] = &["diagram", "reach", "skipped", "environment", "stack_names"];

/// Sections whose items are one setting each (a row per resource, not per
/// field of it).
const ONE_ROW_PER_ITEM: &[&str] = &["kept"];

/// Lists of sentences (scaling rules, routes, notes), compared one by one.
const SENTENCES: &[&str] = &[
    "scaling rules",
    "routes",
    "triggers",
    "subscribers",
    "notes",
];

/// Sections that are one setting as a whole: DNS names differ per
/// environment by design, so a row per name would be noise.
const ONE_ROW: &[&str] = &["records"];

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Differences {
    pub environments: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub setting: String,
    /// One per environment, in `environments` order; empty when absent.
    pub values: Vec<String>,
}

pub fn table(docs: &[&StackDoc]) -> Differences {
    let flat: Vec<BTreeMap<String, String>> = docs.iter().map(|d| settings(d)).collect();
    let mut names: Vec<&String> = flat.iter().flat_map(BTreeMap::keys).collect();
    names.sort();
    names.dedup();
    let rows = names
        .into_iter()
        .filter_map(|name| {
            let values: Vec<String> = flat
                .iter()
                .map(|f| f.get(name).cloned().unwrap_or_else(|| "—".to_string()))
                .collect();
            let differ = values.iter().any(|v| v != &values[0]);
            differ.then(|| Row {
                setting: name.clone(),
                values,
            })
        })
        .collect();
    Differences {
        environments: docs.iter().map(|d| d.environment.clone()).collect(),
        rows,
    }
}

/// `services › api › desired` → `4`, with the environment's own name
/// written as `<env>` so that names derived from it do not count.
fn settings(doc: &StackDoc) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let value = serde_json::to_value(doc).unwrap_or_default();
    if let Value::Object(map) = value {
        for (key, v) in map {
            if LEFT_OUT.contains(&key.as_str()) {
                continue;
            }
            if ONE_ROW_PER_ITEM.contains(&key.as_str())
                && let Some(items) = v.as_array()
                && let Some(names) = item_names(items)
            {
                for (name, item) in names.iter().zip(items) {
                    out.insert(format!("{} › {name}", words(&key)), fields_text(item, name));
                }
                continue;
            }
            if ONE_ROW.contains(&key.as_str()) {
                out.insert(
                    words(&key),
                    list_text(v.as_array().map_or(&[], Vec::as_slice)),
                );
                continue;
            }
            flatten(&words(&key), &v, &mut out);
        }
    }
    let env = &doc.environment;
    out.into_iter()
        .map(|(k, v)| (k, v.replace(&format!("-{env}"), "-<env>")))
        .collect()
}

fn words(key: &str) -> String {
    key.replace('_', " ")
}

fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                if k != "name" {
                    flatten(&format!("{path} › {}", words(k)), v, out);
                }
            }
        }
        // Long sentences, each its own setting: a row says which
        // environments have it, rather than repeating the whole list.
        Value::Array(items)
            if SENTENCES.iter().any(|s| path.ends_with(s))
                && items.iter().all(Value::is_string) =>
        {
            for item in items {
                out.insert(format!("{path} › {}", scalar(item)), "yes".to_string());
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            let texts: Vec<String> = items.iter().map(scalar).collect();
            out.insert(path.to_string(), texts.join("; "));
        }
        Value::Array(items) => match item_names(items) {
            // Items with a name of their own: a setting per field.
            Some(names) => {
                for (name, item) in names.iter().zip(items) {
                    flatten(&format!("{path} › {name}"), item, out);
                }
            }
            // Items without one (DNS records): the list is one setting.
            None => {
                out.insert(path.to_string(), list_text(items));
            }
        },
        scalar_value => {
            out.insert(path.to_string(), scalar(scalar_value));
        }
    }
}

/// Each item's values joined by spaces, the items by semicolons.
fn list_text(items: &[Value]) -> String {
    items
        .iter()
        .map(|i| match i {
            Value::Object(fields) => fields.values().map(scalar).collect::<Vec<_>>().join(" "),
            other => scalar(other),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `kind AWS::S3::Bucket, on delete retain, ...`: an item's fields but its name.
fn fields_text(item: &Value, name: &str) -> String {
    item.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.as_str() != Some(name))
        .map(|(k, v)| format!("{} {}", words(k), scalar(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each item's name, when every item has a distinct one.
fn item_names(items: &[Value]) -> Option<Vec<String>> {
    let names: Vec<String> = items
        .iter()
        .map(|item| {
            ["name", "resource", "workload", "path", "field"]
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str))
                .map(String::from)
        })
        .collect::<Option<_>>()?;
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    (unique.len() == names.len()).then_some(names)
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
