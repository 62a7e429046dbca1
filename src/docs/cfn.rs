//! Reading a synthesized template as data: resources by type, references
//! between them, and literal values. The docs describe what the template
//! does, so they read it rather than the spec text.

use serde_json::{Map, Value};

/// One synthesized template, parsed.
pub struct Cfn {
    resources: Map<String, Value>,
}

/// One resource: its logical id, whole body and properties.
#[derive(Clone, Copy)]
pub struct Resource<'a> {
    pub id: &'a str,
    pub body: &'a Value,
    pub props: &'a Value,
}

impl Resource<'_> {
    /// A property by path (`DistributionConfig.Aliases`).
    pub fn get(&self, path: &str) -> &Value {
        path.split('.')
            .fold(self.props, |v, key| v.get(key).unwrap_or(&Value::Null))
    }

    /// A property as text, when it is a literal.
    pub fn text(&self, path: &str) -> Option<String> {
        literal(self.get(path))
    }
}

static NULL: Value = Value::Null;

impl Cfn {
    pub fn parse(json: &str) -> Cfn {
        let value: Value = serde_json::from_str(json).unwrap_or_default();
        let resources = value
            .get("Resources")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Cfn { resources }
    }

    pub fn all(&self) -> impl Iterator<Item = Resource<'_>> {
        self.resources.iter().map(|(id, body)| Resource {
            id,
            body,
            props: body.get("Properties").unwrap_or(&NULL),
        })
    }

    /// Every resource of `type_name`, in logical-id order.
    pub fn of_type<'a>(&'a self, type_name: &'a str) -> impl Iterator<Item = Resource<'a>> {
        self.all()
            .filter(move |r| r.body.get("Type").and_then(Value::as_str) == Some(type_name))
    }

    pub fn get(&self, id: &str) -> Option<Resource<'_>> {
        self.all().find(|r| r.id == id)
    }
}

/// The logical id a `Ref`, `Fn::GetAtt` or `Fn::Sub` of one resource names.
pub fn target(value: &Value) -> Option<&str> {
    if let Some(id) = value.get("Ref").and_then(Value::as_str) {
        return Some(id);
    }
    if let Some(id) = value
        .get("Fn::GetAtt")
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
    {
        return Some(id);
    }
    let sub = value.get("Fn::Sub")?;
    let text = sub.as_str().or_else(|| sub.get(0)?.as_str())?;
    // The first `${Id}` or `${Id.Attribute}` that is not a pseudo parameter;
    // a variable of the Sub names what its value names (nothing, for an
    // import from another stack).
    let first = text
        .split("${")
        .skip(1)
        .filter_map(|rest| rest.split(['}', '.']).next())
        .find(|id| !id.starts_with("AWS::"))?;
    match sub.get(1).and_then(|vars| vars.get(first)) {
        Some(var) => target(var),
        None => Some(first),
    }
}

/// Every logical id `value` refers to, anywhere inside it.
pub fn targets(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    collect_targets(value, &mut found);
    found
}

fn collect_targets<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    if let Some(id) = target(value) {
        found.push(id);
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_targets(v, found)),
        Value::Object(map) => map.values().for_each(|v| collect_targets(v, found)),
        _ => {}
    }
}

/// A literal as text: strings, numbers and booleans; `None` for intrinsics.
pub fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        _ => None,
    }
}

/// A value as text for a reader: literals as they are, a reference as the
/// resource it names, anything else as compact JSON.
pub fn describe(value: &Value) -> String {
    if let Some(text) = literal(value) {
        return text;
    }
    if let Some(id) = target(value) {
        return id.to_string();
    }
    match value {
        Value::Array(items) => items.iter().map(describe).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The spec key among `keys` whose logical-id stem is `stem`, else `stem`.
pub fn key_for(stem: &str, keys: &[String]) -> String {
    keys.iter()
        .find(|k| archgen_synth::naming::pascal(k) == stem)
        .cloned()
        .unwrap_or_else(|| stem.to_string())
}

/// A list property as texts.
pub fn texts(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().map(describe).collect())
        .unwrap_or_default()
}
