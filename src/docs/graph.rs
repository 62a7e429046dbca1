//! The system as a graph: components as nodes (placed in their subnet
//! tier), and what connects them as labelled edges, read from the
//! synthesized template (security groups, IAM grants, origins, triggers,
//! integrations, web ACLs, DNS records). The diagram and the reachability
//! matrix are both views of it.

use std::collections::{BTreeMap, BTreeSet};

use archgen_synth::check::CheckedStack;
use archgen_synth::kinds;
use archgen_synth::naming::pascal;
use serde::Serialize;
use serde_json::Value;

use super::cfn::{Cfn, Resource, literal, target, targets};

/// Kinds that are configuration of others rather than parts of the system
/// a reader draws (they appear in the IAM grants instead).
const NOT_DRAWN: &[&str] = &["keys", "secrets", "parameters", "resources", "existing"];

pub const INTERNET: &str = "Internet";
pub const CLOUDFRONT_ADDRESSES: &str = "CloudFrontOrigins";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Node {
    /// The logical-id stem of its resources (`Api`, `Db`, `LoadBalancer`).
    pub id: String,
    /// The spec key (`api`) or what it is (`load balancer`).
    pub name: String,
    pub what: String,
    /// Its subnet tier, for the components in the VPC.
    pub tier: Option<String>,
    /// Runs in the us-east-1 edge stack, or is the edge (CloudFront, DNS).
    pub edge: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub fn build(checked: &CheckedStack, main: &Cfn, edge: Option<&Cfn>) -> Graph {
        let spec = checked.spec();
        let mut nodes = Vec::new();
        let mut add = |id: String, name: &str, what: &str, edge: bool| {
            if !nodes.iter().any(|n: &Node| n.id == id) {
                nodes.push(Node {
                    id,
                    name: name.to_string(),
                    what: what.to_string(),
                    tier: None,
                    edge,
                });
            }
        };
        for (key, kind) in kinds::components(spec) {
            if !NOT_DRAWN.contains(&kind.block()) {
                add(pascal(key), key, kind.noun(), false);
            }
        }
        if spec.load_balancer.is_some() {
            add(
                "LoadBalancer".into(),
                "load balancer",
                "Application Load Balancer",
                false,
            );
        }
        if spec.api.is_some() {
            add("Api".into(), "api", "HTTP API", false);
        }
        // Named after their main resource: a distribution or web ACL may
        // share its key with a service.
        for key in spec.cdn.keys() {
            add(
                format!("{}Distribution", pascal(key)),
                key,
                "CloudFront distribution",
                true,
            );
        }
        for (key, acl) in &spec.waf {
            let edge_scope = format!("{:?}", acl.scope).eq_ignore_ascii_case("cloudfront");
            add(
                format!("{}WebAcl", pascal(key)),
                key,
                "WAF web ACL",
                edge_scope,
            );
        }
        let mut graph = Graph {
            nodes,
            edges: Vec::new(),
        };
        graph.place_in_tiers(checked, main);
        graph.security_group_edges(main);
        graph.grant_edges(main);
        graph.wiring_edges(main);
        if let Some(edge) = edge {
            graph.wiring_edges(edge);
        }
        graph.merge_parallel_edges();
        graph
    }

    /// One arrow per pair of nodes, its labels joined: `tcp 5432, connects`.
    fn merge_parallel_edges(&mut self) {
        // A component's own helpers (a database's users task reaching the
        // database) draw no arrow from it to itself.
        self.edges.retain(|e| e.from != e.to);
        self.edges.sort();
        self.edges.dedup();
        let mut merged: Vec<Edge> = Vec::new();
        for edge in std::mem::take(&mut self.edges) {
            match merged.last_mut() {
                Some(last) if last.from == edge.from && last.to == edge.to => {
                    last.label = format!("{}, {}", last.label, edge.label);
                }
                _ => merged.push(edge),
            }
        }
        self.edges = merged;
    }

    /// The node whose resources `id` belongs to: the longest stem it starts with.
    pub fn owner(&self, id: &str) -> Option<&str> {
        self.nodes
            .iter()
            .filter(|n| id.starts_with(&n.id))
            .max_by_key(|n| n.id.len())
            .map(|n| n.id.as_str())
    }

    fn place_in_tiers(&mut self, checked: &CheckedStack, cfn: &Cfn) {
        // Subnet (logical id or existing subnet id) → tier.
        let mut tier_of: BTreeMap<String, String> = BTreeMap::new();
        for (tier, _, cidrs) in checked.subnet_tiers() {
            for subnet in cfn.of_type("AWS::EC2::Subnet") {
                let cidr = subnet.text("CidrBlock").unwrap_or_default();
                if cidrs.iter().any(|c| c.to_string() == cidr) {
                    tier_of.insert(subnet.id.to_string(), tier.to_string());
                }
            }
        }
        if let Some(existing) = checked
            .spec()
            .network
            .as_ref()
            .and_then(|n| n.existing.as_ref())
        {
            for (tier, ids) in &existing.subnets {
                for id in ids {
                    tier_of.insert(id.clone(), tier.clone());
                }
            }
        }
        let tiers_of = |r: &Resource| -> BTreeSet<String> {
            let mut found = BTreeSet::new();
            let mut names: Vec<String> = strings(r.props);
            for id in targets(r.props) {
                names.push(id.to_string());
                // A subnet group stands for its subnets.
                if let Some(group) = cfn.get(id) {
                    names.extend(strings(group.get("SubnetIds")));
                    names.extend(
                        targets(group.get("SubnetIds"))
                            .into_iter()
                            .map(String::from),
                    );
                }
            }
            for name in names {
                if let Some(tier) = tier_of.get(&name) {
                    found.insert(tier.clone());
                }
            }
            found
        };
        let placed: Vec<Option<String>> = self
            .nodes
            .iter()
            .map(|node| {
                cfn.all()
                    .filter(|r| self.owner(r.id) == Some(node.id.as_str()))
                    .filter(|r| !is_network_wiring(r))
                    .flat_map(|r| tiers_of(&r))
                    .next()
            })
            .collect();
        for (node, tier) in self.nodes.iter_mut().zip(placed) {
            node.tier = tier;
        }
    }

    fn security_group_edges(&mut self, cfn: &Cfn) {
        for rule in ingress_rules(cfn) {
            let (Some(to), Some(from)) = (
                self.owner(&rule.group).map(String::from),
                self.source_node(&rule.source),
            ) else {
                continue;
            };
            self.edges.push(Edge {
                from,
                to,
                label: rule.ports(),
            });
        }
    }

    fn source_node(&mut self, source: &Source) -> Option<String> {
        let id = match source {
            Source::Group(group) => return self.owner(group).map(String::from),
            Source::Cidr(cidr) if cidr == "0.0.0.0/0" || cidr == "::/0" => INTERNET,
            Source::Cidr(_) => return None,
            Source::PrefixList => CLOUDFRONT_ADDRESSES,
        };
        self.external(id);
        Some(id.to_string())
    }

    fn external(&mut self, id: &str) {
        if !self.nodes.iter().any(|n| n.id == id) {
            let name = if id == INTERNET {
                "Internet"
            } else {
                "CloudFront origin-facing addresses"
            };
            self.nodes.push(Node {
                id: id.to_string(),
                name: name.to_string(),
                what: "outside".to_string(),
                tier: None,
                edge: false,
            });
        }
    }

    /// A workload's role → each component its policy names, labelled with
    /// what the actions do.
    fn grant_edges(&mut self, cfn: &Cfn) {
        for role in cfn.of_type("AWS::IAM::Role") {
            let Some(from) = self.owner(role.id).map(String::from) else {
                continue;
            };
            let mut verbs: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
            for statement in super::grants::statements(&role) {
                for resource in &statement.resources {
                    if let Some(to) = self.owner(resource).filter(|to| *to != from) {
                        verbs
                            .entry(to.to_string())
                            .or_default()
                            .extend(statement.actions.iter().map(|a| super::grants::verb(a)));
                    }
                }
            }
            for (to, verbs) in verbs {
                let label = verbs.into_iter().collect::<Vec<_>>().join(", ");
                self.edges.push(Edge {
                    from: from.clone(),
                    to,
                    label,
                });
            }
        }
    }

    /// Origins, triggers, integrations, web ACLs and DNS records.
    fn wiring_edges(&mut self, cfn: &Cfn) {
        let link = |graph: &mut Graph, from: &str, to: &str, label: String| {
            if let (Some(from), Some(to)) = (graph.owner(from), graph.owner(to))
                && from != to
            {
                let edge = Edge {
                    from: from.to_string(),
                    to: to.to_string(),
                    label,
                };
                graph.edges.push(edge);
            }
        };
        // An origin named by its DNS name reaches what the record aliases.
        let aliases: BTreeMap<String, String> = cfn
            .of_type("AWS::Route53::RecordSet")
            .filter_map(|r| {
                let name = r.text("Name")?;
                let to = target(r.get("AliasTarget.DNSName"))?;
                Some((name.trim_end_matches('.').to_string(), to.to_string()))
            })
            .collect();
        for d in cfn.of_type("AWS::CloudFront::Distribution") {
            let config = d.get("DistributionConfig");
            for origin in config["Origins"].as_array().into_iter().flatten() {
                let origin_id = origin["Id"].as_str().unwrap_or_default();
                let paths = behaviours(config)
                    .into_iter()
                    .filter(|(_, o)| o == origin_id)
                    .map(|(p, _)| p)
                    .collect::<Vec<_>>()
                    .join(" ");
                let domain = &origin["DomainName"];
                let mut reached: Vec<&str> = targets(domain);
                if let Some(to) = domain.as_str().and_then(|name| aliases.get(name)) {
                    reached.push(to);
                }
                for to in reached {
                    link(self, d.id, to, format!("HTTPS {paths}"));
                }
            }
        }
        for m in cfn.of_type("AWS::Lambda::EventSourceMapping") {
            if let (Some(from), Some(to)) = (
                target(m.get("EventSourceArn")),
                target(m.get("FunctionName")),
            ) {
                link(self, from, to, "triggers".into());
            }
        }
        for i in cfn.of_type("AWS::ApiGatewayV2::Integration") {
            if let Some(to) = target(i.get("IntegrationUri")) {
                link(self, i.id, to, "integration".into());
            }
        }
        for a in cfn.of_type("AWS::WAFv2::WebACLAssociation") {
            if let (Some(acl), Some(to)) =
                (target(a.get("WebACLArn")), target(a.get("ResourceArn")))
            {
                link(self, acl, to, "filters".into());
            }
        }
        for r in cfn.of_type("AWS::Route53::RecordSet") {
            let Some(name) = r.text("Name") else { continue };
            let Some(to) = target(r.get("AliasTarget.DNSName")) else {
                continue;
            };
            let id = format!("Dns{}", pascal(&name));
            if !self.nodes.iter().any(|n| n.id == id) {
                self.nodes.push(Node {
                    id: id.clone(),
                    name,
                    what: "DNS name".into(),
                    tier: None,
                    edge: true,
                });
            }
            link(self, &id, to, "alias".into());
        }
    }

    /// Adds the edge stack's web ACLs in front of the distributions that use
    /// them (the distribution takes the ACL's ARN as a parameter).
    pub fn edge_acls(&mut self, main: &Cfn, spec_waf_keys: &[String]) {
        for d in main.of_type("AWS::CloudFront::Distribution") {
            let Some(param) = target(d.get("DistributionConfig.WebACLId")) else {
                continue;
            };
            for key in spec_waf_keys {
                let stem = pascal(key);
                if param.starts_with(&stem)
                    && let Some(to) = self.owner(d.id).map(String::from)
                {
                    self.edges.push(Edge {
                        from: format!("{stem}WebAcl"),
                        to,
                        label: "filters".into(),
                    });
                }
            }
        }
        self.merge_parallel_edges();
    }
}

