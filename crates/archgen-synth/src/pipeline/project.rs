//! Projects of several stacks. A stack uses another stack's components by
//! naming them `<stack>.<component>` in `connects_to` or `secrets:`
//! (`data.db`), and another stack's network with `network_from: <stack>`.
//! Linking checks that every such reference names a stack and a component
//! that exist (with a did-you-mean), records what each stack imports, and
//! orders the stacks so that every stack deploys after those it uses; a
//! cycle is refused with each reference of the cycle and where it is written.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::kinds::{Kind, Named, Role};
use crate::spec::ResolvedStack;
use crate::spec::app::SecretSpec;

/// One use of another stack, written at `field` of stack `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub field: String,
    /// The stack used.
    pub stack: String,
    /// The component used, or `None` for the stack's network.
    pub component: Option<String>,
}

/// `data.db` → (`data`, `db`).
pub fn split_reference(key: &str) -> Option<(&str, &str)> {
    key.split_once('.')
}

/// Every use of another stack in `stack`, in spec order.
pub fn references(stack: &ResolvedStack) -> Vec<Reference> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    if let Some(from) = &spec.network_from {
        out.push(Reference {
            field: "network_from".into(),
            stack: from.clone(),
            component: None,
        });
    }
    let mut component = |field: String, key: &str| {
        if let Some((s, c)) = split_reference(key) {
            out.push(Reference {
                field,
                stack: s.to_string(),
                component: Some(c.to_string()),
            });
        }
    };
    for (field, _, c) in crate::kinds::workload_connections(spec) {
        component(field, &c.key);
    }
    let services = spec
        .services
        .iter()
        .map(|(k, s)| ("services", k, &s.secrets));
    let functions = spec
        .functions
        .iter()
        .map(|(k, f)| ("functions", k, &f.secrets));
    for (block, key, secrets) in services.chain(functions) {
        for (var, secret) in secrets {
            if let SecretSpec::Component(name) = secret {
                component(format!("{block}.{key}.secrets.{var}"), name);
            }
        }
    }
    // `{ component: data.orders, attribute: ... }` in raw resources.
    for (id, r) in &spec.resources {
        let mut found = Vec::new();
        if let Some(props) = &r.properties {
            component_references(props, &format!("resources.{id}.Properties"), &mut found);
        }
        for (field, key) in found {
            component(field, &key);
        }
    }
    out
}

