//! Rules that need the synthesized stack: CloudFormation's template limits,
//! exports unique across stacks, and the variables connections set. They run
//! in `synthesize`, after building and before anything is written.

use std::collections::BTreeMap;

use super::limits;
use crate::check::wiring::{FUNCTIONS, SERVICES};
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::synth::BlockSize;
use crate::synth::connect::Components;
use crate::synth::connect::env_prefix;
use crate::synth::edge::stack::EDGE_REGION;
use crate::template::Template;

/// CloudFormation's limit on an export name.
const MAX_EXPORT_NAME: usize = 255;

/// Exports seen so far in one environment: (region, export name) → (stack,
/// output). Export names are unique per account and region.
#[derive(Debug, Default)]
pub struct Exports(BTreeMap<(String, String), (String, String)>);

/// The component blocks with the most resources, largest first, each with
/// its components: `services: 312 resources (api, web and 2 more)`.
fn largest_blocks(sizes: &[BlockSize]) -> String {
    let mut blocks: Vec<&BlockSize> = sizes.iter().filter(|s| s.resources > 0).collect();
    blocks.sort_by_key(|s| std::cmp::Reverse(s.resources));
    blocks
        .iter()
        .take(3)
        .map(|s| {
            let shown: Vec<&str> = s.keys.iter().take(3).map(String::as_str).collect();
            let more = match s.keys.len().saturating_sub(3) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            format!(
                "{}: {} resources ({}{more})",
                s.block,
                s.resources,
                shown.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks one built stack (and its us-east-1 half, if any).
pub fn check(
    stack: &ResolvedStack,
    template: &Template,
    edge: Option<&Template>,
    components: &Components,
    sizes: &[BlockSize],
    exports: &mut Exports,
) -> Vec<Diagnostic> {
    let name = &stack.file.name;
    let mut out = shadowed_variables(stack, components);
    let mut templates = vec![(name.clone(), stack.spec.region.as_str(), template)];
    if let Some(e) = edge {
        templates.push((format!("{name}-edge"), EDGE_REGION, e));
    }
    for (stack_name, region, t) in templates {
        for b in limits::check_template(&stack_name, t) {
            let help = if b.help == limits::SPLIT_RESOURCES && stack_name == *name {
                format!("{}: {}", b.help, largest_blocks(sizes))
            } else {
                b.help
            };
            out.push(stack.error(b.code, &b.field, b.message).help(help));
        }
        for (output, export) in limits::export_names(t) {
            if export.len() > MAX_EXPORT_NAME
                || !export
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
            {
                out.push(
                    stack
                        .error(
                            Code::Stack011,
                            "",
                            format!(
                                "stack '{name}' would export '{export}' (output {output}): CloudFormation export names are at most {MAX_EXPORT_NAME} letters, digits, '-' and ':' ({} characters here)",
                                export.len()
                            ),
                        )
                        .help("shorten the name of the component other stacks use (or of this stack's file): export names are <app>-<env>-<stack>-<Component><Value>"),
                );
            }
            let key = (region.to_string(), export.clone());
            let Some((other, _)) = exports.0.insert(key, (name.clone(), output.clone())) else {
                continue;
            };
            out.push(
                stack
                    .error(
                        Code::Stack005,
                        "",
                        format!(
                            "stack '{name}' exports '{export}' (output {output}), which stack '{other}' exports too; export names are unique per account and region"
                        ),
                    )
                    .help(format!(
                        "declare what output {output} comes from in one stack only (other stacks can import it), or give the stacks different 'app' names"
                    )),
            );
        }
    }
    out
}

/// Variables a connection sets (`DB_HOST`) that `environment:` or `secrets:`
/// also sets: one would silently win. Needs the components synth registered.
pub fn shadowed_variables(stack: &ResolvedStack, components: &Components) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let services = spec.services.iter().map(|(key, s)| {
        let mut own: Vec<(&str, &str)> = s
            .environment
            .keys()
            .map(|v| (v.as_str(), "environment"))
            .collect();
        own.extend(s.secrets.keys().map(|v| (v.as_str(), "secrets")));
        (format!("services.{key}"), own, &s.connects_to, SERVICES)
    });
    let functions = spec.functions.iter().map(|(key, f)| {
        let own = f
            .environment
            .keys()
            .map(|v| (v.as_str(), "environment"))
            .collect();
        (format!("functions.{key}"), own, &f.connects_to, FUNCTIONS)
    });
    let mut out = Vec::new();
    for (base, own, connects_to, codes) in services.chain(functions) {
        for entry in connects_to {
            let name = entry.key.as_str();
            // Unknown names are reported by `connections`.
            let Some(component) = components.get(name) else {
                continue;
            };
            let prefix = env_prefix(name);
            for (suffix, _) in &component.environment {
                let var = format!("{prefix}_{suffix}");
                if let Some((_, block)) = own.iter().find(|(v, _)| *v == var) {
                    out.push(
                        stack
                            .error(
                                codes.shadowed_variable,
                                &format!("{base}.{block}.{var}"),
                                format!("'{var}' is set here and by the connection to '{name}'"),
                            )
                            .help(format!(
                                "remove '{var}' from '{block}': connects_to [{name}] sets it"
                            )),
                    );
                }
            }
        }
    }
    out
}
