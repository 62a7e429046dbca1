//! L2 network builder: VPC, subnets per tier and zone, routing, NAT, VPC
//! endpoints, flow logs and a locked-down default security group.

use indexmap::IndexMap;
use ipnet::Ipv4Net;

use super::custom;
use super::logs::retained_log_group;
use crate::naming::{Names, pascal};
use crate::spec::network::{
    GATEWAY_ENDPOINTS, NatMode, NetworkSpec, TierKind, TierSpec, Zones, first_tier_of,
};
use crate::template::ec2::*;
use crate::template::iam::{PolicyDocument, Role, Statement, role};
use crate::template::{Export, Expr, Output, Props, Tag, Template};

/// What later builders need from the network.
#[derive(Debug, Clone)]
pub struct NetworkRefs {
    pub vpc_id: Expr,
    pub vpc_cidr: String,
    /// The VPC's CIDR as the template reads it (`Fn::GetAtt Vpc.CidrBlock`
    /// for one archgen creates).
    pub cidr_block: Expr,
    /// Subnet ids per tier name, in zone order.
    pub subnets: IndexMap<String, Vec<Expr>>,
    pub tier_kinds: IndexMap<String, TierKind>,
}

impl NetworkRefs {
    /// The named tier, else the first of the preferred kinds (see
    /// [`first_tier_of`]).
    pub fn tier(&self, named: Option<&str>, prefer: &[TierKind]) -> Option<String> {
        match named {
            Some(n) => Some(n.to_string()),
            None => first_tier_of(
                self.tier_kinds.iter().map(|(n, k)| (n.as_str(), *k)),
                prefer,
            )
            .map(str::to_string),
        }
    }

    /// Subnet ids of [`NetworkRefs::tier`], empty when there is none.
    pub fn subnets_in(&self, named: Option<&str>, prefer: &[TierKind]) -> Vec<Expr> {
        self.tier(named, prefer)
            .and_then(|t| self.subnets.get(&t).cloned())
            .unwrap_or_default()
    }
}

/// An existing VPC (`network.existing`): its ids, nothing built.
pub fn existing(
    net: &NetworkSpec,
    existing: &crate::spec::network::ExistingNetwork,
) -> NetworkRefs {
    NetworkRefs {
        vpc_id: existing.vpc_id.clone().into(),
        vpc_cidr: net.cidr.clone(),
        cidr_block: net.cidr.clone().into(),
        subnets: existing
            .subnets
            .iter()
            .map(|(tier, ids)| (tier.clone(), ids.iter().map(Expr::from).collect()))
            .collect(),
        tier_kinds: net.tiers.iter().map(|(n, t)| (n.clone(), t.kind)).collect(),
    }
}

/// The network of another stack of the project (`network_from:`): its VPC,
/// CIDR and subnets per tier from that stack's exports (`<app>-<env>-VpcId`,
/// `<Tier>SubnetIds`, comma-separated in zone order), nothing built.
pub fn imported(net: &NetworkSpec, names: &Names) -> NetworkRefs {
    let zones = net.zones.count();
    NetworkRefs {
        vpc_id: Expr::import(names.export("VpcId")),
        vpc_cidr: net.cidr.clone(),
        cidr_block: Expr::import(names.export("VpcCidr")),
        subnets: net
            .tiers
            .keys()
            .map(|tier| {
                let ids = Expr::import(names.export(&format!("{}SubnetIds", pascal(tier))));
                let split = Expr::Split(",".into(), Box::new(ids));
                let each = (0..zones)
                    .map(|z| Expr::Select(z as u32, Box::new(split.clone())))
                    .collect();
                (tier.clone(), each)
            })
            .collect(),
        tier_kinds: net.tiers.iter().map(|(n, t)| (n.clone(), t.kind)).collect(),
    }
}

