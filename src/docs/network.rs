//! The network section: tiers with their CIDR per zone, NAT, endpoints.

use archgen_synth::check::CheckedStack;
use serde::Serialize;

use super::cfn::{Cfn, describe};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Network {
    pub vpc_cidr: String,
    pub existing_vpc: Option<String>,
    pub zones: Vec<String>,
    pub tiers: Vec<Tier>,
    pub nat_gateways: usize,
    pub endpoints: Vec<Endpoint>,
    pub flow_logs: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tier {
    pub name: String,
    pub kind: String,
    /// One per zone, in zone order.
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Endpoint {
    pub service: String,
    pub kind: String,
}

pub fn section(checked: &CheckedStack, cfn: &Cfn) -> Option<Network> {
    let spec = checked.spec().network.as_ref()?;
    let zones = match &spec.zones {
        archgen_synth::spec::network::Zones::Names(names) => names.clone(),
        archgen_synth::spec::network::Zones::Count(n) => {
            (1..=*n).map(|z| format!("zone {z}")).collect()
        }
    };
    let tiers = checked
        .subnet_tiers()
        .map(|(name, tier, cidrs)| Tier {
            name: name.to_string(),
            kind: format!("{:?}", tier.kind).to_lowercase(),
            cidrs: cidrs.iter().map(ToString::to_string).collect(),
        })
        .collect();
    let endpoints = cfn
        .of_type("AWS::EC2::VPCEndpoint")
        .map(|e| Endpoint {
            service: short_service(
                e.get("ServiceName")["Fn::Sub"]
                    .as_str()
                    .map_or_else(|| describe(e.get("ServiceName")), String::from)
                    .as_str(),
            ),
            kind: e
                .text("VpcEndpointType")
                .unwrap_or_else(|| "Gateway".into()),
        })
        .collect();
    let flow_logs = cfn.of_type("AWS::EC2::FlowLog").next().map(|f| {
        let days = cfn
            .of_type("AWS::Logs::LogGroup")
            .find(|g| {
                Some(g.id) == super::cfn::target(f.get("LogGroupName")).or(Some("FlowLogGroup"))
            })
            .and_then(|g| g.text("RetentionInDays"));
        match days {
            Some(days) => format!(
                "{} traffic, kept {days} days",
                f.text("TrafficType").unwrap_or_default()
            ),
            None => format!("{} traffic", f.text("TrafficType").unwrap_or_default()),
        }
    });
    Some(Network {
        vpc_cidr: spec.cidr.clone(),
        existing_vpc: spec.existing.as_ref().map(|e| e.vpc_id.clone()),
        zones,
        tiers,
        nat_gateways: cfn.of_type("AWS::EC2::NatGateway").count(),
        endpoints,
        flow_logs,
    })
}

/// `com.amazonaws.${AWS::Region}.ecr.api` → `ecr.api`.
fn short_service(name: &str) -> String {
    name.rsplit_once("}.")
        .map_or(name, |(_, service)| service)
        .to_string()
}
