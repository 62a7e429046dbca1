//! Validates a YAML node against a CloudFormation registry schema (a subset
//! of JSON Schema draft 7: `$ref` to `#/definitions`, `type`, `properties`,
//! `patternProperties`, `additionalProperties`, `required`, `enum`,
//! `pattern`, lengths, ranges, item counts, `items`, `oneOf`/`anyOf`).
//! Scalars are as lenient as CloudFormation: a number where a string goes
//! is converted, `"5"` is an integer. Intrinsic functions are accepted
//! wherever a value goes; their type is known only at deploy time.

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::intrinsic::{
    ACCEPTED, ComponentUse, Reference, Special, is_pseudo_parameter, special, sub_variables,
};
use crate::diagnostic::{did_you_mean, nearest_names};
use crate::spec::node::{Loc, Node, NodeKind};

/// What kind of rule a value breaks (each has its own rule code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    MissingRequired,
    UnknownProperty,
    WrongType,
    /// Enum, pattern, length, range or item count.
    Constraint,
    /// A malformed or unsupported intrinsic function.
    Function,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// Below the validated node: `KeySchema[0].KeyType`.
    pub path: String,
    pub loc: Loc,
    pub message: String,
    pub help: String,
}

/// The outcome of validating one node.
#[derive(Debug, Default)]
pub struct Validation {
    pub violations: Vec<Violation>,
    pub references: Vec<Reference>,
    pub components: Vec<ComponentUse>,
}

/// Validates `node` (written at `path`) against `schema`, whose
/// `definitions` resolve `$ref`s.
pub fn validate(node: &Node, path: &str, schema: &Value) -> Validation {
    let mut v = Validator {
        root: schema,
        out: Validation::default(),
        alternatives: 0,
    };
    v.check(node, schema, path);
    v.out
}

/// The schema of a value with no constraints (free-form JSON).
static ANY: Value = Value::Null;

struct Validator<'s> {
    root: &'s Value,
    out: Validation,
    /// How many `oneOf`/`anyOf` deep this validator is on one node: a
    /// schema whose alternative refers back to itself must not recurse
    /// without end.
    alternatives: u8,
}

/// Deeper `oneOf`/`anyOf` nesting on one value is not checked.
const MAX_ALTERNATIVES: u8 = 8;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The schema's `type`, as a list.
fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A scalar as CloudFormation reads it: its text.
fn scalar_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Int(i) => Some(i.to_string()),
        NodeKind::Float(f) => Some(f.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Int(i) => Some(*i as f64),
        NodeKind::Float(f) => Some(*f),
        NodeKind::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_type(node: &Node, ty: &str) -> bool {
    match ty {
        "string" => scalar_text(node).is_some(),
        "integer" => match &node.kind {
            NodeKind::Int(_) => true,
            NodeKind::Str(s) => s.trim().parse::<i64>().is_ok(),
            _ => false,
        },
        "number" => number(node).is_some(),
        "boolean" => match &node.kind {
            NodeKind::Bool(_) => true,
            NodeKind::Str(s) => matches!(s.as_str(), "true" | "false"),
            _ => false,
        },
        "object" => matches!(node.kind, NodeKind::Map(_)),
        "array" => matches!(node.kind, NodeKind::Seq(_)),
        "null" => node.kind == NodeKind::Null,
        _ => true,
    }
}

fn type_words(ty: &str) -> &str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "object" => "a mapping",
        "array" => "a list",
        other => other,
    }
}

/// Compiles a schema's pattern once. The schemas' patterns are ECMAScript;
/// one that Rust's `regex` does not support (look-around) is not checked.
fn pattern(source: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().ok()?;
    cache
        .entry(source.to_string())
        .or_insert_with(|| Regex::new(source).ok())
        .clone()
}

impl<'s> Validator<'s> {
    fn violation(
        &mut self,
        kind: ViolationKind,
        path: &str,
        loc: Loc,
        message: String,
        help: String,
    ) {
        self.out.violations.push(Violation {
            kind,
            path: path.to_string(),
            loc,
            message,
            help,
        });
    }

