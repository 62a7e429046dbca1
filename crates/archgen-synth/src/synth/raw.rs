//! The escape hatches, once every builder has run: raw resources merged into
//! the template with their component references resolved, overrides applied
//! to generated resources (and validated against the schema after
//! patching), extra outputs added, and every logical id that any of them
//! names checked against the final template. All before anything is written.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

use super::connect::Components;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::kinds::raw::code_of;
use crate::naming::Names;
use crate::schema::{self, Reference};
use crate::spec::ResolvedStack;
use crate::spec::node::{Key, Loc, Node, NodeKind};
use crate::spec::raw::{OverrideSpec, PolicySpec};
use crate::template::{Export, Expr, Output, Policy, Props, Raw, Template};

/// What applying the escape hatches found, and the notes for reviewers.
#[derive(Debug, Default)]
pub struct Applied {
    pub diagnostics: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

/// A JSON value as a node written at `loc` (values an override sets), so the
/// validator can check it and report at the override.
pub fn node_of(value: &Value, loc: Loc) -> Node {
    let kind = match value {
        Value::Null => NodeKind::Null,
        Value::Bool(b) => NodeKind::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => NodeKind::Int(i),
            None => NodeKind::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => NodeKind::Str(s.clone()),
        Value::Array(items) => NodeKind::Seq(items.iter().map(|v| node_of(v, loc)).collect()),
        Value::Object(map) => NodeKind::Map(
            map.iter()
                .map(|(k, v)| {
                    (
                        Key {
                            name: k.clone(),
                            loc,
                        },
                        node_of(v, loc),
                    )
                })
                .collect(),
        ),
    };
    Node { loc, kind }
}

/// The values a component reference can name: the connection's variables
/// by suffix (`host`, `table_arn`), and `security_group`.
fn component_attributes(components: &Components, key: &str) -> Vec<(String, Expr)> {
    let Some(c) = components.get(key) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Expr)> = c
        .environment
        .iter()
        .map(|(suffix, e)| (suffix.to_ascii_lowercase(), e.clone()))
        .collect();
    // `endpoint`: the name the issue and the AWS console use for a host.
    if let Some((_, host)) = out.iter().find(|(name, _)| name == "host") {
        out.push(("endpoint".into(), host.clone()));
    }
    if let Some(n) = &c.network {
        out.push(("security_group".into(), n.group_id.clone()));
        if !out.iter().any(|(name, _)| name == "port") {
            out.push(("port".into(), Expr::Int(n.port.into())));
        }
    }
    out
}

/// Replaces every `{ component, attribute }` mapping in `value` by the
/// value it names (resolved ones only; the others are reported).
fn resolve_components(value: &mut Value, components: &Components) {
    match value {
        Value::Object(map) => {
            if map.len() == 2
                && let (Some(Value::String(c)), Some(Value::String(a))) =
                    (map.get("component"), map.get("attribute"))
                && let Some((_, e)) = component_attributes(components, c)
                    .into_iter()
                    .find(|(name, _)| name == a)
            {
                *value = serde_json::to_value(e).unwrap_or(Value::Null);
                return;
            }
            map.values_mut()
                .for_each(|v| resolve_components(v, components));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| resolve_components(v, components)),
        _ => {}
    }
}

fn policy(p: PolicySpec) -> Policy {
    match p {
        PolicySpec::Delete => Policy::Delete,
        PolicySpec::Retain => Policy::Retain,
        PolicySpec::Snapshot => Policy::Snapshot,
        PolicySpec::RetainExceptOnCreate => Policy::RetainExceptOnCreate,
    }
}

struct Ctx<'a, 'p> {
    stack: &'a ResolvedStack<'p>,
    components: &'a Components,
    out: Applied,
    /// References to check once the template is complete, with the field
    /// they are reported at when the reference has no line of its own.
    references: Vec<(Reference, Option<String>)>,
}

