//! The `network:` block: VPC, zones, subnet tiers, NAT, endpoints, flow logs.

use crate::spec::yes;
use indexmap::IndexMap;
use ipnet::Ipv4Net;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// The VPC's IPv4 CIDR, e.g. `10.0.0.0/16`.
    #[cfg_attr(feature = "schema", schemars(example = "10.0.0.0/16"))]
    pub cidr: String,
    /// How many availability zones (1–6), or their names.
    pub zones: Zones,
    /// Subnet tiers by name; the name becomes part of logical ids (`AppSubnet1`).
    pub tiers: IndexMap<String, TierSpec>,
    #[serde(default)]
    pub nat: NatMode,
    /// VPC endpoints by short service name (`s3`, `ecr.api`, `logs`, ...).
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// Tier whose subnets hold the interface endpoints (default: the first
    /// private tier, else the first isolated one).
    #[serde(default)]
    pub endpoint_tier: Option<String>,
    /// Who the interface endpoints' security group admits on 443: the
    /// stack's workloads (each service's and function's group) or the
    /// VPC's CIDR. Default: `workloads` when the stack holds every workload
    /// that can be in the VPC, see [`StackSpec::endpoint_access`].
    #[serde(default)]
    pub endpoint_access: Option<EndpointAccess>,
    #[serde(default)]
    pub flow_logs: FlowLogsSpec,
    /// Strip every rule from the VPC's default security group (a small custom
    /// resource does it, as CloudFormation cannot).
    #[serde(default = "yes")]
    pub restrict_default_security_group: bool,
    /// A VPC another team owns: archgen creates nothing of the network and
    /// places components in these subnets.
    #[serde(default)]
    pub existing: Option<ExistingNetwork>,
    /// The stack this network is declared in, when this stack uses it
    /// through `network_from:` (its ids then come from that stack's
    /// exports); set when the project's stacks are linked.
    #[serde(skip)]
    pub imported_from: Option<String>,
}

/// An existing VPC and its subnets per tier (in zone order), by id.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExistingNetwork {
    pub vpc_id: String,
    pub subnets: IndexMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Zones {
    Count(u8),
    Names(Vec<String>),
}

impl Zones {
    pub fn count(&self) -> usize {
        match self {
            Zones::Count(n) => usize::from(*n),
            Zones::Names(names) => names.len(),
        }
    }
}