    /// Follows `$ref: #/definitions/X` (a bounded chain).
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..16 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match target
                .strip_prefix("#/")
                .and_then(|p| self.root.pointer(&format!("/{p}")))
            {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }

    fn check(&mut self, node: &Node, schema: &'s Value, path: &str) {
        let resolved = self.resolve(schema);
        self.check_resolved(node, resolved, path);
        // Limits written beside a `$ref` (KeySchema's `maxItems`) apply too.
        if !std::ptr::eq(resolved, schema) && special(node).is_none() {
            match &node.kind {
                NodeKind::Seq(items) => self.item_counts(node, items.len(), schema, path),
                NodeKind::Map(_) | NodeKind::Null => {}
                _ => self.scalar(node, schema, path),
            }
        }
    }

    fn check_resolved(&mut self, node: &Node, schema: &'s Value, path: &str) {
        if let Some(s) = special(node) {
            self.special(s, node, path);
            return;
        }
        if !self.alternatives(node, schema, path) {
            return;
        }
        let types = types(schema);
        if !types.is_empty() && !types.iter().any(|t| is_type(node, t)) {
            let wanted: Vec<&str> = types.iter().map(|t| type_words(t)).collect();
            let help = match (types.as_slice(), &node.kind) {
                (["array"], NodeKind::Map(_) | NodeKind::Str(_)) => {
                    "write a list: '- item' lines, or [a, b]".to_string()
                }
                (["object"], _) => "write a mapping of property names to values".to_string(),
                _ => format!("write {}", wanted.join(" or ")),
            };
            self.violation(
                ViolationKind::WrongType,
                path,
                node.loc,
                format!(
                    "expected {}, found {}",
                    wanted.join(" or "),
                    node.type_name()
                ),
                help,
            );
            return;
        }
        match &node.kind {
            NodeKind::Map(entries) => self.object(node, entries, schema, path),
            NodeKind::Seq(items) => self.array(node, items, schema, path),
            NodeKind::Null => {}
            _ => self.scalar(node, schema, path),
        }
    }

    /// `oneOf` / `anyOf`: the value must fit one alternative (taken as
    /// `anyOf`, as CloudFormation's own validation is lenient there).
    /// Reports the errors of the closest alternative; returns whether the
    /// value passed.
    fn alternatives(&mut self, node: &Node, schema: &'s Value, path: &str) -> bool {
        if self.alternatives >= MAX_ALTERNATIVES {
            return true;
        }
        for key in ["oneOf", "anyOf"] {
            let Some(alternatives) = schema.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut best: Option<Vec<Violation>> = None;
            for alternative in alternatives {
                let mut sub = Validator {
                    root: self.root,
                    out: Validation::default(),
                    alternatives: self.alternatives + 1,
                };
                sub.check(node, alternative, path);
                if sub.out.violations.is_empty() {
                    best = None;
                    break;
                }
                // The closest alternative is one of the value's own type
                // (its errors are about what is inside), then the one with
                // the fewest errors.
                let rank = |vs: &[Violation]| {
                    let wrong_type = vs
                        .iter()
                        .any(|v| v.kind == ViolationKind::WrongType && v.path == path);
                    (wrong_type, vs.len())
                };
                if best
                    .as_ref()
                    .is_none_or(|b| rank(&sub.out.violations) < rank(b))
                {
                    best = Some(sub.out.violations);
                }
            }
            if let Some(violations) = best {
                self.out.violations.extend(violations);
                return false;
            }
        }
        true
    }

