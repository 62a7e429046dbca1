//! Who can reach whom on which port: each ingress rule of the synthesized
//! security groups, checked against the source's egress rules.

use serde::Serialize;

use super::cfn::Cfn;
use super::graph::{Graph, INTERNET, Source, egress_rules, ingress_rules};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reach {
    /// The sources, one row each, in node order.
    pub sources: Vec<String>,
    /// The destinations, one column each, in node order.
    pub destinations: Vec<String>,
    /// `cells[row][column]`: the ports, or empty.
    pub cells: Vec<Vec<String>>,
}

pub fn matrix(cfn: &Cfn, graph: &Graph) -> Reach {
    let name = |id: &str| {
        graph
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map_or(id.to_string(), |n| n.name.clone())
    };
    let egress = egress_rules(cfn);
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    for rule in ingress_rules(cfn) {
        let Some(to) = graph.owner(&rule.group) else {
            continue;
        };
        let from = match &rule.source {
            Source::Group(g) => match graph.owner(g) {
                Some(owner) => owner.to_string(),
                None => continue,
            },
            Source::Cidr(c) if c == "0.0.0.0/0" || c == "::/0" => INTERNET.to_string(),
            Source::Cidr(c) => c.clone(),
            Source::PrefixList => super::graph::CLOUDFRONT_ADDRESSES.to_string(),
        };
        // Traffic from inside the VPC also needs the source group's egress.
        let allowed_out = match &rule.source {
            Source::Group(g) => egress.iter().any(|e| {
                &e.group == g
                    && e.covers(&rule.protocol, rule.from_port)
                    && match &e.source {
                        Source::Group(dest) => *dest == rule.group,
                        Source::Cidr(c) => c == "0.0.0.0/0",
                        Source::PrefixList => false,
                    }
            }),
            _ => true,
        };
        let ports = if allowed_out {
            rule.ports()
        } else {
            format!("{} (no egress from the source)", rule.ports())
        };
        pairs.push((from, to.to_string(), ports));
    }
    let order = |id: &String| {
        graph
            .nodes
            .iter()
            .position(|n| &n.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut sources: Vec<String> = pairs.iter().map(|p| p.0.clone()).collect();
    let mut destinations: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
    for list in [&mut sources, &mut destinations] {
        list.sort_by_key(|id| (order(id), id.clone()));
        list.dedup();
    }
    let cells = sources
        .iter()
        .map(|s| {
            destinations
                .iter()
                .map(|d| {
                    let mut ports: Vec<&str> = pairs
                        .iter()
                        .filter(|p| &p.0 == s && &p.1 == d)
                        .map(|p| p.2.as_str())
                        .collect();
                    ports.sort();
                    ports.dedup();
                    ports.join(", ")
                })
                .collect()
        })
        .collect();
    Reach {
        sources: sources.iter().map(|s| name(s)).collect(),
        destinations: destinations.iter().map(|d| name(d)).collect(),
        cells,
    }
}
