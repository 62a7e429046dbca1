//! AWS::ECS::* resource types.

use super::{Expr, Tag};
use serde::Serialize;

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cluster {
    pub cluster_name: Option<String>,
    pub cluster_settings: Vec<NameValue>,
    pub service_connect_defaults: Option<ServiceConnectDefaults>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceConnectDefaults {
    pub namespace: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameValue {
    pub name: String,
    pub value: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskDefinition {
    pub family: String,
    pub cpu: String,
    pub memory: String,
    pub network_mode: String,
    pub requires_compatibilities: Vec<String>,
    pub execution_role_arn: Expr,
    pub task_role_arn: Option<Expr>,
    pub runtime_platform: RuntimePlatform,
    pub container_definitions: Vec<ContainerDefinition>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuntimePlatform {
    pub cpu_architecture: String,
    pub operating_system_family: String,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerDefinition {
    pub name: String,
    pub image: Expr,
    pub essential: bool,
    pub port_mappings: Vec<PortMapping>,
    pub environment: Option<Vec<NameValue>>,
    pub secrets: Option<Vec<Secret>>,
    pub health_check: Option<HealthCheck>,
    pub readonly_root_filesystem: bool,
    pub privileged: bool,
    pub log_configuration: LogConfiguration,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortMapping {
    pub name: Option<String>,
    pub container_port: u32,
    pub protocol: String,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    pub name: String,
    pub value_from: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: u32,
    pub timeout: u32,
    pub retries: u32,
    pub start_period: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfiguration {
    pub log_driver: String,
    pub options: std::collections::BTreeMap<String, Expr>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Service {
    pub cluster: Expr,
    pub task_definition: Expr,
    pub launch_type: String,
    pub desired_count: u32,
    pub enable_execute_command: bool,
    pub propagate_tags: String,
    pub network_configuration: NetworkConfiguration,
    pub deployment_configuration: DeploymentConfiguration,
    pub load_balancers: Option<Vec<ServiceLoadBalancer>>,
    pub health_check_grace_period_seconds: Option<u32>,
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: AwsVpcConfiguration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsVpcConfiguration {
    pub assign_public_ip: String,
    pub security_groups: Vec<Expr>,
    pub subnets: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentConfiguration {
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    pub deployment_circuit_breaker: CircuitBreaker,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceLoadBalancer {
    pub container_name: String,
    pub container_port: u32,
    pub target_group_arn: Expr,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceConnectConfiguration {
    pub enabled: bool,
    pub namespace: Expr,
    pub services: Option<Vec<ServiceConnectService>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceConnectService {
    pub port_name: String,
    pub discovery_name: String,
    pub client_aliases: Vec<ClientAlias>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientAlias {
    pub port: u32,
    pub dns_name: String,
}
