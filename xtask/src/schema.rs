//! Reads the vendored CloudFormation resource schemas and turns one resource
//! type's schema into a Rust model: structs with typed fields.

use crate::naming::{field_name, type_name};
use anyhow::{Context, Result, anyhow, bail};
use flate2::read::GzDecoder;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// The Rust type of a property. Every scalar is an `Expr`: CloudFormation
/// accepts an intrinsic function almost anywhere, and `Expr` also holds
/// literals (string, integer, number, boolean).
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Expr,
    /// Free-form JSON: policy documents, and values the schema allows to be
    /// a string or an object.
    Json,
    /// An object with arbitrary keys (`patternProperties`) and values of
    /// one type: scalars (`Expr`) or one property type.
    Map(Box<Ty>),
    List(Box<Ty>),
    /// The `{Key, Value}` tag most types define: archgen's shared `Tag`.
    Tag,
    Struct {
        name: String,
        /// Boxed when the struct contains itself (WAF statements nest).
        boxed: bool,
    },
}

#[derive(Debug)]
pub struct Field {
    pub json_name: String,
    pub rust_name: String,
    pub ty: Ty,
    pub required: bool,
    /// What the schema says about a scalar: its type and allowed values.
    pub doc: Option<String>,
}

#[derive(Debug)]
pub struct StructDef {
    pub name: String,
    /// The schema's name for it: a definition or a property name.
    pub schema_name: String,
    pub fields: Vec<Field>,
}

/// One resource type: its struct, and the property types it uses (sorted
/// by name), which go in a module of their own.
#[derive(Debug)]
pub struct Resource {
    pub type_name: String,
    pub resource: StructDef,
    pub property_types: Vec<StructDef>,
}

pub fn load(schema_dir: &Path, type_name: &str) -> Result<Value> {
    let file = schema_dir.join("resources").join(format!(
        "{}.json.gz",
        type_name.to_lowercase().replace("::", "-")
    ));
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&file).with_context(|| {
        format!(
            "{type_name}: no schema at {}; is the type spelt right?",
            file.display()
        )
    })?)
    .read_to_string(&mut text)
    .with_context(|| format!("reading {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", file.display()))
}

pub fn resource(type_name_: &str, schema: &Value) -> Result<Resource> {
    let name = type_name_
        .rsplit("::")
        .next()
        .ok_or_else(|| anyhow!("{type_name_}: not a resource type name"))?;
    let empty = Map::new();
    let mut builder = Builder {
        type_name: type_name_,
        definitions: schema
            .get("definitions")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
        structs: BTreeMap::new(),
        pending: Vec::new(),
    };
    // Read-only properties are attributes CloudFormation reports, not inputs.
    let read_only: BTreeSet<&str> = schema
        .get("readOnlyProperties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str()?.strip_prefix("/properties/"))
        .collect();
    let mut top = schema.clone();
    if let Some(props) = top.get_mut("properties").and_then(Value::as_object_mut) {
        props.retain(|k, _| !read_only.contains(k.as_str()));
    }
    let resource = builder
        .struct_def(&type_name(name), name, &top)
        .with_context(|| format!("{type_name_}: properties"))?;
    while let Some((rust_name, schema_name, schema)) = builder.pending.pop() {
        let def = builder
            .struct_def(&rust_name, &schema_name, &schema)
            .with_context(|| format!("{type_name_}: property type {schema_name}"))?;
        builder.structs.insert(rust_name, (schema, Some(def)));
    }
    let mut property_types: Vec<StructDef> = builder
        .structs
        .into_values()
        .filter_map(|(_, def)| def)
        .collect();
    box_recursive_fields(&mut property_types);
    Ok(Resource {
        type_name: type_name_.to_string(),
        resource,
        property_types,
    })
}

struct Builder<'a> {
    type_name: &'a str,
    definitions: &'a Map<String, Value>,
    /// Every property type seen, by Rust name, with the schema it came from
    /// (to tell a reuse from a name clash) and, once built, its struct.
    structs: BTreeMap<String, (Value, Option<StructDef>)>,
    pending: Vec<(String, String, Value)>,
}

