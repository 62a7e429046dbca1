//! L2: turns resolved stack specs into templates and a manifest.

pub mod api;
pub mod app;
pub mod connect;
pub mod custom;
pub mod data;
pub mod edge;
pub mod identity;
pub mod logs;
pub mod messaging;
pub mod monitoring;
pub mod naming;
pub mod network;

use crate::check::{built, check_stack};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::manifest::{Manifest, ParameterSource, StackEntry};
use crate::spec::{Project, ResolvedStack};
use crate::template::{Tag, Template};
use naming::Names;
use std::collections::BTreeMap;

/// Everything synth produced for one environment, still in memory.
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub manifest: Manifest,
    /// Template file name → template, in manifest order.
    pub templates: Vec<(String, Template)>,
    /// Things the user should know that are not errors (a data-safety
    /// opt-out, for instance); `archgen synth` prints them as `note: ...`.
    pub notes: Vec<String>,
}

impl Synthesis {
    pub fn template(&self, stack: &str) -> Option<&Template> {
        let file = &self
            .manifest
            .stacks
            .iter()
            .find(|s| s.name == stack)?
            .template_file;
        self.templates
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, t)| t)
    }
}

/// Resolves and checks every stack in every declared environment, so a typo
/// in the dev overlay fails `synth prod` too.
pub fn check_project(project: &Project) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    for env in project.environment_names() {
        for file in &project.stacks {
            if !file.environment_names().contains(&env.as_str()) {
                continue;
            }
            match file.resolve(&env) {
                Ok(stack) => check_stack(&stack)
                    .into_iter()
                    .for_each(|d| diagnostics.push(d)),
                Err(ds) => ds.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
    }
    diagnostics.finish()
}

pub fn synthesize(project: &Project, env: &str) -> Result<Synthesis, Diagnostics> {
    let mut diagnostics = check_project(project);
    let mut resolved = Vec::new();
    for file in &project.stacks {
        match file.resolve(env) {
            Ok(stack) => resolved.push(stack),
            Err(ds) => ds.into_iter().for_each(|d| diagnostics.push(d)),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics.finish());
    }
    let mut manifest = Manifest {
        app: resolved[0].spec.app.clone(),
        environment: env.to_string(),
        stacks: Vec::new(),
    };
    let mut templates = Vec::new();
    let mut notes = Vec::new();
    let mut exports = built::Exports::default();
    for stack in &resolved {
        let Built {
            template,
            notes: stack_notes,
            edge,
            components,
        } = build_stack(stack);
        // Rules that need the synthesized stack, before anything is written.
        let edge_template = edge.as_ref().map(|e| &e.template);
        for d in built::check(stack, &template, edge_template, &components, &mut exports) {
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
        return Err(diagnostics.finish());
    }
    Ok(Synthesis {
        manifest,
        templates,
        notes,
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

/// What every builder of one stack shares. Builders run in a fixed order:
/// network, then data (registering components), then the application tier
/// (which resolves connections against the registered components).
pub struct Ctx<'a> {
    pub spec: &'a crate::spec::StackSpec,
    pub environment: &'a str,
    pub names: Names,
    /// Tags from the spec, for every taggable resource.
    pub tags: Vec<Tag>,
    pub network: Option<network::NetworkRefs>,
    pub components: connect::Components,
    /// Notes for the user, collected while building.
    pub notes: Vec<String>,
}

impl Ctx<'_> {
    /// The spec's tags plus a `Name` tag `<app>-<env>-<what>`.
    pub fn named(&self, what: &str) -> Vec<Tag> {
        let mut v = vec![Tag::new("Name", self.names.physical(what))];
        v.extend(self.tags.iter().cloned());
        v
    }
}

/// One stack's template, the components it registered, and notes.
pub struct Built {
    pub template: Template,
    pub components: connect::Components,
    pub notes: Vec<String>,
    /// The us-east-1 half of the stack, when it needs one.
    pub edge: Option<edge::EdgeStack>,
}

/// Runs every builder of one stack, in order.
pub fn build_stack(stack: &ResolvedStack) -> Built {
    let spec = &stack.spec;
    let description = spec
        .description
        .clone()
        .unwrap_or_else(|| format!("{} {}", spec.app, stack.file.name));
    let mut t = Template::new(format!(
        "{description} ({}), synthesized by archgen",
        stack.environment
    ));
    let mut ctx = Ctx {
        spec,
        environment: &stack.environment,
        names: Names {
            app: spec.app.clone(),
            env: stack.environment.clone(),
        },
        tags: spec
            .tags
            .iter()
            .map(|(k, v)| Tag::new(k, v.clone()))
            .collect(),
        network: None,
        components: connect::Components::default(),
        notes: Vec::new(),
    };
    if let Some(net) = &spec.network {
        ctx.network = Some(network::build(&mut t, &ctx.names, net, &ctx.tags));
    }
    data::build(&mut t, &mut ctx);
    // Components services may connect to: user pools, queues, topics.
    identity::build(&mut t, &mut ctx);
    messaging::build_queues(&mut t, &mut ctx);
    monitoring::build_topics(&mut t, &mut ctx);
    app::build(&mut t, &mut ctx);
    messaging::build_functions(&mut t, &mut ctx);
    api::build(&mut t, &ctx);
    let edge = edge::build(&mut t, &mut ctx);
    monitoring::build_alarms(&mut t, &ctx);
    Built {
        template: t,
        components: ctx.components,
        notes: ctx.notes,
        edge,
    }
}

/// A diagnostic not tied to a spec line (I/O on output, for instance).
pub fn plain_error(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::Synth, "", message)
}
