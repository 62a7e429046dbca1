//! The services section: containers and functions, their size, counts,
//! scaling, routes and health checks, as the template deploys them.

use serde::Serialize;

use archgen_synth::naming::pascal;

use super::cfn::{Cfn, Resource, describe, target, texts};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Service {
    pub name: String,
    pub cpu: String,
    pub memory: String,
    pub desired: String,
    pub scaling: Option<String>,
    pub scaling_rules: Vec<String>,
    pub routes: Vec<String>,
    pub health_check: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Function {
    pub name: String,
    pub runtime: String,
    pub memory: String,
    pub timeout: String,
    pub concurrency: Option<String>,
    pub triggers: Vec<String>,
}

/// `keys`: the spec's services, whose resources are `<Key>Service`, ...
pub fn services(cfn: &Cfn, keys: &[String]) -> Vec<Service> {
    keys.iter()
        .filter_map(|key| {
            let stem = pascal(key);
            let stem = stem.as_str();
            let service = cfn.get(&format!("{stem}Service"))?;
            let task = target(service.get("TaskDefinition")).and_then(|t| cfn.get(t));
            let scalable = cfn.get(&format!("{stem}ScalableTarget"));
            Some(Service {
                name: key.clone(),
                cpu: task.and_then(|t| t.text("Cpu")).unwrap_or_default(),
                memory: task.and_then(|t| t.text("Memory")).unwrap_or_default(),
                desired: service.text("DesiredCount").unwrap_or_default(),
                scaling: scalable.map(|s| {
                    format!(
                        "{} to {} tasks",
                        s.text("MinCapacity").unwrap_or_default(),
                        s.text("MaxCapacity").unwrap_or_default()
                    )
                }),
                scaling_rules: scalable.map(|s| scaling_rules(cfn, &s)).unwrap_or_default(),
                routes: routes(cfn, stem),
                health_check: health_check(cfn, stem),
            })
        })
        .collect()
}

fn scaling_rules(cfn: &Cfn, scalable: &Resource) -> Vec<String> {
    let mut rules = Vec::new();
    for policy in cfn.of_type("AWS::ApplicationAutoScaling::ScalingPolicy") {
        if target(policy.get("ScalingTargetId")) != Some(scalable.id) {
            continue;
        }
        let config = policy.get("TargetTrackingScalingPolicyConfiguration");
        let metric = config["PredefinedMetricSpecification"]["PredefinedMetricType"]
            .as_str()
            .unwrap_or("a custom metric");
        rules.push(format!(
            "keep {metric} at {} (scale out after {} s, in after {} s)",
            describe(&config["TargetValue"]),
            describe(&config["ScaleOutCooldown"]),
            describe(&config["ScaleInCooldown"])
        ));
    }
    for action in scalable
        .get("ScheduledActions")
        .as_array()
        .into_iter()
        .flatten()
    {
        let set = &action["ScalableTargetAction"];
        let mut bounds = Vec::new();
        if !set["MinCapacity"].is_null() {
            bounds.push(format!("at least {}", describe(&set["MinCapacity"])));
        }
        if !set["MaxCapacity"].is_null() {
            bounds.push(format!("at most {}", describe(&set["MaxCapacity"])));
        }
        rules.push(format!(
            "{}: {} tasks on `{}` ({})",
            describe(&action["ScheduledActionName"]),
            bounds.join(", "),
            describe(&action["Schedule"]),
            action["Timezone"].as_str().unwrap_or("UTC")
        ));
    }
    rules
}

/// The listener rules and default actions that forward to the service.
fn routes(cfn: &Cfn, stem: &str) -> Vec<String> {
    let group = format!("{stem}TargetGroup");
    let forwards_here = |actions: &serde_json::Value| {
        actions
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| target(&a["TargetGroupArn"]) == Some(group.as_str()))
    };
    let mut routes = Vec::new();
    for listener in cfn.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        if forwards_here(listener.get("DefaultActions")) {
            routes.push(format!(
                "everything else on {} {}",
                listener.text("Protocol").unwrap_or_default(),
                listener.text("Port").unwrap_or_default()
            ));
        }
    }
    for rule in cfn.of_type("AWS::ElasticLoadBalancingV2::ListenerRule") {
        if !forwards_here(rule.get("Actions")) {
            continue;
        }
        let conditions: Vec<String> = rule
            .get("Conditions")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                let field = c["Field"].as_str()?;
                // `path-pattern` → `PathPatternConfig.Values`, ...
                let config = c
                    .as_object()
                    .and_then(|o| o.iter().find(|(k, _)| k.ends_with("Config")))
                    .map_or(&serde_json::Value::Null, |(_, v)| v);
                let values = match field {
                    "http-header" => vec![format!(
                        "{} = {}",
                        describe(&config["HttpHeaderName"]),
                        if config["Values"].is_null() {
                            String::new()
                        } else {
                            "(a secret value)".into()
                        }
                    )],
                    _ => texts(&config["Values"]),
                };
                Some(format!("{field} {}", values.join(" ")))
            })
            .collect();
        routes.push(format!(
            "priority {}: {}",
            rule.text("Priority").unwrap_or_default(),
            conditions.join(" and ")
        ));
    }
    routes
}

fn health_check(cfn: &Cfn, stem: &str) -> Option<String> {
    let group = cfn.get(&format!("{stem}TargetGroup"))?;
    Some(format!(
        "{} {} every {} s, healthy after {}, unhealthy after {}, expects {}",
        group.text("HealthCheckProtocol").unwrap_or_default(),
        group.text("HealthCheckPath").unwrap_or_default(),
        group.text("HealthCheckIntervalSeconds").unwrap_or_default(),
        group.text("HealthyThresholdCount").unwrap_or_default(),
        group.text("UnhealthyThresholdCount").unwrap_or_default(),
        describe(&group.get("Matcher")["HttpCode"])
    ))
}

pub fn functions(cfn: &Cfn, keys: &[String]) -> Vec<Function> {
    keys.iter()
        .filter_map(|key| Some((key, cfn.get(&format!("{}Function", pascal(key)))?)))
        .map(|(key, f)| Function {
            name: key.clone(),
            runtime: f
                .text("Runtime")
                .unwrap_or_else(|| "container image".into()),
            memory: f.text("MemorySize").unwrap_or_default(),
            timeout: f.text("Timeout").unwrap_or_default(),
            concurrency: f.text("ReservedConcurrentExecutions"),
            triggers: cfn
                .of_type("AWS::Lambda::EventSourceMapping")
                .filter(|m| target(m.get("FunctionName")) == Some(f.id))
                .map(|m| {
                    format!(
                        "{} in batches of {}",
                        describe(m.get("EventSourceArn")),
                        m.text("BatchSize").unwrap_or_default()
                    )
                })
                .collect(),
        })
        .collect()
}
