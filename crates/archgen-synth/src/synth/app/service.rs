//! One ECS Fargate service: security group, logs, roles, task definition,
//! target group and listener rule, the service itself, and autoscaling.

use std::collections::BTreeMap;

use super::super::Ctx;
use super::super::connect::{self, SecretSource};
use super::super::logs::retained_log_group;
use super::alb::{LB, LB_SG, LoadBalancerRefs};
use super::{deployment, ecr, iam, origin_verify, rules};
use crate::naming::pascal;
use crate::spec::app::{Architecture, ImageSpec, RouteFrom, ServiceSpec};
use crate::spec::network::TierKind;
use crate::template::applicationautoscaling::scalable_target::{
    ScalableTargetAction, ScheduledAction,
};
use crate::template::applicationautoscaling::scaling_policy::{
    PredefinedMetricSpecification, TargetTrackingScalingPolicyConfiguration,
};
use crate::template::applicationautoscaling::{ScalableTarget, ScalingPolicy};
use crate::template::ecs::service::{
    self, AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration,
    NetworkConfiguration, ServiceConnectClientAlias, ServiceConnectConfiguration,
    ServiceConnectService,
};
use crate::template::ecs::task_definition::{
    ContainerDefinition, HealthCheck, KeyValuePair, LogConfiguration, MountPoint, PortMapping,
    RuntimePlatform, Secret, Volume,
};
use crate::template::ecs::{Service, TaskDefinition};
use crate::template::elasticloadbalancingv2::listener_rule::{
    Action, HostHeaderConfig, PathPatternConfig, RuleCondition, SourceIpConfig,
};
use crate::template::elasticloadbalancingv2::target_group::Matcher;
use crate::template::elasticloadbalancingv2::{ListenerRule, TargetGroup};
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

pub const CLUSTER: &str = "Cluster";
pub const NAMESPACE: &str = "ServiceNamespace";

pub fn security_group_id(key: &str) -> String {
    format!("{}SecurityGroup", pascal(key))
}

/// The task volume behind the `i`-th scratch path.
fn scratch_volume(i: usize) -> String {
    format!("scratch-{}", i + 1)
}

/// The service's log group.
pub fn log_group_id(key: &str) -> String {
    format!("{}LogGroup", pascal(key))
}

pub fn target_group_id(key: &str) -> String {
    format!("{}TargetGroup", pascal(key))
}

/// What the declared connections and secrets of a service add up to.
#[derive(Default)]
struct Wiring {
    environment: BTreeMap<String, Expr>,
    secrets: BTreeMap<String, Expr>,
    execution: Vec<Statement>,
    task: Vec<Statement>,
    /// The service calls other services through Service Connect.
    service_client: bool,
    /// What its tasks must start after.
    depends_on: Vec<String>,
}

pub struct Placement<'a> {
    pub lb: Option<&'a LoadBalancerRefs>,
    /// Other services connect to this one: publish it in Service Connect.
    pub is_service_target: bool,
    pub uses_namespace: bool,
}

