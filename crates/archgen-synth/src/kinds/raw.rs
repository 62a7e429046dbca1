//! `resources:`: plain CloudFormation resources, the escape hatch for what
//! archgen does not model. Each is checked against the registry schema of
//! its type for the stack's region (see [`crate::schema`]) before anything
//! is written. One that declares `grants:` is a component: a workload names
//! it in `connects_to` and gets exactly those actions on its ARN.
//!
//! Their properties may refer to archgen's components
//! (`{ component: db, attribute: host }`) and to any logical id; both are
//! resolved once every builder has run ([`crate::synth::raw`]).

use super::{Kind, Role, block};
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::schema::{self, ViolationKind};
use crate::spec::ResolvedStack;
use crate::spec::node::{Node, NodeKind};
use crate::spec::raw::RawResourceSpec;
use crate::synth::Ctx;
use crate::synth::connect::Component;
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

block!(RawResources, resources: RawResourceSpec, "raw resource");

/// CloudFormation's rule for logical ids.
pub fn is_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The rule code of a schema violation.
pub fn code_of(kind: ViolationKind) -> Code {
    match kind {
        ViolationKind::MissingRequired => Code::Res003,
        ViolationKind::UnknownProperty => Code::Res004,
        ViolationKind::WrongType => Code::Res005,
        ViolationKind::Constraint => Code::Res006,
        ViolationKind::Function => Code::Res008,
    }
}

/// An empty mapping where a resource has no `Properties:`, so required
/// properties are reported at the resource.
fn properties_node(stack: &ResolvedStack, base: &str) -> Node {
    stack
        .node
        .find(&format!("{base}.Properties"))
        .cloned()
        .unwrap_or_else(|| Node {
            loc: stack.locate(base),
            kind: NodeKind::Map(Vec::new()),
        })
}

/// What a raw resource's `Properties` break in its type's schema, and
/// references to components that do not exist.
fn check_resource(stack: &ResolvedStack, id: &str, r: &RawResourceSpec) -> Vec<Diagnostic> {
    let base = format!("resources.{id}");
    let mut out = Vec::new();
    let region = &stack.spec.region;
    // An unknown region is APP002's; nothing to check against.
    let Some(types) = schema::types_in(region) else {
        return out;
    };
    if types.binary_search(&r.type_name).is_err() {
        let elsewhere = schema::regions_with(&r.type_name);
        let (message, help) = if elsewhere.is_empty() {
            let names = types.iter().map(String::as_str);
            let help = match did_you_mean(&r.type_name, names.clone()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!(
                    "write a type of CloudFormation's registry (AWS::Service::Resource); nearest: {}",
                    nearest_names(&r.type_name, names)
                ),
            };
            (
                format!("'{}' is not a CloudFormation resource type", r.type_name),
                help,
            )
        } else {
            (
                format!("CloudFormation has no '{}' in {region}", r.type_name),
                format!(
                    "it exists in {}; put this resource in a stack of one of those regions",
                    nearest_names(region, elsewhere.iter().copied())
                ),
            )
        };
        out.push(
            stack
                .error(Code::Res002, &format!("{base}.Type"), message)
                .help(help),
        );
        return out;
    }
    let Some(schema) = schema::schema(&r.type_name) else {
        return out;
    };
    let props_path = format!("{base}.Properties");
    let node = properties_node(stack, &base);
    if !matches!(node.kind, NodeKind::Map(_)) {
        out.push(
            stack
                .error(
                    Code::Res005,
                    &props_path,
                    format!("Properties must be a mapping, found {}", node.type_name()),
                )
                .help("write property names and values under Properties:, or leave it out"),
        );
        return out;
    }
    // Read-only properties are attributes CloudFormation reports: not
    // offered as names, and reported below with how to read them.
    let attributes = schema::attributes(&schema);
    let mut inputs = (*schema).clone();
    if let Some(properties) = inputs.get_mut("properties").and_then(|p| p.as_object_mut()) {
        properties.retain(|name, _| !attributes.contains(name));
    }
    let validation = schema::validate(&node, &props_path, &inputs);
    let read_only = |path: &str| {
        path.strip_prefix(&format!("{props_path}."))
            .is_some_and(|name| attributes.iter().any(|a| a == name))
    };
    for v in validation.violations {
        if v.kind == ViolationKind::UnknownProperty && read_only(&v.path) {
            continue;
        }
        out.push(
            Diagnostic::new(code_of(v.kind), &v.path, v.message)
                .help(v.help)
                .at(&stack.file.path, v.loc, &stack.file.source),
        );
    }
    if let NodeKind::Map(entries) = &node.kind {
        for (key, _) in entries {
            if attributes.contains(&key.name) {
                out.push(
                    Diagnostic::new(
                        Code::Res004,
                        format!("{props_path}.{}", key.name),
                        format!(
                            "'{}' is an attribute CloudFormation reports, not a property to set",
                            key.name
                        ),
                    )
                    .help(format!(
                        "remove it; read it with {{ Fn::GetAtt: [{id}, {}] }}",
                        key.name
                    ))
                    .at(&stack.file.path, key.loc, &stack.file.source),
                );
            }
        }
    }
    for c in validation.components {
        if crate::kinds::kind_of(&stack.spec, &c.component).is_none() {
            let names: Vec<&str> = crate::kinds::components(&stack.spec)
                .into_iter()
                .map(|(k, _)| k.as_str())
                .collect();
            let help = match did_you_mean(&c.component, names.iter().copied()) {
                Some(s) => format!("did you mean '{s}'?"),
                None => format!(
                    "components in this stack: {}",
                    nearest_names(&c.component, names.iter().copied())
                ),
            };
            out.push(
                Diagnostic::new(
                    Code::Res009,
                    &c.path,
                    format!("there is no component '{}'", c.component),
                )
                .help(help)
                .at(&stack.file.path, c.loc, &stack.file.source),
            );
        }
    }
    match &r.depends_on {
        None | Some(serde_json::Value::String(_)) => {}
        Some(serde_json::Value::Array(ids)) if ids.iter().all(|v| v.is_string()) => {}
        Some(_) => out.push(
            stack
                .error(
                    Code::Res008,
                    &format!("{base}.DependsOn"),
                    "DependsOn takes a logical id or a list of them",
                )
                .help("write DependsOn: OtherResource, or DependsOn: [A, B]"),
        ),
    }
    out.extend(check_grants(stack, id, r, &attributes));
    out
}