impl Ctx<'_, '_> {
    fn at(&self, code: Code, field: &str, loc: Loc, message: String) -> Diagnostic {
        Diagnostic::new(code, field, message).at(
            &self.stack.file.path,
            loc,
            &self.stack.file.source,
        )
    }

    /// Collects the references in the node at `field` and reports its
    /// component references that name no value.
    fn scan(&mut self, node: &Node, field: &str, report_at: Option<&str>) {
        let v = schema::validate(node, field, &Value::Null);
        for violation in v.violations {
            let d = self
                .at(
                    code_of(violation.kind),
                    &violation.path,
                    violation.loc,
                    violation.message,
                )
                .help(violation.help);
            self.out.diagnostics.push(d);
        }
        for c in v.components {
            let attrs = component_attributes(self.components, &c.component);
            if self.components.get(&c.component).is_none() {
                let names: Vec<&str> = self.components.names().collect();
                let d = self
                    .at(
                        Code::Res009,
                        &c.path,
                        c.loc,
                        format!("component '{}' gives no values to refer to", c.component),
                    )
                    .help(format!(
                        "components that do: {}",
                        nearest_names(&c.component, names.iter().copied())
                    ));
                self.out.diagnostics.push(d);
            } else if !attrs.iter().any(|(a, _)| *a == c.attribute) {
                let names: Vec<&str> = attrs.iter().map(|(a, _)| a.as_str()).collect();
                let help = match did_you_mean(&c.attribute, names.iter().copied()) {
                    Some(s) => format!(
                        "did you mean '{s}'? '{}' gives: {}",
                        c.component,
                        names.join(", ")
                    ),
                    None => format!("'{}' gives: {}", c.component, names.join(", ")),
                };
                let d = self
                    .at(
                        Code::Res009,
                        &c.path,
                        c.loc,
                        format!(
                            "component '{}' has no attribute '{}'",
                            c.component, c.attribute
                        ),
                    )
                    .help(help);
                self.out.diagnostics.push(d);
            }
        }
        self.references.extend(
            v.references
                .into_iter()
                .map(|r| (r, report_at.map(str::to_string))),
        );
    }
}

/// Applies `resources:`, `overrides:` and `outputs:` of `stack` to its
/// built template.
pub fn apply(stack: &ResolvedStack, t: &mut Template, components: &Components) -> Applied {
    let mut ctx = Ctx {
        stack,
        components,
        out: Applied::default(),
        references: Vec::new(),
    };
    let generated: BTreeSet<String> = t.resources.keys().cloned().collect();
    overrides(&mut ctx, t, &generated);
    resources(&mut ctx, t, &generated);
    outputs(&mut ctx, t);
    check_references(&mut ctx, t);
    ctx.out
}

fn resources(ctx: &mut Ctx, t: &mut Template, generated: &BTreeSet<String>) {
    let stack = ctx.stack;
    for (id, r) in &stack.spec.resources {
        let base = format!("resources.{id}");
        if let Some(existing) = t.resources.get(id).filter(|_| generated.contains(id)) {
            let d = stack
                .error(
                    Code::Res001,
                    &base,
                    format!(
                        "logical id '{id}' is taken: archgen generates '{id}' ({}) for a component of this stack",
                        existing.type_name()
                    ),
                )
                .help(format!("rename raw resource '{id}' (to change the generated {} itself, use overrides.{id})", existing.type_name()));
            ctx.out.diagnostics.push(d);
            continue;
        }
        let props_node = stack.node.find(&format!("{base}.Properties")).cloned();
        if let Some(node) = &props_node {
            ctx.scan(node, &format!("{base}.Properties"), None);
        }
        if let Some(node) = stack
            .node
            .find(&format!("{base}.grants.resources"))
            .cloned()
        {
            ctx.scan(&node, &format!("{base}.grants.resources"), None);
        }
        for (i, dep) in r.depends_on().into_iter().enumerate() {
            let field = match &r.depends_on {
                Some(Value::Array(_)) => format!("{base}.DependsOn[{i}]"),
                _ => format!("{base}.DependsOn"),
            };
            let loc = stack.locate(&field);
            ctx.references.push((
                Reference {
                    path: field,
                    loc,
                    target: dep.to_string(),
                    attribute: None,
                },
                None,
            ));
        }
        let mut properties = match &r.properties {
            Some(Value::Object(map)) => Value::Object(map.clone()),
            _ => Value::Object(Map::new()),
        };
        resolve_components(&mut properties, ctx.components);
        let Value::Object(properties) = properties else {
            continue;
        };
        let added = t.add(
            id,
            Raw {
                type_name: r.type_name.clone(),
                properties,
            },
        );
        for dep in r.depends_on() {
            added.depends_on(dep);
        }
        added.deletion_policy = r.deletion_policy.map(policy);
        added.update_replace_policy = r.update_replace_policy.map(policy);
        added.metadata = r.metadata.clone();
    }
}