/// Subnets, route tables and the like belong to the network, whatever
/// their name starts with.
fn is_network_wiring(r: &Resource) -> bool {
    let kind = r.body["Type"].as_str().unwrap_or_default();
    kind.starts_with("AWS::EC2::") && kind != "AWS::EC2::SecurityGroup"
}

/// Every string literal inside `value`.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) if target(value).is_none() => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// A distribution's behaviours as (path pattern, origin id), default last.
pub fn behaviours(config: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = config["CacheBehaviors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            (
                b["PathPattern"].as_str().unwrap_or_default().to_string(),
                b["TargetOriginId"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    if let Some(origin) = config["DefaultCacheBehavior"]["TargetOriginId"].as_str() {
        found.push(("/*".to_string(), origin.to_string()));
    }
    found
}

/// Where allowed traffic comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Group(String),
    Cidr(String),
    PrefixList,
}

/// One ingress rule, inline or standalone.
#[derive(Debug, Clone)]
pub struct Rule {
    pub group: String,
    pub source: Source,
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
}

impl Rule {
    fn read(group: &str, rule: &Value, source_key: &str) -> Option<Rule> {
        let source = if let Some(id) = target(&rule[source_key]) {
            Source::Group(id.to_string())
        } else if let Some(cidr) = rule["CidrIp"].as_str().or(rule["CidrIpv6"].as_str()) {
            Source::Cidr(cidr.to_string())
        } else if !rule["SourcePrefixListId"].is_null()
            || !rule["DestinationPrefixListId"].is_null()
        {
            Source::PrefixList
        } else {
            return None;
        };
        Some(Rule {
            group: group.to_string(),
            source,
            protocol: literal(&rule["IpProtocol"]).unwrap_or_default(),
            from_port: rule["FromPort"].as_i64().unwrap_or(-1),
            to_port: rule["ToPort"].as_i64().unwrap_or(-1),
        })
    }

    pub fn ports(&self) -> String {
        match self.protocol.as_str() {
            "-1" => "all traffic".to_string(),
            p if self.from_port == self.to_port => format!("{p} {}", self.from_port),
            p => format!("{p} {}-{}", self.from_port, self.to_port),
        }
    }

    pub fn covers(&self, protocol: &str, port: i64) -> bool {
        self.protocol == "-1"
            || (self.protocol == protocol && self.from_port <= port && port <= self.to_port)
    }
}

/// Every ingress rule of every security group in `cfn`.
pub fn ingress_rules(cfn: &Cfn) -> Vec<Rule> {
    rules(
        cfn,
        "SecurityGroupIngress",
        "AWS::EC2::SecurityGroupIngress",
        "SourceSecurityGroupId",
    )
}

/// Every egress rule; `source` is then the destination.
pub fn egress_rules(cfn: &Cfn) -> Vec<Rule> {
    rules(
        cfn,
        "SecurityGroupEgress",
        "AWS::EC2::SecurityGroupEgress",
        "DestinationSecurityGroupId",
    )
}

fn rules(cfn: &Cfn, inline: &str, standalone: &str, peer: &str) -> Vec<Rule> {
    let mut found = Vec::new();
    for group in cfn.of_type("AWS::EC2::SecurityGroup") {
        for rule in group.get(inline).as_array().into_iter().flatten() {
            found.extend(Rule::read(group.id, rule, peer));
        }
    }
    for rule in cfn.of_type(standalone) {
        if let Some(group) = target(rule.get("GroupId")) {
            found.extend(Rule::read(group, rule.props, peer));
        }
    }
    found
}
