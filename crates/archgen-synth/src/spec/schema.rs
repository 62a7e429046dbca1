//! The JSON Schema of a stack file (`archgen schema`), for editors
//! (yaml-language-server) and CI. It is derived from the spec types with
//! schemars, then adjusted so that it accepts what the loader accepts:
//!
//! - the loader reads a bare YAML number where text is wanted (`version: 15`),
//!   so a plain string also accepts an integer;
//! - an empty value (`key:`) is an empty mapping, so a mapping with no
//!   required field also accepts null;
//! - `environments:` maps each environment to an overlay: any part of the
//!   spec, merged onto the base (mappings key by key, so nothing in an
//!   overlay is required; lists and scalars whole, so they are checked as in
//!   the base; `~` removes a key, so every field also accepts null).
//!
//! What a schema cannot say: a field the spec requires must be in the base
//! (the loader also accepts it in every environment's overlay instead), and a
//! component an overlay adds must be complete (the schema checks overlays
//! only field by field). Two rarities differ too: JSON Schema counts `2.0`
//! as an integer (the loader asks for `2`), and the loader also reads a
//! one-word choice written as a mapping (`nat: { single: ~ }`).

/// `JsonSchema` for a type with a hand-written `Deserialize`: the YAML shape
/// that deserializer accepts, written next to it so the two change together.
/// A `"type": "string"` marked `"x-archgen-no-number": true` is a string the
/// deserializer reads with `visit_str` only (no bare number).
macro_rules! yaml_shape {
    ($ty:ty, $name:literal, $schema:tt) => {
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!($schema)
            }
        }
    };
}

#[cfg(feature = "schema")]
pub use generate::{stack_file_schema, stack_file_schema_text};

#[cfg(feature = "schema")]
mod generate {
    use serde_json::{Map, Value, json};
    use std::collections::BTreeSet;

    use crate::spec::StackSpec;

    /// Marks a string that takes no bare number; removed from the output.
    const NO_NUMBER: &str = "x-archgen-no-number";
    /// Where draft-07 keeps named subschemas.
    const DEFINITIONS: &str = "definitions";
    /// The suffix of a definition's overlay form.
    const OVERLAY: &str = "Overlay";

    /// The schema of one file under `stacks/`: the spec, plus
    /// `environments:` with an overlay per environment.
    pub fn stack_file_schema() -> Value {
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        let mut root = generator.into_root_schema_for::<StackSpec>().to_value();
        accept_yaml_forms(&mut root);
        let mut definitions = match root.as_object_mut().and_then(|r| r.remove(DEFINITIONS)) {
            Some(Value::Object(d)) => d,
            _ => Map::new(),
        };
        // The root's own shape, as a definition its overlay can be made from.
        let mut spec = root.clone();
        if let Some(spec) = spec.as_object_mut() {
            for key in ["$schema", "title"] {
                spec.remove(key);
            }
        }
        definitions.insert("StackSpec".into(), spec);
        add_overlays(&mut definitions, "StackSpec");

        let Value::Object(generated) = root else {
            return root;
        };
        // Identification first, for a reader of the file.
        let mut root_map = Map::new();
        if let Some(draft) = generated.get("$schema") {
            root_map.insert("$schema".into(), draft.clone());
        }
        root_map.insert("title".into(), json!("archgen stack file"));
        root_map.insert(
            "description".into(),
            json!(
                "One stack of an archgen project (stacks/<name>.yaml): the base definition, and under `environments:` what each environment changes. See https://github.com/archgen/archgen#the-spec"
            ),
        );
        for (key, value) in generated {
            if !matches!(key.as_str(), "$schema" | "title" | "description") {
                root_map.insert(key, value);
            }
        }
        if let Some(Value::Object(properties)) = root_map.get_mut("properties") {
            properties.insert(
                "environments".into(),
                json!({
                    "description": "The environments, each with what it changes: mappings merge key by key, scalars and lists replace the base value, `~` removes a key. `{}` changes nothing.",
                    "type": "object",
                    "additionalProperties": nullable(reference(&format!("StackSpec{OVERLAY}"))),
                    "examples": [{ "dev": {}, "prod": { "termination_protection": true } }]
                }),
            );
        }
        root_map.insert(DEFINITIONS.into(), Value::Object(definitions));
        Value::Object(root_map)
    }