/// Builds the network of `net`, with the subnets `check` planned for each
/// tier (`tiers`, in spec order).
pub fn build<'a>(
    t: &mut Template,
    names: &Names,
    net: &NetworkSpec,
    tiers: impl Iterator<Item = (&'a str, &'a TierSpec, &'a [Ipv4Net])>,
    tags: &[Tag],
) -> NetworkRefs {
    let named = |what: &str| -> Vec<Tag> {
        let mut v = vec![Tag::new("Name", names.physical(what))];
        v.extend(tags.iter().cloned());
        v
    };
    let vpc = Expr::r#ref("Vpc");
    t.add(
        "Vpc",
        Vpc {
            cidr_block: Some(net.cidr.clone().into()),
            enable_dns_support: Some(true.into()),
            enable_dns_hostnames: Some(true.into()),
            tags: Some(named("vpc")),
            ..Default::default()
        },
    );

    let zone = |i: usize| -> Expr {
        match &net.zones {
            Zones::Count(_) => Expr::zone(i as u32),
            Zones::Names(names) => names[i].clone().into(),
        }
    };
    let has_public = net.tiers.values().any(|t| t.kind == TierKind::Public);
    if has_public {
        t.add(
            "InternetGateway",
            InternetGateway {
                tags: Some(named("igw")),
            },
        );
        t.add(
            "InternetGatewayAttachment",
            VpcGatewayAttachment {
                vpc_id: vpc.clone(),
                internet_gateway_id: Some(Expr::r#ref("InternetGateway")),
                ..Default::default()
            },
        );
    }

    let mut refs = NetworkRefs {
        vpc_id: vpc.clone(),
        vpc_cidr: net.cidr.clone(),
        cidr_block: Expr::get_att("Vpc", "CidrBlock"),
        subnets: IndexMap::new(),
        tier_kinds: IndexMap::new(),
    };
    // Route tables per tier and zone; gateway endpoints attach to the
    // non-public ones.
    let mut private_route_tables = Vec::new();
    for (name, tier, subnets) in tiers {
        let p = pascal(name);
        let mut ids = Vec::new();
        for (z, cidr) in subnets.iter().enumerate() {
            let n = z + 1;
            let subnet_id = format!("{p}Subnet{n}");
            let subnet = t.add(
                &subnet_id,
                Subnet {
                    vpc_id: vpc.clone(),
                    cidr_block: Some(cidr.to_string().into()),
                    availability_zone: Some(zone(z)),
                    // Public subnets hold load balancers and NAT gateways,
                    // which carry their own addresses; nothing needs one
                    // assigned automatically.
                    map_public_ip_on_launch: Some(false.into()),
                    tags: Some(named(&format!("{name}-{n}"))),
                    ..Default::default()
                },
            );
            if let Zones::Names(_) = &net.zones {
                subnet.ignore_lint("W3010", "zone names are pinned in the spec (network.zones)");
            }
            let rt = format!("{p}RouteTable{n}");
            t.add(
                &rt,
                RouteTable {
                    vpc_id: vpc.clone(),
                    tags: Some(named(&format!("{name}-{n}"))),
                },
            );
            t.add(
                format!("{p}Subnet{n}RouteTableAssociation"),
                SubnetRouteTableAssociation {
                    subnet_id: Expr::r#ref(&subnet_id),
                    route_table_id: Expr::r#ref(&rt),
                },
            );
            match tier.kind {
                TierKind::Public => {
                    t.add(
                        format!("{p}DefaultRoute{n}"),
                        Route {
                            route_table_id: Expr::r#ref(&rt),
                            destination_cidr_block: Some("0.0.0.0/0".into()),
                            gateway_id: Some(Expr::r#ref("InternetGateway")),
                            ..Default::default()
                        },
                    )
                    .depends_on("InternetGatewayAttachment");
                }
                TierKind::Private => {
                    let nat = match net.nat {
                        NatMode::None => None,
                        NatMode::Single => Some(1),
                        NatMode::PerZone => Some(n),
                    };
                    if let Some(nat) = nat.filter(|_| has_public) {
                        t.add(
                            format!("{p}DefaultRoute{n}"),
                            Route {
                                route_table_id: Expr::r#ref(&rt),
                                destination_cidr_block: Some("0.0.0.0/0".into()),
                                nat_gateway_id: Some(Expr::r#ref(format!("NatGateway{nat}"))),
                                ..Default::default()
                            },
                        );
                    }
                    private_route_tables.push(Expr::r#ref(&rt));
                }
                TierKind::Isolated => private_route_tables.push(Expr::r#ref(&rt)),
            }
            ids.push(Expr::r#ref(&subnet_id));
        }
        refs.subnets.insert(name.to_string(), ids);
        refs.tier_kinds.insert(name.to_string(), tier.kind);
    }

    build_nat(t, names, net, &refs, &named);
    build_endpoints(t, net, &refs, &private_route_tables, &named);
    if net.flow_logs.enabled {
        build_flow_logs(t, net, &named);
    }
    if net.restrict_default_security_group {
        build_default_sg_lockdown(t, &named);
    }
    build_outputs(t, names, &refs);
    refs
}

fn build_nat(
    t: &mut Template,
    _names: &Names,
    net: &NetworkSpec,
    refs: &NetworkRefs,
    named: &dyn Fn(&str) -> Vec<Tag>,
) {
    let has_private = refs.tier_kinds.values().any(|k| *k == TierKind::Private);
    let Some((public, _)) = refs
        .tier_kinds
        .iter()
        .find(|(_, k)| **k == TierKind::Public)
    else {
        return;
    };
    let count = match net.nat {
        _ if !has_private => 0,
        NatMode::None => 0,
        NatMode::Single => 1,
        NatMode::PerZone => net.zones.count(),
    };
    for n in 1..=count {
        t.add(
            format!("NatEip{n}"),
            Eip {
                domain: Some("vpc".into()),
                tags: Some(named(&format!("nat-{n}"))),
                ..Default::default()
            },
        )
        .depends_on("InternetGatewayAttachment");
        t.add(
            format!("NatGateway{n}"),
            NatGateway {
                allocation_id: Some(Expr::get_att(format!("NatEip{n}"), "AllocationId")),
                subnet_id: Some(refs.subnets[public][n - 1].clone()),
                tags: Some(named(&format!("nat-{n}"))),
                ..Default::default()
            },
        );
    }
}

fn build_endpoints(
    t: &mut Template,
    net: &NetworkSpec,
    refs: &NetworkRefs,
    private_route_tables: &[Expr],
    named: &dyn Fn(&str) -> Vec<Tag>,
) {
    let interface: Vec<&String> = net
        .endpoints
        .iter()
        .filter(|e| !GATEWAY_ENDPOINTS.contains(&e.as_str()))
        .collect();
    for e in net
        .endpoints
        .iter()
        .filter(|e| GATEWAY_ENDPOINTS.contains(&e.as_str()))
    {
        t.add(
            format!("{}Endpoint", pascal(e)),
            VpcEndpoint {
                vpc_id: refs.vpc_id.clone(),
                service_name: Some(Expr::sub(format!("com.amazonaws.${{AWS::Region}}.{e}"))),
                vpc_endpoint_type: Some("Gateway".into()),
                route_table_ids: Some(private_route_tables.to_vec()),
                ..Default::default()
            },
        );
    }
    if interface.is_empty() {
        return;
    }
    let tier = refs.tier(
        net.endpoint_tier.as_deref(),
        &[TierKind::Private, TierKind::Isolated],
    );
    let Some(tier) = tier else { return };
    t.add(
        ENDPOINT_SG,
        SecurityGroup {
            group_description: "Interface VPC endpoints: HTTPS from inside the VPC only".into(),
            vpc_id: Some(refs.vpc_id.clone()),
            security_group_ingress: Some(vec![security_group::Ingress {
                ip_protocol: "tcp".into(),
                from_port: Some(443.into()),
                to_port: Some(443.into()),
                cidr_ip: Some(Expr::get_att("Vpc", "CidrBlock")),
                description: Some("HTTPS from inside the VPC".into()),
                ..Default::default()
            }]),
            security_group_egress: Some(vec![security_group::Egress::deny_all()]),
            tags: Some(named("endpoints")),
            ..Default::default()
        },
    );
    for e in interface {
        // `s3-interface` is S3's interface endpoint, for on-premises access.
        let service = if e == "s3-interface" {
            "s3"
        } else {
            e.as_str()
        };
        t.add(
            format!("{}Endpoint", pascal(e)),
            VpcEndpoint {
                vpc_id: refs.vpc_id.clone(),
                service_name: Some(Expr::sub(format!(
                    "com.amazonaws.${{AWS::Region}}.{service}"
                ))),
                vpc_endpoint_type: Some("Interface".into()),
                private_dns_enabled: Some((e != "s3-interface").into()),
                subnet_ids: Some(refs.subnets[&tier].clone()),
                security_group_ids: Some(vec![Expr::r#ref(ENDPOINT_SG)]),
                ..Default::default()
            },
        );
    }
}

pub const ENDPOINT_SG: &str = "EndpointSecurityGroup";

/// `endpoint_access: workloads`: the interface endpoints' group admits
/// HTTPS from each workload's group (document 002's VPCE SG: "App SG (443)")
/// instead of the whole VPC. Runs after the workloads are built; `workloads`
/// are (label, security group logical id), in spec order.
pub fn admit_workloads_to_endpoints(t: &mut Template, workloads: &[(String, String)]) {
    let Some(Props::Ec2SecurityGroup(sg)) = t.resources.get_mut(ENDPOINT_SG).map(|r| &mut r.props)
    else {
        return;
    };
    sg.group_description =
        "Interface VPC endpoints: HTTPS from the workloads of the stack only".into();
    sg.security_group_ingress = Some(
        workloads
            .iter()
            .map(|(label, group)| security_group::Ingress {
                ip_protocol: "tcp".into(),
                from_port: Some(443.into()),
                to_port: Some(443.into()),
                source_security_group_id: Some(Expr::get_att(group, "GroupId")),
                description: Some(format!("HTTPS from {label}").into()),
                ..Default::default()
            })
            .collect(),
    );
}

fn build_flow_logs(t: &mut Template, net: &NetworkSpec, named: &dyn Fn(&str) -> Vec<Tag>) {
    let retention = net.flow_logs.retention_days;
    // Flow logs are security evidence: kept when the stack goes.
    retained_log_group(
        t,
        "FlowLogGroup",
        None,
        retention,
        "network.flow_logs.retention_days",
        named("flow-logs"),
    );
    t.add(
        "FlowLogRole",
        Role {
            assume_role_policy_document: PolicyDocument {
                version: "2012-10-17",
                statement: vec![Statement {
                    sid: None,
                    effect: "Allow",
                    principal: Some(serde_json::json!({"Service": "vpc-flow-logs.amazonaws.com"})),
                    action: vec!["sts:AssumeRole".into()],
                    resource: None,
                    // Confused-deputy guard: only this account's flow logs.
                    condition: Some(serde_json::json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})),
                }],
            }
            .into(),
            description: Some("Lets VPC flow logs write to their log group".into()),
            policies: Some(vec![role::Policy {
                policy_name: "write-flow-logs".into(),
                policy_document: PolicyDocument::new(vec![Statement::allow(
                    "WriteFlowLogGroup",
                    &["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    vec![Expr::get_att("FlowLogGroup", "Arn")],
                )])
                .into(),
            }]),
            tags: Some(named("flow-logs")),
            ..Default::default()
        },
    );
    t.add(
        "FlowLog",
        FlowLog {
            resource_id: Expr::r#ref("Vpc"),
            resource_type: "VPC".into(),
            traffic_type: Some(net.flow_logs.traffic.as_str().into()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(Expr::r#ref("FlowLogGroup")),
            deliver_logs_permission_arn: Some(Expr::get_att("FlowLogRole", "Arn")),
            tags: Some(named("flow-logs")),
            ..Default::default()
        },
    );
}

/// Revokes every rule of the VPC's default security group on create and
/// update. CloudFormation has no property for it, so a small inline function
/// does it (the way CDK's `restrictDefaultSecurityGroup` works).
// Source: templates/lambda/restrict_default_security_group.py (unit-tested in tests/lambda/), through
// this crate's `lambda/` link, so the published crate carries it.
const RESTRICT_DEFAULT_SG_CODE: &str =
    include_str!("../../lambda/restrict_default_security_group.py");

fn build_default_sg_lockdown(t: &mut Template, named: &dyn Fn(&str) -> Vec<Tag>) {
    let mut describe = Statement::allow(
        "DescribeGroups",
        &["ec2:DescribeSecurityGroups"],
        vec!["*".into()],
    );
    describe.sid = Some("DescribeGroupsHasNoResourceLevelPermissions".into());
    custom::build(
        t,
        custom::InlineResource {
            id: "RestrictDefaultSecurityGroup",
            type_name: "Custom::RestrictDefaultSecurityGroup",
            function_description: "Removes all rules from the VPC's default security group",
            role_description: "Lets the default-security-group lockdown revoke that group's rules",
            policy_name: "restrict-default-security-group",
            code: RESTRICT_DEFAULT_SG_CODE,
            api: "EC2",
            timeout_seconds: custom::QUICK_TIMEOUT_SECONDS,
            statements: vec![
                Statement::allow(
                    "RevokeDefaultGroupRules",
                    &[
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupEgress",
                    ],
                    vec![Expr::sub(
                        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Vpc.DefaultSecurityGroup}",
                    )],
                ),
                describe,
            ],
            wildcard_reasons: &[(
                "ec2:DescribeSecurityGroups",
                "EC2 Describe actions support no resource-level permissions",
            )],
            properties: vec![(
                "DefaultSecurityGroupId",
                Expr::get_att("Vpc", "DefaultSecurityGroup"),
            )],
        },
        named("restrict-default-sg"),
    );
}

fn build_outputs(t: &mut Template, names: &Names, refs: &NetworkRefs) {
    let export = |id: &str| {
        Some(Export {
            name: names.export(id).into(),
        })
    };
    t.output(
        "VpcId",
        Output {
            description: "VPC id".into(),
            value: refs.vpc_id.clone(),
            export: export("VpcId"),
        },
    );
    t.output(
        "VpcCidr",
        Output {
            description: "VPC IPv4 CIDR".into(),
            value: Expr::get_att("Vpc", "CidrBlock"),
            export: export("VpcCidr"),
        },
    );
    for (tier, ids) in &refs.subnets {
        let id = format!("{}SubnetIds", pascal(tier));
        t.output(
            &id,
            Output {
                description: format!(
                    "Subnet ids of the {tier} tier, in zone order, comma-separated"
                ),
                value: Expr::Join(",".into(), ids.clone()),
                export: export(&id),
            },
        );
    }
}
