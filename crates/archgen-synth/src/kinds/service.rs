//! `services:`: ECS Fargate services, the main workload. Other services
//! connect to one through Service Connect (its key is its DNS name); a
//! connection opens its port and hands over `<NAME>_URL`.

use super::metrics::{Metric, Watched, dim};
use super::{Kind, Named, Role, block};
use crate::naming::pascal;
use crate::spec::StackSpec;
use crate::spec::app::ServiceSpec;
use crate::synth::Ctx;
use crate::synth::app;
use crate::synth::app::service::{CLUSTER, target_group_id};
use crate::template::{Expr, Template};

block!(Services, services: ServiceSpec, "service");

impl Kind for Services {
    fn role(&self) -> Role {
        Role::Service
    }
    /// The application tier: repositories, cluster, load balancer and
    /// services together, since they share the cluster and listener.
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        app::build(t, ctx);
    }
    fn log_group(&self, spec: &StackSpec, key: &str) -> Option<String> {
        spec.services.get(key)?;
        Some(crate::synth::app::service::log_group_id(key))
    }
    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        let s = spec.services.get(key)?;
        let p = pascal(key);
        let service = || {
            vec![
                dim("ClusterName", Expr::r#ref(CLUSTER)),
                dim("ServiceName", Expr::get_att(format!("{p}Service"), "Name")),
            ]
        };
        const ECS: &str = "AWS/ECS";
        let mut metrics = vec![
            Metric::new("cpu", ECS, "CPUUtilization", "Average", false, "percent").on(service()),
            Metric::new(
                "memory",
                ECS,
                "MemoryUtilization",
                "Average",
                false,
                "percent",
            )
            .on(service()),
            // Container Insights (on for every cluster archgen makes).
            Metric::new(
                "running-tasks",
                "ECS/ContainerInsights",
                "RunningTaskCount",
                "Minimum",
                false,
                "tasks",
            )
            .on(service()),
        ];
        if s.route.is_some() && spec.load_balancer.is_some() {
            // Per target group: only a service behind the load balancer.
            let target_group_named = |id: String| {
                vec![
                    dim("TargetGroup", Expr::get_att(id, "TargetGroupFullName")),
                    dim(
                        "LoadBalancer",
                        Expr::get_att("LoadBalancer", "LoadBalancerFullName"),
                    ),
                ]
            };
            // A blue/green service serves from either group: its metrics
            // span both, or they would go quiet after every other deploy.
            let shifting = app::deployment::shifting(s.deployment.as_ref()).is_some();
            let on = |m: Metric| {
                let p = m.on(target_group_named(target_group_id(key)));
                if shifting {
                    p.and(target_group_named(
                        app::deployment::alternate_target_group_id(key),
                    ))
                } else {
                    p
                }
            };
            const ALB: &str = "AWS/ApplicationELB";
            metrics.push(on(Metric::new(
                "unhealthy-hosts",
                ALB,
                "UnHealthyHostCount",
                "Maximum",
                false,
                "targets",
            )));
            metrics.push(on(Metric::rate(
                "5xx-rate",
                ALB,
                "HTTPCode_Target_5XX_Count",
                "RequestCount",
            )));
        }
        Some(Watched {
            noun: self.noun(),
            metrics,
        })
    }
}
