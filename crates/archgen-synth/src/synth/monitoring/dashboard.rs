//! The stack's CloudWatch dashboard: a graph per metric of every component
//! that publishes metrics (the catalog alarms use, `crate::kinds::metrics`),
//! grouped as a request travels (load balancer, services, functions,
//! messaging, data), each alarm's threshold drawn on its graph, then the
//! `dashboard.compare` graphs.

use serde_json::{Value, json};

use crate::kinds::metrics::{Published, watched, watched_in_order};
use crate::synth::Ctx;
use crate::template::cloudwatch::Dashboard;
use crate::template::{Expr, Template};

pub const DASHBOARD: &str = "Dashboard";

/// The dashboard grid is 24 units wide; three graphs a row.
const GRID: u64 = 24;
const GRAPH_WIDTH: u64 = 8;
const GRAPH_HEIGHT: u64 = 6;

pub fn build(t: &mut Template, ctx: &Ctx) {
    let spec = ctx.spec;
    let settings = &spec.dashboard;
    if !settings.enabled {
        return;
    }
    let mut body = Body::new(spec.region.clone(), settings.period);
    let mut group = "";
    for (title, key, w) in watched_in_order(spec) {
        if settings.hide.contains(&key) {
            continue;
        }
        if title != group {
            body.heading(title);
            group = title;
        }
        for p in &w.metrics {
            let graph_title = format!("{key}: {}", p.metric.name);
            let lines = body.lines(p, None, 0);
            let thresholds = thresholds(ctx, &key, p.metric.name);
            body.graph(graph_title, p.metric.unit, lines, thresholds);
        }
        for (name, a) in spec.log_alarms_on(&key) {
            let namespace = super::log_pattern::namespace(ctx);
            let line = json!([
                namespace,
                super::log_pattern::metric_name(name),
                {"stat": "Sum", "label": a.log_pattern.clone().unwrap_or_default()}
            ]);
            body.graph(
                format!("{key}: log events of {name}"),
                "events",
                vec![line],
                thresholds_of(spec.alarms.iter().filter(|(n, _)| *n == name)),
            );
        }
    }
    if !settings.compare.is_empty() {
        body.heading("Compared");
    }
    for c in &settings.compare {
        // `check` resolved every component and metric (MON010, MON011).
        let published: Vec<(String, Published)> =
            c.on.iter()
                .filter_map(|key| {
                    let p = watched(spec, key)?.find(&c.metric)?.clone();
                    Some((key.clone(), p))
                })
                .collect();
        let Some((_, first)) = published.first() else {
            ctx.bug(format!("dashboard graph '{}' has nothing to show", c.title));
            continue;
        };
        let unit = first.metric.unit;
        let lines = published
            .iter()
            .enumerate()
            .flat_map(|(n, (key, p))| body.lines(p, Some(key), n))
            .collect();
        body.graph(c.title.clone(), unit, lines, Vec::new());
    }
    if body.graphs == 0 {
        return;
    }
    t.add(
        DASHBOARD,
        Dashboard {
            dashboard_name: Some(
                format!(
                    "{}-{}-{}",
                    spec.app,
                    ctx.environment,
                    ctx.checked.stack().file.name
                )
                .into(),
            ),
            dashboard_body: body.finish(),
            ..Default::default()
        },
    );
}

/// Each alarm on this metric of this component, as a line on its graph.
fn thresholds(ctx: &Ctx, key: &str, metric: &str) -> Vec<Value> {
    thresholds_of(
        ctx.spec
            .alarms
            .iter()
            .filter(|(_, a)| a.on == key && a.metric.as_deref() == Some(metric)),
    )
}

/// These alarms' thresholds, as labelled horizontal lines.
fn thresholds_of<'a>(
    alarms: impl Iterator<Item = (&'a String, &'a crate::spec::monitoring::AlarmSpec)>,
) -> Vec<Value> {
    alarms
        .filter_map(|(name, a)| {
            let (value, word) = match (a.above, a.below) {
                (Some(x), _) => (x, "above"),
                (None, Some(x)) => (x, "below"),
                (None, None) => return None,
            };
            Some(json!({"label": format!("alarm {name}: {word} {value}"), "value": value}))
        })
        .collect()
}

/// The dashboard's JSON, laid out on the grid as widgets are added. Values
/// known only at deploy time (a cluster's name, a load balancer's full
/// name) are kept aside and joined into the text with `Fn::Join`.
struct Body {
    region: String,
    period: u32,
    widgets: Vec<Value>,
    exprs: Vec<Expr>,
    x: u64,
    y: u64,
    graphs: usize,
}

/// Marks where a deploy-time value goes in the text: `\u0001<n>\u0001`
/// once serialized (a control character no name archgen writes contains).
const MARK: char = '\u{1}';
const MARK_ESCAPED: &str = "\\u0001";

impl Body {
    fn new(region: String, period: u32) -> Self {
        Body {
            region,
            period,
            widgets: Vec::new(),
            exprs: Vec::new(),
            x: 0,
            y: 0,
            graphs: 0,
        }
    }

    fn heading(&mut self, title: &str) {
        if self.x > 0 {
            self.y += GRAPH_HEIGHT;
            self.x = 0;
        }
        self.widgets.push(json!({
            "type": "text", "x": 0, "y": self.y, "width": GRID, "height": 1,
            "properties": {"markdown": format!("## {title}")}
        }));
        self.y += 1;
    }