    /// The schema as `archgen schema` prints it and the repository keeps
    /// it: pretty JSON with a final newline.
    pub fn stack_file_schema_text() -> String {
        // Serializing a `serde_json::Value` cannot fail.
        let mut text = serde_json::to_string_pretty(&stack_file_schema()).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Walks the schema: a plain string also takes an integer, a mapping
    /// without required fields also takes null (see the module's comment).
    fn accept_yaml_forms(schema: &mut Value) {
        match schema {
            Value::Object(map) => {
                let no_number = map.remove(NO_NUMBER).is_some();
                let plain = !["enum", "const", "pattern", "format"]
                    .iter()
                    .any(|k| map.contains_key(*k));
                let mut types: Vec<Value> = match map.get("type") {
                    Some(Value::String(t)) => vec![json!(t)],
                    Some(Value::Array(ts)) => ts.clone(),
                    _ => Vec::new(),
                };
                let has = |types: &[Value], t: &str| types.iter().any(|v| v == t);
                if has(&types, "string") && !has(&types, "integer") && plain && !no_number {
                    types.insert(1, json!("integer"));
                }
                if has(&types, "object") && !has(&types, "null") && !map.contains_key("required") {
                    types.push(json!("null"));
                }
                if let Some(types) = match types.as_slice() {
                    [] => None,
                    [one] => Some(one.clone()),
                    _ => Some(Value::Array(types)),
                } {
                    map.insert("type".into(), types);
                }
                // serde reads Rust's unsigned integers only within their range.
                let maximum = match map.get("format").and_then(Value::as_str) {
                    Some("uint8") => Some(u64::from(u8::MAX)),
                    Some("uint16") => Some(u64::from(u16::MAX)),
                    Some("uint32") => Some(u64::from(u32::MAX)),
                    _ => None,
                };
                if let Some(maximum) = maximum {
                    map.entry("maximum").or_insert(json!(maximum));
                }
                // Examples and defaults are values, not schemas.
                for (key, value) in map.iter_mut() {
                    if !matches!(key.as_str(), "examples" | "default" | "enum" | "const") {
                        accept_yaml_forms(value);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(accept_yaml_forms),
            _ => {}
        }
    }

    /// Adds `<name>Overlay` for definition `name` and every definition it
    /// reaches through mappings.
    fn add_overlays(definitions: &mut Map<String, Value>, name: &str) {
        let mut pending = vec![name.to_string()];
        let mut done = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if !done.insert(name.clone()) {
                continue;
            }
            let Some(schema) = definitions.get(&name) else {
                continue;
            };
            let overlay = overlay_of(schema, &mut pending);
            definitions.insert(format!("{name}{OVERLAY}"), overlay);
        }
        // An overlay form the same as its definition (an enum, a duration)
        // is the definition: refer to it instead.
        loop {
            let same: Vec<String> = done
                .iter()
                .filter(|name| {
                    let overlay = definitions.get(&format!("{name}{OVERLAY}"));
                    overlay.is_some() && overlay == definitions.get(*name)
                })
                .cloned()
                .collect();
            if same.is_empty() {
                break;
            }
            for name in &same {
                definitions.remove(&format!("{name}{OVERLAY}"));
                done.remove(name);
                let from = json!(format!("#/{DEFINITIONS}/{name}{OVERLAY}"));
                let to = json!(format!("#/{DEFINITIONS}/{name}"));
                definitions
                    .values_mut()
                    .for_each(|schema| replace_value(schema, &from, &to));
            }
        }
    }

    /// Replaces every `from` string anywhere in `schema` with `to`.
    fn replace_value(schema: &mut Value, from: &Value, to: &Value) {
        match schema {
            Value::Object(map) => map.values_mut().for_each(|v| replace_value(v, from, to)),
            Value::Array(items) => items.iter_mut().for_each(|v| replace_value(v, from, to)),
            value if value == from => *value = to.clone(),
            _ => {}
        }
    }

    /// The overlay form of a schema: mappings lose their required fields
    /// and every entry may be `~`; lists and scalars stay as they are (an
    /// overlay replaces them whole). `needed` collects the definitions whose
    /// overlay form this one refers to.
    fn overlay_of(schema: &Value, needed: &mut Vec<String>) -> Value {
        let Value::Object(map) = schema else {
            return schema.clone();
        };
        let mut out = Map::new();
        for (key, value) in map {
            let value = match key.as_str() {
                "required" => continue,
                "$ref" => match value
                    .as_str()
                    .and_then(|r| r.strip_prefix(&format!("#/{DEFINITIONS}/")))
                {
                    Some(target) => {
                        needed.push(target.to_string());
                        Value::String(format!("#/{DEFINITIONS}/{target}{OVERLAY}"))
                    }
                    None => value.clone(),
                },
                "properties" => match value {
                    Value::Object(properties) => Value::Object(
                        properties
                            .iter()
                            .map(|(k, v)| (k.clone(), nullable(overlay_of(v, needed))))
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "additionalProperties" if value.is_object() => nullable(overlay_of(value, needed)),
                "anyOf" | "oneOf" | "allOf" => match value {
                    Value::Array(items) => {
                        Value::Array(items.iter().map(|item| overlay_of(item, needed)).collect())
                    }
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            // Two alternatives with their required fields taken out may
            // both match: an overlay takes any that does.
            let key = if key == "oneOf" && &value != map.get(key).unwrap_or(&Value::Null) {
                "anyOf"
            } else {
                key.as_str()
            };
            out.insert(key.to_string(), value);
        }
        Value::Object(out)
    }

    fn reference(name: &str) -> Value {
        json!({ "$ref": format!("#/{DEFINITIONS}/{name}") })
    }

    /// `schema`, or null; unchanged if it takes null already.
    fn nullable(schema: Value) -> Value {
        let null = json!({ "type": "null" });
        let takes_null = match schema.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            _ => schema
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(|branches| branches.contains(&null)),
        };
        if takes_null {
            schema
        } else {
            json!({ "anyOf": [schema, { "type": "null" }] })
        }
    }
}