/// IAM actions are `service:Action`; a wildcard over a whole service is
/// not least privilege.
fn is_action(action: &str) -> bool {
    match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !name.is_empty()
                && name != "*"
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*')
        }
        None => false,
    }
}

fn check_grants(
    stack: &ResolvedStack,
    id: &str,
    r: &RawResourceSpec,
    attributes: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(grants) = &r.grants else {
        return out;
    };
    let base = format!("resources.{id}.grants");
    for (level, actions) in [("read", &grants.read), ("write", &grants.write)] {
        for (i, action) in actions.iter().enumerate() {
            if !is_action(action) {
                out.push(
                    stack
                        .error(Code::Res010, &format!("{base}.{level}[{i}]"), format!("'{action}' is not an IAM action of one service"))
                        .help("write service:Action, e.g. dynamodb:GetItem (a wildcard over a whole service is not least privilege)"),
                );
            }
        }
    }
    if grants.read.is_empty() && grants.write.is_empty() {
        out.push(
            stack
                .error(Code::Res010, &base, "grants list no action")
                .help("list the IAM actions under read: and write:, e.g. read: [dynamodb:GetItem]"),
        );
    }
    if grants.resources.is_none() && !attributes.iter().any(|a| a == "Arn") {
        out.push(
            stack
                .error(Code::Res010, &base, format!("a {} reports no Arn to grant access on", r.type_name))
                .help("list the ARNs under grants.resources, e.g. resources: [{ Fn::Sub: 'arn:${AWS::Partition}:...' }]"),
        );
    }
    out
}

/// A workload that connects to a raw resource needs the resource to say
/// what access means.
fn connections_without_grants(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    for (field, _, c) in super::workload_connections(spec) {
        if spec
            .resources
            .get(&c.key)
            .is_some_and(|r| r.grants.is_none())
        {
            out.push(
                stack
                    .error(
                        Code::Res010,
                        &field,
                        format!("raw resource '{}' does not say what connecting to it grants", c.key),
                    )
                    .help(format!(
                        "add grants: {{ read: [...], write: [...] }} to resources.{}, or write the IAM statements yourself",
                        c.key
                    )),
            );
        }
    }
    out
}

impl Kind for RawResources {
    fn role(&self) -> Role {
        Role::Component
    }

    fn check(&self, stack: &ResolvedStack) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (id, r) in &stack.spec.resources {
            if !is_logical_id(id) {
                out.push(
                    stack
                        .error(Code::Res001, &format!("resources.{id}"), format!("'{id}' cannot be a logical id"))
                        .help("use 1 to 255 letters and digits (CloudFormation's rule), e.g. OrdersTable"),
                );
                continue;
            }
            out.extend(check_resource(stack, id, r));
        }
        out.extend(connections_without_grants(stack));
        out
    }

    /// Registers the raw resources that declare grants; the resources
    /// themselves are merged after every builder ran.
    fn build(&self, _t: &mut Template, ctx: &mut Ctx) {
        for (id, r) in &ctx.spec.resources {
            let Some(grants) = &r.grants else { continue };
            let arn = Expr::get_att(id, "Arn");
            let on: Vec<Expr> = match &grants.resources {
                Some(list) => list.iter().cloned().map(Expr::Json).collect(),
                None => vec![arn.clone()],
            };
            let mut c = Component::new(id, &RawResources);
            let statement = |sid: String, actions: &[String]| {
                let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
                Statement::allow(&sid, &actions, on.clone())
            };
            if !grants.read.is_empty() {
                c.read_grants
                    .push(statement(format!("Read{id}"), &grants.read));
            }
            if !grants.write.is_empty() {
                c.write_grants
                    .push(statement(format!("Write{id}"), &grants.write));
            }
            let has_arn = schema::schema(&r.type_name)
                .is_some_and(|s| schema::attributes(&s).iter().any(|a| a == "Arn"));
            if has_arn {
                c.environment.push(("ARN".into(), arn));
            }
            c.environment.push(("REF".into(), Expr::r#ref(id)));
            ctx.components.register(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_one_service_and_not_a_service_wildcard() {
        assert!(is_action("dynamodb:GetItem"));
        assert!(is_action("s3:Get*"));
        assert!(!is_action("dynamodb:*"));
        assert!(!is_action("*"));
        assert!(!is_action("GetItem"));
    }

    #[test]
    fn logical_ids_are_letters_and_digits() {
        assert!(is_logical_id("OrdersTable2"));
        assert!(!is_logical_id("orders-table"));
        assert!(!is_logical_id(""));
    }
}
