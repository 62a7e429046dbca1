//! One environment from spec to templates: resolve every stack file, check
//! it (in every declared environment), build the checked stacks of the one
//! asked for, then run the rules that need the built templates. The layers
//! it strings together depend one way: spec → check → synth → template.

pub mod built;
pub mod limits;
pub mod project;

use std::collections::BTreeMap;

use crate::check::{CheckedStack, check_stack};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::manifest::{Manifest, ParameterSource, StackEntry};
use crate::spec::app::SecretSpec;
use crate::spec::{Project, ResolvedStack};
use crate::synth::connect::Components;
use crate::synth::{Built, Synthesis, build_stack, build_stack_importing, edge, import};
use crate::template::{Output, Parameter, Template};

/// Resolves and checks every stack in every declared environment, so a typo
/// in the dev overlay fails `synth prod` too. The stacks of each environment
/// are linked (references between them checked and recorded) and ordered
/// before they are checked. Returns the checked stacks of `env`, in
/// deployment order, when nothing failed.
pub fn check_project<'p>(
    project: &'p Project,
    env: &str,
) -> Result<Vec<CheckedStack<'p>>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut checked = Vec::new();
    let all: Vec<&str> = project.stacks.iter().map(|f| f.name.as_str()).collect();
    for each_env in project.environment_names() {
        let mut resolved = Vec::new();
        for file in &project.stacks {
            if !file.environment_names().contains(&each_env.as_str()) {
                continue;
            }
            match file.resolve(&each_env) {
                Ok(mut stack) => {
                    crate::kinds::existing::resolve_references(&mut stack)
                        .into_iter()
                        .for_each(|d| diagnostics.push(d));
                    resolved.push(stack);
                }
                Err(ds) => ds.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
        project::link(&mut resolved, &all)
            .into_iter()
            .for_each(|d| diagnostics.push(d));
        let order = project::order(&resolved).unwrap_or_else(|ds| {
            ds.into_iter().for_each(|d| diagnostics.push(d));
            (0..resolved.len()).collect()
        });
        let mut slots: Vec<Option<ResolvedStack>> = resolved.into_iter().map(Some).collect();
        for i in order {
            let Some(stack) = slots.get_mut(i).and_then(Option::take) else {
                continue;
            };
            match check_stack(stack) {
                Ok(stack) if each_env == env => checked.push(stack),
                Ok(stack) => escape_hatches_elsewhere(&stack)
                    .into_iter()
                    .for_each(|d| diagnostics.push(d)),
                Err(ds) => ds.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
    }
    // Every stack file deploys to `env`: one that does not declare it fails.
    for file in &project.stacks {
        if !file.environment_names().contains(&env)
            && let Err(ds) = file.resolve(env)
        {
            ds.into_iter().for_each(|d| diagnostics.push(d));
        }
    }
    if diagnostics.is_empty() {
        Ok(checked)
    } else {
        Err(diagnostics.finish())
    }
}

/// Overrides and references of `resources:`, `overrides:` and `outputs:`
/// are checked against the built template; in an environment other than
/// the one synthesized, the stack is built for that check alone.
fn escape_hatches_elsewhere(checked: &CheckedStack) -> Vec<Diagnostic> {
    let stack = checked.stack();
    let spec = &stack.spec;
    if spec.resources.is_empty() && spec.overrides.is_empty() && spec.outputs.is_empty() {
        return Vec::new();
    }
    // Components of other stacks exist only once those stacks are built, in
    // the environment synthesized: there, and only there, they are checked.
    if !spec.imports.is_empty() {
        return Vec::new();
    }
    let Built {
        mut template,
        components,
        ..
    } = build_stack(checked);
    crate::synth::raw::apply(stack, &mut template, &components).diagnostics
}

pub fn synthesize(project: &Project, env: &str) -> Result<Synthesis, Diagnostics> {
    let checked = check_project(project, env)?;
    let Some(first) = checked.first() else {
        let none = Diagnostic::new(Code::Project, "", "the project has no stack files")
            .help("add a stack file under stacks/");
        return Err(Diagnostics(vec![none]));
    };
    let mut diagnostics = Diagnostics::default();
    let mut manifest = Manifest {
        app: first.spec().app.clone(),
        environment: env.to_string(),
        stacks: Vec::new(),
    };
    let mut notes = Vec::new();
    let mut warnings = Diagnostics::default();
    for checked_stack in &checked {
        for w in checked_stack.warnings() {
            warnings.push(w.clone());
        }
    }
    // Built in deployment order, so what a stack imports is built already.
    let mut staged: Vec<Staged> = Vec::new();
    for checked_stack in &checked {
        let stack = checked_stack.stack();
        let mut entry = stack_entry(stack);
        let imported = imports(stack, &staged, &mut entry, &mut diagnostics);
        let Built {
            mut template,
            notes: mut stack_notes,
            bugs,
            edge,
            components,
            sizes,
        } = build_stack_importing(checked_stack, imported.components);
        for (param, value) in imported.parameters {
            template.parameters.insert(param, value);
        }
        for (exporter, outputs) in imported.outputs {
            if let Some(s) = staged.iter_mut().find(|s| s.entry.name == exporter) {
                s.exports.extend(outputs);
            }
        }
        for bug in bugs {
            diagnostics.push(
                stack
                    .error(Code::Synth, "", format!("internal error: {bug}"))
                    .help("this is a bug in archgen: please report it with the spec"),
            );
        }
        // The escape hatches (resources:, overrides:, outputs:) go in last,
        // checked against the complete template.
        let applied = crate::synth::raw::apply(stack, &mut template, &components);
        applied
            .diagnostics
            .into_iter()
            .for_each(|d| diagnostics.push(d));
        stack_notes.extend(applied.notes);
        notes.extend(
            stack_notes
                .into_iter()
                .map(|n| format!("{} ({env}): {n}", stack.file.name)),
        );
        staged.push(Staged {
            stack,
            entry,
            template,
            edge,
            components,
            sizes,
            exports: BTreeMap::new(),
        });
    }
    let mut exports = built::Exports::default();
    let mut templates = Vec::new();
    for s in staged {
        let Staged {
            stack,
            mut entry,
            mut template,
            edge,
            components,
            sizes,
            exports: shared,
        } = s;
        // What other stacks import from this one.
        for (id, output) in shared {
            if let Some(taken) = template.outputs.get(&id)
                && taken.value != output.value
            {
                diagnostics.push(
                    stack
                        .error(Code::Res012, &format!("outputs.{id}"), format!("output '{id}' is taken: stack '{}' exports it for the stacks that connect to its components", stack.file.name))
                        .help("rename this output"),
                );
                continue;
            }
            template.output(id, output);
        }
        // Rules that need the synthesized stack, before anything is written.
        let edge_template = edge.as_ref().map(|e| &e.template);
        for d in built::check(
            stack,
            &template,
            edge_template,
            &components,
            &sizes,
            &mut exports,
        ) {
            diagnostics.push(d);
        }
        let duplicate = template
            .duplicate_ids
            .first()
            .or_else(|| edge.as_ref().and_then(|e| e.template.duplicate_ids.first()));
        if let Some(id) = duplicate {
            diagnostics.push(
                stack
                    .error(
                        Code::Synth,
                        "",
                        format!("two resources would get the logical id '{id}'"),
                    )
                    .help("rename one of the spec keys that produce it"),
            );
            continue;
        }
        // The us-east-1 half deploys first; its outputs feed the parameters.
        if let Some(e) = edge {
            let mut edge_entry = stack_entry(stack);
            edge_entry.name = format!("{}-edge", stack.file.name);
            edge_entry.stack_name = format!("{}-edge", entry.stack_name);
            edge_entry.region = edge::stack::EDGE_REGION.to_string();
            edge_entry.template_file = format!("{}.template.json", edge_entry.name);
            entry.depends_on.push(edge_entry.name.clone());
            entry
                .parameters
                .extend(e.parameters.into_iter().map(|(param, output)| {
                    (
                        param,
                        ParameterSource {
                            stack: edge_entry.name.clone(),
                            output,
                        },
                    )
                }));
            templates.push((edge_entry.template_file.clone(), e.template));
            manifest.stacks.push(edge_entry);
        }
        templates.push((entry.template_file.clone(), template));
        manifest.stacks.push(entry);
    }
    if !diagnostics.is_empty() {
        warnings.0.into_iter().for_each(|w| diagnostics.push(w));
        return Err(diagnostics.finish());
    }
    Ok(Synthesis {
        manifest,
        templates,
        notes,
        warnings: warnings.finish(),
    })
}

/// One built stack, waiting for the outputs later stacks import from it.
struct Staged<'a, 'p> {
    stack: &'a ResolvedStack<'p>,
    entry: StackEntry,
    template: Template,
    edge: Option<crate::synth::edge::EdgeStack>,
    components: Components,
    sizes: Vec<crate::synth::BlockSize>,
    /// Outputs other stacks import, by output id.
    exports: BTreeMap<String, Output>,
}

/// What a stack takes from the stacks before it.
#[derive(Default)]
struct Imports {
    components: Components,
    /// Template parameters of the importing stack (across regions).
    parameters: BTreeMap<String, Parameter>,
    /// Outputs to add to each exporting stack, by its name.
    outputs: BTreeMap<String, BTreeMap<String, Output>>,
}

/// The components `stack` imports (`data.db`) from stacks already built,
/// and its network's stack: each becomes a dependency in the manifest;
/// across regions, each imported value a parameter fed by an output.
fn imports(
    stack: &ResolvedStack,
    staged: &[Staged],
    entry: &mut StackEntry,
    diagnostics: &mut Diagnostics,
) -> Imports {
    let spec = &stack.spec;
    let names = crate::naming::Names {
        app: spec.app.clone(),
        env: stack.environment.clone(),
    };
    let mut out = Imports::default();
    let network = spec.network.as_ref().and_then(|n| n.imported_from.clone());
    for used in network.iter().chain(spec.imports.keys()) {
        let exporter = used.split_once('.').map_or(used.as_str(), |(s, _)| s);
        if !entry.depends_on.iter().any(|d| d == exporter) {
            entry.depends_on.push(exporter.to_string());
        }
    }
    for key in spec.imports.keys() {
        let Some((exporter, name)) = project::split_reference(key) else {
            continue;
        };
        let found = staged
            .iter()
            .find(|s| s.entry.name == exporter)
            .and_then(|s| Some((s, s.components.get(name)?)));
        let Some((from, component)) = found else {
            // Linking resolved it; only a bug gets here.
            diagnostics.push(
                stack
                    .error(
                        Code::Synth,
                        "",
                        format!(
                            "internal error: '{key}' was not built before stack '{}'",
                            stack.file.name
                        ),
                    )
                    .help("this is a bug in archgen: please report it with the spec"),
            );
            continue;
        };
        let shared = import::import(
            component,
            &import::Exporter {
                stack: exporter,
                region: &from.entry.region,
            },
            &import::Importer {
                stack: &stack.file.name,
                region: &spec.region,
                reads_secret: reads_secret_of(spec, key),
            },
            &names,
        );
        for (param, (p, output)) in shared.parameters {
            entry.parameters.insert(
                param.clone(),
                ParameterSource {
                    stack: exporter.to_string(),
                    output,
                },
            );
            out.parameters.insert(param, p);
        }
        out.outputs
            .entry(exporter.to_string())
            .or_default()
            .extend(shared.outputs);
        out.components.register(shared.component);
    }
    out
}

/// Whether a workload of `spec` injects the secret of component `key`.
fn reads_secret_of(spec: &crate::spec::StackSpec, key: &str) -> bool {
    let named = |secrets: &BTreeMap<String, SecretSpec>| {
        secrets
            .values()
            .any(|s| matches!(s, SecretSpec::Component(c) if c == key))
    };
    spec.services.values().any(|s| named(&s.secrets))
        || spec.functions.values().any(|f| named(&f.secrets))
}

fn stack_entry(stack: &ResolvedStack) -> StackEntry {
    let spec = &stack.spec;
    let mut tags = BTreeMap::from([
        ("app".to_string(), spec.app.clone()),
        ("environment".to_string(), stack.environment.clone()),
        ("managed-by".to_string(), "archgen".to_string()),
    ]);
    tags.extend(spec.tags.clone());
    StackEntry {
        name: stack.file.name.clone(),
        stack_name: format!("{}-{}-{}", spec.app, stack.environment, stack.file.name),
        region: spec.region.clone(),
        template_file: format!("{}.template.json", stack.file.name),
        depends_on: Vec::new(),
        parameters: BTreeMap::new(),
        termination_protection: spec.termination_protection,
        account: spec.account.clone(),
        tags,
    }
}
