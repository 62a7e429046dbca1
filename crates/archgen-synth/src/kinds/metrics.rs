//! What an alarm can watch: each component kind declares the metrics it
//! publishes (`Kind::watch`), by the short name an alarm uses and with the
//! dimensions that select exactly that component; the load balancer's are
//! here.

use crate::kinds::{KINDS, Role};
use crate::spec::StackSpec;
use crate::template::Expr;
use crate::template::cloudwatch::alarm::Dimension;

/// The name `on:` uses for the stack's load balancer.
pub const LOAD_BALANCER: &str = "load_balancer";

/// What an alarm can watch on one component: what it is, and each metric
/// with the dimensions that select exactly that component.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub noun: &'static str,
    pub metrics: Vec<Published>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub metric: Metric,
    pub dimensions: Vec<Dimension>,
    /// Further dimension sets the value spans, combined with the first by
    /// metric math: a blue/green service's second target group, which
    /// serves all traffic after every other deployment.
    pub also: Vec<Vec<Dimension>>,
}

impl Published {
    /// Every dimension set the value spans, the first one first.
    pub fn dimension_sets(&self) -> Vec<&Vec<Dimension>> {
        std::iter::once(&self.dimensions)
            .chain(self.also.iter())
            .collect()
    }

    /// The metric-math function that combines one statistic over several
    /// dimension sets.
    pub fn combine(&self) -> &'static str {
        match self.metric.statistic {
            "Maximum" => "MAX",
            "Minimum" => "MIN",
            "Average" => "AVG",
            _ => "SUM",
        }
    }

    /// Also spans `dimensions`.
    pub fn and(mut self, dimensions: Vec<Dimension>) -> Published {
        self.also.push(dimensions);
        self
    }
}

impl Watched {
    pub fn find(&self, name: &str) -> Option<&Published> {
        self.metrics.iter().find(|p| p.metric.name == name)
    }
    pub fn names(&self) -> Vec<&'static str> {
        self.metrics.iter().map(|p| p.metric.name).collect()
    }
}

/// One metric of one kind of component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    pub namespace: &'static str,
    pub metric_name: &'static str,
    pub statistic: &'static str,
    /// Counts of bad events: no data means nothing went wrong.
    pub count: bool,
    pub unit: &'static str,
    /// A percentage of two counts of the same namespace and dimensions,
    /// computed by metric math (`metric_name` is then unused).
    pub rate: Option<Rate>,
}

/// `100 * numerator / denominator`, 0 when the denominator is 0 (no
/// requests, no errors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub numerator: &'static str,
    pub denominator: &'static str,
}

impl Rate {
    /// The metric-math expression, over metric query ids `num` and `den`.
    pub fn expression(&self, num: &str, den: &str) -> String {
        format!("IF({den} > 0, 100 * {num} / {den}, 0)")
    }

    /// The same over several numerators and denominators (one per
    /// dimension set), summed: `(num + num1)`.
    pub fn expression_over(&self, nums: &[String], dens: &[String]) -> String {
        let sum = |ids: &[String]| match ids {
            [one] => one.clone(),
            many => format!("({})", many.join(" + ")),
        };
        self.expression(&sum(nums), &sum(dens))
    }
}

impl Metric {
    pub const fn new(
        name: &'static str,
        namespace: &'static str,
        metric_name: &'static str,
        statistic: &'static str,
        count: bool,
        unit: &'static str,
    ) -> Metric {
        Metric {
            name,
            namespace,
            metric_name,
            statistic,
            count,
            unit,
            rate: None,
        }
    }

    /// The percentage `numerator` / `denominator` (both summed counts).
    pub const fn rate(
        name: &'static str,
        namespace: &'static str,
        numerator: &'static str,
        denominator: &'static str,
    ) -> Metric {
        Metric {
            name,
            namespace,
            metric_name: numerator,
            statistic: "Sum",
            count: true,
            unit: "percent",
            rate: Some(Rate {
                numerator,
                denominator,
            }),
        }
    }

    /// This metric, selected by `dimensions`.
    pub fn on(self, dimensions: Vec<Dimension>) -> Published {
        Published {
            metric: self,
            dimensions,
            also: Vec::new(),
        }
    }
}

/// The load balancer's metrics (it is not a component kind: a stack has at
/// most one, named `load_balancer` in `on:`).
fn load_balancer() -> Watched {
    const ALB: &str = "AWS/ApplicationELB";
    let lb = || {
        vec![dim(
            "LoadBalancer",
            Expr::get_att("LoadBalancer", "LoadBalancerFullName"),
        )]
    };
    Watched {
        noun: "load balancer",
        metrics: vec![
            Metric::new("requests", ALB, "RequestCount", "Sum", true, "requests").on(lb()),
            Metric::rate("5xx-rate", ALB, "HTTPCode_ELB_5XX_Count", "RequestCount").on(lb()),
            Metric::rate(
                "target-5xx-rate",
                ALB,
                "HTTPCode_Target_5XX_Count",
                "RequestCount",
            )
            .on(lb()),
            Metric::new(
                "5xx",
                ALB,
                "HTTPCode_ELB_5XX_Count",
                "Sum",
                true,
                "responses",
            )
            .on(lb()),
            Metric::new(
                "target-5xx",
                ALB,
                "HTTPCode_Target_5XX_Count",
                "Sum",
                true,
                "responses",
            )
            .on(lb()),
            Metric::new(
                "latency",
                ALB,
                "TargetResponseTime",
                "Average",
                true,
                "seconds",
            )
            .on(lb()),
        ],
    }
}

/// Every component an alarm or a graph can watch, in the order a reader
/// follows a request (load balancer, services, functions, messaging, data),
/// with the title of its group.
pub fn watched_in_order(spec: &StackSpec) -> Vec<(&'static str, String, Watched)> {
    let mut out = Vec::new();
    if spec.load_balancer.is_some() {
        out.push(("Load balancer", LOAD_BALANCER.to_string(), load_balancer()));
    }
    let group = |role: Role| match role {
        Role::Service => (0, "Services"),
        Role::Workload => (1, "Functions"),
        Role::Component => (2, "Messaging"),
        Role::Data { .. } => (3, "Data"),
    };
    let mut components: Vec<_> = crate::kinds::components(spec)
        .into_iter()
        .filter_map(|(key, kind)| Some((group(kind.role()), key, kind.watch(spec, key)?)))
        .collect();
    // Stable: within a group, registry then spec order.
    components.sort_by_key(|((rank, _), _, _)| *rank);
    out.extend(
        components
            .into_iter()
            .map(|((_, title), key, w)| (title, key.clone(), w)),
    );
    out
}

/// What `on: <name>` refers to in this stack, if anything.
pub fn watched(spec: &StackSpec, name: &str) -> Option<Watched> {
    if name == LOAD_BALANCER {
        return spec.load_balancer.as_ref().map(|_| load_balancer());
    }
    KINDS.iter().find_map(|kind| kind.watch(spec, name))
}

/// Every name an alarm may watch, for suggestions.
pub fn watchable_names(spec: &StackSpec) -> Vec<String> {
    watched_in_order(spec)
        .into_iter()
        .map(|(_, key, _)| key)
        .collect()
}

/// One dimension of a metric.
pub fn dim(name: &str, value: Expr) -> Dimension {
    Dimension {
        name: name.into(),
        value,
    }
}