pub fn build(t: &mut Template, ctx: &Ctx, key: &str, s: &ServiceSpec, place: Placement) {
    let Some(net) = ctx.network.as_ref() else {
        return;
    };
    let id = pascal(key);
    let sg = security_group_id(key);
    let subnets = net.subnets_in(s.tier.as_deref(), &[TierKind::Private, TierKind::Isolated]);

    let group = match &s.allow_all_outbound {
        Some(all) => rules::all_out_group(
            net.vpc_id.clone(),
            format!("{key} service tasks"),
            all.reason.as_deref().unwrap_or_default(),
            ctx.named(key),
        ),
        None => rules::https_out_group(
            net.vpc_id.clone(),
            format!("{key} service tasks"),
            "HTTPS to AWS APIs (ECR, logs, secrets) and external services",
            ctx.named(key),
        ),
    };
    t.add(&sg, group);

    let log_group = log_group_id(key);
    retained_log_group(
        t,
        &log_group,
        s.log_group.clone().map(Into::into),
        s.log_retention_days,
        &format!("services.{key}.log_retention_days"),
        ctx.named(key),
    );

    let mut wiring = wire_connections(t, ctx, key, s);
    wire_secrets(ctx, key, s, &mut wiring);

    // Execution role: pull the image, write the log group, read the secrets.
    let mut execution = match &s.image {
        ImageSpec::Repository { repository, .. } => {
            iam::pull_image(Expr::get_att(ecr::repository_id(repository), "Arn"))
        }
        ImageSpec::Uri(uri) => iam::ecr_repository_arn(uri)
            .map(iam::pull_image)
            .unwrap_or_default(),
    };
    execution.push(Statement::allow(
        "WriteLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![Expr::get_att(&log_group, "Arn")],
    ));
    execution.append(&mut wiring.execution);
    let exec_reasons = iam::wildcard_reasons(&execution);
    let role = t.add(
        format!("{id}ExecutionRole"),
        iam::task_role(
            format!("ECS task execution role of {key}: image, logs and its own secrets only"),
            "execution",
            execution,
            ctx.named(key),
        ),
    );
    role.metadata = exec_reasons;

    if s.exec {
        wiring.task.push(Statement::allow(
            "EcsExec",
            &[
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            vec!["*".into()],
        ));
    }
    if s.tracing {
        wiring.task.push(connect::xray_grant());
        wiring.environment.insert(
            "AWS_XRAY_DAEMON_ADDRESS".into(),
            format!("127.0.0.1:{XRAY_PORT}").into(),
        );
    }
    let task_role = (!wiring.task.is_empty()).then(|| {
        let reasons = iam::wildcard_reasons(&wiring.task);
        let statements = std::mem::take(&mut wiring.task);
        let role = t.add(
            format!("{id}TaskRole"),
            iam::task_role(
                format!("Task role of {key}: grants implied by its declared connections"),
                "connections",
                statements,
                ctx.named(key),
            ),
        );
        role.metadata = reasons;
        Expr::get_att(format!("{id}TaskRole"), "Arn")
    });

    let image: Expr = match &s.image {
        ImageSpec::Uri(uri) => uri.clone().into(),
        ImageSpec::Repository { repository, tag } => Expr::sub(format!(
            "${{{}.RepositoryUri}}:{tag}",
            ecr::repository_id(repository)
        )),
    };
    let port_name = "http".to_string();
    let mut environment: Vec<(String, Expr)> = s
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    environment.extend(wiring.environment);
    environment.sort_by(|a, b| a.0.cmp(&b.0));
    let environment: Vec<KeyValuePair> = environment
        .into_iter()
        .map(|(name, value)| KeyValuePair {
            name: Some(name.into()),
            value: Some(value),
        })
        .collect();
    let secrets: Vec<Secret> = wiring
        .secrets
        .into_iter()
        .map(|(name, value_from)| Secret {
            name: name.into(),
            value_from,
        })
        .collect();
    let td = t.add(
        format!("{id}TaskDefinition"),
        TaskDefinition {
            family: Some(
                s.family
                    .clone()
                    .unwrap_or_else(|| ctx.names.physical(key))
                    .into(),
            ),
            // CloudFormation takes task sizes as strings.
            cpu: Some(s.cpu.to_string().into()),
            memory: Some(s.memory.to_string().into()),
            network_mode: Some("awsvpc".into()),
            requires_compatibilities: Some(vec!["FARGATE".into()]),
            execution_role_arn: Some(Expr::get_att(format!("{id}ExecutionRole"), "Arn")),
            task_role_arn: task_role,
            runtime_platform: Some(RuntimePlatform {
                cpu_architecture: Some(
                    match s.architecture {
                        Architecture::X86_64 => "X86_64",
                        Architecture::Arm64 => "ARM64",
                    }
                    .into(),
                ),
                operating_system_family: Some("LINUX".into()),
            }),
            container_definitions: Some(
                [ContainerDefinition {
                    name: key.into(),
                    image,
                    essential: Some(true.into()),
                    port_mappings: Some(vec![PortMapping {
                        name: Some(port_name.clone().into()),
                        container_port: Some(s.port.into()),
                        protocol: Some("tcp".into()),
                        app_protocol: Some("http".into()),
                        ..Default::default()
                    }]),
                    environment: (!environment.is_empty()).then_some(environment),
                    secrets: (!secrets.is_empty()).then_some(secrets),
                    health_check: s.health_check.as_ref().map(|h| HealthCheck {
                        command: Some(vec!["CMD-SHELL".into(), h.command.clone().into()]),
                        interval: Some(h.interval.into()),
                        timeout: Some(h.timeout.into()),
                        retries: Some(h.retries.into()),
                        start_period: Some(h.start_period.into()),
                    }),
                    readonly_root_filesystem: Some(s.read_only_root_filesystem.into()),
                    user: s.user.clone().map(Expr::from),
                    mount_points: (!s.scratch.is_empty()).then(|| {
                        s.scratch
                            .iter()
                            .enumerate()
                            .map(|(i, path)| MountPoint {
                                container_path: Some(path.clone().into()),
                                source_volume: Some(scratch_volume(i).into()),
                                read_only: Some(false.into()),
                            })
                            .collect()
                    }),
                    privileged: Some(false.into()),
                    log_configuration: Some(awslogs(&log_group, key)),
                    ..Default::default()
                }]
                .into_iter()
                .chain(s.tracing.then(|| xray_daemon(&log_group)))
                .collect(),
            ),
            // Scratch paths: task storage, writable, gone with the task.
            volumes: (!s.scratch.is_empty()).then(|| {
                (0..s.scratch.len())
                    .map(|i| Volume {
                        name: Some(scratch_volume(i).into()),
                        ..Default::default()
                    })
                    .collect()
            }),
            tags: Some(ctx.named(key)),
            ..Default::default()
        },
    );
    if !s.read_only_root_filesystem {
        td.skip_check("CKV_AWS_336", &format!("the image writes to its root filesystem (services.{key}.read_only_root_filesystem: false)"));
    }

    // Load balancer: target group, listener rule, and the one rule that lets
    // the load balancer reach this service's port.
    let mut depends_on = std::mem::take(&mut wiring.depends_on);
    let mut load_balancers = None;
    if let (Some(route), Some(lb)) = (&s.route, place.lb) {
        let tg = target_group_id(key);
        let hc = &route.health_check;
        let target_group = |name: Option<Expr>| TargetGroup {
            name,
            target_type: Some("ip".into()),
            protocol: Some("HTTP".into()),
            port: Some(s.port.into()),
            vpc_id: Some(net.vpc_id.clone()),
            health_check_enabled: Some(true.into()),
            health_check_path: Some(hc.path.clone().into()),
            health_check_protocol: Some("HTTP".into()),
            health_check_interval_seconds: Some(hc.interval.into()),
            health_check_timeout_seconds: Some(hc.timeout.into()),
            healthy_threshold_count: Some(hc.healthy_threshold.into()),
            unhealthy_threshold_count: Some(hc.unhealthy_threshold.into()),
            matcher: Some(Matcher {
                http_code: Some(hc.matcher.clone().into()),
                ..Default::default()
            }),
            // Written as an empty list, as it always has been.
            target_group_attributes: Some(Vec::new()),
            tags: Some(ctx.named(key)),
            ..Default::default()
        };
        t.add(
            &tg,
            target_group(route.target_group_name.clone().map(Expr::from)),
        );
        // Blue/green, canary, linear: a second group for the new revision,
        // named by CloudFormation (a fixed name cannot be reused).
        let shifting = deployment::shifting(s.deployment.as_ref());
        if shifting.is_some() {
            t.add(
                deployment::alternate_target_group_id(key),
                target_group(None),
            );
            deployment::role(t, ctx, key);
        }
        rules::allow(
            t,
            "load-balancer",
            LB_SG,
            key,
            Expr::get_att(&sg, "GroupId"),
            port16(s.port),
            "load balancer to service",
        );
        depends_on.push(lb.listener.to_string());
        if route.default
            && let Some(rule) = lb.default_rule
        {
            depends_on.push(rule.to_string());
        }
        if !route.paths.is_empty() || !route.hosts.is_empty() {
            let mut conditions = Vec::new();
            if !route.paths.is_empty() {
                conditions.push(RuleCondition {
                    field: Some("path-pattern".into()),
                    path_pattern_config: Some(PathPatternConfig {
                        values: Some(route.paths.iter().map(Expr::from).collect()),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
            if !route.hosts.is_empty() {
                conditions.push(RuleCondition {
                    field: Some("host-header".into()),
                    host_header_config: Some(HostHeaderConfig {
                        values: Some(route.hosts.iter().map(Expr::from).collect()),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
            // `from: api`: only the VPC, where the API's VPC link connects
            // from, so the API's authorizer cannot be skipped.
            if route.from == RouteFrom::Api {
                conditions.push(RuleCondition {
                    field: Some("source-ip".into()),
                    source_ip_config: Some(SourceIpConfig {
                        values: Some(vec![net.vpc_cidr.clone().into()]),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
            if lb.origin_verify {
                conditions.push(origin_verify::condition());
            }
            t.add(
                format!("{id}ListenerRule"),
                ListenerRule {
                    listener_arn: Some(Expr::r#ref(lb.listener)),
                    priority: route.priority.unwrap_or(1).into(),
                    conditions,
                    actions: vec![match shifting {
                        Some(_) => deployment::forward_to_both(
                            Expr::r#ref(&tg),
                            Expr::r#ref(deployment::alternate_target_group_id(key)),
                        ),
                        None => Action::forward(Expr::r#ref(&tg)),
                    }],
                    ..Default::default()
                },
            );
            // A shifting service refers to its rule (ProductionListenerRule),
            // which orders it already.
            if shifting.is_none() {
                depends_on.push(format!("{id}ListenerRule"));
            }
        }
        // `check` made sure a shifting service has its own rule (APP056).
        let has_rule = !route.paths.is_empty() || !route.hosts.is_empty();
        load_balancers = Some(vec![service::LoadBalancer {
            container_name: Some(key.into()),
            container_port: Some(s.port.into()),
            target_group_arn: Some(Expr::r#ref(&tg)),
            advanced_configuration: shifting
                .filter(|_| has_rule)
                .map(|_| deployment::advanced(key, &format!("{id}ListenerRule"))),
            ..Default::default()
        }]);
    }

    let service_connect = place.uses_namespace.then(|| ServiceConnectConfiguration {
        enabled: true.into(),
        namespace: Some(Expr::get_att(NAMESPACE, "Arn")),
        services: place.is_service_target.then(|| {
            vec![ServiceConnectService {
                port_name: port_name.clone().into(),
                discovery_name: Some(key.into()),
                client_aliases: Some(vec![ServiceConnectClientAlias {
                    port: s.port.into(),
                    dns_name: Some(key.into()),
                    ..Default::default()
                }]),
                ..Default::default()
            }]
        }),
        ..Default::default()
    });
    let health_grace = load_balancers.as_ref().map(|_| 60.into());
    let mut deployment_configuration = DeploymentConfiguration {
        minimum_healthy_percent: Some(s.min_healthy_percent.into()),
        maximum_percent: Some(s.max_percent.into()),
        deployment_circuit_breaker: Some(DeploymentCircuitBreaker {
            enable: true.into(),
            rollback: true.into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    if let Some(d) = &s.deployment {
        deployment::configure(ctx, key, d, &mut deployment_configuration);
    }
    let svc = t.add(
        format!("{id}Service"),
        Service {
            cluster: Some(Expr::r#ref(CLUSTER)),
            service_name: s.name.clone().map(Expr::from),
            task_definition: Some(Expr::r#ref(format!("{id}TaskDefinition"))),
            launch_type: Some("FARGATE".into()),
            desired_count: Some(s.count.into()),
            enable_execute_command: Some(s.exec.into()),
            propagate_tags: Some("SERVICE".into()),
            network_configuration: Some(NetworkConfiguration {
                awsvpc_configuration: Some(AwsVpcConfiguration {
                    assign_public_ip: Some("DISABLED".into()),
                    security_groups: Some(vec![Expr::r#ref(&sg)]),
                    subnets: Some(subnets),
                }),
            }),
            deployment_configuration: Some(deployment_configuration),
            load_balancers,
            health_check_grace_period_seconds: health_grace,
            service_connect_configuration: service_connect
                .filter(|_| place.is_service_target || wiring.service_client),
            tags: Some(ctx.named(key)),
            ..Default::default()
        },
    );
    for d in depends_on {
        svc.depends_on(d);
    }

    build_scaling(t, key, s, place.lb.is_some() && s.route.is_some());
}

/// The X-Ray daemon's UDP port, where the SDKs send segments by default.
const XRAY_PORT: u32 = 2000;

pub(crate) fn awslogs(log_group: &str, prefix: &str) -> LogConfiguration {
    LogConfiguration {
        log_driver: "awslogs".into(),
        options: Some(BTreeMap::from([
            ("awslogs-group".to_string(), Expr::r#ref(log_group)),
            ("awslogs-region".to_string(), Expr::r#ref("AWS::Region")),
            ("awslogs-stream-prefix".to_string(), prefix.into()),
        ])),
        ..Default::default()
    }
}

/// The X-Ray daemon beside the app container: not essential, so tracing
/// trouble never stops the service.
fn xray_daemon(log_group: &str) -> ContainerDefinition {
    ContainerDefinition {
        name: "xray-daemon".into(),
        image: "public.ecr.aws/xray/aws-xray-daemon:3.x".into(),
        essential: Some(false.into()),
        port_mappings: Some(vec![PortMapping {
            container_port: Some(XRAY_PORT.into()),
            protocol: Some("udp".into()),
            ..Default::default()
        }]),
        readonly_root_filesystem: Some(true.into()),
        privileged: Some(false.into()),
        log_configuration: Some(awslogs(log_group, "xray")),
        ..Default::default()
    }
}

fn port16(port: u32) -> u16 {
    u16::try_from(port).unwrap_or(u16::MAX)
}

/// Security-group rules, grants and variables for each declared connection.
fn wire_connections(t: &mut Template, ctx: &Ctx, key: &str, s: &ServiceSpec) -> Wiring {
    let sg = security_group_id(key);
    let wired = connect::wire(
        t,
        ctx,
        &connect::Workload {
            key,
            label: key.to_string(),
            security_group: Some(&sg),
        },
        &s.connects_to,
    );
    Wiring {
        environment: wired.environment,
        task: wired.grants,
        service_client: wired.calls_services,
        depends_on: wired.depends_on,
        ..Wiring::default()
    }
}

/// `secrets:` entries become `valueFrom` references and the execution-role
/// grants to read exactly those secrets.
fn wire_secrets(ctx: &Ctx, key: &str, s: &ServiceSpec, w: &mut Wiring) {
    for read in connect::secret_reads(ctx, key, &s.secrets) {
        let value_from = match read.source {
            SecretSource::SecretsManager { arn, json_key } => match json_key {
                Some(k) => Expr::Join(String::new(), vec![arn, format!(":{k}::").into()]),
                None => arn,
            },
            SecretSource::SsmParameter { arn } => arn,
        };
        w.execution.extend(read.grants);
        w.secrets.insert(read.var, value_from);
    }
}

fn build_scaling(t: &mut Template, key: &str, s: &ServiceSpec, behind_lb: bool) {
    let Some(scaling) = &s.scaling else { return };
    let id = pascal(key);
    let target = format!("{id}ScalableTarget");
    let schedules: Vec<ScheduledAction> = scaling
        .schedules
        .iter()
        .map(|(name, sch)| ScheduledAction {
            scheduled_action_name: format!("{key}-{name}").into(),
            schedule: format!("cron({})", sch.cron).into(),
            timezone: Some(sch.time_zone.clone().into()),
            scalable_target_action: Some(ScalableTargetAction {
                min_capacity: sch.min.map(Expr::from),
                max_capacity: sch.max.map(Expr::from),
            }),
            ..Default::default()
        })
        .collect();
    t.add(
        &target,
        ScalableTarget {
            service_namespace: "ecs".into(),
            scalable_dimension: "ecs:service:DesiredCount".into(),
            resource_id: Expr::Join(
                "/".into(),
                vec![
                    "service".into(),
                    Expr::r#ref(CLUSTER),
                    Expr::get_att(format!("{id}Service"), "Name"),
                ],
            ),
            min_capacity: scaling.min.into(),
            max_capacity: scaling.max.into(),
            scheduled_actions: (!schedules.is_empty()).then_some(schedules),
            ..Default::default()
        },
    );
    let mut policy = |suffix: &str, metric: &str, value: u32, label: Option<Expr>| {
        t.add(
            format!("{id}{suffix}Scaling"),
            ScalingPolicy {
                policy_name: format!("{key}-{}", suffix.to_ascii_lowercase()).into(),
                policy_type: "TargetTrackingScaling".into(),
                scaling_target_id: Some(Expr::r#ref(&target)),
                target_tracking_scaling_policy_configuration: Some(
                    TargetTrackingScalingPolicyConfiguration {
                        target_value: f64::from(value).into(),
                        // Scale out quickly, scale in cautiously.
                        scale_out_cooldown: Some(60.into()),
                        scale_in_cooldown: Some(300.into()),
                        predefined_metric_specification: Some(PredefinedMetricSpecification {
                            predefined_metric_type: metric.into(),
                            resource_label: label,
                        }),
                        ..Default::default()
                    },
                ),
                ..Default::default()
            },
        );
    };
    if let Some(cpu) = scaling.cpu {
        policy("Cpu", "ECSServiceAverageCPUUtilization", cpu, None);
    }
    if let Some(mem) = scaling.memory {
        policy("Memory", "ECSServiceAverageMemoryUtilization", mem, None);
    }
    if let (Some(req), true) = (scaling.requests_per_target, behind_lb) {
        let label = Expr::Join(
            "/".into(),
            vec![
                Expr::get_att(LB, "LoadBalancerFullName"),
                Expr::get_att(target_group_id(key), "TargetGroupFullName"),
            ],
        );
        policy("Requests", "ALBRequestCountPerTarget", req, Some(label));
    }
}
