//! One environment from spec to templates: resolve every stack file, check
//! it (in every declared environment), build the checked stacks of the one
//! asked for, then run the rules that need the built templates. The layers
//! it strings together depend one way: spec → check → synth → template.

pub mod built;
pub mod limits;

use std::collections::BTreeMap;

use crate::check::{CheckedStack, check_stack};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::manifest::{Manifest, ParameterSource, StackEntry};
use crate::spec::{Project, ResolvedStack};
use crate::synth::{Built, Synthesis, build_stack, edge};

/// Resolves and checks every stack in every declared environment, so a typo
/// in the dev overlay fails `synth prod` too. Returns the checked stacks of
/// `env`, in file order, when nothing failed.
fn check_project<'p>(
    project: &'p Project,
    env: &str,
) -> Result<Vec<CheckedStack<'p>>, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut checked = Vec::new();
    for each_env in project.environment_names() {
        for file in &project.stacks {
            if !file.environment_names().contains(&each_env.as_str()) {
                continue;
            }
            match file.resolve(&each_env).and_then(check_stack) {
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
    let mut templates = Vec::new();
    let mut notes = Vec::new();
    let mut warnings = Diagnostics::default();
    for checked_stack in &checked {
        for w in checked_stack.warnings() {
            warnings.push(w.clone());
        }
    }
    let mut exports = built::Exports::default();
    for checked_stack in &checked {
        let stack = checked_stack.stack();
        let Built {
            mut template,
            notes: mut stack_notes,
            bugs,
            edge,
            components,
            sizes,
        } = build_stack(checked_stack);
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
        notes.extend(
            stack_notes
                .into_iter()
                .map(|n| format!("{} ({env}): {n}", stack.file.name)),
        );
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
        let mut entry = stack_entry(stack);
        // The us-east-1 half deploys first; its outputs feed the parameters.
        if let Some(e) = edge {
            let mut edge_entry = stack_entry(stack);
            edge_entry.name = format!("{}-edge", stack.file.name);
            edge_entry.stack_name = format!("{}-edge", entry.stack_name);
            edge_entry.region = edge::stack::EDGE_REGION.to_string();
            edge_entry.template_file = format!("{}.template.json", edge_entry.name);
            entry.depends_on.push(edge_entry.name.clone());
            entry.parameters = e
                .parameters
                .into_iter()
                .map(|(param, output)| {
                    (
                        param,
                        ParameterSource {
                            stack: edge_entry.name.clone(),
                            output,
                        },
                    )
                })
                .collect();
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