    /// The lines that draw `p` on a graph (the `n`th metric of the graph):
    /// one metric line, or for a rate its two sums, hidden, and the
    /// expression over them.
    fn lines(&mut self, p: &Published, label: Option<&str>, n: usize) -> Vec<Value> {
        let sets = p.dimension_sets();
        // Ids of the `k`th dimension set's queries: `num0`, then `num0b`, ...
        let id = |base: &str, k: usize| match k {
            0 => format!("{base}{n}"),
            k => format!("{base}{n}s{}", k + 1),
        };
        let hidden = |id: &str, stat: &str| json!({"id": id, "stat": stat, "visible": false});
        let Some(rate) = p.metric.rate else {
            if sets.len() > 1 {
                let ms: Vec<String> = (0..sets.len()).map(|k| id("m", k)).collect();
                let mut out = vec![json!([{
                    "expression": format!("{}([{}])", p.combine(), ms.join(", ")),
                    "label": label.unwrap_or(p.metric.name),
                    "id": format!("value{n}"),
                }])];
                for (k, dims) in sets.iter().enumerate() {
                    let options = hidden(&ms[k], p.metric.statistic);
                    out.push(self.line(p, p.metric.metric_name, dims, options));
                }
                return out;
            }
            let mut options = json!({"stat": p.metric.statistic});
            if let Some(label) = label {
                options["label"] = json!(label);
            }
            return vec![self.line(p, p.metric.metric_name, &p.dimensions, options)];
        };
        let nums: Vec<String> = (0..sets.len()).map(|k| id("num", k)).collect();
        let dens: Vec<String> = (0..sets.len()).map(|k| id("den", k)).collect();
        let mut out = vec![json!([{
            "expression": rate.expression_over(&nums, &dens),
            "label": label.unwrap_or(p.metric.name),
            "id": format!("rate{n}"),
        }])];
        for (k, dims) in sets.iter().enumerate() {
            out.push(self.line(p, rate.numerator, dims, hidden(&nums[k], "Sum")));
            out.push(self.line(p, rate.denominator, dims, hidden(&dens[k], "Sum")));
        }
        out
    }

    /// Namespace, metric name, each dimension's name and value, options.
    fn line(
        &mut self,
        p: &Published,
        metric_name: &str,
        dimensions: &[crate::template::cloudwatch::alarm::Dimension],
        options: Value,
    ) -> Value {
        let mut line = vec![json!(p.metric.namespace), json!(metric_name)];
        for d in dimensions {
            line.push(json!(d.name));
            line.push(self.slot(d.value.clone()));
        }
        line.push(options);
        Value::Array(line)
    }

    fn graph(&mut self, title: String, unit: &str, lines: Vec<Value>, thresholds: Vec<Value>) {
        if self.x + GRAPH_WIDTH > GRID {
            self.x = 0;
            self.y += GRAPH_HEIGHT;
        }
        let mut properties = json!({
            "title": title,
            "region": self.region,
            "period": self.period,
            "view": "timeSeries",
            "stacked": false,
            "metrics": lines,
            "yAxis": {"left": {"label": unit, "showUnits": false}},
        });
        if !thresholds.is_empty() {
            properties["annotations"] = json!({"horizontal": thresholds});
        }
        self.widgets.push(json!({
            "type": "metric", "x": self.x, "y": self.y,
            "width": GRAPH_WIDTH, "height": GRAPH_HEIGHT,
            "properties": properties,
        }));
        self.x += GRAPH_WIDTH;
        self.graphs += 1;
    }

    /// A plain string stays in the text; anything else is marked.
    fn slot(&mut self, value: Expr) -> Value {
        match value {
            Expr::Str(s) => Value::String(s),
            other => {
                self.exprs.push(other);
                Value::String(format!("{MARK}{}{MARK}", self.exprs.len() - 1))
            }
        }
    }

    /// The JSON text, with each mark replaced by its expression.
    fn finish(self) -> Expr {
        let text = json!({"widgets": self.widgets}).to_string();
        if self.exprs.is_empty() {
            return Expr::Str(text);
        }
        let mut parts = Vec::new();
        let mut rest = text.as_str();
        while let Some((before, after)) = rest.split_once(MARK_ESCAPED) {
            parts.push(Expr::Str(before.to_string()));
            let Some((index, tail)) = after.split_once(MARK_ESCAPED) else {
                break;
            };
            let expr = index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.exprs.get(i).cloned());
            parts.push(expr.unwrap_or_else(|| Expr::Str(index.to_string())));
            rest = tail;
        }
        parts.push(Expr::Str(rest.to_string()));
        Expr::Join(String::new(), parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_time_values_are_joined_into_the_text_in_place() {
        let mut body = Body::new("eu-west-1".into(), 300);
        let a = body.slot(Expr::r#ref("Cluster"));
        let b = body.slot(Expr::get_att("ApiService", "Name"));
        let plain = body.slot(Expr::Str("literal".into()));
        body.widgets.push(json!([a, b, plain]));
        let Expr::Join(sep, parts) = body.finish() else {
            panic!("expected a join");
        };
        assert_eq!(sep, "");
        assert_eq!(
            parts,
            vec![
                Expr::Str("{\"widgets\":[[\"".into()),
                Expr::r#ref("Cluster"),
                Expr::Str("\",\"".into()),
                Expr::get_att("ApiService", "Name"),
                Expr::Str("\",\"literal\"]]}".into()),
            ]
        );
    }

    #[test]
    fn graphs_fill_rows_of_three_and_headings_start_a_new_row() {
        let mut body = Body::new("eu-west-1".into(), 60);
        body.heading("Services");
        for _ in 0..4 {
            body.graph("g".into(), "percent", Vec::new(), Vec::new());
        }
        body.heading("Data");
        body.graph("g".into(), "percent", Vec::new(), Vec::new());
        let at: Vec<(u64, u64)> = body
            .widgets
            .iter()
            .map(|w| (w["x"].as_u64().unwrap(), w["y"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            at,
            [(0, 0), (0, 1), (8, 1), (16, 1), (0, 7), (0, 13), (0, 14)]
        );
    }
}
