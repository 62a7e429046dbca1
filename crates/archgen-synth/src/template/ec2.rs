//! AWS::EC2::* resource types used by the network builder.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub cidr_block: Expr,
    pub enable_dns_support: Option<bool>,
    pub enable_dns_hostnames: Option<bool>,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub vpc_id: Expr,
    pub cidr_block: Expr,
    pub availability_zone: Option<Expr>,
    pub map_public_ip_on_launch: Option<bool>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcGatewayAttachment {
    pub vpc_id: Expr,
    pub internet_gateway_id: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Eip {
    pub domain: String,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    pub allocation_id: Expr,
    pub subnet_id: Expr,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    pub vpc_id: Expr,
    pub tags: Vec<Tag>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    pub route_table_id: Expr,
    pub destination_cidr_block: Expr,
    pub gateway_id: Option<Expr>,
    pub nat_gateway_id: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetRouteTableAssociation {
    pub subnet_id: Expr,
    pub route_table_id: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    pub vpc_id: Expr,
    pub service_name: Expr,
    pub vpc_endpoint_type: String,
    pub private_dns_enabled: Option<bool>,
    pub route_table_ids: Option<Vec<Expr>>,
    pub subnet_ids: Option<Vec<Expr>>,
    pub security_group_ids: Option<Vec<Expr>>,
    pub tags: Option<Vec<Tag>>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub group_description: String,
    pub vpc_id: Expr,
    pub security_group_ingress: Option<Vec<IngressRule>>,
    pub security_group_egress: Option<Vec<EgressRule>>,
    pub tags: Vec<Tag>,
}

/// An inline ingress rule (property of a security group).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IngressRule {
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ip: Option<Expr>,
    pub source_security_group_id: Option<Expr>,
    pub source_prefix_list_id: Option<Expr>,
    pub description: String,
}

/// An inline egress rule (property of a security group).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EgressRule {
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ip: Option<Expr>,
    pub destination_security_group_id: Option<Expr>,
    pub destination_prefix_list_id: Option<Expr>,
    pub description: String,
}

impl EgressRule {
    /// The rule CDK uses to express "no egress at all": CloudFormation adds
    /// allow-all egress to a group that declares none.
    pub fn deny_all() -> EgressRule {
        EgressRule {
            ip_protocol: "icmp".into(),
            from_port: Some(252),
            to_port: Some(86),
            cidr_ip: Some("255.255.255.255/32".into()),
            destination_security_group_id: None,
            destination_prefix_list_id: None,
            description: "Disallow all traffic".into(),
        }
    }
}

/// A standalone ingress rule: needed when two groups refer to each other.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupIngress {
    pub group_id: Expr,
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ip: Option<Expr>,
    pub source_security_group_id: Option<Expr>,
    pub description: String,
}

/// A standalone egress rule: needed when two groups refer to each other.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupEgress {
    pub group_id: Expr,
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ip: Option<Expr>,
    pub destination_security_group_id: Option<Expr>,
    pub destination_prefix_list_id: Option<Expr>,
    pub description: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlowLog {
    pub resource_id: Expr,
    pub resource_type: String,
    pub traffic_type: String,
    pub log_destination_type: String,
    pub log_group_name: Option<Expr>,
    pub deliver_logs_permission_arn: Option<Expr>,
    pub max_aggregation_interval: Option<i64>,
    pub tags: Vec<Tag>,
}