impl<'de> Deserialize<'de> for Zones {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Zones;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a zone count (1 to 6) or a list of zone names")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Zones, E> {
                u8::try_from(n)
                    .map(Zones::Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Zones, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Zones, A::Error> {
                let mut names = Vec::new();
                while let Some(n) = seq.next_element::<String>()? {
                    names.push(n);
                }
                Ok(Zones::Names(names))
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(Zones, "Zones", {
    "description": "How many availability zones (a count), or their names in order.",
    "anyOf": [
        { "type": "integer", "minimum": 0, "maximum": 255 },
        { "type": "array", "items": { "type": "string" } }
    ],
    "examples": [2, ["ap-northeast-1a", "ap-northeast-1c"]]
});

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    #[serde(rename = "type")]
    pub kind: TierKind,
    /// One CIDR per zone, in zone order.
    #[serde(default)]
    pub cidrs: Vec<String>,
    /// Or a prefix length: subnets are carved from the VPC CIDR in tier order.
    #[serde(default)]
    pub mask: Option<u8>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TierKind {
    /// Routes to the internet gateway.
    Public,
    /// Egress through NAT (or VPC endpoints only, with `nat: none`).
    Private,
    /// No route out of the VPC.
    Isolated,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NatMode {
    None,
    Single,
    #[default]
    PerZone,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FlowLogsSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_retention")]
    pub retention_days: i64,
    #[serde(default)]
    pub traffic: Traffic,
}

fn default_retention() -> i64 {
    365
}

impl Default for FlowLogsSpec {
    fn default() -> Self {
        FlowLogsSpec {
            enabled: true,
            retention_days: default_retention(),
            traffic: Traffic::All,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Traffic {
    #[default]
    All,
    Accept,
    Reject,
}

impl Traffic {
    pub fn as_str(self) -> &'static str {
        match self {
            Traffic::All => "ALL",
            Traffic::Accept => "ACCEPT",
            Traffic::Reject => "REJECT",
        }
    }
}

/// Gateway endpoints: free, attached to route tables.
pub const GATEWAY_ENDPOINTS: &[&str] = &["s3", "dynamodb"];

/// Interface endpoints archgen knows by short name.
pub const INTERFACE_ENDPOINTS: &[&str] = &[
    "ecr.api",
    "ecr.dkr",
    "logs",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "secretsmanager",
    "kms",
    "sts",
    "sqs",
    "sns",
    "monitoring",
    "events",
    "lambda",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "xray",
    "execute-api",
    "elasticloadbalancing",
    "rds",
    "elasticache",
    "ec2",
    "kinesis-streams",
    "states",
    "cognito-idp",
    "application-autoscaling",
    "s3-interface",
];

/// The first tier of the first kind in `prefer` that exists, in spec order:
/// where a component lands when the spec does not name a tier.
pub fn first_tier_of<'a>(
    tiers: impl Iterator<Item = (&'a str, TierKind)> + Clone,
    prefer: &[TierKind],
) -> Option<&'a str> {
    prefer.iter().find_map(|want| {
        tiers
            .clone()
            .find(|(_, kind)| kind == want)
            .map(|(name, _)| name)
    })
}

/// The tier kinds a data component lives in, in order of preference: the
/// one it prefers, else the other non-public kind.
pub fn data_tier_order(prefer: TierKind) -> [TierKind; 2] {
    match prefer {
        TierKind::Isolated => [TierKind::Isolated, TierKind::Private],
        _ => [prefer, TierKind::Isolated],
    }
}

impl NetworkSpec {
    /// See [`first_tier_of`].
    pub fn default_tier(&self, prefer: &[TierKind]) -> Option<String> {
        first_tier_of(self.tiers.iter().map(|(n, t)| (n.as_str(), t.kind)), prefer)
            .map(str::to_string)
    }

    /// Each tier's subnet CIDRs, explicit or derived. Derived subnets are
    /// carved from the VPC CIDR in tier order, after every explicit CIDR, so
    /// they never overlap one. `None` marks one that did not fit or parse.
    pub fn subnet_cidrs(&self) -> IndexMap<String, Vec<Option<Ipv4Net>>> {
        let vpc: Option<Ipv4Net> = self.cidr.parse().ok();
        let explicit: Vec<Ipv4Net> = self
            .tiers
            .values()
            .flat_map(|t| t.cidrs.iter().filter_map(|c| c.parse().ok()))
            .collect();
        let mut taken = explicit.clone();
        let zones = self.zones.count();
        self.tiers
            .iter()
            .map(|(name, tier)| {
                let cidrs = match tier.mask {
                    Some(mask) if tier.cidrs.is_empty() => (0..zones)
                        .map(|_| {
                            let next = vpc.and_then(|v| next_free(v, mask, &taken));
                            if let Some(n) = next {
                                taken.push(n);
                            }
                            next
                        })
                        .collect(),
                    _ => tier.cidrs.iter().map(|c| c.parse().ok()).collect(),
                };
                (name.clone(), cidrs)
            })
            .collect()
    }
}

fn next_free(vpc: Ipv4Net, mask: u8, taken: &[Ipv4Net]) -> Option<Ipv4Net> {
    vpc.subnets(mask).ok()?.find(|candidate| {
        !taken
            .iter()
            .any(|t| t.contains(candidate) || candidate.contains(t))
    })
}

/// Sources the interface endpoints' security group admits.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointAccess {
    /// Each service's and function's security group of the stack.
    Workloads,
    /// The VPC's CIDR: anything in the VPC.
    Vpc,
}

impl crate::spec::StackSpec {
    /// The spec's choice, else `workloads` when archgen knows every
    /// workload in the VPC: the stack runs services or functions and no raw
    /// resources (which may be anything in the VPC). A stack without
    /// workloads (a network shared through its exports) keeps the CIDR.
    pub fn endpoint_access(&self) -> EndpointAccess {
        let chosen = self.network.as_ref().and_then(|n| n.endpoint_access);
        chosen.unwrap_or(
            if (!self.services.is_empty() || !self.functions.is_empty())
                && self.resources.is_empty()
            {
                EndpointAccess::Workloads
            } else {
                EndpointAccess::Vpc
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_subnets_skip_explicit_ones() {
        let spec = NetworkSpec {
            cidr: "10.0.0.0/16".into(),
            zones: Zones::Count(2),
            tiers: IndexMap::from([
                (
                    "public".to_string(),
                    TierSpec {
                        kind: TierKind::Public,
                        cidrs: vec![],
                        mask: Some(24),
                    },
                ),
                (
                    "app".to_string(),
                    TierSpec {
                        kind: TierKind::Private,
                        cidrs: vec!["10.0.0.0/24".into(), "10.0.2.0/24".into()],
                        mask: None,
                    },
                ),
            ]),
            nat: NatMode::Single,
            endpoints: vec![],
            endpoint_tier: None,
            endpoint_access: None,
            flow_logs: FlowLogsSpec::default(),
            restrict_default_security_group: true,
            existing: None,
            imported_from: None,
        };
        let cidrs = spec.subnet_cidrs();
        let public: Vec<String> = cidrs
            .get("public")
            .expect("the public tier")
            .iter()
            .map(|c| c.unwrap().to_string())
            .collect();
        assert_eq!(public, ["10.0.1.0/24", "10.0.3.0/24"]);
    }
}