/// `{ component: KEY, ... }` objects under `value`, with their fields.
fn component_references(value: &serde_json::Value, field: &str, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(key)) = map.get("component") {
                out.push((field.to_string(), key.clone()));
                return;
            }
            for (k, v) in map {
                component_references(v, &format!("{field}.{k}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                component_references(v, &format!("{field}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Checks every reference between the stacks of one environment and
/// records what each imports: the kind of each `<stack>.<component>` in
/// `spec.imports`, and the network of `network_from:` (marked as imported).
/// `project` names every stack file; a stack that failed to resolve is
/// reported on its own, not again by the stacks that use it.
pub fn link(stacks: &mut [ResolvedStack], project: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let names: Vec<String> = project.iter().map(|s| s.to_string()).collect();
    let mut imports: Vec<(usize, String, &'static dyn Kind)> = Vec::new();
    let mut networks = Vec::new();
    for (i, stack) in stacks.iter().enumerate() {
        for r in references(stack) {
            let Some(target) = stacks.iter().find(|s| s.file.name == r.stack) else {
                if project.contains(&r.stack.as_str()) {
                    continue;
                }
                let help = match did_you_mean(&r.stack, names.iter().map(String::as_str)) {
                    Some(n) => format!(
                        "did you mean '{n}'? Stacks: {}",
                        nearest_names(&r.stack, names.iter().map(String::as_str))
                    ),
                    None => format!(
                        "the stacks of this project are the files under stacks/: {}",
                        nearest_names(&r.stack, names.iter().map(String::as_str))
                    ),
                };
                out.push(
                    stack
                        .error(
                            Code::Stack007,
                            &r.field,
                            format!("there is no stack '{}' in this project", r.stack),
                        )
                        .help(help),
                );
                continue;
            };
            if target.file.name == stack.file.name {
                let help = match &r.component {
                    Some(c) => format!("a component of this stack is named without the stack: write '{c}'"),
                    None => "declare the network here under 'network:', or name the stack that declares it".into(),
                };
                out.push(
                    stack
                        .error(
                            Code::Stack007,
                            &r.field,
                            format!("stack '{}' refers to itself", r.stack),
                        )
                        .help(help),
                );
                continue;
            }
            match &r.component {
                Some(c) => match component_kind(target, c) {
                    Ok(kind) => imports.push((i, format!("{}.{c}", r.stack), kind)),
                    Err(d) => out.push(stack.error(Code::Stack008, &r.field, d.0).help(d.1)),
                },
                None => match (&target.spec.network, &stack.spec.network) {
                    (_, Some(_)) => out.push(
                        stack
                            .error(Code::Stack009, "network_from", "this stack declares 'network:' and uses the network of another stack")
                            .help("keep one: remove 'network:' to use the other stack's network, or remove 'network_from:'"),
                    ),
                    (None, _) => out.push(
                        stack
                            .error(Code::Stack009, "network_from", format!("stack '{}' declares no network", r.stack))
                            .help("name the stack whose file declares 'network:'"),
                    ),
                    (Some(_), _) if target.spec.region != stack.spec.region => out.push(
                        stack
                            .error(
                                Code::Stack009,
                                "network_from",
                                format!(
                                    "the network of stack '{}' is in {}, this stack in {}: a VPC is in one region",
                                    r.stack, target.spec.region, stack.spec.region
                                ),
                            )
                            .help("deploy this stack to the network's region, or give it a network of its own"),
                    ),
                    (Some(net), None) => {
                        let mut net = net.clone();
                        net.imported_from = Some(r.stack.clone());
                        networks.push((i, net));
                    }
                },
            }
        }
    }
    // The exporting stack's users task creates a database user for each
    // workload of another stack that connects to one of its databases.
    let mut importers = Vec::new();
    for (i, key, kind) in &imports {
        if kind.block() != crate::kinds::database::Databases.block() {
            continue;
        }
        let (Some(stack), Some((target, component))) = (stacks.get(*i), split_reference(key))
        else {
            continue;
        };
        let Some(j) = stacks.iter().position(|s| s.file.name == target) else {
            continue;
        };
        for (field, workload, c) in crate::kinds::workload_connections(&stack.spec) {
            if c.key == *key {
                importers.push((
                    j,
                    crate::spec::Importer {
                        stack: stack.file.name.clone(),
                        workload: workload.clone(),
                        field,
                        component: component.to_string(),
                        access: c.granted(),
                    },
                ));
            }
        }
    }
    for (i, key, kind) in imports {
        if let Some(s) = stacks.get_mut(i) {
            s.spec.imports.insert(key, kind);
        }
    }
    for (j, importer) in importers {
        if let Some(s) = stacks.get_mut(j)
            && !s.spec.importers.contains(&importer)
        {
            s.spec.importers.push(importer);
        }
    }
    for (i, net) in networks {
        if let Some(s) = stacks.get_mut(i) {
            s.spec.network = Some(net);
        }
    }
    out
}

/// The kind of component `key` of `target`, if another stack can use it;
/// else the message and the help.
fn component_kind(
    target: &ResolvedStack,
    key: &str,
) -> Result<&'static dyn Kind, (String, String)> {
    let stack = &target.file.name;
    let local = crate::kinds::components(&target.spec);
    let Some((_, kind)) = local.iter().find(|(k, _)| k.as_str() == key) else {
        let keys = local
            .iter()
            .filter(|(_, k)| k.role().connectable())
            .map(|(k, _)| k.as_str());
        let listed = nearest_names(key, keys.clone());
        let help = match did_you_mean(key, keys) {
            Some(c) => {
                format!("did you mean '{stack}.{c}'? Components of stack '{stack}': {listed}")
            }
            None => format!("components of stack '{stack}': {listed}"),
        };
        return Err((format!("stack '{stack}' has no component '{key}'"), help));
    };
    match kind.role() {
        Role::Workload => Err((
            format!(
                "'{key}' of stack '{stack}' is a {}, which nothing connects to",
                kind.noun()
            ),
            "name a database, cache, bucket, table, queue, topic, key, secret or parameter".into(),
        )),
        Role::Service => Err((
            format!(
                "'{key}' of stack '{stack}' is a service: services of another stack are not reachable through Service Connect"
            ),
            "move the two services into one stack, or reach it through its load balancer".into(),
        )),
        _ => Ok(*kind),
    }
}

/// The stacks in deployment order (each after the stacks it uses; file
/// order otherwise), or the cycles that prevent one.
pub fn order(stacks: &[ResolvedStack]) -> Result<Vec<usize>, Vec<Diagnostic>> {
    let index: BTreeMap<&str, usize> = stacks
        .iter()
        .enumerate()
        .map(|(i, s)| (s.file.name.as_str(), i))
        .collect();
    // uses[i]: (stack used, the reference's field), first reference each.
    let uses: Vec<Vec<(usize, String)>> = stacks
        .iter()
        .map(|s| {
            let mut seen = BTreeSet::new();
            references(s)
                .into_iter()
                .filter_map(|r| {
                    let j = *index.get(r.stack.as_str())?;
                    (j != *index.get(s.file.name.as_str())? && seen.insert(j))
                        .then_some((j, r.field))
                })
                .collect()
        })
        .collect();
    let mut placed = vec![false; stacks.len()];
    let mut out = Vec::new();
    while out.len() < stacks.len() {
        let next = (0..stacks.len()).find(|&i| {
            !placed.get(i).copied().unwrap_or(true)
                && uses.get(i).is_some_and(|u| {
                    u.iter()
                        .all(|(j, _)| placed.get(*j).copied().unwrap_or(false))
                })
        });
        match next {
            Some(i) => {
                if let Some(p) = placed.get_mut(i) {
                    *p = true;
                }
                out.push(i);
            }
            None => return Err(vec![cycle(stacks, &uses, &placed)]),
        }
    }
    Ok(out)
}

/// The cycle among the stacks not yet placed, spelled out with where each
/// reference is written.
fn cycle(stacks: &[ResolvedStack], uses: &[Vec<(usize, String)>], placed: &[bool]) -> Diagnostic {
    // Every unplaced stack uses an unplaced one: walk until a stack repeats.
    let start = (0..stacks.len())
        .find(|&i| !placed.get(i).copied().unwrap_or(true))
        .unwrap_or(0);
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut at = start;
    while !path.iter().any(|(i, _)| *i == at) {
        let Some((next, field)) = uses.get(at).and_then(|u| {
            u.iter()
                .find(|(j, _)| !placed.get(*j).copied().unwrap_or(true))
        }) else {
            break;
        };
        path.push((at, field.clone()));
        at = *next;
    }
    let first = path.iter().position(|(i, _)| *i == at).unwrap_or(0);
    let ring = path.get(first..).unwrap_or_default();
    let steps: Vec<String> = ring
        .iter()
        .enumerate()
        .filter_map(|(k, (i, field))| {
            let from = stacks.get(*i)?;
            let to = ring.get(k + 1).map_or(at, |(j, _)| *j);
            let to = &stacks.get(to)?.file.name;
            let file = from.file.path.file_name()?.to_string_lossy();
            Some(format!(
                "'{}' uses '{to}' ({field} at stacks/{file}:{})",
                from.file.name,
                from.locate(field).line
            ))
        })
        .collect();
    let (i, field) = ring.first().cloned().unwrap_or((start, String::new()));
    let stack = stacks.get(i).or(stacks.first());
    let message = format!("the stacks use each other in a cycle: {}", steps.join(", "));
    let help = "a stack can only use stacks deployed before it: move the component one of them needs into the other stack, or into a third stack both use";
    match stack {
        Some(s) => s.error(Code::Stack010, &field, message).help(help),
        None => Diagnostic::new(Code::Stack010, field, message).help(help),
    }
}
