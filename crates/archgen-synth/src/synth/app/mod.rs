//! L2 application tier: ECR repositories, the load balancer, and ECS Fargate
//! services wired to each other and to data components by declared
//! connections.

pub mod alb;
pub mod deployment;
pub mod ecr;
pub mod iam;
pub mod origin_verify;
pub mod rules;
pub mod service;

use super::Ctx;
use super::connect::{Component, NetworkEndpoint};
use crate::template::ecs::Cluster;
use crate::template::ecs::cluster::{ClusterSettings, ServiceConnectDefaults};
use crate::template::servicediscovery::PrivateDnsNamespace;
use crate::template::{Expr, Template};

pub fn build(t: &mut Template, ctx: &mut Ctx) {
    ecr::build(t, ctx);
    let spec = ctx.spec;
    if spec.services.is_empty() {
        return;
    }
    // Services are components too: another service may connect to them
    // through Service Connect, by their key as DNS name.
    for (key, s) in &spec.services {
        let mut c = Component::new(key, &crate::kinds::service::Services);
        c.network = Some(NetworkEndpoint {
            group_id: Expr::get_att(service::security_group_id(key), "GroupId"),
            port: u16::try_from(s.port).unwrap_or(u16::MAX),
        });
        c.environment
            .push(("URL".into(), format!("http://{key}:{}", s.port).into()));
        ctx.components.register(c);
    }
    let targets: Vec<&str> = spec
        .services
        .values()
        .flat_map(|s| s.connects_to.iter().map(|c| c.key.as_str()))
        .filter(|n| spec.services.contains_key(*n))
        .collect();
    let uses_namespace = !targets.is_empty();
    let Some(net) = &ctx.network else { return };
    if uses_namespace {
        t.add(
            service::NAMESPACE,
            PrivateDnsNamespace {
                name: format!("{}.{}.internal", ctx.environment, spec.app).into(),
                vpc: Some(net.vpc_id.clone()),
                description: Some("Service Connect names of this stack's services".into()),
                tags: Some(ctx.named("services")),
                ..Default::default()
            },
        );
    }
    t.add(
        service::CLUSTER,
        Cluster {
            cluster_name: Some(
                spec.cluster
                    .name
                    .clone()
                    .unwrap_or_else(|| ctx.names.physical("cluster"))
                    .into(),
            ),
            cluster_settings: Some(vec![ClusterSettings {
                name: Some("containerInsights".into()),
                value: Some("enhanced".into()),
            }]),
            service_connect_defaults: uses_namespace.then(|| ServiceConnectDefaults {
                namespace: Some(Expr::get_att(service::NAMESPACE, "Arn")),
            }),
            tags: Some(ctx.named("cluster")),
            ..Default::default()
        },
    );
    let default_tg = spec
        .services
        .iter()
        .find(|(_, s)| s.route.as_ref().is_some_and(|r| r.default))
        .map(|(k, _)| Expr::r#ref(service::target_group_id(k)));
    let lb = spec
        .load_balancer
        .as_ref()
        .and_then(|lb| alb::build(t, ctx, lb, default_tg));
    for (key, s) in &spec.services {
        let place = service::Placement {
            lb: lb.as_ref(),
            is_service_target: targets.contains(&key.as_str()),
            uses_namespace,
        };
        service::build(t, ctx, key, s, place);
    }
}