impl Builder<'_> {
    fn struct_def(
        &mut self,
        rust_name: &str,
        schema_name: &str,
        schema: &Value,
    ) -> Result<StructDef> {
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields = Vec::new();
        let mut rust_names = BTreeSet::new();
        // BTreeMap: fields in the alphabetical order of their JSON names.
        let properties: BTreeMap<&String, &Value> = schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .collect();
        for (json_name, prop) in properties {
            let ty = self
                .ty(prop, json_name)
                .with_context(|| format!("property {json_name}"))?;
            let rust_name = field_name(json_name);
            if !rust_names.insert(rust_name.clone()) {
                bail!("two properties are both named `{rust_name}` in Rust");
            }
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                doc: (ty == Ty::Expr)
                    .then(|| scalar_doc(self.resolve(prop)))
                    .flatten(),
                ty,
                required: required.contains(json_name.as_str()),
            });
        }
        Ok(StructDef {
            name: rust_name.to_string(),
            schema_name: schema_name.to_string(),
            fields,
        })
    }

    /// Follows a `$ref` to its definition (one level: definitions do not
    /// alias each other in the schemas archgen uses).
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(|d| self.definitions.get(d))
            .unwrap_or(schema)
    }

    fn ty(&mut self, schema: &Value, hint: &str) -> Result<Ty> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let def_name = reference
                .strip_prefix("#/definitions/")
                .ok_or_else(|| anyhow!("unsupported reference {reference}"))?;
            let def = self
                .definitions
                .get(def_name)
                .ok_or_else(|| anyhow!("{reference} is not defined"))?;
            if has_properties(def) && def_name == "Tag" && is_key_value_tag(def) {
                return Ok(Ty::Tag);
            }
            return self.ty(def, def_name);
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if has_properties(schema) && (types.is_empty() || types.contains(&"object")) {
            return self.struct_ty(hint, schema);
        }
        if types.len() > 1 {
            let structured = types.iter().any(|t| matches!(*t, "object" | "array"));
            return Ok(if structured { Ty::Json } else { Ty::Expr });
        }
        match types.first().copied() {
            Some("string" | "integer" | "number" | "boolean") => Ok(Ty::Expr),
            Some("array") => match schema.get("items") {
                Some(items) => Ok(Ty::List(Box::new(self.ty(items, hint)?))),
                None => Ok(Ty::Json),
            },
            Some("object") | None => {
                let values: Vec<&Value> = schema
                    .get("patternProperties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(|p| p.values())
                    .collect();
                // Values that may be strings (Lambda's environment variables
                // list every JSON type) are written as scalars.
                let scalar_values = !values.is_empty()
                    && values.iter().all(|v| {
                        let v = self.resolve(v);
                        !has_properties(v)
                            && match v.get("type") {
                                Some(Value::String(t)) => {
                                    matches!(
                                        t.as_str(),
                                        "string" | "integer" | "number" | "boolean"
                                    )
                                }
                                Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                                _ => false,
                            }
                    });
                if scalar_values {
                    return Ok(Ty::Map(Box::new(Ty::Expr)));
                }
                match values.as_slice() {
                    [value] if has_properties(self.resolve(value)) => {
                        Ok(Ty::Map(Box::new(self.ty(value, hint)?)))
                    }
                    _ => Ok(Ty::Json),
                }
            }
            Some(other) => bail!("unsupported schema type {other}"),
        }
    }

    /// A struct for an object with properties, named after its definition
    /// or, for an inline object, after the property that holds it.
    fn struct_ty(&mut self, schema_name: &str, schema: &Value) -> Result<Ty> {
        let name = type_name(schema_name);
        match self.structs.get(&name) {
            Some((seen, _)) if seen == schema => {}
            Some(_) => bail!(
                "{}: two different property types would both be named {name}",
                self.type_name
            ),
            None => {
                self.structs.insert(name.clone(), (schema.clone(), None));
                self.pending
                    .push((name.clone(), schema_name.to_string(), schema.clone()));
            }
        }
        Ok(Ty::Struct { name, boxed: false })
    }
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn is_key_value_tag(schema: &Value) -> bool {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    let is_string = |k: &str| {
        props
            .get(k)
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            == Some("string")
    };
    props.len() == 2 && is_string("Key") && is_string("Value")
}

/// "`string`, one of `A`, `B`." for a scalar; the allowed values are what a
/// builder most needs when it writes a literal.
fn scalar_doc(schema: &Value) -> Option<String> {
    let kind = match schema.get("type")? {
        Value::String(t) => format!("`{t}`"),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(" or "),
        _ => return None,
    };
    const SHOWN: usize = 16;
    let values: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        })
        .collect();
    Some(match values.len() {
        0 => format!("{kind}."),
        n if n <= SHOWN => format!("{kind}, one of {}.", values.join(", ")),
        n => format!(
            "{kind}, one of {}, and {} more.",
            values[..SHOWN].join(", "),
            n - SHOWN
        ),
    })
}

