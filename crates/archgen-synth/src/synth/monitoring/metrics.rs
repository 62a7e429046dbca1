//! What each kind of component publishes to CloudWatch, by the short name an
//! alarm uses, and the dimensions that select exactly that component.

use crate::spec::StackSpec;
use crate::synth::naming::pascal;
use crate::template::Expr;
use crate::template::cloudwatch::alarm::Dimension;

/// The name `on:` uses for the stack's load balancer.
pub const LOAD_BALANCER: &str = "load_balancer";

/// A component an alarm can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    Service { routed: bool },
    LoadBalancer,
    Rds { replicas: bool },
    Aurora { readers: bool },
    Cache { cluster_mode: bool },
    Queue,
    Function,
}

impl Watched {
    pub fn describe(self) -> &'static str {
        match self {
            Watched::Service { .. } => "service",
            Watched::LoadBalancer => "load balancer",
            Watched::Rds { .. } => "RDS database",
            Watched::Aurora { .. } => "Aurora database",
            Watched::Cache { .. } => "cache",
            Watched::Queue => "queue",
            Watched::Function => "function",
        }
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
}

const fn m(
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
    }
}

/// The metrics a component publishes.
pub fn metrics(w: Watched) -> Vec<Metric> {
    const ECS: &str = "AWS/ECS";
    const ALB: &str = "AWS/ApplicationELB";
    const RDS: &str = "AWS/RDS";
    match w {
        Watched::Service { routed } => {
            let mut v = vec![
                m("cpu", ECS, "CPUUtilization", "Average", false, "percent"),
                m(
                    "memory",
                    ECS,
                    "MemoryUtilization",
                    "Average",
                    false,
                    "percent",
                ),
                // Container Insights (on for every cluster archgen makes).
                m(
                    "running-tasks",
                    "ECS/ContainerInsights",
                    "RunningTaskCount",
                    "Minimum",
                    false,
                    "tasks",
                ),
            ];
            if routed {
                // Per target group: only a service behind the load balancer.
                v.push(m(
                    "unhealthy-hosts",
                    ALB,
                    "UnHealthyHostCount",
                    "Maximum",
                    false,
                    "targets",
                ));
            }
            v
        }
        Watched::LoadBalancer => vec![
            m(
                "5xx",
                ALB,
                "HTTPCode_ELB_5XX_Count",
                "Sum",
                true,
                "responses",
            ),
            m(
                "target-5xx",
                ALB,
                "HTTPCode_Target_5XX_Count",
                "Sum",
                true,
                "responses",
            ),
            m(
                "latency",
                ALB,
                "TargetResponseTime",
                "Average",
                true,
                "seconds",
            ),
        ],
        Watched::Rds { replicas } => {
            let mut v = vec![
                m("cpu", RDS, "CPUUtilization", "Average", false, "percent"),
                m(
                    "connections",
                    RDS,
                    "DatabaseConnections",
                    "Maximum",
                    false,
                    "connections",
                ),
                m(
                    "free-storage",
                    RDS,
                    "FreeStorageSpace",
                    "Minimum",
                    false,
                    "bytes",
                ),
            ];
            if replicas {
                v.push(m(
                    "replica-lag",
                    RDS,
                    "ReplicaLag",
                    "Maximum",
                    false,
                    "seconds",
                ));
            }
            v
        }
        Watched::Aurora { readers } => {
            let mut v = vec![
                m("cpu", RDS, "CPUUtilization", "Average", false, "percent"),
                m(
                    "connections",
                    RDS,
                    "DatabaseConnections",
                    "Maximum",
                    false,
                    "connections",
                ),
            ];
            if readers {
                v.push(m(
                    "replica-lag",
                    RDS,
                    "AuroraReplicaLagMaximum",
                    "Maximum",
                    false,
                    "milliseconds",
                ));
            }
            v
        }
        Watched::Cache { .. } => vec![
            m(
                "cpu",
                "AWS/ElastiCache",
                "EngineCPUUtilization",
                "Average",
                false,
                "percent",
            ),
            m(
                "memory",
                "AWS/ElastiCache",
                "DatabaseMemoryUsagePercentage",
                "Average",
                false,
                "percent",
            ),
            m(
                "evictions",
                "AWS/ElastiCache",
                "Evictions",
                "Sum",
                true,
                "keys",
            ),
        ],
        Watched::Queue => vec![
            m(
                "age-of-oldest-message",
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "Maximum",
                false,
                "seconds",
            ),
            m(
                "visible-messages",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "Maximum",
                false,
                "messages",
            ),
            // The same gauge, on the dead-letter queue: messages that failed.
            m(
                "dead-letters",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "Maximum",
                false,
                "messages",
            ),
        ],
        Watched::Function => vec![
            m("errors", "AWS/Lambda", "Errors", "Sum", true, "invocations"),
            m(
                "throttles",
                "AWS/Lambda",
                "Throttles",
                "Sum",
                true,
                "invocations",
            ),
            m(
                "duration",
                "AWS/Lambda",
                "Duration",
                "Maximum",
                true,
                "milliseconds",
            ),
        ],
    }
}