/// A step of a property path: `A.B[0]` is `A`, `B`, `0`.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if name.is_empty() {
            return None;
        }
        out.push(Step::Key(name.to_string()));
        if !rest.is_empty() {
            for index in format!("[{rest}").split('[').skip(1) {
                out.push(Step::Index(index.strip_suffix(']')?.parse().ok()?));
            }
        }
    }
    Some(out)
}

/// The value at `steps` below `root`, if every step exists.
fn walk<'v>(root: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    steps.iter().try_fold(root, |v, step| match (step, v) {
        (Step::Key(k), Value::Object(m)) => m.get_mut(k),
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

/// Applies one override to `properties`; the error says what is missing.
fn patch(
    properties: &mut Value,
    op: &OverrideSpec,
) -> Result<(String, &'static str), (String, String)> {
    let malformed = || {
        (
            "an override is exactly one of set, add or remove".to_string(),
            "write { set: Path, value: ... }, { add: Path, value: ... } or { remove: Path }"
                .to_string(),
        )
    };
    let (path, verb) = match (&op.set, &op.add, &op.remove) {
        (Some(p), None, None) => (p, "set"),
        (None, Some(p), None) => (p, "add"),
        (None, None, Some(p)) => (p, "remove"),
        _ => return Err(malformed()),
    };
    let bad_path = || {
        (
            format!("'{path}' is not a property path"),
            "write property names below Properties, separated by dots, with [i] for list items: A.B[0].C".to_string(),
        )
    };
    let steps = steps(path).ok_or_else(bad_path)?;
    let (last, parents) = steps.split_last().ok_or_else(bad_path)?;
    let needs_value = verb != "remove";
    if needs_value != op.value.is_some() {
        return Err(if needs_value {
            (
                format!("'{verb}' needs a value"),
                format!("add 'value:' to the {verb} of {path}"),
            )
        } else {
            (
                "'remove' takes no value".to_string(),
                "remove 'value:'".to_string(),
            )
        });
    }
    let missing = |what: &str| {
        (
            format!("the resource has no {what} '{path}' to {verb}"),
            "`archgen synth --stdout` shows the generated properties; `set` creates only the last property of a path".to_string(),
        )
    };
    let parent = walk(properties, parents).ok_or_else(|| missing("property"))?;
    let value = op.value.clone().unwrap_or(Value::Null);
    match (verb, last, parent) {
        ("set", Step::Key(k), Value::Object(m)) => {
            m.insert(k.clone(), value);
        }
        ("set", Step::Index(i), Value::Array(a)) if *i < a.len() => {
            if let Some(slot) = a.get_mut(*i) {
                *slot = value;
            }
        }
        ("remove", Step::Key(k), Value::Object(m)) => {
            m.remove(k).ok_or_else(|| missing("property"))?;
        }
        ("remove", Step::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        ("add", step, parent) => {
            let list = match (step, parent) {
                (Step::Key(k), Value::Object(m)) => m.get_mut(k),
                (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
                _ => None,
            };
            match list {
                Some(Value::Array(items)) => items.push(value),
                Some(_) => {
                    return Err((
                        format!("'{path}' is not a list"),
                        "use 'set' to replace it".to_string(),
                    ));
                }
                None => return Err(missing("list")),
            }
        }
        _ => return Err(missing("property")),
    }
    Ok((path.clone(), verb))
}

fn overrides(ctx: &mut Ctx, t: &mut Template, generated: &BTreeSet<String>) {
    let stack = ctx.stack;
    for (id, ops) in &stack.spec.overrides {
        let base = format!("overrides.{id}");
        let Some(resource) = t.resources.get_mut(id).filter(|_| generated.contains(id)) else {
            let help = match did_you_mean(id, generated.iter().map(String::as_str)) {
                Some(s) => {
                    format!("did you mean '{s}'? (`archgen synth --stdout` lists the logical ids)")
                }
                None => format!(
                    "logical ids archgen generates here: {}",
                    nearest_names(id, generated.iter().map(String::as_str))
                ),
            };
            let d = stack
                .error(
                    Code::Res011,
                    &base,
                    format!("archgen generates no resource '{id}' in this stack"),
                )
                .help(help);
            ctx.out.diagnostics.push(d);
            continue;
        };
        let type_name = resource.type_name().to_string();
        let mut properties = Value::Object(resource.props.to_json());
        let mut patched = Vec::new();
        let mut failed = false;
        for (i, op) in ops.iter().enumerate() {
            let field = format!("{base}[{i}]");
            match patch(&mut properties, op) {
                Ok((path, verb)) => {
                    patched.push((i, path.clone()));
                    ctx.out
                        .notes
                        .push(format!("override applied: {verb} {id}.Properties.{path}"));
                }
                Err((message, help)) => {
                    failed = true;
                    ctx.out
                        .diagnostics
                        .push(stack.error(Code::Res011, &field, message).help(help));
                }
            }
        }
        if failed {
            continue;
        }
        resolve_components(&mut properties, ctx.components);
        // Validated after patching; only what the overrides touched is
        // reported (the rest is archgen's, checked by cfn-lint in its tests).
        if let Some(schema) = schema::schema(&type_name) {
            let node = node_of(&properties, Loc::default());
            let validation = schema::validate(&node, "", &schema);
            for v in validation.violations {
                let touched = patched.iter().find(|(_, p)| {
                    v.path == *p
                        || v.path.starts_with(&format!("{p}."))
                        || v.path.starts_with(&format!("{p}["))
                        || p.starts_with(&format!("{}.", v.path))
                });
                if let Some((i, _)) = touched {
                    let field = format!("{base}[{i}]");
                    let d = stack
                        .error(
                            code_of(v.kind),
                            &field,
                            format!(
                                "after this override, {id}.Properties.{}: {}",
                                v.path, v.message
                            ),
                        )
                        .help(v.help);
                    ctx.out.diagnostics.push(d);
                }
            }
        }
        for (i, op) in ops.iter().enumerate() {
            if let Some(value) = &op.value {
                let field = format!("{base}[{i}].value");
                let loc = stack.locate(&field);
                ctx.scan(&node_of(value, loc), &field, Some(&field));
            }
        }
        if let Value::Object(properties) = properties {
            resource.props = Props::Raw(Raw {
                type_name,
                properties,
            });
        }
    }
}

fn outputs(ctx: &mut Ctx, t: &mut Template) {
    let stack = ctx.stack;
    let names = Names {
        app: stack.spec.app.clone(),
        env: stack.environment.clone(),
    };
    for (id, o) in &stack.spec.outputs {
        let base = format!("outputs.{id}");
        if !crate::kinds::raw::is_logical_id(id) || t.outputs.contains_key(id) {
            let d = stack
                .error(Code::Res012, &base, format!("output id '{id}' is not letters and digits, or archgen already writes an output '{id}'"))
                .help("give the output another id of letters and digits");
            ctx.out.diagnostics.push(d);
            continue;
        }
        if let Some(node) = stack.node.find(&format!("{base}.value")).cloned() {
            ctx.scan(&node, &format!("{base}.value"), None);
        }
        let mut value = o.value.clone();
        resolve_components(&mut value, ctx.components);
        t.output(
            id,
            Output {
                description: o.description.clone().unwrap_or_else(|| id.clone()),
                value: Expr::Json(value),
                export: o.export.then(|| Export {
                    name: names.export(id).into(),
                }),
            },
        );
    }
}

fn check_references(ctx: &mut Ctx, t: &Template) {
    let ids: Vec<&str> = t
        .resources
        .keys()
        .chain(t.parameters.keys())
        .map(String::as_str)
        .collect();
    for (r, report_at) in std::mem::take(&mut ctx.references) {
        let field = report_at.unwrap_or_else(|| r.path.clone());
        let Some(target) = t.resources.get(&r.target) else {
            if t.parameters.contains_key(&r.target) {
                continue;
            }
            let help = match did_you_mean(&r.target, ids.iter().copied()) {
                Some(s) => {
                    format!("did you mean '{s}'? (`archgen synth --stdout` lists the logical ids)")
                }
                None => format!(
                    "logical ids in this template: {}",
                    nearest_names(&r.target, ids.iter().copied())
                ),
            };
            let d = ctx
                .at(
                    Code::Res007,
                    &field,
                    r.loc,
                    format!(
                        "there is no resource '{}' in this stack's template",
                        r.target
                    ),
                )
                .help(help);
            ctx.out.diagnostics.push(d);
            continue;
        };
        let Some(attribute) = &r.attribute else {
            continue;
        };
        let Some(schema) = schema::schema(target.type_name()) else {
            continue;
        };
        let attributes = schema::attributes(&schema);
        if attributes.is_empty() || attributes.contains(attribute) {
            continue;
        }
        let help = match did_you_mean(attribute, attributes.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean '{s}'? {} reports: {}",
                target.type_name(),
                attributes.join(", ")
            ),
            None => format!("{} reports: {}", target.type_name(), attributes.join(", ")),
        };
        let d = ctx
            .at(
                Code::Res007,
                &field,
                r.loc,
                format!(
                    "'{}' ({}) has no attribute '{attribute}'",
                    r.target,
                    target.type_name()
                ),
            )
            .help(help);
        ctx.out.diagnostics.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(verb: &str, path: &str, value: Option<Value>) -> OverrideSpec {
        let mut o = OverrideSpec {
            value,
            ..Default::default()
        };
        match verb {
            "set" => o.set = Some(path.into()),
            "add" => o.add = Some(path.into()),
            _ => o.remove = Some(path.into()),
        }
        o
    }

    #[test]
    fn patches_set_add_and_remove_at_paths() {
        let mut v = json!({"A": {"B": 1}, "L": [{"X": 1}], "R": true});
        patch(&mut v, &op("set", "A.C", Some(json!(2)))).unwrap();
        patch(&mut v, &op("set", "L[0].X", Some(json!(5)))).unwrap();
        patch(&mut v, &op("add", "L", Some(json!({"X": 2})))).unwrap();
        patch(&mut v, &op("remove", "R", None)).unwrap();
        assert_eq!(v, json!({"A": {"B": 1, "C": 2}, "L": [{"X": 5}, {"X": 2}]}));
    }

    #[test]
    fn patches_of_missing_paths_fail_and_say_so() {
        let mut v = json!({"A": {"B": 1}, "L": [1]});
        for (verb, path) in [
            ("set", "Z.C"),
            ("remove", "A.Q"),
            ("add", "A.B"),
            ("set", "L[3]"),
            ("add", "M"),
        ] {
            let value = (verb != "remove").then(|| json!(1));
            assert!(
                patch(&mut v, &op(verb, path, value)).is_err(),
                "{verb} {path}"
            );
        }
        assert!(patch(&mut v, &op("set", "A..B", Some(json!(1)))).is_err());
        assert!(patch(&mut v, &op("set", "A.B", None)).is_err());
        assert_eq!(v, json!({"A": {"B": 1}, "L": [1]}));
    }
}