/// Boxes every field whose struct contains, directly or not, the struct the
/// field is in: otherwise the type would have infinite size. Lists and maps
/// already hold their items on the heap.
fn box_recursive_fields(structs: &mut [StructDef]) {
    fn direct(ty: &Ty) -> Option<&str> {
        match ty {
            Ty::Struct { name, .. } => Some(name),
            _ => None,
        }
    }
    let edges: BTreeMap<String, BTreeSet<String>> = structs
        .iter()
        .map(|s| {
            let targets = s
                .fields
                .iter()
                .filter_map(|f| direct(&f.ty))
                .map(str::to_string);
            (s.name.clone(), targets.collect())
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for s in structs.iter_mut() {
        for f in &mut s.fields {
            if let Ty::Struct { name, boxed } = &mut f.ty {
                *boxed = reaches(name, &s.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn demo() -> Resource {
        let schema = json!({
            "typeName": "AWS::Demo::Thing",
            "properties": {
                "Name": {"type": "string"},
                "Arn": {"type": "string"},
                "Size": {"type": "integer", "enum": [1, 2]},
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "Labels": {"type": "object", "patternProperties": {".+": {"type": "string"}}},
                "Bodies": {"type": "object", "patternProperties": {".+": {"$ref": "#/definitions/Body"}}},
                "Policy": {"type": ["object", "string"]},
                "Rule": {"$ref": "#/definitions/Rule"},
                "Limits": {"type": "object", "properties": {"Max": {"type": "number"}}}
            },
            "required": ["Name"],
            "readOnlyProperties": ["/properties/Arn"],
            "definitions": {
                "Tag": {"type": "object", "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}},
                "Body": {"type": "object", "properties": {"Content": {"type": "string"}}, "required": ["Content"]},
                "Rule": {"type": "object", "properties": {
                    "Not": {"$ref": "#/definitions/Rule"},
                    "All": {"type": "array", "items": {"$ref": "#/definitions/Rule"}}
                }}
            }
        });
        resource("AWS::Demo::Thing", &schema).unwrap()
    }

    fn field<'a>(s: &'a StructDef, json_name: &str) -> &'a Field {
        s.fields
            .iter()
            .find(|f| f.json_name == json_name)
            .unwrap_or_else(|| panic!("{} has no field {json_name}", s.name))
    }

    fn strukt(name: &str) -> Ty {
        Ty::Struct {
            name: name.into(),
            boxed: false,
        }
    }

    #[test]
    fn properties_keep_the_schemas_names_types_and_requirements() {
        let r = demo();
        let top = &r.resource;
        assert_eq!(top.name, "Thing");
        let names: Vec<&str> = top.fields.iter().map(|f| f.json_name.as_str()).collect();
        // Alphabetical, and without the read-only Arn (an attribute).
        assert_eq!(
            names,
            [
                "Bodies", "Labels", "Limits", "Name", "Policy", "Rule", "Size", "Tags"
            ]
        );
        let name = field(top, "Name");
        assert!(name.required);
        assert_eq!((name.rust_name.as_str(), &name.ty), ("name", &Ty::Expr));
        let size = field(top, "Size");
        assert!(!size.required);
        assert_eq!(size.doc.as_deref(), Some("`integer`, one of `1`, `2`."));
        assert_eq!(field(top, "Tags").ty, Ty::List(Box::new(Ty::Tag)));
        assert_eq!(field(top, "Labels").ty, Ty::Map(Box::new(Ty::Expr)));
        assert_eq!(field(top, "Bodies").ty, Ty::Map(Box::new(strukt("Body"))));
        assert_eq!(field(top, "Policy").ty, Ty::Json);
        assert_eq!(field(top, "Rule").ty, strukt("Rule"));
        // An inline object is named after its property.
        assert_eq!(field(top, "Limits").ty, strukt("Limits"));
    }

    #[test]
    fn property_types_are_generated_once_and_recursion_is_boxed() {
        let r = demo();
        let names: Vec<&str> = r.property_types.iter().map(|s| s.name.as_str()).collect();
        // The {Key, Value} tag is archgen's shared Tag, not a struct of its own.
        assert_eq!(names, ["Body", "Limits", "Rule"]);
        let rule = &r.property_types[2];
        assert_eq!(
            field(rule, "Not").ty,
            Ty::Struct {
                name: "Rule".into(),
                boxed: true
            }
        );
        // A list already holds its items on the heap.
        assert_eq!(field(rule, "All").ty, Ty::List(Box::new(strukt("Rule"))));
        assert!(field(&r.property_types[0], "Content").required);
    }

    #[test]
    fn an_unknown_reference_is_an_error_naming_the_type_and_property() {
        let schema = json!({
            "properties": {"Broken": {"$ref": "#/definitions/Missing"}}
        });
        let err = resource("AWS::Demo::Thing", &schema).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("AWS::Demo::Thing"), "{text}");
        assert!(text.contains("Broken"), "{text}");
        assert!(text.contains("#/definitions/Missing"), "{text}");
    }
}