    fn object(
        &mut self,
        node: &Node,
        entries: &[(crate::spec::node::Key, Node)],
        schema: &'s Value,
        path: &str,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let patterns = schema.get("patternProperties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !entries.iter().any(|(k, _)| k.name == required) {
                self.violation(
                    ViolationKind::MissingRequired,
                    &join(path, required),
                    node.loc,
                    format!("missing required property '{required}'"),
                    format!("add '{required}:' here"),
                );
            }
        }
        for key in ["minProperties", "maxProperties"] {
            if let Some(limit) = schema.get(key).and_then(Value::as_u64) {
                let n = entries.len() as u64;
                if (key == "minProperties" && n < limit) || (key == "maxProperties" && n > limit) {
                    let bound = if key == "minProperties" {
                        "at least"
                    } else {
                        "at most"
                    };
                    self.violation(
                        ViolationKind::Constraint,
                        path,
                        node.loc,
                        format!("{n} properties here; the schema allows {bound} {limit}"),
                        format!("write {bound} {limit} properties"),
                    );
                }
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let extra = schema.get("additionalProperties").filter(|a| a.is_object());
        for (key, value) in entries {
            let child = join(path, &key.name);
            if let Some(s) = properties.and_then(|p| p.get(&key.name)) {
                self.check(value, s, &child);
                continue;
            }
            let by_pattern = patterns
                .into_iter()
                .flatten()
                .find(|(p, _)| pattern(p).is_some_and(|re| re.is_match(&key.name)));
            if let Some((_, s)) = by_pattern {
                self.check(value, s, &child);
            } else if let Some(properties) = properties.filter(|p| closed && !p.is_empty()) {
                let names = properties.keys().map(String::as_str);
                let help = match did_you_mean(&key.name, names.clone()) {
                    Some(s) => format!(
                        "did you mean '{s}'? Allowed here: {}",
                        nearest_names(&key.name, names)
                    ),
                    None => format!("allowed here: {}", nearest_names(&key.name, names)),
                };
                self.violation(
                    ViolationKind::UnknownProperty,
                    &child,
                    key.loc,
                    format!("unknown property '{}'", key.name),
                    help,
                );
            } else if closed && patterns.is_none_or(|p| p.is_empty()) {
                self.violation(
                    ViolationKind::UnknownProperty,
                    &child,
                    key.loc,
                    format!(
                        "unknown property '{}': this mapping takes no properties",
                        key.name
                    ),
                    "remove it".to_string(),
                );
            } else if let Some(s) = extra {
                self.check(value, s, &child);
            } else {
                // Free-form JSON (a policy document): only functions inside.
                self.check(value, &ANY, &child);
            }
        }
    }

    fn array(&mut self, node: &Node, items: &[Node], schema: &'s Value, path: &str) {
        self.item_counts(node, items.len(), schema, path);
        let item_schema = schema
            .get("items")
            .filter(|s| s.is_object())
            .unwrap_or(&ANY);
        for (i, item) in items.iter().enumerate() {
            self.check(item, item_schema, &format!("{path}[{i}]"));
        }
    }

    fn item_counts(&mut self, node: &Node, count: usize, schema: &Value, path: &str) {
        let n = count as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && n < min
        {
            self.violation(
                ViolationKind::Constraint,
                path,
                node.loc,
                format!("{n} items; at least {min} are required"),
                format!("give at least {min} items"),
            );
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && n > max
        {
            self.violation(
                ViolationKind::Constraint,
                path,
                node.loc,
                format!("{n} items; at most {max} are allowed"),
                format!("give at most {max} items"),
            );
        }
    }

    fn scalar(&mut self, node: &Node, schema: &'s Value, path: &str) {
        let Some(text) = scalar_text(node) else {
            return;
        };
        if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
            let names: Vec<String> = choices
                .iter()
                .map(|c| match c {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            if !names.contains(&text) {
                let all = names.iter().map(String::as_str);
                let help = match did_you_mean(&text, all.clone()) {
                    Some(s) => format!(
                        "did you mean '{s}'? Choose one of: {}",
                        nearest_names(&text, all)
                    ),
                    None => format!("choose one of: {}", nearest_names(&text, all)),
                };
                self.violation(
                    ViolationKind::Constraint,
                    path,
                    node.loc,
                    format!("'{text}' is not one of the values this property takes"),
                    help,
                );
                return;
            }
        }
        let string_like =
            types(schema).contains(&"string") || matches!(node.kind, NodeKind::Str(_));
        if string_like {
            let chars = text.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                && chars < min
            {
                self.violation(
                    ViolationKind::Constraint,
                    path,
                    node.loc,
                    format!("'{text}' is {chars} characters long; the minimum is {min}"),
                    format!("write at least {min} characters"),
                );
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                && chars > max
            {
                self.violation(
                    ViolationKind::Constraint,
                    path,
                    node.loc,
                    format!("the value is {chars} characters long; the maximum is {max}"),
                    format!("shorten it to at most {max} characters"),
                );
            }
            if let Some(p) = schema.get("pattern").and_then(Value::as_str)
                && let Some(re) = pattern(p)
                && !re.is_match(&text)
            {
                self.violation(
                    ViolationKind::Constraint,
                    path,
                    node.loc,
                    format!("'{text}' does not match the pattern {p}"),
                    "write a value that matches the pattern CloudFormation's schema gives"
                        .to_string(),
                );
            }
        }
        if let Some(n) = number(node)
            && types(schema)
                .iter()
                .any(|t| matches!(*t, "integer" | "number"))
        {
            let bounds = [
                ("minimum", "at least"),
                ("maximum", "at most"),
                ("exclusiveMinimum", "more than"),
                ("exclusiveMaximum", "less than"),
            ];
            for (key, words) in bounds {
                let Some(limit) = schema.get(key).and_then(Value::as_f64) else {
                    continue;
                };
                let broken = match key {
                    "minimum" => n < limit,
                    "maximum" => n > limit,
                    "exclusiveMinimum" => n <= limit,
                    _ => n >= limit,
                };
                if broken {
                    self.violation(
                        ViolationKind::Constraint,
                        path,
                        node.loc,
                        format!("{text} is out of range: the value must be {words} {limit}"),
                        format!("write a value {words} {limit}"),
                    );
                }
            }
        }
    }

    /// An intrinsic function or a component reference: its shape, and the
    /// names it refers to. Its value is known only at deploy time.
    fn special(&mut self, s: Special<'_>, node: &Node, path: &str) {
        match s {
            Special::Component(component, attribute) => match (&component.kind, &attribute.kind) {
                (NodeKind::Str(c), NodeKind::Str(a)) => {
                    self.out.components.push(ComponentUse {
                        path: path.to_string(),
                        loc: node.loc,
                        component: c.clone(),
                        attribute: a.clone(),
                    });
                }
                _ => self.violation(
                    ViolationKind::Function,
                    path,
                    node.loc,
                    "a component reference takes a component key and an attribute name".to_string(),
                    "write { component: db, attribute: host }".to_string(),
                ),
            },
            Special::Function(name, args) => self.function(name, args, node.loc, path),
        }
    }

    fn reference(&mut self, path: &str, loc: Loc, target: &str, attribute: Option<&str>) {
        self.out.references.push(Reference {
            path: path.to_string(),
            loc,
            target: target.to_string(),
            attribute: attribute.map(str::to_string),
        });
    }

    fn function(&mut self, name: &str, args: &Node, loc: Loc, path: &str) {
        let bad = |what: &str, example: &str| {
            (
                format!("malformed {name}: {what}"),
                format!("write it as {example}"),
            )
        };
        let problem = match (name, &args.kind) {
            ("Ref", NodeKind::Str(id)) => {
                if !is_pseudo_parameter(id) {
                    self.reference(path, args.loc, id, None);
                }
                None
            }
            ("Ref", _) => Some(bad("it takes a logical id", "{ Ref: MyTable }")),
            ("Fn::GetAtt", NodeKind::Str(text)) => match text.split_once('.') {
                Some((id, attr)) => {
                    self.reference(path, args.loc, id, Some(attr));
                    None
                }
                None => Some(bad("it takes a logical id and an attribute", "{ Fn::GetAtt: [MyTable, Arn] }")),
            },
            ("Fn::GetAtt", NodeKind::Seq(items)) => match items.as_slice() {
                [
                    Node { kind: NodeKind::Str(id), .. },
                    Node { kind: NodeKind::Str(attr), .. },
                ] => {
                    self.reference(path, args.loc, id, Some(attr));
                    None
                }
                _ => Some(bad("it takes a logical id and an attribute", "{ Fn::GetAtt: [MyTable, Arn] }")),
            },
            ("Fn::GetAtt", _) => Some(bad("it takes a logical id and an attribute", "{ Fn::GetAtt: [MyTable, Arn] }")),
            ("Fn::Sub", NodeKind::Str(text)) => {
                self.sub(text, &[], args.loc, path);
                None
            }
            ("Fn::Sub", NodeKind::Seq(items)) => match items.as_slice() {
                [Node { kind: NodeKind::Str(text), .. }, vars @ Node { kind: NodeKind::Map(entries), .. }] => {
                    let local: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
                    self.sub(text, &local, args.loc, path);
                    self.check(vars, &ANY, path);
                    None
                }
                _ => Some(bad("it takes a string, or a string and a mapping of variables", "{ Fn::Sub: 'arn:${AWS::Partition}:...' }")),
            },
            ("Fn::Sub", _) => Some(bad("it takes a string, or a string and a mapping of variables", "{ Fn::Sub: 'arn:${AWS::Partition}:...' }")),
            ("Fn::Join", NodeKind::Seq(items)) => match items.as_slice() {
                [Node { kind: NodeKind::Str(_), .. }, list] if matches!(list.kind, NodeKind::Seq(_)) || special(list).is_some() => {
                    self.check(list, &ANY, path);
                    None
                }
                _ => Some(bad("it takes a delimiter and a list", "{ Fn::Join: [',', [a, b]] }")),
            },
            ("Fn::Join", _) => Some(bad("it takes a delimiter and a list", "{ Fn::Join: [',', [a, b]] }")),
            ("Fn::Select", NodeKind::Seq(items)) => match items.as_slice() {
                [index, list] if number(index).is_some() || special(index).is_some() => {
                    self.check(index, &ANY, path);
                    self.check(list, &ANY, path);
                    None
                }
                _ => Some(bad("it takes an index and a list", "{ Fn::Select: [0, [a, b]] }")),
            },
            ("Fn::Select", _) => Some(bad("it takes an index and a list", "{ Fn::Select: [0, [a, b]] }")),
            (n, _) if ACCEPTED.contains(&n) => {
                self.check(args, &ANY, path);
                None
            }
            ("Fn::If" | "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition", _) => Some((
                format!("{name} needs a condition, and archgen's raw resources have none"),
                "choose the value per environment with an overlay under 'environments:' instead".to_string(),
            )),
            (n, _) => {
                let help = match did_you_mean(n, ACCEPTED.iter().copied()) {
                    Some(s) => format!("did you mean '{s}'? Accepted: {}", ACCEPTED.join(", ")),
                    None => format!("accepted: {}", ACCEPTED.join(", ")),
                };
                Some((format!("'{n}' is not an intrinsic function archgen accepts here"), help))
            }
        };
        if let Some((message, help)) = problem {
            self.violation(ViolationKind::Function, path, loc, message, help);
        }
    }

    fn sub(&mut self, text: &str, local: &[&str], loc: Loc, path: &str) {
        for var in sub_variables(text) {
            if local.contains(&var) || is_pseudo_parameter(var) {
                continue;
            }
            match var.split_once('.') {
                Some((id, attr)) => self.reference(path, loc, id, Some(attr)),
                None => self.reference(path, loc, var, None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(yaml: &str, schema: &Value) -> Validation {
        validate(&Node::parse(yaml).unwrap(), "", schema)
    }

    fn schema() -> Value {
        json!({
            "additionalProperties": false,
            "required": ["Name"],
            "properties": {
                "Name": {"type": "string", "minLength": 3, "maxLength": 5, "pattern": "^[a-z]+$"},
                "Mode": {"type": "string", "enum": ["FAST", "SLOW"]},
                "Count": {"type": "integer", "minimum": 1, "maximum": 10},
                "Items": {"type": "array", "maxItems": 2, "items": {"$ref": "#/definitions/Item"}},
                "Free": {"type": "object"}
            },
            "definitions": {
                "Item": {"type": "object", "additionalProperties": false, "required": ["Key"],
                         "properties": {"Key": {"type": "string"}}}
            }
        })
    }

    fn kinds(v: &Validation) -> Vec<(ViolationKind, &str)> {
        v.violations
            .iter()
            .map(|x| (x.kind, x.path.as_str()))
            .collect()
    }

    #[test]
    fn a_valid_value_passes_and_intrinsics_skip_type_checks() {
        let v = run(
            "Name: abc\nMode: FAST\nCount: '3'\nItems: [{Key: {Ref: Other}}]\nFree: {a: {Fn::Sub: '${X.Arn}'}}\n",
            &schema(),
        );
        assert!(v.violations.is_empty(), "{:?}", v.violations);
        let targets: Vec<_> = v
            .references
            .iter()
            .map(|r| (r.target.as_str(), r.path.as_str()))
            .collect();
        assert_eq!(targets, [("Other", "Items[0].Key"), ("X", "Free.a")]);
    }

    #[test]
    fn each_rule_is_reported_at_its_path() {
        let v = run(
            "Nmae: abc\nMode: FASTER\nCount: 11\nItems: [{Kye: a}, {Key: b}, {Key: c}]\n",
            &schema(),
        );
        assert_eq!(
            kinds(&v),
            [
                (ViolationKind::MissingRequired, "Name"),
                (ViolationKind::UnknownProperty, "Nmae"),
                (ViolationKind::Constraint, "Mode"),
                (ViolationKind::Constraint, "Count"),
                (ViolationKind::Constraint, "Items"),
                (ViolationKind::MissingRequired, "Items[0].Key"),
                (ViolationKind::UnknownProperty, "Items[0].Kye"),
            ]
        );
        assert!(v.violations[1].help.contains("did you mean 'Name'"));
        assert_eq!(v.violations[1].loc.line, 1);
        assert_eq!(v.violations[3].loc.line, 3);
    }

    #[test]
    fn types_lengths_and_patterns() {
        let v = run("Name: ABCDEFG\nCount: many\nItems: {Key: a}\n", &schema());
        assert_eq!(
            kinds(&v),
            [
                (ViolationKind::Constraint, "Name"),
                (ViolationKind::Constraint, "Name"),
                (ViolationKind::WrongType, "Count"),
                (ViolationKind::WrongType, "Items"),
            ]
        );
    }

    #[test]
    fn conditions_and_unknown_functions_are_refused() {
        let v = run(
            "Name: {Fn::If: [c, a, b]}\nMode: {Fn::GetAttr: [a, b]}\n",
            &schema(),
        );
        assert_eq!(
            kinds(&v),
            [
                (ViolationKind::Function, "Name"),
                (ViolationKind::Function, "Mode")
            ]
        );
        assert!(v.violations[1].help.contains("did you mean 'Fn::GetAtt'"));
    }

    #[test]
    fn limits_beside_a_ref_apply_too() {
        let s = json!({"properties": {"L": {"$ref": "#/definitions/L", "maxItems": 1}},
                       "definitions": {"L": {"type": "array", "items": {"type": "string"}}}});
        assert!(run("L: [a]\n", &s).violations.is_empty());
        assert_eq!(
            kinds(&run("L: [a, b]\n", &s)),
            [(ViolationKind::Constraint, "L")]
        );
    }

    #[test]
    fn an_alternative_that_refers_to_itself_terminates() {
        let s = json!({"$ref": "#/definitions/A",
                       "definitions": {"A": {"oneOf": [{"$ref": "#/definitions/A"}, {"type": "string"}]}}});
        assert!(run("x\n", &s).violations.is_empty());
        run("[1]\n", &s);
    }

    #[test]
    fn one_of_passes_when_any_alternative_fits() {
        let s = json!({"type": "object", "properties": {"A": {"type": "string"}, "B": {"type": "string"}},
                       "oneOf": [{"required": ["A"]}, {"required": ["B"]}]});
        assert!(run("B: x\n", &s).violations.is_empty());
        assert_eq!(
            kinds(&run("C: x\n", &s)),
            [(ViolationKind::MissingRequired, "A")]
        );
    }
}
