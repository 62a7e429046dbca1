//! L2: turns checked stacks into templates. The builders take a
//! [`CheckedStack`], so every value they read has passed `check`, and the
//! values `check` parsed or resolved (subnets, windows, parameter values,
//! certificates, DNS records, identity providers) come typed from it.

pub mod api;
pub mod app;
pub mod audit;
pub mod backup;
pub mod ci;
pub mod connect;
pub mod custom;
pub mod data;
pub mod edge;
pub mod identity;
pub mod import;
pub mod log_archive;
pub mod logs;
pub mod messaging;
pub mod monitoring;
pub mod network;
pub mod raw;

use crate::check::CheckedStack;
use crate::manifest::Manifest;
use crate::naming::Names;
use crate::spec::network::EndpointAccess;
use crate::template::{Tag, Template};

/// Everything synth produced for one environment, still in memory.
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub manifest: Manifest,
    /// Template file name → template, in manifest order.
    pub templates: Vec<(String, Template)>,
    /// Things the user should know that are not errors (a data-safety
    /// opt-out, for instance); `archgen synth` prints them as `note: ...`.
    pub notes: Vec<String>,
    /// Problems that do not stop synthesis (an internet-facing load
    /// balancer without a web ACL); printed like errors, exit code 0.
    pub warnings: crate::diagnostic::Diagnostics,
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

/// What every builder of one stack shares. Builders run in a fixed order:
/// network, then data (registering components), then the application tier
/// (which resolves connections against the registered components).
pub struct Ctx<'a> {
    /// The stack being built, with the values `check` parsed.
    pub checked: &'a CheckedStack<'a>,
    pub spec: &'a crate::spec::StackSpec,
    pub environment: &'a str,
    pub names: Names,
    /// Tags from the spec, for every taggable resource.
    pub tags: Vec<Tag>,
    pub network: Option<network::NetworkRefs>,
    pub components: connect::Components,
    /// Notes for the user, collected while building.
    pub notes: Vec<String>,
    /// Inconsistencies `check` should have ruled out: synth fails with
    /// them rather than writing a template that silently lacks something.
    pub bugs: std::cell::RefCell<Vec<String>>,
}

impl Ctx<'_> {
    /// Records an inconsistency that `check` should have ruled out.
    pub fn bug(&self, what: String) {
        self.bugs.borrow_mut().push(what);
    }

    /// The spec's tags plus a `Name` tag `<app>-<env>-<what>`.
    pub fn named(&self, what: &str) -> Vec<Tag> {
        let mut v = vec![Tag::new("Name", self.names.physical(what))];
        v.extend(self.tags.iter().cloned());
        v
    }
}

/// How many resources one component block adds to the template, and its
/// components: what to move when a stack is too big.
#[derive(Debug, Clone)]
pub struct BlockSize {
    pub block: &'static str,
    pub keys: Vec<String>,
    pub resources: usize,
}

/// One stack's template, the components it registered, and notes.
pub struct Built {
    pub template: Template,
    /// Resources per component block, in build order.
    pub sizes: Vec<BlockSize>,
    pub components: connect::Components,
    pub notes: Vec<String>,
    /// See [`Ctx::bugs`].
    pub bugs: Vec<String>,
    /// The us-east-1 half of the stack, when it needs one.
    pub edge: Option<edge::EdgeStack>,
}

/// Runs every builder of one stack, in order.
pub fn build_stack(checked: &CheckedStack) -> Built {
    build_stack_importing(checked, connect::Components::default())
}

/// [`build_stack`] for a stack whose workloads connect to components of
/// other stacks: `imported` holds them (see [`import`]), by `<stack>.<key>`.
pub fn build_stack_importing(checked: &CheckedStack, imported: connect::Components) -> Built {
    let stack = checked.stack();
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
        checked,
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
        components: imported,
        notes: Vec::new(),
        bugs: Default::default(),
    };
    let existing_network = spec
        .network
        .as_ref()
        .and_then(|n| n.existing.as_ref().map(|e| (n, e)));
    if let Some((net, existing)) = existing_network {
        ctx.network = Some(network::existing(net, existing));
    } else if let Some(net) = spec.network.as_ref().filter(|n| n.imported_from.is_some()) {
        ctx.network = Some(network::imported(net, &ctx.names));
    } else if let Some(net) = &spec.network {
        ctx.network = Some(network::build(
            &mut t,
            &ctx.names,
            net,
            checked.subnet_tiers(),
            &ctx.tags,
        ));
    }
    // Every component kind, in registry order: what a workload connects to
    // is registered before the workload is built.
    let mut sizes = Vec::new();
    for kind in crate::kinds::KINDS {
        let before = t.resources.len();
        kind.build(&mut t, &mut ctx);
        sizes.push(BlockSize {
            block: kind.block(),
            keys: kind.keys(spec).into_iter().cloned().collect(),
            resources: t.resources.len() - before,
        });
    }
    // After every secret and cache: one function rotates them all.
    data::rotation::build(&mut t, &mut ctx);
    // Raw resources are merged after every builder ran: one each.
    if let Some(raw) = sizes.iter_mut().find(|s| s.block == "resources") {
        raw.resources = spec.resources.len();
    }
    if spec.endpoint_access() == EndpointAccess::Workloads {
        let workloads: Vec<(String, String)> = spec
            .services
            .keys()
            .map(|k| {
                (
                    format!("the {k} service"),
                    app::service::security_group_id(k),
                )
            })
            .chain(spec.functions.keys().map(|f| {
                (
                    format!("the {f} function"),
                    messaging::function::security_group_id(f),
                )
            }))
            .collect();
        network::admit_workloads_to_endpoints(&mut t, &workloads);
    }
    api::build(&mut t, &ctx);
    // After the components, whose ARNs the backup plans select.
    backup::build(&mut t, &mut ctx);
    audit::build(&mut t, &ctx);
    let edge = edge::build(&mut t, &mut ctx);
    monitoring::build_alarms(&mut t, &ctx);
    monitoring::dashboard::build(&mut t, &ctx);
    if let Some(ci) = &spec.ci {
        ci::build(&mut t, &ctx, ci);
    }
    // After every builder, so every log group of this region can stream.
    log_archive::build(&mut t, &ctx);
    // Last, so every log group of this region is covered (the edge stack's
    // are in us-east-1, where the stack's keys do not exist).
    if let Some(key) = spec.logs_key() {
        logs::encrypt_log_groups(&mut t, data::key_arn(key));
    }
    Built {
        template: t,
        sizes,
        components: ctx.components,
        notes: ctx.notes,
        bugs: ctx.bugs.into_inner(),
        edge,
    }
}
