//! The view of one stack in one environment that the templates render:
//! plain data, serializable, in a stable order.

use archgen_synth::check::CheckedStack;
use archgen_synth::synth::Synthesis;
use serde::Serialize;

use super::cfn::Cfn;
use super::data::{Bucket, Cache, Database, Table};
use super::diagram::Diagram;
use super::edge::{Distribution, Record, WebAcl};
use super::grants::Grant;
use super::graph::Graph;
use super::network::Network;
use super::operations::{Alarm, Kept, Queue, Skipped, Topic, UserPool};
use super::reach::Reach;
use super::services::{Function, Service};
use super::{data, edge, grants, network, operations, reach, services};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StackDoc {
    pub app: String,
    pub stack: String,
    pub environment: String,
    pub description: Option<String>,
    pub file: String,
    pub region: String,
    /// The CloudFormation stacks: this one, and its us-east-1 edge half.
    pub stack_names: Vec<String>,
    pub diagram: Diagram,
    pub network: Option<Network>,
    pub services: Vec<Service>,
    pub functions: Vec<Function>,
    pub databases: Vec<Database>,
    pub caches: Vec<Cache>,
    pub buckets: Vec<Bucket>,
    pub tables: Vec<Table>,
    pub web_acls: Vec<WebAcl>,
    pub distributions: Vec<Distribution>,
    pub records: Vec<Record>,
    pub user_pools: Vec<UserPool>,
    pub queues: Vec<Queue>,
    pub topics: Vec<Topic>,
    pub alarms: Vec<Alarm>,
    pub reach: Reach,
    pub grants: Vec<WorkloadGrants>,
    pub kept: Vec<Kept>,
    pub switched_off: Vec<SwitchedOff>,
    pub notes: Vec<String>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkloadGrants {
    pub workload: String,
    pub grants: Vec<Grant>,
}

/// A default the spec turned off, with the reason it gives.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SwitchedOff {
    pub field: String,
    pub reason: String,
}

impl StackDoc {
    pub fn build(checked: &CheckedStack, synthesis: &Synthesis) -> StackDoc {
        let stack = checked.stack();
        let spec = checked.spec();
        let name = &stack.file.name;
        let edge_name = format!("{name}-edge");
        let parse = |n: &str| synthesis.template(n).map(|t| Cfn::parse(&t.to_json()));
        let main = parse(name).unwrap_or_else(|| Cfn::parse("{}"));
        let edge_cfn = parse(&edge_name);
        let mut graph = Graph::build(checked, &main, edge_cfn.as_ref());
        let waf_keys: Vec<String> = spec.waf.keys().cloned().collect();
        graph.edge_acls(&main, &waf_keys);
        let mut web_acls = edge::web_acls(&main, "regional", &waf_keys);
        let topic_keys = keys(spec.topics.keys());
        let alarm_prefix = format!("{}-{}-", spec.app, stack.environment);
        let mut alarms = operations::alarms(&main, &topic_keys, &alarm_prefix, "Topic");
        let mut kept = operations::kept(&main);
        let mut skipped = operations::skipped(&main);
        if let Some(e) = &edge_cfn {
            web_acls.splice(
                0..0,
                edge::web_acls(e, "CloudFront, in the us-east-1 edge stack", &waf_keys),
            );
            kept.extend(operations::kept(e));
            // DNS health-check alarms, notifying the us-east-1 topic copies.
            alarms.extend(operations::alarms(
                e,
                &topic_keys,
                &alarm_prefix,
                "EdgeTopic",
            ));
            skipped.extend(operations::skipped(e));
        }
        let owner = |id: &str| graph.owner(id).map(|o| node_name(&graph, o));
        let grants = grants::workload_grants(&main, owner)
            .into_iter()
            .map(|(workload, grants)| WorkloadGrants { workload, grants })
            .collect();
        StackDoc {
            app: spec.app.clone(),
            stack: name.clone(),
            environment: stack.environment.clone(),
            description: spec.description.clone(),
            file: format!("stacks/{name}.yaml"),
            region: spec.region.clone(),
            stack_names: synthesis
                .manifest
                .stacks
                .iter()
                .filter(|s| s.name == *name || s.name == edge_name)
                .map(|s| format!("{} ({})", s.stack_name, s.region))
                .collect(),
            diagram: Diagram::from_graph(&graph, checked),
            network: network::section(checked, &main),
            services: services::services(&main, &keys(spec.services.keys())),
            functions: services::functions(&main, &keys(spec.functions.keys())),
            databases: data::databases(checked, &main),
            caches: data::caches(checked),
            buckets: data::buckets(&keys(spec.buckets.keys()), &main),
            tables: data::tables(&keys(spec.tables.keys()), &main),
            web_acls,
            distributions: edge::distributions(&main, &keys(spec.cdn.keys())),
            records: edge::records(&main),
            user_pools: operations::user_pools(&main, &keys(spec.user_pools.keys())),
            queues: operations::queues(&main, &keys(spec.queues.keys())),
            topics: operations::topics(&main, &keys(spec.topics.keys())),
            alarms,
            reach: reach::matrix(&main, &graph),
            grants,
            kept,
            switched_off: switched_off(checked),
            notes: synthesis
                .notes
                .iter()
                .filter_map(|n| n.strip_prefix(&format!("{name} ({}): ", stack.environment)))
                .map(String::from)
                .collect(),
            skipped,
        }
    }
}

fn node_name(graph: &Graph, id: &str) -> String {
    graph
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map_or_else(|| id.to_string(), |n| n.name.clone())
}

/// Defaults the spec switched off, each with its stated reason.
fn switched_off(checked: &CheckedStack) -> Vec<SwitchedOff> {
    let spec = checked.spec();
    let mut off = Vec::new();
    if let Some(lb) = &spec.load_balancer
        && !lb.access_logs.enabled
    {
        off.push(SwitchedOff {
            field: "load_balancer.access_logs".into(),
            reason: lb.access_logs.reason.clone().unwrap_or_default(),
        });
    }
    for (key, d) in &spec.cdn {
        if !d.logs.enabled {
            off.push(SwitchedOff {
                field: format!("cdn.{key}.logs"),
                reason: d.logs.reason.clone().unwrap_or_default(),
            });
        }
    }
    off
}

fn keys<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<String> {
    keys.cloned().collect()
}