/// What `on: <name>` refers to in this stack, if anything.
pub fn watched(spec: &StackSpec, name: &str) -> Option<Watched> {
    if name == LOAD_BALANCER {
        return spec.load_balancer.as_ref().map(|_| Watched::LoadBalancer);
    }
    if let Some(s) = spec.services.get(name) {
        return Some(Watched::Service {
            routed: s.route.is_some() && spec.load_balancer.is_some(),
        });
    }
    if let Some(db) = spec.databases.get(name) {
        return Some(if db.engine.is_aurora() {
            Watched::Aurora {
                readers: db.readers.unwrap_or(u32::from(db.multi_az)) > 0,
            }
        } else {
            Watched::Rds {
                replicas: !db.replicas.is_empty(),
            }
        });
    }
    if let Some(c) = spec.caches.get(name) {
        return Some(Watched::Cache {
            cluster_mode: c.shards.is_some(),
        });
    }
    if spec.queues.contains_key(name) {
        return Some(Watched::Queue);
    }
    if spec.functions.contains_key(name) {
        return Some(Watched::Function);
    }
    None
}

/// Every name an alarm may watch, for suggestions.
pub fn watchable_names(spec: &StackSpec) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if spec.load_balancer.is_some() {
        v.push(LOAD_BALANCER.into());
    }
    v.extend(spec.services.keys().cloned());
    v.extend(spec.databases.keys().cloned());
    v.extend(spec.caches.keys().cloned());
    v.extend(spec.queues.keys().cloned());
    v.extend(spec.functions.keys().cloned());
    v
}

fn dim(name: &str, value: Expr) -> Dimension {
    Dimension {
        name: name.into(),
        value,
    }
}

/// The dimensions that select `metric` of component `name`.
pub fn dimensions(name: &str, w: Watched, metric: &Metric) -> Vec<Dimension> {
    let p = pascal(name);
    let lb = || {
        dim(
            "LoadBalancer",
            Expr::get_att("LoadBalancer", "LoadBalancerFullName"),
        )
    };
    match w {
        Watched::Service { .. } if metric.name == "unhealthy-hosts" => vec![
            dim(
                "TargetGroup",
                Expr::get_att(format!("{p}TargetGroup"), "TargetGroupFullName"),
            ),
            lb(),
        ],
        Watched::Service { .. } => vec![
            dim("ClusterName", Expr::r#ref("Cluster")),
            dim("ServiceName", Expr::get_att(format!("{p}Service"), "Name")),
        ],
        Watched::LoadBalancer => vec![lb()],
        Watched::Rds { .. } if metric.name == "replica-lag" => {
            vec![dim(
                "DBInstanceIdentifier",
                Expr::r#ref(format!("{p}Replica1")),
            )]
        }
        Watched::Rds { .. } => vec![dim("DBInstanceIdentifier", Expr::r#ref(&p))],
        Watched::Aurora { .. } if metric.name == "replica-lag" => vec![
            dim("DBClusterIdentifier", Expr::r#ref(&p)),
            dim("Role", "WRITER".into()),
        ],
        Watched::Aurora { .. } => vec![dim("DBClusterIdentifier", Expr::r#ref(&p))],
        // Node metrics: the first node is the primary at creation (after a
        // failover it is a replica, whose memory mirrors the primary's). In
        // cluster mode this is shard 1's primary.
        Watched::Cache { cluster_mode } => {
            let node = if cluster_mode { "0001-001" } else { "001" };
            vec![dim("CacheClusterId", Expr::sub(format!("${{{p}}}-{node}")))]
        }
        Watched::Queue if metric.name == "dead-letters" => vec![dim(
            "QueueName",
            Expr::get_att(format!("{p}DeadLetterQueue"), "QueueName"),
        )],
        Watched::Queue => vec![dim(
            "QueueName",
            Expr::get_att(format!("{p}Queue"), "QueueName"),
        )],
        Watched::Function => vec![dim("FunctionName", Expr::r#ref(format!("{p}Function")))],
    }
}
