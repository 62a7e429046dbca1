//! The architecture diagram's shape: the VPC's tiers as subgraphs holding
//! their components, the edge (CloudFront, edge web ACLs, DNS) as another,
//! what is outside the VPC, and the graph's edges. The template writes it
//! as a Mermaid flowchart.

use archgen_synth::check::CheckedStack;
use serde::Serialize;

use super::graph::{Graph, Node};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Diagram {
    pub vpc: Option<String>,
    pub tiers: Vec<Group>,
    pub edge: Vec<DiagramNode>,
    /// Regional components outside the VPC (buckets, queues, tables, ...).
    pub regional: Vec<DiagramNode>,
    /// Where traffic comes from: the internet, CloudFront's addresses.
    pub outside: Vec<DiagramNode>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub nodes: Vec<DiagramNode>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiagramNode {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub label: String,
}

/// Mermaid ids: letters and digits, prefixed so no id is a keyword.
fn mermaid_id(id: &str) -> String {
    format!("n{}", alphanumeric(id))
}

fn alphanumeric(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn node(n: &Node) -> DiagramNode {
    let label = if n.what == "outside" || n.what == "DNS name" {
        n.name.clone()
    } else {
        format!("{}<br/><small>{}</small>", n.name, n.what)
    };
    DiagramNode {
        id: mermaid_id(&n.id),
        label,
    }
}

impl Diagram {
    pub fn from_graph(graph: &Graph, checked: &CheckedStack) -> Diagram {
        let tiers = checked
            .subnet_tiers()
            .map(|(name, tier, _)| Group {
                // Groups are `g…`, nodes `n…`: a tier never shares an id with a node.
                id: format!("gTier{}", alphanumeric(name)),
                label: format!("{name} ({})", format!("{:?}", tier.kind).to_lowercase()),
                nodes: graph
                    .nodes
                    .iter()
                    .filter(|n| n.tier.as_deref() == Some(name))
                    .map(node)
                    .collect(),
            })
            .collect();
        let unplaced = |n: &&Node| n.tier.is_none();
        let outside_kind = |n: &&Node| n.what == "outside";
        Diagram {
            vpc: checked
                .spec()
                .network
                .as_ref()
                .map(|n| format!("VPC {}", n.cidr)),
            tiers,
            edge: graph
                .nodes
                .iter()
                .filter(unplaced)
                .filter(|n| n.edge)
                .map(node)
                .collect(),
            regional: graph
                .nodes
                .iter()
                .filter(unplaced)
                .filter(|n| !n.edge && !outside_kind(n))
                .map(node)
                .collect(),
            outside: graph.nodes.iter().filter(outside_kind).map(node).collect(),
            links: graph
                .edges
                .iter()
                .map(|e| Link {
                    from: mermaid_id(&e.from),
                    to: mermaid_id(&e.to),
                    label: e.label.clone(),
                })
                .collect(),
        }
    }
}
